//! Report-card results read back: each round's tallies, response and comments, the round
//! before it, and a card's history month by month.
use crate::store::Db;

use super::rounds::{ROUND_COLUMNS, RoundRow, round_of};
use super::{get, get_round, round_actions};
use crate::domain::UserId;
use crate::domain::report_card::{Comment, Comments, MinAnswers, Month, Results, Round, Tally};

/// Each deliverable's ratings in the round: those the card had when the round opened, and any
/// rated in it, in the card's order.
pub async fn tallies(db: &Db, round_id: i64) -> Result<Vec<Tally>, sqlx::Error> {
    crate::on!(db, db => {
        let rows: Vec<(i64, String, i64, i64, i64, i64, i64)> = sqlx::query_as(
            "select d.id, d.name,
                count(a.rating = 1 or null), count(a.rating = 2 or null), count(a.rating = 3 or null),
                count(a.rating = 4 or null), count(a.rating = 5 or null)
         from report_card_rounds r
         join report_card_deliverables d on d.card_id = r.card_id
         left join report_card_answers a on a.round_id = r.id and a.deliverable_id = d.id
         where r.id = $1
         group by d.id, r.id
         having count(a.rating) > 0
             or (d.created_at <= r.opened_at and (d.retired_at is null or d.retired_at > r.opened_at))
         order by d.position, d.id",
        )
        .bind(round_id)
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(deliverable_id, name, c1, c2, c3, c4, c5)| Tally {
                deliverable_id,
                name,
                counts: [c1, c2, c3, c4, c5].map(|c| c as u32),
            })
            .collect())
    })
}

/// How many raters the round asked, and how many answered.
pub async fn response(db: &Db, round_id: i64) -> Result<(u32, u32), sqlx::Error> {
    crate::on!(db, db => {
        let (invited, answered): (i64, i64) = sqlx::query_as(
            "select (select count(*) from report_card_invitations where round_id = $1),
                    (select count(distinct rater_id) from report_card_answers where round_id = $1)",
        )
        .bind(round_id)
        .fetch_one(db)
        .await?;
        Ok((invited as u32, answered as u32))
    })
}

/// The round's comments, in the card's order of deliverables, then those about the whole card,
/// each group alphabetically (not in the order they came, which could tell whose each is).
pub async fn comments(db: &Db, round_id: i64) -> Result<Vec<Comment>, sqlx::Error> {
    crate::on!(db, db => {
        let rows: Vec<(Option<i64>, String, String, String)> = sqlx::query_as(
            "select deliverable_id, name, rater_id, comment from (
           select d.id as deliverable_id, d.name as name, a.rater_id as rater_id,
                  a.comment as comment, 0 as k, d.position as position
           from report_card_answers a
           join report_card_deliverables d on d.id = a.deliverable_id
           where a.round_id = $1 and a.comment is not null and a.comment != ''
           union all
           select null, '', rater_id, comment, 1, 0 from report_card_round_comments
           where round_id = $1 and comment != '') as comments
         order by k, position, deliverable_id, comment, rater_id",
        )
        .bind(round_id)
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(deliverable_id, deliverable, rater, text)| Comment {
                deliverable_id,
                deliverable: deliverable_id.map(|_| deliverable),
                rater: UserId::stored(rater),
                text,
            })
            .collect())
    })
}

/// The closed round of the same card before `round` (by month), if any.
pub async fn previous_closed(db: &Db, round: &Round) -> Result<Option<Round>, sqlx::Error> {
    crate::on!(db, db => {
        let row: Option<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {ROUND_COLUMNS} from report_card_rounds
         where card_id = $1 and month < $2 and closed_at is not null
         order by month desc limit 1"
        )))
        .bind(round.card_id)
        .bind(round.month.to_string())
        .fetch_optional(db)
        .await?;
        Ok(row.map(round_of))
    })
}

/// The card's latest closed round.
pub async fn last_closed(db: &Db, card_id: i64) -> Result<Option<Round>, sqlx::Error> {
    crate::on!(db, db => {
        let row: Option<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {ROUND_COLUMNS} from report_card_rounds
             where card_id = $1 and closed_at is not null order by month desc limit 1"
        )))
        .bind(card_id)
        .fetch_optional(db)
        .await?;
        Ok(row.map(round_of))
    })
}

/// Rounds that closed in `[start, end)`, by card.
pub async fn closed_between(db: &Db, start: i64, end: i64) -> Result<Vec<i64>, sqlx::Error> {
    crate::on!(db, db => {
        sqlx::query_scalar(
            "select id from report_card_rounds where closed_at >= $1 and closed_at < $2
             order by card_id, month",
        )
        .bind(start)
        .bind(end)
        .fetch_all(db)
        .await
    })
}

/// A round's results as shown at its close under the anonymity threshold `min_answers`, with the
/// open action items of its card.
pub async fn results(
    db: &Db,
    round_id: i64,
    min_answers: MinAnswers,
) -> Result<Option<Results>, sqlx::Error> {
    crate::on!(db, db => {
        let Some(round) = get_round(db, round_id).await? else {
            return Ok(None);
        };
        let Some(mut card) = get(&Db::from(db), round.card_id).await? else {
            return Ok(None);
        };
        // Comments show as the round's raters were told when it opened, whatever the card says now.
        let anonymous: bool =
            sqlx::query_scalar("select anonymous from report_card_rounds where id = $1")
                .bind(round.id)
                .fetch_one(db)
                .await?;
        card.comments = if anonymous {
            Comments::Anonymous
        } else {
            Comments::Attributed
        };
        let (invited, answered) = response(&Db::from(db), round.id).await?;
        let previous = match previous_closed(&Db::from(db), &round).await? {
            Some(before) => Some((before.month, tallies(&Db::from(db), before.id).await?)),
            None => None,
        };
        Ok(Some(Results {
            tallies: tallies(&Db::from(db), round.id).await?,
            comments: comments(&Db::from(db), round.id).await?,
            open_actions: round_actions(&Db::from(db), card.id, round.id).await?,
            card,
            round,
            invited,
            answered,
            previous,
            min_answers,
        }))
    })
}

/// One month of a card's history: each deliverable's ratings, and the response.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthRow {
    pub month: Month,
    pub invited: u32,
    pub answered: u32,
    pub tallies: Vec<Tally>,
}

/// The card's closed rounds rating `since` or later, oldest first.
pub async fn history(db: &Db, card_id: i64, since: Month) -> Result<Vec<MonthRow>, sqlx::Error> {
    crate::on!(db, db => {
        let rounds: Vec<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {ROUND_COLUMNS} from report_card_rounds
             where card_id = $1 and month >= $2 and closed_at is not null order by month"
        )))
        .bind(card_id)
        .bind(since.to_string())
        .fetch_all(db)
        .await?;
        let mut months = Vec::with_capacity(rounds.len());
        for row in rounds {
            let round = round_of(row);
            let (invited, answered) = response(&Db::from(db), round.id).await?;
            months.push(MonthRow {
                month: round.month,
                invited,
                answered,
                tallies: tallies(&Db::from(db), round.id).await?,
            });
        }
        Ok(months)
    })
}
