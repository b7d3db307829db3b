//! The `herobot` binary: picks the allocator, reads `.env`, parses the command line and hands over to the library.
use clap::Parser;

// The system allocator by default: glibc's malloc, limited to two arenas below, keeps the
// resident set about half of mimalloc's under load; mimalloc (`--features mimalloc`) spends
// less CPU per request. README's benchmark section has both sets of figures.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Before any thread starts: malloc reads its settings once, at the first allocation of a
    // new thread.
    #[cfg(all(not(feature = "mimalloc"), target_os = "linux", target_env = "gnu"))]
    glibc::limit_arenas();
    let runtime = match herobot::startup::runtime() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("herobot: starting the runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(run())
}

async fn run() -> std::process::ExitCode {
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

/// glibc's malloc gives each thread that contends for the heap an arena of its own, up to
/// eight per core, and keeps what each arena has freed: many arenas, much memory held.
#[cfg(all(not(feature = "mimalloc"), target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::ffi::c_int;

    /// `M_ARENA_MAX` in glibc's `malloc.h`.
    const M_ARENA_MAX: c_int = -8;
    /// Arenas: one per core of a small machine.
    const ARENAS: c_int = 2;

    unsafe extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
    }

    /// Limits malloc to `ARENAS` arenas, unless `MALLOC_ARENA_MAX` (glibc's own variable)
    /// says otherwise.
    pub fn limit_arenas() {
        if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
            // SAFETY: mallopt only sets a malloc parameter; it is called before any other
            // thread exists.
            unsafe {
                mallopt(M_ARENA_MAX, ARENAS);
            }
        }
    }
}
