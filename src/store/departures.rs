//! Departed accounts (migration 0020): whose Slack account was deactivated, and since when, so
//! that `HEROBOT_FORGET_DEPARTED_AFTER_DAYS` can forget them; a reactivated account is cleared.
use crate::store::Conn;
use crate::store::db::Exec;

/// Marks `user` departed at `at` (unix seconds) unless already marked (the first time counts).
/// True if newly marked.
pub async fn mark(conn: &mut Conn<'_>, user: &str, at: i64) -> Result<bool, sqlx::Error> {
    crate::on!(conn, conn => {
        Ok(sqlx::query(
            "insert into departures (user_id, departed_at) values ($1, $2)
             on conflict (user_id) do nothing",
        )
        .bind(user)
        .bind(at)
        .execute(conn)
        .await?
        .rows_affected()
            > 0)
    })
}

/// Clears `user`'s mark (the account was reactivated). True if there was one.
pub async fn clear(conn: &mut Conn<'_>, user: &str) -> Result<bool, sqlx::Error> {
    crate::on!(conn, conn => {
        Ok(sqlx::query("delete from departures where user_id = $1")
            .bind(user)
            .execute(conn)
            .await?
            .rows_affected()
            > 0)
    })
}

/// Everyone marked departed at or before `before` (unix seconds), longest gone first.
pub async fn due<'e>(db: impl Into<Exec<'e>>, before: i64) -> Result<Vec<String>, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_scalar(
            "select user_id from departures where departed_at <= $1 order by departed_at, user_id",
        )
        .bind(before)
        .fetch_all(db)
        .await
    })
}

/// Whether herobot holds anything under `user`'s ID where people are named (their name, Home,
/// recognitions given or received, thanks added, stories told, credited or featured, report
/// cards made, rated or commented on, answers asked for or given, wall links, the audit trail). A
/// deactivated account it holds nothing about is not tracked, so someone already forgotten is
/// not marked again by the next `users.list` reading.
pub async fn known<'e>(db: impl Into<Exec<'e>>, user: &str) -> Result<bool, sqlx::Error> {
    crate::on_any!(db, db => {
        sqlx::query_scalar(
            "select exists (select 1 from user_names where user_id = $1)
             or exists (select 1 from home_views where user_id = $1)
             or exists (select 1 from nominations where nominator_id = $1)
             or exists (select 1 from hero_blocks where hero_id = $1)
             or exists (select 1 from stories where author_id = $1)
             or exists (select 1 from story_heroes where hero_id = $1)
             or exists (select 1 from report_card_raters where rater_id = $1)
             or exists (select 1 from report_card_answers where rater_id = $1)
             or exists (select 1 from report_card_actions where owner_id = $1)
             or exists (select 1 from customer_answers where customer_id = $1)
             or exists (select 1 from audit where actor = $1)
             or exists (select 1 from thanks where by_id = $1)
             or exists (select 1 from report_card_round_comments where rater_id = $1)
             or exists (select 1 from report_card_invitations where rater_id = $1)
             or exists (select 1 from report_cards where created_by = $1)
             or exists (select 1 from customer_asks where customer_id = $1 or asked_by = $1)
             or exists (select 1 from stories where featured_by = $1)
             or exists (select 1 from wall_keys where issued_by = $1)",
        )
        .bind(user)
        .fetch_one(db)
        .await
    })
}
