//! The data benchmarks: fills a database with 1,000,000 nominations and 100,000 stories (10,000
//! and 1,000 a week over 100 weeks), then times one week's digest, full-text search, and a
//! Markdown talk pack of 10,000 stories. Texts draw on a vocabulary of 3,000 words, so a word
//! is in about 0.1 % of nominations and 1 % of stories, as words are in real text.
use std::time::Instant;

use clap::Parser;
use herobot::config::{Config, Needs};
use herobot::digest;
use herobot::domain::calendar::IsoWeek;

#[derive(Parser)]
struct Args {
    /// The SQLite file to fill (reused when it already holds the data).
    #[arg(long, default_value = "bench/out/digest.db")]
    db: String,
    /// How many times to compute the week.
    #[arg(long, default_value_t = 9)]
    runs: usize,
}

const WEEKS: i64 = 100;
const NOMINATIONS_PER_WEEK: i64 = 10_000;
const STORIES_PER_WEEK: i64 = 1_000;
const WEEK_SECS: i64 = 7 * 86_400;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(dir) = std::path::Path::new(&args.db).parent() {
        std::fs::create_dir_all(dir)?;
    }
    let url = format!("sqlite://{}", args.db);
    let config = Config::from_lookup(Needs::DatabaseOnly, |k| {
        (k == "DATABASE_URL").then(|| url.clone())
    })?;
    // Opening migrates; the generator fills tables directly through a writable pool of its own.
    let opened = herobot::store::open(&url, herobot::clock::Clock::system()).await?;
    let writes = opened.writes;
    let db = sqlx::SqlitePool::connect_with(herobot::store::options(&url)?).await?;

    // Week 0 starts on the Monday 100 weeks before the current week (UTC).
    let this_week = IsoWeek::of(jiff::Timestamp::now(), &config.timezone);
    let mut first = this_week;
    for _ in 0..WEEKS {
        first = first.previous();
    }
    let (base, _) = first.bounds(&config.timezone);
    let have: i64 = sqlx::query_scalar("select count(*) from nominations")
        .fetch_one(&db)
        .await?;
    if have < WEEKS * NOMINATIONS_PER_WEEK {
        let started = Instant::now();
        generate(&db, base).await?;
        herobot::store::search::rebuild(&writes).await?;
        println!("generated in {:.1} s", started.elapsed().as_secs_f64());
    }
    let counts: (i64, i64) =
        sqlx::query_as("select (select count(*) from nominations), (select count(*) from stories)")
            .fetch_one(&db)
            .await?;
    println!("database: {} nominations, {} stories", counts.0, counts.1);

    let mut week = first;
    for _ in 0..WEEKS / 2 {
        week = week.next();
    }
    let (start, end) = week.bounds(&config.timezone);
    let in_week: (i64, i64) = sqlx::query_as(
        "select (select count(*) from nominations where created_at >= ?1 and created_at < ?2),
                (select count(*) from stories where created_at >= ?1 and created_at < ?2)",
    )
    .bind(start)
    .bind(end)
    .fetch_one(&db)
    .await?;
    let mut times = Vec::with_capacity(args.runs);
    let mut blocks = 0;
    for _ in 0..args.runs {
        let started = Instant::now();
        let (_, message) =
            digest::build(&herobot::store::Db::from(&db), &config, week, None).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        blocks = message["blocks"].as_array().map_or(0, Vec::len);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "week {week}: {} nominations, {} stories; digest computed and rendered in median {median:.1} ms (min {:.1}, max {:.1}) over {} runs; {blocks} blocks",
        in_week.0,
        in_week.1,
        times[0],
        times[times.len() - 1],
        times.len()
    );
    println!(
        "RESULT {{\"week\":\"{week}\",\"nominations\":{},\"stories\":{},\"median_ms\":{median:.1}}}",
        in_week.0, in_week.1
    );

    // Search: many different queries over every story and nomination; best five, as /hero find.
    // Each vocabulary word (w0000…w2999) is in about 0.1 % of nominations and 1 % of stories.
    let word = |n: usize| format!("w{:04}", n % 3000);
    let mut times = Vec::new();
    for round in 0..20 {
        for k in 0..10 {
            let first = word(round * 131 + k * 977);
            let query = if k % 2 == 0 {
                first
            } else {
                format!("{first} {}", word(round * 7 + k * 389))
            };
            let started = Instant::now();
            let hits =
                herobot::store::search::search(&herobot::store::Db::from(&db), &query, 5).await?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(hits);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "search: p50 {:.2} ms, p99 {:.2} ms over {} queries",
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        times.len()
    );

    // The library's list page: its filter menus and one page of 25 (plus one, to know whether
    // there is a next page), for the filters a leader uses.
    let hero = sqlx::query_scalar::<_, String>("select hero_id from story_heroes limit 1")
        .fetch_one(&db)
        .await?;
    let filters = [
        herobot::store::library::Filter::default(),
        herobot::store::library::Filter {
            query: Some(word(42)),
            ..Default::default()
        },
        herobot::store::library::Filter {
            hero: Some(hero),
            shareable: true,
            ..Default::default()
        },
        herobot::store::library::Filter {
            customer_kind: Some(herobot::domain::CustomerKind::Internal),
            featured: true,
            ..Default::default()
        },
    ];
    let mut times = Vec::new();
    for _ in 0..25 {
        for filter in &filters {
            let filter = herobot::store::library::Filter {
                limit: Some(26),
                offset: Some(25),
                ..filter.clone()
            };
            let started = Instant::now();
            let choices = herobot::store::library::choices(&herobot::store::Db::from(&db)).await?;
            let stories =
                herobot::store::library::stories(&herobot::store::Db::from(&db), &filter).await?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box((choices, stories));
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "library page (menus + second page of 25): p50 {:.2} ms, p99 {:.2} ms over {} pages",
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        times.len()
    );

    // A talk pack of 10,000 stories, as `herobot export --format md`.
    let started = Instant::now();
    let filter = herobot::store::library::Filter {
        limit: Some(10_000),
        ..Default::default()
    };
    let stories = herobot::store::library::stories(&herobot::store::Db::from(&db), &filter).await?;
    let names = herobot::library::names::resolve(
        &herobot::store::Db::from(&db),
        &writes,
        None,
        &herobot::library::people_named_in(&stories),
        &herobot::clock::Clock::system(),
    )
    .await?;
    let pack = herobot::library::export::render(
        herobot::library::export::Format::Markdown,
        &stories,
        &names,
        &config.timezone,
    );
    println!(
        "talk pack: {} stories, {:.1} MB of Markdown in {:.0} ms",
        stories.len(),
        pack.len() as f64 / 1e6,
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Fills the tables with set-based inserts: a few seconds rather than a million round trips.
async fn generate(db: &sqlx::SqlitePool, base: i64) -> anyhow::Result<()> {
    let nominations = WEEKS * NOMINATIONS_PER_WEEK;
    let stories = WEEKS * STORIES_PER_WEEK;
    let mut tx = db.begin().await?;
    sqlx::query(
        "with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ?1 - 1)
         insert into nominations (id, team_id, nominator_id, category, customer_kind, reason, channel_id, source, created_at)
         select i + 1, 'T0BENCH', 'U0N' || (i % 3000),
                case i % 4 when 0 then 'recovery' when 1 then 'external' when 2 then 'internal' else null end,
                case i % 4 when 1 then 'external' when 2 then 'internal' else null end,
                'for helping with ' || 'w' || printf('%04d', ((i) * 7919 + 11) % 3000) || ' and ' || 'w' || printf('%04d', ((i) * 104729 + 23) % 3000) || ' so the customer got ' || 'w' || printf('%04d', ((i) * 1299709 + 37) % 3000) || ' back',
                'C0GENERAL', 'command', ?2 + (i * ?3) / ?4
         from seq",
    )
    .bind(nominations)
    .bind(base)
    .bind(WEEK_SECS)
    .bind(NOMINATIONS_PER_WEEK)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into nomination_heroes (nomination_id, hero_id, position)
         select id, 'U0H' || (id % 5000), 0 from nominations
         union all
         select id, 'U0H' || ((id * 7 + 1) % 5000), 1 from nominations where id % 2 = 0",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ?1 - 1)
         insert into stories (id, team_id, author_id, title, what_went_wrong, happened_at, fixed_at, how_fixed, surprise,
                              customer_kind, reaction, featured_at, featured_by, created_at)
         select i + 1, 'T0BENCH', 'U0N' || (i % 3000),
                'w' || printf('%04d', ((i) * 15485863 + 5) % 3000) || ' ' || 'w' || printf('%04d', ((i) * 32452843 + 41) % 3000) || ' ' || 'w' || printf('%04d', ((i) * 49979687 + 3) % 3000),
                'The ' || 'w' || printf('%04d', ((i) * 86028121 + 17) % 3000) || ' went wrong for ' || 'w' || printf('%04d', ((i) * 122949829 + 29) % 3000) || ' customers.',
                ?2 + (i * ?3) / ?4 - 7200 - (i % 48) * 3600, ?2 + (i * ?3) / ?4 - 3600,
                'Fixed the ' || 'w' || printf('%04d', ((i) * 141650963 + 7) % 3000) || ' and called each ' || 'w' || printf('%04d', ((i) * 160481219 + 13) % 3000) || ' customer.',
                case when i % 3 = 0 then null else 'A ' || 'w' || printf('%04d', ((i) * 179424691 + 19) % 3000) || ' and a month free.' end,
                case i % 2 when 0 then 'external' else 'internal' end,
                case i % 3 when 0 then 'blown_away' when 1 then 'satisfied' else 'unknown' end,
                case when i % 997 = 0 then ?2 + (i * ?3) / ?4 else null end,
                case when i % 997 = 0 then 'U0LEADER' else null end,
                ?2 + (i * ?3) / ?4
         from seq",
    )
    .bind(stories)
    .bind(base)
    .bind(WEEK_SECS)
    .bind(STORIES_PER_WEEK)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into story_heroes (story_id, hero_id, position, consent)
         select id, 'U0H' || (id % 5000), 0, case id % 3 when 0 then 'granted' when 1 then 'pending' else 'declined' end from stories
         union all
         select id, 'U0H' || ((id * 13 + 3) % 5000), 1, 'granted' from stories where id % 2 = 1",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
