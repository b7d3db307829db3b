//! Nominations read back from the store (they are written by the group-commit writer).
use sqlx::{FromRow, SqliteExecutor};

use crate::domain::nomination::StoredNomination;
use crate::domain::{Category, CustomerKind, Nomination, Reason, Tag, UserId};

#[derive(FromRow)]
struct Row {
    id: i64,
    team_id: String,
    nominator_id: String,
    category: Option<String>,
    customer_kind: Option<String>,
    reason: String,
    channel_id: Option<String>,
    message_permalink: Option<String>,
    created_at: i64,
    /// JSON array, in the order named.
    heroes: String,
    /// JSON array.
    tags: String,
}

/// The columns of a nomination with its heroes and tags folded in as JSON; `n` is the alias.
const COLUMNS: &str =
    "n.id, n.team_id, n.nominator_id, n.category, n.customer_kind, n.reason, n.channel_id,
    n.message_permalink, n.created_at,
    (select json_group_array(hero_id) from (select hero_id from nomination_heroes
       where nomination_id = n.id order by position)) as heroes,
    (select json_group_array(tag) from nomination_tags where nomination_id = n.id) as tags";

impl From<Row> for StoredNomination {
    fn from(r: Row) -> Self {
        let strings = |json: &str| serde_json::from_str::<Vec<String>>(json).unwrap_or_default();
        Self {
            id: r.id,
            team_id: r.team_id,
            channel_id: r.channel_id,
            message_permalink: r.message_permalink,
            created_at: r.created_at,
            nomination: Nomination {
                nominator: UserId::stored(r.nominator_id),
                heroes: strings(&r.heroes).into_iter().map(UserId::stored).collect(),
                reason: Reason::stored(r.reason),
                category: r.category.as_deref().and_then(Category::parse),
                customer_kind: r.customer_kind.as_deref().and_then(CustomerKind::parse),
                tags: strings(&r.tags).into_iter().map(Tag::stored).collect(),
            },
        }
    }
}

pub async fn get(
    db: impl SqliteExecutor<'_>,
    id: i64,
) -> Result<Option<StoredNomination>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from nominations n where n.id = ?1");
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(StoredNomination::from))
}
