//! The database a process runs on, SQLite or PostgreSQL: its pools, a transaction on either, and
//! `on!`, which runs one block of SQL on whichever it is.
//!
//! sqlx's query functions are generic over the database, so the same tokens compile for both:
//! `on!(db, db => { sqlx::query("…").fetch_all(db).await })` expands the block once per
//! backend, with `db` bound to that backend's pool or connection. SQL that differs between the
//! engines is chosen by `Backend` (`db.backend()`) before or inside the block.
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use sqlx_postgres::{PgConnection, PgPool, Postgres};

pub use super::backend::Backend;

/// A pool of connections to the database, on either engine. Cloning is cheap.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }

    /// The SQLite pool, for what only SQLite has (its file, `VACUUM INTO`, checkpoints).
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Self::Sqlite(pool) => Some(pool),
            Self::Postgres(_) => None,
        }
    }
}

/// A connection inside a transaction, on either engine: the write handle's own transaction
/// (`WriteTx` dereferences to it), or the group-commit writer's connection, whose transaction
/// the writer begins and ends itself and lends to each job.
pub struct Conn<'c>(Inner<'c>);

enum Inner<'c> {
    SqliteTx(Transaction<'c, Sqlite>),
    Sqlite(&'c mut SqliteConnection),
    PostgresTx(Transaction<'c, Postgres>),
    Postgres(&'c mut PgConnection),
}

impl<'c> Conn<'c> {
    /// A transaction of its own: committed by `commit`, rolled back if dropped.
    pub(super) fn sqlite_tx(tx: Transaction<'c, Sqlite>) -> Self {
        Self(Inner::SqliteTx(tx))
    }

    pub(super) fn postgres_tx(tx: Transaction<'c, Postgres>) -> Self {
        Self(Inner::PostgresTx(tx))
    }

    /// A connection inside a transaction its owner began and will end.
    pub(super) fn sqlite_within(conn: &'c mut SqliteConnection) -> Self {
        Self(Inner::Sqlite(conn))
    }

    pub(super) fn postgres_within(conn: &'c mut PgConnection) -> Self {
        Self(Inner::Postgres(conn))
    }

    /// The same transaction, lent to a job: what the job does is part of it, and committing
    /// stays with the lender.
    pub(super) fn lend(&mut self) -> Conn<'_> {
        Conn(match &mut self.0 {
            Inner::SqliteTx(tx) => Inner::Sqlite(tx),
            Inner::Sqlite(conn) => Inner::Sqlite(conn),
            Inner::PostgresTx(tx) => Inner::Postgres(tx),
            Inner::Postgres(conn) => Inner::Postgres(conn),
        })
    }

    pub fn backend(&self) -> Backend {
        match &self.0 {
            Inner::SqliteTx(_) | Inner::Sqlite(_) => Backend::Sqlite,
            Inner::PostgresTx(_) | Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// Commits a transaction of its own (a connection lent by its owner is left to the owner).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Inner::SqliteTx(tx) => tx.commit().await,
            Inner::PostgresTx(tx) => tx.commit().await,
            Inner::Sqlite(_) | Inner::Postgres(_) => Ok(()),
        }
    }
}

/// One of two values, by engine: what `On::split` gives `on!`.
pub enum Split<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// Something SQL runs on, on either engine: a pool (`&Db`) or a connection in a transaction
/// (`&mut Conn`, `&mut WriteTx`). `on!` splits it into the engine's own.
pub trait On<'e> {
    type Sqlite: sqlx::Executor<'e, Database = Sqlite>;
    type Postgres: sqlx::Executor<'e, Database = Postgres>;
    /// The engine's own pool or connection.
    fn split(self) -> Split<Self::Sqlite, Self::Postgres>;
}

impl<'e> On<'e> for &'e Db {
    type Sqlite = &'e SqlitePool;
    type Postgres = &'e PgPool;

    fn split(self) -> Split<Self::Sqlite, Self::Postgres> {
        match self {
            Db::Sqlite(pool) => Split::Sqlite(pool),
            Db::Postgres(pool) => Split::Postgres(pool),
        }
    }
}

impl<'e, 'c> On<'e> for &'e mut Conn<'c> {
    type Sqlite = &'e mut SqliteConnection;
    type Postgres = &'e mut PgConnection;

    fn split(self) -> Split<Self::Sqlite, Self::Postgres> {
        match &mut self.0 {
            Inner::SqliteTx(tx) => Split::Sqlite(&mut **tx),
            Inner::Sqlite(conn) => Split::Sqlite(&mut **conn),
            Inner::PostgresTx(tx) => Split::Postgres(&mut **tx),
            Inner::Postgres(conn) => Split::Postgres(&mut **conn),
        }
    }
}

impl<'e> On<'e> for &'e mut super::WriteTx {
    type Sqlite = &'e mut SqliteConnection;
    type Postgres = &'e mut PgConnection;

    fn split(self) -> Split<Self::Sqlite, Self::Postgres> {
        On::split(&mut **self)
    }
}

/// Either a pool or a connection, on either engine: for the store functions that read both
/// inside a transaction and outside one. `on_any!` splits it.
pub enum Exec<'e> {
    SqlitePool(&'e SqlitePool),
    Sqlite(&'e mut SqliteConnection),
    PostgresPool(&'e PgPool),
    Postgres(&'e mut PgConnection),
}

impl<'e> From<&'e Db> for Exec<'e> {
    fn from(db: &'e Db) -> Self {
        match db {
            Db::Sqlite(pool) => Self::SqlitePool(pool),
            Db::Postgres(pool) => Self::PostgresPool(pool),
        }
    }
}

impl<'e, 'c> From<&'e mut Conn<'c>> for Exec<'e> {
    fn from(conn: &'e mut Conn<'c>) -> Self {
        match On::split(conn) {
            Split::Sqlite(conn) => Self::Sqlite(conn),
            Split::Postgres(conn) => Self::Postgres(conn),
        }
    }
}

impl<'e> From<&'e mut super::WriteTx> for Exec<'e> {
    fn from(tx: &'e mut super::WriteTx) -> Self {
        Self::from(&mut **tx)
    }
}

impl<'e> From<&'e SqlitePool> for Exec<'e> {
    fn from(pool: &'e SqlitePool) -> Self {
        Self::SqlitePool(pool)
    }
}

impl<'e> From<&'e PgPool> for Exec<'e> {
    fn from(pool: &'e PgPool) -> Self {
        Self::PostgresPool(pool)
    }
}

impl<'e> From<&'e mut SqliteConnection> for Exec<'e> {
    fn from(conn: &'e mut SqliteConnection) -> Self {
        Self::Sqlite(conn)
    }
}

impl<'e> From<&'e mut PgConnection> for Exec<'e> {
    fn from(conn: &'e mut PgConnection) -> Self {
        Self::Postgres(conn)
    }
}

/// An engine's own pool as a `Db`, for a store function called inside `on!` (a clone of the
/// pool's handle: cheap).
impl From<&SqlitePool> for Db {
    fn from(pool: &SqlitePool) -> Self {
        Self::Sqlite(pool.clone())
    }
}

impl From<&PgPool> for Db {
    fn from(pool: &PgPool) -> Self {
        Self::Postgres(pool.clone())
    }
}

/// A transaction begun on an engine's own pool (the write handle's, or a test's).
impl<'c> From<Transaction<'c, Sqlite>> for Conn<'c> {
    fn from(tx: Transaction<'c, Sqlite>) -> Self {
        Self(Inner::SqliteTx(tx))
    }
}

impl<'c> From<Transaction<'c, Postgres>> for Conn<'c> {
    fn from(tx: Transaction<'c, Postgres>) -> Self {
        Self(Inner::PostgresTx(tx))
    }
}

/// An engine's own connection as a `Conn`, for a store function called inside `on!`.
impl<'c> From<&'c mut SqliteConnection> for Conn<'c> {
    fn from(conn: &'c mut SqliteConnection) -> Self {
        Self(Inner::Sqlite(conn))
    }
}

impl<'c> From<&'c mut PgConnection> for Conn<'c> {
    fn from(conn: &'c mut PgConnection) -> Self {
        Self(Inner::Postgres(conn))
    }
}

/// The engine of a sqlx database type, for SQL that differs: `DB::BACKEND.pick(…, …)`.
pub trait Engine: sqlx::Database {
    const BACKEND: Backend;
}

impl Engine for Sqlite {
    const BACKEND: Backend = Backend::Sqlite;
}

impl Engine for Postgres {
    const BACKEND: Backend = Backend::Postgres;
}

/// Runs a block once per engine, with `$x` bound to the engine's own pool or connection:
/// `on!(db, db => sqlx::query("…").execute(db).await)`. `$on` is a `&Db`, a `&mut Conn` or a
/// `&mut WriteTx` (anything `On`). In the block, `ENGINE` is the engine it runs on, for SQL
/// written per engine: `ENGINE.pick("…sqlite…", "…postgres…")`.
#[macro_export]
macro_rules! on {
    ($on:expr, $x:ident => $body:expr) => {
        match $crate::store::db::On::split($on) {
            $crate::store::db::Split::Sqlite($x) => {
                #[allow(dead_code)]
                const ENGINE: $crate::store::Backend = $crate::store::Backend::Sqlite;
                $body
            }
            $crate::store::db::Split::Postgres($x) => {
                #[allow(dead_code)]
                const ENGINE: $crate::store::Backend = $crate::store::Backend::Postgres;
                $body
            }
        }
    };
}

/// As `on!`, for an `Exec` (a pool or a connection): the block is expanded once for each.
#[macro_export]
macro_rules! on_any {
    ($on:expr, $x:ident => $body:expr) => {
        match ::core::convert::Into::<$crate::store::db::Exec<'_>>::into($on) {
            $crate::store::db::Exec::SqlitePool($x) => {
                #[allow(dead_code)]
                const ENGINE: $crate::store::Backend = $crate::store::Backend::Sqlite;
                $body
            }
            $crate::store::db::Exec::Sqlite($x) => {
                #[allow(dead_code)]
                const ENGINE: $crate::store::Backend = $crate::store::Backend::Sqlite;
                $body
            }
            $crate::store::db::Exec::PostgresPool($x) => {
                #[allow(dead_code)]
                const ENGINE: $crate::store::Backend = $crate::store::Backend::Postgres;
                $body
            }
            $crate::store::db::Exec::Postgres($x) => {
                #[allow(dead_code)]
                const ENGINE: $crate::store::Backend = $crate::store::Backend::Postgres;
                $body
            }
        }
    };
}
