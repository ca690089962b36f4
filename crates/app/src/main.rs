//! The `passerelle` binary: a thin shell over the library crates.

use clap::Parser;

mod cli;
mod files;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cli::init_logging();
    match cli::run(cli::Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Erreur : {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
