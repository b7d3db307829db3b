//! Which engine a `DATABASE_URL` names: SQLite (the default, `sqlite://…`) or PostgreSQL
//! (`postgres://…`), and SQL written per engine.

/// Which engine a database runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine a `DATABASE_URL` names: PostgreSQL for the schemes libpq and sqlx accept,
    /// SQLite for anything else (`sqlite://…`, `sqlite::memory:`, a bare path).
    pub fn of(url: &str) -> Self {
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        if scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    /// SQL written per engine: `sqlite` on SQLite, `postgres` on PostgreSQL.
    pub fn pick<T>(self, sqlite: T, postgres: T) -> T {
        match self {
            Self::Sqlite => sqlite,
            Self::Postgres => postgres,
        }
    }
}

/// Schemes of engines herobot does not run on, which an operator might try.
const OTHER_ENGINES: [&str; 3] = ["mysql", "mariadb", "mssql"];

/// `Ok` if herobot can store its data at `url`, else what is wrong with it, in words that
/// follow the variable's name.
pub fn supported(url: &str) -> Result<(), &'static str> {
    let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
    if OTHER_ENGINES.iter().any(|e| scheme.eq_ignore_ascii_case(e)) {
        Err(
            "names an engine herobot does not run on: use sqlite://… (the default, \
             sqlite://herobot.db) or postgres://…",
        )
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Backend, supported};

    #[test]
    fn the_url_names_the_engine() {
        for url in ["postgres://h/db", "postgresql://h/db", "POSTGRES://h/db"] {
            assert_eq!(Backend::of(url), Backend::Postgres);
            assert_eq!(supported(url), Ok(()));
        }
        for url in ["sqlite://herobot.db", "sqlite::memory:", "herobot.db"] {
            assert_eq!(Backend::of(url), Backend::Sqlite);
            assert_eq!(supported(url), Ok(()));
        }
        assert!(
            supported("mysql://h/db")
                .unwrap_err()
                .contains("postgres://")
        );
    }
}
