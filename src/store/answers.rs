//! Customer answers: the answer to each story, the internal customer asked in Slack, and how
//! often each answer link recorded an answer.
use crate::store::Conn;
use crate::store::db::Exec;

use crate::domain::Answer;

/// What recording an answer changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// Something changed (a first answer, another choice or another comment).
    pub changed: bool,
    /// The answer before, if there was one.
    pub before: Option<Answer>,
}

/// Records the customer's answer to `story_id` (replacing an earlier one); `customer` is the
/// internal customer's user ID, None for the answer link.
pub async fn record(
    conn: &mut Conn<'_>,
    story_id: i64,
    answer: Answer,
    comment: Option<&str>,
    customer: Option<&str>,
    now: i64,
) -> Result<Recorded, sqlx::Error> {
    crate::on!(conn, conn => {
        let before: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "select answer, comment, customer_id from customer_answers where story_id = $1",
        )
        .bind(story_id)
        .fetch_optional(&mut *conn)
        .await?;
        let same = before.as_ref().is_some_and(|(a, c, who)| {
            a == answer.as_str() && c.as_deref() == comment && who.as_deref() == customer
        });
        let before = before.and_then(|(a, _, _)| Answer::parse(&a));
        if same {
            return Ok(Recorded {
                changed: false,
                before,
            });
        }
        sqlx::query(
            "insert into customer_answers (story_id, answer, comment, answered_at, customer_id)
         values ($1, $2, $3, $4, $5)
         on conflict (story_id) do update set answer = excluded.answer, comment = excluded.comment,
             answered_at = excluded.answered_at, customer_id = excluded.customer_id",
        )
        .bind(story_id)
        .bind(answer.as_str())
        .bind(comment)
        .bind(now)
        .bind(customer)
        .execute(&mut *conn)
        .await?;
        Ok(Recorded {
            changed: true,
            before,
        })
    })
}

/// How many answers the link of `story_id` made at `made_at` has recorded.
pub async fn link_uses(
    db: impl Into<Exec<'_>>,
    story_id: i64,
    made_at: i64,
) -> Result<i64, sqlx::Error> {
    crate::on_any!(db, db => {
        let uses: Option<i64> = sqlx::query_scalar(
            "select answers from answer_link_uses where story_id = $1 and made_at = $2",
        )
        .bind(story_id)
        .bind(made_at)
        .fetch_optional(db)
        .await?;
        Ok(uses.unwrap_or(0))
    })
}

/// Counts one more answer recorded through a link.
pub async fn count_link_use(
    db: impl Into<Exec<'_>>,
    story_id: i64,
    made_at: i64,
) -> Result<(), sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query(
            "insert into answer_link_uses (story_id, made_at, answers) values ($1, $2, 1)
             on conflict (story_id, made_at) do update set answers = answer_link_uses.answers + 1",
        )
        .bind(story_id)
        .bind(made_at)
        .execute(db)
        .await?;
        Ok(())
    })
}

/// Records that `customer` is asked about `story_id`; false if someone was asked before.
pub async fn ask(
    db: impl Into<Exec<'_>>,
    story_id: i64,
    customer: &str,
    asked_by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        let done = sqlx::query(
            "insert into customer_asks (story_id, customer_id, asked_by, asked_at) values ($1, $2, $3, $4)
             on conflict (story_id) do nothing",
        )
        .bind(story_id)
        .bind(customer)
        .bind(asked_by)
        .bind(now)
        .execute(db)
        .await?;
        Ok(done.rows_affected() == 1)
    })
}

/// The internal customer asked about `story_id`, if any.
pub async fn asked(db: impl Into<Exec<'_>>, story_id: i64) -> Result<Option<String>, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_scalar("select customer_id from customer_asks where story_id = $1")
            .bind(story_id)
            .fetch_optional(db)
            .await
    })
}
