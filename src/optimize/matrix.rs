//! The coverage matrix: for every candidate (and every fixed AP), the
//! required cells it covers and how strongly, computed once with the
//! multiwall model. Everything the search and the bound need comes from
//! here, so no propagation runs inside the search loop. Fixed APs on
//! another band than the candidates' get an empty column.

use rayon::prelude::*;

use super::candidates::Candidate;
use crate::error::Result;
use crate::geometry::Point3;
use crate::propagation::mask::{CellMask, NO_ROOM};
use crate::propagation::{MultiWall, PropagationModel};
use crate::scene::{AccessPoint, Scene};
use crate::units::Real;

/// A coverage requirement: a room (or a storey without rooms) whose share
/// of covered cells must reach its target.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    /// Storey index.
    pub floor: usize,
    /// Room index on the storey, or `None` for a storey without rooms.
    pub room: Option<usize>,
    /// Display name.
    pub name: String,
    /// Required cells in it.
    pub cells: usize,
    /// Cells that must be covered: ⌈target · cells⌉.
    pub need: usize,
    /// Threshold, dBm.
    pub threshold_dbm: Real,
    /// Expected clients.
    pub clients: u32,
}

/// One required cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    /// Storey index.
    pub floor: usize,
    /// Index in the storey's grid.
    pub index: usize,
    /// Index of its requirement.
    pub requirement: usize,
}

/// The coverage matrix.
#[derive(Clone, Debug)]
pub struct CoverageMatrix {
    /// Required cells of every storey.
    pub cells: Vec<Cell>,
    /// Requirements (rooms).
    pub requirements: Vec<Requirement>,
    /// The APs the columns stand for: the plan's fixed APs first, then one
    /// per candidate.
    pub aps: Vec<AccessPoint>,
    /// How many of `aps` are fixed (kept whatever the search does).
    pub fixed: usize,
    /// Per AP: the cells at or above their threshold, with the received
    /// power there, dBm, in cell order.
    pub columns: Vec<Vec<(u32, f32)>>,
}

impl CoverageMatrix {
    /// Builds the matrix. `template` gives the band, channel, power and
    /// gain of candidate APs; `height` their height above the floor.
    pub fn build(
        scene: &Scene,
        candidates: &[Candidate],
        template: &AccessPoint,
        height: Real,
        resolution: Real,
        target_override: Option<Real>,
    ) -> Result<CoverageMatrix> {
        let masks: Vec<CellMask> =
            scene.floors.iter().map(|floor| CellMask::build(floor, resolution)).collect::<Result<_>>()?;
        let mut requirements = Vec::new();
        let mut cells = Vec::new();
        for (floor_index, (floor, mask)) in scene.floors.iter().zip(&masks).enumerate() {
            if floor.rooms.is_empty() {
                let requirement = requirements.len();
                let storey_cells: Vec<usize> = (0..mask.grid.len()).filter(|&c| mask.required[c]).collect();
                let target = target_override.unwrap_or(scene.settings.target_coverage);
                requirements.push(Requirement {
                    floor: floor_index,
                    room: None,
                    name: floor.id.clone(),
                    cells: storey_cells.len(),
                    need: need(target, storey_cells.len()),
                    threshold_dbm: scene.settings.threshold_dbm,
                    clients: 0,
                });
                cells.extend(storey_cells.into_iter().map(|index| Cell { floor: floor_index, index, requirement }));
                continue;
            }
            let first = requirements.len();
            for (room_index, room) in floor.rooms.iter().enumerate() {
                let room_cells =
                    (0..mask.grid.len()).filter(|&c| mask.required[c] && mask.room[c] as usize == room_index).count();
                let target = target_override.unwrap_or(room.target_coverage);
                requirements.push(Requirement {
                    floor: floor_index,
                    room: Some(room_index),
                    name: room.name.clone(),
                    cells: room_cells,
                    need: if room.exclude { 0 } else { need(target, room_cells) },
                    threshold_dbm: room.threshold_dbm,
                    clients: room.clients,
                });
            }
            for c in 0..mask.grid.len() {
                if mask.required[c] && mask.room[c] != NO_ROOM {
                    cells.push(Cell { floor: floor_index, index: c, requirement: first + mask.room[c] as usize });
                }
            }
        }

        let fixed = scene.aps.len();
        let mut aps: Vec<AccessPoint> = scene.aps.clone();
        for (i, candidate) in candidates.iter().enumerate() {
            let storey = &scene.floors[candidate.floor];
            let mut ap = template.clone();
            ap.id = format!("C{}", i + 1);
            ap.floor = candidate.floor;
            ap.position = Point3::new(candidate.position.x, candidate.position.y, storey.elevation + height);
            aps.push(ap);
        }

        // Each candidate's power over the required cells of every storey
        // it can reach, a grid row at a time (the models share work along a
        // row), keeping the cells at or above their threshold.
        let skips: Vec<Vec<bool>> = masks.iter().map(|mask| mask.required.iter().map(|&r| !r).collect()).collect();
        let mut cell_index: Vec<Vec<u32>> = masks.iter().map(|mask| vec![u32::MAX; mask.grid.len()]).collect();
        for (i, cell) in cells.iter().enumerate() {
            cell_index[cell.floor][cell.index] = i as u32;
        }
        let thresholds: Vec<f32> = cells.iter().map(|c| requirements[c.requirement].threshold_dbm as f32).collect();
        let weakest = thresholds.iter().copied().fold(f32::INFINITY, f32::min) as Real;
        let columns = aps
            .par_iter()
            .map(|ap| {
                let mut column = Vec::new();
                // A fixed AP on another band serves no client of the planned
                // band: the requirement is judged per band, so a 2.4 GHz AP
                // must not stand in for missing 5 GHz coverage.
                if ap.band != template.band {
                    return column;
                }
                for (floor, mask) in masks.iter().enumerate() {
                    if !may_reach(scene, ap, floor, weakest) {
                        continue;
                    }
                    let field = MultiWall.field(scene, ap, floor);
                    let grid = mask.grid;
                    let receiver_z = scene.floors[floor].elevation + scene.settings.receiver_height;
                    let xs: Vec<Real> = (0..grid.width).map(|c| grid.cell_centre(c, 0).x).collect();
                    let floors = vec![f32::NEG_INFINITY; grid.width];
                    let mut row_values = vec![f32::NAN; grid.width];
                    for row in 0..grid.height {
                        let span = row * grid.width..(row + 1) * grid.width;
                        let skip = &skips[floor][span.clone()];
                        if skip.iter().all(|&s| s) {
                            continue;
                        }
                        let y = grid.cell_centre(0, row).y;
                        field.received_power_row(y, &xs, receiver_z, skip, &floors, &mut row_values);
                        for (column_index, &value) in row_values.iter().enumerate() {
                            let i = cell_index[floor][span.start + column_index];
                            if i != u32::MAX && !skip[column_index] && value >= thresholds[i as usize] {
                                column.push((i, value));
                            }
                        }
                    }
                }
                column.sort_by_key(|&(i, _)| i);
                column
            })
            .collect();
        Ok(CoverageMatrix { cells, requirements, aps, fixed, columns })
    }

    /// Total margin of column `j` over its cells' thresholds, dB·cells: how
    /// strongly it covers what it covers.
    pub fn strength(&self, j: usize) -> Real {
        self.columns[j]
            .iter()
            .map(|&(cell, power)| {
                (power as Real - self.requirements[self.cells[cell as usize].requirement].threshold_dbm).max(0.0)
            })
            .sum()
    }

    /// Clients of every requirement that must be covered.
    pub fn total_clients(&self) -> u64 {
        self.requirements.iter().filter(|r| r.need > 0).map(|r| r.clients as u64).sum()
    }

    /// Number of columns (fixed APs and candidates).
    pub fn len(&self) -> usize {
        self.aps.len()
    }

    /// Whether there is nothing to choose from.
    pub fn is_empty(&self) -> bool {
        self.aps.is_empty()
    }
}

/// Whether `ap` can reach `threshold_dbm` anywhere on storey `floor`: on
/// another storey, its free-space power over the height between them,
/// through the floor slabs between them at their most transparent angle,
/// must reach it (floor slabs rarely let a candidate cover the storey
/// above; this saves evaluating those storeys at all).
fn may_reach(scene: &Scene, ap: &AccessPoint, floor: usize, threshold_dbm: Real) -> bool {
    if ap.floor == floor {
        return true;
    }
    let receiver_z = scene.floors[floor].elevation + scene.settings.receiver_height;
    let rise = (receiver_z - ap.position.z).abs();
    let lookup = crate::propagation::crossing::SlabLookup::for_ap(scene, ap);
    let slabs = crate::propagation::raytrace::trace::SlabsBetween::new(scene, ap.position.z, receiver_z);
    let best = ap.eirp_dbm() - crate::propagation::free_space_loss(rise, ap.frequency).value();
    let through = slabs.slabs.iter().map(|slab| lookup.max_transmission_power(slab)).product::<Real>();
    best + 10.0 * through.max(1e-300).log10() >= threshold_dbm
}

/// Cells that must be covered for a target in %: ⌈target/100 · cells⌉,
/// with a tolerance so that 95 % of 20 cells is 19, not 20 after rounding.
fn need(target_pct: Real, cells: usize) -> usize {
    ((target_pct / 100.0 * cells as Real) - 1e-9).ceil().max(0.0) as usize
}
