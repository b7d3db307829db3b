//! Report-card action items: added at a round's close, read back, and marked done.
use crate::store::db::Exec;
use crate::store::{Conn, Db};

use crate::domain::UserId;
use crate::domain::report_card::{ActionItem, Round};

/// Adds an action item to the card of `round_id`; its ID.
pub async fn add_action(
    conn: &mut Conn<'_>,
    round: &Round,
    what: &str,
    owner: &UserId,
    due_on: jiff::civil::Date,
    by: &UserId,
    now: i64,
) -> Result<i64, sqlx::Error> {
    crate::on!(conn, conn => {
        sqlx::query_scalar(
            "insert into report_card_actions (card_id, round_id, what, owner_id, due_on, added_by, added_at)
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(round.card_id)
        .bind(round.id)
        .bind(what)
        .bind(owner.as_str())
        .bind(due_on.to_string())
        .bind(by.as_str())
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    })
}

type ActionRow = (i64, i64, String, String, String, Option<i64>);

fn action((id, card_id, what, owner, due_on, done_at): ActionRow) -> ActionItem {
    ActionItem {
        id,
        card_id,
        what,
        owner: UserId::stored(owner),
        due_on: due_on.parse().expect("stored dates are valid"),
        done_at,
    }
}

pub async fn get_action(
    db: impl Into<Exec<'_>>,
    id: i64,
) -> Result<Option<ActionItem>, sqlx::Error> {
    crate::on_any!(db, db => {
        let row: Option<ActionRow> = sqlx::query_as(
            "select id, card_id, what, owner_id, due_on, done_at from report_card_actions where id = $1",
        )
        .bind(id)
        .fetch_optional(db)
        .await?;
        Ok(row.map(action))
    })
}

/// The round an action item was agreed in.
pub async fn action_round(db: impl Into<Exec<'_>>, id: i64) -> Result<Option<i64>, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_scalar("select round_id from report_card_actions where id = $1")
            .bind(id)
            .fetch_optional(db)
            .await
    })
}

/// What a round's results post lists: the card's open action items, and every one agreed in
/// `round_id` (done ones marked so), open ones first, by due date.
pub async fn round_actions(
    db: &Db,
    card_id: i64,
    round_id: i64,
) -> Result<Vec<ActionItem>, sqlx::Error> {
    crate::on!(db, db => {
        let rows: Vec<ActionRow> = sqlx::query_as(
            "select id, card_id, what, owner_id, due_on, done_at from report_card_actions
         where card_id = $1 and (done_at is null or round_id = $2)
         order by done_at is not null, due_on, id",
        )
        .bind(card_id)
        .bind(round_id)
        .fetch_all(db)
        .await?;
        Ok(rows.into_iter().map(action).collect())
    })
}

/// The card's action items (only those not done, if `open_only`), by due date.
pub async fn actions(
    db: &Db,
    card_id: i64,
    open_only: bool,
) -> Result<Vec<ActionItem>, sqlx::Error> {
    crate::on!(db, db => {
        let rows: Vec<ActionRow> = sqlx::query_as(
            "select id, card_id, what, owner_id, due_on, done_at from report_card_actions
         where card_id = $1 and (not $2 or done_at is null)
         order by done_at is not null, due_on, id",
        )
        .bind(card_id)
        .bind(open_only)
        .fetch_all(db)
        .await?;
        Ok(rows.into_iter().map(action).collect())
    })
}

/// Marks the action item done; false if it was done before.
pub async fn mark_done(
    db: impl Into<Exec<'_>>,
    id: i64,
    by: &UserId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        Ok(sqlx::query(
            "update report_card_actions set done_at = $2, done_by = $3 where id = $1 and done_at is null",
        )
        .bind(id)
        .bind(now)
        .bind(by.as_str())
        .execute(db)
        .await?
        .rows_affected()
            == 1)
    })
}
