//! The difference heatmaps: candidate − base RSSI of each shared storey,
//! drawn over the candidate's plan with both plans' APs.

use std::path::Path;

use super::ComparedRuns;
use crate::output::file_stem_for;
use crate::render::colormap::DELTA_RANGE_DB;
use crate::render::{scalar_map, ColorScale, RenderOptions};
use crate::report::comparison::DeltaMap;
use crate::scene::Scene;

/// The file name of a storey's difference heatmap.
pub fn delta_image_name(floor: &str) -> String {
    format!("{}-delta.png", file_stem_for(floor))
}

/// The scene drawn under a difference map: the candidate's, with the
/// base's APs that the candidate moved or removed added as `ID (base)`,
/// and the candidate's moved or new APs labelled `(moved)`, `(added)`.
pub(super) fn render_scene(runs: &ComparedRuns) -> Scene {
    let (base, candidate) = (&runs.base.scene, &runs.candidate.scene);
    let mut scene = candidate.clone();
    let floor_id = |s: &Scene, i: usize| s.floors.get(i).map(|f| f.id.clone());
    let same_place = |a: &crate::scene::AccessPoint, sa: &Scene, b: &crate::scene::AccessPoint, sb: &Scene| {
        floor_id(sa, a.floor) == floor_id(sb, b.floor) && (a.position - b.position).norm() < 0.01
    };
    for ap in &mut scene.aps {
        match base.aps.iter().find(|b| b.id == ap.id) {
            None => ap.id = format!("{} (added)", ap.id),
            Some(b) if !same_place(b, base, ap, candidate) => ap.id = format!("{} (moved)", ap.id),
            Some(_) => {}
        }
    }
    for ap in &base.aps {
        let kept = candidate.aps.iter().any(|c| c.id == ap.id && same_place(ap, base, c, candidate));
        let Some(floor) = floor_id(base, ap.floor).and_then(|id| candidate.floor_index(&id)) else { continue };
        if !kept {
            let mut old = ap.clone();
            old.floor = floor;
            old.id = format!("{} (base)", ap.id);
            scene.aps.push(old);
        }
    }
    scene
}

/// The difference heatmap of one shared storey: candidate − base RSSI on
/// [`ColorScale::delta_db`] (±[`DELTA_RANGE_DB`], blue where the candidate
/// is stronger, red where weaker, white for no change), drawn over the
/// candidate's walls and rooms with both plans' APs.
pub fn render_delta(runs: &ComparedRuns, delta: &DeltaMap) -> image::RgbImage {
    let scene = render_scene(runs);
    render_delta_on(&scene, runs, delta)
}

pub(super) fn render_delta_on(scene: &Scene, runs: &ComparedRuns, delta: &DeltaMap) -> image::RgbImage {
    let name =
        |file: &str| Path::new(file).file_name().map_or_else(|| file.to_owned(), |n| n.to_string_lossy().into_owned());
    let title = format!(
        "{} → {} — {} — RSSI change, candidate − base (blue stronger, red weaker), {}",
        name(&runs.base.report.file),
        name(&runs.candidate.report.file),
        delta.floor,
        runs.base.report.model
    );
    let options = RenderOptions::for_floor(scene, delta.candidate_floor, title);
    let scale = ColorScale { label: "RSSI change", ..ColorScale::delta_db(DELTA_RANGE_DB) };
    scalar_map(scene, delta.candidate_floor, &delta.map, &scale, &options)
}
