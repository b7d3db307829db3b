//! Internal report cards in Slack: a leader's card modal (errors beside fields, editing), a
//! round opening once with a DM per rater, the rating modal (changing answers, refusals), the
//! reminder to non-respondents only, closing once with averages and changes, the anonymity
//! threshold, action items from button to Done, the CLI and the digest's line. Every moment is
//! set through the app's clock.
use crate::sql;
use serde_json::{Value, json};
use wiremock::Request;

use crate::answers::press;
use crate::digest::within_slack_limits;
use crate::helpers::{
    LEADER, Options, TestApp, command_body, eventually, json as body_json, spawn_app_with, start,
    trigger_id,
};
use crate::modals::submission;

const REVIEW: &str = "C0REVIEW";
const RATERS: [&str; 3] = ["U0ANA", "U0BEN", "U0CAT"];
/// Tuesday 1 December 2026, 09:00 UTC: November's round opens (the first working day).
const NOVEMBER_OPENS_MS: i64 = 1_796_115_600_000;
const DAY_MS: i64 = 86_400_000;
const MINUTE_MS: i64 = 60_000;
/// Monday 4 January 2027, 09:00 UTC: December's round opens (1 January is New Year's Day).
const DECEMBER_OPENS_MS: i64 = 1_799_053_200_000;

/// The `DATABASE_URL` the command line reaches `app`'s database at, on either engine: the
/// SQLite file in its directory, or the PostgreSQL database named there.
pub(crate) fn cli_database_url(app: &TestApp) -> String {
    std::fs::read_to_string(app.dir.path().join("postgres-url"))
        .unwrap_or_else(|_| format!("sqlite://{}/herobot.db", app.dir.path().display()))
}

pub(crate) fn options() -> Options {
    Options {
        public_url: Some("http://herobot.test"),
        ..Options::default()
    }
}

fn card_values(supplier: &str, raters: &[&str], deliverables: &str, comments: &str) -> Value {
    json!({
        "supplier": {"supplier": {"type": "plain_text_input", "value": supplier}},
        "raters": {"raters": {"type": "multi_users_select", "selected_users": raters}},
        "deliverables": {"deliverables": {"type": "plain_text_input", "value": deliverables}},
        "review_channel": {"review_channel": {"type": "conversations_select", "selected_conversation": REVIEW}},
        "comments": {"comments": {"type": "radio_buttons", "selected_option": {"value": comments}}},
    })
}

/// A modal submission by `user`.
fn submitted_by(user: &str, callback_id: &str, values: Value, metadata: &str) -> Value {
    let mut payload = submission(callback_id, values, metadata);
    payload["user"]["id"] = json!(user);
    payload
}

async fn hero(app: &TestApp, user: &str, text: &str) -> reqwest::Response {
    let body = command_body(&app.slack, user, text, &trigger_id());
    app.post_signed(
        "/slack/commands",
        &body,
        "application/x-www-form-urlencoded",
        app.clock.now_secs(),
    )
    .await
}

fn metadata(app: &TestApp) -> String {
    json!({"channel": "C0GENERAL", "response_url": format!("{}/response/T0TEAM/cards/leader", app.slack.uri())}).to_string()
}

/// Creates a card through the modal as the leader; its ID.
pub(crate) async fn create_card(app: &TestApp, comments: &str) -> i64 {
    let before = app.count("report_cards").await;
    let answer = app
        .interact(&submitted_by(
            LEADER,
            "report_card",
            card_values(
                "Marketing",
                &RATERS,
                "Qualified leads by the 5th\nAccurate price lists",
                comments,
            ),
            &metadata(app),
        ))
        .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "", "the modal closes");
    assert_eq!(app.count("report_cards").await, before + 1);
    sql::query_scalar("select max(id) from report_cards")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn requests(app: &TestApp) -> Vec<Request> {
    app.slack.received_requests().await.unwrap()
}

/// The JSON bodies Slack received at `path`, in order.
async fn bodies_at(app: &TestApp, path: &str) -> Vec<Value> {
    requests(app)
        .await
        .iter()
        .filter(|r| r.url.path() == path)
        .map(body_json)
        .collect()
}

/// Messages posted with `chat.postMessage` to `channel`, in order.
async fn posts_to(app: &TestApp, channel: &str) -> Vec<Value> {
    bodies_at(app, "/chat.postMessage")
        .await
        .into_iter()
        .filter(|b| b["channel"] == channel)
        .collect()
}

/// Waits for `n` posts to `channel`.
async fn wait_posts(app: &TestApp, channel: &str, n: usize) -> Vec<Value> {
    eventually(&format!("{n} posts to {channel}"), || async {
        let posts = posts_to(app, channel).await;
        (posts.len() >= n).then_some(posts)
    })
    .await
}

/// Sets the clock and waits until the scheduler did what is due then (it looks again whenever
/// the clock moves) and the outbox sent it.
async fn at(app: &TestApp, ms: i64) {
    app.clock.set_ms(ms);
    eventually("the report-card scheduler to do what is due", || async {
        (due(app, ms).await == 0).then_some(())
    })
    .await;
    app.settled().await;
}

/// Report-card work due at `ms` and not done yet, by the database: rounds to open, reminders
/// to send, rounds to close. A round opens on its month's first working day (the two this suite
/// reaches are `NOVEMBER_OPENS_MS` and `DECEMBER_OPENS_MS`) for each card running by then; the
/// round's state change and its messages commit together, so once nothing is due, the outbox
/// holds all there is to send.
async fn due(app: &TestApp, ms: i64) -> i64 {
    let opening = [
        (DECEMBER_OPENS_MS, "2026-12"),
        (NOVEMBER_OPENS_MS, "2026-11"),
    ]
    .into_iter()
    .find(|(opens, _)| ms >= *opens);
    let (opens_at, month) = opening.map_or((i64::MAX, ""), |(opens, month)| (opens / 1000, month));
    sql::query_scalar(
        "select (select count(*) from report_cards c
                 where $2 <= $1 and c.retired_at is null and c.created_at <= $2
                   and not exists (select 1 from report_card_rounds r
                                   where r.card_id = c.id and r.month = $3))
              + (select count(*) from report_card_rounds
                 where closed_at is null and reminded_at is null
                   and remind_at <= $1 and closes_at > $1)
              + (select count(*) from report_card_rounds
                 where closed_at is null and closes_at <= $1)",
    )
    .bind(ms / 1000)
    .bind(opens_at)
    .bind(month)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn round_id(app: &TestApp, card: i64, month: &str) -> Option<i64> {
    sql::query_scalar("select id from report_card_rounds where card_id = $1 and month = $2")
        .bind(card)
        .bind(month)
        .fetch_optional(&app.db)
        .await
        .unwrap()
}

/// Opens November's round at its moment; its ID.
pub(crate) async fn open_november(app: &TestApp, card: i64) -> i64 {
    at(app, NOVEMBER_OPENS_MS + MINUTE_MS).await;
    eventually("November's round to open", || {
        round_id(app, card, "2026-11")
    })
    .await
}

/// The view the rater's press opened (found by the press's trigger ID).
async fn opened_view(app: &TestApp, action_ts: &str) -> Value {
    let trigger = format!("9001.{action_ts}.abc");
    eventually("the modal to open", || async {
        bodies_at(app, "/views.open")
            .await
            .into_iter()
            .find(|b| b["trigger_id"] == trigger.as_str())
            .map(|b| b["view"].clone())
    })
    .await
}

/// The values of the rating modal as it is today: a select per deliverable, and one comment
/// about what `about` names (`card`, or a deliverable's ID).
fn select_values(ratings: &[&str], comment: Option<(&str, &str)>) -> Value {
    let mut values = serde_json::Map::new();
    for (i, rating) in ratings.iter().enumerate() {
        let block = format!("rating_{}", i + 1);
        values.insert(
            block.clone(),
            json!({ block: {"type": "static_select", "selected_option": {"value": rating}}}),
        );
    }
    let (about, text) = comment.map_or((None, None), |(a, t)| (Some(a), Some(t)));
    values.insert(
        "comment".into(),
        json!({"comment": {"type": "plain_text_input", "value": text}}),
    );
    values.insert(
        "comment_about".into(),
        json!({"comment_about": {"type": "static_select", "selected_option": about.map(|a| json!({"value": a}))}}),
    );
    Value::Object(values)
}

/// The values of the rating modal as it was before: radio buttons and a comment per
/// deliverable (a modal opened before an upgrade may be sent after it).
fn rating_values(ratings: &[&str], comments: &[Option<&str>]) -> Value {
    let mut values = serde_json::Map::new();
    for (i, rating) in ratings.iter().enumerate() {
        let block = format!("rating_{}", i + 1);
        values.insert(
            block.clone(),
            json!({ block: {"type": "radio_buttons", "selected_option": {"value": rating}}}),
        );
        let block = format!("comment_{}", i + 1);
        let comment = comments.get(i).copied().flatten();
        values.insert(
            block.clone(),
            json!({ block: {"type": "plain_text_input", "value": comment}}),
        );
    }
    Value::Object(values)
}

/// `rater` presses **Rate** in their DM and sends `ratings`; herobot's answer to the submission.
async fn rate(
    app: &TestApp,
    rater: &str,
    round: i64,
    ratings: &[&str],
    comments: &[Option<&str>],
) -> Value {
    let action_ts = format!("{}{}", rater, trigger_id()).replace('.', "");
    app.interact(&press(
        app,
        rater,
        "reportcard_rate",
        round,
        &action_ts,
        None,
    ))
    .await;
    let view = opened_view(app, &action_ts).await;
    assert_eq!(view["callback_id"], "report_card_rating");
    let metadata = view["private_metadata"].as_str().unwrap().to_owned();
    // The modal takes one comment: the first given, about its deliverable (by the ID its
    // select offers; the first option is the whole card).
    let about = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "comment_about")
        .map(|b| b["element"]["options"].clone())
        .unwrap();
    let comment = comments.iter().enumerate().find_map(|(i, c)| {
        let id = about[i + 1]["value"].as_str().unwrap().to_owned();
        Some((id, (*c)?))
    });
    let answer = app
        .interact(&submitted_by(
            rater,
            "report_card_rating",
            select_values(ratings, comment.as_ref().map(|(id, c)| (id.as_str(), *c))),
            &metadata,
        ))
        .await;
    let text = answer.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn text_of(message: &Value) -> String {
    message.to_string()
}

#[tokio::test]
async fn a_leader_creates_and_edits_a_card_through_the_modal_with_errors_beside_fields() {
    let app = spawn_app_with(options()).await;

    // Only leaders.
    let refused: Value = hero(&app, "U0ANA", "reportcard")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        refused["text"]
            .as_str()
            .unwrap()
            .contains("Only the service leaders")
    );
    let answer = hero(&app, LEADER, "reportcard").await;
    assert_eq!(answer.text().await.unwrap(), "", "the modal opened");
    let view = eventually("the card modal", || async {
        bodies_at(&app, "/views.open")
            .await
            .into_iter()
            .find(|b| b["view"]["callback_id"] == "report_card")
    })
    .await;
    assert_eq!(view["view"]["blocks"].as_array().unwrap().len(), 5);

    // Every problem beside its field; nothing stored.
    let seven = (1..=7)
        .map(|i| format!("Thing {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut values = card_values("  ", &[], &seven, "anonymous");
    values["review_channel"]["review_channel"]["selected_conversation"] = Value::Null;
    let answer: Value = app
        .interact(&submitted_by(
            LEADER,
            "report_card",
            values,
            &metadata(&app),
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["response_action"], "errors");
    let errors = answer["errors"].as_object().unwrap();
    let mut keys: Vec<&str> = errors.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["deliverables", "raters", "review_channel", "supplier"]
    );
    assert!(
        errors["deliverables"]
            .as_str()
            .unwrap()
            .contains("at most 6")
    );
    assert_eq!(app.count("report_cards").await, 0);

    // A non-leader's forged submission is refused too.
    let answer: Value = app
        .interact(&submitted_by(
            "U0ANA",
            "report_card",
            card_values("Marketing", &RATERS, "Leads", "anonymous"),
            &metadata(&app),
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        answer["errors"]["supplier"]
            .as_str()
            .unwrap()
            .contains("Only the service leaders")
    );
    assert_eq!(app.count("report_cards").await, 0);

    let card = create_card(&app, "anonymous").await;
    let confirmation = eventually("the leader's confirmation", || async {
        bodies_at(&app, "/response/T0TEAM/cards/leader")
            .await
            .into_iter()
            .next()
    })
    .await;
    let text = confirmation["text"].as_str().unwrap();
    assert!(
        text.contains(&format!("Report card {card} for *Marketing* is created")),
        "{text}"
    );
    assert!(text.contains("3 raters rate 2 deliverables"), "{text}");
    assert!(
        !text.contains(":warning:"),
        "three raters are enough: {text}"
    );
    assert!(
        text.contains("Tue 1 Dec at 09:00 UTC"),
        "the first working day of December: {text}"
    );

    // Edit: the modal comes filled in.
    hero(&app, LEADER, &format!("reportcard edit {card}")).await;
    let view = eventually("the edit modal", || async {
        bodies_at(&app, "/views.open")
            .await
            .into_iter()
            .find(|b| b["view"]["title"]["text"] == "Edit the report card")
    })
    .await;
    let blocks = &view["view"]["blocks"];
    assert_eq!(blocks[0]["element"]["initial_value"], "Marketing");
    assert_eq!(
        blocks[1]["element"]["initial_users"],
        json!(["U0ANA", "U0BEN", "U0CAT"])
    );
    assert_eq!(
        blocks[2]["element"]["initial_value"],
        "Qualified leads by the 5th\nAccurate price lists"
    );
    let metadata = view["view"]["private_metadata"]
        .as_str()
        .unwrap()
        .to_owned();
    let kept: i64 = sql::query_scalar(
        "select id from report_card_deliverables where name = 'Accurate price lists'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let answer = app
        .interact(&submitted_by(
            LEADER,
            "report_card",
            card_values(
                "Marketing & Events",
                &["U0ANA", "U0BEN"],
                "Accurate price lists\nCampaign calendar a month ahead",
                "attributed",
            ),
            &metadata,
        ))
        .await;
    assert_eq!(answer.text().await.unwrap(), "");
    assert_eq!(app.count("report_cards").await, 1, "edited, not added");
    let deliverables: Vec<(i64, String, Option<i64>)> = sql::query_as(
        "select id, name, retired_at from report_card_deliverables order by retired_at is not null, position",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        deliverables[0].0, kept,
        "an unchanged deliverable keeps its history"
    );
    assert_eq!(deliverables[1].1, "Campaign calendar a month ahead");
    assert!(deliverables[2].2.is_some(), "the dropped one is retired");
    assert_eq!(app.count("report_card_raters").await, 2);
    let (supplier, anonymous): (String, bool) =
        sql::query_as("select supplier, anonymous from report_cards")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (supplier.as_str(), anonymous),
        ("Marketing & Events", false)
    );

    // The list shows it, escaped, to anyone.
    let list: Value = hero(&app, "U0ANA", "reportcard list")
        .await
        .json()
        .await
        .unwrap();
    let shown = list.to_string();
    assert!(shown.contains("Marketing &amp; Events"), "{shown}");
    assert!(shown.contains("no round closed yet"), "{shown}");

    // Retire: no more rounds, and editing it is refused.
    let retired: Value = hero(&app, LEADER, &format!("reportcard retire {card}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(retired["text"].as_str().unwrap().contains("is retired"));
    let again: Value = hero(&app, LEADER, &format!("reportcard edit {card}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        again["text"]
            .as_str()
            .unwrap()
            .contains("no running report card")
    );
    at(&app, NOVEMBER_OPENS_MS + MINUTE_MS).await;
    assert_eq!(
        app.count("report_card_rounds").await,
        0,
        "a retired card runs no round"
    );
}

#[tokio::test]
async fn a_round_opens_once_with_a_dm_to_each_rater_also_across_a_restart() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;

    at(&app, NOVEMBER_OPENS_MS - MINUTE_MS).await;
    assert_eq!(
        app.count("report_card_rounds").await,
        0,
        "not before its moment"
    );

    let round = open_november(&app, card).await;
    for rater in RATERS {
        let dms = wait_posts(&app, rater, 1).await;
        assert_eq!(dms.len(), 1, "{rater} is asked once");
        let button = &dms[0]["blocks"][1]["elements"][0];
        assert_eq!(button["text"]["text"], "Rate Marketing for November");
        assert_eq!(button["action_id"], "reportcard_rate");
        assert_eq!(button["value"], round.to_string());
    }

    // A restart at a later moment opens nothing again.
    let (dir, slack) = app.stop().await;
    let app = start(dir, slack, &options()).await;
    at(&app, NOVEMBER_OPENS_MS + DAY_MS).await;
    assert_eq!(app.count("report_card_rounds").await, 1);
    for rater in RATERS {
        assert_eq!(
            posts_to(&app, rater).await.len(),
            1,
            "{rater} still asked once"
        );
    }
}

#[tokio::test]
async fn a_round_missed_while_herobot_was_down_opens_when_it_starts() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;
    let (dir, slack) = app.stop().await;
    // Down through 1 December 09:00; started again on 2 December, its clock never moved.
    let later = Options {
        starts_at_ms: Some(NOVEMBER_OPENS_MS + DAY_MS),
        ..options()
    };
    let app = start(dir, slack, &later).await;
    eventually("the missed round to open on start-up", || {
        round_id(&app, card, "2026-11")
    })
    .await;
    wait_posts(&app, RATERS[0], 1).await;
}

#[tokio::test]
async fn a_rater_rates_changes_their_answers_and_only_raters_rate_until_the_round_closes() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;
    let round = open_november(&app, card).await;

    // Anything but 1–5 is refused beside its field; nothing stored.
    let answer = rate(&app, "U0ANA", round, &["7", "4"], &[]).await;
    assert_eq!(answer["response_action"], "errors");
    assert!(
        answer["errors"]["rating_1"]
            .as_str()
            .unwrap()
            .contains("1 to 5")
    );
    assert_eq!(app.count("report_card_answers").await, 0);

    let answer = rate(
        &app,
        "U0ANA",
        round,
        &["4", "5"],
        &[Some("Leads came late twice")],
    )
    .await;
    assert_eq!(answer["response_action"], "update", "{answer}");
    assert!(
        answer
            .to_string()
            .contains("Your ratings of *Marketing* are in")
    );
    let stored: Vec<(i64, Option<String>)> = sql::query_as(
        "select rating, comment from report_card_answers where rater_id = 'U0ANA' order by deliverable_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        stored,
        [(4, Some("Leads came late twice".into())), (5, None)]
    );

    // Pressed again: the modal shows the earlier answers; a second submission replaces them.
    let action_ts = "again1";
    app.interact(&press(
        &app,
        "U0ANA",
        "reportcard_rate",
        round,
        action_ts,
        None,
    ))
    .await;
    let view = opened_view(&app, action_ts).await;
    let blocks = view["blocks"].as_array().unwrap();
    assert_eq!(
        blocks.len(),
        5,
        "a section, a select per deliverable, one comment and what it is about"
    );
    assert_eq!(blocks[1]["label"]["text"], "Qualified leads by the 5th");
    assert_eq!(blocks[1]["element"]["type"], "static_select");
    let options: Vec<&str> = blocks[1]["element"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["text"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        options,
        [
            "5 — Always, every time",
            "4 — Almost always",
            "3 — Often",
            "2 — Sometimes",
            "1 — Rarely"
        ]
    );
    assert_eq!(blocks[1]["element"]["initial_option"]["value"], "4");
    assert_eq!(blocks[2]["element"]["initial_option"]["value"], "5");
    assert_eq!(blocks[3]["block_id"], "comment");
    assert_eq!(blocks[3]["optional"], true);
    assert_eq!(
        blocks[3]["element"]["initial_value"],
        "Leads came late twice"
    );
    assert_eq!(blocks[4]["block_id"], "comment_about");
    let abouts: Vec<&str> = blocks[4]["element"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["text"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        abouts,
        [
            "The whole card",
            "Qualified leads by the 5th",
            "Accurate price lists"
        ]
    );
    assert_eq!(
        blocks[4]["element"]["initial_option"]["text"]["text"], "Qualified leads by the 5th",
        "the comment is about what it was about"
    );
    let answer = rate(&app, "U0ANA", round, &["2", "3"], &[]).await;
    assert_eq!(answer["response_action"], "update");
    let stored: Vec<i64> = sql::query_scalar(
        "select rating from report_card_answers where rater_id = 'U0ANA' order by deliverable_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(stored, [2, 3], "replaced, not added");

    // Someone the round did not ask is told so, privately; no modal opens.
    app.interact(&press(
        &app,
        "U0ZED",
        "reportcard_rate",
        round,
        "zed1",
        None,
    ))
    .await;
    let note = eventually("the note to a non-rater", || async {
        bodies_at(&app, "/response/T0TEAM/press/U0ZED")
            .await
            .into_iter()
            .next()
    })
    .await;
    assert!(note["text"].as_str().unwrap().contains("Only the raters"));
    assert_eq!(note["response_type"], "ephemeral");

    // After the close, answers cannot change.
    let action_ts = "late1";
    app.interact(&press(
        &app,
        "U0BEN",
        "reportcard_rate",
        round,
        action_ts,
        None,
    ))
    .await;
    let view = opened_view(&app, action_ts).await;
    at(&app, NOVEMBER_OPENS_MS + 7 * DAY_MS + MINUTE_MS).await;
    let answer: Value = app
        .interact(&submitted_by(
            "U0BEN",
            "report_card_rating",
            rating_values(&["5", "5"], &[]),
            view["private_metadata"].as_str().unwrap(),
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        answer["errors"]["rating_1"]
            .as_str()
            .unwrap()
            .contains("closed")
    );
    assert_eq!(app.count("report_card_answers").await, 2);
}

#[tokio::test]
async fn the_reminder_goes_once_after_three_days_only_to_those_who_have_not_answered() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;
    let round = open_november(&app, card).await;
    rate(&app, "U0ANA", round, &["4", "4"], &[]).await;

    at(&app, NOVEMBER_OPENS_MS + 3 * DAY_MS - 2 * MINUTE_MS).await;
    assert_eq!(
        posts_to(&app, "U0BEN").await.len(),
        1,
        "no reminder before three days"
    );

    at(&app, NOVEMBER_OPENS_MS + 3 * DAY_MS + MINUTE_MS).await;
    for rater in ["U0BEN", "U0CAT"] {
        let dms = wait_posts(&app, rater, 2).await;
        assert!(text_of(&dms[1]).contains("A reminder"), "{}", dms[1]);
        assert_eq!(
            dms[1]["blocks"][1]["elements"][0]["value"],
            round.to_string()
        );
    }
    at(&app, NOVEMBER_OPENS_MS + 5 * DAY_MS).await;
    assert_eq!(
        posts_to(&app, "U0ANA").await.len(),
        1,
        "who answered gets no reminder"
    );
    assert_eq!(posts_to(&app, "U0BEN").await.len(), 2, "one reminder only");
}

/// Opens the month's round at `opens_ms`, has each rater give `ratings[i]`, closes it a week
/// later; the results post.
async fn run_round(
    app: &TestApp,
    card: i64,
    month: &str,
    opens_ms: i64,
    ratings: &[[&str; 2]],
    comments: &[Option<&str>],
) -> Value {
    at(app, opens_ms + MINUTE_MS).await;
    let round = eventually("the round to open", || round_id(app, card, month)).await;
    for (i, rating) in ratings.iter().enumerate() {
        let answer = rate(
            app,
            RATERS[i],
            round,
            rating,
            &[comments.get(i).copied().flatten()],
        )
        .await;
        assert_eq!(answer["response_action"], "update", "{answer}");
    }
    let before = posts_to(app, REVIEW).await.len();
    at(app, opens_ms + 7 * DAY_MS + MINUTE_MS).await;
    let posts = wait_posts(app, REVIEW, before + 1).await;
    posts[before].clone()
}

// The command blocks a thread while it runs; the app serving beside it keeps the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_closes_once_with_averages_distributions_and_the_change_on_last_month() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;

    let november = run_round(
        &app,
        card,
        "2026-11",
        NOVEMBER_OPENS_MS,
        &[["3", "2"], ["4", "2"], ["5", "2"]],
        &[Some("More <b>leads</b> & sooner"), None, None],
    )
    .await;
    let text = text_of(&november);
    assert_eq!(
        november["blocks"][0]["text"]["text"],
        "Marketing's report card for November 2026"
    );
    assert!(text.contains("3 of 3 raters answered (100 %)"), "{text}");
    assert!(
        text.contains("▰▰▰▰▱ *4.0*  Qualified leads by the 5th"),
        "{text}"
    );
    assert!(
        !text.contains("1: 0 · 2: 0 · 3: 1"),
        "distributions are on the card's page: {text}"
    );
    assert!(text.contains("▰▰▱▱▱ *2.0*  Accurate price lists"), "{text}");
    assert!(
        !text.contains("Biggest mover"),
        "nothing to compare: {text}"
    );
    let chart = november["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "data_visualization")
        .expect("a bar chart of the averages");
    assert_eq!(chart["title"], "Marketing: averages for Nov 26");
    assert_eq!(chart["chart"]["type"], "bar");
    assert_eq!(
        chart["chart"]["axis_config"]["categories"],
        json!(["Qualified leads by …", "Accurate price lists"])
    );
    assert_eq!(
        chart["chart"]["series"][0]["data"],
        json!([
            {"label": "Qualified leads by …", "value": 4.0},
            {"label": "Accurate price lists", "value": 2.0}
        ])
    );
    within_slack_limits(&november);
    assert!(text.contains("Overall *3.0*"), "{text}");
    assert!(
        text.contains("More &lt;b&gt;leads&lt;/b&gt; &amp; sooner"),
        "escaped: {text}"
    );
    assert!(!text.contains("U0ANA"), "anonymous: {text}");
    assert!(text.contains("reportcard_add_action"));
    assert!(
        text.contains("http://herobot.test/library/reportcards/"),
        "{text}"
    );

    let december = run_round(
        &app,
        card,
        "2026-12",
        DECEMBER_OPENS_MS,
        &[["5", "1"], ["5", "2"], ["5", "3"]],
        &[],
    )
    .await;
    let text = text_of(&december);
    assert!(
        text.contains("▰▰▰▰▰ *5.0*  Qualified leads by the 5th  (▲ 1.0 on November)"),
        "{text}"
    );
    assert!(
        text.contains("▰▰▱▱▱ *2.0*  Accurate price lists  (no change on November)"),
        "{text}"
    );
    assert!(
        text.contains("Biggest mover: *Qualified leads by the 5th*, up 1.0 on November."),
        "{text}"
    );
    within_slack_limits(&december);
    assert!(text.contains("Overall *3.5* (▲ 0.5 on November)"), "{text}");

    // Closed once each: a restart and the CLI's close change nothing.
    let (dir, slack) = app.stop().await;
    let app = start(dir, slack, &options()).await;
    at(&app, DECEMBER_OPENS_MS + 10 * DAY_MS).await;
    let closed = std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
        .args(["reportcard", "close"])
        .env("DATABASE_URL", cli_database_url(&app))
        .output()
        .unwrap();
    assert!(closed.status.success());
    assert!(String::from_utf8_lossy(&closed.stdout).contains("no open round"));
    app.settled().await;
    assert_eq!(
        posts_to(&app, REVIEW).await.len(),
        2,
        "one results post per round"
    );
}

#[tokio::test]
async fn fewer_than_three_answers_hide_the_averages_and_anonymous_comments() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;
    let results = run_round(
        &app,
        card,
        "2026-11",
        NOVEMBER_OPENS_MS,
        &[["1", "5"], ["2", "5"]],
        &[Some("Only I would say this")],
    )
    .await;
    let text = text_of(&results);
    assert!(text.contains("2 of 3 raters answered (67 %)"), "{text}");
    assert!(
        text.contains("▱▱▱▱▱  Qualified leads by the 5th: not enough answers"),
        "{text}"
    );
    assert!(text.contains("averages are not shown"), "{text}");
    assert!(!text.contains("data_visualization"), "no chart: {text}");
    for hidden in ["1.5", "5.0", "Only I would say this", "1: 1"] {
        assert!(!text.contains(hidden), "{hidden} is kept back: {text}");
    }
    assert!(text.contains("Comments are kept back too"), "{text}");
}

#[tokio::test]
async fn with_a_threshold_of_four_a_round_three_answered_hides_its_averages() {
    let app = spawn_app_with(Options {
        report_card_min_answers: Some("4"),
        ..options()
    })
    .await;
    let card = create_card(&app, "anonymous").await;
    let results = run_round(
        &app,
        card,
        "2026-11",
        NOVEMBER_OPENS_MS,
        &[["3", "2"], ["4", "2"], ["5", "2"]],
        &[Some("Three of us said so")],
    )
    .await;
    let text = text_of(&results);
    assert!(text.contains("3 of 3 raters answered (100 %)"), "{text}");
    assert!(
        text.contains("▱▱▱▱▱  Qualified leads by the 5th: not enough answers"),
        "{text}"
    );
    assert!(text.contains("With fewer than 4 answers"), "{text}");
    for hidden in ["4.0", "2.0", "Overall", "Three of us said so"] {
        assert!(!text.contains(hidden), "{hidden} is kept back: {text}");
    }
}

#[tokio::test]
async fn attributed_comments_name_their_rater() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "attributed").await;
    let results = run_round(
        &app,
        card,
        "2026-11",
        NOVEMBER_OPENS_MS,
        &[["4", "4"], ["4", "4"]],
        &[Some("Great campaign")],
    )
    .await;
    let text = text_of(&results);
    assert!(text.contains("Great campaign”"), "{text}");
    assert!(text.contains("<@U0ANA>"), "{text}");
    assert!(
        text.contains("not enough answers"),
        "averages still need three: {text}"
    );
}

#[tokio::test]
async fn an_action_item_goes_from_the_results_button_to_its_owners_dm_to_done() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;
    run_round(
        &app,
        card,
        "2026-11",
        NOVEMBER_OPENS_MS,
        &[["2", "2"], ["2", "2"], ["2", "2"]],
        &[],
    )
    .await;
    let round = round_id(&app, card, "2026-11").await.unwrap();

    app.interact(&press(
        &app,
        "U0ANA",
        "reportcard_add_action",
        round,
        "add1",
        None,
    ))
    .await;
    let view = opened_view(&app, "add1").await;
    assert_eq!(view["callback_id"], "report_card_action");
    let values = |due: &str| {
        json!({
            "what": {"what": {"type": "plain_text_input", "value": "Send <leads> by the 3rd"}},
            "owner": {"owner": {"type": "users_select", "selected_user": "U0MARK"}},
            "due": {"due": {"type": "datepicker", "selected_date": due}},
        })
    };
    let metadata = view["private_metadata"].as_str().unwrap().to_owned();
    // The clock is 8 December 2026: a date before it is refused beside its field.
    let answer: Value = app
        .interact(&submitted_by(
            "U0ANA",
            "report_card_action",
            values("2026-12-01"),
            &metadata,
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        answer["errors"]["due"]
            .as_str()
            .unwrap()
            .contains("today or a later day")
    );
    assert_eq!(app.count("report_card_actions").await, 0);
    let answer = app
        .interact(&submitted_by(
            "U0ANA",
            "report_card_action",
            values("2026-12-20"),
            &metadata,
        ))
        .await;
    assert_eq!(answer.text().await.unwrap(), "");

    let dm = wait_posts(&app, "U0MARK", 1).await.remove(0);
    // The review channel sees it: the results post is updated in place, with owner and due date.
    let updated = eventually("the results post updated with the action", || async {
        bodies_at(&app, "/chat.update")
            .await
            .into_iter()
            .find(|b| text_of(b).contains("Send &lt;leads&gt; by the 3rd"))
    })
    .await;
    assert_eq!(updated["ts"], "1700000000.000100");
    assert!(
        text_of(&updated).contains("<@U0MARK>, due Sun 20 Dec"),
        "{updated}"
    );
    let text = text_of(&dm);
    assert!(text.contains("Send &lt;leads&gt; by the 3rd"), "{text}");
    assert!(text.contains("due Sun 20 Dec"), "{text}");
    let done = &dm["blocks"][1]["elements"][0];
    assert_eq!(done["action_id"], "reportcard_action_done");
    let action: i64 = done["value"].as_str().unwrap().parse().unwrap();

    // Someone else cannot mark it done.
    app.interact(&press(
        &app,
        "U0BEN",
        "reportcard_action_done",
        action,
        "done0",
        None,
    ))
    .await;
    app.settled().await;
    let open: Option<i64> = sql::query_scalar("select done_at from report_card_actions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(open, None);

    // Still open a month later: in December's results, overdue.
    let december = run_round(
        &app,
        card,
        "2026-12",
        DECEMBER_OPENS_MS,
        &[["3", "3"], ["3", "3"], ["3", "3"]],
        &[],
    )
    .await;
    let text = text_of(&december);
    assert!(text.contains("Open action items"), "{text}");
    assert!(
        text.contains("<@U0MARK>, due Sun 20 Dec — *overdue*"),
        "{text}"
    );

    // The owner presses Done: once, however often the press arrives.
    let pressed = press(
        &app,
        "U0MARK",
        "reportcard_action_done",
        action,
        "done1",
        None,
    );
    app.interact(&pressed).await;
    app.interact(&pressed).await;
    app.settled().await;
    let done_by: Option<String> = sql::query_scalar("select done_by from report_card_actions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(done_by.as_deref(), Some("U0MARK"));
    let replaced = bodies_at(&app, "/response/T0TEAM/press/U0MARK").await;
    assert_eq!(replaced.len(), 1, "the DM is updated once");
    assert_eq!(replaced[0]["replace_original"], true);
    assert!(text_of(&replaced[0]).contains("— done"));
    // …and November's results post, where it was agreed, shows it done.
    let updates = bodies_at(&app, "/chat.update").await;
    let last = updates
        .iter()
        .rev()
        .find(|b| text_of(b).contains("Send &lt;leads&gt;"))
        .unwrap();
    assert!(text_of(last).contains("November"), "{last}");
    assert!(
        text_of(last).contains("<@U0MARK>, due Sun 20 Dec — done"),
        "{last}"
    );
    assert!(
        !text_of(&replaced[0]).contains("reportcard_action_done"),
        "no Done button left"
    );
}

#[tokio::test]
async fn the_weekly_digest_has_a_line_per_card_whose_round_closed_that_week() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;
    run_round(
        &app,
        card,
        "2026-11",
        NOVEMBER_OPENS_MS,
        &[["4", "3"], ["4", "3"], ["4", "3"]],
        &[],
    )
    .await;
    // Tuesday 8 December: the preview of this week so far.
    let preview: Value = hero(&app, LEADER, "digest").await.json().await.unwrap();
    let text = preview.to_string();
    assert!(text.contains("Report cards reviewed this week"), "{text}");
    assert!(
        text.contains("*Marketing* for November: *3.5* overall"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "http://herobot.test/library/reportcards/{card}|the card"
        )),
        "{text}"
    );

    // The week after, no line.
    at(&app, NOVEMBER_OPENS_MS + 14 * DAY_MS).await;
    let preview: Value = hero(&app, LEADER, "digest").await.json().await.unwrap();
    assert!(!preview.to_string().contains("Report cards reviewed"));
}

// The command blocks a thread while it runs; the app serving beside it keeps the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herobot_reportcard_lists_opens_and_closes_once_from_the_command_line() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
            .arg("reportcard")
            .args(args)
            .env("DATABASE_URL", cli_database_url(&app))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };

    let listed = run(&["list"]);
    assert!(
        listed.starts_with(&format!(
            "{card}\tMarketing\t3 raters\t2 deliverables\t{REVIEW}"
        )),
        "{listed}"
    );

    // The command line runs on the machine's clock: it opens the round of the month before now.
    let opened = run(&["open", "--card", &card.to_string()]);
    assert!(opened.contains("round opened; 3 rater(s)"), "{opened}");
    let again = run(&["open", "--card", &card.to_string()]);
    assert!(again.contains("opened before; nothing changed"), "{again}");
    let opened_by: Vec<String> = sql::query_scalar("select opened_by from report_card_rounds")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(opened_by, ["cli"]);
    // The running service delivers the DMs the command line queued, once its clock reads the
    // machine's, as the command line's does.
    let machine_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    app.clock.set_ms(machine_ms + 1000);
    for rater in RATERS {
        wait_posts(&app, rater, 1).await;
    }

    let closed = run(&["close", "--card", &card.to_string()]);
    assert!(closed.contains("round closed"), "{closed}");
    let nothing = run(&["close"]);
    assert!(
        nothing.contains("no open round to close; nothing changed"),
        "{nothing}"
    );
    wait_posts(&app, REVIEW, 1).await;
    app.settled().await;
    assert_eq!(posts_to(&app, REVIEW).await.len(), 1);
    assert!(run(&["list"]).contains("not enough answers, 0 % answered"));
}

#[tokio::test]
async fn app_home_shows_a_rater_the_rounds_waiting_for_them_until_they_close() {
    let app = spawn_app_with(options()).await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/views.publish"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(json!({"ok": true, "view": {"id": "V0HOME"}})),
        )
        .mount(&app.slack)
        .await;
    crate::home::open_home(&app, "U0ANA", "Ev0HOME1").await;
    let first = crate::home::publishes(&app, 1).await;
    assert!(!first[0].to_string().contains("Report cards to rate"));

    let card = create_card(&app, "anonymous").await;
    let round = open_november(&app, card).await;
    let opened = crate::home::publishes(&app, 2).await.remove(1);
    let text = opened.to_string();
    assert!(text.contains("Report cards to rate"), "{text}");
    assert!(text.contains("Rate Marketing for November"), "{text}");
    assert!(text.contains(&format!("home_rate_{round}")), "{text}");

    rate(&app, "U0ANA", round, &["4", "4"], &[]).await;
    // Re-published at most once a minute.
    at(&app, NOVEMBER_OPENS_MS + 3 * MINUTE_MS).await;
    let answered = crate::home::publishes(&app, 3).await.remove(2);
    assert!(
        answered.to_string().contains("Change your ratings"),
        "{answered}"
    );

    at(&app, NOVEMBER_OPENS_MS + 7 * DAY_MS + MINUTE_MS).await;
    let closed = crate::home::publishes(&app, 4).await.remove(3);
    assert!(
        !closed.to_string().contains("Report cards to rate"),
        "{closed}"
    );
}

#[tokio::test]
async fn a_replayed_submission_saves_a_card_or_adds_an_action_once() {
    let app = spawn_app_with(options()).await;
    let created = submitted_by(
        LEADER,
        "report_card",
        card_values("Marketing", &RATERS, "Leads", "anonymous"),
        &metadata(&app),
    );
    for _ in 0..3 {
        let answer = app.interact(&created).await;
        assert_eq!(
            answer.text().await.unwrap(),
            "",
            "the modal closes each time"
        );
    }
    app.settled().await;
    assert_eq!(app.count("report_cards").await, 1);
    assert_eq!(
        bodies_at(&app, "/response/T0TEAM/cards/leader").await.len(),
        1,
        "one confirmation"
    );

    let card: i64 = sql::query_scalar("select id from report_cards")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let round = open_november(&app, card).await;
    let added = submitted_by(
        "U0ANA",
        "report_card_action",
        json!({
            "what": {"what": {"type": "plain_text_input", "value": "Weekly lead review"}},
            "owner": {"owner": {"type": "users_select", "selected_user": "U0MARK"}},
            "due": {"due": {"type": "datepicker", "selected_date": "2026-12-15"}},
        }),
        &round.to_string(),
    );
    app.interact(&added).await;
    app.interact(&added).await;
    app.settled().await;
    assert_eq!(app.count("report_card_actions").await, 1);
    assert_eq!(
        posts_to(&app, "U0MARK").await.len(),
        1,
        "one DM to the owner"
    );
}

#[tokio::test]
async fn a_card_edited_mid_round_keeps_the_round_anonymous_and_a_new_deliverable_needs_three_answers()
 {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;
    let round = open_november(&app, card).await;
    for rater in RATERS {
        rate(
            &app,
            rater,
            round,
            &["4", "4"],
            &[Some(&format!("Said by {rater}"))],
        )
        .await;
    }
    // The leader makes comments attributed and adds a deliverable while the round is open.
    let mut edit = submitted_by(
        LEADER,
        "report_card",
        card_values(
            "Marketing",
            &RATERS,
            "Qualified leads by the 5th\nAccurate price lists\nCase studies",
            "attributed",
        ),
        &json!({"card": card}).to_string(),
    );
    edit["view"]["id"] = json!("V0EDITMIDROUND");
    assert_eq!(app.interact(&edit).await.text().await.unwrap(), "");
    // One rater changes their answers and rates the new deliverable too, with a comment that
    // would tell their rating.
    rate(
        &app,
        "U0ANA",
        round,
        &["5", "5", "1"],
        &[None, None, Some("I gave it a 1")],
    )
    .await;

    at(&app, NOVEMBER_OPENS_MS + 7 * DAY_MS + MINUTE_MS).await;
    let results = wait_posts(&app, REVIEW, 1).await.remove(0);
    let text = text_of(&results);
    assert!(text.contains("Said by U0BEN"), "{text}");
    for rater in RATERS {
        assert!(
            !text.contains(&format!("<@{rater}>")),
            "still anonymous: {text}"
        );
    }
    assert!(
        text.contains("▱▱▱▱▱  Case studies: not enough answers"),
        "{text}"
    );
    assert!(
        text.contains("▰▰▰▰▱ *4.3*  Qualified leads by the 5th"),
        "{text}"
    );
}

#[tokio::test]
async fn when_a_round_closes_each_raters_rate_dm_is_replaced_with_the_result() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "anonymous").await;
    run_round(
        &app,
        card,
        "2026-11",
        NOVEMBER_OPENS_MS,
        &[["2", "4"], ["2", "4"], ["2", "4"]],
        &[],
    )
    .await;
    let closed: Vec<Value> = bodies_at(&app, "/chat.update")
        .await
        .into_iter()
        .filter(|b| text_of(b).contains("this round closed on"))
        .collect();
    assert_eq!(closed.len(), RATERS.len(), "one per request to rate");
    let text = text_of(&closed[0]);
    assert!(
        text.contains("this round closed on Tue 8 Dec 2026: overall *3.0* of 5"),
        "{text}"
    );
    assert!(!text.contains("reportcard_rate"), "no Rate button left");
}

/// `user` submits an action item for `round` (no press first); herobot's answer.
async fn add_action(app: &TestApp, user: &str, round: i64, what: &str) -> String {
    let values = json!({
        "what": {"what": {"type": "plain_text_input", "value": what}},
        "owner": {"owner": {"type": "users_select", "selected_user": "U0MARK"}},
        "due": {"due": {"type": "datepicker", "selected_date": "2026-12-20"}},
    });
    app.interact(&submitted_by(
        user,
        "report_card_action",
        values,
        &round.to_string(),
    ))
    .await
    .text()
    .await
    .unwrap()
}

#[tokio::test]
async fn only_leaders_and_the_cards_raters_add_actions_and_the_41st_in_an_hour_is_refused() {
    let app = spawn_app_with(Options {
        hourly_limit: "40",
        ..options()
    })
    .await;
    let card = create_card(&app, "anonymous").await;
    run_round(
        &app,
        card,
        "2026-11",
        NOVEMBER_OPENS_MS,
        &[["2", "2"], ["2", "2"], ["2", "2"]],
        &[],
    )
    .await;
    let round = round_id(&app, card, "2026-11").await.unwrap();

    // Someone neither a leader nor a rater: told at the press, and refused at the submission.
    app.interact(&press(
        &app,
        "U0MARK",
        "reportcard_add_action",
        round,
        "addx",
        None,
    ))
    .await;
    let note = eventually("the refusal", || async {
        bodies_at(&app, "/response/T0TEAM/press/U0MARK")
            .await
            .into_iter()
            .next()
    })
    .await;
    assert!(
        text_of(&note).contains("Only the service leaders and this card's raters"),
        "{note}"
    );
    let refused = add_action(&app, "U0MARK", round, "Flood the owner with DMs").await;
    assert!(refused.contains("Only the service leaders"), "{refused}");
    assert_eq!(app.count("report_card_actions").await, 0);

    for i in 0..40 {
        let answer = add_action(&app, "U0ANA", round, &format!("Action number {i}")).await;
        assert_eq!(answer, "", "action {i}");
    }
    let refused = add_action(&app, "U0ANA", round, "One too many").await;
    assert!(refused.contains("this hour"), "{refused}");
    assert_eq!(app.count("report_card_actions").await, 40);
}

#[tokio::test]
async fn a_card_with_fewer_raters_than_the_threshold_is_created_with_a_warning() {
    let app = spawn_app_with(options()).await;
    let answer = app
        .interact(&submitted_by(
            LEADER,
            "report_card",
            card_values("Marketing", &RATERS[..2], "Qualified leads", "anonymous"),
            &metadata(&app),
        ))
        .await;
    assert_eq!(answer.text().await.unwrap(), "");
    let confirmation = eventually("the leader's confirmation", || async {
        bodies_at(&app, "/response/T0TEAM/cards/leader")
            .await
            .into_iter()
            .next()
    })
    .await;
    let text = confirmation["text"].as_str().unwrap();
    assert!(text.contains("2 raters rate 1 deliverable"), "{text}");
    assert!(
        text.contains("With 2 raters, its averages can never be shown"),
        "{text}"
    );
    assert!(text.contains("at least 3 raters"), "{text}");
}

#[tokio::test]
async fn a_comment_on_a_deliverable_removed_and_re_added_mid_round_is_kept_back_with_it() {
    let app = spawn_app_with(options()).await;
    let raters = ["U0ANA", "U0BEN", "U0CAT", "U0DAN"];
    let both = "Qualified leads by the 5th\nAccurate price lists";
    let created = app
        .interact(&submitted_by(
            LEADER,
            "report_card",
            card_values("Marketing", &raters, both, "anonymous"),
            &metadata(&app),
        ))
        .await;
    assert_eq!(created.text().await.unwrap(), "");
    let card: i64 = sql::query_scalar("select max(id) from report_cards")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let round = open_november(&app, card).await;
    for rater in raters {
        let answer = rate(&app, rater, round, &["4", "4"], &[]).await;
        assert_eq!(answer["response_action"], "update", "{answer}");
    }
    // The leader drops the price lists, then puts them back: a new deliverable of that name.
    for (deliverables, view) in [("Qualified leads by the 5th", "V0DROP"), (both, "V0READD")] {
        let mut edit = submitted_by(
            LEADER,
            "report_card",
            card_values("Marketing", &raters, deliverables, "anonymous"),
            &json!({"card": card}).to_string(),
        );
        edit["view"]["id"] = json!(view);
        assert_eq!(app.interact(&edit).await.text().await.unwrap(), "");
    }
    let prices: Vec<i64> = sql::query_scalar(
        "select id from report_card_deliverables where card_id = $1 and name = 'Accurate price lists' order by id",
    )
    .bind(card)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(prices.len(), 2, "two deliverables of one name");
    // One rater rates again, alone on the re-added one, with a comment that tells their rating.
    let answer = rate(
        &app,
        "U0ANA",
        round,
        &["5", "1"],
        &[None, Some("I gave it a 1")],
    )
    .await;
    assert_eq!(answer["response_action"], "update", "{answer}");
    let commented: i64 = sql::query_scalar(
        "select deliverable_id from report_card_answers where comment = 'I gave it a 1'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(commented, prices[1], "on the re-added deliverable");

    at(&app, NOVEMBER_OPENS_MS + 7 * DAY_MS + MINUTE_MS).await;
    let results = wait_posts(&app, REVIEW, 1).await.remove(0);
    let text = text_of(&results);
    assert!(
        text.contains("▰▰▰▰▱ *4.0*  Accurate price lists"),
        "the one rated by three shows: {text}"
    );
    assert!(
        text.contains("▱▱▱▱▱  Accurate price lists: not enough answers"),
        "the re-added one, rated by one, is kept back: {text}"
    );
    assert!(!text.contains("I gave it a 1"), "and its comment: {text}");
    within_slack_limits(&results);

    let cookie = crate::library::sign_in(&app).await;
    let (_, html) =
        crate::library::page(&app, &format!("/library/reportcards/{card}"), &cookie).await;
    assert!(html.contains("Results for November 2026"), "{html}");
    assert!(!html.contains("I gave it a 1"), "kept back on the page too");
}

#[tokio::test]
async fn one_comment_names_what_it_is_about_and_a_modal_of_the_earlier_shape_is_still_accepted() {
    let app = spawn_app_with(options()).await;
    let card = create_card(&app, "attributed").await;
    let round = open_november(&app, card).await;

    // Today's modal: one comment, about the whole card.
    let action_ts = "whole1";
    app.interact(&press(
        &app,
        "U0ANA",
        "reportcard_rate",
        round,
        action_ts,
        None,
    ))
    .await;
    let view = opened_view(&app, action_ts).await;
    let metadata = view["private_metadata"].as_str().unwrap().to_owned();
    let answer: Value = app
        .interact(&submitted_by(
            "U0ANA",
            "report_card_rating",
            select_values(
                &["4", "3"],
                Some(("card", "  A steady month & no surprises  ")),
            ),
            &metadata,
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["response_action"], "update", "{answer}");
    let kept: Vec<(String, String)> =
        sql::query_as("select rater_id, comment from report_card_round_comments")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        kept,
        [(
            "U0ANA".to_owned(),
            "A steady month & no surprises".to_owned()
        )]
    );
    let on_answers: i64 =
        sql::query_scalar("select count(*) from report_card_answers where comment is not null")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(on_answers, 0, "not on a deliverable");

    // Pressed again, the modal brings the comment back, about the whole card.
    app.interact(&press(
        &app,
        "U0ANA",
        "reportcard_rate",
        round,
        "whole2",
        None,
    ))
    .await;
    let again = opened_view(&app, "whole2").await;
    let block = |id: &str| {
        again["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["block_id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        block("comment")["element"]["initial_value"],
        "A steady month & no surprises"
    );
    assert_eq!(
        block("comment_about")["element"]["initial_option"]["value"],
        "card"
    );

    // A comment about something not on the card is refused beside the select; nothing changes.
    let answer: Value = app
        .interact(&submitted_by(
            "U0ANA",
            "report_card_rating",
            select_values(&["4", "3"], Some(("999999", "Wrong place"))),
            &metadata,
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["response_action"], "errors", "{answer}");
    assert!(
        answer["errors"]["comment_about"]
            .as_str()
            .unwrap()
            .contains("Pick what the comment is about"),
        "{answer}"
    );
    assert_eq!(app.count("report_card_round_comments").await, 1);

    // A modal of the earlier shape (radio buttons, a comment per deliverable), opened before an
    // upgrade and sent after it, is accepted; its metadata is the same.
    let answer: Value = app
        .interact(&submitted_by(
            "U0BEN",
            "report_card_rating",
            rating_values(
                &["5", "2"],
                &[Some("Leads early"), Some("Two price errors")],
            ),
            &metadata,
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["response_action"], "update", "{answer}");
    let stored: Vec<(i64, Option<String>)> = sql::query_as(
        "select rating, comment from report_card_answers where rater_id = 'U0BEN' order by deliverable_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        stored,
        [
            (5, Some("Leads early".into())),
            (2, Some("Two price errors".into()))
        ]
    );
    rate(&app, "U0CAT", round, &["4", "4"], &[]).await;

    at(&app, NOVEMBER_OPENS_MS + 7 * DAY_MS + MINUTE_MS).await;
    let results = wait_posts(&app, REVIEW, 1).await.remove(0);
    let text = text_of(&results);
    assert!(
        text.contains("• _The whole card_: “A steady month &amp; no surprises” — <@U0ANA>"),
        "{text}"
    );
    assert!(
        text.contains("• _Accurate price lists_: “Two price errors” — <@U0BEN>"),
        "{text}"
    );
}
