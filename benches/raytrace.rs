//! The ray tracer on the example plans: the full grid of every storey at
//! the plan's resolution with the default 3 reflections (the figure quoted
//! for "a whole school in seconds"), and per-receiver tracing reported in
//! paths per second.

mod common;

use common::{grid_cells, scene, PLANS};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wifiplan::geometry::Point3;
use wifiplan::propagation::engine;
use wifiplan::propagation::RayTrace;

fn full_grid(c: &mut Criterion) {
    let mut group = c.benchmark_group("raytrace_grid");
    group.sample_size(10);
    for name in PLANS {
        let scene = scene(name);
        let resolution = scene.settings.resolution;
        group.throughput(Throughput::Elements(grid_cells(&scene) * scene.aps.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &scene, |b, scene| {
            b.iter(|| engine::simulate(scene, &RayTrace::default(), resolution, &|_, _| {}).expect("simulates"))
        });
    }
    group.finish();
}

fn paths_per_second(c: &mut Criterion) {
    let mut group = c.benchmark_group("raytrace_paths");
    for name in PLANS {
        let scene = scene(name);
        let model = RayTrace::default();
        let ap = &scene.aps[0];
        let context = model.context(&scene, ap, ap.floor);
        let z = scene.floors[ap.floor].elevation + scene.settings.receiver_height;
        let bounds = scene.floors[ap.floor].footprint;
        let receivers: Vec<Point3> = (0..400)
            .map(|i| {
                let (u, v) = ((i % 20) as f64 / 19.0, (i / 20) as f64 / 19.0);
                let extent = bounds.extent();
                Point3::new(
                    bounds.min.x + 0.05 * extent.x + 0.9 * u * extent.x,
                    bounds.min.y + 0.05 * extent.y + 0.9 * v * extent.y,
                    z,
                )
            })
            .collect();
        let paths: u64 = receivers.iter().map(|&r| context.trace(r, None).paths as u64).sum();
        group.throughput(Throughput::Elements(paths));
        group.bench_function(BenchmarkId::new("paths", name), |b| {
            b.iter(|| receivers.iter().map(|&r| context.trace(r, None).power_mw).sum::<f64>())
        });
    }
    group.finish();
}

criterion_group!(benches, full_grid, paths_per_second);
criterion_main!(benches);
