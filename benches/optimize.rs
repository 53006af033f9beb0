//! `plan` on the example plans: building the coverage matrix (every
//! candidate × every required cell, multiwall), the search, and the LP
//! bound, each timed on its own.

mod common;

use std::time::Duration;

use common::{scene, PLANS};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wifiplan::optimize::{bound, candidates, search, CoverageMatrix, Rules};

/// Optimiser grid for the benches (the CLI default is the plan's own).
const RESOLUTION: f64 = 0.5;

fn matrix(name: &str) -> (wifiplan::scene::Scene, CoverageMatrix) {
    let mut scene = scene(name);
    scene.aps.retain(|ap| ap.fixed);
    let points = candidates::candidates(&scene, candidates::DEFAULT_SPACING);
    let template = wifiplan::scene::AccessPoint {
        id: String::new(),
        floor: 0,
        position: wifiplan::geometry::Point3::origin(),
        band: scene.settings.band,
        channel: 36,
        channel_width: 20,
        frequency: wifiplan::radio::centre_frequency(scene.settings.band, 36),
        tx_power_dbm: scene.settings.tx_power_dbm,
        antenna_gain_dbi: scene.settings.antenna_gain_dbi,
        channel_given: false,
        fixed: false,
        antenna: wifiplan::antenna::Antenna::isotropic(scene.settings.antenna_gain_dbi),
    };
    let matrix = CoverageMatrix::build(&scene, &points, &template, scene.settings.ap_height, RESOLUTION, None)
        .expect("matrix builds");
    (scene, matrix)
}

fn coverage_matrix(c: &mut Criterion) {
    let mut group = c.benchmark_group("optimize_matrix");
    group.sample_size(10);
    for name in PLANS {
        let (_, built) = matrix(name);
        group.throughput(Throughput::Elements((built.len() * built.cells.len()) as u64));
        group.bench_function(BenchmarkId::from_parameter(name), |b| b.iter(|| matrix(name)));
    }
    group.finish();
}

fn search_and_bound(c: &mut Criterion) {
    let rules = Rules { coverage_depth: 1, max_clients_per_ap: 30, max_aps: None };
    let mut group = c.benchmark_group("optimize_search");
    group.sample_size(10);
    for name in PLANS {
        let (_, built) = matrix(name);
        group.bench_function(BenchmarkId::new("greedy_local_4_starts", name), |b| {
            b.iter(|| search::search(&built, rules, 1, 4, Duration::from_secs(600)))
        });
        group.bench_function(BenchmarkId::new("lp_bound", name), |b| b.iter(|| bound::lower_bound(&built, 1, 30)));
    }
    group.finish();
}

criterion_group!(benches, coverage_matrix, search_and_bound);
criterion_main!(benches);
