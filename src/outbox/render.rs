//! Messages rendered when they are sent, from the committed record they are about.
use crate::store::Db;
use serde_json::Value;

use jiff::tz::TimeZone;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::UserId;
use crate::domain::outbox::{Content, Render};
use crate::messages;
use crate::slack::client::Failure;
use crate::store::outbox::{Claimed, overlay};
use crate::store::{nominations, report_cards, stories, thanks};

/// What rendering needs besides the store: the time zone times are shown in, and for App Home
/// who the leaders are and the scorecard's targets.
#[derive(Debug, Clone)]
pub struct Context {
    pub tz: TimeZone,
    pub leaders: Vec<UserId>,
    pub target_recovery_24h: u8,
    pub target_surprise: u8,
    /// Fewest stories a share is judged from (`HEROBOT_MIN_SAMPLE`).
    pub min_sample: usize,
    /// Where the library is, for links to a report card's page.
    pub public_url: Option<String>,
    /// The report-card anonymity threshold results are shown under.
    pub min_answers: crate::domain::report_card::MinAnswers,
}

impl Context {
    pub fn of(config: &Config) -> Self {
        Self {
            tz: config.timezone.clone(),
            leaders: config.leaders.clone(),
            target_recovery_24h: config.target_recovery_24h,
            target_surprise: config.target_surprise,
            min_sample: config.min_sample,
            public_url: config.public_url.clone(),
            min_answers: config.report_card_min_answers,
        }
    }
}

/// The body to send for `claimed`: its fixed body, or the rendered message, with the fields
/// its delivery needs laid over it.
/// A database error is worth retrying; a message that cannot be rendered is not.
pub async fn body(
    db: &Db,
    context: &Context,
    clock: &Clock,
    claimed: &Claimed,
) -> Result<Value, Failure> {
    crate::on!(db, db => {
        let tz = &context.tz;
        let message = &claimed.message;
        let render = match &message.content {
            Content::Fixed(body) => return Ok(overlay(body.clone(), message.delivery.fields())),
            Content::Rendered(render) => render,
        };
        let broken = |what: String| Failure::Permanent(what);
        let unreadable = |e: sqlx::Error| {
            Failure::Transient(format!(
                "reading the subject of {render:?} message {}: {e}",
                claimed.id
            ))
        };
        let gone = || {
            broken(format!(
                "the subject of {render:?} message {} no longer exists",
                claimed.id
            ))
        };
        let body = match render {
            Render::Home { person } => home(&Db::from(db), context, clock.now(), person.as_str())
                .await
                .map_err(unreadable)?,
            Render::Celebration { nomination } | Render::HeroDm { nomination, .. } => {
                let stored = nominations::get(db, nomination.get())
                    .await
                    .map_err(unreadable)?
                    .ok_or_else(gone)?;
                let n = &stored.nomination;
                match render {
                    Render::HeroDm { hero, .. } => {
                        messages::hero_dm(n, hero, stored.channel_id.as_deref())
                    }
                    _ => {
                        let thanked = crate::domain::thanks::Thanked::Nomination(*nomination);
                        let thanks = thanks::count(db, thanked).await.map_err(unreadable)?;
                        messages::celebration(n, *nomination, thanks)
                    }
                }
            }
            Render::StoryPost { story }
            | Render::ConsentDm { story, .. }
            | Render::StoryTold { story }
            | Render::CustomerQuestion { story, .. }
            | Render::CustomerPraise { story, .. }
            | Render::FeatureAsk { story, .. } => {
                let story = stories::get(db, story.get())
                    .await
                    .map_err(unreadable)?
                    .ok_or_else(gone)?;
                match render {
                    Render::ConsentDm { hero, .. } => messages::story::consent_request(&story, hero),
                    Render::StoryTold { .. } => messages::answer::told(&story),
                    Render::CustomerQuestion { .. } => messages::answer::question(&story),
                    Render::CustomerPraise { hero, .. } => messages::answer::praise(&story, hero),
                    Render::FeatureAsk { hero, .. } => messages::story::feature_ask(&story, hero),
                    _ => messages::story::post(&story, tz),
                }
            }
            Render::RatingRequest { round, .. } | Render::RatingReminder { round, .. } => {
                let round = report_cards::get_round(db, round.get())
                    .await
                    .map_err(unreadable)?
                    .ok_or_else(gone)?;
                let card = report_cards::get(&Db::from(db), round.card_id)
                    .await
                    .map_err(unreadable)?
                    .ok_or_else(gone)?;
                let reminder = matches!(render, Render::RatingReminder { .. });
                messages::report_card::rating_request(&card, &round, tz, reminder)
            }
            Render::RoundResults { round } => {
                let results = report_cards::results(&Db::from(db), round.get(), context.min_answers)
                    .await
                    .map_err(unreadable)?
                    .ok_or_else(gone)?;
                let url = context
                    .public_url
                    .as_ref()
                    .map(|base| format!("{base}/library/reportcards/{}", results.card.id));
                let today = clock.today(tz);
                messages::report_card::results(&results, today, url.as_deref())
            }
            Render::ActionItem { item, .. } => {
                let item = report_cards::get_action(db, item.get())
                    .await
                    .map_err(unreadable)?
                    .ok_or_else(gone)?;
                let card = report_cards::get(&Db::from(db), item.card_id)
                    .await
                    .map_err(unreadable)?
                    .ok_or_else(gone)?;
                let today = clock.today(tz);
                messages::report_card::action_item(&item, &card, today)
            }
        };
        Ok(overlay(body, message.delivery.fields()))
    })
}

/// A person's Home: what is stored about them, and for leaders the last 12 weeks' scorecards.
async fn home(
    db: &Db,
    context: &Context,
    now: jiff::Timestamp,
    person: &str,
) -> Result<Value, sqlx::Error> {
    use crate::domain::calendar::IsoWeek;
    use crate::store::digests;
    let since = now.as_second() - 90 * 86_400;
    let data = crate::store::home::load(db, person, since).await?;
    let weeks = if context.leaders.iter().any(|l| l.as_str() == person) {
        let targets = (
            context.target_recovery_24h,
            context.target_surprise,
            context.min_sample,
        );
        let current = IsoWeek::of(now, &context.tz);
        Some(digests::weekly(db, &context.tz, targets, current, 12).await?)
    } else {
        None
    };
    let leader = weeks
        .as_deref()
        .map(|weeks| messages::home::LeaderView { weeks });
    Ok(messages::home::view(&data, leader, &context.tz))
}
