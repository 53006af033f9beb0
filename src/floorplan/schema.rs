//! Every schema problem of a plan at once.
//!
//! Serde stops at the first key it cannot use. When that happens,
//! [`problems`] reads the text again as an untyped document and checks it
//! piece by piece against the same serde structs: each key of each table
//! alone (an unknown key, a value of the wrong type), then each table for
//! its missing keys. Nested tables and arrays (floors, walls, rooms, APs…)
//! are checked element by element, so one bad wall does not hide the
//! next. Every problem is located through the [`SourceMap`], as
//! validation's are.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::syntax::{hint_for_parse_error, tidy_message, PlanFormat};
use super::{ApSpec, CandidateSpec, Defaults, Floor, FloorPlan, Opening, Room, SourceMap, Wall};
use crate::error::Diagnostic;
use crate::materials::MaterialSpec;

/// How a key's value is checked.
#[derive(Clone, Copy)]
enum Shape {
    /// A table of this kind.
    Table(Kind),
    /// An array of tables of this kind.
    Array(Kind),
    /// A table whose every value is a table of this kind.
    Map(Kind),
}

/// The kinds of table in a plan file.
#[derive(Clone, Copy)]
enum Kind {
    Plan,
    Defaults,
    Material,
    Floor,
    Wall,
    Opening,
    Room,
    Candidate,
    Ap,
}

impl Kind {
    /// Keys of this table that hold nested tables, checked element by
    /// element rather than as one value.
    fn nested(self, key: &str) -> Option<Shape> {
        match (self, key) {
            (Kind::Plan, "defaults") => Some(Shape::Table(Kind::Defaults)),
            (Kind::Plan, "materials") => Some(Shape::Map(Kind::Material)),
            (Kind::Plan, "floors") => Some(Shape::Array(Kind::Floor)),
            (Kind::Plan, "aps") => Some(Shape::Array(Kind::Ap)),
            (Kind::Floor, "walls") => Some(Shape::Array(Kind::Wall)),
            (Kind::Floor, "openings") => Some(Shape::Array(Kind::Opening)),
            (Kind::Floor, "rooms") => Some(Shape::Array(Kind::Room)),
            (Kind::Floor, "candidates") => Some(Shape::Array(Kind::Candidate)),
            _ => None,
        }
    }

    /// Deserializes `table` as this kind; the error message if it fails.
    fn check(self, table: &Map<String, Value>) -> Option<String> {
        fn try_as<T: DeserializeOwned>(table: &Map<String, Value>) -> Option<String> {
            T::deserialize(Value::Object(table.clone())).err().map(|e| e.to_string())
        }
        match self {
            Kind::Plan => try_as::<FloorPlan>(table),
            Kind::Defaults => try_as::<Defaults>(table),
            Kind::Material => try_as::<MaterialSpec>(table),
            Kind::Floor => try_as::<Floor>(table),
            Kind::Wall => try_as::<Wall>(table),
            Kind::Opening => try_as::<Opening>(table),
            Kind::Room => try_as::<Room>(table),
            Kind::Candidate => try_as::<CandidateSpec>(table),
            Kind::Ap => try_as::<ApSpec>(table),
        }
    }
}

/// Every schema problem of `text`, given the first one the typed parse
/// found (`first`, with serde's own position). Falls back to `first` alone
/// when the text is not a document at all (a syntax error).
pub(super) fn problems(file: &str, text: &str, format: PlanFormat, first: Diagnostic) -> Vec<Diagnostic> {
    // Only a well-formed document is walked (and mapped).
    let document = match format {
        PlanFormat::Toml => toml::from_str::<toml::Table>(text).ok().and_then(|t| serde_json::to_value(t).ok()),
        PlanFormat::Json => serde_json::from_str::<Value>(text).ok(),
    };
    let Some(Value::Object(root)) = document else { return vec![first] };
    let map = match format {
        PlanFormat::Toml => SourceMap::from_toml(text),
        PlanFormat::Json => SourceMap::from_json(text),
    };
    let mut walk = Walk { file, map: &map, found: Vec::new() };
    walk.table("", Kind::Plan, &root);
    let mut all = vec![first];
    for problem in walk.found {
        let same = all.iter().any(|known| {
            known.message == problem.message
                && (known.line == problem.line || problem.message.starts_with("missing field"))
        });
        if !same {
            all.push(problem);
        }
    }
    all.sort_by_key(|d| (d.line, d.column));
    all
}

struct Walk<'a> {
    file: &'a str,
    map: &'a SourceMap,
    found: Vec<Diagnostic>,
}

impl Walk<'_> {
    fn report(&mut self, path: &str, message: &str) {
        let location = self.map.locate(path);
        self.found.push(Diagnostic {
            file: self.file.to_owned(),
            line: location.line,
            column: location.column,
            message: tidy_message(message),
            hint: hint_for_parse_error(message),
        });
    }

    /// Checks one table of `kind` at `path`.
    fn table(&mut self, path: &str, kind: Kind, table: &Map<String, Value>) {
        let join = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
        // What is left once the bad keys are dropped and nested tables
        // emptied: checked last, for missing keys.
        let mut rest = Map::new();
        for (key, value) in table {
            match (kind.nested(key), value) {
                (Some(Shape::Table(inner)), Value::Object(object)) => {
                    self.table(&join(key), inner, object);
                    rest.insert(key.clone(), Value::Object(Map::new()));
                }
                (Some(Shape::Map(inner)), Value::Object(object)) if object.values().all(Value::is_object) => {
                    for (name, entry) in object.iter().filter_map(|(n, e)| e.as_object().map(|e| (n, e))) {
                        self.table(&format!("{}.{name}", join(key)), inner, entry);
                    }
                    rest.insert(key.clone(), Value::Object(Map::new()));
                }
                (Some(Shape::Array(inner)), Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        let item_path = format!("{}[{i}]", join(key));
                        match item {
                            Value::Object(item) => self.table(&item_path, inner, item),
                            other => self.report(&item_path, &format!("expected a table, found {}", describe(other))),
                        }
                    }
                    rest.insert(key.clone(), Value::Array(Vec::new()));
                }
                _ => {
                    if self.key_alone(&join(key), kind, key, value) {
                        rest.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        self.missing_keys(path, kind, table, rest);
    }

    /// Reports the keys `kind` requires that `table` lacks. Serde names
    /// one missing key at a time, so each one found gets a stand-in value
    /// and the check runs again; a key the user wrote with a bad value
    /// (reported already) is not missing.
    fn missing_keys(&mut self, path: &str, kind: Kind, table: &Map<String, Value>, mut rest: Map<String, Value>) {
        let stand_ins = [
            Value::from(0),
            Value::from(""),
            serde_json::json!([[0.0, 0.0], [1.0, 0.0]]),
            serde_json::json!([0.0, 0.0]),
            Value::Object(Map::new()),
        ];
        for _ in 0..16 {
            let Some(message) = kind.check(&rest) else { return };
            let Some(key) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) else { return };
            if !table.contains_key(key) {
                self.report(path, &message);
            }
            let missing = |m: &str| m.starts_with(&format!("missing field `{key}`"));
            let stand_in = stand_ins.iter().find(|v| {
                let mut tried = rest.clone();
                tried.insert(key.to_owned(), (*v).clone());
                kind.check(&tried).is_none_or(|m| m.starts_with("missing field") && !missing(&m))
            });
            let Some(value) = stand_in else { return };
            rest.insert(key.to_owned(), value.clone());
        }
    }

    /// Checks `key = value` alone against `kind`: an unknown key or a bad
    /// value is reported at the key. Returns whether it is fine.
    fn key_alone(&mut self, path: &str, kind: Kind, key: &str, value: &Value) -> bool {
        let mut single = Map::new();
        single.insert(key.to_owned(), value.clone());
        match kind.check(&single) {
            Some(message) if !message.starts_with("missing field") => {
                self.report(path, &message);
                false
            }
            _ => true,
        }
    }
}

/// The type of a JSON value in words, for messages.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, PlanFormat};
    use crate::error::Error;

    #[test]
    fn every_schema_problem_is_reported_in_toml_and_json() {
        let toml = "format = 1\n[[floors]]\nid = \"a\"\nhieght = 3\n[[floors.walls]]\npoints = [[0, 0], [1, 0]]\nmaterial = \"brick\"\nthickness = \"thick\"\n[[floors.walls]]\npoints = [[0, 0], [1, 0, 2]]\nmaterial = \"brick\"\nthickness = 0.2\n[[aps]]\nposition = [1, 1]\n";
        let Err(Error::InvalidPlan { problems }) = parse_str("p.toml", toml, PlanFormat::Toml) else {
            panic!("expected several problems");
        };
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [4, 8, 10, 13], "{problems:#?}");
        assert!(problems[0].message.contains("unknown field `hieght`"), "{problems:#?}");
        assert!(problems[1].message.contains("invalid type"), "{problems:#?}");
        assert!(problems[2].message.contains("invalid length 3"), "{problems:#?}");
        assert!(problems[3].message.contains("missing field `id`"), "{problems:#?}");
        assert!(problems.iter().all(|p| p.hint.is_some()), "{problems:#?}");

        let json = r#"{"format": 1,
 "floors": [{"id": "a", "hieght": 3,
   "walls": [{"points": [[0, 0], [1, 0]], "material": "brick", "thickness": "thick"}]}],
 "aps": [{"position": [1, 1]}]}"#;
        let Err(Error::InvalidPlan { problems }) = parse_str("p.json", json, PlanFormat::Json) else {
            panic!("expected several problems");
        };
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 3, 4], "{problems:#?}");
    }

    #[test]
    fn broken_json_is_one_syntax_error_and_returns() {
        // Found by the fuzzer: a `}` where an array item should be once
        // sent the JSON source map into an endless loop.
        let text = "{\"format\": 1, \"aps\": [{\"position\": [4.0, \"x\": 0.2 }],\n \"5\", }";
        assert!(matches!(parse_str("p.json", text, PlanFormat::Json), Err(Error::Parse(_))));
        let map = super::SourceMap::from_json("[1, }, 2]");
        assert_eq!(map.locate("[0]").line, 1);
    }

    #[test]
    fn one_problem_stays_a_parse_error() {
        let text = "format = 1\n[[floors]]\nid = \"a\"\nhieght = 3\n";
        assert!(matches!(parse_str("p.toml", text, PlanFormat::Toml), Err(Error::Parse(_))));
    }
}
