//! The heroes' days: per hero and UTC day, and per hero and block of 32 days, how often they
//! were credited and when last, kept by the search indexer behind the commit (migration 0015)
//! and recounted where retention deletes rows ([`recount`]),
//! so `/hero top` ranks a year from about 100,000 rows instead of every nomination.
//! `hero_days_indexed` records, per table, the ID up to which every row is rolled up (on
//! PostgreSQL only rows old enough that no lower ID can still be in flight: [`SETTLE_SECS`]).
use crate::store::Conn;

/// Seconds in a rollup day (UTC days: no time zone moves their bounds).
pub const DAY: i64 = 86_400;
/// Days in a block.
pub const BLOCK_DAYS: i64 = 32;

/// How a period `[start, end)` is read: whole blocks and whole days from the rollup (for rows up
/// to the rollup's mark), everything else directly from the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spans {
    /// The whole days, in seconds: `start <= whole.0 <= whole.1 <= end`. Rows in
    /// `[start, whole.0)` and `[whole.1, end)`, and rows past the mark, are read directly.
    pub whole: (i64, i64),
    /// The whole blocks inside the whole days, `[from, to)`.
    pub blocks: (i64, i64),
    /// The whole days before the first whole block and after the last, `[from, to)` each.
    pub days: [(i64, i64); 2],
}

impl Spans {
    pub fn of(start: i64, end: i64) -> Self {
        let first = start.div_euclid(DAY) + i64::from(start.rem_euclid(DAY) != 0);
        let last = end.div_euclid(DAY);
        if first >= last {
            return Self {
                whole: (end, end),
                blocks: (0, 0),
                days: [(0, 0), (0, 0)],
            };
        }
        let whole = (first * DAY, last * DAY);
        let from = first.div_euclid(BLOCK_DAYS) + i64::from(first.rem_euclid(BLOCK_DAYS) != 0);
        let to = last.div_euclid(BLOCK_DAYS);
        if from >= to {
            return Self {
                whole,
                blocks: (0, 0),
                days: [(first, last), (0, 0)],
            };
        }
        Self {
            whole,
            blocks: (from, to),
            days: [(first, from * BLOCK_DAYS), (to * BLOCK_DAYS, last)],
        }
    }
}

/// Adds the nominations with IDs in `(?1, ?2]` to the days (a day is floored also before
/// 1970: SQLite's division truncates toward zero).
const ADD_NOMINATION_DAYS: &str = "insert into hero_days (day, hero_id, recognitions, nominated_at, told_at)
     select (n.created_at - case when n.created_at < 0 then 86399 else 0 end) / 86400, h.hero_id, count(*), max(n.created_at), null
     from nominations n join nomination_heroes h on h.nomination_id = n.id
     where n.id > $1 and n.id <= $2
     group by 1, 2
     on conflict (day, hero_id) do update set
        recognitions = hero_days.recognitions + excluded.recognitions,
        nominated_at = case when hero_days.nominated_at >= excluded.nominated_at then hero_days.nominated_at else excluded.nominated_at end";

/// Adds the nominations with IDs in `(?1, ?2]` to the blocks (86,400 × 32 = 2,764,800 s).
const ADD_NOMINATION_BLOCKS: &str = "insert into hero_blocks (block, hero_id, recognitions, nominated_at, told_at)
     select (n.created_at - case when n.created_at < 0 then 2764799 else 0 end) / 2764800, h.hero_id, count(*), max(n.created_at), null
     from nominations n join nomination_heroes h on h.nomination_id = n.id
     where n.id > $1 and n.id <= $2
     group by 1, 2
     on conflict (block, hero_id) do update set
        recognitions = hero_blocks.recognitions + excluded.recognitions,
        nominated_at = case when hero_blocks.nominated_at >= excluded.nominated_at then hero_blocks.nominated_at else excluded.nominated_at end";

/// Adds the stories with IDs in `(?1, ?2]` to the days.
const ADD_STORY_DAYS: &str = "insert into hero_days (day, hero_id, recognitions, nominated_at, told_at)
     select (s.created_at - case when s.created_at < 0 then 86399 else 0 end) / 86400, h.hero_id, count(*), null, max(s.created_at)
     from stories s join story_heroes h on h.story_id = s.id
     where s.id > $1 and s.id <= $2
     group by 1, 2
     on conflict (day, hero_id) do update set
        recognitions = hero_days.recognitions + excluded.recognitions,
        told_at = case when hero_days.told_at >= excluded.told_at then hero_days.told_at else excluded.told_at end";

/// Adds the stories with IDs in `(?1, ?2]` to the blocks.
const ADD_STORY_BLOCKS: &str = "insert into hero_blocks (block, hero_id, recognitions, nominated_at, told_at)
     select (s.created_at - case when s.created_at < 0 then 2764799 else 0 end) / 2764800, h.hero_id, count(*), null, max(s.created_at)
     from stories s join story_heroes h on h.story_id = s.id
     where s.id > $1 and s.id <= $2
     group by 1, 2
     on conflict (block, hero_id) do update set
        recognitions = hero_blocks.recognitions + excluded.recognitions,
        told_at = case when hero_blocks.told_at >= excluded.told_at then hero_blocks.told_at else excluded.told_at end";

/// How long, in seconds, a row waits on PostgreSQL before the rollup's mark may pass it: well
/// over twice the longest a transaction that draws a row's ID takes to commit, plus any skew
/// between the app's clock (which stamps `created_at`) and the database's.
///
/// On SQLite one writer commits rows in ID order, so every row up to the newest visible one
/// is there for good. On PostgreSQL IDs come from a sequence and several replicas (and the
/// group-commit writer, which draws its IDs before it inserts) commit concurrently: ID 11 can be
/// visible while ID 10 is still in flight, and a mark moved past 11 would skip 10 forever. No
/// query can see which IDs an open transaction holds, so the mark stops before the first row
/// younger than this: a row still in flight drew its ID before any row above it did, so once
/// that row (stamped when its transaction began) is this old, every transaction that drew an
/// ID below it has long committed or rolled back. Rows past the mark are read directly from
/// the tables ([`Spans`]), so the wait costs a little reading and never a wrong figure.
pub const SETTLE_SECS: i64 = 120;

/// Rows stamped (`created_at`) at or after the answer are not rolled up yet: on PostgreSQL those
/// younger than [`SETTLE_SECS`] by the later of the database's clock and the app's (`now`, the
/// clock that stamps rows; tests set it); nothing waits on SQLite.
async fn settled(tx: &mut Conn<'_>, now: i64) -> Result<i64, sqlx::Error> {
    crate::on!(tx, tx => match ENGINE {
        crate::store::Backend::Sqlite => Ok(i64::MAX),
        crate::store::Backend::Postgres => {
            sqlx::query_scalar(
                "select greatest(cast(extract(epoch from now()) as bigint), $2) - $1",
            )
            .bind(SETTLE_SECS)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
        }
    })
}

/// Adds up to `batch` committed rows of each table past the mark to the rollup and moves the
/// mark, in the indexer's transaction; answers how many rows it added.
pub async fn follow(tx: &mut Conn<'_>, batch: i64, now: i64) -> Result<u64, sqlx::Error> {
    crate::on!(tx, tx => {
        let settled = settled(&mut Conn::from(&mut *tx), now).await?;
        let mut added = 0;
        for source in ["nominations", "stories"] {
            let last: i64 =
                sqlx::query_scalar("select last_id from hero_days_indexed where source = $1")
                    .bind(source)
                    .fetch_one(&mut *tx)
                    .await?;
            // Table names come from the list above, never from input.
            let next = format!(
                "select count(*), max(id) from (
                   select id from {source}
                   where id > $1
                     and id < coalesce((select min(id) from {source} where id > $1 and created_at >= $3), $4)
                   order by id limit $2) as next"
            );
            let (count, upto): (i64, Option<i64>) = sqlx::query_as(sqlx::AssertSqlSafe(next))
                .bind(last)
                .bind(batch)
                .bind(settled)
                .bind(i64::MAX)
                .fetch_one(&mut *tx)
                .await?;
            let Some(upto) = upto else { continue };
            add(&mut Conn::from(&mut *tx), source, last, upto).await?;
            sqlx::query("update hero_days_indexed set last_id = $2 where source = $1")
                .bind(source)
                .bind(upto)
                .execute(&mut *tx)
                .await?;
            added += count as u64;
        }
        Ok(added)
    })
}

/// Adds the rows of `source` (`nominations` or `stories`) with IDs in `(after, upto]` to the
/// rollup.
async fn add(tx: &mut Conn<'_>, source: &str, after: i64, upto: i64) -> Result<(), sqlx::Error> {
    crate::on!(tx, tx => {
        let statements = if source == "stories" {
            [ADD_STORY_DAYS, ADD_STORY_BLOCKS]
        } else {
            [ADD_NOMINATION_DAYS, ADD_NOMINATION_BLOCKS]
        };
        for sql in statements {
            sqlx::query(sql)
                .bind(after)
                .bind(upto)
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    })
}

/// Rebuilds the rollup from every stored row and moves the mark past them, in the caller's
/// transaction (`herobot reindex`).
pub async fn rebuild(tx: &mut Conn<'_>, now: i64) -> Result<(), sqlx::Error> {
    let settled = settled(tx, now).await?;
    crate::on!(tx, tx => {
        for sql in ["delete from hero_days", "delete from hero_blocks"] {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        for source in ["nominations", "stories"] {
            // Table names come from the list above, never from input. The mark stops before the
            // first row not yet settled, as in `follow`.
            let upto: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "select coalesce(max(id), 0) from {source}
                 where id < coalesce((select min(id) from {source} where created_at >= $1), $2)"
            )))
            .bind(settled)
            .bind(i64::MAX)
            .fetch_one(&mut *tx)
            .await?;
            add(&mut Conn::from(&mut *tx), source, i64::MIN, upto).await?;
            sqlx::query("update hero_days_indexed set last_id = $2 where source = $1")
                .bind(source)
                .bind(upto)
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    })
}
/// Recounts every day and block holding an instant in `[from, to]` (unix seconds) from the rows
/// still stored up to the mark, in the caller's transaction: after retention deleted rows there,
/// the rollup holds again exactly what a direct count of those rows gives. A block is at most 32
/// days of rows, so this stays a short piece of work.
pub async fn recount(tx: &mut Conn<'_>, from: i64, to: i64) -> Result<(), sqlx::Error> {
    crate::on!(tx, tx => {
        let (first, last) = (from.div_euclid(DAY), to.div_euclid(DAY));
        let units = [
            ("hero_days", "day", DAY, first, last),
            (
                "hero_blocks",
                "block",
                DAY * BLOCK_DAYS,
                first.div_euclid(BLOCK_DAYS),
                last.div_euclid(BLOCK_DAYS),
            ),
        ];
        for (table, key, unit, first, last) in units {
            // Table and column names come from the lists here, never from input.
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "delete from {table} where {key} >= $1 and {key} <= $2"
            )))
            .bind(first)
            .bind(last)
            .execute(&mut *tx)
            .await?;
            for (source, heroes, parent, latest) in [
                (
                    "nominations",
                    "nomination_heroes",
                    "nomination_id",
                    "nominated_at",
                ),
                ("stories", "story_heroes", "story_id", "told_at"),
            ] {
                let sql = format!(
                    "insert into {table} ({key}, hero_id, recognitions, {latest})
                 select (r.created_at - case when r.created_at < 0 then {below} else 0 end) / {unit}, h.hero_id, count(*), max(r.created_at)
                 from {source} r join {heroes} h on h.{parent} = r.id
                 where r.created_at >= $1 and r.created_at < $2
                   and r.id <= (select last_id from hero_days_indexed where source = '{source}')
                 group by 1, 2
                 on conflict ({key}, hero_id) do update set
                    recognitions = {table}.recognitions + excluded.recognitions,
                    {latest} = case when {table}.{latest} >= excluded.{latest}
                                    then {table}.{latest} else excluded.{latest} end",
                    below = unit - 1,
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(first.saturating_mul(unit))
                    .bind(last.saturating_add(1).saturating_mul(unit))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_days_and_blocks_lie_inside_the_period() {
        let b = BLOCK_DAYS;
        // Two whole blocks and some days either side.
        let spans = Spans::of(5 * DAY - 1, (3 * b + 2) * DAY + 7);
        assert_eq!(spans.whole, (5 * DAY, (3 * b + 2) * DAY));
        assert_eq!(spans.blocks, (1, 3));
        assert_eq!(spans.days, [(5, b), (3 * b, 3 * b + 2)]);
        // Whole days but no whole block.
        let spans = Spans::of(DAY + 1, 20 * DAY);
        assert_eq!(spans.whole, (2 * DAY, 20 * DAY));
        assert_eq!(spans.blocks.0, spans.blocks.1);
        assert_eq!(spans.days, [(2, 20), (0, 0)]);
        // No whole day.
        let spans = Spans::of(DAY + 5, DAY + 6);
        assert_eq!(spans.whole, (DAY + 6, DAY + 6));
        // Aligned on blocks, before 1970 too.
        let spans = Spans::of(-b * DAY, b * DAY);
        assert_eq!(spans.blocks, (-1, 1));
        assert_eq!(spans.days, [(-b, -b), (b, b)]);
        // The widest period.
        let spans = Spans::of(0, i64::MAX);
        assert_eq!(spans.whole, (0, i64::MAX / DAY * DAY));
        assert_eq!(spans.blocks, (0, i64::MAX / DAY / b));
        let spans = Spans::of(i64::MAX - 1, i64::MAX);
        assert_eq!(spans.whole, (i64::MAX, i64::MAX));
    }
}
