//! The coverage matrix: for every candidate (and every fixed AP), the
//! required cells it covers and how strongly, computed once with the
//! multiwall model. Everything the search and the bound need comes from
//! here, so no propagation runs inside the search loop.

use rayon::prelude::*;

use super::candidates::Candidate;
use crate::error::Result;
use crate::geometry::Point3;
use crate::propagation::engine::{CellMask, NO_ROOM};
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

        let receivers: Vec<Point3> = cells
            .iter()
            .map(|cell| {
                let mask = &masks[cell.floor];
                let p = mask.grid.cell_centre(cell.index % mask.grid.width, cell.index / mask.grid.width);
                Point3::new(p.x, p.y, scene.floors[cell.floor].elevation + scene.settings.receiver_height)
            })
            .collect();
        let thresholds: Vec<f32> = cells.iter().map(|c| requirements[c.requirement].threshold_dbm as f32).collect();
        let columns = aps
            .par_iter()
            .map(|ap| {
                let fields: Vec<_> = (0..scene.floors.len()).map(|f| MultiWall.field(scene, ap, f)).collect();
                let mut column = Vec::new();
                for (i, (cell, receiver)) in cells.iter().zip(&receivers).enumerate() {
                    let power = fields[cell.floor].received_power(*receiver).value() as f32;
                    if power >= thresholds[i] {
                        column.push((i as u32, power));
                    }
                }
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

/// Cells that must be covered for a target in %: ⌈target/100 · cells⌉,
/// with a tolerance so that 95 % of 20 cells is 19, not 20 after rounding.
fn need(target_pct: Real, cells: usize) -> usize {
    ((target_pct / 100.0 * cells as Real) - 1e-9).ceil().max(0.0) as usize
}
