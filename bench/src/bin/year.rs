//! A year of a large company's data: fills a database once with 500,000 nominations and 50,000
//! stories over the last 365 days among 5,000 heroes, then measures one thing per run (so each
//! run's peak RSS is its own): `/hero top year` counted in SQL or, as before, in memory (alone,
//! or 8 at once while a probe writes as an acknowledgement does), `/hero profile`, `/hero find`,
//! the library's list and story pages, and the exports of 50,000 stories streamed or, as
//! before, built whole.
use std::time::{Duration, Instant};

use clap::Parser;
use herobot::clock::Clock;
use herobot::digest::oracle::{NominationFact, rank_heroes};
use herobot::library::export::Format;
use herobot::store::Db;
use herobot::store::{self, digests, library, search};
use sqlx::SqlitePool;

#[derive(Parser)]
struct Args {
    /// The SQLite file (filled on the first run).
    #[arg(long, default_value = "bench/out/year.db")]
    db: String,
    /// Measure on this database instead (e.g. the year copied to PostgreSQL by `herobot
    /// copy-to`: `--url postgres://…`); `fill` and `ready` always use `--db`.
    #[arg(long)]
    url: Option<String>,
    /// What to measure: fill, top, top-before, top8, top8-before, profile, find, library,
    /// export-{json,csv,md}, export-before-{json,csv,md}, ready.
    measure: String,
    /// The herobot binary `ready` starts.
    #[arg(long, default_value = "target/release/herobot")]
    herobot: String,
}

const DAYS: i64 = 365;
const NOMINATIONS: i64 = 500_000;
const STORIES: i64 = 50_000;
const HEROES: i64 = 5_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let url = format!("sqlite://{}", args.db);
    let now = jiff::Timestamp::now().as_second();
    if args.measure == "fill" {
        if let Some(dir) = std::path::Path::new(&args.db).parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Opening migrates; the generator fills tables through a writable pool of its own.
        let opened = store::open(&url, herobot::clock::Clock::system()).await?;
        let db = sqlx::SqlitePool::connect_with(store::options(&url)?).await?;
        let started = Instant::now();
        generate(&db, now - DAYS * 86_400).await?;
        store::search::rebuild(&opened.writes).await?;
        println!("filled in {:.1} s", started.elapsed().as_secs_f64());
        return Ok(());
    }
    if args.measure == "ready" {
        return ready(&args.db, &args.herobot);
    }
    let url = args.url.clone().unwrap_or(url);
    // A database filled by an older build gains the newer tables first (opening migrates), and
    // the indexer fills the heroes' days as the service's does after a start.
    let opened = store::open(&url, herobot::clock::Clock::system()).await?;
    let db = opened.db.clone();
    let caught_up = Instant::now();
    if store::search::catch_up_all(&db, &opened.writes).await? > 0 {
        println!(
            "indexed and rolled up what was pending in {:.1} s",
            caught_up.elapsed().as_secs_f64()
        );
    }
    let reads = store::connect_reads(&url).await?;
    let (start, end) = (now - DAYS * 86_400, now + 1);
    let tz = jiff::tz::TimeZone::UTC;
    match args.measure.as_str() {
        "top" | "top-before" => {
            let before = args.measure == "top-before";
            let mut times = Vec::new();
            for _ in 0..5 {
                let started = Instant::now();
                let top = if before {
                    top_in_memory(&db, start, end).await?
                } else {
                    digests::ranking(&reads, start, end, 10).await?.len()
                };
                times.push(ms(started));
                std::hint::black_box(top);
            }
            report(&args.measure, &mut times);
        }
        "top8" | "top8-before" => {
            let before = args.measure == "top8-before";
            // A probe writes through the shared pool every 20 ms, as acknowledging an event does.
            let probe_db = db.clone();
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let probe_stop = stop.clone();
            let probe = tokio::spawn(async move {
                let mut waits = Vec::new();
                let mut n = 0;
                while !probe_stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let started = Instant::now();
                    n += 1;
                    let key = format!("bench:probe:{}:{n}", std::process::id());
                    herobot::on!(&probe_db, db => sqlx::query("insert into slack_requests (key, created_at) values ($1, 0) on conflict do nothing")
                        .bind(key)
                        .execute(db)
                        .await
                        .map(|_| ()))
                    .ok();
                    waits.push(ms(started));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                waits
            });
            let started = Instant::now();
            let mut tasks = Vec::new();
            for _ in 0..8 {
                let (db, reads) = (db.clone(), reads.clone());
                tasks.push(tokio::spawn(async move {
                    let started = Instant::now();
                    let result = if before {
                        top_in_memory(&db, start, end).await
                    } else {
                        digests::ranking(&reads, start, end, 10)
                            .await
                            .map(|r| r.len())
                            .map_err(Into::into)
                    };
                    (ms(started), result.is_ok())
                }));
            }
            let mut times = Vec::new();
            for task in tasks {
                let (t, ok) = task.await?;
                assert!(ok, "a top failed");
                times.push(t);
            }
            let all = ms(started);
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            let mut waits = probe.await?;
            report(&args.measure, &mut times);
            waits.sort_by(f64::total_cmp);
            println!(
                "{}: all 8 in {all:.0} ms; a write meanwhile: p50 {:.1} ms, max {:.1} ms over {}",
                args.measure,
                waits[waits.len() / 2],
                waits[waits.len() - 1],
                waits.len()
            );
        }
        "profile" => {
            let mut times = Vec::new();
            for i in 0..300 {
                let hero = format!("U0H{}", (i * 7919) % HEROES);
                let started = Instant::now();
                std::hint::black_box(search::profile(&reads, &hero).await?);
                times.push(ms(started));
            }
            report("profile", &mut times);
        }
        "find" => {
            let word = |n: usize| format!("w{:04}", n % 3000);
            let mut times = Vec::new();
            for i in 0..300 {
                let query = if i % 2 == 0 {
                    word(i * 131)
                } else {
                    format!("{} {}", word(i * 977), word(i * 389))
                };
                let started = Instant::now();
                std::hint::black_box(search::search(&reads, &query, 5).await?);
                times.push(ms(started));
            }
            report("find", &mut times);
        }
        "library" => {
            let mut times = Vec::new();
            for page in 0..100 {
                let filter = library::Filter {
                    limit: Some(26),
                    offset: Some(page * 25),
                    ..Default::default()
                };
                let started = Instant::now();
                let choices = library::choices(&db).await?;
                let stories = library::stories(&db, &filter).await?;
                times.push(ms(started));
                std::hint::black_box((choices, stories));
            }
            report("library list page", &mut times);
            let mut times = Vec::new();
            for i in 0..300 {
                let started = Instant::now();
                std::hint::black_box(store::stories::get(&db, 1 + (i * 7919) % STORIES).await?);
                times.push(ms(started));
            }
            report("library story page", &mut times);
        }
        export if export.starts_with("export-") => {
            let before = export.starts_with("export-before-");
            let format = Format::parse(export.rsplit('-').next().unwrap_or_default())
                .ok_or_else(|| anyhow::anyhow!("{export}: not a format"))?;
            let filter = library::Filter::default();
            let started = Instant::now();
            let (bytes, first, stories) = if before {
                let stories = library::stories(&db, &filter).await?;
                let names = herobot::library::names::resolve(
                    &db,
                    &opened.writes,
                    None,
                    &herobot::library::people_named_in(&stories),
                    &Clock::system(),
                )
                .await?;
                let text = herobot::library::export::render(format, &stories, &names, &tz);
                (text.len(), ms(started), stories.len())
            } else {
                let source = herobot::library::download::ExportSource {
                    reads: reads.clone(),
                    db: db.clone(),
                    writes: opened.writes.clone(),
                    slack: None,
                    clock: Clock::system(),
                    timezone: tz.clone(),
                    names_budget: Duration::from_secs(3),
                    roster: Default::default(),
                    by: herobot::domain::audit::Actor::Cli,
                };
                // Every story, as the whole-render above writes it.
                let (mut chunks, written) = herobot::library::download::spawn(
                    source,
                    format,
                    filter,
                    herobot::library::export::KeptInside::Included,
                );
                let mut bytes = 0;
                let mut first = None;
                while let Some(chunk) = chunks.recv().await {
                    first.get_or_insert_with(|| ms(started));
                    bytes += chunk?.len();
                }
                (bytes, first.unwrap_or_default(), written.await??)
            };
            println!(
                "{export}: {stories} stories, {:.1} MB; first byte {first:.0} ms, all in {:.0} ms; peak RSS {} MB",
                bytes as f64 / 1e6,
                ms(started),
                peak_rss_mb()
            );
        }
        other => anyhow::bail!("nothing to measure called {other}"),
    }
    Ok(())
}

/// `/hero top year` as it was: every nomination and story of the year read into memory, then
/// ranked (`store::digests::period` and `rank_heroes` before the ranking moved into SQL).
async fn top_in_memory(db: &Db, start: i64, end: i64) -> anyhow::Result<usize> {
    let pool = db
        .as_sqlite()
        .ok_or_else(|| anyhow::anyhow!("the in-memory ranking is measured on SQLite"))?;
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "select n.reason, n.created_at,
                (select json_group_array(hero_id) from nomination_heroes where nomination_id = n.id) as heroes
         from nominations n where n.created_at >= ?1 and n.created_at < ?2",
    )
    .bind(start)
    .bind(end)
    .fetch_all(pool)
    .await?;
    let nominations: Vec<NominationFact> = rows
        .into_iter()
        .map(|(reason, created_at, heroes)| NominationFact {
            heroes: serde_json::from_str(&heroes).unwrap_or_default(),
            reason,
            created_at,
        })
        .collect();

    let stories = store::stories::query_where(
        db,
        "s.created_at >= $1 and s.created_at < $2",
        &[start, end],
    )
    .await?;
    Ok(rank_heroes(&nominations, &stories)
        .into_iter()
        .take(10)
        .count())
}

/// Start to ready: `herobot serve` on a copy of the database (migrated already), from spawning
/// the process to the first `200` from `/readyz`, polled every millisecond; five starts.
fn ready(db: &str, herobot: &str) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let dir = std::env::temp_dir().join(format!("herobot-ready-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let copy = dir.join("year.db");
    let listen = "127.0.0.1:39130";
    let mut times = Vec::new();
    for _ in 0..5 {
        std::fs::copy(db, &copy)?;
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("year.db{suffix}")));
        }
        let started = Instant::now();
        let mut server = std::process::Command::new(herobot)
            .arg("serve")
            .env("DATABASE_URL", format!("sqlite://{}", copy.display()))
            .env("HEROBOT_LISTEN", listen)
            .env("SLACK_SIGNING_SECRET", "bench-secret")
            .env("SLACK_BOT_TOKEN", "xoxb-bench")
            .env("SLACK_API_URL", "http://127.0.0.1:9")
            .env("HEROBOT_HEROES_CHANNEL", "C0HEROES")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()?;
        let answered = loop {
            if started.elapsed() > Duration::from_secs(30) {
                break None;
            }
            let ok = std::net::TcpStream::connect(listen).and_then(|mut conn| {
                conn.write_all(
                    b"GET /readyz HTTP/1.1\r\nhost: bench\r\nconnection: close\r\n\r\n",
                )?;
                let mut answer = String::new();
                conn.read_to_string(&mut answer)?;
                Ok(answer.starts_with("HTTP/1.1 200"))
            });
            if ok.unwrap_or(false) {
                break Some(ms(started));
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        let _ = server.kill();
        let _ = server.wait();
        times.push(answered.ok_or_else(|| anyhow::anyhow!("not ready within 30 s"))?);
    }
    let _ = std::fs::remove_dir_all(&dir);
    times.sort_by(f64::total_cmp);
    println!(
        "start to ready: p50 {:.0} ms, max {:.0} ms over {} starts",
        times[times.len() / 2],
        times[times.len() - 1],
        times.len()
    );
    Ok(())
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn report(what: &str, times: &mut [f64]) {
    times.sort_by(f64::total_cmp);
    println!(
        "{what}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} runs; peak RSS {} MB",
        times[times.len() / 2],
        times[(times.len() * 99 / 100).min(times.len() - 1)],
        times[times.len() - 1],
        times.len(),
        peak_rss_mb()
    );
}

/// The process's peak resident set (VmHWM), in MB.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// Set-based inserts over the last `DAYS` days from `base`: nominations name one or two of
/// `HEROES` heroes (some tagged), stories credit one or two; words from a 3,000-word vocabulary.
async fn generate(db: &SqlitePool, base: i64) -> anyhow::Result<()> {
    let span = DAYS * 86_400;
    let mut tx = db.begin().await?;
    sqlx::query(
        "with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ?1 - 1)
         insert into nominations (id, team_id, nominator_id, reason, channel_id, source, created_at)
         select i + 1, 'T0BENCH', 'U0H' || ((i * 31) % ?4),
                'for helping with w' || printf('%04d', (i * 7919 + 11) % 3000) || ' and w' || printf('%04d', (i * 104729 + 23) % 3000) || ' so the customer got w' || printf('%04d', (i * 1299709 + 37) % 3000) || ' back',
                'C0GENERAL', 'command', ?2 + (i * ?3) / ?1
         from seq",
    )
    .bind(NOMINATIONS)
    .bind(base)
    .bind(span)
    .bind(HEROES)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into nomination_heroes (nomination_id, hero_id, position)
         select id, 'U0H' || ((id * 17) % ?1), 0 from nominations
         union all
         select id, 'U0H' || ((id * 7 + 1) % ?1), 1 from nominations where id % 4 = 0 and (id * 7 + 1) % ?1 != (id * 17) % ?1",
    )
    .bind(HEROES)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into nomination_tags (nomination_id, tag)
         select id, case id % 3 when 0 then 'billing' when 1 then 'recovery' else 'outage' end from nominations where id % 5 < 2",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ?1 - 1)
         insert into stories (id, team_id, author_id, title, what_went_wrong, happened_at, fixed_at, how_fixed, surprise,
                              customer_kind, reaction, featured_at, featured_by, created_at)
         select i + 1, 'T0BENCH', 'U0H' || ((i * 13) % ?4),
                'w' || printf('%04d', (i * 15485863 + 5) % 3000) || ' w' || printf('%04d', (i * 32452843 + 41) % 3000),
                'The w' || printf('%04d', (i * 86028121 + 17) % 3000) || ' went wrong for w' || printf('%04d', (i * 122949829 + 29) % 3000) || ' customers, and it took the whole night to find out why.',
                ?2 + (i * ?3) / ?1 - 7200 - (i % 48) * 3600, ?2 + (i * ?3) / ?1 - 3600,
                'Fixed the w' || printf('%04d', (i * 141650963 + 7) % 3000) || ' and called each w' || printf('%04d', (i * 160481219 + 13) % 3000) || ' customer in person the next morning.',
                case when i % 3 = 0 then null else 'A w' || printf('%04d', (i * 179424691 + 19) % 3000) || ' and a month free.' end,
                case i % 2 when 0 then 'external' else 'internal' end,
                case i % 3 when 0 then 'blown_away' when 1 then 'satisfied' else 'unknown' end,
                case when i % 997 = 0 then ?2 + (i * ?3) / ?1 else null end,
                case when i % 997 = 0 then 'U0LEADER' else null end,
                ?2 + (i * ?3) / ?1
         from seq",
    )
    .bind(STORIES)
    .bind(base)
    .bind(span)
    .bind(HEROES)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into story_heroes (story_id, hero_id, position, consent)
         select id, 'U0H' || ((id * 11) % ?1), 0, case id % 3 when 0 then 'granted' when 1 then 'pending' else 'declined' end from stories
         union all
         select id, 'U0H' || ((id * 13 + 3) % ?1), 1, 'granted' from stories where id % 2 = 1 and (id * 13 + 3) % ?1 != (id * 11) % ?1",
    )
    .bind(HEROES)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into story_tags (story_id, tag) select id, 'billing' from stories where id % 4 = 0",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into user_names (user_id, name, fetched_at)
         select distinct hero_id, 'Person ' || substr(hero_id, 4), 0 from nomination_heroes",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
