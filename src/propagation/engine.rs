//! Evaluates a propagation model over every cell of every storey, then
//! derives the best-server RSSI, the serving AP and the SINR per cell.
//!
//! Work is split by rows with rayon over a pre-allocated map per AP, so
//! results land in place and are identical whatever the thread count: each
//! cell is computed by exactly one closure from the immutable scene.

use rayon::prelude::*;

use super::grid::CoverageMap;
use super::mask::CellMask;
use super::PropagationModel;
use crate::error::Result;
use crate::geometry::{Point2, Point3};
use crate::radio;
use crate::scene::{AccessPoint, Scene};
use crate::units::{Dbm, Real};

/// Marks a cell with no serving AP (no AP at all, or inside a wall).
pub const NO_SERVER: u16 = u16::MAX;

/// Everything computed for one storey.
#[derive(Clone, Debug)]
pub struct FloorCoverage {
    /// Index of the storey in the scene.
    pub floor: usize,
    /// Cell classification.
    pub mask: CellMask,
    /// Received power from each AP of the scene (same order), dBm; `NaN`
    /// inside walls.
    pub per_ap: Vec<CoverageMap>,
    /// Best-server received power, dBm (−∞ where there is no AP).
    pub rssi: CoverageMap,
    /// Index of the serving AP, or [`NO_SERVER`].
    pub server: Vec<u16>,
    /// SINR at the serving AP, dB.
    pub sinr: CoverageMap,
}

/// Coverage of every storey.
#[derive(Clone, Debug)]
pub struct Coverage {
    /// One entry per storey, in scene order.
    pub floors: Vec<FloorCoverage>,
}

/// Callback told how many cell·AP evaluations are done out of the total.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Evaluates `model` on every storey's grid.
pub fn simulate(scene: &Scene, model: &dyn PropagationModel, resolution: Real, progress: Progress) -> Result<Coverage> {
    let masks: Vec<CellMask> =
        scene.floors.iter().map(|floor| CellMask::build(floor, resolution)).collect::<Result<_>>()?;
    let total: u64 = masks.iter().map(|m| m.grid.len() as u64 * scene.aps.len() as u64).sum();
    let done = std::sync::atomic::AtomicU64::new(0);
    let mut floors = Vec::with_capacity(scene.floors.len());
    for (index, mask) in masks.into_iter().enumerate() {
        let receiver_z = scene.floors[index].elevation + scene.settings.receiver_height;
        let floor_maps = model.uses_relevance_floor().then(|| relevance_floors(scene, index, &mask, receiver_z));
        let per_ap: Vec<CoverageMap> = scene
            .aps
            .par_iter()
            .enumerate()
            .map(|(a, ap)| {
                let floors = floor_maps.as_ref().map(|maps| &maps[a][..]);
                let map = evaluate_map(scene, model, ap, index, &mask, receiver_z, floors);
                let now = done.fetch_add(mask.grid.len() as u64, std::sync::atomic::Ordering::Relaxed);
                progress(now + mask.grid.len() as u64, total);
                map
            })
            .collect();
        floors.push(combine(scene, index, mask, per_ap));
    }
    Ok(Coverage { floors })
}

/// One AP's received power over a storey's grid; `floors` (dBm per cell,
/// see [`super::RELEVANCE_DB`]) lets the model leave out paths that cannot
/// matter there.
pub fn evaluate_map(
    scene: &Scene,
    model: &dyn PropagationModel,
    ap: &AccessPoint,
    floor: usize,
    mask: &CellMask,
    receiver_z: Real,
    floors: Option<&[f32]>,
) -> CoverageMap {
    let grid = mask.grid;
    let field = model.field(scene, ap, floor);
    let mut map = CoverageMap::filled(grid, f32::NAN);
    let xs: Vec<Real> = (0..grid.width).map(|column| grid.cell_centre(column, 0).x).collect();
    let none = vec![f32::NEG_INFINITY; grid.width];
    map.values.par_chunks_mut(grid.width).zip(mask.in_wall.par_chunks(grid.width)).enumerate().for_each(
        |(row, (values, in_wall))| {
            let y = grid.cell_centre(0, row).y;
            let row_floors = floors.map_or(&none[..], |f| &f[row * grid.width..(row + 1) * grid.width]);
            field.received_power_row(y, &xs, receiver_z, in_wall, row_floors, values);
        },
    );
    map
}

/// Per AP, the relevance floor of every cell of a storey, dBm (see
/// [`super::RELEVANCE_DB`]): the strongest AP's direct path (multiwall, a
/// lower bound of its ray-traced power) less `RELEVANCE_DB` where the AP
/// cannot interfere with any likely server (an AP whose direct path there
/// is within [`super::LIKELY_SERVER_DB`] of the strongest), −∞ elsewhere
/// (every path counts, so the SINR is exact).
pub fn relevance_floors(scene: &Scene, floor: usize, mask: &CellMask, receiver_z: Real) -> Vec<Vec<f32>> {
    let none = vec![f32::NEG_INFINITY; mask.grid.len()];
    let direct: Vec<CoverageMap> = scene
        .aps
        .par_iter()
        .map(|ap| evaluate_map(scene, &super::MultiWall, ap, floor, mask, receiver_z, Some(&none)))
        .collect();
    let interferers = interferer_sets(scene);
    let mut floors = vec![vec![f32::NEG_INFINITY; mask.grid.len()]; scene.aps.len()];
    let words = interferers.first().map_or(0, Vec::len);
    let mut exact = vec![0u64; words];
    for cell in 0..mask.grid.len() {
        let powers = direct.iter().map(|map| map.values[cell]);
        let Some((floor_dbm, candidates)) = likely_servers(powers) else { continue };
        exact.iter_mut().for_each(|w| *w = 0);
        for b in candidates {
            for (word, mask) in exact.iter_mut().zip(&interferers[b]) {
                *word |= mask;
            }
        }
        for (a, floors) in floors.iter_mut().enumerate() {
            if exact[a / 64] & (1 << (a % 64)) == 0 {
                floors[cell] = floor_dbm;
            }
        }
    }
    floors
}

/// For each AP `b`, the set (bits by AP index) of the APs whose signal
/// interferes with `b` as a server: same band, overlapping spectrum.
fn interferer_sets(scene: &Scene) -> Vec<Vec<u64>> {
    let words = scene.aps.len().div_ceil(64);
    scene
        .aps
        .iter()
        .enumerate()
        .map(|(b, server)| {
            let mut set = vec![0u64; words];
            for (a, ap) in scene.aps.iter().enumerate() {
                if a != b
                    && ap.band == server.band
                    && radio::spectral_overlap(server.occupied_band(), ap.occupied_band()) > 0.0
                {
                    set[a / 64] |= 1 << (a % 64);
                }
            }
            set
        })
        .collect()
}

/// From the direct-path powers of every AP at one point (dBm): the
/// relevance floor and the likely servers, or `None` without any power.
fn likely_servers(powers: impl Iterator<Item = f32> + Clone) -> Option<(f32, impl Iterator<Item = usize>)> {
    let strongest = powers.clone().fold(f32::NEG_INFINITY, f32::max);
    if !strongest.is_finite() {
        return None;
    }
    let threshold = strongest - super::LIKELY_SERVER_DB as f32;
    let candidates = powers.enumerate().filter(move |&(_, p)| p >= threshold).map(|(b, _)| b);
    Some((strongest - super::RELEVANCE_DB as f32, candidates))
}

/// The best server, its power and its SINR at one point, from the received
/// power of every AP there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServedPoint {
    /// Index of the serving AP, if any.
    pub server: Option<usize>,
    /// Received power from it, dBm.
    pub rssi: Dbm,
    /// Signal to interference plus noise, dB.
    pub sinr_db: Real,
}

/// Picks the strongest AP and computes its SINR: interference is every
/// other AP weighted by the share of its spectrum that overlaps the
/// server's channel ([`radio::spectral_overlap`]); the noise floor is the
/// plan's 20 MHz figure scaled by the server's channel width (thermal noise
/// grows 10·log10(B) with bandwidth).
pub fn serve(scene: &Scene, powers: impl Fn(usize) -> Real) -> ServedPoint {
    let mut best: Option<(usize, Real)> = None;
    for index in 0..scene.aps.len() {
        let p = powers(index);
        if p.is_finite() && best.is_none_or(|(_, b)| p > b) {
            best = Some((index, p));
        }
    }
    let Some((server, rssi)) = best else {
        return ServedPoint { server: None, rssi: Dbm(Real::NEG_INFINITY), sinr_db: Real::NEG_INFINITY };
    };
    let server_ap = &scene.aps[server];
    let victim = server_ap.occupied_band();
    let noise_mw =
        Dbm(scene.settings.noise_floor_dbm + 10.0 * (server_ap.channel_width.max(20) as Real / 20.0).log10())
            .to_milliwatts();
    let mut interference_mw = 0.0;
    for (index, ap) in scene.aps.iter().enumerate() {
        if index == server || ap.band != server_ap.band {
            continue;
        }
        let overlap = radio::spectral_overlap(victim, ap.occupied_band());
        let p = powers(index);
        if overlap > 0.0 && p.is_finite() {
            interference_mw += overlap * Dbm(p).to_milliwatts();
        }
    }
    let sinr_db = rssi - 10.0 * (noise_mw + interference_mw).log10();
    ServedPoint { server: Some(server), rssi: Dbm(rssi), sinr_db }
}

fn combine(scene: &Scene, floor: usize, mask: CellMask, per_ap: Vec<CoverageMap>) -> FloorCoverage {
    let grid = mask.grid;
    let mut rssi = CoverageMap::filled(grid, f32::NAN);
    let mut sinr = CoverageMap::filled(grid, f32::NAN);
    let mut server = vec![NO_SERVER; grid.len()];
    let cells = rssi.values.iter_mut().zip(sinr.values.iter_mut()).zip(server.iter_mut()).enumerate();
    for (i, ((rssi, sinr), server)) in cells {
        if mask.in_wall[i] {
            continue;
        }
        let served = serve(scene, |ap| per_ap[ap].values[i] as Real);
        *rssi = served.rssi.value() as f32;
        *sinr = served.sinr_db as f32;
        *server = served.server.map_or(NO_SERVER, |s| s as u16);
    }
    FloorCoverage { floor, mask, per_ap, rssi, server, sinr }
}

/// The received power of every AP at an exact point (a probe), with the
/// same relevance floor as a grid cell there.
pub fn powers_at(scene: &Scene, model: &dyn PropagationModel, floor: usize, p: Point2) -> Vec<Real> {
    let z = scene.floors[floor].elevation + scene.settings.receiver_height;
    let receiver = Point3::new(p.x, p.y, z);
    let mut relevance = vec![Real::NEG_INFINITY; scene.aps.len()];
    if model.uses_relevance_floor() {
        let direct: Vec<f32> = scene
            .aps
            .iter()
            .map(|ap| super::MultiWall.received_power(scene, ap, floor, receiver).value() as f32)
            .collect();
        let interferers = interferer_sets(scene);
        let likely = likely_servers(direct.iter().copied()).map(|(floor_dbm, c)| (floor_dbm, c.collect::<Vec<_>>()));
        if let Some((floor_dbm, candidates)) = likely {
            for (a, value) in relevance.iter_mut().enumerate() {
                if !candidates.iter().any(|&b| interferers[b][a / 64] & (1 << (a % 64)) != 0) {
                    *value = floor_dbm as Real;
                }
            }
        }
    }
    scene
        .aps
        .iter()
        .zip(&relevance)
        .map(|(ap, &floor_dbm)| model.field(scene, ap, floor).received_power_above(receiver, floor_dbm).value())
        .collect()
}
