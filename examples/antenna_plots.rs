//! Writes `docs/antenna-<name>.png`, a polar plot of each built-in antenna
//! pattern (see `wifiplan::render::polar`):
//!
//! ```sh
//! cargo run --release --example antenna_plots -- docs
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let folder = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "docs".into()));
    for pattern in wifiplan::antenna::catalogue::all() {
        let path = folder.join(format!("antenna-{}.png", pattern.name));
        if let Err(error) = wifiplan::render::polar::pattern_plot(pattern).save(&path) {
            eprintln!("error: failed to write `{}` ({error})", path.display());
            return ExitCode::from(2);
        }
        println!("{}", path.display());
    }
    ExitCode::SUCCESS
}
