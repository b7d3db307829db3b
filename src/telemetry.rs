//! Logging: a tracing subscriber writing text or JSON, filtered by `RUST_LOG`.
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::config::LogFormat;

/// Installs the global subscriber; `RUST_LOG` defaults to `info`.
pub fn init(format: LogFormat) {
    init_quiet_unless(format, "info");
}

/// Like `init`, with `default` as the filter when `RUST_LOG` is unset (the demo keeps quiet).
pub fn init_quiet_unless(format: LogFormat, default: &str) {
    let filter = filter(
        std::env::var(EnvFilter::DEFAULT_ENV).ok().as_deref(),
        default,
    );
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let fmt = match format {
        LogFormat::Text => fmt.boxed(),
        LogFormat::Json => fmt.json().flatten_event(true).boxed(),
    };
    // A second call (as in tests) keeps the first subscriber.
    let _ = Registry::default().with(filter).with(fmt).try_init();
}

/// The filter of `RUST_LOG` (or `default` when it is unset or does not parse). A list of targets
/// and levels, which is what operators write (`info`, `herobot=debug,sqlx=warn`), becomes a
/// static filter: the subscriber then decides once per log line's call site. Only directives that
/// name spans or fields need `EnvFilter`, which keeps a table of open spans under a lock and
/// consults it each time a span is entered or left: for every request, several times.
fn filter(env: Option<&str>, default: &str) -> Box<dyn Layer<Registry> + Send + Sync> {
    let directives = match env {
        Some(value) if EnvFilter::try_new(value).is_ok() => value,
        _ => default,
    };
    if is_static(directives)
        && let Ok(targets) = directives.parse::<Targets>()
    {
        return targets.boxed();
    }
    EnvFilter::new(directives).boxed()
}

/// Whether `directives` are only targets and levels (`warn`, `herobot=debug,sqlx=warn`), which
/// `Targets` reads as `EnvFilter` does; an empty one (`EnvFilter`: errors only) is not.
fn is_static(directives: &str) -> bool {
    directives.split(',').all(|directive| {
        !directive.is_empty()
            && directive
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '=' | '-'))
    })
}

#[cfg(test)]
mod tests {
    use super::is_static;

    #[test]
    fn targets_and_levels_are_static_and_span_or_field_directives_are_not() {
        for plain in [
            "info",
            "warn",
            "herobot=debug,sqlx=warn",
            "herobot::store=trace",
            "off",
        ] {
            assert!(is_static(plain), "{plain}");
        }
        for dynamic in [
            "",
            "info,",
            "[request]=debug",
            "herobot[request{path=/slack/commands}]=trace",
            "info, herobot=debug",
        ] {
            assert!(!is_static(dynamic), "{dynamic}");
        }
    }
}
