//! The `herobot` command line: serve, migrate, digest.
use clap::{Parser, Subcommand};

use crate::config::{Config, Needs};
use crate::digest::{self, IsoWeek, Posted};
use crate::{startup, store, telemetry};

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
    /// Print a week's digest as Block Kit JSON (default: last week); --post posts it, once.
    Digest {
        /// The ISO week, e.g. 2026-W47 (in HEROBOT_TIMEZONE).
        #[arg(long, value_parser = parse_week)]
        week: Option<IsoWeek>,
        /// Queue it for the digest channel; a running `herobot serve` delivers it.
        #[arg(long)]
        post: bool,
    },
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
        Command::Migrate => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            let pool = store::connect(&config.database_url).await?;
            store::migrate(&pool).await?;
            println!("migrations applied to {}", config.database_url);
            Ok(())
        }
        Command::Digest { week, post } => {
            let config = Config::from_env(Needs::DatabaseOnly)?;
            telemetry::init(config.log_format);
            let pool = store::connect(&config.database_url).await?;
            store::migrate(&pool).await?;
            let week = week.unwrap_or_else(|| digest::last_week(&config));
            let (_, message) = digest::build(&pool, &config, week, None).await?;
            println!("{}", serde_json::to_string_pretty(&message)?);
            if post {
                match digest::post(&pool, &config, week, "cli").await? {
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
            pool.close().await;
            Ok(())
        }
    }
}
