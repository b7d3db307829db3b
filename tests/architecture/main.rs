//! The architecture's rules, checked: a rule only a reviewer enforces will be broken.
//!
//! The tests read the sources as text (comments blanked, so a sentence about a transaction is
//! no transaction) and name the file and line of every break. They look for the usual
//! spellings: code that goes out of its way to hide (an alias of `SystemTime`, a glob import of
//! a store module) gets past them, and a reviewer should ask why it needs to.
//!
//! `#[cfg(test)]` blocks inside `src/` are held to the same rules: a unit test that reads the
//! wall clock depends on the day it runs (it should set a `Clock` instead), and one that opens a
//! writable connection around the write handle tests a path production does not take.

mod deploy;
mod scan;

use std::collections::{BTreeMap, BTreeSet};

use scan::*;

/// Files longer than this fail; most stay under 250 lines, and a file is split at about 400.
const MAX_LINES: usize = 600;

/// The floors `src/store/` may import from: itself, and the layers below it that know nothing
/// of Slack, requests or jobs. Anything else (`actions`, `state`, `outbox`, `metrics`, …) would
/// let the SQL call back up into the layers that call it.
///
/// `metrics` is a leaf too: the counters it defines import nothing of the crate, and the
/// group-commit writer counts its batches there.
/// (`on` and `on_any` are the store's own macros: `#[macro_export]` puts them at the crate's root.)
const STORE_MAY_IMPORT: &[&str] = &["store", "domain", "clock", "metrics", "on", "on_any"];

/// Where a writable connection may come from, and why each place is allowed.
const WRITABLE_ALLOWED: &[(&str, Allowance)] = &[
    // The write handle: the only way to a writable connection. It takes the write turn on
    // begin and wakes the outbox on commit, so nothing writes around either.
    ("src/store/write/mod.rs", Allowance::Anywhere),
    // The group-commit writer, behind the write handle: its batches begin and commit on the
    // connection the handle opened for it, in the handle's write turns.
    ("src/store/write/group.rs", Allowance::Anywhere),
    // The group-commit writer's batch on PostgreSQL, on that same connection.
    ("src/store/write/postgres_batch.rs", Allowance::Anywhere),
    // Backups, behind the write handle: the copy is checked on a read-only connection of its
    // own, opened on the new file, never on the database.
    ("src/store/write/backup.rs", Allowance::Anywhere),
    // `herobot copy-to`'s target: a PostgreSQL database named on the command line, never
    // herobot's own, filled in one transaction of its own.
    ("src/store/copy/target.rs", Allowance::Anywhere),
    // `copy-to`'s scratch database, in memory: migrated to learn what the migrations seed.
    ("src/store/copy/fresh.rs", Allowance::Anywhere),
    // `copy-to`'s source: herobot's database read in one snapshot on a query-only connection.
    ("src/store/copy/source.rs", Allowance::QueryOnly),
    // The read pool's constructor: its connections are opened `query_only`, so SQLite refuses
    // any write made on them. Nothing else in the file may open a connection or a transaction.
    ("src/store/mod.rs", Allowance::QueryOnly),
];

#[derive(Clone, Copy, PartialEq)]
enum Allowance {
    /// Anything in the file.
    Anywhere,
    /// Only inside a function that opens its connections with `pragma("query_only", "true")`.
    QueryOnly,
}

/// The spellings that open a writable connection or a transaction on one.
const WRITABLE: &[&str] = &[
    ".begin(",
    "begin_with(",
    "SqliteConnection::connect",
    "PgConnection::connect",
    "SqlitePoolOptions",
    "PgPoolOptions",
    "Pool::connect",
    "connect_with(",
];

/// The write handle's own `begin`, which takes the write turn: the way every transaction opens.
const HANDLE_BEGIN: &str = "writes.begin(";

/// The spellings that read the wall clock. `Instant::now` (std or tokio) is a monotonic timer
/// for timeouts and durations, not the time of day, and stays allowed.
const WALL_CLOCK: &[&str] = &[
    "SystemTime::now",
    "UNIX_EPOCH.elapsed",
    "Timestamp::now",
    "Zoned::now",
    "Utc::now",
    "Local::now",
];

// ---------------------------------------------------------------------------------------------
// The rules.

#[test]
fn a_route_never_opens_a_transaction() {
    let mut found = Vec::new();
    for src in sources("src/routes") {
        for (n, line) in src.code_lines() {
            let lower = line.to_lowercase();
            let opens = [".begin(", "begin_with", "transaction"]
                .iter()
                .any(|p| lower.contains(p))
                || line.contains("BEGIN");
            if opens {
                found.push(src.at(n, line));
            }
        }
        for (n, sql) in &src.literals {
            let flagged = found.iter().any(|f| f.starts_with(&src.at(*n, "")));
            if sql.trim_start().to_lowercase().starts_with("begin") && !flagged {
                found.push(src.at(*n, sql));
            }
        }
    }
    fail_on(
        "a route opens a transaction: a handler parses, calls one action (which owns the \
         transaction) and answers",
        found,
    );
}

#[test]
fn a_route_never_calls_a_store_write() {
    let writes = store_writes();
    let mut found = Vec::new();
    for src in sources("src/routes") {
        let imports = store_imports(&src, &writes);
        for (n, line) in src.bare_lines() {
            for (module, function) in calls(line, &imports) {
                if writes.get(&module).is_some_and(|w| w.contains(&function)) {
                    let call = format!("store::{module}::{function} writes");
                    found.push(src.at(n, &call));
                }
            }
        }
        for (n, sql) in &src.literals {
            if writes_sql(sql) {
                found.push(src.at(*n, sql));
            }
        }
    }
    fail_on(
        "a route writes to the store: routes reach the store only through actions, or reads",
        found,
    );
}

#[test]
fn only_the_write_handle_gets_a_writable_connection() {
    let mut found = Vec::new();
    for src in sources("src") {
        let allowance = WRITABLE_ALLOWED
            .iter()
            .find(|(path, _)| *path == src.path)
            .map(|(_, a)| *a);
        if allowance == Some(Allowance::Anywhere) {
            continue;
        }
        let uses = src.use_lines();
        let bodies = src.fn_bodies();
        let query_only = |n: usize| {
            bodies.iter().any(|(_, from, to)| {
                (*from..=*to).contains(&n) && {
                    let body: String = src.code[*from - 1..*to].concat();
                    let body: String = body.split_whitespace().collect();
                    body.contains(r#"pragma("query_only","true")"#)
                }
            })
        };
        let allowed = |n: usize| allowance == Some(Allowance::QueryOnly) && query_only(n);
        for (n, line) in src.code_lines() {
            // A transaction from the write handle (`app.writes.begin()`) is the way to write.
            let rest = line.replace(HANDLE_BEGIN, "");
            if !uses.contains(&n) && WRITABLE.iter().any(|p| rest.contains(p)) && !allowed(n) {
                found.push(src.at(n, line));
            }
        }
        for (n, sql) in &src.literals {
            let flagged = found.iter().any(|f| f.starts_with(&src.at(*n, "")));
            if sql.trim_start().to_lowercase().starts_with("begin") && !allowed(*n) && !flagged {
                found.push(src.at(*n, sql));
            }
        }
    }
    fail_on(
        "a writable connection or a transaction outside the write handle (allowed: \
         WRITABLE_ALLOWED in tests/architecture/main.rs)",
        found,
    );
}

#[test]
fn only_the_clock_reads_the_wall_clock() {
    let mut found = Vec::new();
    for src in sources("src") {
        if src.path == "src/clock.rs" {
            continue;
        }
        for (n, line) in src.code_lines() {
            let chrono_now = line.contains("chrono::") && line.contains("::now(");
            if chrono_now || WALL_CLOCK.iter().any(|p| line.contains(p)) {
                found.push(src.at(n, line));
            }
        }
    }
    fail_on(
        "the wall clock is read outside src/clock.rs: take `now` from the `Clock` in the app \
         state, so tests and the demo can set it",
        found,
    );
}

#[test]
fn the_store_imports_only_the_floors_below_it() {
    floors_kept("src/store", STORE_MAY_IMPORT);
}

#[test]
fn the_domain_imports_nothing_of_the_crate_but_itself() {
    floors_kept("src/domain", &["domain"]);
}

/// Slack's wire format knows the secret it verifies with and the counters it bumps, never the
/// app's state, actions or store.
#[test]
fn the_slack_wire_imports_only_the_floors_below_it() {
    floors_kept(
        "src/slack",
        &["slack", "domain", "config", "metrics", "clock"],
    );
}

/// The digest is a leaf: what it reads (the store, the calendar and scorecard types in
/// `domain`), what it speaks (Slack's Block Kit), and nothing that calls it.
#[test]
fn the_digest_imports_only_the_floors_below_it() {
    floors_kept(
        "src/digest",
        &["digest", "domain", "store", "config", "slack", "messages"],
    );
}

/// Fails naming every place under `dir` that reaches a part of the crate outside `allowed`.
fn floors_kept(dir: &str, allowed: &[&str]) {
    let mut found = Vec::new();
    for src in sources(dir) {
        let uses = src.use_lines();
        for (path, n) in src.use_paths() {
            if path.first().map(String::as_str) == Some("crate")
                && let Some(floor) = path.get(1)
                && !allowed.contains(&floor.as_str())
            {
                found.push(src.at(n, &format!("use crate::{}", path[1..].join("::"))));
            }
        }
        for (n, line) in src.bare_lines() {
            if uses.contains(&n) {
                continue;
            }
            for floor in crate_paths(line) {
                if !allowed.contains(&floor.as_str()) {
                    found.push(src.at(n, line));
                }
            }
        }
    }
    fail_on(
        &format!(
            "{dir}/ reaches up past its floors (it may use crate::{{{}}})",
            allowed.join(", ")
        ),
        found,
    );
}

/// The one module that may write to the audit trail (migration 0019), and only by inserting,
/// plus forget's rewrite of a forgotten person's ID.
const AUDIT_MODULE: &str = "src/store/audit.rs";

/// Whether `sql` changes the audit table (`insert`, `update`, `delete`, `replace`, `drop`,
/// `alter`), in any case and spacing.
fn writes_audit(sql: &str) -> bool {
    let sql = sql.to_lowercase();
    let words: Vec<&str> = sql
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let at = |i: usize| words.get(i).copied().unwrap_or_default();
    (0..words.len()).any(|i| match at(i) {
        "insert" | "replace" => at(i + 1) == "into" && at(i + 2) == "audit",
        // `update audit`, `update or replace audit`
        "update" => at(i + 1) == "audit" || at(i + 1) == "or" && at(i + 3) == "audit",
        "delete" => at(i + 1) == "from" && at(i + 2) == "audit",
        "drop" | "alter" => at(i + 1) == "table" && at(i + 2) == "audit",
        _ => false,
    })
}

/// The audit trail is append-only: nothing outside its module writes to it, and the module
/// itself never deletes from it (retention keeps it whole).
#[test]
fn the_audit_trail_is_append_only() {
    let mut found = Vec::new();
    for src in sources("src") {
        for (n, sql) in &src.literals {
            let lower = sql.to_lowercase();
            let outside = src.path != AUDIT_MODULE && writes_audit(sql);
            let deletes = lower.contains("delete") && writes_audit(sql);
            if outside || deletes {
                found.push(src.at(*n, sql));
            }
        }
    }
    fail_on(
        "the audit trail is written outside src/store/audit.rs, or deleted from: it is \
         append-only (record through store::audit::record)",
        found,
    );
}

#[test]
fn the_audit_check_catches_writes_to_the_trail_and_not_reads() {
    for bad in [
        "insert into audit (at) values (1)",
        "DELETE FROM audit where id = 1",
        "update  audit set actor = 'x'",
        "drop table audit",
    ] {
        assert!(writes_audit(bad), "{bad}");
    }
    for fine in [
        "select id from audit order by id",
        "select id, at from audit where at >= ?1",
        "insert into audit_notes values (1)",
        "delete from departures where user_id = ?1",
    ] {
        assert!(!writes_audit(fine), "{fine}");
    }
}

#[test]
fn no_source_file_passes_600_lines() {
    let mut found = Vec::new();
    for src in sources("src") {
        let lines = src.code.len();
        if lines > MAX_LINES {
            let why = format!("{lines} lines");
            found.push(src.at(MAX_LINES + 1, &why));
        }
    }
    fail_on(
        &format!("a file passes {MAX_LINES} lines: split it where two cohesive halves exist"),
        found,
    );
}

#[test]
fn no_migration_adds_a_not_null_column_without_a_default() {
    let files = sql_files(&root().join("migrations"));
    for backend in ["sqlite", "postgres"] {
        let dir = root().join("migrations").join(backend);
        assert!(
            files.iter().any(|f| f.starts_with(&dir)),
            "no migrations found under migrations/{backend}/"
        );
    }
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(root()).unwrap().display().to_string();
        for (line, column) in not_null_without_default(&text) {
            found.push(format!("{name}:{line}: add column {column}"));
        }
    }
    fail_on(
        "a migration adds a NOT NULL column without a DEFAULT: the rows already there have no \
         value for it (SQLite refuses the migration; PostgreSQL fails on a non-empty table)",
        found,
    );
}

// ---------------------------------------------------------------------------------------------
// The checks can fail: each helper on a string it must catch and one it must let pass.

#[test]
fn the_migration_lint_catches_a_not_null_column_without_a_default() {
    let bad = "-- a comment; with a semicolon\n\
               create table t (id integer not null);\n\
               ALTER TABLE outbox\n  ADD COLUMN tries INTEGER NOT NULL;\n";
    assert_eq!(
        not_null_without_default(bad),
        vec![(3, "tries integer not null".into())]
    );

    let without_column = "alter table t add lane text not null;";
    assert_eq!(not_null_without_default(without_column).len(), 1);

    let postgres = "alter table t add column a int not null default 0, add column b text not null;";
    assert_eq!(
        not_null_without_default(postgres),
        vec![(1, "b text not null".into())]
    );

    let fine = "alter table t add column a int not null default 0;\n\
                alter table t add column b text; -- not null later\n\
                alter table t add column c text default 'x' not null;\n\
                create table u (d text not null);\n\
                alter table t rename column a to e;";
    assert!(not_null_without_default(fine).is_empty());
}

#[test]
fn the_scanner_reads_code_but_not_comments() {
    let src = Source::parse(
        "src/routes/x.rs",
        "// SystemTime::now() in a comment\n\
         /* db.begin() in a block */ let a = 1;\n\
         let url = \"https://x\"; SystemTime::now();\n\
         let c = '\"'; let s = r#\"insert into t values (\"x\")\"#;\n\
         fn f<'a>(x: &'a str) { crate::outbox::go(x) }\n",
    );
    let code: Vec<_> = src.code_lines().collect();
    assert_eq!(code.len(), 5);
    assert!(!code[0].1.contains("SystemTime"));
    assert!(!code[1].1.contains("begin"));
    assert!(code[2].1.contains("SystemTime::now"));
    assert_eq!(
        src.literals,
        vec![
            (3, "https://x".into()),
            (4, "insert into t values (\"x\")".into())
        ]
    );
    assert!(writes_sql(&src.literals[1].1));
    assert!(!writes_sql("select 1 from t where updated > ?"));
    assert!(writes_sql("update t\n   set a = 1"));
    assert_eq!(crate_paths(&src.bare[4]), vec!["outbox".to_string()]);
}

#[test]
fn the_scanner_follows_use_trees_to_store_calls() {
    let writes = BTreeMap::from([(
        "sign_in".to_string(),
        BTreeSet::from(["redeem".to_string()]),
    )]);
    let src = Source::parse(
        "src/routes/x.rs",
        "use crate::{store, wall};\n\
         use crate::store::{sign_in as s, library::{self}};\n\
         use crate::store::sign_in::redeem;\n\
         fn f() { store::sign_in::redeem(); s::redeem(); redeem(); wall::redeem(); x.redeem(); }\n",
    );
    let imports = store_imports(&src, &writes);
    let line = &src.bare[3];
    let called: Vec<_> = calls(line, &imports)
        .into_iter()
        .filter(|(m, f)| writes.get(m).is_some_and(|w| w.contains(f)))
        .collect();
    assert_eq!(called.len(), 3, "{called:?}");
}

#[test]
fn the_sources_are_where_the_rules_look() {
    let all: Vec<_> = sources("src").into_iter().map(|s| s.path).collect();
    for expected in ["src/clock.rs", "src/store/mod.rs", "src/routes/mod.rs"] {
        assert!(all.iter().any(|p| p == expected), "{expected} not scanned");
    }
    // A store write the route rule must know, or the rule has gone blind.
    let writes = store_writes();
    assert!(
        writes.values().map(BTreeSet::len).sum::<usize>() > 10,
        "found almost no store writes: {writes:?}"
    );
}
