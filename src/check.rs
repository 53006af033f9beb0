//! `check`: the one-plan coverage gate for CI.
//!
//! This module owns the verdict, not the simulation: it takes a simulation
//! [`Report`] and a [`Requirement`] (minimum coverage for every room,
//! per-room overrides, an AP budget) and gives one [`CheckCase`] per room,
//! per room-less storey and for the AP count, each passed, failed or
//! skipped, with a message a person can act on. It also writes those cases
//! as JUnit XML ([`junit_xml`]), the test-report format CI systems (GitHub
//! Actions reporters, GitLab, Jenkins, Azure) show as one test per room.
//!
//! Rules:
//! * a room passes when the share of it with both the signal (at its own
//!   threshold) and the SINR of the requirement ([`crate::requirement`];
//!   rounded to 0.01 %, as in `report.json`) is at least the required
//!   percentage — its `--room-min-coverage` override, else
//!   `--min-coverage`, else the room's own target from the plan — and its
//!   clients fit on the APs that reach it; a failure names the part that
//!   limits it (signal, SINR or capacity);
//! * excluded rooms are skipped, unless an override names them;
//! * a storey without rooms is checked as a whole, on its required area;
//! * with `--max-aps N`, the AP count must be at most N.

use std::fmt::Write as _;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::report::Report;
use crate::suggest::closest;
use crate::units::Real;

/// What a plan must reach.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Requirement {
    /// Minimum coverage of every room, %; `None`: each room's own target.
    pub min_coverage: Option<Real>,
    /// Per-room minimum coverage, % (room name, exact match), overriding
    /// `min_coverage`; applies to the room of that name on every storey.
    pub room_min: Vec<(String, Real)>,
    /// Most APs allowed.
    pub max_aps: Option<usize>,
}

/// Checks a percentage typed on the command line: finite and not negative.
/// Values above 100 are accepted (an impossible requirement, which fails).
fn percentage(option: &str, value: Real) -> Result<Real> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(Error::usage(format!("{option} {value} is not a percentage\n  hint: give a number ≥ 0, e.g. {option} 95")))
    }
}

impl Requirement {
    /// Builds a requirement from command-line values, checking them.
    pub fn new(min_coverage: Option<Real>, room_min: &[String], max_aps: Option<usize>) -> Result<Requirement> {
        let min_coverage = min_coverage.map(|v| percentage("--min-coverage", v)).transpose()?;
        let room_min = room_min.iter().map(|text| parse_room_min(text)).collect::<Result<Vec<_>>>()?;
        Ok(Requirement { min_coverage, room_min, max_aps })
    }

    /// The override names that match none of `rooms` (every room name of
    /// a plan).
    pub fn unmatched_rooms(&self, rooms: &[&str]) -> Vec<String> {
        self.room_min.iter().map(|(name, _)| name).filter(|name| !rooms.contains(&name.as_str())).cloned().collect()
    }

    /// The error for an override that names none of `rooms` of plan
    /// `file`, with the closest room name as a hint.
    pub fn unmatched_error(name: &str, file: &str, rooms: &[&str]) -> Error {
        let hint = match closest(name, rooms.iter().copied()) {
            Some(room) => format!("did you mean `{room}`?"),
            None if rooms.is_empty() => "the plan has no rooms".to_owned(),
            None => format!("rooms: {}", rooms.join(", ")),
        };
        Error::usage(format!("--room-min-coverage: no room named `{name}` in `{file}`\n  hint: {hint}"))
    }
}

/// Parses `NAME=PCT` (the name may itself contain `=`; the last one
/// splits).
///
/// ```
/// let (name, pct) = wifiplan::check::parse_room_min("Salle 101=80").unwrap();
/// assert_eq!((name.as_str(), pct), ("Salle 101", 80.0));
/// ```
pub fn parse_room_min(text: &str) -> Result<(String, Real)> {
    let form = || {
        Error::usage(format!(
            "--room-min-coverage `{text}` is not of the form NAME=PCT\n  hint: e.g. --room-min-coverage \"Salle 101=80\""
        ))
    };
    let (name, value) = text.rsplit_once('=').ok_or_else(form)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(form());
    }
    let value: Real = value.trim().trim_end_matches('%').parse().map_err(|_| form())?;
    Ok((name.to_owned(), percentage("--room-min-coverage", value)?))
}

/// How one case ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Requirement met.
    Passed,
    /// Requirement not met.
    Failed,
    /// Not checked (an excluded room).
    Skipped,
}

/// What a case checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// A room's coverage.
    Room,
    /// The coverage of a storey without rooms.
    Floor,
    /// The number of APs.
    ApCount,
}

/// One verdict: a room, a room-less storey, or the AP count.
#[derive(Clone, Debug, Serialize)]
pub struct CheckCase {
    /// What is checked.
    pub kind: CaseKind,
    /// Storey id (rooms and storeys).
    pub floor: Option<String>,
    /// Room name, storey id, or `AP count`.
    pub name: String,
    /// The measured value: coverage % or AP count.
    pub value: Real,
    /// The required value: minimum coverage % or maximum AP count.
    pub required: Real,
    /// Threshold the coverage is measured at, dBm.
    pub threshold_dbm: Option<Real>,
    /// Minimum SINR the coverage is measured with, dB.
    pub min_sinr_db: Option<Real>,
    /// The part of the requirement that limits it (failing first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited_by: Option<crate::requirement::Part>,
    /// Passed, failed or skipped.
    pub outcome: Outcome,
    /// One line saying the measured against the required value.
    pub message: String,
    /// More detail for a failure: area, median and minimum signal, serving
    /// APs.
    pub detail: String,
}

/// The verdict on one plan.
#[derive(Clone, Debug, Serialize)]
pub struct CheckResult {
    /// Plan name.
    pub plan: String,
    /// Plan file.
    pub file: String,
    /// Model name.
    pub model: String,
    /// Grid cell size, m.
    pub resolution_m: Real,
    /// Whole-building coverage, %.
    pub coverage_pct: Real,
    /// Number of APs.
    pub ap_count: usize,
    /// `--min-coverage`, if given.
    pub min_coverage_pct: Option<Real>,
    /// `--max-aps`, if given.
    pub max_aps: Option<usize>,
    /// Every case passed (or was skipped).
    pub met: bool,
    /// The cases, storey by storey, rooms in plan order, the AP count last.
    pub cases: Vec<CheckCase>,
    /// Wall-clock time of the simulation, s.
    pub run_time_s: Real,
}

impl CheckResult {
    /// Failed cases, as `floor/room` (or the case name).
    pub fn failing(&self) -> Vec<String> {
        self.cases
            .iter()
            .filter(|c| c.outcome == Outcome::Failed)
            .map(|c| match (&c.floor, c.kind) {
                (Some(floor), CaseKind::Room) => format!("{floor}/{}", c.name),
                _ => c.name.clone(),
            })
            .collect()
    }

    /// Number of cases with `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.cases.iter().filter(|c| c.outcome == outcome).count()
    }

    /// The result as pretty JSON (`check.json`, `--format json`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// A coverage percentage for a verdict: one decimal, or two when one would
/// round a miss up to the requirement.
fn pct(value: Real, required: Real) -> String {
    let one = format!("{value:.1}");
    if value < required && one.parse::<Real>().is_ok_and(|v| v >= required) {
        format!("{value:.2}%")
    } else {
        format!("{one}%")
    }
}

/// A requirement as typed: no decimals for whole numbers.
fn number(value: Real) -> String {
    if value.fract() == 0.0 && value.abs() < 1e9 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

fn dbm(value: Option<Real>) -> String {
    value.map_or_else(|| "no signal".to_owned(), |v| format!("{v:.1} dBm"))
}

/// Judges a simulation report against a requirement.
pub fn evaluate(report: &Report, requirement: &Requirement) -> CheckResult {
    let mut cases = Vec::new();
    for floor in &report.floors {
        let min_sinr = report.requirement.min_sinr_db;
        if floor.rooms.is_empty() {
            let required = requirement.min_coverage.unwrap_or(report.target_coverage_pct);
            let verdict = crate::requirement::Verdict::judge(floor.coverage_pct, floor.met_pct, required, true, None);
            let passed = verdict.met();
            cases.push(CheckCase {
                kind: CaseKind::Floor,
                floor: Some(floor.id.clone()),
                name: floor.id.clone(),
                value: floor.met_pct,
                required,
                threshold_dbm: Some(report.threshold_dbm),
                min_sinr_db: Some(min_sinr),
                limited_by: Some(verdict.limited_by),
                outcome: if passed { Outcome::Passed } else { Outcome::Failed },
                message: format!(
                    "coverage {} {} required {}% at ≥ {} dBm with SINR ≥ {} dB (storey without rooms){}",
                    pct(floor.met_pct, required),
                    if passed { "≥" } else { "<" },
                    number(required),
                    report.threshold_dbm,
                    min_sinr,
                    limit_text(passed, verdict.limited_by, floor.coverage_pct),
                ),
                detail: format!(
                    "storey {}: {} of {:.0} m² inside the outer walls at or above {} dBm, median {}; required {}%",
                    floor.id,
                    pct(floor.coverage_pct, required),
                    floor.required_area_m2,
                    report.threshold_dbm,
                    dbm(floor.median_dbm),
                    number(required)
                ),
            });
            continue;
        }
        for room in &floor.rooms {
            let named = requirement.room_min.iter().rev().find(|(name, _)| name == &room.name).map(|&(_, v)| v);
            let required = named.or(requirement.min_coverage).unwrap_or(room.target_coverage_pct);
            let skipped = room.excluded && named.is_none();
            // The busiest AP serving the room, as a share of the limit: the
            // same capacity headroom the simulation report judged, so both
            // name the same limiting part.
            let limit = report.requirement.max_clients_per_ap.max(1) as Real;
            let busiest = room
                .clients_per_ap
                .iter()
                .filter_map(|share| report.aps.iter().find(|ap| ap.id == share.ap))
                .map(|ap| ap.clients / limit)
                .fold(None, |most: Option<Real>, share| Some(most.map_or(share, |m| m.max(share))));
            let verdict = crate::requirement::Verdict::judge(
                room.coverage_pct,
                room.met_pct,
                required,
                room.capacity_ok,
                busiest,
            );
            let passed = verdict.met();
            let outcome = match (skipped, passed) {
                (true, _) => Outcome::Skipped,
                (false, true) => Outcome::Passed,
                (false, false) => Outcome::Failed,
            };
            let message = if skipped {
                "excluded from the requirement (exclude = true in the plan)".to_owned()
            } else if room.met_pct >= required && !room.capacity_ok {
                format!(
                    "coverage {} ≥ required {}% at ≥ {} dBm with SINR ≥ {} dB, but its {} clients do not fit at {} per AP — limited by capacity",
                    pct(room.met_pct, required),
                    number(required),
                    room.threshold_dbm,
                    room.min_sinr_db,
                    room.clients,
                    report.requirement.max_clients_per_ap
                )
            } else {
                format!(
                    "coverage {} {} required {}% at ≥ {} dBm with SINR ≥ {} dB{}",
                    pct(room.met_pct, required),
                    if passed { "≥" } else { "<" },
                    number(required),
                    room.threshold_dbm,
                    room.min_sinr_db,
                    limit_text(passed, verdict.limited_by, room.coverage_pct),
                )
            };
            let serving = if room.serving_aps.is_empty() { "no AP".to_owned() } else { room.serving_aps.join(", ") };
            cases.push(CheckCase {
                kind: CaseKind::Room,
                floor: Some(floor.id.clone()),
                name: room.name.clone(),
                value: room.met_pct,
                required,
                threshold_dbm: Some(room.threshold_dbm),
                min_sinr_db: Some(room.min_sinr_db),
                limited_by: (!skipped).then_some(verdict.limited_by),
                outcome,
                message,
                detail: format!(
                    "{} on storey {}: {} of {:.1} m² at or above {} dBm ({} with SINR ≥ {} dB), required {}%; {} clients{}; median {}, minimum {}, served by {serving}",
                    room.name,
                    floor.id,
                    pct(room.coverage_pct, required),
                    room.area_m2,
                    room.threshold_dbm,
                    pct(room.met_pct, required),
                    room.min_sinr_db,
                    number(required),
                    room.clients,
                    if room.capacity_ok { "" } else { " that do not fit" },
                    dbm(room.median_dbm),
                    dbm(room.min_dbm),
                ),
            });
        }
    }
    let ap_count = report.aps.len();
    if let Some(max) = requirement.max_aps {
        let passed = ap_count <= max;
        cases.push(CheckCase {
            kind: CaseKind::ApCount,
            floor: None,
            name: "AP count".to_owned(),
            value: ap_count as Real,
            required: max as Real,
            threshold_dbm: None,
            min_sinr_db: None,
            limited_by: None,
            outcome: if passed { Outcome::Passed } else { Outcome::Failed },
            message: format!("{ap_count} AP{} {} {max} allowed", plural(ap_count), if passed { "≤" } else { ">" }),
            detail: format!("the plan has {ap_count} AP{}; --max-aps allows {max}", plural(ap_count)),
        });
    }
    CheckResult {
        plan: report.plan.clone(),
        file: report.file.clone(),
        model: report.model.clone(),
        resolution_m: report.resolution_m,
        coverage_pct: report.coverage_pct,
        ap_count,
        min_coverage_pct: requirement.min_coverage,
        max_aps: requirement.max_aps,
        met: cases.iter().all(|c| c.outcome != Outcome::Failed),
        cases,
        run_time_s: report.run_time_s,
    }
}

/// ` — limited by SINR (signal alone 99.0%)` for a failure; for a pass,
/// the part with the least headroom when it is capacity (signal is what a
/// reader assumes).
fn limit_text(passed: bool, part: crate::requirement::Part, signal_pct: Real) -> String {
    match (passed, part) {
        (true, crate::requirement::Part::Capacity) => " — closest to its limit: capacity".to_owned(),
        (true, _) => String::new(),
        (false, crate::requirement::Part::Sinr) => format!(" — limited by SINR (signal alone {signal_pct:.1}%)"),
        (false, part) => format!(" — limited by {}", part.name()),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The verdict as text: a headline, then one line per case.
pub fn verdict_text(result: &CheckResult) -> String {
    let mut out = String::new();
    let rooms = result.cases.iter().filter(|c| c.kind != CaseKind::ApCount && c.outcome != Outcome::Skipped).count();
    let failed = result.count(Outcome::Failed);
    let _ = writeln!(
        out,
        "{}: requirement {} — {} of {} check{} failed ({} model, {} m grid, {} AP{}, {:.1}% of the building covered)",
        result.file,
        if result.met { "met" } else { "NOT met" },
        failed,
        rooms + usize::from(result.max_aps.is_some()),
        plural(rooms + usize::from(result.max_aps.is_some())),
        result.model,
        result.resolution_m,
        result.ap_count,
        plural(result.ap_count),
        result.coverage_pct
    );
    let width = result.cases.iter().map(|c| case_label(c).chars().count()).max().unwrap_or(0);
    for case in &result.cases {
        let word = match case.outcome {
            Outcome::Passed => "pass",
            Outcome::Failed => "FAIL",
            Outcome::Skipped => "skip",
        };
        let label = case_label(case);
        let pad = width.saturating_sub(label.chars().count());
        let _ = writeln!(out, "  {word}  {label}{}  {}", " ".repeat(pad), case.message);
    }
    out
}

fn case_label(case: &CheckCase) -> String {
    match (case.kind, &case.floor) {
        (CaseKind::Room, Some(floor)) => format!("{floor} / {}", case.name),
        (CaseKind::Floor, Some(floor)) => format!("{floor} (whole storey)"),
        _ => case.name.clone(),
    }
}

/// One plan in a JUnit report: its verdict, or the error that stopped it.
#[derive(Clone, Copy, Debug)]
pub enum JunitSuite<'a> {
    /// A plan that was checked.
    Checked(&'a CheckResult),
    /// A plan that could not be checked (file, message).
    Errored(&'a str, &'a str),
}

/// Escapes text for an XML attribute or element: the five predefined
/// entities, and characters XML 1.0 forbids (control characters other than
/// tab, newline and carriage return) replaced by U+FFFD. Newlines and tabs
/// in attributes are written as character references so parsers keep them.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The test-case class of a room: `<plan file stem>.<storey>`, the group
/// CI systems show it under.
fn class_name(file: &str, floor: Option<&str>) -> String {
    let stem =
        std::path::Path::new(file).file_stem().map_or_else(|| file.to_owned(), |s| s.to_string_lossy().into_owned());
    match floor {
        Some(floor) => format!("{stem}.{floor}"),
        None => stem,
    }
}

/// A JUnit XML report: one `<testsuite>` per plan (named by its file), one
/// `<testcase>` per room, room-less storey and AP budget, with a
/// `<failure>` whose message says the coverage against the requirement,
/// `<skipped>` for excluded rooms, and one `<error>` case for a plan that
/// could not be checked. The only timing is each suite's simulation time.
pub fn junit_xml(suites: &[JunitSuite]) -> String {
    let mut tests = 0;
    let mut failures = 0;
    let mut errors = 0;
    let mut skipped = 0;
    let mut body = String::new();
    for suite in suites {
        match *suite {
            JunitSuite::Checked(result) => {
                let (t, f, s) = (result.cases.len(), result.count(Outcome::Failed), result.count(Outcome::Skipped));
                tests += t;
                failures += f;
                skipped += s;
                let _ = writeln!(
                    body,
                    "  <testsuite name=\"{}\" tests=\"{t}\" failures=\"{f}\" errors=\"0\" skipped=\"{s}\" time=\"{}\">",
                    xml_escape(&result.file),
                    result.run_time_s
                );
                let _ = writeln!(body, "    <properties>");
                for (name, value) in [
                    ("plan", result.plan.clone()),
                    ("model", result.model.clone()),
                    ("resolution_m", result.resolution_m.to_string()),
                    ("ap_count", result.ap_count.to_string()),
                    ("coverage_pct", result.coverage_pct.to_string()),
                ] {
                    let _ = writeln!(body, "      <property name=\"{name}\" value=\"{}\"/>", xml_escape(&value));
                }
                let _ = writeln!(body, "    </properties>");
                for case in &result.cases {
                    let _ = write!(
                        body,
                        "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
                        xml_escape(&class_name(&result.file, case.floor.as_deref())),
                        xml_escape(&case.name),
                        xml_escape(&result.file)
                    );
                    match case.outcome {
                        Outcome::Passed => {
                            let _ = writeln!(body, "/>");
                        }
                        Outcome::Failed => {
                            let _ = writeln!(
                                body,
                                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                                xml_escape(&case.message),
                                if case.kind == CaseKind::ApCount { "ap_count" } else { "coverage" },
                                xml_escape(&case.detail)
                            );
                        }
                        Outcome::Skipped => {
                            let _ = writeln!(
                                body,
                                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                                xml_escape(&case.message)
                            );
                        }
                    }
                }
                let _ = writeln!(body, "  </testsuite>");
            }
            JunitSuite::Errored(file, message) => {
                tests += 1;
                errors += 1;
                let first = message.lines().next().unwrap_or("error");
                let _ = writeln!(
                    body,
                    "  <testsuite name=\"{0}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase classname=\"{1}\" name=\"plan\" file=\"{0}\">\n      <error message=\"{2}\" type=\"plan\">{3}</error>\n    </testcase>\n  </testsuite>",
                    xml_escape(file),
                    xml_escape(&class_name(file, None)),
                    xml_escape(first),
                    xml_escape(message)
                );
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"wifiplan check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n{body}</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::RoomReport;

    /// A real report of a one-room plan (so the test does not depend on
    /// every field of the report types).
    fn simulated() -> Report {
        let text = r#"
format = 1
name = "Test & <co>"
[defaults]
resolution = 0.5
[[floors]]
id = "rdc"
height = 3.0
[[floors.walls]]
points = [[0, 0], [6, 0], [6, 4], [0, 4], [0, 0]]
material = "brick"
thickness = 0.2
[[floors.rooms]]
name = "A"
polygon = [[0.2, 0.2], [5.8, 0.2], [5.8, 3.8], [0.2, 3.8]]
[[aps]]
id = "AP1"
position = [3.0, 2.0]
"#;
        let source = crate::floorplan::parse_str("plans/test.toml", text, crate::floorplan::PlanFormat::Toml).unwrap();
        let materials = crate::floorplan::validate::validate(&source).unwrap();
        let scene = crate::scene::Scene::build(&source, materials);
        let config = crate::pipeline::SimulationConfig {
            model: crate::pipeline::Model::MultiWall,
            resolution: None,
            probes: Vec::new(),
            explain_paths: false,
            requirement: Default::default(),
        };
        crate::pipeline::simulate(&source, scene, &config, &|_, _| {}).unwrap().report
    }

    /// The one-room report with its room replaced by these rooms
    /// (name, coverage %, excluded).
    fn report(rooms: &[(&str, Real, bool)]) -> Report {
        let mut report = simulated();
        let template = report.floors[0].rooms[0].clone();
        report.floors[0].rooms = rooms
            .iter()
            .map(|&(name, coverage, excluded)| RoomReport {
                name: name.to_owned(),
                coverage_pct: coverage,
                met_pct: coverage,
                excluded,
                ..template.clone()
            })
            .collect();
        report
    }

    #[test]
    fn rooms_pass_fail_and_skip_with_overrides() {
        let r = report(&[("A", 99.0, false), ("B <&>", 60.0, false), ("Stairs", 0.0, true)]);
        let requirement = Requirement::new(Some(90.0), &["B <&>=50".to_owned()], Some(1)).unwrap();
        let result = evaluate(&r, &requirement);
        let outcomes: Vec<Outcome> = result.cases.iter().map(|c| c.outcome).collect();
        assert_eq!(outcomes, [Outcome::Passed, Outcome::Passed, Outcome::Skipped, Outcome::Passed]);
        assert!(result.met);
        let strict = evaluate(&r, &Requirement::new(Some(100.1), &[], None).unwrap());
        assert!(!strict.met);
        assert_eq!(strict.failing(), ["rdc/A", "rdc/B <&>"]);
        assert_eq!(
            strict.cases[0].message,
            "coverage 99.0% < required 100.1% at ≥ -67 dBm with SINR ≥ 20 dB — limited by signal"
        );
        // Without --min-coverage, each room's own target applies.
        let own = evaluate(&r, &Requirement::default());
        assert_eq!(own.count(Outcome::Failed), 1);
    }

    #[test]
    fn a_near_miss_is_not_rounded_up_to_the_requirement() {
        assert_eq!(pct(94.96, 95.0), "94.96%");
        assert_eq!(pct(95.0, 95.0), "95.0%");
    }

    #[test]
    fn room_overrides_parse_and_reject_nonsense() {
        assert_eq!(parse_room_min("a=b=75%").unwrap(), ("a=b".to_owned(), 75.0));
        for bad in ["Salle", "=80", "Salle=", "Salle=x", "Salle=-5", "Salle=NaN"] {
            let message = parse_room_min(bad).unwrap_err().to_string();
            assert!(message.contains("hint:"), "{bad}: {message}");
        }
        assert!(Requirement::new(Some(f64::INFINITY), &[], None).is_err());
        assert!(Requirement::new(Some(100.1), &[], None).is_ok());
    }

    #[test]
    fn unmatched_override_suggests_the_nearest_room() {
        let r = report(&[("Salle 101", 99.0, false)]);
        let requirement = Requirement::new(None, &["Salle 110=80".to_owned()], None).unwrap();
        let rooms: Vec<&str> = r.floors.iter().flat_map(|f| &f.rooms).map(|r| r.name.as_str()).collect();
        assert_eq!(requirement.unmatched_rooms(&rooms), ["Salle 110"]);
        let message = Requirement::unmatched_error("Salle 110", &r.file, &rooms).to_string();
        assert!(message.contains("did you mean `Salle 101`?"), "{message}");
    }

    #[test]
    fn junit_escapes_and_counts() {
        let r = report(&[("A", 99.0, false), ("B \"<&>'", 60.0, false), ("Stairs", 0.0, true)]);
        let result = evaluate(&r, &Requirement::new(Some(95.0), &[], None).unwrap());
        let xml = junit_xml(&[JunitSuite::Checked(&result), JunitSuite::Errored("bad\u{1}.toml", "line 1\nline 2")]);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
        assert!(xml.contains("tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\""), "{xml}");
        assert!(xml.contains("name=\"B &quot;&lt;&amp;&gt;&apos;\""), "{xml}");
        assert!(
            xml.contains("<failure message=\"coverage 60.0% &lt; required 95% at ≥ -67 dBm with SINR ≥ 20 dB — limited by signal\""),
            "{xml}"
        );
        assert!(xml.contains("bad\u{fffd}.toml") && xml.contains("line 1&#10;line 2"), "{xml}");
        assert_eq!(xml.matches("<testcase").count(), 4);
        assert_eq!(xml.matches("<testsuite ").count(), 2);
        assert_eq!(xml.matches("</testsuite>").count(), 2);
    }
}
