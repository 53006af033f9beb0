//! Reading a plan file: TOML or JSON text into a [`FloorPlan`], with a
//! [`SourceMap`] so that later problems can be located.

use std::path::Path;

use super::syntax::{hint_for_parse_error, tidy_message, PlanFormat};
use super::{FloorPlan, SourceMap};
use crate::error::{Diagnostic, Error, Result};

/// A parsed plan with where it came from.
#[derive(Clone, Debug)]
pub struct PlanSource {
    /// The file name as the user gave it (used in messages).
    pub file: String,
    /// The parsed plan.
    pub plan: FloorPlan,
    /// Positions of every value in the text.
    pub source_map: SourceMap,
    /// The syntax it was written in.
    pub format: PlanFormat,
}

impl PlanSource {
    /// A diagnostic located at the value at `path`.
    pub fn diagnostic(&self, path: &str, message: impl Into<String>, hint: Option<String>) -> Diagnostic {
        let location = self.source_map.locate(path);
        Diagnostic {
            file: self.file.clone(),
            line: location.line,
            column: location.column,
            message: message.into(),
            hint,
        }
    }

    /// The plan's display name: its `name`, else the file stem.
    pub fn display_name(&self) -> String {
        self.plan.name.clone().unwrap_or_else(|| {
            Path::new(&self.file).file_stem().map_or_else(|| "plan".to_owned(), |s| s.to_string_lossy().into_owned())
        })
    }
}

/// Reads and parses a plan file.
pub fn load(path: &Path) -> Result<PlanSource> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { action: "read", path: path.to_owned(), source })?;
    let file = path.display().to_string();
    if let Some(not_a_plan) = super::sniff::binary(&file, &bytes) {
        return Err(Error::Parse(not_a_plan));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        let location = SourceMap::new(&prefix).offset_location(offset);
        Error::Parse(Diagnostic {
            file: file.clone(),
            line: location.line,
            column: location.column,
            message: "the file is not valid UTF-8 text".into(),
            hint: Some("save the plan as UTF-8".into()),
        })
    })?;
    parse_str(&file, &text, PlanFormat::detect(path, &text)).map_err(|error| match error {
        Error::Parse(_) | Error::InvalidPlan { .. } => super::sniff::text(&file, &text).map_or(error, Error::Parse),
        other => other,
    })
}

/// Parses plan text; `file` is the name used in messages.
pub fn parse_str(file: &str, text: &str, format: PlanFormat) -> Result<PlanSource> {
    let typed = match format {
        PlanFormat::Toml => toml::from_str::<FloorPlan>(text).map_err(|e| {
            let map = SourceMap::new(text);
            let location = e.span().map_or(super::Location { line: 1, column: 1 }, |s| map.offset_location(s.start));
            Diagnostic {
                file: file.to_owned(),
                line: location.line,
                column: location.column,
                message: tidy_message(e.message()),
                hint: hint_for_parse_error(e.message()),
            }
        }),
        PlanFormat::Json => serde_json::from_str::<FloorPlan>(text).map_err(|e| {
            let message = e.to_string();
            // serde_json appends " at line L column C"; the location is ours.
            let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
            let map = SourceMap::new(text);
            let mut location = super::Location { line: e.line().max(1), column: e.column().max(1) };
            if message.contains("trailing comma") {
                // serde_json points at the closing bracket; the comma to
                // remove is the last one before it.
                let offset = text.split_inclusive('\n').take(location.line - 1).map(str::len).sum::<usize>()
                    + location.column.saturating_sub(1);
                if let Some(comma) = text.get(..offset.min(text.len())).and_then(|before| before.rfind(',')) {
                    location = map.offset_location(comma);
                }
            }
            Diagnostic {
                file: file.to_owned(),
                line: location.line,
                column: location.column,
                message: tidy_message(message),
                hint: hint_for_parse_error(message),
            }
        }),
    };
    let plan = typed.map_err(|first| {
        // Serde stops at the first problem: look for the others.
        let mut problems = super::schema::problems(file, text, format, first);
        if problems.len() == 1 {
            Error::Parse(problems.remove(0))
        } else {
            Error::InvalidPlan { problems }
        }
    })?;
    let source_map = match format {
        PlanFormat::Toml => SourceMap::from_toml(text),
        PlanFormat::Json => SourceMap::from_json(text),
    };
    Ok(PlanSource { file: file.to_owned(), plan, source_map, format })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_located_and_lists_known_keys() {
        let text = "format = 1\n[[floors]]\nid = \"a\"\nhieght = 3\n";
        let Err(Error::Parse(d)) = parse_str("p.toml", text, PlanFormat::Toml) else {
            panic!("expected a parse error");
        };
        assert_eq!(d.line, 4);
        assert!(d.message.contains("unknown field `hieght`"), "{}", d.message);
        assert!(d.message.contains("height"), "{}", d.message);
    }

    #[test]
    fn json_plan_parses() {
        let text = r#"{"format": 1, "floors": [{"id": "a", "walls": [{"points": [[0,0],[1,0]], "material": "brick", "thickness": 0.2}]}]}"#;
        let source = parse_str("p.json", text, PlanFormat::Json).unwrap();
        assert_eq!(source.plan.floors[0].walls[0].material, "brick");
    }
}
