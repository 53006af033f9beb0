//! Any bytes as a plan file: parse (TOML, or JSON when the text starts
//! with `{`), validate, and, when valid, simulate with both models on a
//! coarse grid. Errors are fine; a panic, an abort or a hang is a bug.
//!
//! Seed the corpus with the example plans:
//! `mkdir -p fuzz/corpus/parse_validate_simulate && cp floorplans/*.toml
//! floorplans/*.json fuzz/corpus/parse_validate_simulate/`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use wifiplan::floorplan::{self, PlanFormat};
use wifiplan::propagation::{engine, MultiWall, RayTrace};
use wifiplan::scene::Scene;

/// About this many cells per storey: enough to cross every wall, few
/// enough that each input runs in milliseconds.
const CELLS: f64 = 400.0;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let format = if text.trim_start().starts_with('{') { PlanFormat::Json } else { PlanFormat::Toml };
    let Ok(source) = floorplan::parse_str("fuzz.toml", text, format) else { return };
    let Ok(materials) = floorplan::validate::validate(&source) else { return };
    let scene = Scene::build(&source, materials);
    let area = scene.floors.iter().map(|f| f.bounds.extent().x * f.bounds.extent().y).fold(1.0, f64::max);
    let resolution = (area / CELLS).sqrt().max(0.5);
    let _ = engine::simulate(&scene, &MultiWall, resolution, &|_, _| {});
    let raytrace = RayTrace { max_reflections: 1, ..RayTrace::default() };
    let _ = engine::simulate(&scene, &raytrace, resolution, &|_, _| {});
});
