//! The verdict: every figure of the two reports compared on what both
//! plans share (storeys by id, rooms by name), judged against the
//! tolerances into regressions and improvements.

use super::render::delta_image_name;
use super::ComparedRuns;
use crate::pipeline::SimulationOutcome;
use crate::report::comparison::{
    Change, Comparison, CountDelta, Delta, FloorComparison, PlanSide, RoomComparison, RoomStatus, ServingAps,
    Tolerances, Verdict,
};
use crate::report::RoomReport;
use crate::units::{round2, Real};

/// One plan's side of the comparison, from its report.
fn side(outcome: &SimulationOutcome) -> PlanSide {
    let r = &outcome.report;
    PlanSide {
        file: r.file.clone(),
        plan: r.plan.clone(),
        coverage_pct: r.coverage_pct,
        ap_count: r.aps.len(),
        requirement_met: r.requirement_met,
    }
}

/// Lowest finite best-server RSSI over a storey's required cells.
fn floor_min(outcome: &SimulationOutcome, floor: usize) -> Option<Real> {
    let fc = &outcome.coverage.floors[floor];
    let min = fc
        .rssi
        .values
        .iter()
        .zip(&fc.mask.required)
        .filter(|(v, &required)| required && v.is_finite())
        .map(|(&v, _)| v)
        .fold(f32::INFINITY, f32::min);
    min.is_finite().then(|| round2(min as Real))
}

/// Non-excluded rooms that meet their requirement.
fn meeting_target(outcome: &SimulationOutcome) -> usize {
    outcome.report.floors.iter().flat_map(|f| &f.rooms).filter(|r| !r.excluded && r.meets_target).count()
}

fn compare_room(base: &RoomReport, candidate: &RoomReport, tolerances: Tolerances) -> RoomComparison {
    let coverage_pct = Delta::new(Some(base.coverage_pct), Some(candidate.coverage_pct));
    let met_pct = Delta::new(Some(base.met_pct), Some(candidate.met_pct));
    let median_dbm = Delta::new(base.median_dbm, candidate.median_dbm);
    let min_dbm = Delta::new(base.min_dbm, candidate.min_dbm);
    let serving_aps = ServingAps { base: base.serving_aps.clone(), candidate: candidate.serving_aps.clone() };
    let median_drops = tolerances.db.is_some_and(|t| median_dbm.drops(t));
    let median_rises = tolerances.db.is_some_and(|t| median_dbm.rises(t));
    let status = if base.excluded || candidate.excluded {
        RoomStatus::Excluded
    } else if (base.meets_target && !candidate.meets_target)
        || coverage_pct.drops(tolerances.pct)
        || met_pct.drops(tolerances.pct)
        || median_drops
    {
        RoomStatus::Regressed
    } else if (!base.meets_target && candidate.meets_target)
        || coverage_pct.rises(tolerances.pct)
        || met_pct.rises(tolerances.pct)
        || median_rises
    {
        RoomStatus::Improved
    } else if coverage_pct.is_zero()
        && met_pct.is_zero()
        && median_dbm.is_zero()
        && min_dbm.is_zero()
        && serving_aps.same_set()
    {
        RoomStatus::Unchanged
    } else {
        RoomStatus::WithinTolerance
    };
    RoomComparison {
        name: base.name.clone(),
        coverage_pct,
        met_pct,
        meets_target: [base.meets_target, candidate.meets_target],
        limited_by: candidate.limited_by,
        median_dbm,
        min_dbm,
        serving_aps,
        threshold_dbm: Delta::new(Some(base.threshold_dbm), Some(candidate.threshold_dbm)),
        status,
    }
}

/// Records a judged figure among the regressions or improvements.
fn judge(
    changes: (&mut Vec<Change>, &mut Vec<Change>),
    scope: (&'static str, Option<&str>, Option<&str>),
    metric: &'static str,
    values: Delta,
    tolerance: Real,
) {
    let change = Change {
        scope: scope.0,
        floor: scope.1.map(str::to_owned),
        room: scope.2.map(str::to_owned),
        metric,
        values,
        tolerance,
        note: None,
    };
    if values.drops(tolerance) {
        changes.0.push(change);
    } else if values.rises(tolerance) {
        changes.1.push(change);
    }
}

/// A count where more is worse, as a figure where a drop is worse.
fn negated(d: Delta) -> Delta {
    Delta { base: d.base.map(|v| -v), candidate: d.candidate.map(|v| -v), delta: d.delta.map(|v| -v) }
}

/// Records a verdict that flips (met in one plan, not in the other).
fn verdict_change(
    changes: (&mut Vec<Change>, &mut Vec<Change>),
    scope: (&'static str, Option<&str>, Option<&str>),
    met: [bool; 2],
    limited_by: Option<crate::requirement::Part>,
) {
    if met[0] == met[1] {
        return;
    }
    let value = |m: bool| Some(if m { 1.0 } else { 0.0 });
    let change = Change {
        scope: scope.0,
        floor: scope.1.map(str::to_owned),
        room: scope.2.map(str::to_owned),
        metric: "requirement",
        values: Delta::new(value(met[0]), value(met[1])),
        tolerance: 0.0,
        note: limited_by.map(|p| format!("limited by {}", p.name())),
    };
    if met[0] {
        changes.0.push(change);
    } else {
        changes.1.push(change);
    }
}

/// Compares the two runs: deltas, regressions and improvements, verdict.
pub fn compare(runs: &ComparedRuns, tolerances: Tolerances) -> Comparison {
    let (base, candidate) = (&runs.base, &runs.candidate);
    let (br, cr) = (&base.report, &candidate.report);
    let mut regressions = Vec::new();
    let mut improvements = Vec::new();
    let mut notes = runs.notes.clone();
    // Building and storey coverage are shown; what the requirement judges
    // (rooms, room-less storeys, the AP count) decides.
    let coverage_pct = Delta::new(Some(br.coverage_pct), Some(cr.coverage_pct));
    let aps = Delta::new(Some(br.aps.len() as Real), Some(cr.aps.len() as Real));
    judge(
        (&mut regressions, &mut improvements),
        ("building", None, None),
        "ap_count",
        negated(aps),
        tolerances.aps as Real,
    );
    if br.threshold_dbm != cr.threshold_dbm {
        notes.push(format!(
            "the default threshold changed from {} dBm to {} dBm: coverage is measured at each plan's own threshold",
            br.threshold_dbm, cr.threshold_dbm
        ));
    }

    let mut floors = Vec::new();
    for (bi, bf) in br.floors.iter().enumerate() {
        let Some(ci) = cr.floors.iter().position(|f| f.id == bf.id) else { continue };
        let cf = &cr.floors[ci];
        let floor_coverage = Delta::new(Some(bf.coverage_pct), Some(cf.coverage_pct));
        let floor_median = Delta::new(bf.median_dbm, cf.median_dbm);
        let scope = ("floor", Some(bf.id.as_str()), None);
        if bf.rooms.is_empty() && cf.rooms.is_empty() {
            let floor_met = Delta::new(Some(bf.met_pct), Some(cf.met_pct));
            judge((&mut regressions, &mut improvements), scope, "coverage_pct", floor_coverage, tolerances.pct);
            judge((&mut regressions, &mut improvements), scope, "met_pct", floor_met, tolerances.pct);
            verdict_change(
                (&mut regressions, &mut improvements),
                scope,
                [bf.meets_target, cf.meets_target],
                cf.limited_by,
            );
        }
        if let Some(db) = tolerances.db {
            judge((&mut regressions, &mut improvements), scope, "median_dbm", floor_median, db);
        }
        let mut rooms = Vec::new();
        for room in &bf.rooms {
            let Some(other) = cf.rooms.iter().find(|r| r.name == room.name) else { continue };
            let compared = compare_room(room, other, tolerances);
            if compared.status != RoomStatus::Excluded {
                let scope = ("room", Some(bf.id.as_str()), Some(room.name.as_str()));
                let pair = (&mut regressions, &mut improvements);
                verdict_change(pair, scope, compared.meets_target, Some(compared.limited_by));
                let pair = (&mut regressions, &mut improvements);
                judge(pair, scope, "coverage_pct", compared.coverage_pct, tolerances.pct);
                let pair = (&mut regressions, &mut improvements);
                judge(pair, scope, "met_pct", compared.met_pct, tolerances.pct);
                if let Some(db) = tolerances.db {
                    let pair = (&mut regressions, &mut improvements);
                    judge(pair, scope, "median_dbm", compared.median_dbm, db);
                }
            }
            if room.threshold_dbm != other.threshold_dbm {
                notes.push(format!(
                    "room `{}` on `{}`: threshold changed from {} dBm to {} dBm",
                    room.name, bf.id, room.threshold_dbm, other.threshold_dbm
                ));
            }
            rooms.push(compared);
        }
        let names = |floor: &crate::report::FloorReport, other: &crate::report::FloorReport| -> Vec<String> {
            floor
                .rooms
                .iter()
                .filter(|r| !other.rooms.iter().any(|o| o.name == r.name))
                .map(|r| r.name.clone())
                .collect()
        };
        let ap_on = |r: &crate::report::Report| r.aps.iter().filter(|ap| ap.floor == bf.id).count();
        floors.push(FloorComparison {
            id: bf.id.clone(),
            coverage_pct: floor_coverage,
            median_dbm: floor_median,
            min_dbm: Delta::new(floor_min(base, bi), floor_min(candidate, ci)),
            ap_count: CountDelta::new(ap_on(br), ap_on(cr)),
            rooms,
            rooms_only_in_base: names(bf, cf),
            rooms_only_in_candidate: names(cf, bf),
            image: delta_image_name(&bf.id),
        });
    }
    let only = |a: &crate::report::Report, b: &crate::report::Report| -> Vec<String> {
        a.floors.iter().filter(|f| !b.floors.iter().any(|o| o.id == f.id)).map(|f| f.id.clone()).collect()
    };
    let regressed = !regressions.is_empty();
    let verdict = if regressed {
        Verdict::Regressed
    } else if !improvements.is_empty() {
        Verdict::Improved
    } else {
        Verdict::Unchanged
    };
    Comparison {
        base: side(base),
        candidate: side(candidate),
        model: br.model.clone(),
        model_parameters: br.model_parameters.clone(),
        resolution_m: br.resolution_m,
        tolerances,
        verdict,
        regressed,
        coverage_pct,
        ap_count: CountDelta::new(br.aps.len(), cr.aps.len()),
        rooms_meeting_target: CountDelta::new(meeting_target(base), meeting_target(candidate)),
        images: floors.iter().map(|f| f.image.clone()).collect(),
        floors,
        floors_only_in_base: only(br, cr),
        floors_only_in_candidate: only(cr, br),
        regressions,
        improvements,
        notes,
    }
}
