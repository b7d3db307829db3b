//! What every action shares: configuration, the database's read pools and write handle, the
//! clock, the Slack client and the library's signing key.
use crate::store::Db;
use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::clock::Clock;
use crate::config::Config;
use crate::library::access::Key;
use crate::limits::HourlyLimit;
use crate::slack::client::SlackClient;
use crate::store::Writes;

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub config: Config,
    /// The shared pool for reads. It is query-only: every write goes through `writes`.
    pub db: Db,
    /// A pool of its own for the answers that read much (`/hero top`, `profile`, `find`), so a
    /// slow one never holds a connection the writer's callers or the Events endpoint need.
    pub reads: Db,
    /// The only way to write: transactions in turn, and the group-commit writer.
    pub writes: Writes,
    /// Every "now": tests and the demo set it.
    pub clock: Clock,
    pub slack: SlackClient,
    /// Whether an outbox worker is running (its supervisor keeps one going).
    pub outbox_alive: Arc<AtomicBool>,
    /// How many nominations and stories each person may make an hour.
    pub hourly_limit: HourlyLimit,
    /// When `users.list` was last read for names.
    pub roster: Arc<crate::library::names::Roster>,
    /// Signs the library's sign-in links, sessions and CSRF tokens, and the customers' answer
    /// links.
    pub library_key: Key,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl crate::slack::extract::Signing for AppState {
    fn signing_secret(&self) -> &[u8] {
        self.config.signing_secret.expose().as_bytes()
    }

    fn now_secs(&self) -> i64 {
        self.clock.now_secs()
    }
}
