//! The multiwall engine on the example plans: full grids (every cell × every
//! AP) and single point evaluations. Throughput is in cell·AP evaluations.

mod common;

use common::{grid_cells, scene, PLANS};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wifiplan::geometry::Point3;
use wifiplan::propagation::engine;
use wifiplan::propagation::{MultiWall, PropagationModel};

fn full_grid(c: &mut Criterion) {
    let mut group = c.benchmark_group("multiwall_grid");
    group.sample_size(10);
    for name in PLANS {
        let scene = scene(name);
        let resolution = scene.settings.resolution;
        group.throughput(Throughput::Elements(grid_cells(&scene) * scene.aps.len() as u64));
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
