//! Report cards: cards with their deliverables and raters, monthly rounds opened, reminded and
//! closed once each, the raters' answers, action items, and the results and trends read back.
use sqlx::{SqliteConnection, SqliteExecutor, SqlitePool};

use crate::domain::report_card::{
    ActionItem, Answer, Card, Comment, Comments, Deliverable, Month, NewCard, Results, Round, Tally,
};
use crate::domain::{ChannelId, UserId};

/// Stores a new card; its ID.
pub async fn create(
    conn: &mut SqliteConnection,
    card: &NewCard,
    by: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "insert into report_cards (supplier, review_channel, anonymous, created_by, created_at, updated_at)
         values (?1, ?2, ?3, ?4, ?5, ?5) returning id",
    )
    .bind(card.supplier())
    .bind(card.review_channel())
    .bind(card.comments() == Comments::Anonymous)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    set_lists(conn, id, card, now).await?;
    Ok(id)
}

/// Changes card `id` to `card`; false if there is no such card still running.
pub async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    card: &NewCard,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "update report_cards set supplier = ?2, review_channel = ?3, anonymous = ?4, updated_at = ?5
         where id = ?1 and retired_at is null",
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
        set_lists(conn, id, card, now).await?;
    }
    Ok(changed)
}

/// Makes the card's raters and deliverables `card`'s: a deliverable whose text is unchanged
/// keeps its ID (and its history), dropped ones are retired, new ones added.
async fn set_lists(
    conn: &mut SqliteConnection,
    id: i64,
    card: &NewCard,
    now: i64,
) -> Result<(), sqlx::Error> {
    let raters: Vec<&str> = card.raters().iter().map(|r| r.as_str()).collect();
    let raters = serde_json::to_string(&raters).expect("IDs serialise");
    sqlx::query(
        "delete from report_card_raters where card_id = ?1
           and rater_id not in (select value from json_each(?2))",
    )
    .bind(id)
    .bind(&raters)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert or ignore into report_card_raters (card_id, rater_id)
         select ?1, value from json_each(?2)",
    )
    .bind(id)
    .bind(&raters)
    .execute(&mut *conn)
    .await?;
    let current: Vec<(i64, String)> = sqlx::query_as(
        "select id, name from report_card_deliverables where card_id = ?1 and retired_at is null",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    for (deliverable, name) in &current {
        if !card.deliverables().iter().any(|d| same(d, name)) {
            sqlx::query("update report_card_deliverables set retired_at = ?2 where id = ?1")
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
                    "update report_card_deliverables set position = ?2, name = ?3 where id = ?1",
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
                     values (?1, ?2, ?3, ?4)",
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
}

/// Retires card `id`: it runs no more rounds. False if it was retired before, or never was.
pub async fn retire(db: impl SqliteExecutor<'_>, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "update report_cards set retired_at = ?2, updated_at = ?2 where id = ?1 and retired_at is null",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

type CardRow = (i64, String, String, bool, i64, Option<i64>);

const CARD_COLUMNS: &str = "id, supplier, review_channel, anonymous, created_at, retired_at";

/// Card `id`, with its deliverables and raters today.
pub async fn get(db: &SqlitePool, id: i64) -> Result<Option<Card>, sqlx::Error> {
    let row: Option<CardRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {CARD_COLUMNS} from report_cards where id = ?1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?;
    match row {
        Some(row) => Ok(Some(card(db, row).await?)),
        None => Ok(None),
    }
}

/// Every card, running ones first, each in the order they were made.
pub async fn all(db: &SqlitePool) -> Result<Vec<Card>, sqlx::Error> {
    let rows: Vec<CardRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {CARD_COLUMNS} from report_cards order by retired_at is not null, id"
    )))
    .fetch_all(db)
    .await?;
    let mut cards = Vec::with_capacity(rows.len());
    for row in rows {
        cards.push(card(db, row).await?);
    }
    Ok(cards)
}

async fn card(db: &SqlitePool, row: CardRow) -> Result<Card, sqlx::Error> {
    let (id, supplier, review_channel, anonymous, created_at, retired_at) = row;
    let deliverables: Vec<(i64, String)> = sqlx::query_as(
        "select id, name from report_card_deliverables
         where card_id = ?1 and retired_at is null order by position, id",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let raters: Vec<String> = sqlx::query_scalar(
        "select rater_id from report_card_raters where card_id = ?1 order by rater_id",
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
}

/// Running cards that were made by `due` (unix seconds) and have no round for `month` yet.
pub async fn due_to_open(db: &SqlitePool, month: Month, due: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "select c.id from report_cards c
         where c.retired_at is null and c.created_at <= ?2
           and not exists (select 1 from report_card_rounds r where r.card_id = c.id and r.month = ?1)
         order by c.id",
    )
    .bind(month.to_string())
    .bind(due)
    .fetch_all(db)
    .await
}

/// Opens the round of card `card_id` for `month`, asking the card's raters; None if that round
/// was opened before. The raters asked are returned with the round's ID.
pub async fn open_round(
    conn: &mut SqliteConnection,
    card_id: i64,
    month: Month,
    by: &str,
    now: i64,
    remind_at: i64,
    closes_at: i64,
) -> Result<Option<(i64, Vec<UserId>)>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "insert into report_card_rounds (card_id, month, opened_at, opened_by, remind_at, closes_at, anonymous)
         values (?1, ?2, ?3, ?4, ?5, ?6, (select anonymous from report_cards where id = ?1))
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
         select ?1, rater_id from report_card_raters where card_id = ?2
         returning rater_id",
    )
    .bind(id)
    .bind(card_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some((id, raters.into_iter().map(UserId::stored).collect())))
}

type RoundRow = (i64, i64, String, i64, i64, i64, Option<i64>);

const ROUND_COLUMNS: &str = "id, card_id, month, opened_at, remind_at, closes_at, closed_at";

fn round_of((id, card_id, month, opened_at, remind_at, closes_at, closed_at): RoundRow) -> Round {
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

pub async fn get_round(db: impl SqliteExecutor<'_>, id: i64) -> Result<Option<Round>, sqlx::Error> {
    let row: Option<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ROUND_COLUMNS} from report_card_rounds where id = ?1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(round_of))
}

/// Card `card_id`'s rounds still open, oldest first.
pub async fn open_rounds(db: &SqlitePool, card_id: i64) -> Result<Vec<Round>, sqlx::Error> {
    let rows: Vec<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ROUND_COLUMNS} from report_card_rounds
         where card_id = ?1 and closed_at is null order by month"
    )))
    .bind(card_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(round_of).collect())
}

/// Open rounds whose reminder is due at `now` and not sent.
pub async fn due_to_remind(db: &SqlitePool, now: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "select id from report_card_rounds
         where closed_at is null and reminded_at is null and remind_at <= ?1 and closes_at > ?1
         order by id",
    )
    .bind(now)
    .fetch_all(db)
    .await
}

/// Open rounds due to close at `now`.
pub async fn due_to_close(db: &SqlitePool, now: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "select id from report_card_rounds where closed_at is null and closes_at <= ?1 order by id",
    )
    .bind(now)
    .fetch_all(db)
    .await
}

/// Records the round's reminder and returns who it goes to (those asked who have not
/// answered); None if it was recorded before or the round has closed.
pub async fn remind(
    conn: &mut SqliteConnection,
    round_id: i64,
    now: i64,
) -> Result<Option<Vec<UserId>>, sqlx::Error> {
    let first = sqlx::query(
        "update report_card_rounds set reminded_at = ?2
         where id = ?1 and reminded_at is null and closed_at is null",
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
         where i.round_id = ?1
           and not exists (select 1 from report_card_answers a
                           where a.round_id = i.round_id and a.rater_id = i.rater_id)
         order by i.rater_id",
    )
    .bind(round_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(raters.into_iter().map(UserId::stored).collect()))
}

/// Closes the round; false if it was closed before.
pub async fn close(
    db: impl SqliteExecutor<'_>,
    round_id: i64,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "update report_card_rounds set closed_at = ?2, closed_by = ?3 where id = ?1 and closed_at is null",
    )
    .bind(round_id)
    .bind(now)
    .bind(by)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Whether `rater` was asked in the round.
pub async fn invited(
    db: impl SqliteExecutor<'_>,
    round_id: i64,
    rater: &UserId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "select exists (select 1 from report_card_invitations where round_id = ?1 and rater_id = ?2)",
    )
    .bind(round_id)
    .bind(rater.as_str())
    .fetch_one(db)
    .await
}

/// `rater`'s answers in the round (to fill the modal in again).
pub async fn answers_of(
    db: &SqlitePool,
    round_id: i64,
    rater: &UserId,
) -> Result<Vec<Answer>, sqlx::Error> {
    let rows: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
        "select deliverable_id, rating, comment from report_card_answers
         where round_id = ?1 and rater_id = ?2",
    )
    .bind(round_id)
    .bind(rater.as_str())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(deliverable_id, rating, comment)| {
            Some(Answer {
                deliverable_id,
                rating: crate::domain::report_card::Rating::parse(&rating.to_string())?,
                comment,
            })
        })
        .collect())
}

/// Replaces `rater`'s answers in the round with `answers`, if the round is still open at `now`
/// (checked in the transaction, so an answer never lands in a round that closed); false if not.
pub async fn replace_answers(
    conn: &mut SqliteConnection,
    round_id: i64,
    rater: &UserId,
    answers: &[Answer],
    now: i64,
) -> Result<bool, sqlx::Error> {
    let open: bool = sqlx::query_scalar(
        "select exists (select 1 from report_card_rounds
                        where id = ?1 and closed_at is null and closes_at > ?2)",
    )
    .bind(round_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    if !open {
        return Ok(false);
    }
    sqlx::query("delete from report_card_answers where round_id = ?1 and rater_id = ?2")
        .bind(round_id)
        .bind(rater.as_str())
        .execute(&mut *conn)
        .await?;
    for answer in answers {
        sqlx::query(
            "insert into report_card_answers (round_id, rater_id, deliverable_id, rating, comment, answered_at)
             values (?1, ?2, ?3, ?4, ?5, ?6)",
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
    Ok(true)
}

/// Each deliverable's ratings in the round: those the card had when the round opened, and any
/// rated in it, in the card's order.
pub async fn tallies(db: &SqlitePool, round_id: i64) -> Result<Vec<Tally>, sqlx::Error> {
    let rows: Vec<(i64, String, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "select d.id, d.name,
                count(a.rating = 1 or null), count(a.rating = 2 or null), count(a.rating = 3 or null),
                count(a.rating = 4 or null), count(a.rating = 5 or null)
         from report_card_rounds r
         join report_card_deliverables d on d.card_id = r.card_id
         left join report_card_answers a on a.round_id = r.id and a.deliverable_id = d.id
         where r.id = ?1
         group by d.id
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
}

/// How many raters the round asked, and how many answered.
pub async fn response(db: &SqlitePool, round_id: i64) -> Result<(u32, u32), sqlx::Error> {
    let (invited, answered): (i64, i64) = sqlx::query_as(
        "select (select count(*) from report_card_invitations where round_id = ?1),
                (select count(distinct rater_id) from report_card_answers where round_id = ?1)",
    )
    .bind(round_id)
    .fetch_one(db)
    .await?;
    Ok((invited as u32, answered as u32))
}

/// The round's comments, in the card's order of deliverables, then alphabetically (not in the
/// order they came, which could tell whose each is).
pub async fn comments(db: &SqlitePool, round_id: i64) -> Result<Vec<Comment>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select d.name, a.rater_id, a.comment from report_card_answers a
         join report_card_deliverables d on d.id = a.deliverable_id
         where a.round_id = ?1 and a.comment is not null and a.comment != ''
         order by d.position, d.id, a.comment, a.rater_id",
    )
    .bind(round_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(deliverable, rater, text)| Comment {
            deliverable,
            rater: UserId::stored(rater),
            text,
        })
        .collect())
}

/// The closed round of the same card before `round` (by month), if any.
pub async fn previous_closed(db: &SqlitePool, round: &Round) -> Result<Option<Round>, sqlx::Error> {
    let row: Option<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ROUND_COLUMNS} from report_card_rounds
         where card_id = ?1 and month < ?2 and closed_at is not null
         order by month desc limit 1"
    )))
    .bind(round.card_id)
    .bind(round.month.to_string())
    .fetch_optional(db)
    .await?;
    Ok(row.map(round_of))
}

/// The card's latest closed round.
pub async fn last_closed(db: &SqlitePool, card_id: i64) -> Result<Option<Round>, sqlx::Error> {
    let row: Option<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ROUND_COLUMNS} from report_card_rounds
         where card_id = ?1 and closed_at is not null order by month desc limit 1"
    )))
    .bind(card_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(round_of))
}

/// Rounds that closed in `[start, end)`, by card.
pub async fn closed_between(
    db: &SqlitePool,
    start: i64,
    end: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "select id from report_card_rounds where closed_at >= ?1 and closed_at < ?2
         order by card_id, month",
    )
    .bind(start)
    .bind(end)
    .fetch_all(db)
    .await
}

/// A round's results as shown at its close, with the open action items of its card.
pub async fn results(db: &SqlitePool, round_id: i64) -> Result<Option<Results>, sqlx::Error> {
    let Some(round) = get_round(db, round_id).await? else {
        return Ok(None);
    };
    let Some(mut card) = get(db, round.card_id).await? else {
        return Ok(None);
    };
    // Comments show as the round's raters were told when it opened, whatever the card says now.
    let anonymous: bool =
        sqlx::query_scalar("select anonymous from report_card_rounds where id = ?1")
            .bind(round.id)
            .fetch_one(db)
            .await?;
    card.comments = if anonymous {
        Comments::Anonymous
    } else {
        Comments::Attributed
    };
    let (invited, answered) = response(db, round.id).await?;
    let previous = match previous_closed(db, &round).await? {
        Some(before) => Some((before.month, tallies(db, before.id).await?)),
        None => None,
    };
    Ok(Some(Results {
        tallies: tallies(db, round.id).await?,
        comments: comments(db, round.id).await?,
        open_actions: actions(db, card.id, true).await?,
        card,
        round,
        invited,
        answered,
        previous,
    }))
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
pub async fn history(
    db: &SqlitePool,
    card_id: i64,
    since: Month,
) -> Result<Vec<MonthRow>, sqlx::Error> {
    let rounds: Vec<RoundRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ROUND_COLUMNS} from report_card_rounds
         where card_id = ?1 and month >= ?2 and closed_at is not null order by month"
    )))
    .bind(card_id)
    .bind(since.to_string())
    .fetch_all(db)
    .await?;
    let mut months = Vec::with_capacity(rounds.len());
    for row in rounds {
        let round = round_of(row);
        let (invited, answered) = response(db, round.id).await?;
        months.push(MonthRow {
            month: round.month,
            invited,
            answered,
            tallies: tallies(db, round.id).await?,
        });
    }
    Ok(months)
}

/// Adds an action item to the card of `round_id`; its ID.
pub async fn add_action(
    conn: &mut SqliteConnection,
    round: &Round,
    what: &str,
    owner: &UserId,
    due_on: jiff::civil::Date,
    by: &UserId,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into report_card_actions (card_id, round_id, what, owner_id, due_on, added_by, added_at)
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7) returning id",
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
    db: impl SqliteExecutor<'_>,
    id: i64,
) -> Result<Option<ActionItem>, sqlx::Error> {
    let row: Option<ActionRow> = sqlx::query_as(
        "select id, card_id, what, owner_id, due_on, done_at from report_card_actions where id = ?1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(action))
}

/// The card's action items (only those not done, if `open_only`), by due date.
pub async fn actions(
    db: &SqlitePool,
    card_id: i64,
    open_only: bool,
) -> Result<Vec<ActionItem>, sqlx::Error> {
    let rows: Vec<ActionRow> = sqlx::query_as(
        "select id, card_id, what, owner_id, due_on, done_at from report_card_actions
         where card_id = ?1 and (not ?2 or done_at is null)
         order by done_at is not null, due_on, id",
    )
    .bind(card_id)
    .bind(open_only)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(action).collect())
}

/// Marks the action item done; false if it was done before.
pub async fn mark_done(
    db: impl SqliteExecutor<'_>,
    id: i64,
    by: &UserId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "update report_card_actions set done_at = ?2, done_by = ?3 where id = ?1 and done_at is null",
    )
    .bind(id)
    .bind(now)
    .bind(by.as_str())
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}
