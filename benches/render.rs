//! The renderer on the example plans: one storey's heatmap image, from a
//! coverage computed once outside the timing, at the plan's default
//! resolution and scale. Throughput is in grid cells, so the report reads
//! cells/s.

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wifiplan::pipeline::load_scene;
use wifiplan::propagation::engine::{self, FloorCoverage};
use wifiplan::propagation::MultiWall;
use wifiplan::render::{self, RenderOptions};
use wifiplan::scene::Scene;

/// (plan, storey) pairs: the reference case first.
const CASES: [(&str, &str); 2] = [("lycee_darche.toml", "rdc"), ("office_small.toml", "rdc")];

/// The maps, by name.
type Draw = fn(&Scene, &FloorCoverage, &RenderOptions) -> image::RgbImage;
const MAPS: [(&str, Draw); 3] =
    [("rssi", render::rssi_map), ("sinr", render::sinr_map), ("server", render::server_map)];

fn simulated(name: &str, storey: &str) -> (Scene, FloorCoverage) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("floorplans").join(name);
    let scene = load_scene(&path, None).unwrap_or_else(|e| panic!("{name}: {e}")).1;
    let coverage = engine::simulate(&scene, &MultiWall, scene.settings.resolution, &|_, _| {})
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let index = scene.floor_index(storey).unwrap_or_else(|| panic!("{name} has no storey {storey}"));
    let floor = coverage.floors.into_iter().nth(index).expect("one coverage per storey");
    (scene, floor)
}

fn maps(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group.sample_size(20);
    for (plan, storey) in CASES {
        let (scene, coverage) = simulated(plan, storey);
        let options = RenderOptions::for_floor(&scene, coverage.floor, format!("{plan} {storey}"));
        group.throughput(Throughput::Elements(coverage.rssi.grid.len() as u64));
        // Every map on the reference case; the RSSI map alone elsewhere.
        let maps = if plan == CASES[0].0 { &MAPS[..] } else { &MAPS[..1] };
        for &(map, draw) in maps {
            let id = BenchmarkId::new(map, format!("{plan}/{storey}"));
            group.bench_with_input(id, &(&scene, &coverage), |b, (scene, coverage)| {
                b.iter(|| draw(scene, coverage, &options))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, maps);
criterion_main!(benches);
