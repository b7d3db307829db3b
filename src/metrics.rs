//! Prometheus metrics: counters kept in atomics, rendered as text at `GET /metrics`.
use std::sync::atomic::{AtomicU64, Ordering};

/// A monotonically increasing count.
pub struct Counter {
    name: &'static str,
    help: &'static str,
    value: AtomicU64,
}

impl Counter {
    const fn new(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            help,
            value: AtomicU64::new(0),
        }
    }

    pub fn add(&self, n: u64) {
        self.value.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
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

pub static WORKER_RESTARTS: Counter = Counter::new(
    "herobot_outbox_worker_restarts_total",
    "Times the outbox worker stopped unexpectedly and was restarted.",
);

const COUNTERS: [&Counter; 8] = [
    &REQUESTS_REJECTED,
    &NOMINATIONS_STORED,
    &STORIES_STORED,
    &BATCHES_COMMITTED,
    &WORKER_RESTARTS,
    &MESSAGES_DELIVERED,
    &MESSAGES_FAILED,
    &MESSAGES_RETRIED,
];

/// The exposition text, with gauges read at scrape time appended.
pub fn render(gauges: &[(&str, &str, i64)]) -> String {
    let mut out = String::new();
    for c in COUNTERS {
        out.push_str(&format!(
            "# HELP {} {}\n# TYPE {} counter\n{} {}\n",
            c.name,
            c.help,
            c.name,
            c.name,
            c.get()
        ));
    }
    for (name, help, value) in gauges {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_gauges_render_in_prometheus_text_format() {
        STORIES_STORED.add(2);
        let text = render(&[("herobot_outbox_pending", "Messages waiting.", 5)]);
        assert!(text.contains("# TYPE herobot_stories_stored_total counter\n"));
        assert!(
            text.lines()
                .any(|l| l.starts_with("herobot_stories_stored_total ")
                    && l != "herobot_stories_stored_total 0")
        );
        assert!(text.contains("# TYPE herobot_outbox_pending gauge\nherobot_outbox_pending 5\n"));
    }
}
