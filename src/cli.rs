//! The `herobot` command line: serve, migrate, digest, export, wall, answer-link, reportcard,
//! backup, copy-to, forget, person-data, audit, reindex, demo.
use clap::{Parser, Subcommand};

use crate::actions::ask_customer::{LinkFor, answer_link};
use crate::actions::digest::{Posted, last_week, post_digest};
use crate::clock::Clock;
use crate::config::{Config, Needs};
use crate::digest;
use crate::domain::audit::Actor;
use crate::domain::calendar::IsoWeek;
use crate::library::download;
use crate::state::AppState;
use crate::{startup, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "herobot",
    version,
    about = "Recognise service heroes in Slack and keep their stories"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service: HTTP server, outbox worker and digest scheduler.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Export stories for talks: a Markdown talk pack, CSV or JSON, with each hero's consent. The
    /// talk pack holds only the stories every hero agreed to tell outside, unless
    /// --include-internal; CSV and JSON hold every story.
    Export {
        /// md (talk pack), csv or json.
        #[arg(long, default_value = "md", value_parser = parse_format)]
        format: crate::library::export::Format,
        /// First day, YYYY-MM-DD (in HEROBOT_TIMEZONE).
        #[arg(long)]
        since: Option<String>,
        /// Last day, YYYY-MM-DD, included.
        #[arg(long)]
        until: Option<String>,
        /// Words to find in the stories.
        #[arg(long)]
        query: Option<String>,
        /// Only stories featured for talks.
        #[arg(long)]
        featured: bool,
        /// Only stories every hero agreed to tell outside Slack.
        #[arg(long)]
        shareable: bool,
        /// Also put the stories kept inside (not every hero agreed to tell them outside) in the
        /// talk pack, each marked as kept inside.
        #[arg(long)]
        include_internal: bool,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Rebuild the full-text search index from the stored stories and nominations, and exit.
    Reindex,
    /// Take a consistent copy of the database into FILE (a new file) while herobot runs,
    /// checked before it reports success. Restore by starting herobot on the copy.
    Backup {
        /// Where the copy goes; it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Copy the database into an empty PostgreSQL database, checking every table's rows and
    /// checksum before it commits; stop herobot first. Then switch DATABASE_URL to it.
    CopyTo {
        /// The PostgreSQL database to fill, postgres://USER:PASSWORD@HOST:5432/NAME; it must be
        /// empty (or only migrated by herobot).
        url: String,
    },
    /// Erase a person: their ID, name and what they wrote alone become "a former colleague";
    /// counts stay. Without --yes, prints what would change and changes nothing.
    Forget {
        /// The person's Slack user ID (U… or W…).
        user_id: String,
        /// Write the changes (without it, a dry run).
        #[arg(long)]
        yes: bool,
    },
    /// Everything held about one person, as JSON (an access request).
    PersonData {
        /// The person's Slack user ID (U… or W…).
        user_id: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Print the audit trail, oldest first, one event a line (tab-separated: time in UTC, who,
    /// event, about what).
    Audit {
        /// Only events from this day on, YYYY-MM-DD (UTC).
        #[arg(long, value_parser = parse_day)]
        since: Option<jiff::civil::Date>,
    },
    /// Print a week's digest as Block Kit JSON (default: last week); --post posts it, once.
    Digest {
        /// The ISO week, e.g. 2026-W47 (in HEROBOT_TIMEZONE).
        #[arg(long, value_parser = parse_week)]
        week: Option<IsoWeek>,
        /// Queue it for the digest channel; a running `herobot serve` delivers it.
        #[arg(long)]
        post: bool,
    },
    /// Print the customer's answer link for a story (it works for 28 days from now).
    AnswerLink {
        /// The story's ID (shown in the library's address for the story).
        story_id: i64,
    },
    /// Print a new link to the office wallboard (needs HEROBOT_PUBLIC_URL); --revoke ends every link.
    Wall {
        /// End every wallboard link instead.
        #[arg(long)]
        revoke: bool,
    },
    /// Report cards: list them, or open or close a round now (once, like `digest --post`).
    Reportcard {
        #[command(subcommand)]
        command: CardCommand,
    },
    /// Try herobot without Slack: sample data and a Slack-like page on http://127.0.0.1:3000/demo.
    Demo {
        /// Delete herobot-demo.db and start over with fresh sample data.
        #[arg(long)]
        reset: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CardCommand {
    /// Every card with its raters, deliverables and last result.
    List,
    /// Open last month's round now (a DM to each rater), for one card or every running card.
    Open {
        #[arg(long)]
        card: Option<i64>,
    },
    /// Close the open rounds now and post their results, for one card or every card.
    Close {
        #[arg(long)]
        card: Option<i64>,
    },
}

fn parse_format(s: &str) -> Result<crate::library::export::Format, String> {
    crate::library::export::Format::parse(s).ok_or_else(|| format!("{s:?} is not md, csv or json"))
}

fn parse_day(s: &str) -> Result<jiff::civil::Date, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a date like 2026-11-23 (UTC)"))
}

fn parse_week(s: &str) -> Result<IsoWeek, String> {
    IsoWeek::parse(s).ok_or_else(|| format!("{s:?} is not an ISO week like 2026-W47"))
}

/// Runs the command the operator asked for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve => {
            let config = Config::from_env(Needs::Slack)?;
            telemetry::init(config.log_format);
            let app = startup::Application::build(config).await?;
            app.run_until(startup::shutdown_signal()).await
        }
        Command::Demo { reset } => {
            telemetry::init_quiet_unless(crate::config::LogFormat::Text, "warn");
            crate::demo::run(reset).await
        }
        Command::Migrate => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            let url = config.database_url.clone();
            // Opening the database applies the migrations.
            acting(config, async |_| Ok(())).await?;
            println!("migrations applied to {}", crate::store::copy::redact(&url));
            Ok(())
        }
        Command::Backup { file } => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            acting(config, async |app| {
                let backup = crate::actions::backup::back_up(app, &file, Actor::Cli).await?;
                println!(
                    "backed up {} nominations and {} stories ({:.1} MB) to {}",
                    backup.nominations,
                    backup.stories,
                    backup.bytes as f64 / 1e6,
                    backup.path.display()
                );
                Ok(())
            })
            .await
        }
        Command::CopyTo { url } => copy_to(&url).await,
        Command::Forget { user_id, yes } => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            let Some(user) = crate::domain::UserId::parse(user_id.trim()) else {
                anyhow::bail!("{user_id:?} is not a Slack user ID (U… or W…)");
            };
            acting(config, async |app| {
                let done = crate::actions::forget::forget(app, &user, yes, Actor::Cli).await?;
                print_forgotten(&done);
                Ok(())
            })
            .await
        }
        Command::PersonData { user_id, out } => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            let Some(user) = crate::domain::UserId::parse(user_id.trim()) else {
                anyhow::bail!("{user_id:?} is not a Slack user ID (U… or W…)");
            };
            let data = acting(config, async |app| {
                Ok(crate::actions::person_data::person_data(app, &user).await?)
            })
            .await?;
            let text = serde_json::to_string_pretty(&data)? + "\n";
            match out {
                Some(path) => {
                    std::fs::write(&path, text)?;
                    eprintln!(
                        "everything held about {user_id} written to {}",
                        path.display()
                    );
                }
                None => print!("{text}"),
            }
            Ok(())
        }
        Command::Audit { since } => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            let from = match since {
                None => i64::MIN,
                Some(day) => day
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .map_err(|_| anyhow::anyhow!("{day} is too far in the past or future"))?
                    .timestamp()
                    .as_second(),
            };
            acting(config, async |app| {
                let rows = crate::store::audit::since(&app.db, from).await?;
                let ids = crate::library::audit::people(&rows);
                let names = crate::store::library::names(&app.db, &ids).await?;
                if rows.is_empty() {
                    eprintln!("nothing recorded in the audit trail for that time");
                }
                for row in &rows {
                    let l = crate::library::audit::line(row, &names);
                    let who = match &l.person {
                        Some(id) if *id != l.who => format!("{} ({id})", l.who),
                        _ => l.who.clone(),
                    };
                    // A name from Slack never moves a terminal's cursor or splits a column.
                    let who: String = who.chars().filter(|c| !c.is_control()).collect();
                    println!("{}\t{who}\t{}\t{}", l.at, l.event, l.about);
                }
                Ok(())
            })
            .await
        }
        Command::Reindex => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            acting(config, async |app| {
                let started = std::time::Instant::now();
                crate::actions::search::rebuild_index(app).await?;
                println!(
                    "search index rebuilt in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
                Ok(())
            })
            .await
        }
        Command::Export {
            format,
            since,
            until,
            query,
            featured,
            shareable,
            include_internal,
            out,
        } => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            let filter = crate::library::filter(
                since.as_deref(),
                until.as_deref(),
                query.as_deref(),
                featured,
                shareable,
                &config.timezone,
            )
            .map_err(anyhow::Error::msg)?;
            let kept_inside = crate::library::export::KeptInside::included(include_internal);
            acting(config, async |app| {
                export(app, format, filter, kept_inside, out).await
            })
            .await
        }
        Command::AnswerLink { story_id } => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            let link = acting(config, async |app| Ok(answer_link(app, story_id).await?)).await?;
            match link {
                LinkFor::Url(url) => {
                    println!("{url}");
                    Ok(())
                }
                LinkFor::NoStory => anyhow::bail!("there is no story {story_id}"),
                LinkFor::NoPublicUrl => anyhow::bail!("HEROBOT_PUBLIC_URL is not set"),
                LinkFor::InternalCustomer => anyhow::bail!(
                    "story {story_id}'s customer is a colleague: herobot asks them in Slack (Ask the customer on the story's post), never by a link"
                ),
            }
        }
        Command::Digest { week, post } => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            acting(config, async |app| {
            let week = week.unwrap_or_else(|| last_week(app));
            let (_, message) = digest::build(&app.db, &app.config, week, None).await?;
            println!("{}", serde_json::to_string_pretty(&message)?);
            if post {
                match post_digest(app, week, "cli").await? {
                    Posted::Posted { channel } => {
                        eprintln!(
                            "the digest for {week} is queued for {channel}; a running `herobot serve` delivers it"
                        )
                    }
                    Posted::AlreadyPosted => {
                        eprintln!("the digest for {week} was already posted; nothing queued")
                    }
                    Posted::NoChannel => anyhow::bail!("HEROBOT_DIGEST_CHANNEL is not set"),
                }
            }
            Ok(())
            })
            .await
        }
        Command::Reportcard { command } => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            acting(config, async |app| report_card(app, command).await).await
        }
        Command::Wall { revoke } => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            acting(config, async |app| {
                if revoke {
                    let ended = crate::actions::wall_link::revoke_links(app, "cli").await?;
                    eprintln!("{ended} wallboard link(s) ended");
                } else {
                    let Some(url) = crate::actions::wall_link::issue_link(app, "cli").await? else {
                        anyhow::bail!("HEROBOT_PUBLIC_URL is not set: the link needs it");
                    };
                    println!("{url}");
                }
                Ok(())
            })
            .await
        }
    }
}

/// How long a command's write waits for a lock a running service holds.
const CLI_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Opens the database for a command, runs `act` on the app's handles, then lets the writer
/// drain and closes the database. No job runs: a command does its own work and exits.
async fn acting<T>(
    mut config: Config,
    act: impl AsyncFnOnce(&AppState) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    // Beside a busy service, a command waits its turn at the lock rather than giving up.
    config.lock_wait = CLI_LOCK_WAIT;
    let (app, writer) = startup::app_state(config, Clock::system()).await?;
    let outcome = act(&app).await;
    let (db, reads, writes) = (app.db.clone(), app.reads.clone(), app.writes.clone());
    drop(app);
    writes.close().await;
    drop(writes);
    let _ = writer.await;
    db.close().await;
    reads.close().await;
    outcome
}

/// `herobot copy-to URL`: the configured database, opened (and migrated) as every command
/// opens it, copied into the PostgreSQL database at `url`. The URL's password is never shown.
async fn copy_to(url: &str) -> anyhow::Result<()> {
    use crate::store::copy;
    let shown = copy::redact(url);
    if !copy::is_postgres(url) {
        anyhow::bail!(
            "{shown:?} is not a PostgreSQL URL: copy-to copies into PostgreSQL, e.g. \
             postgres://herobot:PASSWORD@db.example.com:5432/herobot"
        );
    }
    let config = Config::from_env(Needs::DatabaseOnly)?;
    telemetry::init(config.log_format);
    let from = config.database_url.clone();
    let report = acting(config, async |_| {
        eprintln!("copying {from} to {shown}…");
        copy::copy_to(&from, url)
            .await
            .map_err(|e| anyhow::anyhow!(copy::scrub(&format!("{e:#}"), url)))
    })
    .await?;
    print!("{}", report.table());
    println!(
        "copied {} rows in {} tables to {shown} in {:.1} s; every table's row count and \
         checksum match.",
        report.rows(),
        report.tables.len(),
        report.took.as_secs_f64()
    );
    if report.told() == 0 {
        eprintln!(
            "note: {from} holds no nomination and no story: is DATABASE_URL the database herobot \
             runs on?"
        );
    }
    println!(
        "next: keep herobot stopped, set DATABASE_URL to the PostgreSQL URL (with its password) \
         and start herobot; {from} stays as it was."
    );
    Ok(())
}

/// What `herobot forget` changed, or would change, per table.
fn print_forgotten(done: &crate::actions::forget::Forgotten) {
    if done.changed.is_empty() {
        println!("nothing is held about this person; nothing changed");
        return;
    }
    for c in &done.changed {
        println!(
            "{}\t{} deleted\t{} rewritten",
            c.table, c.deleted, c.rewritten
        );
    }
    if done.written {
        println!("forgotten: they now read as \"a former colleague\" everywhere");
    } else {
        println!("a dry run: nothing changed; run again with --yes to forget them");
    }
}

/// `herobot export`: the stories `filter` selects, in `format`, to `out` or standard output.
/// Names come from the cache, and from Slack when a bot token is at hand.
async fn export(
    app: &AppState,
    format: crate::library::export::Format,
    filter: crate::store::library::Filter,
    kept_inside: crate::library::export::KeptInside,
    out: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let slack = (!app.config.bot_token.expose().is_empty()).then(|| app.slack.clone());
    let source = download::ExportSource {
        reads: app.reads.clone(),
        db: app.db.clone(),
        writes: app.writes.clone(),
        slack,
        clock: app.clock.clone(),
        timezone: app.config.timezone.clone(),
        names_budget: download::NAMES_BUDGET_CLI,
        roster: app.roster.clone(),
        by: Actor::Cli,
    };
    let (mut chunks, written) = download::spawn(source, format, filter, kept_inside);
    let mut sink: Box<dyn std::io::Write + Send> = match &out {
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => Box::new(std::io::stdout()),
    };
    while let Some(chunk) = chunks.recv().await {
        sink.write_all(chunk?.as_bytes())?;
    }
    sink.flush()?;
    let written = written.await??;
    if let Some(path) = out {
        eprintln!("{written} stories written to {}", path.display());
    }
    Ok(())
}

/// `herobot reportcard …`: what it did goes to standard output; a running `herobot serve`
/// delivers the DMs and results it queued.
async fn report_card(app: &crate::state::AppState, command: CardCommand) -> anyhow::Result<()> {
    use crate::actions::round::{Opened, close_now, open_now};
    use crate::domain::report_card::{average_text, response_rate};
    use crate::store::report_cards as store;
    match command {
        CardCommand::List => {
            let cards = store::all(&app.db).await?;
            if cards.is_empty() {
                println!("no report cards yet");
            }
            for card in cards {
                let last = match store::last_closed(&app.db, card.id).await? {
                    Some(round) => {
                        store::results(&app.db, round.id, app.config.report_card_min_answers)
                            .await?
                    }
                    None => None,
                };
                let result = last.map_or("no round closed yet".to_owned(), |r| {
                    let overall = r
                        .overall()
                        .map_or("not enough answers".to_owned(), average_text);
                    let rate = response_rate(r.answered, r.invited).unwrap_or(0);
                    format!("{}: {overall}, {rate} % answered", r.round.month)
                });
                println!(
                    "{}\t{}{}\t{} raters\t{} deliverables\t{}\t{result}",
                    card.id,
                    card.supplier,
                    if card.retired_at.is_some() {
                        " (retired)"
                    } else {
                        ""
                    },
                    card.raters.len(),
                    card.deliverables.len(),
                    card.review_channel,
                );
            }
        }
        CardCommand::Open { card } => {
            let opened = open_now(app, card).await?;
            if opened.is_empty() {
                anyhow::bail!("no running report card to open a round for");
            }
            for (which, outcome) in opened {
                match outcome {
                    Opened::Opened { raters, .. } => println!(
                        "{which}: round opened; {raters} rater(s) get a DM from a running `herobot serve`"
                    ),
                    Opened::AlreadyOpened => {
                        println!("{which}: the round was opened before; nothing changed")
                    }
                    Opened::NotRunning => println!("{which}: the card is retired; no round opened"),
                }
            }
        }
        CardCommand::Close { card } => {
            let closed = close_now(app, card).await?;
            if closed.is_empty() {
                println!("no open round to close; nothing changed");
            }
            for which in closed {
                println!("{which}: round closed; its results post from a running `herobot serve`");
            }
        }
    }
    Ok(())
}
