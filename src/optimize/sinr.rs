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
    // Matrix cell of each grid cell of each storey (u32::MAX: none).
    let mut index_of: Vec<Vec<u32>> = simulated.floors.iter().map(|fc| vec![u32::MAX; fc.mask.grid.len()]).collect();
    for (i, cell) in matrix.cells.iter().enumerate() {
        if let Some(slot) = index_of.get_mut(cell.floor).and_then(|cells| cells.get_mut(cell.index)) {
            *slot = i as u32;
        }
    }
    let noise_mw = scene.settings.noise(template.channel_width).to_milliwatts();
    // Per short cell: the strongest current power, and the interference a
    // new AP on each channel would see (every AP of its band, weighted by
    // spectral overlap).
    struct Short {
        cell: u32,
        strongest: Real,
        /// Per channel, `10 log10(noise + interference)`, dBm.
        penalty_dbm: Vec<Real>,
        min_sinr: Real,
    }
    let shorts: Vec<Short> = shortfall
        .cells
        .iter()
        .filter_map(|&(floor, index, min_sinr)| {
            let cell = *index_of.get(floor)?.get(index).filter(|&&cell| cell != u32::MAX)?;
            let fc = simulated.floors.get(floor)?;
            let powers: Vec<Real> = (0..aps.len()).map(|a| fc.per_ap[a].values[index] as Real).collect();
            let strongest = aps
                .iter()
                .zip(&powers)
                .filter(|(ap, p)| ap.band == template.band && p.is_finite())
                .map(|(_, &p)| p)
                .fold(Real::NEG_INFINITY, Real::max);
            let penalty_dbm = channels
                .iter()
                .map(|&ch| {
                    let occupied = radio::occupied_band(template.band, ch, template.channel_width);
                    let interference_mw: Real = aps
                        .iter()
                        .zip(&powers)
                        .filter(|(ap, p)| ap.band == template.band && p.is_finite())
                        .map(|(ap, &p)| radio::spectral_overlap(occupied, ap.occupied_band()) * Dbm(p).to_milliwatts())
                        .sum();
                    10.0 * (noise_mw + interference_mw).log10()
                })
                .collect();
            Some(Short { cell, strongest, penalty_dbm, min_sinr })
        })
        .collect();
    // The short cells of each matrix cell (CSR): a column is walked once,
    // instead of searched for every short cell.
    let mut offsets = vec![0u32; matrix.cells.len() + 1];
    for short in &shorts {
        offsets[short.cell as usize + 1] += 1;
    }
    for c in 0..matrix.cells.len() {
        offsets[c + 1] += offsets[c];
    }
    let mut next = offsets.clone();
    let mut at_cell = vec![0u32; shorts.len()];
    for (k, short) in shorts.iter().enumerate() {
        at_cell[next[short.cell as usize] as usize] = k as u32;
        next[short.cell as usize] += 1;
    }
    let mut ranked: Vec<(usize, usize, u32)> = Vec::new();
    for c in matrix.fixed..matrix.len() {
        if chosen.contains(&c) {
            continue;
        }
        let mut lifted = vec![0usize; channels.len()];
        for &(cell, power) in &matrix.columns[c] {
            let power = power as Real;
            for &k in &at_cell[offsets[cell as usize] as usize..offsets[cell as usize + 1] as usize] {
                let short = &shorts[k as usize];
                if power < short.strongest {
                    continue;
                }
                for (ch, count) in lifted.iter_mut().enumerate() {
                    if power - short.penalty_dbm[ch] >= short.min_sinr {
                        *count += 1;
                    }
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
