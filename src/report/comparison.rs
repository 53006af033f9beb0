//! What `compare` reports (`compare.json`): the two plans side by side, the
//! change of every figure ([`Delta`]), the verdict per room and overall,
//! and the difference map of each shared storey. [`crate::compare`]
//! computes it; it lives with the report so that the views (Markdown,
//! `report.html`) read it without depending on the comparison's run.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::propagation::grid::CoverageMap;
use crate::units::{round2, Real};

/// Default `--tolerance-pct`: one percentage point, a few cells of a
/// classroom at a 0.25 m grid.
pub const DEFAULT_TOLERANCE_PCT: Real = 1.0;

/// How much worse a candidate may be before it regresses.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Tolerances {
    /// Largest allowed drop of a median RSSI, dB; `None` (the default):
    /// medians are shown, not judged.
    pub db: Option<Real>,
    /// Largest allowed drop of a room's coverage, percentage points.
    pub pct: Real,
    /// How many more APs the candidate may have.
    pub aps: usize,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances { db: None, pct: DEFAULT_TOLERANCE_PCT, aps: 0 }
    }
}

impl Tolerances {
    /// Checks command-line tolerances: finite and not negative.
    pub fn new(db: Option<Real>, pct: Real, aps: usize) -> Result<Tolerances> {
        for (option, value, example) in [("--tolerance-db", db.unwrap_or(0.0), "1"), ("--tolerance-pct", pct, "0.5")] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(Error::usage(format!(
                    "{option} {value} must be a number ≥ 0\n  hint: 0 flags any drop, e.g. {option} {example}"
                )));
            }
        }
        Ok(Tolerances { db, pct, aps })
    }
}

/// The difference map of one storey both plans share.
#[derive(Clone, Debug)]
pub struct DeltaMap {
    /// Storey id.
    pub floor: String,
    /// Index of the storey in the base scene.
    pub base_floor: usize,
    /// Index of the storey in the candidate scene.
    pub candidate_floor: usize,
    /// Candidate − base best-server RSSI, dB, on the common grid: `NaN`
    /// inside walls of either plan and outside either grid, 0 where neither
    /// plan has any signal, ±∞ where only one has.
    pub map: CoverageMap,
    /// The candidate storey was evaluated again on the common grid.
    pub recomputed: bool,
}

/// A figure in both plans and its change (candidate − base).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Delta {
    /// Base value.
    pub base: Option<Real>,
    /// Candidate value.
    pub candidate: Option<Real>,
    /// Candidate − base, rounded to 0.01 (null unless both exist).
    pub delta: Option<Real>,
}

impl Delta {
    /// The change from `base` to `candidate`.
    pub fn new(base: Option<Real>, candidate: Option<Real>) -> Delta {
        let delta = match (base, candidate) {
            (Some(b), Some(c)) => Some(round2(c - b)),
            _ => None,
        };
        Delta { base, candidate, delta }
    }

    /// Whether the figure got worse by more than `tolerance` (a value that
    /// disappears counts as worse).
    pub fn drops(&self, tolerance: Real) -> bool {
        match (self.base, self.candidate) {
            (Some(_), None) => true,
            _ => self.delta.is_some_and(|d| d < -tolerance),
        }
    }

    /// Whether it got better by more than `tolerance` (a value that
    /// appears counts as better).
    pub fn rises(&self, tolerance: Real) -> bool {
        match (self.base, self.candidate) {
            (None, Some(_)) => true,
            _ => self.delta.is_some_and(|d| d > tolerance),
        }
    }

    /// Whether both values are the same.
    pub fn is_zero(&self) -> bool {
        self.base == self.candidate
    }
}

/// A count in both plans and its change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CountDelta {
    /// Base count.
    pub base: usize,
    /// Candidate count.
    pub candidate: usize,
    /// Candidate − base.
    pub delta: i64,
}

impl CountDelta {
    /// The change from `base` to `candidate`.
    pub fn new(base: usize, candidate: usize) -> CountDelta {
        CountDelta { base, candidate, delta: candidate as i64 - base as i64 }
    }
}

/// How a room fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomStatus {
    /// A judged figure dropped beyond its tolerance.
    Regressed,
    /// A judged figure rose beyond its tolerance, none dropped.
    Improved,
    /// Changes within the tolerances.
    WithinTolerance,
    /// No change at all.
    Unchanged,
    /// Excluded from the requirement in either plan: not judged.
    Excluded,
}

/// The APs serving a room in each plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServingAps {
    /// In the base.
    pub base: Vec<String>,
    /// In the candidate.
    pub candidate: Vec<String>,
}

impl ServingAps {
    /// Whether both plans list the same APs (in any order).
    pub fn same_set(&self) -> bool {
        self.base.len() == self.candidate.len() && self.base.iter().all(|ap| self.candidate.contains(ap))
    }

    /// The candidate's list, with the APs it gained and lost:
    /// `AP1, AP3 (+AP3, −AP2)`.
    pub fn text(&self) -> String {
        let mut text = if self.candidate.is_empty() { "–".to_owned() } else { self.candidate.join(", ") };
        let gained: Vec<String> =
            self.candidate.iter().filter(|ap| !self.base.contains(ap)).map(|ap| format!("+{ap}")).collect();
        let lost: Vec<String> =
            self.base.iter().filter(|ap| !self.candidate.contains(ap)).map(|ap| format!("−{ap}")).collect();
        let changes: Vec<String> = gained.into_iter().chain(lost).collect();
        if !changes.is_empty() {
            text.push_str(&format!(" ({})", changes.join(", ")));
        }
        text
    }
}

/// One room in both plans.
#[derive(Clone, Debug, Serialize)]
pub struct RoomComparison {
    /// Room name.
    pub name: String,
    /// Coverage at the room's threshold, %.
    pub coverage_pct: Delta,
    /// Coverage with the SINR too, %: what the requirement judges.
    pub met_pct: Delta,
    /// The room meets the whole requirement (signal, SINR, capacity) in
    /// the base and in the candidate.
    pub meets_target: [bool; 2],
    /// The part that limits the room in the candidate.
    pub limited_by: crate::requirement::Part,
    /// Median best-server RSSI, dBm (judged only with `--tolerance-db`).
    pub median_dbm: Delta,
    /// Lowest best-server RSSI, dBm (shown, not judged).
    pub min_dbm: Delta,
    /// Serving APs.
    pub serving_aps: ServingAps,
    /// The room's threshold in each plan, dBm.
    pub threshold_dbm: Delta,
    /// Verdict on the room.
    pub status: RoomStatus,
}

/// One storey in both plans.
#[derive(Clone, Debug, Serialize)]
pub struct FloorComparison {
    /// Storey id.
    pub id: String,
    /// Coverage of the storey's required area, %.
    pub coverage_pct: Delta,
    /// Median best-server RSSI over the required area, dBm.
    pub median_dbm: Delta,
    /// Lowest best-server RSSI over the required area, dBm.
    pub min_dbm: Delta,
    /// APs on this storey.
    pub ap_count: CountDelta,
    /// Rooms of both plans, in base order.
    pub rooms: Vec<RoomComparison>,
    /// Rooms only the base has (not compared).
    pub rooms_only_in_base: Vec<String>,
    /// Rooms only the candidate has (not compared).
    pub rooms_only_in_candidate: Vec<String>,
    /// The difference heatmap.
    pub image: String,
}

/// One plan of the pair.
#[derive(Clone, Debug, Serialize)]
pub struct PlanSide {
    /// Plan file.
    pub file: String,
    /// Plan name.
    pub plan: String,
    /// Whole-building coverage, %.
    pub coverage_pct: Real,
    /// Number of APs.
    pub ap_count: usize,
    /// Every required room meets its target.
    pub requirement_met: bool,
}

/// A figure that moved beyond its tolerance.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// `building`, `floor` or `room`.
    pub scope: &'static str,
    /// Storey id (storeys and rooms).
    pub floor: Option<String>,
    /// Room name (rooms).
    pub room: Option<String>,
    /// `coverage_pct` (signal), `met_pct` (signal and SINR), `requirement`
    /// (the room's verdict, values 1 met / 0 not), `ap_count` or
    /// `median_dbm`.
    pub metric: &'static str,
    /// The values and the change.
    #[serde(flatten)]
    pub values: Delta,
    /// The tolerance it exceeded.
    pub tolerance: Real,
    /// For verdicts: what limits the room now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The overall verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Something dropped beyond its tolerance (exit 1).
    Regressed,
    /// Nothing dropped, something rose beyond its tolerance (exit 0).
    Improved,
    /// Nothing moved beyond the tolerances (exit 0).
    Unchanged,
}

/// Everything `compare` reports (`compare.json`).
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The reference plan.
    pub base: PlanSide,
    /// The plan judged.
    pub candidate: PlanSide,
    /// Model name.
    pub model: String,
    /// Model parameters.
    pub model_parameters: serde_json::Value,
    /// Grid cell size of both runs, m.
    pub resolution_m: Real,
    /// Tolerances applied.
    pub tolerances: Tolerances,
    /// Overall verdict.
    pub verdict: Verdict,
    /// The candidate regresses (exit code 1).
    pub regressed: bool,
    /// Whole-building coverage, %.
    pub coverage_pct: Delta,
    /// Number of APs.
    pub ap_count: CountDelta,
    /// Non-excluded rooms meeting their target.
    pub rooms_meeting_target: CountDelta,
    /// Storeys of both plans, in base order.
    pub floors: Vec<FloorComparison>,
    /// Storeys only the base has (not compared).
    pub floors_only_in_base: Vec<String>,
    /// Storeys only the candidate has (not compared).
    pub floors_only_in_candidate: Vec<String>,
    /// Figures that dropped beyond their tolerance.
    pub regressions: Vec<Change>,
    /// Figures that rose beyond their tolerance.
    pub improvements: Vec<Change>,
    /// Difference heatmaps, one per shared storey.
    pub images: Vec<String>,
    /// Remarks (different thresholds, grids, …).
    pub notes: Vec<String>,
}

impl Comparison {
    /// Pretty JSON (`compare.json`, `--format json`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The process exit code: 1 when the candidate regresses, else 0.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.regressed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_drop_rise_and_vanish() {
        let d = Delta::new(Some(90.0), Some(88.5));
        assert_eq!(d.delta, Some(-1.5));
        assert!(d.drops(1.0) && !d.drops(2.0) && !d.rises(0.0));
        assert!(Delta::new(Some(-60.0), None).drops(100.0));
        assert!(Delta::new(None, Some(-60.0)).rises(100.0));
        assert!(Delta::new(None, None).is_zero());
        assert!(!Delta::new(Some(1.0), Some(1.0)).drops(0.0));
    }

    #[test]
    fn serving_aps_show_gains_and_losses() {
        let aps = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let same = ServingAps { base: aps(&["AP1", "AP2"]), candidate: aps(&["AP2", "AP1"]) };
        assert!(same.same_set());
        assert_eq!(same.text(), "AP2, AP1");
        let changed = ServingAps { base: aps(&["AP1", "AP2"]), candidate: aps(&["AP1", "AP3"]) };
        assert!(!changed.same_set());
        assert_eq!(changed.text(), "AP1, AP3 (+AP3, −AP2)");
        assert_eq!(ServingAps { base: aps(&["AP1"]), candidate: Vec::new() }.text(), "– (−AP1)");
    }

    #[test]
    fn tolerances_must_be_non_negative() {
        assert!(Tolerances::new(Some(-1.0), 1.0, 0).unwrap_err().to_string().contains("hint:"));
        assert!(Tolerances::new(Some(1.0), f64::NAN, 0).is_err());
        assert_eq!(Tolerances::new(None, 0.0, 2).unwrap(), Tolerances { db: None, pct: 0.0, aps: 2 });
    }
}
