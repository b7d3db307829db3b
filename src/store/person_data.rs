//! An access request (`herobot person-data`): everything held about one person, read as one
//! JSON document by the engine's JSON functions. Only their own ratings are read, never another
//! rater's; times are RFC 3339 in UTC.
use crate::store::Db;

/// The document for `user` (see docs/operating.md, "Access requests"), as JSON text.
pub async fn person_data(db: &Db, user: &str) -> Result<String, sqlx::Error> {
    crate::on!(db, db => {
        let sql = ENGINE.pick(
            SQL.replace("T(", "strftime('%Y-%m-%dT%H:%M:%SZ', "),
            SQL_POSTGRES.to_owned(),
        );
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .fetch_one(db)
        .await
    })
}

/// `T(x)` stands for `x` as an RFC 3339 time (replaced before it runs).
const SQL: &str = "
select json_object(
  'user_id', $1,
  'name', (select name from user_names where user_id = $1),
  'recognitions_given', json((select json_group_array(json(o)) from (
      select json_object('id', n.id, 'created_at', T(n.created_at, 'unixepoch'),
        'heroes', json((select json_group_array(hero_id) from
            (select hero_id from nomination_heroes where nomination_id = n.id order by position))),
        'reason', n.reason, 'category', n.category, 'customer_kind', n.customer_kind,
        'tags', json((select json_group_array(tag) from nomination_tags where nomination_id = n.id))) o
      from nominations n where n.nominator_id = $1 order by n.id))),
  'recognitions_received', json((select json_group_array(json(o)) from (
      select json_object('id', n.id, 'created_at', T(n.created_at, 'unixepoch'),
        'nominator', n.nominator_id,
        'heroes', json((select json_group_array(hero_id) from
            (select hero_id from nomination_heroes where nomination_id = n.id order by position))),
        'reason', n.reason, 'category', n.category, 'customer_kind', n.customer_kind,
        'tags', json((select json_group_array(tag) from nomination_tags where nomination_id = n.id))) o
      from nominations n
      where n.id in (select nomination_id from nomination_heroes where hero_id = $1) order by n.id))),
  'stories_told', json((select json_group_array(json(o)) from (
      select json_object('id', s.id, 'created_at', T(s.created_at, 'unixepoch'),
        'title', s.title, 'customer_title', s.customer_title, 'what_went_wrong', s.what_went_wrong,
        'happened_at', T(s.happened_at, 'unixepoch'), 'fixed_at', T(s.fixed_at, 'unixepoch'),
        'how_fixed', s.how_fixed, 'surprise', s.surprise, 'customer_kind', s.customer_kind,
        'reaction', s.reaction, 'featured', json(iif(s.featured_at is null, 'false', 'true')),
        'heroes', json((select json_group_array(hero_id) from
            (select hero_id from story_heroes where story_id = s.id order by position)))) o
      from stories s where s.author_id = $1 order by s.id))),
  'stories_credited', json((select json_group_array(json(o)) from (
      select json_object('id', s.id, 'created_at', T(s.created_at, 'unixepoch'),
        'author', s.author_id, 'title', s.title, 'customer_title', s.customer_title,
        'what_went_wrong', s.what_went_wrong,
        'happened_at', T(s.happened_at, 'unixepoch'), 'fixed_at', T(s.fixed_at, 'unixepoch'),
        'how_fixed', s.how_fixed, 'surprise', s.surprise, 'customer_kind', s.customer_kind,
        'reaction', s.reaction, 'featured', json(iif(s.featured_at is null, 'false', 'true')),
        'consent', h.consent, 'consent_at', T(h.consent_at, 'unixepoch')) o
      from stories s join story_heroes h on h.story_id = s.id and h.hero_id = $1 order by s.id))),
  'customer_answers_given', json((select json_group_array(json(o)) from (
      select json_object('story_id', story_id, 'answer', answer, 'comment', comment,
        'answered_at', T(answered_at, 'unixepoch')) o
      from customer_answers where customer_id = $1 order by story_id))),
  'asked_as_customer', json((select json_group_array(json(o)) from (
      select json_object('story_id', story_id, 'asked_by', asked_by,
        'asked_at', T(asked_at, 'unixepoch')) o
      from customer_asks where customer_id = $1 order by story_id))),
  'ratings_given', json((select json_group_array(json(o)) from (
      select json_object('card_id', c.id, 'supplier', c.supplier, 'month', r.month,
        'deliverable', d.name, 'rating', a.rating, 'comment', a.comment,
        'answered_at', T(a.answered_at, 'unixepoch')) o
      from report_card_answers a
      join report_card_rounds r on r.id = a.round_id
      join report_cards c on c.id = r.card_id
      join report_card_deliverables d on d.id = a.deliverable_id
      where a.rater_id = $1 order by r.month, c.id, d.position))),
  'report_card_comments_given', json((select json_group_array(json(o)) from (
      select json_object('card_id', c.id, 'supplier', c.supplier, 'month', r.month,
        'about', 'the whole card', 'comment', k.comment,
        'answered_at', T(k.answered_at, 'unixepoch')) o
      from report_card_round_comments k
      join report_card_rounds r on r.id = k.round_id
      join report_cards c on c.id = r.card_id
      where k.rater_id = $1 order by r.month, c.id))),
  'report_card_rounds_asked', json((select json_group_array(json(o)) from (
      select json_object('card_id', c.id, 'supplier', c.supplier, 'month', r.month) o
      from report_card_invitations i
      join report_card_rounds r on r.id = i.round_id
      join report_cards c on c.id = r.card_id
      where i.rater_id = $1 order by r.month, c.id))),
  'action_items', json((select json_group_array(json(o)) from (
      select json_object('id', id, 'card_id', card_id, 'what', what, 'owner', owner_id,
        'added_by', added_by, 'due_on', due_on, 'done_at', T(done_at, 'unixepoch'),
        'done_by', done_by) o
      from report_card_actions where $1 in (owner_id, added_by, done_by) order by id))),
  'thanks_given', json((select json_group_array(json(o)) from (
      select json_object('nomination_id', nomination_id, 'story_id', story_id,
        'created_at', T(created_at, 'unixepoch')) o
      from thanks where by_id = $1 order by id))),
  'app_home', (select json_object('first_opened_at', T(first_opened_at, 'unixepoch'),
        'last_opened_at', T(last_opened_at, 'unixepoch')) from home_views where user_id = $1),
  'audited_actions', json((select json_group_array(json(o)) from (
      select json_object('at', T(at, 'unixepoch'), 'event', event, 'about', json(subject)) o
      from audit where actor = $1 order by id))),
  'account_deactivated_at', (select T(departed_at, 'unixepoch') from departures where user_id = $1)
)";

/// The same document in PostgreSQL's spelling (json_build_object, json_agg, to_char), with
/// every time already written out as RFC 3339 in UTC.
const SQL_POSTGRES: &str = "
select json_build_object(
  'user_id', $1,
  'name', (select name from user_names where user_id = $1),
  'recognitions_given', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('id', n.id, 'created_at', to_char(to_timestamp(n.created_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
        'heroes', (select coalesce(json_agg(hero_id order by position), '[]') from nomination_heroes where nomination_id = n.id),
        'reason', n.reason, 'category', n.category, 'customer_kind', n.customer_kind,
        'tags', (select coalesce(json_agg(tag order by tag), '[]') from nomination_tags where nomination_id = n.id)) o
      from nominations n where n.nominator_id = $1 order by n.id) as items),
  'recognitions_received', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('id', n.id, 'created_at', to_char(to_timestamp(n.created_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
        'nominator', n.nominator_id,
        'heroes', (select coalesce(json_agg(hero_id order by position), '[]') from nomination_heroes where nomination_id = n.id),
        'reason', n.reason, 'category', n.category, 'customer_kind', n.customer_kind,
        'tags', (select coalesce(json_agg(tag order by tag), '[]') from nomination_tags where nomination_id = n.id)) o
      from nominations n
      where n.id in (select nomination_id from nomination_heroes where hero_id = $1) order by n.id) as items),
  'stories_told', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('id', s.id, 'created_at', to_char(to_timestamp(s.created_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
        'title', s.title, 'customer_title', s.customer_title, 'what_went_wrong', s.what_went_wrong,
        'happened_at', to_char(to_timestamp(s.happened_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'fixed_at', to_char(to_timestamp(s.fixed_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
        'how_fixed', s.how_fixed, 'surprise', s.surprise, 'customer_kind', s.customer_kind,
        'reaction', s.reaction, 'featured', s.featured_at is not null,
        'heroes', (select coalesce(json_agg(hero_id order by position), '[]') from story_heroes where story_id = s.id)) o
      from stories s where s.author_id = $1 order by s.id) as items),
  'stories_credited', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('id', s.id, 'created_at', to_char(to_timestamp(s.created_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
        'author', s.author_id, 'title', s.title, 'customer_title', s.customer_title,
        'what_went_wrong', s.what_went_wrong,
        'happened_at', to_char(to_timestamp(s.happened_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'fixed_at', to_char(to_timestamp(s.fixed_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
        'how_fixed', s.how_fixed, 'surprise', s.surprise, 'customer_kind', s.customer_kind,
        'reaction', s.reaction, 'featured', s.featured_at is not null,
        'consent', h.consent, 'consent_at', to_char(to_timestamp(h.consent_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) o
      from stories s join story_heroes h on h.story_id = s.id and h.hero_id = $1 order by s.id) as items),
  'customer_answers_given', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('story_id', story_id, 'answer', answer, 'comment', comment,
        'answered_at', to_char(to_timestamp(answered_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) o
      from customer_answers where customer_id = $1 order by story_id) as items),
  'asked_as_customer', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('story_id', story_id, 'asked_by', asked_by,
        'asked_at', to_char(to_timestamp(asked_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) o
      from customer_asks where customer_id = $1 order by story_id) as items),
  'ratings_given', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('card_id', c.id, 'supplier', c.supplier, 'month', r.month,
        'deliverable', d.name, 'rating', a.rating, 'comment', a.comment,
        'answered_at', to_char(to_timestamp(a.answered_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) o
      from report_card_answers a
      join report_card_rounds r on r.id = a.round_id
      join report_cards c on c.id = r.card_id
      join report_card_deliverables d on d.id = a.deliverable_id
      where a.rater_id = $1 order by r.month, c.id, d.position) as items),
  'report_card_comments_given', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('card_id', c.id, 'supplier', c.supplier, 'month', r.month,
        'about', 'the whole card', 'comment', k.comment,
        'answered_at', to_char(to_timestamp(k.answered_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) o
      from report_card_round_comments k
      join report_card_rounds r on r.id = k.round_id
      join report_cards c on c.id = r.card_id
      where k.rater_id = $1 order by r.month, c.id) as items),
  'report_card_rounds_asked', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('card_id', c.id, 'supplier', c.supplier, 'month', r.month) o
      from report_card_invitations i
      join report_card_rounds r on r.id = i.round_id
      join report_cards c on c.id = r.card_id
      where i.rater_id = $1 order by r.month, c.id) as items),
  'action_items', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('id', id, 'card_id', card_id, 'what', what, 'owner', owner_id,
        'added_by', added_by, 'due_on', due_on, 'done_at', to_char(to_timestamp(done_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
        'done_by', done_by) o
      from report_card_actions where $1 in (owner_id, added_by, done_by) order by id) as items),
  'thanks_given', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('nomination_id', nomination_id, 'story_id', story_id,
        'created_at', to_char(to_timestamp(created_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) o
      from thanks where by_id = $1 order by id) as items),
  'app_home', (select json_build_object('first_opened_at', to_char(to_timestamp(first_opened_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
        'last_opened_at', to_char(to_timestamp(last_opened_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) from home_views where user_id = $1),
  'audited_actions', (select coalesce(json_agg(o), '[]') from (
      select json_build_object('at', to_char(to_timestamp(at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'event', event, 'about', subject::json) o
      from audit where actor = $1 order by id) as items),
  'account_deactivated_at', (select to_char(to_timestamp(departed_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from departures where user_id = $1)
)::text";
