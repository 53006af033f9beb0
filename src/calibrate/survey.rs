//! Site-survey files: CSV with the header `x,y,floor,ap,rssi_dbm`, one
//! measurement per row, checked against the plan's scene.
//!
//! * `x`, `y`: metres in the plan's frame (x east, y north), the receiver
//!   at the plan's `receiver_height` above the storey's floor;
//! * `floor`: a storey id of the plan;
//! * `ap`: an AP id of the plan (any storey: measurements through a floor
//!   slab are welcome);
//! * `rssi_dbm`: the received power of that AP there, dBm.
//!
//! The columns may come in any order and the names are matched ignoring
//! case and surrounding spaces; other columns (a timestamp, an SSID) are
//! ignored. Fields may be quoted (`"AP, north"`, `""` for a quote inside).
//! Blank lines and lines starting with `#` are skipped, so a survey file
//! can say where it comes from.
//!
//! Every problem of every file is collected (up to [`MAX_PROBLEMS`]) and
//! reported as `file:line:column` with a hint, so one run shows what to
//! fix.

use std::path::Path;

use crate::error::{Diagnostic, Error, Result};
use crate::geometry::{point_segment_distance, Point2};
use crate::scene::{Scene, SceneFloor};
use crate::suggest::closest;
use crate::units::Real;

/// The columns a survey must have, in the documented order.
pub const COLUMNS: [&str; 5] = ["x", "y", "floor", "ap", "rssi_dbm"];

/// Most problems listed before the rest are only counted.
pub const MAX_PROBLEMS: usize = 50;

/// Received powers outside this range (dBm) are taken for a unit or sign
/// mistake: no Wi-Fi client reports more than +30 dBm (the largest EIRP
/// allowed anywhere is about 36 dBm, at the antenna), and −150 dBm is
/// 50 dB under any receiver's noise floor.
pub const RSSI_RANGE_DBM: (Real, Real) = (-150.0, 30.0);

/// One measurement, resolved against the scene.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// Index of the survey file in [`Survey::files`].
    pub file: usize,
    /// 1-based line in that file.
    pub line: usize,
    /// Position on the plan, m.
    pub point: Point2,
    /// Index of the storey in the scene.
    pub floor: usize,
    /// Index of the AP in the scene.
    pub ap: usize,
    /// Measured received power, dBm.
    pub rssi_dbm: Real,
}

/// A survey file and how many measurements it gave.
#[derive(Clone, Debug, PartialEq)]
pub struct SurveyFile {
    /// The path as the user gave it.
    pub path: String,
    /// Measurements read from it.
    pub measurements: usize,
}

/// Every measurement of every survey file, in file and line order.
#[derive(Clone, Debug, PartialEq)]
pub struct Survey {
    /// The files.
    pub files: Vec<SurveyFile>,
    /// The measurements.
    pub measurements: Vec<Measurement>,
}

impl Survey {
    /// Reads and checks survey files against `scene`. Any problem in any
    /// file fails the whole survey, with every problem listed.
    pub fn load(paths: &[impl AsRef<Path>], scene: &Scene) -> Result<Survey> {
        let mut texts = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let bytes =
                std::fs::read(path).map_err(|source| Error::Io { action: "read", path: path.to_owned(), source })?;
            texts.push((path.display().to_string(), bytes));
        }
        let borrowed: Vec<(&str, &[u8])> =
            texts.iter().map(|(name, bytes)| (name.as_str(), bytes.as_slice())).collect();
        Survey::parse(&borrowed, scene)
    }

    /// [`Survey::load`] from file names and contents.
    pub fn parse(files: &[(&str, &[u8])], scene: &Scene) -> Result<Survey> {
        let mut problems = Problems::default();
        let mut survey = Survey { files: Vec::new(), measurements: Vec::new() };
        if files.is_empty() {
            return Err(Error::usage("no survey file given\n  hint: wifiplan calibrate PLAN SURVEY.csv… --out DIR"));
        }
        for (index, (name, bytes)) in files.iter().enumerate() {
            let before = survey.measurements.len();
            parse_file(index, name, bytes, scene, &mut survey.measurements, &mut problems);
            survey
                .files
                .push(SurveyFile { path: (*name).to_owned(), measurements: survey.measurements.len() - before });
        }
        problems.into_result()?;
        Ok(survey)
    }

    /// The storeys measured on, sorted.
    pub fn floors(&self) -> Vec<usize> {
        let mut floors: Vec<usize> = self.measurements.iter().map(|m| m.floor).collect();
        floors.sort_unstable();
        floors.dedup();
        floors
    }

    /// The APs measured, sorted.
    pub fn aps(&self) -> Vec<usize> {
        let mut aps: Vec<usize> = self.measurements.iter().map(|m| m.ap).collect();
        aps.sort_unstable();
        aps.dedup();
        aps
    }
}

/// Problems collected over every file.
#[derive(Default)]
struct Problems {
    list: Vec<Diagnostic>,
    more: usize,
}

impl Problems {
    fn push(&mut self, file: &str, line: usize, column: usize, message: String, hint: Option<String>) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(Diagnostic { file: file.to_owned(), line, column, message, hint });
        } else {
            self.more += 1;
        }
    }

    fn into_result(mut self) -> Result<()> {
        if self.list.is_empty() {
            return Ok(());
        }
        if self.more > 0 {
            if let Some(last) = self.list.last_mut() {
                let note = format!("{} more problem{} not shown", self.more, if self.more == 1 { "" } else { "s" });
                last.hint = Some(match last.hint.take() {
                    Some(hint) => format!("{hint}\n  note: {note}"),
                    None => note,
                });
            }
        }
        Err(Error::InvalidPlan { problems: self.list })
    }
}

/// One field of a CSV line: its text (unquoted, trimmed) and its 1-based
/// column in characters.
#[derive(Debug, PartialEq)]
struct Field {
    text: String,
    column: usize,
}

/// Splits one CSV line (RFC 4180 without line breaks inside quotes):
/// fields separated by commas, optionally in double quotes with `""` for a
/// quote. Spaces around a field are dropped.
fn split_line(line: &str) -> std::result::Result<Vec<Field>, (usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut fields = Vec::new();
    let mut i = 0;
    loop {
        while i < chars.len() && matches!(chars[i], ' ' | '\t') {
            i += 1;
        }
        let column = i + 1;
        let mut text = String::new();
        if i < chars.len() && chars[i] == '"' {
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err((column, "a quoted field is not closed".to_owned())),
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        text.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(&c) => {
                        text.push(c);
                        i += 1;
                    }
                }
            }
            while i < chars.len() && matches!(chars[i], ' ' | '\t') {
                i += 1;
            }
            if i < chars.len() && chars[i] != ',' {
                return Err((i + 1, "unexpected text after a closing quote".to_owned()));
            }
        } else {
            while i < chars.len() && chars[i] != ',' {
                text.push(chars[i]);
                i += 1;
            }
            text = text.trim().to_owned();
        }
        fields.push(Field { text, column });
        if i >= chars.len() {
            return Ok(fields);
        }
        // Skip the comma.
        i += 1;
    }
}

/// Where each required column is in the header.
struct Header {
    index: [usize; 5],
}

fn parse_header(file: &str, line_number: usize, line: &str, problems: &mut Problems) -> Option<Header> {
    let hint_header = "the first line must name the columns: x,y,floor,ap,rssi_dbm";
    let fields = match split_line(line) {
        Ok(fields) => fields,
        Err((column, message)) => {
            problems.push(file, line_number, column, message, Some(hint_header.to_owned()));
            return None;
        }
    };
    if fields.len() == 1 && line.contains(';') {
        problems.push(
            file,
            line_number,
            1,
            "the header is separated by `;`, not commas".to_owned(),
            Some("save the survey as comma-separated values: x,y,floor,ap,rssi_dbm".to_owned()),
        );
        return None;
    }
    let names: Vec<String> = fields.iter().map(|f| f.text.trim().to_ascii_lowercase()).collect();
    // A first line naming no column whose x and y are numbers is a
    // measurement: the header is missing, not misspelt.
    let names_no_column = !names.iter().any(|n| COLUMNS.contains(&n.as_str()));
    let starts_with_numbers = names.len() >= 2 && names[..2].iter().all(|n| n.parse::<f64>().is_ok());
    if names_no_column && starts_with_numbers {
        problems.push(file, line_number, 1, "the survey has no header line".to_owned(), Some(hint_header.to_owned()));
        return None;
    }
    let mut index = [0usize; 5];
    let mut ok = true;
    for (k, wanted) in COLUMNS.iter().enumerate() {
        let found: Vec<usize> = names.iter().enumerate().filter(|(_, n)| n == wanted).map(|(i, _)| i).collect();
        match found.as_slice() {
            [i] => index[k] = *i,
            [] => {
                let mut unused = names.iter().filter(|n| !COLUMNS.contains(&n.as_str())).map(String::as_str);
                // `rssi` for `rssi_dbm` is too far for an edit distance
                // but plainly the same column: a prefix counts as a match.
                let prefix = unused.clone().find(|n| n.len() >= 3 && wanted.starts_with(*n));
                let hint = match prefix.or_else(|| closest(wanted, &mut unused)) {
                    Some(near) => format!("rename column `{near}` to `{wanted}`? The header is x,y,floor,ap,rssi_dbm"),
                    None => format!("add the column; {hint_header}"),
                };
                problems.push(file, line_number, 1, format!("the header has no `{wanted}` column"), Some(hint));
                ok = false;
            }
            [_, second, ..] => {
                problems.push(
                    file,
                    line_number,
                    fields[*second].column,
                    format!("column `{wanted}` appears twice in the header"),
                    Some("keep one".to_owned()),
                );
                ok = false;
            }
        }
    }
    ok.then_some(Header { index })
}

fn parse_file(
    file_index: usize,
    file: &str,
    bytes: &[u8],
    scene: &Scene,
    out: &mut Vec<Measurement>,
    problems: &mut Problems,
) {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            problems.push(
                file,
                line,
                1,
                "the file is not valid UTF-8 text".to_owned(),
                Some("save it as UTF-8".into()),
            );
            return;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut header: Option<Header> = None;
    let mut header_seen = false;
    let mut rows = 0usize;
    let mut last_line = 1;
    for (k, raw) in text.lines().enumerate() {
        let line_number = k + 1;
        last_line = line_number;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !header_seen {
            header_seen = true;
            header = parse_header(file, line_number, line, problems);
            continue;
        }
        let Some(header) = &header else { continue };
        rows += 1;
        if let Some(m) = parse_row(file_index, file, line_number, line, header, scene, problems) {
            out.push(m);
        }
    }
    if header_seen && header.is_some() && rows == 0 {
        problems.push(
            file,
            last_line,
            1,
            "the survey has no measurements".to_owned(),
            Some("add one row per measurement under the header, e.g. 3.5,2.0,rdc,AP1,-61.5".to_owned()),
        );
    } else if !header_seen {
        problems.push(
            file,
            last_line,
            1,
            "the survey is empty".to_owned(),
            Some("a survey is a header line x,y,floor,ap,rssi_dbm and one row per measurement".to_owned()),
        );
    }
}

fn parse_row(
    file_index: usize,
    file: &str,
    line_number: usize,
    line: &str,
    header: &Header,
    scene: &Scene,
    problems: &mut Problems,
) -> Option<Measurement> {
    let fields = match split_line(line) {
        Ok(fields) => fields,
        Err((column, message)) => {
            problems.push(file, line_number, column, message, None);
            return None;
        }
    };
    let needed = header.index.iter().copied().max().unwrap_or(0) + 1;
    if fields.len() < needed {
        let column = line.chars().count() + 1;
        problems.push(
            file,
            line_number,
            column,
            format!("the row has {} field{}, the header {needed} or more", fields.len(), plural(fields.len())),
            Some("one value per column: x,y,floor,ap,rssi_dbm".to_owned()),
        );
        return None;
    }
    let field = |k: usize| &fields[header.index[k]];
    let mut ok = true;
    let mut number = |k: usize, hint: &str| -> Real {
        let f = field(k);
        match f.text.parse::<Real>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                let what =
                    if f.text.is_empty() { "is empty".to_owned() } else { format!("`{}` is not a number", f.text) };
                problems.push(file, line_number, f.column, format!("{} {what}", COLUMNS[k]), Some(hint.to_owned()));
                ok = false;
                Real::NAN
            }
        }
    };
    let x = number(0, "x is in metres in the plan's frame, e.g. 3.5 (a decimal point, not a comma)");
    let y = number(1, "y is in metres in the plan's frame, e.g. 2.0 (a decimal point, not a comma)");
    let rssi = number(4, "rssi_dbm is the received power in dBm, a number such as -61.5");
    if rssi.is_finite() && !(RSSI_RANGE_DBM.0..=RSSI_RANGE_DBM.1).contains(&rssi) {
        problems.push(
            file,
            line_number,
            field(4).column,
            format!("rssi_dbm {rssi} is not a plausible received power"),
            Some(format!(
                "received powers are dBm between {} and {}, negative indoors (e.g. -61.5); check the unit and sign",
                RSSI_RANGE_DBM.0, RSSI_RANGE_DBM.1
            )),
        );
        ok = false;
    }

    let floor_field = field(2);
    let floor = scene.floor_index(&floor_field.text);
    if floor.is_none() {
        let ids: Vec<&str> = scene.floors.iter().map(|f| f.id.as_str()).collect();
        let hint = match closest(&floor_field.text, ids.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? The plan's storeys: {}", ids.join(", ")),
            None => format!("the floor column names a storey id of the plan: {}", ids.join(", ")),
        };
        let message = if floor_field.text.is_empty() {
            "floor is empty".to_owned()
        } else {
            format!("unknown storey `{}`", floor_field.text)
        };
        problems.push(file, line_number, floor_field.column, message, Some(hint));
        ok = false;
    }

    let ap_field = field(3);
    let ap = scene.aps.iter().position(|ap| ap.id == ap_field.text);
    if ap.is_none() {
        let ids: Vec<&str> = scene.aps.iter().map(|a| a.id.as_str()).collect();
        let hint = if ids.is_empty() {
            "the plan has no APs; add the surveyed AP to the plan's [[aps]] with its position and power".to_owned()
        } else {
            match closest(&ap_field.text, ids.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? The plan's APs: {}", list_ids(&ids)),
                None => format!("the ap column names an AP id of the plan: {}", list_ids(&ids)),
            }
        };
        let message =
            if ap_field.text.is_empty() { "ap is empty".to_owned() } else { format!("unknown AP `{}`", ap_field.text) };
        problems.push(file, line_number, ap_field.column, message, Some(hint));
        ok = false;
    }

    let (floor, ap) = match (floor, ap) {
        (Some(floor), Some(ap)) if ok => (floor, ap),
        _ => return None,
    };
    let point = Point2::new(x, y);
    let storey = &scene.floors[floor];
    let extent = storey_extent(storey);
    if !extent.contains(point) {
        let hint = if extent.is_empty() {
            "the storey has no walls or rooms to place the point in".to_owned()
        } else {
            format!(
                "storey `{}` spans x {:.2} to {:.2} m and y {:.2} to {:.2} m; survey coordinates are metres in the \
                 plan's frame (same origin, x east, y north)",
                storey.id, extent.min.x, extent.max.x, extent.min.y, extent.max.y
            )
        };
        problems.push(
            file,
            line_number,
            field(0).column,
            format!("point ({x}, {y}) is outside storey `{}`", storey.id),
            Some(hint),
        );
        return None;
    }
    let z = scene.settings.receiver_height;
    if let Some(wall) = solid_wall_at(storey, point, storey.elevation + z) {
        problems.push(
            file,
            line_number,
            field(0).column,
            format!("point ({x}, {y}) is inside wall `{wall}` on storey `{}`", storey.id),
            Some("a receiver cannot stand inside a wall; check the coordinates, or the wall's position and thickness in the plan".to_owned()),
        );
        return None;
    }
    Some(Measurement { file: file_index, line: line_number, point, floor, ap, rssi_dbm: rssi })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// At most 12 ids, then "…".
fn list_ids(ids: &[&str]) -> String {
    let mut text = ids.iter().take(12).copied().collect::<Vec<_>>().join(", ");
    if ids.len() > 12 {
        text.push_str(", …");
    }
    text
}

/// Where survey points may be: the box of the storey's walls, else of its
/// rooms (a storey without walls).
fn storey_extent(storey: &SceneFloor) -> crate::geometry::Aabb2 {
    if !storey.footprint.is_empty() {
        return storey.footprint;
    }
    storey.rooms.iter().fold(crate::geometry::Aabb2::EMPTY, |acc, r| acc.union(&r.bounds))
}

/// The name of the wall whose solid body contains `p` at height `z`
/// (absolute), if any. Doors, windows and openings are not solid: a walk
/// survey passes through doorways, also in a 1.2 m wall.
fn solid_wall_at(storey: &SceneFloor, p: Point2, z: Real) -> Option<String> {
    storey.walls.iter().find_map(|wall| {
        let (distance, along) = point_segment_distance(p, wall.a, wall.b);
        if distance > wall.slab.thickness / 2.0 || z < wall.z.0 || z > wall.z.1 {
            return None;
        }
        let in_opening =
            wall.openings.iter().any(|o| along >= o.along.0 && along <= o.along.1 && z >= o.z.0 && z <= o.z.1);
        (!in_opening).then(|| {
            storey.wall_names.get(wall.wall_index).cloned().unwrap_or_else(|| format!("wall {}", wall.wall_index + 1))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::floorplan::{parse_str, PlanFormat};

    const PLAN: &str = r#"
format = 1
[[floors]]
id = "rdc"
height = 3.0
walls = [
  { id = "shell", points = [[0, 0], [10, 0], [10, 6], [0, 6], [0, 0]], material = "brick", thickness = 0.3 },
  { id = "thick", points = [[5, 0], [5, 6]], material = "concrete", thickness = 1.2 },
]
openings = [{ wall = "thick", at = [[5, 2.5], [5, 3.5]], kind = "door" }]

[[floors]]
id = "etage"
elevation = 3.3
height = 3.0
walls = [{ points = [[0, 0], [10, 0], [10, 6], [0, 6], [0, 0]], material = "brick", thickness = 0.3 }]

[[aps]]
id = "AP-1"
position = [2, 3]

[[aps]]
id = "AP-2"
floor = "etage"
position = [8, 3]
"#;

    fn scene() -> Scene {
        let source = parse_str("p.toml", PLAN, PlanFormat::Toml).unwrap();
        let materials = crate::floorplan::validate::validate(&source).unwrap();
        Scene::build(&source, materials)
    }

    fn problems(text: &str) -> Vec<Diagnostic> {
        match Survey::parse(&[("s.csv", text.as_bytes())], &scene()) {
            Err(Error::InvalidPlan { problems }) => problems,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn reads_rows_in_any_column_order_with_comments_and_quotes() {
        let text = "# walk survey, 2026-11-27\n\u{20}AP, X ,y,rssi_dBm,floor,ssid\n\"AP-1\",1.5,2,-40.5,rdc,\"eduroam, 5G\"\n\nAP-2,8,3,-70,etage,x\r\n";
        let survey = Survey::parse(&[("s.csv", text.as_bytes())], &scene()).unwrap();
        assert_eq!(survey.files, vec![SurveyFile { path: "s.csv".into(), measurements: 2 }]);
        let m = &survey.measurements;
        assert_eq!(
            (m[0].line, m[0].point, m[0].floor, m[0].ap, m[0].rssi_dbm),
            (3, Point2::new(1.5, 2.0), 0, 0, -40.5)
        );
        assert_eq!((m[1].line, m[1].floor, m[1].ap), (5, 1, 1));
        assert_eq!(survey.floors(), vec![0, 1]);
        assert_eq!(survey.aps(), vec![0, 1]);
    }

    #[test]
    fn a_doorway_is_not_inside_the_wall() {
        let text = "x,y,floor,ap,rssi_dbm\n5.0,3.0,rdc,AP-1,-50\n";
        assert!(Survey::parse(&[("s.csv", text.as_bytes())], &scene()).is_ok());
    }

    #[test]
    fn every_bad_row_is_located_with_a_hint() {
        let text = "x,y,floor,ap,rssi_dbm\n\
                    1,2,rdc,AP-3,-50\n\
                    1,2,rcd,AP-1,-50\n\
                    1,2,rdc,AP-1,-5o\n\
                    30,2,rdc,AP-1,-50\n\
                    5.2,1,rdc,AP-1,-50\n\
                    1,2,rdc,AP-1,-500\n\
                    1,2,rdc\n\
                    1,\"2,rdc,AP-1,-50\n";
        let p = problems(text);
        let messages: Vec<(usize, usize, &str)> = p.iter().map(|d| (d.line, d.column, d.message.as_str())).collect();
        assert_eq!(
            messages,
            vec![
                (2, 9, "unknown AP `AP-3`"),
                (3, 5, "unknown storey `rcd`"),
                (4, 14, "rssi_dbm `-5o` is not a number"),
                (5, 1, "point (30, 2) is outside storey `rdc`"),
                (6, 1, "point (5.2, 1) is inside wall `thick` on storey `rdc`"),
                (7, 14, "rssi_dbm -500 is not a plausible received power"),
                (8, 8, "the row has 3 fields, the header 5 or more"),
                (9, 3, "a quoted field is not closed"),
            ]
        );
        assert!(p[0].hint.as_deref().unwrap().starts_with("did you mean `AP-1`?"), "{:?}", p[0].hint);
        assert!(p[1].hint.as_deref().unwrap().starts_with("did you mean `rdc`?"));
        assert!(p[3].hint.as_deref().unwrap().contains("x -0.15 to 10.15 m"), "{:?}", p[3].hint);
        assert!(p.iter().all(|d| d.file == "s.csv" && d.hint.is_some() || d.line == 9));
    }

    #[test]
    fn headers_and_empty_files() {
        let p = problems("x,y,storey,ap,rssi\n1,2,rdc,AP-1,-50\n");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].message, "the header has no `floor` column");
        assert_eq!(p[1].message, "the header has no `rssi_dbm` column");
        assert!(p[1].hint.as_deref().unwrap().contains("rename column `rssi`"), "{:?}", p[1].hint);
        assert_eq!(problems("1,2,rdc,AP-1,-50\n")[0].message, "the survey has no header line");
        assert_eq!(problems("x;y;floor;ap;rssi_dbm\n")[0].message, "the header is separated by `;`, not commas");
        let empty = problems("x,y,floor,ap,rssi_dbm\n# nothing yet\n");
        assert_eq!((empty[0].line, empty[0].message.as_str()), (2, "the survey has no measurements"));
        assert_eq!(problems("")[0].message, "the survey is empty");
        assert_eq!(problems("x,y,x,floor,ap,rssi_dbm\n1,2,3,rdc,AP-1,-50\n")[0].column, 5);
        let bad = [0xff, 0xfe, b'\n'];
        assert_eq!(
            Survey::parse(&[("b.csv", &bad)], &scene()).unwrap_err().to_string().lines().next().unwrap(),
            "b.csv:1:1: error: the file is not valid UTF-8 text"
        );
    }

    #[test]
    fn problems_are_capped() {
        let mut text = "x,y,floor,ap,rssi_dbm\n".to_owned();
        for _ in 0..(MAX_PROBLEMS + 7) {
            text.push_str("1,2,rdc,nope,-50\n");
        }
        let p = problems(&text);
        assert_eq!(p.len(), MAX_PROBLEMS);
        assert!(p.last().unwrap().hint.as_deref().unwrap().ends_with("7 more problems not shown"));
    }

    #[test]
    fn csv_lines_split_like_rfc_4180() {
        let f = split_line(r#" a , "b ""q"", c" ,,d"#).unwrap();
        let texts: Vec<&str> = f.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, vec!["a", "b \"q\", c", "", "d"]);
        assert_eq!(f.iter().map(|f| f.column).collect::<Vec<_>>(), vec![2, 6, 20, 21]);
        assert!(split_line("\"a\"b").is_err());
        assert_eq!(split_line("").unwrap().len(), 1);
    }
}
