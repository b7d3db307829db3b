//! Report-card rounds: opened for a month, reminded and closed once each, and the raters
//! asked and their answers.
use crate::store::db::Exec;
use crate::store::{Conn, Db};

use crate::domain::UserId;
use crate::domain::report_card::{Month, Rated, Round};

/// Running cards that were made by `due` (unix seconds) and have no round for `month` yet.
pub async fn due_to_open(db: &Db, month: Month, due: i64) -> Result<Vec<i64>, sqlx::Error> {
    crate::on!(db, db => {
        sqlx::query_scalar(
            "select c.id from report_cards c
         where c.retired_at is null and c.created_at <= $2
           and not exists (select 1 from report_card_rounds r where r.card_id = c.id and r.month = $1)
         order by c.id",
        )
        .bind(month.to_string())
        .bind(due)
        .fetch_all(db)
        .await
    })
}

/// Opens the round of card `card_id` for `month`, asking the card's raters; None if that round
/// was opened before. The raters asked are returned with the round's ID.
pub async fn open_round(
    conn: &mut Conn<'_>,
    card_id: i64,
    month: Month,
    by: &str,
    now: i64,
    remind_at: i64,
    closes_at: i64,
) -> Result<Option<(i64, Vec<UserId>)>, sqlx::Error> {
    crate::on!(conn, conn => {
        let id: Option<i64> = sqlx::query_scalar(
            "insert into report_card_rounds (card_id, month, opened_at, opened_by, remind_at, closes_at, anonymous)
         values ($1, $2, $3, $4, $5, $6, (select anonymous from report_cards where id = $1))
         on conflict (card_id, month) do nothing returning id",
        )
        .bind(card_id)
        .bind(month.to_string())
        .bind(now)
        .bind(by)
        .bind(remind_at)
        .bind(closes_at)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        let raters: Vec<String> = sqlx::query_scalar(
            "insert into report_card_invitations (round_id, rater_id)
         select $1, rater_id from report_card_raters where card_id = $2
         returning rater_id",
        )
        .bind(id)
        .bind(card_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(Some((id, raters.into_iter().map(UserId::stored).collect())))
    })
}

pub(super) type RoundRow = (i64, i64, String, i64, i64, i64, Option<i64>);

pub(super) const ROUND_COLUMNS: &str =
    "id, card_id, month, opened_at, remind_at, closes_at, closed_at";

pub(super) fn round_of(
    (id, card_id, month, opened_at, remind_at, closes_at, closed_at): RoundRow,
) -> Round {
    Round {
        id,
        card_id,
        month: Month::parse(&month).expect("stored months are valid"),
        opened_at,
        remind_at,
        closes_at,
        closed_at,
    }
}

pub async fn get_round(db: impl Into<Exec<'_>>, id: i64) -> Result<Option<Round>, sqlx::Error> {
    crate::on_any!(db, db => {
        let row: Option<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {ROUND_COLUMNS} from report_card_rounds where id = $1"
        )))
        .bind(id)
        .fetch_optional(db)
        .await?;
        Ok(row.map(round_of))
    })
}

/// Card `card_id`'s rounds still open, oldest first.
pub async fn open_rounds(db: &Db, card_id: i64) -> Result<Vec<Round>, sqlx::Error> {
    crate::on!(db, db => {
        let rows: Vec<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {ROUND_COLUMNS} from report_card_rounds
             where card_id = $1 and closed_at is null order by month"
        )))
        .bind(card_id)
        .fetch_all(db)
        .await?;
        Ok(rows.into_iter().map(round_of).collect())
    })
}

/// Open rounds whose reminder is due at `now` and not sent.
pub async fn due_to_remind(db: &Db, now: i64) -> Result<Vec<i64>, sqlx::Error> {
    crate::on!(db, db => {
        sqlx::query_scalar(
            "select id from report_card_rounds
         where closed_at is null and reminded_at is null and remind_at <= $1 and closes_at > $1
         order by id",
        )
        .bind(now)
        .fetch_all(db)
        .await
    })
}

/// Open rounds due to close at `now`.
pub async fn due_to_close(db: &Db, now: i64) -> Result<Vec<i64>, sqlx::Error> {
    crate::on!(db, db => {
        sqlx::query_scalar(
            "select id from report_card_rounds where closed_at is null and closes_at <= $1 order by id",
        )
        .bind(now)
        .fetch_all(db)
        .await
    })
}

/// Records the round's reminder and returns who it goes to (those asked who have not
/// answered); None if it was recorded before or the round has closed.
pub async fn remind(
    conn: &mut Conn<'_>,
    round_id: i64,
    now: i64,
) -> Result<Option<Vec<UserId>>, sqlx::Error> {
    crate::on!(conn, conn => {
        let first = sqlx::query(
            "update report_card_rounds set reminded_at = $2
             where id = $1 and reminded_at is null and closed_at is null",
        )
        .bind(round_id)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if !first {
            return Ok(None);
        }
        let raters: Vec<String> = sqlx::query_scalar(
            "select i.rater_id from report_card_invitations i
         join report_card_rounds r on r.id = i.round_id
         join report_card_raters still on still.card_id = r.card_id and still.rater_id = i.rater_id
         where i.round_id = $1
           and not exists (select 1 from report_card_answers a
                           where a.round_id = i.round_id and a.rater_id = i.rater_id)
         order by i.rater_id",
        )
        .bind(round_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(Some(raters.into_iter().map(UserId::stored).collect()))
    })
}

/// Closes the round; false if it was closed before.
pub async fn close(
    db: impl Into<Exec<'_>>,
    round_id: i64,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        Ok(sqlx::query(
            "update report_card_rounds set closed_at = $2, closed_by = $3 where id = $1 and closed_at is null",
        )
        .bind(round_id)
        .bind(now)
        .bind(by)
        .execute(db)
        .await?
        .rows_affected()
            == 1)
    })
}

/// Whether `rater` was asked in the round.
pub async fn invited(
    db: impl Into<Exec<'_>>,
    round_id: i64,
    rater: &UserId,
) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_scalar(
            "select exists (select 1 from report_card_invitations where round_id = $1 and rater_id = $2)",
        )
        .bind(round_id)
        .bind(rater.as_str())
        .fetch_one(db)
        .await
    })
}

/// `rater`'s comment about the whole card in the round, if any (to fill the modal in again).
pub async fn card_comment_of(
    db: &Db,
    round_id: i64,
    rater: &UserId,
) -> Result<Option<String>, sqlx::Error> {
    crate::on!(db, db => {
        sqlx::query_scalar(
            "select comment from report_card_round_comments where round_id = $1 and rater_id = $2",
        )
        .bind(round_id)
        .bind(rater.as_str())
        .fetch_optional(db)
        .await
    })
}

/// `rater`'s answers in the round (to fill the modal in again).
pub async fn answers_of(db: &Db, round_id: i64, rater: &UserId) -> Result<Vec<Rated>, sqlx::Error> {
    crate::on!(db, db => {
        let rows: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
            "select deliverable_id, rating, comment from report_card_answers
             where round_id = $1 and rater_id = $2",
        )
        .bind(round_id)
        .bind(rater.as_str())
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(deliverable_id, rating, comment)| {
                Some(Rated {
                    deliverable_id,
                    rating: crate::domain::report_card::Rating::parse(&rating.to_string())?,
                    comment,
                })
            })
            .collect())
    })
}

/// Replaces `rater`'s answers in the round with `answers` and their comment about the whole
/// card with `card_comment`, if the round is still open at `now` (checked in the transaction, so
/// an answer never lands in a round that closed); false if not.
pub async fn replace_answers(
    conn: &mut Conn<'_>,
    round_id: i64,
    rater: &UserId,
    answers: &[Rated],
    card_comment: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    crate::on!(conn, conn => {
        let open: bool = sqlx::query_scalar(
            "select exists (select 1 from report_card_rounds
                            where id = $1 and closed_at is null and closes_at > $2)",
        )
        .bind(round_id)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        if !open {
            return Ok(false);
        }
        sqlx::query("delete from report_card_answers where round_id = $1 and rater_id = $2")
            .bind(round_id)
            .bind(rater.as_str())
            .execute(&mut *conn)
            .await?;
        for answer in answers {
            sqlx::query(
                "insert into report_card_answers (round_id, rater_id, deliverable_id, rating, comment, answered_at)
                 values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(round_id)
            .bind(rater.as_str())
            .bind(answer.deliverable_id)
            .bind(i64::from(answer.rating.value()))
            .bind(answer.comment.as_deref())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query("delete from report_card_round_comments where round_id = $1 and rater_id = $2")
            .bind(round_id)
            .bind(rater.as_str())
            .execute(&mut *conn)
            .await?;
        if let Some(comment) = card_comment {
            sqlx::query(
                "insert into report_card_round_comments (round_id, rater_id, comment, answered_at)
                 values ($1, $2, $3, $4)",
            )
            .bind(round_id)
            .bind(rater.as_str())
            .bind(comment)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        Ok(true)
    })
}
