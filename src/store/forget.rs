//! Erasure (`herobot forget`): a person's ID becomes a placeholder in every table, what they
//! wrote alone becomes "a former colleague", and what only served them (their name in the cache,
//! their App Home, their sign-in links and sessions, messages still waiting for them, their place
//! among a card's raters) goes. Counts stay: every row that is counted keeps its place, under the
//! placeholder. The search index follows by its update triggers (migration 0011) and is then
//! merged so no old term stays in it (PostgreSQL's generated search columns follow each row);
//! the heroes' days are keyed by hero and follow the sweep.
use crate::store::Conn;

use crate::domain::forgotten::{FORMER_COLLEAGUE, rewrite};

/// What a forget changed in one table: rows deleted, and values rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Changed {
    pub table: String,
    pub deleted: u64,
    pub rewritten: u64,
}

/// Rows deleted outright: they held nothing but the person (their name, their Home, their
/// sessions), or a message to them that can no longer be sent, or their place on a card.
const DELETES: [(&str, &str); 9] = [
    ("user_names", "delete from user_names where user_id = $1"),
    // Their account's departure: once forgotten, there is nothing left to forget.
    ("departures", "delete from departures where user_id = $1"),
    ("home_views", "delete from home_views where user_id = $1"),
    (
        "library_links",
        "delete from library_links where user_id = $1",
    ),
    (
        "library_sessions",
        "delete from library_sessions where user_id = $1",
    ),
    (
        "outbox",
        "delete from outbox where status = 'pending' and (recipient = $1 or lane = $1)",
    ),
    (
        "report_card_raters",
        "delete from report_card_raters where rater_id = $1",
    ),
    // Their Home's publishes are theirs alone, sent or not.
    (
        "outbox",
        "delete from outbox where render = 'home' and recipient = $1",
    ),
    // Their hourly allowance (kept in the database on PostgreSQL).
    (
        "rate_limits",
        "delete from rate_limits where key = 'hourly:' || $1",
    ),
];

/// What they wrote alone becomes "a former colleague" (a null stays null, so a story without a
/// surprise still counts as one without).
const AUTHORED: [(&str, &str); 5] = [
    (
        "nominations",
        "update nominations set reason = $2 where nominator_id = $1 and reason != $2",
    ),
    (
        "stories",
        "update stories set title = $2, what_went_wrong = $2, how_fixed = $2,
             surprise = case when surprise is null then null else $2 end
         where author_id = $1 and not (title = $2 and what_went_wrong = $2 and how_fixed = $2)",
    ),
    (
        "report_card_answers",
        "update report_card_answers set comment = $2
         where rater_id = $1 and comment is not null and comment != $2",
    ),
    (
        "report_card_round_comments",
        "update report_card_round_comments set comment = $2
         where rater_id = $1 and comment != $2",
    ),
    (
        "customer_answers",
        "update customer_answers set comment = $2
         where customer_id = $1 and comment is not null and comment != $2",
    ),
];

/// Forgets `user` in the open transaction, putting `placeholder` in their place; answers what
/// changed, per table (only tables with a change). Run and rolled back, it is a dry run.
pub async fn forget(
    tx: &mut Conn<'_>,
    user: &str,
    placeholder: &str,
) -> Result<Vec<Changed>, sqlx::Error> {
    crate::on!(tx, tx => {
        let mut changed: Vec<Changed> = Vec::new();
        let mut note = |table: &str, deleted: u64, rewritten: u64| {
            if deleted + rewritten == 0 {
                return;
            }
            match changed.iter_mut().find(|c| c.table == table) {
                Some(c) => {
                    c.deleted += deleted;
                    c.rewritten += rewritten;
                }
                None => changed.push(Changed {
                    table: table.to_owned(),
                    deleted,
                    rewritten,
                }),
            }
        };
        for (table, sql) in DELETES {
            let n = sqlx::query(sql).bind(user).execute(&mut *tx).await?;
            note(table, n.rows_affected(), 0);
        }
        for (table, sql) in AUTHORED {
            let n = sqlx::query(sql)
                .bind(user)
                .bind(FORMER_COLLEAGUE)
                .execute(&mut *tx)
                .await?;
            note(table, 0, n.rows_affected());
        }
        // The audit trail keeps what they did and when, under the placeholder: its own module
        // makes the change, as the trail is otherwise append-only.
        let audited = super::audit::forget_actor(&mut Conn::from(&mut *tx), user, placeholder).await?;
        note("audit", 0, audited);
        // Then the sweep: every text column of every other table, wherever the ID still appears.
        let columns = text_columns(&mut Conn::from(&mut *tx)).await?;
        for (table, column) in columns {
            if table == "audit" {
                continue;
            }
            let n = sweep(&mut Conn::from(&mut *tx), &table, &column, user, placeholder).await?;
            note(&table, 0, n);
        }
        // Merged, the search index keeps no term of the text it held before (PostgreSQL's
        // generated search columns were recomputed with each row).
        for index in ENGINE.pick(&["nominations_fts", "stories_fts"][..], &[]) {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "insert into {index} ({index}) values ('optimize')"
            )))
            .execute(&mut *tx)
            .await?;
        }
        Ok(changed)
    })
}

/// Every text column of every ordinary table: not SQLite's own, not the full-text indexes (they
/// follow their tables by trigger) nor their shadow tables. On PostgreSQL, from its catalog: the
/// text columns of the schema's tables (the generated search columns are tsvector, not text).
pub async fn text_columns(tx: &mut Conn<'_>) -> Result<Vec<(String, String)>, sqlx::Error> {
    if let crate::store::Backend::Postgres = tx.backend() {
        return crate::on!(tx, tx => {
            sqlx::query_as(
                "select c.table_name::text, c.column_name::text
                 from information_schema.columns c
                 join information_schema.tables t
                   on t.table_schema = c.table_schema and t.table_name = c.table_name
                 where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
                   and c.table_name not like '\\_sqlx%' escape '\\'
                   and c.data_type in ('text', 'character varying', 'character')
                 order by c.table_name, c.ordinal_position",
            )
            .fetch_all(&mut *tx)
            .await
        });
    }
    crate::on!(tx, tx => {
        let tables: Vec<String> = sqlx::query_scalar(
            "select name from sqlite_master m where type = 'table'
           and name not like 'sqlite_%' and name not like '\\_sqlx%' escape '\\'
           and lower(sql) not like 'create virtual table%'
           and not exists (select 1 from sqlite_master v where v.type = 'table'
                             and lower(v.sql) like 'create virtual table%'
                             and m.name like v.name || '\\_%' escape '\\')
         order by name",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut columns = Vec::new();
        for table in tables {
            let names: Vec<(String, String)> =
                sqlx::query_as("select name, upper(type) from pragma_table_info($1)")
                    .bind(&table)
                    .fetch_all(&mut *tx)
                    .await?;
            for (name, kind) in names {
                if kind.contains("TEXT") || kind.is_empty() {
                    columns.push((table.clone(), name));
                }
            }
        }
        Ok(columns)
    })
}

/// Rewrites each distinct value of `table.column` holding `user`; answers the rows changed.
async fn sweep(
    tx: &mut Conn<'_>,
    table: &str,
    column: &str,
    user: &str,
    placeholder: &str,
) -> Result<u64, sqlx::Error> {
    crate::on!(tx, tx => {
        // Names come from the schema, quoted; values are bound.
        let (t, c) = (quote(table), quote(column));
        let values: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select distinct {c} from {t} where {} > 0",
            ENGINE.pick(format!("instr({c}, $1)"), format!("strpos({c}, $1)"))
        )))
        .bind(user)
        .fetch_all(&mut *tx)
        .await?;
        let mut rows = 0;
        for old in values {
            let new = rewrite(&old, user, placeholder);
            if new == old {
                continue;
            }
            rows += sqlx::query(sqlx::AssertSqlSafe(format!(
                "update {t} set {c} = $2 where {c} = $1"
            )))
            .bind(&old)
            .bind(&new)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        Ok(rows)
    })
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
