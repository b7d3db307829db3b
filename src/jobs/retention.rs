//! Retention: Slack request keys and spent sign-in links and sessions are forgotten once they
//! can no longer matter, checked at start-up and every hour; and with `HEROBOT_RETENTION_DAYS`,
//! nominations, stories, customer answers and report-card answers older than that are deleted
//! with everything attached, at start-up and then daily (posted digests stay: they are in Slack).
use crate::store::Conn;
use std::time::Duration;

use super::{Jobs, Stop};
use crate::clock::Clock;
use crate::domain::audit::{Actor, Entry, Event, Subject};
use crate::metrics;
use crate::state::AppState;
use crate::store::retention::Deleted;
use crate::store::{self, Writes};

/// How long a Slack request's key is kept: far longer than a signed request can be replayed
/// (five minutes) or Slack retries an event (about an hour).
pub const SLACK_REQUESTS_SECS: i64 = 7 * 86_400;
/// How long a used or expired sign-in link, or an ended session, is kept (for the record).
pub const SIGN_IN_SECS: i64 = 86_400;
const EVERY: Duration = Duration::from_secs(3600);

/// Request keys forgotten per transaction, so the write lock is never held for long.
const BATCH: u64 = 5_000;

/// Forgets what is past its retention as of `now` (unix seconds).
pub async fn prune(writes: &Writes, now: i64) -> Result<(), sqlx::Error> {
    let mut requests = 0;
    loop {
        let mut tx = writes.begin().await?;
        let forgotten =
            store::requests::forget_before(&mut *tx, now - SLACK_REQUESTS_SECS, BATCH).await?;
        tx.commit().await?;
        requests += forgotten;
        if forgotten < BATCH {
            break;
        }
    }
    let mut tx = writes.begin().await?;
    let sign_ins = store::sign_in::forget_before(&mut tx, now - SIGN_IN_SECS).await?;
    // An allowance whole again holds nothing a missing row would not say.
    let allowances = store::limits::forget_full(&mut tx, now * 1000).await?;
    tx.commit().await?;
    if requests + sign_ins + allowances > 0 {
        tracing::info!(
            requests,
            sign_ins,
            allowances,
            "forgot rows past their retention"
        );
    }
    Ok(())
}

/// Prunes now and then every hour, by the app's clock; and, when `HEROBOT_RETENTION_DAYS` is
/// set, deletes what is older than that now and then daily.
pub fn start(jobs: &mut Jobs, app: &AppState) {
    let (writes, clock): (Writes, Clock) = (app.writes.clone(), app.clock.clone());
    jobs.every("retention", EVERY, move || {
        let (writes, clock) = (writes.clone(), clock.clone());
        async move { prune(&writes, clock.now_secs()).await }
    });
    if let Some(days) = app.config.retention_days {
        let (writes, clock) = (app.writes.clone(), app.clock.clone());
        jobs.spawn("data retention", move |stop| {
            keep_for(writes, clock, i64::from(days), stop)
        });
    }
}

/// Seconds in a day of retention.
const DAY: i64 = 86_400;
/// How often what is older than the retention is deleted.
const DAILY: Duration = Duration::from_secs(24 * 3600);
/// How soon a failed run is tried again.
const RETRY: Duration = Duration::from_secs(3600);
/// Rows deleted per transaction. Each batch of nominations or stories also recounts the
/// heroes' days and blocks it touched (at most about 33 days of rows), so it stays short.
pub const RETENTION_BATCH: i64 = 500;
/// Outbox IDs looked through per transaction for messages about deleted records.
const OUTBOX_SPAN: i64 = 5_000;

/// How many rows of each kind one run deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    pub nominations: u64,
    pub stories: u64,
    pub customer_answers: u64,
    pub report_card_answers: u64,
    pub outbox_messages: u64,
}

impl Removed {
    /// Each kind's count under its name in `herobot_retention_deleted_total{kind}`.
    pub fn by_kind(&self) -> [(&'static str, u64); 5] {
        let counts = [
            self.nominations,
            self.stories,
            self.customer_answers,
            self.report_card_answers,
            self.outbox_messages,
        ];
        std::array::from_fn(|i| (metrics::RETENTION_KINDS[i], counts[i]))
    }

    pub fn total(&self) -> u64 {
        self.by_kind().iter().map(|(_, n)| n).sum()
    }
}

/// Deletes what is older than `days` now, at start-up and then daily (and at once when a test
/// or the demo sets the clock), until asked to stop.
async fn keep_for(writes: Writes, clock: Clock, days: i64, mut stop: Stop) {
    let mut moves = clock.moves();
    tracing::info!(
        days,
        "retention: nominations, stories and answers older than this are deleted daily"
    );
    loop {
        let before = clock.now_secs().saturating_sub(days.saturating_mul(DAY));
        let wait = match expire(&writes, before, RETENTION_BATCH, Some(&stop)).await {
            Ok(removed) => {
                report(&removed, days);
                if let Err(err) = audited(&writes, &clock, &removed).await {
                    tracing::warn!(error = %err, "retention: recording the run in the audit trail failed");
                }
                DAILY
            }
            Err(err) => {
                tracing::warn!(error = %err, "retention: deleting old records failed; retrying in an hour");
                RETRY
            }
        };
        let next = async {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                Ok(()) = moves.changed() => {}
            }
        };
        if stop.before(next).await {
            return;
        }
    }
}

/// A run that removed something leaves a row in the audit trail, with its counts per kind. The
/// run spans many transactions (a batch each), so its row is written once it ends.
async fn audited(writes: &Writes, clock: &Clock, removed: &Removed) -> Result<(), sqlx::Error> {
    if removed.total() == 0 {
        return Ok(());
    }
    let entry = Entry::new(
        Actor::Schedule,
        Event::RetentionRun,
        Subject::counts(&removed.by_kind()),
    );
    let mut tx = writes.begin().await?;
    store::audit::record(&mut tx, clock.now_secs(), &entry).await?;
    tx.commit().await
}

/// Logs how much a run removed (counts per kind, never content) and counts it in `/metrics`.
fn report(removed: &Removed, days: i64) {
    for (kind, n) in removed.by_kind() {
        metrics::retention_deleted(kind, n);
    }
    if removed.total() > 0 {
        tracing::info!(
            days,
            nominations = removed.nominations,
            stories = removed.stories,
            customer_answers = removed.customer_answers,
            report_card_answers = removed.report_card_answers,
            outbox_messages = removed.outbox_messages,
            "retention: deleted records older than the retention"
        );
    }
}

/// What retention deletes, in the order it deletes it.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Nominations,
    Stories,
    CustomerAnswers,
    ReportCardAnswers,
}

impl Kind {
    const ALL: [Self; 4] = [
        Self::Nominations,
        Self::Stories,
        Self::CustomerAnswers,
        Self::ReportCardAnswers,
    ];

    /// Deletes one batch of this kind stored before `before`, in `tx`.
    async fn delete(
        self,
        tx: &mut Conn<'_>,
        before: i64,
        batch: i64,
    ) -> Result<Deleted, sqlx::Error> {
        use store::retention as r;
        let rows = |rows| Deleted {
            rows,
            customer_answers: 0,
        };
        match self {
            Self::Nominations => r::nominations_before(tx, before, batch).await,
            Self::Stories => r::stories_before(tx, before, batch).await,
            Self::CustomerAnswers => r::customer_answers_before(tx, before, batch)
                .await
                .map(rows),
            Self::ReportCardAnswers => r::report_card_answers_before(tx, before, batch)
                .await
                .map(rows),
        }
    }
}

impl Removed {
    fn add(&mut self, kind: Kind, deleted: Deleted) {
        let count = match kind {
            Kind::Nominations => &mut self.nominations,
            Kind::Stories => &mut self.stories,
            Kind::CustomerAnswers => &mut self.customer_answers,
            Kind::ReportCardAnswers => &mut self.report_card_answers,
        };
        *count += deleted.rows;
        self.customer_answers += deleted.customer_answers;
    }
}

/// Deletes every nomination, story, customer answer and report-card answer stored before
/// `before` (unix seconds), with everything attached, `batch` rows a transaction; then the
/// outbox's messages about the deleted records. Stops between batches when `stop` asks (the
/// next run goes on from there).
pub async fn expire(
    writes: &Writes,
    before: i64,
    batch: i64,
    stop: Option<&Stop>,
) -> Result<Removed, sqlx::Error> {
    let stopping = || stop.is_some_and(Stop::requested);
    let mut removed = Removed::default();
    for kind in Kind::ALL {
        loop {
            if stopping() {
                return Ok(removed);
            }
            let mut tx = writes.begin().await?;
            let deleted = kind.delete(&mut tx, before, batch).await?;
            tx.commit().await?;
            removed.add(kind, deleted);
            if deleted.rows < batch.max(1) as u64 {
                break;
            }
        }
    }
    if removed.nominations + removed.stories > 0 {
        removed.outbox_messages = forget_messages(writes, stop).await?;
    }
    Ok(removed)
}

/// Deletes the outbox's messages about nominations and stories no longer stored, looking through
/// the outbox a span of IDs a transaction.
async fn forget_messages(writes: &Writes, stop: Option<&Stop>) -> Result<u64, sqlx::Error> {
    let mut tx = writes.begin().await?;
    let span = store::outbox::id_span(&mut *tx).await?;
    tx.commit().await?;
    let Some((low, high)) = span else {
        return Ok(0);
    };
    let mut forgotten = 0;
    let mut from = low;
    while from <= high && !stop.is_some_and(Stop::requested) {
        let to = from.saturating_add(OUTBOX_SPAN);
        let mut tx = writes.begin().await?;
        forgotten += store::outbox::forget_orphans(&mut *tx, from, to).await?;
        tx.commit().await?;
        from = to;
    }
    Ok(forgotten)
}
