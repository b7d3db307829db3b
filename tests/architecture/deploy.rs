//! The deployment files (Dockerfile, deploy/) agree with the code: every variable herobot reads
//! is offered to the operator, secrets stay in the Secret, and the port, the probes and the
//! toolchain are the ones the code and Cargo.toml name. A new setting or a renamed route fails
//! here instead of going missing in a deployment.
use std::collections::BTreeSet;

use crate::scan::{lex, root};

/// Read outside `src/config.rs`: the log filter (`src/telemetry.rs`, through tracing's name).
const ALSO_READ: &[&str] = &["RUST_LOG"];

/// Secret though `src/config.rs` holds it as plain text: a PostgreSQL URL carries a password.
const ALSO_SECRET: &[&str] = &["DATABASE_URL"];

/// Set in `deploy/compose.yml` for PostgreSQL's and Caddy's containers, not for herobot.
const COMPOSE_ONLY: &[&str] = &[
    "POSTGRES_USER",
    "POSTGRES_DB",
    "POSTGRES_PASSWORD",
    "HEROBOT_HOSTNAME",
];

fn file(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The environment variables `src/config.rs` reads (its string literals named like one, outside
/// its tests), and those of them it keeps in a `Secret` or requires for `serve`.
fn config_variables() -> (BTreeSet<String>, BTreeSet<String>) {
    let text = file("src/config.rs");
    let tests_start = text.find("#[cfg(test)]").unwrap_or(text.len());
    let (code, _, literals) = lex(&text[..tests_start]);
    let read: BTreeSet<String> = literals
        .into_iter()
        .map(|(_, literal)| literal)
        .filter(|l| is_variable(l))
        .collect();
    let compact: String = code.split_whitespace().collect();
    let secret = read
        .iter()
        .filter(|name| {
            compact.contains(&format!("required(\"{name}\")"))
                || compact.contains(&format!("get(\"{name}\").map(Secret)"))
        })
        .cloned()
        .collect();
    (read, secret)
}

/// Named like an environment variable: `HEROBOT_TARGET_RECOVERY_24H`.
fn is_variable(name: &str) -> bool {
    name.contains('_')
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `name` occurs in `text` as a whole word (comments count: they document).
fn mentions(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(name)
        .any(|(at, _)| !text[..at].ends_with(word) && !text[at + name.len()..].starts_with(word))
}

/// The keys set to a value in a YAML file, named like environment variables (comments skipped).
fn keys(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| line.trim_start().split_once(':'))
        .map(|(key, _)| key.to_owned())
        .filter(|key| is_variable(key))
        .collect()
}

/// The value of `key:` in YAML (the first one), without quotes.
fn value<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find_map(|line| line.trim_start().strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no {key}:"))
        .trim()
        .trim_matches('"')
}

#[test]
fn every_variable_herobot_reads_is_offered_to_the_operator() {
    let (mut read, _) = config_variables();
    assert!(read.contains("SLACK_BOT_TOKEN") && read.contains("HEROBOT_LISTEN"));
    read.extend(ALSO_READ.iter().map(|s| s.to_string()));
    let kubernetes =
        file("deploy/kubernetes/configmap.yaml") + &file("deploy/kubernetes/secret.yaml");
    let files = [
        ("deploy/compose.yml", file("deploy/compose.yml")),
        (
            "deploy/kubernetes/ (ConfigMap or Secret)",
            kubernetes.clone(),
        ),
        ("docs/operating.md", file("docs/operating.md")),
    ];
    let mut found = Vec::new();
    for name in &read {
        for (file, text) in &files {
            if !mentions(text, name) {
                found.push(format!("{name} is not in {file}"));
            }
        }
    }
    // And nothing set there that herobot does not read (a typo, a setting removed).
    let compose_only: BTreeSet<String> = COMPOSE_ONLY.iter().map(|s| s.to_string()).collect();
    let stale = keys(&files[0].1)
        .into_iter()
        .filter(|k| !compose_only.contains(k));
    for key in stale.chain(keys(&kubernetes)) {
        if !read.contains(&key) {
            found.push(format!(
                "{key} is set in deploy/ but herobot does not read it"
            ));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn secrets_are_in_the_secret_and_come_from_the_operators_env_file() {
    let (_, mut secret) = config_variables();
    assert!(secret.contains("SLACK_SIGNING_SECRET") && secret.contains("HEROBOT_API_TOKEN"));
    secret.extend(ALSO_SECRET.iter().map(|s| s.to_string()));
    let in_secret = keys(&file("deploy/kubernetes/secret.yaml"));
    let in_config_map = keys(&file("deploy/kubernetes/configmap.yaml"));
    assert_eq!(in_secret, secret, "deploy/kubernetes/secret.yaml's keys");
    let leaked: Vec<_> = in_config_map.intersection(&secret).collect();
    assert!(leaked.is_empty(), "secrets in the ConfigMap: {leaked:?}");
    // In compose.yml a secret's value is always taken from deploy/.env, never written there.
    let compose = file("deploy/compose.yml");
    for name in &secret {
        let line = compose
            .lines()
            .find(|line| line.trim_start().starts_with(&format!("{name}:")))
            .unwrap_or_else(|| panic!("{name} is not set in deploy/compose.yml"));
        assert!(
            line.contains("${"),
            "{name} is written into compose.yml: {line}"
        );
    }
}

#[test]
fn the_port_and_the_probes_are_the_ones_herobot_serves() {
    let routes = file("src/routes/mod.rs");
    let route = |path: &'static str| {
        assert!(
            routes.contains(&format!(".route(\"{path}\"")),
            "{path} is no route in src/routes/mod.rs"
        );
        path
    };
    let deployment = file("deploy/kubernetes/deployment.yaml");
    let probe = |name: &str| {
        let (_, after) = deployment.split_once(&format!("{name}:")).unwrap();
        value(after, "path")
    };
    assert_eq!(probe("readinessProbe"), route("/readyz"));
    assert_eq!(probe("livenessProbe"), route("/healthz"));
    assert_eq!(probe("startupProbe"), route("/healthz"));
    let compose = file("deploy/compose.yml");
    assert!(compose.contains(&format!("http://127.0.0.1:3000{}\"", route("/readyz"))));
    let caddyfile = file("deploy/Caddyfile");
    assert!(caddyfile.contains(&format!("health_uri {}\n", route("/readyz"))));

    // One port everywhere: where herobot listens, the probes, the proxy, the image.
    let port = |listen: &str| listen.rsplit_once(':').unwrap().1.to_owned();
    let config_map = file("deploy/kubernetes/configmap.yaml");
    let dockerfile = file("Dockerfile");
    let ports = [
        ("configmap.yaml", port(value(&config_map, "HEROBOT_LISTEN"))),
        (
            "deployment.yaml",
            value(&deployment, "containerPort").to_owned(),
        ),
        ("compose.yml", port(value(&compose, "HEROBOT_LISTEN"))),
        ("Dockerfile EXPOSE", {
            let line = dockerfile
                .lines()
                .find(|l| l.starts_with("EXPOSE "))
                .unwrap();
            line["EXPOSE ".len()..].trim().to_owned()
        }),
    ];
    for (file, found) in &ports {
        assert_eq!(found, "3000", "{file}'s port");
    }
    assert!(caddyfile.contains("herobot-1:3000 herobot-2:3000"));
}

#[test]
fn the_image_builds_with_the_rust_version_cargo_toml_names() {
    let cargo_toml = file("Cargo.toml");
    let version = cargo_toml
        .lines()
        .find_map(|line| line.strip_prefix("rust-version"))
        .expect("Cargo.toml names a rust-version")
        .trim_start_matches([' ', '='])
        .trim()
        .trim_matches('"');
    let dockerfile = file("Dockerfile");
    let from = dockerfile
        .lines()
        .find(|line| line.starts_with("FROM rust:"))
        .expect("a FROM rust: line");
    assert!(
        from.starts_with(&format!("FROM rust:{version}-")),
        "Dockerfile builds with {from:?}, Cargo.toml says rust-version = {version:?}"
    );
}
