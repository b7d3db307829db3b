//! Prometheus metrics through the `metrics` facade, rendered at `GET /metrics` by
//! metrics-exporter-prometheus (without a listener of its own): counters, requests by route and
//! status, and the acknowledgement latency histogram; per-app gauges are appended at scrape time.
//!
//! Every request is counted, so the handles are looked up once and kept: through the facade, each
//! `counter!` with labels builds its key (an allocation per label), hashes it and finds it in the
//! registry again.
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// A monotonically increasing count, named once here.
pub struct Counter {
    name: &'static str,
    help: &'static str,
    handle: OnceLock<metrics::Counter>,
}

impl Counter {
    const fn new(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            help,
            handle: OnceLock::new(),
        }
    }

    pub fn add(&self, n: u64) {
        self.handle
            .get_or_init(|| {
                recorder();
                metrics::counter!(self.name)
            })
            .increment(n);
    }
}

pub static REQUESTS_REJECTED: Counter = Counter::new(
    "herobot_requests_rejected_total",
    "Requests refused because their Slack signature did not verify.",
);
pub static NOMINATIONS_STORED: Counter =
    Counter::new("herobot_nominations_stored_total", "Nominations committed.");
pub static STORIES_STORED: Counter = Counter::new(
    "herobot_stories_stored_total",
    "Recovery stories committed.",
);
pub static BATCHES_COMMITTED: Counter = Counter::new(
    "herobot_batches_committed_total",
    "Group-commit transactions of the nomination writer.",
);
pub static MESSAGES_DELIVERED: Counter = Counter::new(
    "herobot_messages_delivered_total",
    "Outbox messages Slack accepted.",
);
pub static MESSAGES_FAILED: Counter = Counter::new(
    "herobot_messages_failed_total",
    "Outbox messages given up on (errors that will not heal).",
);
pub static MESSAGES_RETRIED: Counter = Counter::new(
    "herobot_messages_retried_total",
    "Outbox deliveries put back to be tried again.",
);

pub static DIGESTS_POSTED: Counter = Counter::new(
    "herobot_digests_posted_total",
    "Weekly digests queued for the digest channel.",
);
pub static ROUNDS_OPENED: Counter = Counter::new(
    "herobot_report_card_rounds_opened_total",
    "Report-card rounds opened (a DM to each rater queued).",
);
pub static ROUNDS_CLOSED: Counter = Counter::new(
    "herobot_report_card_rounds_closed_total",
    "Report-card rounds closed (the results queued for the review channel).",
);
pub static WORKER_RESTARTS: Counter = Counter::new(
    "herobot_outbox_worker_restarts_total",
    "Times the outbox worker stopped unexpectedly and was restarted.",
);

const COUNTERS: [&Counter; 11] = [
    &REQUESTS_REJECTED,
    &NOMINATIONS_STORED,
    &STORIES_STORED,
    &BATCHES_COMMITTED,
    &WORKER_RESTARTS,
    &MESSAGES_DELIVERED,
    &MESSAGES_FAILED,
    &MESSAGES_RETRIED,
    &DIGESTS_POSTED,
    &ROUNDS_OPENED,
    &ROUNDS_CLOSED,
];

/// Rows deleted by retention (`HEROBOT_RETENTION_DAYS`), by kind.
const RETENTION_DELETED: &str = "herobot_retention_deleted_total";
/// The kinds `RETENTION_DELETED` counts, each shown from the start (at zero).
pub const RETENTION_KINDS: [&str; 5] = [
    "nomination",
    "story",
    "customer_answer",
    "report_card_answer",
    "outbox_message",
];

/// Requests answered, by route and status.
const REQUESTS: &str = "herobot_requests_total";
/// How long requests took to answer, by route: for Slack's routes, the acknowledgement latency.
const REQUEST_SECONDS: &str = "herobot_request_duration_seconds";
/// Latency buckets around Slack's 3 seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0,
];

/// The process's recorder, installed on first use.
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), &BUCKETS)
            .expect("the buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder already installed (a library user's) keeps its place.
        let _ = metrics::set_global_recorder(recorder);
        for c in COUNTERS {
            metrics::describe_counter!(c.name, c.help);
            metrics::counter!(c.name).increment(0);
        }
        metrics::describe_counter!(REQUESTS, "Requests answered, by route and status.");
        metrics::describe_counter!(
            RETENTION_DELETED,
            "Rows deleted by retention (HEROBOT_RETENTION_DAYS), by kind."
        );
        for kind in RETENTION_KINDS {
            metrics::counter!(RETENTION_DELETED, "kind" => kind).increment(0);
        }
        metrics::describe_histogram!(
            REQUEST_SECONDS,
            metrics::Unit::Seconds,
            "Time to answer a request, by route (for Slack's routes: to acknowledge it)."
        );
        handle
    })
}

/// Histogram samples are kept one by one until they are folded into the buckets: at a scrape, or
/// after this many, so that a server nobody scrapes does not hold every sample it took.
const FOLD_EVERY: u64 = 4096;

/// One route's latency histogram and its counters by status.
struct Route {
    seconds: metrics::Histogram,
    by_status: Vec<(u16, metrics::Counter)>,
}

thread_local! {
    /// This thread's handles, by route pattern: a request touches no lock and allocates nothing
    /// once its route and status have been seen on this thread. Route patterns and statuses are
    /// few, so this stays small.
    static ROUTES: RefCell<HashMap<String, Route>> = RefCell::new(HashMap::new());
    /// Samples this thread recorded, to fold them every `FOLD_EVERY`.
    static SAMPLES: Cell<u64> = const { Cell::new(0) };
}

/// Counts a request answered on `route` with `status`, after `took`.
pub fn request(route: &str, status: u16, took: Duration) {
    let handle = recorder();
    ROUTES.with_borrow_mut(|routes| {
        if !routes.contains_key(route) {
            let seconds = metrics::histogram!(REQUEST_SECONDS, "route" => route.to_owned());
            routes.insert(
                route.to_owned(),
                Route {
                    seconds,
                    by_status: Vec::new(),
                },
            );
        }
        let entry = routes.get_mut(route).expect("inserted above");
        entry.seconds.record(took.as_secs_f64());
        let counter = match entry.by_status.iter().find(|(s, _)| *s == status) {
            Some((_, counter)) => counter,
            None => {
                let counter = metrics::counter!(
                    REQUESTS, "route" => route.to_owned(), "status" => status.to_string()
                );
                entry.by_status.push((status, counter));
                &entry.by_status.last().expect("pushed above").1
            }
        };
        counter.increment(1);
    });
    let samples = SAMPLES.get() + 1;
    SAMPLES.set(samples);
    if samples.is_multiple_of(FOLD_EVERY) {
        handle.run_upkeep();
    }
}

/// Counts `n` rows of `kind` (one of [`RETENTION_KINDS`]) deleted by retention.
pub fn retention_deleted(kind: &'static str, n: u64) {
    recorder();
    metrics::counter!(RETENTION_DELETED, "kind" => kind).increment(n);
}

/// The exposition text, with this app's gauges (read at scrape time) appended.
pub fn render(gauges: &[(&str, &str, i64)]) -> String {
    let mut out = recorder().render();
    for (name, help, value) in gauges {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    }
    out
}

/// The value of an unlabelled counter in `text` (for tests).
#[cfg(test)]
pub fn value_in(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_histograms_and_gauges_render_in_prometheus_text_format() {
        STORIES_STORED.add(2);
        request("/slack/commands", 200, Duration::from_millis(3));
        let text = render(&[("herobot_outbox_pending", "Messages waiting.", 5)]);
        assert!(text.contains("# TYPE herobot_stories_stored_total counter\n"));
        assert!(value_in(&text, "herobot_stories_stored_total").unwrap() >= 2);
        assert!(text.contains("# TYPE herobot_outbox_pending gauge\nherobot_outbox_pending 5\n"));
        assert!(
            text.contains(r#"herobot_requests_total{route="/slack/commands",status="200"}"#),
            "{text}"
        );
        assert!(
            text.contains(
                r#"herobot_request_duration_seconds_bucket{route="/slack/commands",le="0.005"}"#
            ),
            "{text}"
        );
    }
}
