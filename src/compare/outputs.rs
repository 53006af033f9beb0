//! Everything `compare` writes into its output folder.

use std::path::Path;

use super::markdown::markdown;
use super::render::{delta_image_name, render_delta_on, render_scene};
use super::ComparedRuns;
use crate::error::Result;
use crate::html::{self, SimulatedPlan};
use crate::output::{create_dir, write_atomic, write_png};
use crate::pipeline::{self, SimulationOutcome};
use crate::report::comparison::Comparison;

/// Writes everything into `dir`: `<floor>-delta.png` per shared storey,
/// `compare.json`, `compare.md`, `report.html` (both plans and the
/// difference, interactive), and each plan's own outputs (heatmaps,
/// `report.json`, `report.md`, `report.html`) in `base/` and `candidate/`.
pub fn write_outputs(runs: &ComparedRuns, comparison: &Comparison, dir: &Path) -> Result<()> {
    create_dir(dir)?;
    let scene = render_scene(runs);
    let images: Vec<(String, image::RgbImage)> = {
        use rayon::prelude::*;
        runs.deltas.par_iter().map(|d| (delta_image_name(&d.floor), render_delta_on(&scene, runs, d))).collect()
    };
    for (name, image) in &images {
        write_png(&dir.join(name), image)?;
    }
    let (base, candidate) = rayon::join(
        || pipeline::write_outputs(&runs.base, &dir.join("base"), &pipeline::MapOptions::default()),
        || pipeline::write_outputs(&runs.candidate, &dir.join("candidate"), &pipeline::MapOptions::default()),
    );
    base?;
    candidate?;
    write_atomic(&dir.join("compare.json"), format!("{}\n", comparison.to_json()).as_bytes())?;
    write_atomic(&dir.join("compare.md"), markdown(comparison, true).as_bytes())?;
    let page = html::comparison_page(simulated(&runs.base), simulated(&runs.candidate), &runs.deltas, comparison);
    write_atomic(&dir.join("report.html"), page.as_bytes())?;
    Ok(())
}

/// One run as the page shows it.
fn simulated(outcome: &SimulationOutcome) -> SimulatedPlan<'_> {
    SimulatedPlan { scene: &outcome.scene, coverage: &outcome.coverage, report: &outcome.report }
}
