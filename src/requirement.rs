//! The requirement: what a plan must reach, defined once and judged the
//! same way by `simulate`, `check`, `plan` and `compare`.
//!
//! A room meets it when, over at least its target share of its area
//! (`target_coverage`, 95 % by default):
//! * **signal**: the best server is at or above the room's threshold
//!   (`threshold_dbm`, −67 dBm by default), and
//! * **SINR**: the serving AP's SINR is at or above `min_sinr_db` (20 dB by
//!   default), on the same cells;
//!
//! and **capacity** holds: its clients can be spread over the APs that reach
//! the threshold where they sit with no AP above `max_clients_per_ap` (30 by
//! default; see [`crate::capacity`]).
//!
//! # Presets
//!
//! `requirement = "voice" | "data" | "iot"` in `[defaults]` (or
//! `--requirement`) sets the threshold and the SINR together:
//!
//! | preset | signal | SINR | source |
//! |---|---|---|---|
//! | `voice` | −67 dBm | 25 dB | Cisco, *Voice over Wireless LAN 4.1 Design Guide*: −67 dBm and 25 dB SNR for voice handsets |
//! | `data` | −70 dBm | 20 dB | IEEE Std 802.11-2020 Table 19-23: minimum sensitivity of HT-MCS 4 (16-QAM 3/4, 20 MHz) is −70 dBm, about 20 dB over the −91 dBm noise floor the table assumes (thermal −101 dBm + 10 dB noise figure) |
//! | `iot` | −75 dBm | 10 dB | the same table at MCS 0–1 (BPSK/QPSK 1/2: −82/−79 dBm, 9–12 dB), with a few dB of fade margin on the signal |
//!
//! # Which value wins
//!
//! For the threshold and the SINR, most specific first: the room's own
//! `threshold_dbm` / `min_sinr_db`; the command line (`--requirement`,
//! `--min-sinr`); the plan's `[defaults]` keys `threshold_dbm` /
//! `min_sinr_db` when written; the plan's `requirement` preset; the
//! built-in −67 dBm and 20 dB. The client limit: `--max-clients-per-ap`,
//! else `[defaults] max_clients_per_ap`, else 30.
//!
//! # Which part limits a room
//!
//! Every report names, per room, the part with the least headroom: a failing
//! part first (signal, then SINR, then capacity), else the smallest of
//! signal headroom (coverage − target, points), SINR headroom (coverage with
//! SINR − target, points) and capacity headroom (share of the busiest
//! serving AP's limit still free, %).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::floorplan::{FloorPlan, PlanSource, Preset};
use crate::regulatory::{parse_country, Rules};
use crate::scene::Scene;
use crate::units::Real;

/// Default minimum SINR, dB: enough for 16-QAM 3/4 (data).
pub const DEFAULT_MIN_SINR_DB: Real = 20.0;
/// Default client limit per AP.
pub const DEFAULT_MAX_CLIENTS_PER_AP: u32 = 30;

/// What the command line says about the requirement and the rules; `None`
/// leaves the plan's value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// `--requirement`.
    pub preset: Option<Preset>,
    /// `--min-sinr`, dB.
    pub min_sinr_db: Option<Real>,
    /// `--max-clients-per-ap`.
    pub max_clients_per_ap: Option<u32>,
    /// `--country`.
    pub country: Option<String>,
    /// `--dfs`.
    pub dfs: bool,
}

impl Options {
    /// Checks the command-line values.
    pub fn new(
        preset: Option<&str>,
        min_sinr_db: Option<Real>,
        max_clients_per_ap: Option<u32>,
        country: Option<&str>,
        dfs: bool,
    ) -> Result<Options> {
        let preset = preset
            .map(|text| {
                Preset::parse(text).ok_or_else(|| {
                    Error::usage(format!("unknown --requirement `{text}`\n  hint: use voice, data or iot"))
                })
            })
            .transpose()?;
        if let Some(sinr) = min_sinr_db {
            if !(sinr.is_finite() && (-10.0..=60.0).contains(&sinr)) {
                return Err(Error::usage(format!(
                    "--min-sinr {sinr} is out of range\n  hint: give the minimum SINR in dB, between -10 and 60 (20 suits data)"
                )));
            }
        }
        if max_clients_per_ap == Some(0) {
            return Err(Error::usage("--max-clients-per-ap must be at least 1"));
        }
        if let Some(code) = country {
            parse_country(code)
                .map_err(|(message, hint)| Error::usage(format!("--country: {message}\n  hint: {hint}")))?;
        }
        Ok(Options {
            preset,
            min_sinr_db,
            max_clients_per_ap,
            country: country.map(|c| c.trim().to_ascii_uppercase()),
            dfs,
        })
    }

    /// Writes the command-line country and DFS choice into a plan before
    /// it is validated, so that its APs are checked against them.
    pub fn apply_to_plan(&self, plan: &mut FloorPlan) {
        if let Some(country) = &self.country {
            plan.defaults.country = Some(country.clone());
        }
        if self.dfs {
            plan.defaults.dfs = Some(true);
        }
    }
}

/// One room's requirement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoomRequirement {
    /// Signal threshold, dBm.
    pub threshold_dbm: Real,
    /// Share of the room that must meet signal and SINR, %.
    pub target_coverage_pct: Real,
    /// Minimum SINR, dB.
    pub min_sinr_db: Real,
    /// Expected clients.
    pub clients: u32,
}

/// The requirement of one plan, resolved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Requirement {
    /// The preset in force, if any.
    pub preset: Option<Preset>,
    /// Default signal threshold, dBm.
    pub threshold_dbm: Real,
    /// Default target, %.
    pub target_coverage_pct: Real,
    /// Default minimum SINR, dB.
    pub min_sinr_db: Real,
    /// Client limit per AP.
    pub max_clients_per_ap: u32,
    /// Where the threshold and SINR come from, in words.
    pub origin: String,
    /// Per storey of the scene, per room.
    #[serde(skip)]
    pub rooms: Vec<Vec<RoomRequirement>>,
    /// The channel and power rules.
    #[serde(skip)]
    pub rules: Rules,
    /// `plan` may use DFS channels.
    #[serde(skip)]
    pub dfs: bool,
    /// Display names of the scene's storeys (their `name`, else their id).
    #[serde(skip)]
    pub storey_names: Vec<String>,
}

impl Default for Requirement {
    /// The built-in requirement: −67 dBm and 20 dB on 95 % of each room,
    /// 30 clients per AP, the channels allowed everywhere.
    fn default() -> Self {
        Requirement {
            preset: None,
            threshold_dbm: -67.0,
            target_coverage_pct: 95.0,
            min_sinr_db: DEFAULT_MIN_SINR_DB,
            max_clients_per_ap: DEFAULT_MAX_CLIENTS_PER_AP,
            origin: "built-in defaults".to_owned(),
            rooms: Vec::new(),
            rules: Rules::Everywhere,
            dfs: false,
            storey_names: Vec::new(),
        }
    }
}

/// Whether the plan writes `path` itself (its span is its own, not its
/// table's).
fn written(source: &PlanSource, path: &str) -> bool {
    let parent = path.rsplit_once('.').map_or("", |(p, _)| p);
    let own = source.source_map.span(path);
    own.is_some() && own != source.source_map.span(parent)
}

impl Requirement {
    /// Resolves the requirement of a validated plan and its scene, with the
    /// command-line options, and writes the thresholds it decides into the
    /// scene (its default threshold and every room without its own), so
    /// that coverage statistics use them.
    pub fn resolve(source: &PlanSource, scene: &mut Scene, options: &Options) -> Requirement {
        let d = &source.plan.defaults;
        let plan_preset = d.requirement.as_deref().and_then(Preset::parse);
        let preset = options.preset.or(plan_preset);
        let mut origin = Vec::new();
        let threshold_dbm = match (options.preset, written(source, "defaults.threshold_dbm"), plan_preset) {
            (Some(p), _, _) => {
                origin.push(format!("threshold from --requirement {}", p.name()));
                p.threshold_dbm()
            }
            (None, true, _) => {
                origin.push("threshold from [defaults] threshold_dbm".to_owned());
                d.threshold_dbm
            }
            (None, false, Some(p)) => {
                origin.push(format!("threshold from requirement = \"{}\"", p.name()));
                p.threshold_dbm()
            }
            (None, false, None) => {
                origin.push("threshold: built-in default".to_owned());
                d.threshold_dbm
            }
        };
        let min_sinr_db = match (options.min_sinr_db, options.preset, d.min_sinr_db, plan_preset) {
            (Some(v), _, _, _) => {
                origin.push("SINR from --min-sinr".to_owned());
                v
            }
            (None, Some(p), _, _) => {
                origin.push(format!("SINR from --requirement {}", p.name()));
                p.min_sinr_db()
            }
            (None, None, Some(v), _) => {
                origin.push("SINR from [defaults] min_sinr_db".to_owned());
                v
            }
            (None, None, None, Some(p)) => {
                origin.push(format!("SINR from requirement = \"{}\"", p.name()));
                p.min_sinr_db()
            }
            (None, None, None, None) => {
                origin.push("SINR: built-in default".to_owned());
                DEFAULT_MIN_SINR_DB
            }
        };
        let max_clients_per_ap =
            options.max_clients_per_ap.or(d.max_clients_per_ap).unwrap_or(DEFAULT_MAX_CLIENTS_PER_AP).max(1);
        if let Some(p) = preset {
            origin.push(format!("preset `{}`: {}", p.name(), p.source()));
        }

        scene.settings.threshold_dbm = threshold_dbm;
        let mut rooms = Vec::with_capacity(scene.floors.len());
        let mut storey_names = Vec::with_capacity(scene.floors.len());
        for floor in &mut scene.floors {
            let plan_floor = source.plan.floors.iter().position(|f| f.id == floor.id);
            storey_names
                .push(plan_floor.and_then(|f| source.plan.floors[f].name.clone()).unwrap_or_else(|| floor.id.clone()));
            let mut list = Vec::with_capacity(floor.rooms.len());
            for (r, room) in floor.rooms.iter_mut().enumerate() {
                let spec = plan_floor.and_then(|f| source.plan.floors[f].rooms.get(r));
                if spec.is_none_or(|s| s.threshold_dbm.is_none()) {
                    room.threshold_dbm = threshold_dbm;
                }
                list.push(RoomRequirement {
                    threshold_dbm: room.threshold_dbm,
                    target_coverage_pct: room.target_coverage,
                    min_sinr_db: spec.and_then(|s| s.min_sinr_db).unwrap_or(min_sinr_db),
                    clients: room.clients,
                });
            }
            rooms.push(list);
        }
        Requirement {
            preset,
            threshold_dbm,
            target_coverage_pct: scene.settings.target_coverage,
            min_sinr_db,
            max_clients_per_ap,
            origin: origin.join("; "),
            rooms,
            rules: options
                .country
                .as_deref()
                .and_then(|c| parse_country(c).ok())
                .unwrap_or_else(|| Rules::of_country(d.country.as_deref())),
            dfs: options.dfs || d.dfs.unwrap_or(false),
            storey_names,
        }
    }

    /// The requirement of room `room` on scene storey `floor`, or the
    /// storey-wide default (a storey without rooms).
    pub fn room(&self, floor: usize, room: Option<usize>) -> RoomRequirement {
        room.and_then(|r| self.rooms.get(floor).and_then(|list| list.get(r))).cloned().unwrap_or(RoomRequirement {
            threshold_dbm: self.threshold_dbm,
            target_coverage_pct: self.target_coverage_pct,
            min_sinr_db: self.min_sinr_db,
            clients: 0,
        })
    }

    /// The display name of scene storey `floor`.
    pub fn storey_name(&self, scene: &Scene, floor: usize) -> String {
        self.storey_names
            .get(floor)
            .cloned()
            .unwrap_or_else(|| scene.floors.get(floor).map_or_else(|| "?".to_owned(), |f| f.id.clone()))
    }

    /// A storey's title text: `Rez-de-chaussée (rdc)`, or the id alone.
    pub fn storey_title(&self, scene: &Scene, floor: usize) -> String {
        let name = self.storey_name(scene, floor);
        match scene.floors.get(floor) {
            Some(f) if f.id != name => format!("{name} ({})", f.id),
            _ => name,
        }
    }

    /// One line: `-67 dBm and SINR ≥ 20 dB on 95 % of each room, ≤ 30
    /// clients per AP`.
    pub fn summary(&self) -> String {
        let preset = self.preset.map_or_else(String::new, |p| format!(" (preset {})", p.name()));
        format!(
            "≥ {} dBm and SINR ≥ {} dB on {}% of each room, ≤ {} clients per AP{preset}",
            self.threshold_dbm, self.min_sinr_db, self.target_coverage_pct, self.max_clients_per_ap
        )
    }
}

/// The part of the requirement that limits a room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// Signal coverage at the threshold.
    Signal,
    /// SINR at the serving AP.
    Sinr,
    /// Clients per AP.
    Capacity,
}

impl Part {
    /// Name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Part::Signal => "signal",
            Part::Sinr => "SINR",
            Part::Capacity => "capacity",
        }
    }
}

/// How one room (or room-less storey) fares against its requirement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    /// Signal coverage meets the target.
    pub signal_ok: bool,
    /// Coverage with SINR meets the target.
    pub sinr_ok: bool,
    /// Its clients fit.
    pub capacity_ok: bool,
    /// The part with the least headroom (failing first).
    pub limited_by: Part,
}

impl Verdict {
    /// Judges a room: signal coverage %, coverage % with SINR too, the
    /// target, whether its clients fit, and the busiest serving AP's load
    /// against the limit (for the headroom).
    pub fn judge(
        signal_pct: Real,
        met_pct: Real,
        target: Real,
        capacity_ok: bool,
        load_share: Option<Real>,
    ) -> Verdict {
        let signal_ok = signal_pct >= target;
        let sinr_ok = met_pct >= target;
        let limited_by = if !signal_ok {
            Part::Signal
        } else if !sinr_ok {
            Part::Sinr
        } else if !capacity_ok {
            Part::Capacity
        } else {
            let capacity_headroom = load_share.map_or(Real::INFINITY, |share| 100.0 * (1.0 - share));
            let coverage =
                if met_pct < signal_pct { (Part::Sinr, met_pct - target) } else { (Part::Signal, signal_pct - target) };
            if capacity_headroom < coverage.1 {
                Part::Capacity
            } else {
                coverage.0
            }
        };
        Verdict { signal_ok, sinr_ok, capacity_ok, limited_by }
    }

    /// Every part holds.
    pub fn met(&self) -> bool {
        self.signal_ok && self.sinr_ok && self.capacity_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(text: &str, options: &Options) -> (Requirement, Scene) {
        let source = crate::floorplan::parse_str("t.toml", text, crate::floorplan::PlanFormat::Toml).unwrap();
        let materials = crate::floorplan::validate::validate(&source).unwrap();
        let mut scene = Scene::build(&source, materials);
        let requirement = Requirement::resolve(&source, &mut scene, options);
        (requirement, scene)
    }

    const PLAN: &str = "format = 1\n[defaults]\nrequirement = \"voice\"\n[[floors]]\nid = \"f\"\n[[floors.rooms]]\nname = \"A\"\npolygon = [[0, 0], [4, 0], [4, 4], [0, 4]]\n[[floors.rooms]]\nname = \"B\"\npolygon = [[4, 0], [8, 0], [8, 4], [4, 4]]\nthreshold_dbm = -60\nmin_sinr_db = 30\n";

    #[test]
    fn presets_rooms_and_the_command_line_in_order() {
        let (r, scene) = resolved(PLAN, &Options::default());
        assert_eq!((r.threshold_dbm, r.min_sinr_db), (-67.0, 25.0));
        assert_eq!(r.room(0, Some(1)).threshold_dbm, -60.0);
        assert_eq!(r.room(0, Some(1)).min_sinr_db, 30.0);
        assert_eq!(scene.floors[0].rooms[0].threshold_dbm, -67.0);
        // The command line's preset beats the plan's; rooms keep their own.
        let iot = Options { preset: Some(Preset::Iot), ..Options::default() };
        let (r, scene) = resolved(PLAN, &iot);
        assert_eq!((r.threshold_dbm, r.min_sinr_db), (-75.0, 10.0));
        assert_eq!(scene.floors[0].rooms[0].threshold_dbm, -75.0);
        assert_eq!(scene.floors[0].rooms[1].threshold_dbm, -60.0);
        // A threshold written in [defaults] beats the plan's preset.
        let written = PLAN.replace("requirement = \"voice\"", "requirement = \"iot\"\nthreshold_dbm = -65");
        let (r, _) = resolved(&written, &Options::default());
        assert_eq!((r.threshold_dbm, r.min_sinr_db), (-65.0, 10.0));
        // Nothing said: -67 dBm and 20 dB, 30 clients.
        let (r, _) = resolved(&PLAN.replace("requirement = \"voice\"\n", ""), &Options::default());
        assert_eq!((r.threshold_dbm, r.min_sinr_db, r.max_clients_per_ap), (-67.0, 20.0, 30));
        assert!(r.summary().contains("SINR ≥ 20 dB"));
    }

    #[test]
    fn the_limiting_part_is_the_failing_one_else_the_tightest() {
        assert_eq!(Verdict::judge(90.0, 80.0, 95.0, false, None).limited_by, Part::Signal);
        assert_eq!(Verdict::judge(99.0, 90.0, 95.0, true, None).limited_by, Part::Sinr);
        assert_eq!(Verdict::judge(100.0, 100.0, 95.0, false, Some(1.2)).limited_by, Part::Capacity);
        // Met: 3 points of SINR headroom against 10 % of an AP free.
        let v = Verdict::judge(100.0, 98.0, 95.0, true, Some(0.9));
        assert!(v.met() && v.limited_by == Part::Sinr);
        assert_eq!(Verdict::judge(100.0, 100.0, 95.0, true, Some(0.99)).limited_by, Part::Capacity);
        assert_eq!(Verdict::judge(100.0, 100.0, 95.0, true, None).limited_by, Part::Signal);
    }

    #[test]
    fn bad_values_are_located_problems() {
        let text = PLAN.replace("\"voice\"", "\"video\"").replace("min_sinr_db = 30", "min_sinr_db = 300");
        let source = crate::floorplan::parse_str("t.toml", &text, crate::floorplan::PlanFormat::Toml).unwrap();
        let problems = crate::floorplan::validate::validate(&source).unwrap_err();
        assert!(
            problems.iter().any(|p| p.message.contains("unknown requirement `video`") && p.line == 3),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.message.contains("min_sinr_db is 300")), "{problems:?}");
        assert!(Options::new(Some("loud"), None, None, None, false).unwrap_err().to_string().contains("hint:"));
        assert!(Options::new(None, Some(f64::NAN), None, None, false).is_err());
        assert!(Options::new(None, None, None, Some("uk"), false).unwrap_err().to_string().contains("GB"));
    }
}
