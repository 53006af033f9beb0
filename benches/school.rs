//! The generated school of `wifiplan::synthetic` (the building-scale
//! issue's block: 3 storeys, 2 wings, 96 × 48 m, 144 classrooms, 72 APs,
//! 0.25 m grid, 1.0 m stone shell, brick partitions), and one storey of it.
//!
//! - `school_multiwall/engine`: the whole multiwall simulation (every cell
//!   of every storey × every AP, combine), in cell·AP pairs per second;
//! - `school_multiwall/brute_force`: the same direct-path rule testing
//!   every wall of the building for every pair
//!   ([`wifiplan::propagation::multiwall::brute_force_loss`]), on an even
//!   sample of the pairs: the ratio of the two throughputs is the speed-up;
//! - `school_raytrace/one_storey_48m`: the default ray tracer (3
//!   reflections, diffraction, scattering) on one storey of a 48 × 48 m
//!   school (24 classrooms, 12 APs);
//! - `school_raytrace/three_storeys`: the whole block, only with
//!   `WIFIPLAN_BENCH_FULL_SCHOOL=1` (minutes per sample).

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rayon::prelude::*;
use wifiplan::geometry::Point3;
use wifiplan::pipeline::load_scene;
use wifiplan::propagation::engine;
use wifiplan::propagation::mask::CellMask;
use wifiplan::propagation::multiwall::brute_force_loss;
use wifiplan::propagation::{MultiWall, RayTrace};
use wifiplan::scene::Scene;
use wifiplan::synthetic::{school, SchoolSpec};

/// Writes the generated plan to a temporary file and loads it the way the
/// CLI does.
fn generated(spec: &SchoolSpec) -> Scene {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("school.toml");
    let text = wifiplan::floorplan::to_toml(&school(spec)).expect("serialises");
    std::fs::write(&path, text).expect("writes");
    load_scene(Path::new(&path), None).unwrap_or_else(|e| panic!("generated school: {e}")).1
}

fn cell_ap_pairs(scene: &Scene) -> u64 {
    let resolution = scene.settings.resolution;
    let cells: u64 =
        scene.floors.iter().map(|floor| CellMask::build(floor, resolution).map_or(0, |m| m.grid.len() as u64)).sum();
    cells * scene.aps.len() as u64
}

fn multiwall(c: &mut Criterion) {
    let scene = generated(&SchoolSpec::default());
    let resolution = scene.settings.resolution;
    let mut group = c.benchmark_group("school_multiwall");
    group.sample_size(10);
    group.throughput(Throughput::Elements(cell_ap_pairs(&scene)));
    group.bench_function("engine", |b| {
        b.iter(|| engine::simulate(&scene, &MultiWall, resolution, &|_, _| {}).expect("simulates"))
    });
    // An even sample of receivers over every storey, against every AP.
    let receivers: Vec<Point3> = scene
        .floors
        .iter()
        .flat_map(|floor| {
            let (min, extent) = (floor.footprint.min, floor.footprint.extent());
            let z = floor.elevation + scene.settings.receiver_height;
            (0..100).map(move |i| {
                let (u, v) = ((i % 10) as f64 + 0.5, (i / 10) as f64 + 0.5);
                Point3::new(min.x + extent.x * u / 10.0, min.y + extent.y * v / 10.0, z)
            })
        })
        .collect();
    group.throughput(Throughput::Elements((receivers.len() * scene.aps.len()) as u64));
    group.bench_function("brute_force", |b| {
        // On every core, like the engine.
        b.iter(|| {
            scene
                .aps
                .par_iter()
                .map(|ap| receivers.iter().map(|&receiver| brute_force_loss(&scene, ap, receiver).value()).sum::<f64>())
                .sum::<f64>()
        })
    });
    group.finish();
}

fn raytrace(c: &mut Criterion) {
    let mut group = c.benchmark_group("school_raytrace");
    group.sample_size(10);
    let mut plans = vec![("one_storey_48m", SchoolSpec { storeys: 1, rooms_per_row: 6, ..SchoolSpec::default() })];
    if std::env::var_os("WIFIPLAN_BENCH_FULL_SCHOOL").is_some() {
        plans.push(("three_storeys", SchoolSpec::default()));
    }
    for (name, spec) in plans {
        let scene = generated(&spec);
        let resolution = scene.settings.resolution;
        group.throughput(Throughput::Elements(cell_ap_pairs(&scene)));
        group.bench_with_input(BenchmarkId::from_parameter(name), &scene, |b, scene| {
            b.iter(|| engine::simulate(scene, &RayTrace::default(), resolution, &|_, _| {}).expect("simulates"))
        });
    }
    group.finish();
}

criterion_group!(benches, multiwall, raytrace);
criterion_main!(benches);
