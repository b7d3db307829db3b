//! Which database a `DATABASE_URL` names: SQLite today; a PostgreSQL URL is refused by name
//! until its backend is built (docs/architecture.md, "Towards PostgreSQL").

/// What a `postgres://` `DATABASE_URL` is told until herobot runs on PostgreSQL.
const POSTGRES_NOT_YET: &str = "is a PostgreSQL URL, but this version of herobot stores its data \
    in SQLite (sqlite://…, the default sqlite://herobot.db); PostgreSQL support is being built, \
    see docs/operating.md (\"PostgreSQL\")";

/// Whether `url` names a PostgreSQL server (the schemes libpq and sqlx accept).
fn is_postgres(url: &str) -> bool {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql")
}

/// `url` if this version can store its data there, else what is wrong with it, in words that
/// follow the variable's name.
pub fn supported(url: &str) -> Result<(), &'static str> {
    if is_postgres(url) {
        Err(POSTGRES_NOT_YET)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::supported;

    #[test]
    fn postgres_urls_are_refused_by_name_and_sqlite_ones_kept() {
        for url in ["postgres://h/db", "postgresql://h/db", "POSTGRES://h/db"] {
            assert!(
                supported(url)
                    .unwrap_err()
                    .contains("PostgreSQL support is being built")
            );
        }
        for url in ["sqlite://herobot.db", "sqlite::memory:", "herobot.db"] {
            assert_eq!(supported(url), Ok(()));
        }
    }
}
