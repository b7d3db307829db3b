//! Report cards: cards with their deliverables and raters. Their monthly rounds, the raters'
//! answers, the results read back and the action items live in the submodules, re-exported here.
use crate::store::db::Exec;
use crate::store::{Conn, Db};
mod actions;
mod results;
mod rounds;

pub use actions::{action_round, actions, add_action, get_action, mark_done, round_actions};
pub use results::{
    MonthRow, closed_between, comments, history, last_closed, previous_closed, response, results,
    tallies,
};
pub use rounds::{
    answers_of, card_comment_of, close, due_to_close, due_to_open, due_to_remind, get_round,
    invited, open_round, open_rounds, remind, replace_answers,
};

use crate::domain::report_card::{Card, Comments, Deliverable, NewCard};
use crate::domain::{ChannelId, UserId};

/// Stores a new card; its ID.
pub async fn create(
    conn: &mut Conn<'_>,
    card: &NewCard,
    by: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    crate::on!(conn, conn => {
        let id: i64 = sqlx::query_scalar(
            "insert into report_cards (supplier, review_channel, anonymous, created_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $5) returning id",
        )
        .bind(card.supplier())
        .bind(card.review_channel())
        .bind(card.comments() == Comments::Anonymous)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        set_lists(&mut Conn::from(&mut *conn), id, card, now).await?;
        Ok(id)
    })
}

/// Changes card `id` to `card`; false if there is no such card still running.
pub async fn update(
    conn: &mut Conn<'_>,
    id: i64,
    card: &NewCard,
    now: i64,
) -> Result<bool, sqlx::Error> {
    crate::on!(conn, conn => {
        let changed = sqlx::query(
            "update report_cards set supplier = $2, review_channel = $3, anonymous = $4, updated_at = $5
             where id = $1 and retired_at is null",
        )
        .bind(id)
        .bind(card.supplier())
        .bind(card.review_channel())
        .bind(card.comments() == Comments::Anonymous)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if changed {
            set_lists(&mut Conn::from(&mut *conn), id, card, now).await?;
        }
        Ok(changed)
    })
}

/// Makes the card's raters and deliverables `card`'s: a deliverable whose text is unchanged
/// keeps its ID (and its history), dropped ones are retired, new ones added.
async fn set_lists(
    conn: &mut Conn<'_>,
    id: i64,
    card: &NewCard,
    now: i64,
) -> Result<(), sqlx::Error> {
    crate::on!(conn, conn => {
        let raters: Vec<&str> = card.raters().iter().map(|r| r.as_str()).collect();
        let raters = serde_json::to_string(&raters).expect("IDs serialise");
        let listed = ENGINE.pick(
            "(select value from json_each($2))",
            "(select value from jsonb_array_elements_text($2::jsonb))",
        );
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "delete from report_card_raters where card_id = $1 and rater_id not in {listed}"
        )))
        .bind(id)
        .bind(&raters)
        .execute(&mut *conn)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into report_card_raters (card_id, rater_id)
             select $1, value from {listed} as listed where true
             on conflict do nothing"
        )))
        .bind(id)
        .bind(&raters)
        .execute(&mut *conn)
        .await?;
        let current: Vec<(i64, String)> = sqlx::query_as(
            "select id, name from report_card_deliverables where card_id = $1 and retired_at is null",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        for (deliverable, name) in &current {
            if !card.deliverables().iter().any(|d| same(d, name)) {
                sqlx::query("update report_card_deliverables set retired_at = $2 where id = $1")
                    .bind(deliverable)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        for (position, name) in card.deliverables().iter().enumerate() {
            match current.iter().find(|(_, n)| same(n, name)) {
                // The same deliverable (its wording's case may have changed): its history stays.
                Some((deliverable, _)) => {
                    sqlx::query(
                        "update report_card_deliverables set position = $2, name = $3 where id = $1",
                    )
                    .bind(deliverable)
                    .bind(position as i64)
                    .bind(name)
                    .execute(&mut *conn)
                    .await?;
                }
                None => {
                    sqlx::query(
                        "insert into report_card_deliverables (card_id, position, name, created_at)
                         values ($1, $2, $3, $4)",
                    )
                    .bind(id)
                    .bind(position as i64)
                    .bind(name)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }
        Ok(())
    })
}

/// Retires card `id`: it runs no more rounds. False if it was retired before, or never was.
pub async fn retire(db: impl Into<Exec<'_>>, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        Ok(sqlx::query(
            "update report_cards set retired_at = $2, updated_at = $2 where id = $1 and retired_at is null",
        )
        .bind(id)
        .bind(now)
        .execute(db)
        .await?
        .rows_affected()
            == 1)
    })
}

type CardRow = (i64, String, String, bool, i64, Option<i64>);

const CARD_COLUMNS: &str = "id, supplier, review_channel, anonymous, created_at, retired_at";

/// Card `id`, with its deliverables and raters today.
pub async fn get(db: &Db, id: i64) -> Result<Option<Card>, sqlx::Error> {
    crate::on!(db, db => {
        let row: Option<CardRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {CARD_COLUMNS} from report_cards where id = $1"
        )))
        .bind(id)
        .fetch_optional(db)
        .await?;
        match row {
            Some(row) => Ok(Some(card(&Db::from(db), row).await?)),
            None => Ok(None),
        }
    })
}

/// Every card, running ones first, each in the order they were made.
pub async fn all(db: &Db) -> Result<Vec<Card>, sqlx::Error> {
    crate::on!(db, db => {
        let rows: Vec<CardRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {CARD_COLUMNS} from report_cards order by retired_at is not null, id"
        )))
        .fetch_all(db)
        .await?;
        let mut cards = Vec::with_capacity(rows.len());
        for row in rows {
            cards.push(card(&Db::from(db), row).await?);
        }
        Ok(cards)
    })
}

async fn card(db: &Db, row: CardRow) -> Result<Card, sqlx::Error> {
    crate::on!(db, db => {
        let (id, supplier, review_channel, anonymous, created_at, retired_at) = row;
        let deliverables: Vec<(i64, String)> = sqlx::query_as(
            "select id, name from report_card_deliverables
             where card_id = $1 and retired_at is null order by position, id",
        )
        .bind(id)
        .fetch_all(db)
        .await?;
        let raters: Vec<String> = sqlx::query_scalar(
            "select rater_id from report_card_raters where card_id = $1 order by rater_id",
        )
        .bind(id)
        .fetch_all(db)
        .await?;
        Ok(Card {
            id,
            supplier,
            review_channel: ChannelId::stored(review_channel),
            comments: if anonymous {
                Comments::Anonymous
            } else {
                Comments::Attributed
            },
            created_at,
            retired_at,
            deliverables: deliverables
                .into_iter()
                .map(|(id, name)| Deliverable { id, name })
                .collect(),
            raters: raters.into_iter().map(UserId::stored).collect(),
        })
    })
}
