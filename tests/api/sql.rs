//! The tests' own SQL, on whichever engine the suite runs (SQLite, or PostgreSQL with
//! `HEROBOT_TEST_DATABASE=postgres`): `sql::query`, `sql::query_scalar` and `sql::query_as`
//! read as sqlx's do, bind values of the common types, and run on a `Db` or in a transaction
//! (`&mut Conn`).
use std::marker::PhantomData;

use herobot::store::db::Exec;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, Decode, FromRow, Sqlite, Type};
use sqlx_postgres::{PgArguments, PgRow, Postgres};

/// A value bound to a statement.
#[derive(Clone, Debug)]
pub enum Arg {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

pub trait IntoArg {
    fn into_arg(self) -> Arg;
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Arg {
                Arg::Int(Some(i64::from(self)))
            }
        }
        impl IntoArg for Option<$t> {
            fn into_arg(self) -> Arg {
                Arg::Int(self.map(i64::from))
            }
        }
    )*};
}
int_arg!(i64, i32, u32, u8, i8, i16, u16);

impl IntoArg for usize {
    fn into_arg(self) -> Arg {
        Arg::Int(Some(self as i64))
    }
}

impl IntoArg for f64 {
    fn into_arg(self) -> Arg {
        Arg::Real(Some(self))
    }
}

impl IntoArg for bool {
    fn into_arg(self) -> Arg {
        Arg::Bool(Some(self))
    }
}

impl IntoArg for Option<bool> {
    fn into_arg(self) -> Arg {
        Arg::Bool(self)
    }
}

impl IntoArg for &str {
    fn into_arg(self) -> Arg {
        Arg::Text(Some(self.to_owned()))
    }
}

impl IntoArg for String {
    fn into_arg(self) -> Arg {
        Arg::Text(Some(self))
    }
}

impl IntoArg for &&str {
    fn into_arg(self) -> Arg {
        Arg::Text(Some((*self).to_owned()))
    }
}

impl IntoArg for &String {
    fn into_arg(self) -> Arg {
        Arg::Text(Some(self.clone()))
    }
}

impl IntoArg for Option<&str> {
    fn into_arg(self) -> Arg {
        Arg::Text(self.map(str::to_owned))
    }
}

impl IntoArg for Option<String> {
    fn into_arg(self) -> Arg {
        Arg::Text(self)
    }
}

impl IntoArg for &[u8] {
    fn into_arg(self) -> Arg {
        Arg::Bytes(Some(self.to_vec()))
    }
}

impl IntoArg for Vec<u8> {
    fn into_arg(self) -> Arg {
        Arg::Bytes(Some(self))
    }
}

impl<const N: usize> IntoArg for &[u8; N] {
    fn into_arg(self) -> Arg {
        Arg::Bytes(Some(self.to_vec()))
    }
}

/// Runs `$run` with the statement's values bound for the engine of `$on`.
macro_rules! run {
    ($on:expr, $args:expr, |$x:ident, $a:ident| $run:expr) => {
        match $on.into() {
            Exec::SqlitePool($x) => {
                let $a = sqlite_args($args);
                $run
            }
            Exec::Sqlite($x) => {
                let $a = sqlite_args($args);
                $run
            }
            Exec::PostgresPool($x) => {
                let $a = postgres_args($args);
                $run
            }
            Exec::Postgres($x) => {
                let $a = postgres_args($args);
                $run
            }
        }
    };
}

fn sqlite_args(args: &[Arg]) -> SqliteArguments {
    let mut out = SqliteArguments::default();
    for arg in args {
        match arg.clone() {
            Arg::Int(v) => out.add(v),
            Arg::Real(v) => out.add(v),
            Arg::Text(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Bytes(v) => out.add(v),
        }
        .expect("the value binds");
    }
    out
}

fn postgres_args(args: &[Arg]) -> PgArguments {
    let mut out = PgArguments::default();
    for arg in args {
        match arg.clone() {
            Arg::Int(v) => out.add(v),
            Arg::Real(v) => out.add(v),
            Arg::Text(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Bytes(v) => out.add(v),
        }
        .expect("the value binds");
    }
    out
}

/// A statement with its values.
pub struct Query {
    sql: String,
    args: Vec<Arg>,
}

pub fn query(sql: impl Into<String>) -> Query {
    Query {
        sql: sql.into(),
        args: Vec::new(),
    }
}

impl Query {
    pub fn bind(mut self, value: impl IntoArg) -> Self {
        self.args.push(value.into_arg());
        self
    }

    /// Runs the statement: how many rows it changed.
    pub async fn execute<'e>(self, on: impl Into<Exec<'e>>) -> Result<u64, sqlx::Error> {
        let rows = run!(on, &self.args, |x, args| sqlx::query_with(
            sqlx::AssertSqlSafe(self.sql),
            args
        )
        .execute(x)
        .await?
        .rows_affected());
        Ok(rows)
    }
}

/// A statement read as one value per row.
pub struct Scalar<O> {
    query: Query,
    out: PhantomData<fn() -> O>,
}

pub fn query_scalar<O>(sql: impl Into<String>) -> Scalar<O> {
    Scalar {
        query: query(sql),
        out: PhantomData,
    }
}

impl<O> Scalar<O>
where
    O: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin,
{
    pub fn bind(mut self, value: impl IntoArg) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub async fn fetch_all<'e>(self, on: impl Into<Exec<'e>>) -> Result<Vec<O>, sqlx::Error> {
        let Query { sql, args } = self.query;
        run!(on, &args, |x, args| sqlx::query_scalar_with(
            sqlx::AssertSqlSafe(sql),
            args
        )
        .fetch_all(x)
        .await)
    }

    pub async fn fetch_optional<'e>(
        self,
        db: impl Into<Exec<'e>>,
    ) -> Result<Option<O>, sqlx::Error> {
        Ok(self.fetch_all(db).await?.into_iter().next())
    }

    pub async fn fetch_one<'e>(self, db: impl Into<Exec<'e>>) -> Result<O, sqlx::Error> {
        self.fetch_optional(db)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }
}

/// A statement read as a row type (a tuple, or a `FromRow`).
pub struct As<O> {
    query: Query,
    out: PhantomData<fn() -> O>,
}

pub fn query_as<O>(sql: impl Into<String>) -> As<O> {
    As {
        query: query(sql),
        out: PhantomData,
    }
}

impl<O> As<O>
where
    O: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    pub fn bind(mut self, value: impl IntoArg) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub async fn fetch_all<'e>(self, on: impl Into<Exec<'e>>) -> Result<Vec<O>, sqlx::Error> {
        let Query { sql, args } = self.query;
        run!(on, &args, |x, args| sqlx::query_as_with(
            sqlx::AssertSqlSafe(sql),
            args
        )
        .fetch_all(x)
        .await)
    }

    pub async fn fetch_optional<'e>(
        self,
        db: impl Into<Exec<'e>>,
    ) -> Result<Option<O>, sqlx::Error> {
        Ok(self.fetch_all(db).await?.into_iter().next())
    }

    pub async fn fetch_one<'e>(self, db: impl Into<Exec<'e>>) -> Result<O, sqlx::Error> {
        self.fetch_optional(db)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }
}
