//! The `herobot` binary: reads `.env`, parses the command line and hands over to the library.
use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // A missing .env is normal; a malformed one is reported by the variable it breaks.
    let _ = dotenvy::dotenv();
    let cli = herobot::cli::Cli::parse();
    match herobot::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("herobot: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
