//! `wifiplan validate PLAN|DIR... [--format json]`: every problem of every
//! plan, located, at once; exit 2 if any plan has one.
//!
//! Directories expand as for the other commands (every `*.toml` and
//! `*.json` directly inside, sorted). As text, valid plans get a line on
//! stdout and problems go to stderr as `file:line:column: error: …` with a
//! hint; as JSON, stdout is one document:
//!
//! ```json
//! { "valid": false,
//!   "plans": [ { "file": "a.toml", "valid": true, "floors": 2, "walls": 22, "rooms": 22, "aps": 6, "problems": [] },
//!              { "file": "b.toml", "valid": false, "problems": [
//!                  { "file": "b.toml", "line": 7, "column": 12, "message": "unknown material `brik`",
//!                    "hint": "did you mean `brick`?" } ] } ] }
//! ```
//!
//! A file that cannot be read at all gets one problem at line 0.

use std::process::ExitCode;

use serde::Serialize;

use super::args::{ValidateArgs, ValidateFormat};
use super::print_error;
use crate::error::{Diagnostic, Error, Result};
use crate::floorplan;

/// One plan's verdict in the JSON output.
#[derive(Debug, Serialize)]
struct PlanVerdict {
    file: String,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    floors: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    walls: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rooms: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aps: Option<usize>,
    problems: Vec<Diagnostic>,
}

/// The JSON document.
#[derive(Debug, Serialize)]
struct Verdicts {
    valid: bool,
    plans: Vec<PlanVerdict>,
}

/// The problems of an error, as diagnostics (an unreadable file gets one
/// at line 0).
fn diagnostics(file: &str, error: Error) -> Vec<Diagnostic> {
    match error {
        Error::Parse(diagnostic) => vec![diagnostic],
        Error::InvalidPlan { problems } => problems,
        other => vec![Diagnostic { file: file.to_owned(), line: 0, column: 0, message: other.to_string(), hint: None }],
    }
}

/// Runs `wifiplan validate`.
pub fn run(args: ValidateArgs) -> Result<ExitCode> {
    let plans = crate::many::expand(&args.plans)?;
    let mut verdicts = Vec::with_capacity(plans.len());
    for path in &plans {
        let file = path.display().to_string();
        let checked = floorplan::load(path).and_then(|source| {
            floorplan::validate::validate(&source).map(|_| source).map_err(|problems| Error::InvalidPlan { problems })
        });
        let verdict = match checked {
            Ok(source) => {
                let plan = &source.plan;
                let walls: usize = plan.floors.iter().map(|f| f.walls.len()).sum();
                let rooms: usize = plan.floors.iter().map(|f| f.rooms.len()).sum();
                if args.format == ValidateFormat::Text && !args.quiet {
                    println!(
                        "{file}: ok ({} floor{}, {walls} walls, {rooms} rooms, {} APs)",
                        plan.floors.len(),
                        if plan.floors.len() == 1 { "" } else { "s" },
                        plan.aps.len()
                    );
                }
                PlanVerdict {
                    file,
                    valid: true,
                    floors: Some(plan.floors.len()),
                    walls: Some(walls),
                    rooms: Some(rooms),
                    aps: Some(plan.aps.len()),
                    problems: Vec::new(),
                }
            }
            Err(error) => {
                if args.format == ValidateFormat::Text {
                    print_error(&error);
                }
                let problems = diagnostics(&file, error);
                PlanVerdict { file, valid: false, floors: None, walls: None, rooms: None, aps: None, problems }
            }
        };
        verdicts.push(verdict);
    }
    let valid = verdicts.iter().all(|v| v.valid);
    if args.format == ValidateFormat::Json {
        let document = Verdicts { valid, plans: verdicts };
        println!("{}", serde_json::to_string_pretty(&document).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")));
    }
    Ok(if valid { ExitCode::SUCCESS } else { ExitCode::from(2) })
}
