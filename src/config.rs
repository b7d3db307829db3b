//! Configuration from the environment, by the names in README's table; secrets never print.
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use jiff::tz::TimeZone;

use crate::domain::{ChannelId, UserId};

/// A secret value whose `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A variable that is missing or malformed, named so the operator can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var} {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

pub use crate::domain::calendar::DigestSchedule;

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// How the outbox worker paces and retries deliveries. Not read from the environment: the
/// defaults follow Slack's documented limits; tests shorten them.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// Messages a lane (one channel or DM) may send in a burst.
    pub lane_burst: u32,
    /// Time for a lane to earn one more message (Slack: about one per second per channel).
    pub lane_interval: Duration,
    /// First retry delay; doubles each attempt, with jitter, up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// When more celebrations wait for one channel than its pace clears in this time, they go
    /// out as roll-ups.
    pub rollup_window: Duration,
    /// After a hero's recognition DM, how long the next ones wait, to go out as one (zero:
    /// each goes alone, as soon as its lane allows).
    pub dm_window: Duration,
    /// The longest `Retry-After` honoured: a longer one (hostile, or broken) waits this long.
    pub max_retry_after: Duration,
    /// After this many failed attempts a message is recorded as failed.
    pub max_attempts: u32,
    /// Deliveries in flight at once, across lanes.
    pub concurrency: usize,
    /// How long a claimed message stays reserved for the worker that claimed it.
    pub lease: Duration,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self {
            lane_burst: 3,
            lane_interval: Duration::from_secs(1),
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(15 * 60),
            max_retry_after: Duration::from_secs(15 * 60),
            dm_window: Duration::from_secs(60),
            rollup_window: Duration::from_secs(60),
            // With backoff capped at 15 minutes (and jitter), 30 attempts span at least two and a
            // half hours of outage before a message is given up.
            max_attempts: 30,
            concurrency: 8,
            lease: Duration::from_secs(60),
        }
    }
}

/// How the HTTP server holds off slow and stalled clients. Not read from the environment: the
/// defaults suit Slack, whose requests arrive whole within milliseconds; tests shorten them.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// A connection that has not sent a request's headers within this time is closed (and so is
    /// a kept-alive connection that sends nothing more).
    pub header_read_timeout: Duration,
    /// A request's body must have arrived whole within this time of its headers.
    pub body_deadline: Duration,
    /// Connections open at once; further clients wait in the listen queue.
    pub max_connections: usize,
    /// On shutdown, requests in flight get this long to finish; then their connections close.
    pub shutdown_grace: Duration,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_deadline: Duration::from_secs(10),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// Everything `herobot` reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub signing_secret: Secret,
    pub bot_token: Secret,
    pub slack_api_url: String,
    pub database_url: String,
    pub listen: SocketAddr,
    pub public_url: Option<String>,
    pub heroes_channel: Option<ChannelId>,
    pub stories_channel: Option<ChannelId>,
    pub digest_channel: Option<ChannelId>,
    /// None: `HEROBOT_DIGEST_SCHEDULE=off`, the digest is posted only when asked.
    pub digest_schedule: Option<DigestSchedule>,
    pub timezone: TimeZone,
    pub target_recovery_24h: u8,
    pub target_surprise: u8,
    pub min_reason: usize,
    /// Fewest stories in a window for a share to be shown as a percentage
    /// (`HEROBOT_MIN_SAMPLE`, default 5); below it a tile says "too few stories to judge".
    pub min_sample: usize,
    /// Nominations and stories one person may make in an hour (0: no limit).
    pub hourly_limit: u32,
    pub leaders: Vec<UserId>,
    pub api_token: Option<Secret>,
    /// When set, `/metrics` answers only a bearer of this token.
    pub metrics_token: Option<Secret>,
    /// The company's name on the customer's answer page.
    pub company_name: Option<String>,
    pub log_format: LogFormat,
    pub outbox: OutboxSettings,
    pub server: ServerSettings,
    /// How long `/hero top`, `profile` and `find` may take before the command is acknowledged
    /// and the answer follows through its `response_url` (Slack waits 3 s).
    pub answer_budget: std::time::Duration,
    /// How long a write waits for a lock another process holds: `store::BUSY_TIMEOUT` for the
    /// service, so a person still gets an answer within Slack's 3 seconds; longer for the
    /// command line, where nobody waits on Slack (not read from the environment).
    pub lock_wait: std::time::Duration,
    /// `HEROBOT_BACKUP_DIR`: where the service takes a daily backup (None: no daily backup).
    pub backup_dir: Option<std::path::PathBuf>,
    /// `HEROBOT_BACKUP_KEEP`: how many daily backups stay in the folder (default 7).
    pub backup_keep: usize,
    /// `HEROBOT_TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: crate::proxies::TrustedProxies,
    /// `HEROBOT_RETENTION_DAYS`: nominations, stories and answers older than this many days are
    /// deleted daily (None: kept for good).
    pub retention_days: Option<u32>,
    /// `HEROBOT_FORGET_DEPARTED_AFTER_DAYS`: people deactivated in Slack this long are forgotten.
    pub forget_departed_after_days: Option<u32>,
    /// `HEROBOT_REPORTCARD_MIN_ANSWERS`: the report-card anonymity threshold (default 3, never
    /// below 3).
    pub report_card_min_answers: crate::domain::report_card::MinAnswers,
}

/// What a command needs from the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// `herobot serve`: the Slack secrets are required.
    Slack,
    /// Commands that only touch the database.
    DatabaseOnly,
}

impl Config {
    /// The scorecard's targets in percent (recovered within 24 h, and surprise), and the fewest
    /// stories a share is judged from.
    pub fn targets(&self) -> (u8, u8, usize) {
        (
            self.target_recovery_24h,
            self.target_surprise,
            self.min_sample,
        )
    }

    /// Whether `user` (a Slack user ID) may take leader actions: the digest, the library, Feature.
    pub fn is_leader(&self, user: &str) -> bool {
        self.leaders.iter().any(|leader| leader.as_str() == user)
    }

    /// Reads the process environment (after `.env`, if present).
    pub fn from_env(needs: Needs) -> Result<Self, ConfigError> {
        Self::from_lookup(needs, |name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`; empty values count as unset.
    pub fn from_lookup(
        needs: Needs,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let get = |var: &str| {
            lookup(var)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let bad = |var: &'static str, problem: String| ConfigError { var, problem };
        let required = |var: &'static str| match (get(var), needs) {
            (Some(v), _) => Ok(Some(v)),
            (None, Needs::Slack) => Err(bad(var, "is required by `herobot serve`".into())),
            (None, Needs::DatabaseOnly) => Ok(None),
        };
        let percent = |var: &'static str, default: u8| match get(var) {
            None => Ok(default),
            Some(v) => v
                .trim_end_matches('%')
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= 100)
                .ok_or_else(|| {
                    bad(
                        var,
                        format!("must be a percentage from 0 to 100, not {v:?}"),
                    )
                }),
        };
        let channel = |var: &'static str| match get(var) {
            None => Ok(None),
            Some(v) => ChannelId::parse(&v).map(Some).ok_or_else(|| {
                bad(
                    var,
                    format!("must be a Slack channel ID such as C0123ABCD, not {v:?}"),
                )
            }),
        };

        let database_url = get("DATABASE_URL").unwrap_or_else(|| "sqlite://herobot.db".into());
        if let Err(problem) = crate::store::backend::supported(&database_url) {
            return Err(bad("DATABASE_URL", problem.into()));
        }
        let signing_secret = required("SLACK_SIGNING_SECRET")?
            .map(Secret)
            .unwrap_or_else(|| Secret::new(""));
        let bot_token = match required("SLACK_BOT_TOKEN")? {
            Some(t) if !t.starts_with("xoxb-") => {
                return Err(bad(
                    "SLACK_BOT_TOKEN",
                    "must be a bot token starting with xoxb-".into(),
                ));
            }
            t => Secret::new(t.unwrap_or_default()),
        };
        let slack_api_url = get("SLACK_API_URL").unwrap_or_else(|| "https://slack.com/api".into());
        if !slack_api_url.starts_with("http://") && !slack_api_url.starts_with("https://") {
            return Err(bad(
                "SLACK_API_URL",
                format!("must be an http(s) URL, not {slack_api_url:?}"),
            ));
        }
        let listen = match get("HEROBOT_LISTEN") {
            None => SocketAddr::from(([0, 0, 0, 0], 3000)),
            Some(v) => v.parse().map_err(|_| {
                bad(
                    "HEROBOT_LISTEN",
                    format!("must be host:port such as 0.0.0.0:3000, not {v:?}"),
                )
            })?,
        };
        let public_url = match get("HEROBOT_PUBLIC_URL") {
            Some(v) if !v.starts_with("http://") && !v.starts_with("https://") => {
                return Err(bad(
                    "HEROBOT_PUBLIC_URL",
                    format!("must be an http(s) URL, not {v:?}"),
                ));
            }
            v => v.map(|v| v.trim_end_matches('/').to_owned()),
        };
        let digest_schedule = match get("HEROBOT_DIGEST_SCHEDULE") {
            None => Some(DigestSchedule::default()),
            Some(v) if v.trim().eq_ignore_ascii_case("off") => None,
            Some(v) => Some(DigestSchedule::parse(&v).ok_or_else(|| {
                bad(
                    "HEROBOT_DIGEST_SCHEDULE",
                    format!("must look like \"MON 09:00\" or be off, not {v:?}"),
                )
            })?),
        };
        let timezone = match get("HEROBOT_TIMEZONE") {
            None => TimeZone::UTC,
            Some(v) => TimeZone::get(&v).map_err(|_| {
                bad(
                    "HEROBOT_TIMEZONE",
                    format!("must be an IANA time zone such as Europe/Berlin, not {v:?}"),
                )
            })?,
        };
        // A reason is never empty, whatever the minimum: Slack refuses a celebration with an
        // empty section, so 0 means "any reason at all", the same as 1.
        let min_reason = match get("HEROBOT_MIN_REASON") {
            None => 20,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= crate::domain::nomination::MAX_REASON)
                .ok_or_else(|| {
                    bad(
                        "HEROBOT_MIN_REASON",
                        format!("must be a number of characters, not {v:?}"),
                    )
                })?
                .max(1),
        };
        let min_sample = match get("HEROBOT_MIN_SAMPLE") {
            None => 5,
            Some(v) => v.trim().parse::<usize>().map_err(|_| {
                bad(
                    "HEROBOT_MIN_SAMPLE",
                    format!("must be a number of stories, not {v:?}"),
                )
            })?,
        };
        let hourly_limit = match get("HEROBOT_HOURLY_LIMIT") {
            None => 30,
            Some(v) => v.trim().parse::<u32>().map_err(|_| {
                bad(
                    "HEROBOT_HOURLY_LIMIT",
                    format!(
                        "must be a number of nominations and stories (0 for no limit), not {v:?}"
                    ),
                )
            })?,
        };
        let leaders = get("HEROBOT_LEADERS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|id| {
                UserId::parse(id).ok_or_else(|| {
                    bad(
                        "HEROBOT_LEADERS",
                        format!("must be comma-separated Slack user IDs, and {id:?} is not one"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let backup_keep = match get("HEROBOT_BACKUP_KEEP") {
            None => 7,
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    bad(
                        "HEROBOT_BACKUP_KEEP",
                        format!("must be how many daily backups to keep (1 or more), not {v:?}"),
                    )
                })?,
        };
        let trusted_proxies = crate::proxies::TrustedProxies::parse(
            &get("HEROBOT_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|problem| {
            bad(
                "HEROBOT_TRUSTED_PROXIES",
                format!("must be comma-separated addresses or CIDR blocks, and {problem}"),
            )
        })?;
        // Whole days, at least one (a mistaken deactivation has a day to be undone), or unset.
        let days = |var: &'static str, unset: &str| {
            get(var)
                .map(|v| {
                    v.trim().parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                        bad(var, format!("must be a number of days (1 or more), or unset {unset}, not {v:?}"))
                    })
                })
                .transpose()
        };
        let retention_days = days("HEROBOT_RETENTION_DAYS", "to keep everything")?;
        let forget_departed_after_days = days(
            "HEROBOT_FORGET_DEPARTED_AFTER_DAYS",
            "to never forget people who left",
        )?;
        let report_card_min_answers = match get("HEROBOT_REPORTCARD_MIN_ANSWERS") {
            None => Default::default(),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .and_then(crate::domain::report_card::MinAnswers::parse)
                .ok_or_else(|| {
                    bad(
                        "HEROBOT_REPORTCARD_MIN_ANSWERS",
                        format!("must be a number of answers, 3 or more (fewer would let a rater be told apart), not {v:?}"),
                    )
                })?,
        };
        let log_format = match get("HEROBOT_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(v) => {
                return Err(bad(
                    "HEROBOT_LOG_FORMAT",
                    format!("must be text or json, not {v:?}"),
                ));
            }
        };
        Ok(Self {
            signing_secret,
            bot_token,
            slack_api_url: slack_api_url.trim_end_matches('/').to_owned(),
            database_url,
            listen,
            public_url,
            heroes_channel: channel("HEROBOT_HEROES_CHANNEL")?,
            stories_channel: channel("HEROBOT_STORIES_CHANNEL")?,
            digest_channel: channel("HEROBOT_DIGEST_CHANNEL")?,
            digest_schedule,
            timezone,
            target_recovery_24h: percent("HEROBOT_TARGET_RECOVERY_24H", 90)?,
            target_surprise: percent("HEROBOT_TARGET_SURPRISE", 80)?,
            min_reason,
            min_sample,
            hourly_limit,
            leaders,
            api_token: get("HEROBOT_API_TOKEN").map(Secret),
            metrics_token: get("HEROBOT_METRICS_TOKEN").map(Secret),
            company_name: get("HEROBOT_COMPANY_NAME"),
            log_format,
            outbox: OutboxSettings::default(),
            server: ServerSettings::default(),
            answer_budget: std::time::Duration::from_millis(2500),
            lock_wait: crate::store::BUSY_TIMEOUT,
            backup_dir: get("HEROBOT_BACKUP_DIR")
                .filter(|v| !v.trim().is_empty())
                .map(std::path::PathBuf::from),
            backup_keep,
            trusted_proxies,
            retention_days,
            forget_departed_after_days,
            report_card_min_answers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Time, Weekday};
    use std::collections::HashMap;

    fn load(needs: Needs, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(needs, |k| vars.get(k).cloned())
    }

    const SLACK: [(&str, &str); 2] = [
        ("SLACK_SIGNING_SECRET", "s3cret"),
        ("SLACK_BOT_TOKEN", "xoxb-1-2"),
    ];

    #[test]
    fn serve_needs_both_slack_secrets_and_names_the_missing_one() {
        let err = load(Needs::Slack, &[("SLACK_BOT_TOKEN", "xoxb-1")]).unwrap_err();
        assert_eq!(err.var, "SLACK_SIGNING_SECRET");
        let err = load(Needs::Slack, &[("SLACK_SIGNING_SECRET", "s")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "SLACK_BOT_TOKEN is required by `herobot serve`"
        );
        assert!(load(Needs::DatabaseOnly, &[]).is_ok());
    }

    #[test]
    fn defaults_follow_the_operators_contract() {
        let c = load(Needs::Slack, &SLACK).unwrap();
        assert_eq!(c.database_url, "sqlite://herobot.db");
        assert_eq!(c.listen.to_string(), "0.0.0.0:3000");
        assert_eq!(c.slack_api_url, "https://slack.com/api");
        assert_eq!(
            (c.target_recovery_24h, c.target_surprise, c.min_reason),
            (90, 80, 20)
        );
        assert_eq!(c.digest_schedule, Some(DigestSchedule::default()));
        assert_eq!(c.timezone, TimeZone::UTC);
        assert!(c.metrics_token.is_none());
        assert_eq!(c.company_name, None);
        assert_eq!(c.retention_days, None);
        assert_eq!(c.forget_departed_after_days, None);
        assert_eq!(c.report_card_min_answers.get(), 3);
    }

    #[test]
    fn a_minimum_reason_of_zero_still_asks_for_a_reason() {
        let mut vars = SLACK.to_vec();
        vars.push(("HEROBOT_MIN_REASON", "0"));
        assert_eq!(load(Needs::Slack, &vars).unwrap().min_reason, 1);
    }

    #[test]
    fn the_company_name_is_read_trimmed() {
        let mut vars = SLACK.to_vec();
        vars.push(("HEROBOT_COMPANY_NAME", "  Acme & Sons "));
        let c = load(Needs::Slack, &vars).unwrap();
        assert_eq!(c.company_name.as_deref(), Some("Acme & Sons"));
    }

    #[test]
    fn malformed_values_stop_start_up_naming_the_variable() {
        for (var, value) in [
            ("HEROBOT_LISTEN", "everywhere"),
            ("HEROBOT_TIMEZONE", "Mars/Olympus"),
            ("HEROBOT_DIGEST_SCHEDULE", "MONDAY"),
            ("HEROBOT_DIGEST_SCHEDULE", "MON 25:00"),
            ("HEROBOT_TARGET_SURPRISE", "120"),
            ("HEROBOT_MIN_REASON", "-1"),
            ("HEROBOT_HEROES_CHANNEL", "#heroes"),
            ("HEROBOT_LEADERS", "U1ABC,alice"),
            ("HEROBOT_LOG_FORMAT", "xml"),
            ("HEROBOT_RETENTION_DAYS", "0"),
            ("HEROBOT_RETENTION_DAYS", "three years"),
            ("HEROBOT_FORGET_DEPARTED_AFTER_DAYS", "a month"),
            ("HEROBOT_FORGET_DEPARTED_AFTER_DAYS", "0"),
            ("HEROBOT_REPORTCARD_MIN_ANSWERS", "2"),
            ("HEROBOT_REPORTCARD_MIN_ANSWERS", "five"),
            ("SLACK_BOT_TOKEN", "xoxp-user-token"),
            ("SLACK_API_URL", "slack.com/api"),
        ] {
            let mut vars = SLACK.to_vec();
            vars.push((var, value));
            assert_eq!(
                load(Needs::Slack, &vars).unwrap_err().var,
                var,
                "{var}={value}"
            );
        }
    }

    #[test]
    fn trusted_proxies_are_read_and_a_bad_one_names_the_variable() {
        let mut vars = SLACK.to_vec();
        vars.push(("HEROBOT_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7"));
        let c = load(Needs::Slack, &vars).unwrap();
        let peer: std::net::IpAddr = [10, 1, 1, 1].into();
        assert_eq!(
            c.trusted_proxies.client(peer, ["198.51.100.4"].into_iter()),
            std::net::IpAddr::from([198, 51, 100, 4])
        );
        // The later value wins.
        vars.push(("HEROBOT_TRUSTED_PROXIES", "10.0.0.0/40"));
        let err = load(Needs::Slack, &vars).unwrap_err();
        assert_eq!(err.var, "HEROBOT_TRUSTED_PROXIES");
        assert!(err.to_string().contains("\"10.0.0.0/40\""), "{err}");
    }

    #[test]
    fn schedules_read_weekday_and_time() {
        let s = DigestSchedule::parse("fri 16:30").unwrap();
        assert_eq!(
            (s.weekday, s.time),
            (Weekday::Friday, Time::constant(16, 30, 0, 0))
        );
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let c = load(
            Needs::Slack,
            &[
                ("SLACK_SIGNING_SECRET", "hunter2-signing"),
                ("SLACK_BOT_TOKEN", "xoxb-hunter2"),
                ("HEROBOT_METRICS_TOKEN", "hunter2-metrics"),
            ],
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }
}
