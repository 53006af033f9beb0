//! Inputs shared by the benches: the example plans of `floorplans/`.
//!
//! Each bench compiles this module on its own and uses part of it.
#![allow(dead_code)]

use std::path::Path;

use wifiplan::pipeline::load_scene;
use wifiplan::propagation::mask::CellMask;
use wifiplan::scene::Scene;

/// The plans every propagation bench runs on.
pub const PLANS: [&str; 3] = ["lycee_darche.toml", "lycee_moderne.toml", "office_small.toml"];

/// Loads, validates and compiles an example plan.
pub fn scene(name: &str) -> Scene {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("floorplans").join(name);
    load_scene(&path, None).unwrap_or_else(|e| panic!("{name}: {e}")).1
}

/// Cells of every storey's grid at the plan's resolution.
pub fn grid_cells(scene: &Scene) -> u64 {
    let resolution = scene.settings.resolution;
    scene.floors.iter().map(|floor| CellMask::build(floor, resolution).map_or(0, |m| m.grid.len() as u64)).sum()
}
