//! The common grid of a shared storey and the difference map on it: the
//! base grid extended to cover the candidate's extent; the candidate's
//! values are copied in when its grid lies on the same lattice, else the
//! storey is evaluated again on the common grid (cheaper and more exact
//! than resampling, which would smear the steep gradients at walls).

use crate::error::{Error, Result};
use crate::geometry::{Aabb2, Point2};
use crate::pipeline::SimulationOutcome;
use crate::propagation::engine;
use crate::propagation::grid::{CoverageMap, GridSpec};
use crate::propagation::mask::CellMask;
use crate::propagation::PropagationModel;
use crate::report::comparison::DeltaMap;
use crate::units::Real;

/// Where a grid's origin falls on another grid's lattice, in cells.
fn lattice_offset(grid: &GridSpec, on: &GridSpec) -> (Real, Real) {
    ((grid.origin.x - on.origin.x) / on.resolution, (grid.origin.y - on.origin.y) / on.resolution)
}

/// Copies `map` into `target` (same lattice), shifted by whole cells.
fn place(target: &mut CoverageMap, map: &CoverageMap, shift: (i64, i64)) {
    let (w, h) = (target.grid.width as i64, target.grid.height as i64);
    for (row, values) in map.rows().enumerate() {
        let y = row as i64 + shift.1;
        if !(0..h).contains(&y) {
            continue;
        }
        for (column, &value) in values.iter().enumerate() {
            let x = column as i64 + shift.0;
            if (0..w).contains(&x) {
                target.values[(y * w + x) as usize] = value;
            }
        }
    }
}

/// The best-server RSSI of storey `floor` of `outcome` over `grid`
/// (re-evaluating every AP there).
fn rssi_on_grid(
    outcome: &SimulationOutcome,
    floor: usize,
    grid: GridSpec,
    model: &dyn PropagationModel,
) -> Result<CoverageMap> {
    let scene = &outcome.scene;
    let mut storey = scene.floors[floor].clone();
    // Bounds half a cell short of the grid's far edges: `covering` rounds
    // the cell count up, so it gives exactly `grid`.
    let r = grid.resolution;
    storey.bounds = Aabb2::from_points(
        grid.origin,
        Point2::new(grid.origin.x + (grid.width as Real - 0.5) * r, grid.origin.y + (grid.height as Real - 0.5) * r),
    );
    let mask = CellMask::build(&storey, r)?;
    let z = storey.elevation + scene.settings.receiver_height;
    let per_ap = engine::storey_maps(scene, model, floor, &mask, z, &|_| {});
    // The engine's best-server step, so that the map holds exactly what
    // `simulate` would: the strongest AP (−∞ where none reaches), `NaN`
    // inside walls.
    let mut best = CoverageMap::filled(mask.grid, f32::NAN);
    for (i, value) in best.values.iter_mut().enumerate() {
        if !mask.in_wall[i] {
            *value = engine::serve(scene, |a| per_ap[a].values[i] as Real).rssi.value() as f32;
        }
    }
    if best.grid.width != grid.width || best.grid.height != grid.height {
        return Err(Error::internal(format!(
            "internal error: the common grid of storey `{}` came out {}×{} instead of {}×{}\n  hint: this is a bug in wifiplan; compare at another --resolution meanwhile",
            storey.id, best.grid.width, best.grid.height, grid.width, grid.height
        )));
    }
    best.grid = grid;
    Ok(best)
}

/// Candidate − base on a common grid for one shared storey.
pub(super) fn delta_map(
    base: &SimulationOutcome,
    candidate: &SimulationOutcome,
    base_floor: usize,
    candidate_floor: usize,
    model: &dyn PropagationModel,
) -> Result<DeltaMap> {
    let b = &base.coverage.floors[base_floor].rssi;
    let c = &candidate.coverage.floors[candidate_floor].rssi;
    let (gb, gc) = (b.grid, c.grid);
    let (ox, oy) = lattice_offset(&gc, &gb);
    let same_lattice = (gc.resolution - gb.resolution).abs() <= 1e-9 * gb.resolution
        && (ox - ox.round()).abs() < 1e-6
        && (oy - oy.round()).abs() < 1e-6;
    // The base lattice extended to cover the candidate's extent.
    let extent_c = gc.bounds();
    let lo_x = ((ox + 1e-6).floor() as i64).min(0);
    let lo_y = ((oy + 1e-6).floor() as i64).min(0);
    let hi_x = (((extent_c.max.x - gb.origin.x) / gb.resolution - 1e-6).ceil() as i64).max(gb.width as i64);
    let hi_y = (((extent_c.max.y - gb.origin.y) / gb.resolution - 1e-6).ceil() as i64).max(gb.height as i64);
    let common = GridSpec {
        origin: Point2::new(gb.origin.x + lo_x as Real * gb.resolution, gb.origin.y + lo_y as Real * gb.resolution),
        resolution: gb.resolution,
        width: (hi_x - lo_x) as usize,
        height: (hi_y - lo_y) as usize,
    };
    let mut base_values = CoverageMap::filled(common, f32::NAN);
    place(&mut base_values, b, (-lo_x, -lo_y));
    let (candidate_values, recomputed) = if same_lattice {
        let mut values = CoverageMap::filled(common, f32::NAN);
        place(&mut values, c, (ox.round() as i64 - lo_x, oy.round() as i64 - lo_y));
        (values, false)
    } else {
        (rssi_on_grid(candidate, candidate_floor, common, model)?, true)
    };
    let mut map = CoverageMap::filled(common, f32::NAN);
    for ((d, &before), &after) in map.values.iter_mut().zip(&base_values.values).zip(&candidate_values.values) {
        *d = if before.is_nan() || after.is_nan() {
            f32::NAN
        } else if before == after {
            0.0
        } else {
            after - before
        };
    }
    Ok(DeltaMap { floor: base.scene.floors[base_floor].id.clone(), base_floor, candidate_floor, map, recomputed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_shifts_by_whole_cells() {
        let grid = |w, h| GridSpec { origin: Point2::new(0.0, 0.0), resolution: 1.0, width: w, height: h };
        let mut target = CoverageMap::filled(grid(4, 3), f32::NAN);
        let source = CoverageMap { grid: grid(2, 2), values: vec![1.0, 2.0, 3.0, 4.0] };
        place(&mut target, &source, (1, 1));
        assert_eq!(target.get(1, 1), 1.0);
        assert_eq!(target.get(2, 2), 4.0);
        assert!(target.get(0, 0).is_nan());
        place(&mut target, &source, (3, 2)); // clipped at the edges
        assert_eq!(target.get(3, 2), 1.0);
    }
}
