//! `compare`: a candidate plan judged against a base plan, for CI.
//!
//! This module owns the comparison of two scenarios: running both
//! ([`simulate_pair`], here) on grids that coincide cell for cell
//! (`lattice.rs`), the deltas per building, storey and room and the
//! verdict against the tolerances ([`compare`], `verdict.rs`), the
//! difference heatmaps ([`render_delta`], `render.rs`), the Markdown view
//! (a pull-request comment; [`markdown`], `markdown.rs`) and the files it
//! writes ([`write_outputs`], `outputs.rs`). What it reports (the
//! `Comparison` of `compare.json`) is defined in [`crate::report::comparison`].
//!
//! # Grids
//!
//! Each plan is simulated on its own grid, exactly as `simulate` would
//! (same cells, so every figure in the comparison is the one a separate
//! `simulate` run reports), at one resolution: `--resolution`, else the
//! plans' own when they agree, else the finer of the two. For the
//! difference map of a storey both runs must sit on one lattice: the base
//! grid, extended to cover the candidate's extent. The base values are
//! copied into it; so are the candidate's when its grid lies on the same
//! lattice (the usual case: the same walls, APs moved), else the candidate
//! storey is evaluated again on the common grid.
//!
//! # Verdict
//!
//! Compared on what both plans share: storeys by id, rooms by name within
//! a storey; the rest is listed, not judged. Both plans are judged by the
//! same requirement ([`crate::requirement`]: the plans' own, or the command
//! line's). The candidate *regresses* when what the requirement judges gets
//! worse:
//! * a non-excluded room (or a storey without rooms) that met the
//!   requirement no longer does (signal, SINR or capacity);
//! * its coverage drops by more than `--tolerance-pct` percentage points:
//!   the signal coverage, or the coverage with SINR;
//! * the candidate has more APs than the base plus `--tolerance-aps`
//!   (default 0);
//! * only with `--tolerance-db`: the median best-server RSSI of a room or
//!   storey drops by more than that (a median 25 dB above the threshold
//!   that falls by 5 dB is no regression a user would notice, so medians
//!   are shown, not judged, by default).
//!
//! Building and storey coverage, the minimum RSSI (one cell, the most
//! sensitive figure) and the serving APs are shown but not judged. A rise
//! beyond the same tolerances, or a room that comes to meet its
//! requirement, is an improvement. Coverage is measured at each plan's own
//! thresholds; a changed threshold is noted.

mod lattice;
mod markdown;
mod outputs;
mod render;
mod verdict;

use std::path::Path;

pub use markdown::markdown;
pub use outputs::write_outputs;
pub use render::{delta_image_name, render_delta};
pub use verdict::compare;

use crate::error::Result;
use crate::pipeline::{self, SimulationConfig, SimulationOutcome};
use crate::radio::Band;
use crate::report::comparison::DeltaMap;

/// Both plans simulated, with their difference maps.
#[derive(Debug)]
pub struct ComparedRuns {
    /// The base plan's simulation (as `simulate` reports it).
    pub base: SimulationOutcome,
    /// The candidate's.
    pub candidate: SimulationOutcome,
    /// One map per shared storey, in base order.
    pub deltas: Vec<DeltaMap>,
    /// Things the reader should know (resolution chosen, re-evaluation).
    pub notes: Vec<String>,
}

/// Loads both plans, simulates them in parallel at one resolution and
/// computes the difference map of every storey they share.
/// `progress(done, total)` counts cell·AP evaluations of both runs.
pub fn simulate_pair(
    base_path: &Path,
    candidate_path: &Path,
    band: Option<Band>,
    config: &SimulationConfig,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<ComparedRuns> {
    let (base_source, base_scene) = pipeline::load_scene(base_path, band)?;
    let (candidate_source, candidate_scene) = pipeline::load_scene(candidate_path, band)?;
    let mut notes = Vec::new();
    let resolution = match config.resolution {
        Some(r) => r,
        None => {
            let (b, c) = (base_scene.settings.resolution, candidate_scene.settings.resolution);
            if b != c {
                notes.push(format!(
                    "the plans ask for different grids ({b} m and {c} m): both were simulated at {} m",
                    b.min(c)
                ));
            }
            b.min(c)
        }
    };
    let config = SimulationConfig { resolution: Some(resolution), probes: Vec::new(), ..config.clone() };
    let counters = [std::sync::atomic::AtomicU64::new(0), std::sync::atomic::AtomicU64::new(0)];
    let totals = [std::sync::atomic::AtomicU64::new(0), std::sync::atomic::AtomicU64::new(0)];
    let report = |side: usize, done: u64, total: u64| {
        use std::sync::atomic::Ordering::Relaxed;
        counters[side].store(done, Relaxed);
        totals[side].store(total, Relaxed);
        let total = totals[0].load(Relaxed) + totals[1].load(Relaxed);
        progress(counters[0].load(Relaxed) + counters[1].load(Relaxed), total);
    };
    let base_progress = |done, total| report(0, done, total);
    let candidate_progress = |done, total| report(1, done, total);
    let (base, candidate) = rayon::join(
        || pipeline::simulate(&base_source, base_scene, &config, &base_progress),
        || pipeline::simulate(&candidate_source, candidate_scene, &config, &candidate_progress),
    );
    let (base, candidate) = (base?, candidate?);
    let model = config.model.propagation();
    let mut deltas = Vec::new();
    for (base_floor, floor) in base.scene.floors.iter().enumerate() {
        let Some(candidate_floor) = candidate.scene.floor_index(&floor.id) else { continue };
        let delta = lattice::delta_map(&base, &candidate, base_floor, candidate_floor, model)?;
        if delta.recomputed {
            notes.push(format!(
                "storey `{}`: the plans' grids do not line up, so the candidate was evaluated again on the base grid for the difference map (the tables use each plan's own grid)",
                floor.id
            ));
        }
        deltas.push(delta);
    }
    Ok(ComparedRuns { base, candidate, deltas, notes })
}
