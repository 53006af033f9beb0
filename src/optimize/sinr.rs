//! SINR after channel assignment: which rooms the planned APs cover but
//! interfere in, and the AP that would help most.
//!
//! Coverage and capacity are decided before channels exist; the SINR is
//! not known until they are assigned. Where a room has the signal but its
//! SINR falls short (too few channels for the APs that hear each other),
//! an AP placed where it becomes the strongest server, on a channel its
//! neighbours do not use, lifts those cells. [`best_additions`] estimates,
//! for every candidate and channel, how many short cells it would lift
//! (from the candidate's power in the coverage matrix and the other APs'
//! power in the multiwall simulation); the caller adds the best, assigns
//! channels again, and keeps it only when the shortfall really shrinks.

use super::matrix::CoverageMatrix;
use crate::propagation::engine::Coverage;
use crate::propagation::mask::NO_ROOM;
use crate::radio;
use crate::radio::Band;
use crate::requirement::Requirement;
use crate::scene::{AccessPoint, Scene};
use crate::units::{Dbm, Real};

/// Most APs added for SINR in one plan.
pub const MAX_ADDED: usize = 8;

/// Cells the SINR leaves short.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shortfall {
    /// Cells still needed, summed over the rooms (and room-less storeys)
    /// that have the signal but not the SINR on their target share.
    pub missing: usize,
    /// The cells of those rooms with the signal but not the SINR: storey
    /// index, grid index, the room's minimum SINR.
    pub cells: Vec<(usize, usize, Real)>,
}

/// The shortfall of `aps` (on their current channels), judged on `band`'s
/// APs; `simulated` is their multiwall simulation (per-AP maps in `aps`
/// order).
pub fn shortfall(
    scene: &Scene,
    aps: &[AccessPoint],
    simulated: &Coverage,
    requirement: &Requirement,
    band: Band,
) -> Shortfall {
    let mut planned = scene.clone();
    planned.aps = aps.to_vec();
    let coverage = crate::report::band_coverage(&planned, simulated, band);
    let mut result = Shortfall::default();
    for fc in &coverage.floors {
        let floor = &planned.floors[fc.floor];
        // Per room (or the storey when it has none): its cells.
        let groups: Vec<Option<usize>> =
            if floor.rooms.is_empty() { vec![None] } else { (0..floor.rooms.len()).map(Some).collect() };
        for room in groups {
            if room.is_some_and(|r| floor.rooms[r].exclude) {
                continue;
            }
            let need = requirement.room(fc.floor, room);
            let cells: Vec<usize> = (0..fc.mask.grid.len())
                .filter(|&c| {
                    fc.mask.required[c]
                        && match room {
                            Some(r) => fc.mask.room[c] as usize == r,
                            None => fc.mask.room[c] == NO_ROOM,
                        }
                })
                .collect();
            let target = ((need.target_coverage_pct / 100.0 * cells.len() as Real) - 1e-9).ceil().max(0.0) as usize;
            let signal: Vec<usize> =
                cells.iter().copied().filter(|&c| fc.rssi.values[c] as Real >= need.threshold_dbm).collect();
            let short: Vec<usize> =
                signal.iter().copied().filter(|&c| (fc.sinr.values[c] as Real) < need.min_sinr_db).collect();
            let met = signal.len() - short.len();
            if signal.len() >= target && met < target {
                result.missing += target - met;
                result.cells.extend(short.into_iter().map(|c| (fc.floor, c, need.min_sinr_db)));
            }
        }
    }
    result
}

/// Candidate columns worth trying, fewest first: how many are tried
/// before the repair gives up.
pub const TRIES: usize = 6;

/// The candidate columns (not in `chosen`) that would lift the most short
/// cells by becoming their server with enough SINR, each on its best
/// channel, most lifted first (at most [`TRIES`]); empty when none would
/// lift any.
pub fn best_additions(
    scene: &Scene,
    matrix: &CoverageMatrix,
    chosen: &[usize],
    aps: &[AccessPoint],
    simulated: &Coverage,
    shortfall: &Shortfall,
    choices: &dyn Fn(&AccessPoint) -> Vec<u32>,
) -> Vec<(usize, u32)> {
    let Some(template) = matrix.aps.get(matrix.fixed) else { return Vec::new() };
    let channels = choices(template);
    if channels.is_empty() || shortfall.cells.is_empty() {
        return Vec::new();
    }
    // Matrix cell of each short cell.
    let mut index_of = std::collections::HashMap::new();
    for (i, cell) in matrix.cells.iter().enumerate() {
        index_of.insert((cell.floor, cell.index), i as u32);
    }
    let noise_mw = scene.settings.noise(template.channel_width).to_milliwatts();
    // Per short cell: the strongest current power, and the interference a
    // new AP on each channel would see (every AP of its band, weighted by
    // spectral overlap).
    struct Short {
        cell: u32,
        strongest: Real,
        interference_mw: Vec<Real>,
        min_sinr: Real,
    }
    let shorts: Vec<Short> = shortfall
        .cells
        .iter()
        .filter_map(|&(floor, index, min_sinr)| {
            let cell = *index_of.get(&(floor, index))?;
            let fc = simulated.floors.get(floor)?;
            let powers: Vec<Real> = (0..aps.len()).map(|a| fc.per_ap[a].values[index] as Real).collect();
            let strongest = aps
                .iter()
                .zip(&powers)
                .filter(|(ap, p)| ap.band == template.band && p.is_finite())
                .map(|(_, &p)| p)
                .fold(Real::NEG_INFINITY, Real::max);
            let interference_mw = channels
                .iter()
                .map(|&ch| {
                    let occupied = radio::occupied_band(template.band, ch, template.channel_width);
                    aps.iter()
                        .zip(&powers)
                        .filter(|(ap, p)| ap.band == template.band && p.is_finite())
                        .map(|(ap, &p)| radio::spectral_overlap(occupied, ap.occupied_band()) * Dbm(p).to_milliwatts())
                        .sum()
                })
                .collect();
            Some(Short { cell, strongest, interference_mw, min_sinr })
        })
        .collect();
    let mut ranked: Vec<(usize, usize, u32)> = Vec::new();
    for c in matrix.fixed..matrix.len() {
        if chosen.contains(&c) {
            continue;
        }
        let column = &matrix.columns[c];
        let mut lifted = vec![0usize; channels.len()];
        for short in &shorts {
            let Ok(k) = column.binary_search_by_key(&short.cell, |&(cell, _)| cell) else { continue };
            let power = column[k].1 as Real;
            if power < short.strongest {
                continue;
            }
            for (ch, count) in lifted.iter_mut().enumerate() {
                if power - 10.0 * (noise_mw + short.interference_mw[ch]).log10() >= short.min_sinr {
                    *count += 1;
                }
            }
        }
        // The first channel (in preference order) that lifts the most.
        let best = lifted.iter().enumerate().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)));
        if let Some((ch, &count)) = best.filter(|(_, &n)| n > 0) {
            ranked.push((count, c, channels[ch]));
        }
    }
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().take(TRIES).map(|(_, c, ch)| (c, ch)).collect()
}
