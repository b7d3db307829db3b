//! The `herobot` command line: serve, migrate.
use clap::{Parser, Subcommand};

use crate::config::{Config, Needs};
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
    }
}
