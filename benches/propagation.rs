//! The multiwall engine on the example plans: full grids (every cell × every
//! AP) and single point evaluations. Throughput is in cell·AP evaluations.

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wifiplan::geometry::Point3;
use wifiplan::pipeline::load_scene;
use wifiplan::propagation::engine::{self, CellMask};
use wifiplan::propagation::{MultiWall, PropagationModel};

const PLANS: [&str; 3] = ["lycee_darche.toml", "lycee_moderne.toml", "office_small.toml"];

fn scene(name: &str) -> wifiplan::scene::Scene {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("floorplans").join(name);
    load_scene(&path, None).unwrap_or_else(|e| panic!("{name}: {e}")).1
}

fn full_grid(c: &mut Criterion) {
    let mut group = c.benchmark_group("multiwall_grid");
    group.sample_size(10);
    for name in PLANS {
        let scene = scene(name);
        let resolution = scene.settings.resolution;
        let cells: u64 = scene
            .floors
            .iter()
            .map(|floor| CellMask::build(floor, resolution).map_or(0, |m| m.grid.len() as u64))
            .sum();
        group.throughput(Throughput::Elements(cells * scene.aps.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &scene, |b, scene| {
            b.iter(|| engine::simulate(scene, &MultiWall, resolution, &|_, _| {}).expect("simulates"))
        });
    }
    group.finish();
}

fn single_paths(c: &mut Criterion) {
    let mut group = c.benchmark_group("multiwall_path");
    let scene = scene("lycee_darche.toml");
    let receivers: Vec<Point3> =
        (0..1000).map(|i| Point3::new(0.5 + (i % 50) as f64 * 0.75, 0.5 + (i / 50) as f64 * 1.1, 1.0)).collect();
    group.throughput(Throughput::Elements((receivers.len() * scene.aps.len()) as u64));
    group.bench_function("lycee_darche_1000_points", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for ap in &scene.aps {
                let field = MultiWall.field(&scene, ap, 0);
                for &rx in &receivers {
                    sum += field.received_power(rx).value();
                }
            }
            sum
        })
    });
    group.finish();
}

criterion_group!(benches, full_grid, single_paths);
criterion_main!(benches);
