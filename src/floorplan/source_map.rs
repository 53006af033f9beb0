//! Where each value of a plan file stands in its text.
//!
//! Serde gives typed structs without positions; validation finds problems
//! on those structs. The source map links the two: it records, for every
//! value, its path (`floors[0].walls[2].material`) and byte span, so a
//! problem found on a struct is reported at the line and column the user
//! wrote it.

use std::collections::HashMap;
use std::ops::Range;

/// A resolved position in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Paths of values to their byte spans in the source text.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    spans: HashMap<String, Range<usize>>,
    line_starts: Vec<usize>,
    text: String,
}

impl SourceMap {
    /// An empty map over `text` (every lookup falls back to line 1).
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceMap { spans: HashMap::new(), line_starts, text: text.to_owned() }
    }

    /// Records the span of the value at `path`.
    pub fn insert(&mut self, path: String, span: Range<usize>) {
        self.spans.entry(path).or_insert(span);
    }

    /// The span recorded for `path`, or for its nearest recorded ancestor
    /// (a missing optional key is reported at its table).
    pub fn span(&self, path: &str) -> Option<Range<usize>> {
        let mut current = path;
        loop {
            if let Some(span) = self.spans.get(current) {
                return Some(span.clone());
            }
            let cut = current.rfind(['.', '['])?;
            current = &current[..cut];
        }
    }

    /// The line and column of the value at `path` (see [`SourceMap::span`]).
    pub fn locate(&self, path: &str) -> Location {
        self.span(path).map_or(Location { line: 1, column: 1 }, |span| self.offset_location(span.start))
    }

    /// The line and column of a byte offset.
    pub fn offset_location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line_index = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line_index];
        let column = self.text.get(line_start..offset).map_or(offset - line_start, |prefix| prefix.chars().count());
        Location { line: line_index + 1, column: column + 1 }
    }

    /// Fills the map from a TOML document.
    pub fn from_toml(text: &str) -> Self {
        let mut map = SourceMap::new(text);
        if let Ok(root) = toml::de::DeTable::parse(text) {
            map.insert(String::new(), root.span());
            map.walk_toml_table(String::new(), root.get_ref());
        }
        map
    }

    fn walk_toml_table(&mut self, prefix: String, table: &toml::de::DeTable<'_>) {
        for (key, value) in table {
            let path =
                if prefix.is_empty() { key.get_ref().to_string() } else { format!("{prefix}.{}", key.get_ref()) };
            // A key's own span is more useful than its value's for tables
            // written as `[section]` headers, whose value span is the body.
            let span = match value.get_ref() {
                toml::de::DeValue::Table(_) => key.span(),
                _ => value.span(),
            };
            self.insert(path.clone(), span);
            self.walk_toml_value(path, value.get_ref());
        }
    }

    fn walk_toml_value(&mut self, path: String, value: &toml::de::DeValue<'_>) {
        match value {
            toml::de::DeValue::Table(table) => self.walk_toml_table(path, table),
            toml::de::DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    self.insert(item_path.clone(), item.span());
                    self.walk_toml_value(item_path, item.get_ref());
                }
            }
            _ => {}
        }
    }

    /// Fills the map from a JSON document (a small scanner: serde_json keeps
    /// no positions for values).
    pub fn from_json(text: &str) -> Self {
        let mut map = SourceMap::new(text);
        let mut scanner = JsonScanner { bytes: text.as_bytes(), pos: 0, map: &mut map };
        scanner.skip_ws();
        // A malformed document simply leaves the map partial: serde_json
        // reports the syntax error itself, with its own position.
        let _ = scanner.value(String::new());
        map
    }
}

struct JsonScanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    map: &'a mut SourceMap,
}

impl JsonScanner<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn value(&mut self, path: String) -> Option<()> {
        self.skip_ws();
        let start = self.pos;
        match *self.bytes.get(self.pos)? {
            b'{' => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    match *self.bytes.get(self.pos)? {
                        b'}' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => self.pos += 1,
                        b'"' => {
                            let key_start = self.pos;
                            let key = self.string()?;
                            self.skip_ws();
                            if *self.bytes.get(self.pos)? != b':' {
                                return None;
                            }
                            self.pos += 1;
                            let child = if path.is_empty() { key } else { format!("{path}.{key}") };
                            self.map.insert(child.clone(), key_start..self.pos);
                            self.value(child)?;
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                let mut index = 0;
                loop {
                    self.skip_ws();
                    match *self.bytes.get(self.pos)? {
                        b']' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => self.pos += 1,
                        _ => {
                            self.value(format!("{path}[{index}]"))?;
                            index += 1;
                        }
                    }
                }
            }
            b'"' => {
                self.string()?;
            }
            // A stray `}` or `]` where a value belongs: a syntax error
            // (serde_json reports it); stop rather than stand still.
            b'}' | b']' => return None,
            _ => {
                while self.pos < self.bytes.len()
                    && !matches!(self.bytes[self.pos], b',' | b'}' | b']')
                    && !self.bytes[self.pos].is_ascii_whitespace()
                {
                    self.pos += 1;
                }
            }
        }
        // Values keep the span of their key where one was recorded; array
        // items and the root get their own.
        self.map.insert(path, start..self.pos);
        Some(())
    }

    fn string(&mut self) -> Option<String> {
        self.pos += 1;
        let start = self.pos;
        while *self.bytes.get(self.pos)? != b'"' {
            if self.bytes[self.pos] == b'\\' {
                self.pos += 1;
            }
            self.pos += 1;
        }
        let text = String::from_utf8_lossy(&self.bytes[start..self.pos]).into_owned();
        self.pos += 1;
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_paths_point_at_their_lines() {
        let text = "format = 1\n\n[[floors]]\nid = \"a\"\n\n[[floors.walls]]\nmaterial = \"brik\"\n";
        let map = SourceMap::from_toml(text);
        assert_eq!(map.locate("floors[0].walls[0].material"), Location { line: 7, column: 12 });
        assert_eq!(map.locate("floors[0].id").line, 4);
        // A missing key falls back to its table.
        assert_eq!(map.locate("floors[0].walls[0].thickness").line, 6);
    }

    #[test]
    fn json_paths_point_at_their_lines() {
        let text = "{\n  \"format\": 1,\n  \"floors\": [\n    {\"id\": \"a\",\n     \"walls\": [{\"material\": \"brik\"}]}\n  ]\n}\n";
        let map = SourceMap::from_json(text);
        assert_eq!(map.locate("floors[0].walls[0].material").line, 5);
        assert_eq!(map.locate("floors[0].id").line, 4);
    }
}
