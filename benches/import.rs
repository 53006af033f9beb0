//! The import geometry on synthetic CAD drawings: grids of rooms whose
//! walls are doubled outlines broken at every crossing
//! ([`wifiplan::import::sample`]), from a few hundred to 10,200 lines.
//! Timed: the DXF entities to walls (flattening, collinear merging, outline
//! pairing, end snapping) and the plan built and validated from them.
//! Throughput is in source lines, so the report reads lines/s.

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wifiplan::import::{self, sample, ImportOptions};

/// Rooms per side of the grids.
const SIDES: [usize; 3] = [10, 25, 50];

fn dxf_import(c: &mut Criterion) {
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    let options = ImportOptions::default();
    for side in SIDES {
        let drawing = sample::room_grid_dxf(side, side, 4.0, 0.2);
        let lines = sample::room_grid_lines(side, side);
        group.throughput(Throughput::Elements(lines as u64));
        group.bench_with_input(BenchmarkId::new("dxf_grid", format!("{lines}_lines")), &drawing, |b, drawing| {
            b.iter(|| {
                let walls = import::dxf::from_dxf(drawing, &options);
                import::build_plan(Path::new("grid.dxf"), walls, &options).expect("the grid imports")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, dxf_import);
criterion_main!(benches);
