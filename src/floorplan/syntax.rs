//! The text syntax of a plan file (TOML or JSON) and how the parsers'
//! complaints are worded for the user. Both the parser ([`super::parse`])
//! and the schema check that looks for every problem ([`super::schema`])
//! read the text through these.

use std::path::Path;

/// The text syntax of a plan file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanFormat {
    /// TOML (the default).
    Toml,
    /// JSON with the same schema.
    Json,
}

impl PlanFormat {
    /// Chooses by extension (`.json`), else by the first non-blank character.
    pub fn detect(path: &Path, text: &str) -> PlanFormat {
        let by_extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match by_extension.as_deref() {
            Some("json") => PlanFormat::Json,
            Some("toml") => PlanFormat::Toml,
            _ if text.trim_start().starts_with('{') => PlanFormat::Json,
            _ => PlanFormat::Toml,
        }
    }
}

/// Lowercases the first letter (messages are lowercase, no trailing
/// period), unless it starts an acronym such as `EOF`.
pub(super) fn tidy_message(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    match (chars.next(), chars.clone().next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first.to_lowercase().chain(chars).collect(),
        (Some(_), _) => message.to_owned(),
        (None, _) => "syntax error".into(),
    }
}

pub(super) fn hint_for_parse_error(message: &str) -> Option<String> {
    if message.contains("unknown field") {
        Some("remove or rename the key; the keys this table accepts are listed above".into())
    } else if message.contains("missing field") {
        Some("add the key; see floorplans/README.md for every key and its unit".into())
    } else if message.contains("invalid type") {
        Some("check the value's type: numbers are bare (3.5), names are quoted (\"brick\"), points are [x, y]".into())
    } else if message.contains("invalid length") {
        Some("points are written [x, y] and an opening span as [[x1, y1], [x2, y2]]".into())
    } else {
        None
    }
}
