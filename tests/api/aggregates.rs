//! Counting and ranking in SQL: the plans seek indexes (never scan a table), and the answers
//! equal the in-memory reference the digest was first written as.
use crate::sql;
use herobot::clock::Clock;
use herobot::digest::oracle::{
    NominationFact, rank_heroes, scorecard_of, shareable_story_of_the_week, story_of_the_week,
};
use herobot::domain::Story;
use herobot::domain::scorecard::HeroLine;
use herobot::store::Db;
use herobot::store::digests::Among;
use herobot::store::{self, Writes, digests, search};
use sqlx::SqlitePool;

/// A migrated database, a writable pool of the test's own (it fills tables directly) and the
/// app's write handle (which the indexer writes through).
async fn database() -> (tempfile::TempDir, Db, Writes) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/herobot.db", dir.path().display());
    let opened = store::open(&url, Clock::system()).await.unwrap();
    let db = SqlitePool::connect_with(store::options(&url).unwrap())
        .await
        .unwrap();
    (dir, Db::Sqlite(db), opened.writes)
}

/// As [`database`], but on PostgreSQL when the suite runs there: for the counting and ranking
/// that must give the same figures on both engines (the plans above are SQLite's own).
async fn database_of_the_suite() -> (tempfile::TempDir, Db, Writes) {
    if !crate::helpers::on_postgres() {
        return database().await;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_postgres_database().await;
    let opened = store::open(&url, Clock::system()).await.unwrap();
    let db = sqlx_postgres::PgPool::connect(&url).await.unwrap();
    (dir, Db::Postgres(db), opened.writes)
}

/// The plan of `sql` (each step's detail), with every parameter bound to `value`.
async fn plan(db: &Db, sql: &str, params: usize, value: &str) -> Vec<String> {
    let explain = format!("explain query plan {sql}");
    let mut query = sql::query_as::<(i64, i64, i64, String)>(explain);
    for _ in 0..params {
        query = query.bind(value);
    }
    query
        .fetch_all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, _, _, detail)| detail)
        .collect()
}

/// No step reads a whole stored table; every table is reached through `indexes`.
fn seeks_only(name: &str, plan: &[String], indexes: &[&str]) {
    let tables = [
        "nominations",
        "stories",
        "nomination_heroes",
        "story_heroes",
        "nomination_tags",
        "story_tags",
        "hero_days",
        "hero_blocks",
        "n",
        "s",
        "h",
        "t",
    ];
    for step in plan {
        if let Some(scanned) = step.strip_prefix("SCAN ") {
            let scanned = scanned.split_whitespace().next().unwrap_or_default();
            assert!(
                !tables.contains(&scanned),
                "{name} scans a table: {step}\n{plan:#?}"
            );
        }
    }
    for index in indexes {
        assert!(
            plan.iter().any(|step| step.contains(index)),
            "{name} does not use {index}:\n{plan:#?}"
        );
    }
}

#[tokio::test]
async fn top_and_the_digest_rank_by_the_rollup_and_the_created_at_indexes() {
    let (_dir, db, _writes) = database().await;
    let ranking = plan(&db, digests::RANKING, 11, "1").await;
    seeks_only(
        "RANKING",
        &ranking,
        &[
            "hero_blocks USING PRIMARY KEY (block>? AND block<?)",
            "hero_days USING PRIMARY KEY (day>? AND day<?)",
            "PRIMARY KEY (nomination_id>?)",
            "PRIMARY KEY (story_id>?)",
            "INDEX nominations_created_at (created_at>? AND created_at<?)",
            "INDEX stories_created_at (created_at>? AND created_at<?)",
            "PRIMARY KEY (nomination_id=?)",
            "PRIMARY KEY (story_id=?)",
            "INDEX nominations_created_at (created_at=?)",
        ],
    );
    let scorecard = plan(&db, digests::SCORECARD, 3, "1").await;
    seeks_only(
        "SCORECARD",
        &scorecard,
        &["stories_created_at (created_at>? AND created_at<?)"],
    );
    let story = plan(&db, digests::STORY_OF_THE_WEEK, 4, "1").await;
    seeks_only(
        "STORY_OF_THE_WEEK",
        &story,
        &["stories_created_at (created_at>? AND created_at<?)"],
    );
}

#[tokio::test]
async fn a_profile_seeks_the_person_in_each_index() {
    let (_dir, db, _writes) = database().await;
    let counts = plan(&db, search::PROFILE, 1, "U0BOB").await;
    seeks_only(
        "PROFILE",
        &counts,
        &[
            "INDEX nomination_heroes_hero (hero_id=?)",
            "INDEX nominations_nominator (nominator_id=?)",
            "INDEX story_heroes_hero (hero_id=?)",
        ],
    );
    let tags = plan(&db, search::PROFILE_TAGS, 1, "U0BOB").await;
    seeks_only(
        "PROFILE_TAGS",
        &tags,
        &["INDEX nomination_heroes_hero (hero_id=?)"],
    );
    let recent = plan(&db, search::PROFILE_RECENT, 1, "U0BOB").await;
    seeks_only(
        "PROFILE_RECENT",
        &recent,
        &["INDEX nomination_heroes_hero (hero_id=?)"],
    );
}

/// A small deterministic generator, so the data is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Nominations and stories among a dozen heroes, most over 20 days and a quarter over 92, with
/// many ties in time and in count; some stories featured, some tagged, some with a permalink.
async fn fill(db: &Db) {
    let mut rng = Lcg(12);
    let hero = |i: u64| format!("U0HERO{i:02}");
    for _ in 0..600 {
        let days = if rng.below(4) == 0 { 92 } else { 20 };
        let at = 1_000_000 + rng.below(days) * 86_400 + rng.below(3);
        let id: i64 = sql::query_scalar(
            "insert into nominations (team_id, nominator_id, reason, source, created_at)
             values ('T0TEAM', 'U0NOMINATOR', $1, 'command', $2) returning id",
        )
        .bind(format!("reason {}", rng.below(1000)))
        .bind(at as i64)
        .fetch_one(db)
        .await
        .unwrap();
        let first = rng.below(12);
        for (position, h) in [first, (first + 1 + rng.below(11)) % 12]
            .iter()
            .take(1 + rng.below(2) as usize)
            .enumerate()
        {
            sql::query("insert into nomination_heroes (nomination_id, hero_id, position) values ($1, $2, $3)")
                .bind(id)
                .bind(hero(*h))
                .bind(position as i64)
                .execute(db)
                .await
                .unwrap();
        }
    }
    for i in 0..120 {
        let days = if rng.below(4) == 0 { 92 } else { 20 };
        let at = 1_000_000 + rng.below(days) * 86_400 + rng.below(3);
        let happened = at as i64 - 100_000;
        let id: i64 = sql::query_scalar(
            "insert into stories (team_id, author_id, title, what_went_wrong, happened_at, fixed_at, how_fixed, surprise,
                                  customer_kind, reaction, message_permalink, featured_at, created_at)
             values ('T0TEAM', 'U0AUTHOR', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id",
        )
        .bind(format!("Story {i}"))
        .bind("é".repeat(rng.below(400) as usize))
        .bind(happened)
        .bind(happened + rng.below(48) as i64 * 3600)
        .bind("x".repeat(rng.below(400) as usize))
        .bind((rng.below(2) == 0).then_some("a card"))
        .bind(["internal", "external"][rng.below(2) as usize])
        .bind(["blown_away", "satisfied", "unknown"][rng.below(3) as usize])
        .bind((rng.below(3) == 0).then_some("https://example.slack.com/archives/C1/p1"))
        .bind((rng.below(15) == 0).then_some(at as i64 + rng.below(2) as i64))
        .bind(at as i64)
        .fetch_one(db)
        .await
        .unwrap();
        // Two in three stories may be told outside; the rest wait for or lack their hero's
        // consent.
        sql::query("insert into story_heroes (story_id, hero_id, position, consent) values ($1, $2, 0, $3)")
            .bind(id)
            .bind(hero(8 + rng.below(8)))
            .bind(["granted", "pending", "granted", "declined"][id as usize % 4])
            .execute(db)
            .await
            .unwrap();
        if rng.below(2) == 0 {
            sql::query("insert into story_tags (story_id, tag) values ($1, 'billing')")
                .bind(id)
                .execute(db)
                .await
                .unwrap();
        }
    }
}

/// What the digest read into memory before: every nomination and story of the period.
async fn in_memory(db: &Db, start: i64, end: i64) -> (Vec<NominationFact>, Vec<Story>) {
    let heroes = db.backend().pick(
        "(select json_group_array(hero_id) from nomination_heroes where nomination_id = n.id)",
        "(select coalesce(json_agg(hero_id order by position), '[]')::text
          from nomination_heroes where nomination_id = n.id)",
    );
    let rows: Vec<(String, i64, String)> = sql::query_as(format!(
        "select n.reason, n.created_at, {heroes}
         from nominations n where n.created_at >= $1 and n.created_at < $2 order by n.id",
    ))
    .bind(start)
    .bind(end)
    .fetch_all(db)
    .await
    .unwrap();
    let nominations = rows
        .into_iter()
        .map(|(reason, created_at, heroes)| NominationFact {
            heroes: serde_json::from_str(&heroes).unwrap(),
            reason,
            created_at,
        })
        .collect();

    let stories = store::stories::query_where(
        db,
        "s.created_at >= $1 and s.created_at < $2",
        &[start, end],
    )
    .await
    .unwrap();
    (nominations, stories)
}

/// `/hero top` as it was counted before the heroes' days: every credit of the period read
/// directly, by the `created_at` indexes.
const DIRECT_RANKING: &str = "with credits as materialized (
        select credit.hero_id as hero, count(*) as recognitions,
               max(nominated_at) as nominated_at, max(told_at) as told_at
        from (select h.hero_id, n.created_at as nominated_at, null as told_at
              from nominations n join nomination_heroes h on h.nomination_id = n.id
              where n.created_at >= $1 and n.created_at < $2
              union all
              select h.hero_id, null, s.created_at
              from stories s join story_heroes h on h.story_id = s.id
              where s.created_at >= $1 and s.created_at < $2) credit
        group by credit.hero_id
        order by count(*) desc, coalesce(max(nominated_at), max(told_at)) desc, credit.hero_id
        limit $3)
    select c.hero, c.recognitions,
           coalesce(
               (select n.reason from nominations n join nomination_heroes h on h.nomination_id = n.id
                where n.created_at = c.nominated_at and h.hero_id = c.hero
                order by n.id desc limit 1),
               (select s.title from stories s join story_heroes h on h.story_id = s.id
                where s.created_at = c.told_at and h.hero_id = c.hero
                order by s.id desc limit 1),
               '') as reason
    from credits c
    order by c.recognitions desc, coalesce(c.nominated_at, c.told_at) desc, c.hero";

async fn direct_ranking(db: &Db, start: i64, end: i64) -> Vec<HeroLine> {
    let rows: Vec<(String, i64, String)> = sql::query_as(DIRECT_RANKING)
        .bind(start)
        .bind(end)
        .bind(10_000)
        .fetch_all(db)
        .await
        .unwrap();
    rows.into_iter()
        .map(|(hero, recognitions, reason)| HeroLine {
            hero,
            recognitions: recognitions as usize,
            reason,
        })
        .collect()
}

const DAY: i64 = 86_400;

/// Periods over the data (days 11 to 103 after 1970): everything, a week, part-days on both
/// sides, no whole day, whole blocks of 32 days with days and part-days either side, exactly
/// one block, and nothing at all.
const PERIODS: [(i64, i64); 7] = [
    (0, i64::MAX),
    (1_000_000, 1_000_000 + 7 * DAY),
    (1_000_000 + 3 * DAY + 1, 1_000_000 + 4 * DAY + 2),
    (1_000_000 + 3 * DAY + 1, 1_000_000 + 3 * DAY + 2),
    (1_000_000 + 5 * DAY + 77, 1_000_000 + 70 * DAY + 5),
    (32 * DAY, 64 * DAY),
    (5, 6),
];

#[tokio::test]
async fn counting_in_sql_gives_what_counting_in_memory_gave() {
    let (_dir, db, _writes) = database_of_the_suite().await;
    fill(&db).await;
    for (start, end) in PERIODS {
        let (nominations, stories) = in_memory(&db, start, end).await;
        let reference = rank_heroes(&nominations, &stories);
        assert!(end - start < DAY || reference.len() >= 12, "{start}..{end}");
        let ranked = digests::ranking(&db, start, end, 1000).await.unwrap();
        assert_eq!(ranked, reference, "{start}..{end}");
        let top = digests::ranking(&db, start, end, 10).await.unwrap();
        assert_eq!(top[..], reference[..reference.len().min(10)]);
        let counts = digests::counts(&db, start, end).await.unwrap();
        assert_eq!(
            (counts.nominations, counts.heroes, counts.stories),
            (nominations.len(), reference.len(), stories.len())
        );
        assert_eq!(
            digests::scorecard(&db, start, end).await.unwrap(),
            scorecard_of(&stories, 0, 0)
        );
        for (among, reference) in [
            (Among::Every, story_of_the_week(&stories)),
            (Among::Shareable, shareable_story_of_the_week(&stories)),
        ] {
            assert_eq!(
                digests::story_of_the_week(&db, start, end, among)
                    .await
                    .unwrap()
                    .map(|s| s.id),
                reference.map(|s| s.id),
                "{among:?} {start}..{end}"
            );
        }
        if end - start > DAY {
            assert_ne!(
                story_of_the_week(&stories).map(|s| s.id),
                shareable_story_of_the_week(&stories).map(|s| s.id),
                "the data tells the two apart over {start}..{end}"
            );
        }
    }
}

/// The ranking from the heroes' days equals the direct count over every period, whether the
/// indexer has reached none of the rows, some, all, or the rollup was rebuilt (`herobot
/// reindex`); and rows stored after it ran are counted directly until it reaches them.
#[tokio::test]
async fn ranking_from_the_heroes_days_gives_what_counting_every_row_gave() {
    let (_dir, db, writes) = database_of_the_suite().await;
    fill(&db).await;
    let check = |stage: &'static str| {
        let db = db.clone();
        async move {
            for (start, end) in PERIODS {
                let direct = direct_ranking(&db, start, end).await;
                assert!(
                    end - start < DAY || direct.len() >= 12,
                    "{stage} {start}..{end}"
                );
                let ranked = digests::ranking(&db, start, end, 10_000).await.unwrap();
                assert_eq!(ranked, direct, "{stage}: {start}..{end}");
                let top = digests::ranking(&db, start, end, 10).await.unwrap();
                assert_eq!(
                    top[..],
                    direct[..direct.len().min(10)],
                    "{stage}: {start}..{end}"
                );
            }
        }
    };
    let rolled_up = || async {
        sql::query_scalar::<i64>(
            "select cast(coalesce(sum(recognitions), 0) as bigint) from hero_days",
        )
        .fetch_one(&db)
        .await
        .unwrap()
    };
    check("nothing indexed").await;
    assert_eq!(rolled_up().await, 0);
    search::index_pending(&db, &writes, 250).await.unwrap();
    let some = rolled_up().await;
    assert!(some > 0);
    check("some indexed").await;
    search::catch_up_all(&db, &writes).await.unwrap();
    let all = rolled_up().await;
    assert!(all > some);
    check("all indexed").await;
    let blocks: i64 =
        sql::query_scalar("select cast(sum(recognitions) as bigint) from hero_blocks")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(blocks, all);
    // More rows, told and nominated on days the rollup holds already: counted directly.
    fill(&db).await;
    check("stored after indexing").await;
    sql::query("delete from hero_days")
        .execute(&db)
        .await
        .unwrap();
    sql::query("delete from hero_blocks")
        .execute(&db)
        .await
        .unwrap();
    search::rebuild(&writes).await.unwrap();
    assert_eq!(rolled_up().await, 2 * all);
    check("rebuilt").await;
}

/// The scorecard page, the wallboard and App Home count each week in SQL: the same cards (and
/// stories of the week) as scoring every story of the weeks in memory, in UTC and five hours
/// behind it, and the same four-week total.
#[tokio::test]
async fn weekly_scorecards_in_sql_give_what_scoring_in_memory_gave() {
    use herobot::digest::oracle::score;
    use herobot::domain::calendar::IsoWeek;
    use herobot::domain::scorecard::{together, weeks_to};

    let (_dir, db, _writes) = database_of_the_suite().await;
    fill(&db).await;
    sql::query("insert into customer_answers (story_id, answer, answered_at) select id, 'blown_away', created_at from stories where id % 5 = 0")
        .execute(&db)
        .await
        .unwrap();
    let last = IsoWeek::parse("1970-W16").unwrap();
    for tz in [
        jiff::tz::TimeZone::UTC,
        jiff::tz::TimeZone::fixed(jiff::tz::offset(-5)),
    ] {
        let weeks = weeks_to(last, 16);
        let (start, end) = (weeks[0].bounds(&tz).0, last.bounds(&tz).1);
        let (_, stories) = in_memory(&db, start, end).await;
        let reference = score(&weeks, &tz, stories.clone(), 90, 80);
        let counted = digests::weekly(&db, &tz, (90, 80, 0), last, 16)
            .await
            .unwrap();
        assert_eq!(counted.len(), 16);
        assert!(reference.iter().filter(|w| w.card.stories > 0).count() >= 12);
        for (c, r) in counted.iter().zip(&reference) {
            assert_eq!((c.week, c.card), (r.week, r.card), "{tz:?}");
            assert_eq!(
                c.story.as_ref().map(|s| s.id),
                r.story.as_ref().map(|s| s.id),
                "{}",
                c.week
            );
        }
        // The last weeks hold few stories, some not shareable: the busy weeks choose too.
        let busy = IsoWeek::parse("1970-W04").unwrap();
        let busy_weeks = weeks_to(busy, 2);
        let (_, told) = in_memory(&db, busy_weeks[0].bounds(&tz).0, busy.bounds(&tz).1).await;
        let chosen_in_memory = score(&busy_weeks, &tz, told, 90, 80);
        let chosen_in_sql = digests::weekly(&db, &tz, (90, 80, 0), busy, 2)
            .await
            .unwrap();
        for (c, r) in chosen_in_sql.iter().zip(&chosen_in_memory) {
            let chosen = c.story.as_ref().expect("a shareable story of the week");
            assert!(chosen.shareable());
            assert_eq!(Some(chosen.id), r.story.as_ref().map(|s| s.id));
        }
        let recent: Vec<Story> = stories
            .into_iter()
            .filter(|s| s.created_at >= weeks[12].bounds(&tz).0)
            .collect();
        assert_eq!(
            together(&counted[12..], 90, 80),
            scorecard_of(&recent, 90, 80)
        );
    }
}

async fn count(db: &Db, sql: &str) -> i64 {
    sql::query_scalar(sql.to_owned())
        .fetch_one(db)
        .await
        .unwrap()
}

/// Retention deletes the oldest nominations and stories a batch at a time, with their heroes,
/// tags, customer answers and messages, also when the indexer had reached only some of them;
/// the ranking from the heroes' days still equals the direct count over every period, and the
/// search index holds exactly the rows that are left.
#[tokio::test]
async fn after_retention_the_heroes_days_and_search_hold_exactly_the_rows_left() {
    use herobot::jobs::retention::expire;

    let (_dir, db, writes) = database().await;
    fill(&db).await;
    search::catch_up_all(&db, &writes).await.unwrap();
    // More rows on the same days; the indexer reaches only some of them.
    fill(&db).await;
    search::index_pending(&db, &writes, 100).await.unwrap();
    for sql in [
        "insert into customer_answers (story_id, answer, answered_at)
         select id, 'blown_away', created_at + 60 from stories where id % 3 = 0",
        "insert into outbox (method, lane, payload, render, subject_id, status, next_attempt_at_ms, created_at)
         select 'chat.postMessage', 'C0HEROES', '{}', 'celebration', id, 'sent', 0, created_at from nominations",
        "insert into outbox (method, lane, payload, render, recipient, subject_id, status, next_attempt_at_ms, created_at)
         select 'chat.postMessage', 'D', '{}', 'consent_dm', 'U0HERO08', id, 'sent', 0, created_at from stories",
        "insert into outbox (method, lane, payload, status, next_attempt_at_ms, created_at)
         values ('chat.postMessage', 'C0DIGEST', '{\"text\":\"the digest\"}', 'sent', 0, 1)",
    ] {
        sql::query(sql)
            .execute(&db)
            .await
            .unwrap();
    }
    // Within a day (rows are stored at 0, 1 or 2 seconds past the hour) and within a block.
    let cutoff = 1_000_000 + 10 * DAY + 1;
    let old = |table: &str| format!("select count(*) from {table} where created_at < {cutoff}");
    let (nominations, stories) = (
        count(&db, &old("nominations")).await,
        count(&db, &old("stories")).await,
    );
    let answers = count(
        &db,
        &format!(
            "select count(*) from customer_answers where story_id in
               (select id from stories where created_at < {cutoff})"
        ),
    )
    .await;
    assert!(nominations > 100 && stories > 10 && answers > 0);
    let messages = count(&db, "select count(*) from outbox").await;

    let removed = expire(&writes, cutoff, 37, None).await.unwrap();

    assert_eq!(removed.nominations, nominations as u64);
    assert_eq!(removed.stories, stories as u64);
    assert_eq!(removed.customer_answers, answers as u64);
    assert_eq!(removed.outbox_messages, (nominations + stories) as u64);
    assert_eq!(
        count(&db, "select count(*) from outbox").await,
        messages - nominations - stories,
        "the digest's post and the messages about what is left stay"
    );
    assert_eq!(count(&db, &old("nominations")).await, 0);
    assert_eq!(count(&db, &old("stories")).await, 0);
    for orphans in [
        "select count(*) from nomination_heroes where nomination_id not in (select id from nominations)",
        "select count(*) from story_heroes where story_id not in (select id from stories)",
        "select count(*) from story_tags where story_id not in (select id from stories)",
        "select count(*) from customer_answers where story_id not in (select id from stories)",
    ] {
        assert_eq!(count(&db, orphans).await, 0, "{orphans}");
    }
    let check = |stage: &'static str| {
        let db = db.clone();
        async move {
            for (start, end) in PERIODS {
                let direct = direct_ranking(&db, start, end).await;
                let ranked = digests::ranking(&db, start, end, 10_000).await.unwrap();
                assert_eq!(ranked, direct, "{stage}: {start}..{end}");
            }
        }
    };
    check("after retention").await;
    search::catch_up_all(&db, &writes).await.unwrap();
    check("after the indexer caught up").await;
    let credits =
        "select (select count(*) from nomination_heroes) + (select count(*) from story_heroes)";
    let credits = count(&db, credits).await;
    assert_eq!(
        count(&db, "select sum(recognitions) from hero_days").await,
        credits
    );
    assert_eq!(
        count(&db, "select sum(recognitions) from hero_blocks").await,
        credits
    );
    // Every reason holds the word "reason", every title "story": the index finds what is left.
    assert_eq!(
        count(
            &db,
            "select count(*) from nominations_fts where nominations_fts match 'reason'"
        )
        .await,
        count(&db, "select count(*) from nominations").await
    );
    assert_eq!(
        count(
            &db,
            "select count(*) from stories_fts where stories_fts match 'story'"
        )
        .await,
        count(&db, "select count(*) from stories").await
    );
    for table in ["nominations_fts", "stories_fts"] {
        sql::query(format!(
            "insert into {table} ({table}, rank) values ('integrity-check', 1)"
        ))
        .execute(&db)
        .await
        .unwrap();
    }
    // Nothing more is older than the cutoff: a second run deletes nothing.
    let again = expire(&writes, cutoff, 37, None).await.unwrap();
    assert_eq!(again.total(), 0);
}
