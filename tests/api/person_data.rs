//! `herobot person-data USER_ID [--out FILE]`: everything held about one person, and nobody
//! else's ratings.
use serde_json::Value;

use crate::forget::{ANA, herobot, one_of_everything};
use crate::helpers::spawn_app;

#[tokio::test]
async fn person_data_is_complete_for_someone_with_one_of_everything_and_shows_nobody_elses_ratings()
{
    let app = spawn_app().await;
    one_of_everything(&app).await;
    let file = app.dir.path().join("ana.json");
    herobot(&app, &["person-data", ANA, "--out", file.to_str().unwrap()]).await;
    let text = std::fs::read_to_string(&file).unwrap();
    let data: Value = serde_json::from_str(&text).unwrap();
    let len = |key: &str| data[key].as_array().map(Vec::len).unwrap_or(usize::MAX);

    assert_eq!(data["user_id"], ANA);
    assert_eq!(data["name"], "Ana Lopez");
    // Stamped by the command's own clock (the system's).
    assert!(
        data["generated_at"].as_str().unwrap().ends_with('Z'),
        "{data:#}"
    );
    assert_eq!(len("recognitions_given"), 1, "{data:#}");
    assert_eq!(
        data["recognitions_given"][0]["heroes"],
        serde_json::json!(["U0BEN"])
    );
    assert!(
        data["recognitions_given"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("Perth")
    );
    assert_eq!(len("recognitions_received"), 2, "{data:#}");
    assert_eq!(data["recognitions_received"][0]["nominator"], "U0BEN");
    assert_eq!(len("stories_told"), 1, "{data:#}");
    assert_eq!(
        data["stories_told"][0]["how_fixed"],
        "Ana phoned every customer herself"
    );
    assert_eq!(
        data["stories_told"][0]["heroes"],
        serde_json::json!(["U0CAT"])
    );
    assert_eq!(len("stories_credited"), 1, "{data:#}");
    assert_eq!(data["stories_credited"][0]["consent"], "granted");
    assert_eq!(
        data["stories_credited"][0]["title"],
        "The twice-sent invoices"
    );
    assert_eq!(len("customer_answers_given"), 1, "{data:#}");
    assert_eq!(
        data["customer_answers_given"][0]["comment"],
        "Ana made my week"
    );
    assert_eq!(len("thanks_given"), 1, "{data:#}");
    assert!(
        data["thanks_given"][0]["nomination_id"].is_number(),
        "{data:#}"
    );
    assert_eq!(len("report_card_rounds_asked"), 1, "{data:#}");
    assert_eq!(len("report_card_comments_given"), 1, "{data:#}");
    assert_eq!(
        data["report_card_comments_given"][0]["comment"],
        "A good month overall, says Ana"
    );
    assert_eq!(
        data["report_card_comments_given"][0]["about"],
        "the whole card"
    );
    assert_eq!(len("action_items"), 1, "{data:#}");
    assert_eq!(data["action_items"][0]["what"], "Send leads by the 5th");
    // Times in RFC 3339, UTC (the test's clock starts at 2026-11-18 10:00 and moves on).
    let opened = data["app_home"]["first_opened_at"].as_str().unwrap();
    assert!(
        opened.starts_with("2026-11-18T10:") && opened.ends_with('Z'),
        "{opened}"
    );

    // Her own rating, and nobody else's (nor their comments).
    assert_eq!(len("ratings_given"), 1, "{data:#}");
    let rating = &data["ratings_given"][0];
    assert_eq!(
        (
            rating["rating"].as_i64(),
            rating["comment"].as_str(),
            rating["deliverable"].as_str()
        ),
        (Some(2), Some("Leads come late, says Ana"), Some("Leads"))
    );
    for others in ["Better than", "\"rating\": 4", "\"rating\": 5"] {
        assert!(!text.contains(others), "{others} is someone else's: {text}");
    }

    // Standard output by default; someone unknown gets empty lists, not an error.
    let nobody: Value =
        serde_json::from_str(&herobot(&app, &["person-data", "U0NOBODY"]).await).unwrap();
    assert_eq!(nobody["recognitions_given"], serde_json::json!([]));
    assert_eq!(nobody["ratings_given"], serde_json::json!([]));
    assert!(nobody["app_home"].is_null());
}
