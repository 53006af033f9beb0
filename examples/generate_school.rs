//! Writes a generated school plan (see `wifiplan::synthetic`):
//!
//! ```sh
//! cargo run --release --example generate_school -- school.toml
//! cargo run --release --example generate_school -- school.toml --storeys 4 --wings 3
//! ```

use std::process::ExitCode;

use wifiplan::synthetic::{school, SchoolSpec};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut spec = SchoolSpec::default();
    let mut output = None;
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Option<usize> {
            let value = args.next().and_then(|v| v.parse().ok());
            if value.is_none() {
                eprintln!("error: {name} needs a whole number");
            }
            value
        };
        match arg.as_str() {
            "--storeys" => match number("--storeys") {
                Some(n) => spec.storeys = n,
                None => return ExitCode::from(2),
            },
            "--wings" => match number("--wings") {
                Some(n) => spec.wings = n,
                None => return ExitCode::from(2),
            },
            "--rooms-per-row" => match number("--rooms-per-row") {
                Some(n) => spec.rooms_per_row = n,
                None => return ExitCode::from(2),
            },
            path if !path.starts_with('-') && output.is_none() => output = Some(path.to_owned()),
            other => {
                eprintln!("error: unexpected argument `{other}`\nusage: generate_school OUTPUT.toml [--storeys N] [--wings N] [--rooms-per-row N]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(output) = output else {
        eprintln!("usage: generate_school OUTPUT.toml [--storeys N] [--wings N] [--rooms-per-row N]");
        return ExitCode::from(2);
    };
    let plan = school(&spec);
    let text = match wifiplan::floorplan::to_toml(&plan) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot write the plan: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(&output, text) {
        eprintln!("error: cannot write {output}: {e}");
        return ExitCode::from(2);
    }
    eprintln!("wrote {output}: {} APs, {} classrooms", plan.aps.len(), spec.classrooms());
    ExitCode::SUCCESS
}
