//! The `wifiplan` binary: parse the command line, run, map to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = wifiplan::cli::Cli::parse();
    match wifiplan::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            wifiplan::cli::print_error(&error);
            ExitCode::from(error.exit_code())
        }
    }
}
