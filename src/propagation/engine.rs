//! Evaluates a propagation model over every cell of every storey, then
//! derives the best-server RSSI, the serving AP and the SINR per cell.
//!
//! Work is split by rows with rayon over a pre-allocated map per AP, so
//! results land in place and are identical whatever the thread count: each
//! cell is computed by exactly one closure from the immutable scene.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::grid::{CoverageMap, GridSpec};
use super::mask::CellMask;
use super::{ApField, PropagationModel, StoreyShare};
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
        let per_ap = storey_maps(scene, model, index, &mask, receiver_z, &|cells| {
            let now = done.fetch_add(cells, std::sync::atomic::Ordering::Relaxed);
            progress(now + cells, total);
        });
        floors.push(combine(scene, index, mask, per_ap));
    }
    Ok(Coverage { floors })
}

/// [`simulate`] for a scene whose APs are those of `previous` plus one
/// more, last: only the new AP is evaluated, the others' maps are reused.
/// For models without relevance floors (each AP's map depends on that AP
/// alone) this is exactly what [`simulate`] gives; the others are
/// simulated whole.
pub fn simulate_one_more(
    scene: &Scene,
    model: &dyn PropagationModel,
    resolution: Real,
    previous: &Coverage,
) -> Result<Coverage> {
    let reusable = previous.floors.iter().all(|floor| floor.per_ap.len() + 1 == scene.aps.len());
    let Some(ap) = scene.aps.last().filter(|_| reusable && !model.uses_relevance_floor()) else {
        return simulate(scene, model, resolution, &|_, _| {});
    };
    let floors = previous
        .floors
        .iter()
        .map(|floor| {
            let receiver_z = scene.floors[floor.floor].elevation + scene.settings.receiver_height;
            let mut per_ap = floor.per_ap.clone();
            let share = StoreyShare::default();
            per_ap.push(evaluate_map(scene, model, (ap, &share), floor.floor, &floor.mask, receiver_z, None));
            combine(scene, floor.floor, floor.mask.clone(), per_ap)
        })
        .collect();
    Ok(Coverage { floors })
}

/// Every AP's received power over a storey's grid (same order as the
/// scene's APs). Models that can leave out what cannot matter are given
/// relevance floors ([`Relevance`]) from the direct paths, then traced
/// again where their own first results lower a floor (a second pass);
/// `progress` is told, as each AP's pass ends, its share of the storey's
/// `cells × APs` units: a grid's worth per AP in all, of which the second
/// pass has an eighth (what it costs).
pub fn storey_maps(
    scene: &Scene,
    model: &dyn PropagationModel,
    floor: usize,
    mask: &CellMask,
    receiver_z: Real,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<CoverageMap> {
    let relevance = model.uses_relevance_floor().then(|| Relevance::new(scene));
    let share = StoreyShare::default();
    let cells = mask.grid.len() as u64;
    let second_pass = if relevance.is_some() { cells / SECOND_PASS_SHARE } else { 0 };
    let floor_maps = relevance.as_ref().map(|relevance| relevance_floors(scene, relevance, floor, mask, receiver_z));
    // Each AP's field is kept for the second pass, without what it can
    // build again: building an AP's image tree twice was a tenth of the
    // three-storey school's time. Within a budget: past it, a field is
    // built again.
    let kept_bytes = AtomicUsize::new(0);
    let (per_ap, fields): (Vec<CoverageMap>, Vec<Option<Field>>) = scene
        .aps
        .par_iter()
        .enumerate()
        .map(|(a, ap)| {
            let floors = floor_maps.as_ref().map(|(maps, _)| &maps[a][..]);
            let mut field = model.field_sharing(scene, ap, floor, &share);
            let map = evaluate_field(&*field, mask, receiver_z, floors);
            progress(cells - second_pass);
            let kept = relevance.is_some().then(|| field.set_aside()).and_then(|bytes| {
                let before = kept_bytes.fetch_add(bytes, Ordering::Relaxed);
                if before + bytes <= KEPT_FIELDS_BYTES {
                    return Some(field);
                }
                // Not kept: its bytes leave room for smaller fields.
                kept_bytes.fetch_sub(bytes, Ordering::Relaxed);
                None
            });
            (map, kept)
        })
        .unzip();
    match (relevance, floor_maps) {
        (Some(relevance), Some((first, direct))) => {
            let done = || progress(second_pass);
            let fresh = |a: usize| model.field_sharing(scene, &scene.aps[a], floor, &share);
            refine((fields, &fresh), &relevance, (mask, receiver_z), (&first, &direct), per_ap, &done)
        }
        _ => per_ap,
    }
}

/// One AP's received power over a storey's grid; `floors` (dBm per cell,
/// see [`super::RELEVANCE_DB`]) lets the model leave out paths that cannot
/// matter there; `share` holds what the storey's APs have in common.
pub fn evaluate_map(
    scene: &Scene,
    model: &dyn PropagationModel,
    (ap, share): (&AccessPoint, &StoreyShare),
    floor: usize,
    mask: &CellMask,
    receiver_z: Real,
    floors: Option<&[f32]>,
) -> CoverageMap {
    let field = model.field_sharing(scene, ap, floor, share);
    evaluate_field(&*field, mask, receiver_z, floors)
}

/// `field`'s received power over a storey's grid (see [`evaluate_map`]).
fn evaluate_field(field: &dyn ApField, mask: &CellMask, receiver_z: Real, floors: Option<&[f32]>) -> CoverageMap {
    let mut map = CoverageMap::filled(mask.grid, f32::NAN);
    let none;
    let floors = match floors {
        Some(floors) => floors,
        None => {
            none = vec![f32::NEG_INFINITY; mask.grid.len()];
            &none
        }
    };
    evaluate_rows(field, mask.grid, receiver_z, (&mask.in_wall, floors), &mut map.values);
    map
}

/// `field`'s received power over a storey's grid into `values`, in tasks
/// of [`ROWS_PER_TASK`] rows (see [`ApField::received_power_rows`]):
/// cells where `skip` is true are left as they are, and a task whose cells
/// are all skipped is not started; `floors` are the cells' relevance
/// floors, dBm.
fn evaluate_rows(
    field: &dyn ApField,
    grid: GridSpec,
    receiver_z: Real,
    (skip, floors): (&[bool], &[f32]),
    values: &mut [f32],
) {
    let xs: Vec<Real> = (0..grid.width).map(|column| grid.cell_centre(column, 0).x).collect();
    let chunk = grid.width * ROWS_PER_TASK;
    values.par_chunks_mut(chunk).enumerate().for_each(|(task, values)| {
        let cells = task * chunk..task * chunk + values.len();
        let skip = &skip[cells.clone()];
        if skip.iter().all(|&skipped| skipped) {
            return;
        }
        let ys: Vec<Real> =
            (cells.start / grid.width..cells.end.div_ceil(grid.width)).map(|row| grid.cell_centre(0, row).y).collect();
        field.received_power_rows(&ys, &xs, receiver_z, skip, &floors[cells], values);
    });
}

/// Rows handed to one task: models walk their per-AP data once for all of
/// them ([`ApField::received_power_rows`]). Measured on the 96 m storey of
/// the generated school (ray tracer, CPU time): 1 row 82–94 s, 4 rows
/// 79 s, 8 rows 75 s; after this cheaper trace, 8 rows 56.0 s, 16 rows
/// 54.7 s, 32 rows 53.4 s, 64 rows 53.6 s. 32 rows still give a 0.25 m
/// grid of a 48 m building 6 tasks per AP, with APs in parallel too.
const ROWS_PER_TASK: usize = 32;

/// Per AP, the relevance floor of every cell of a storey, dBm (see
/// [`Relevance`]), from every AP's direct path there (multiwall: as a rule
/// under its ray-traced power; the second pass of [`storey_maps`] mends
/// where not); with those direct-path maps.
fn relevance_floors(
    scene: &Scene,
    relevance: &Relevance,
    floor: usize,
    mask: &CellMask,
    receiver_z: Real,
) -> (Vec<Vec<f32>>, Vec<CoverageMap>) {
    let direct: Vec<CoverageMap> = scene
        .aps
        .par_iter()
        .map(|ap| evaluate_map(scene, &super::MultiWall, (ap, &StoreyShare::default()), floor, mask, receiver_z, None))
        .collect();
    let mut floors = vec![vec![f32::NEG_INFINITY; mask.grid.len()]; scene.aps.len()];
    relevance.floors_per_cell(
        0..mask.grid.len(),
        |a, cell| direct[a].values[cell],
        |cell, cell_floors| {
            floors.iter_mut().zip(cell_floors).for_each(|(floors, &f)| floors[cell] = f);
        },
    );
    (floors, direct)
}

/// The second pass of the relevance floors: the first pass's powers (ray
/// traced above floors from the direct paths) are better lower bounds of
/// every AP's power than the direct paths, so the floors they give (from
/// the larger of the two per AP) are recomputed, and every AP is traced
/// again, deeper, at the cells where its floor falls by more than
/// [`REFINE_TOLERANCE_DB`]. That is where the direct paths misjudged the
/// server (a ray-traced server whose direct path crosses thick walls,
/// reached through an opening) and so the interferers that must be traced
/// deep for its SINR.
fn refine<'a>(
    (fields, fresh): (Vec<Option<Field<'a>>>, &(dyn Fn(usize) -> Field<'a> + Sync)),
    relevance: &Relevance,
    (mask, receiver_z): (&CellMask, Real),
    (first, direct): (&[Vec<f32>], &[CoverageMap]),
    mut per_ap: Vec<CoverageMap>,
    done: &(dyn Fn() + Sync),
) -> Vec<CoverageMap> {
    let cells = mask.grid.len();
    // Per AP, the deeper floor of each cell to trace again (NaN: not).
    let mut deeper: Vec<Vec<f32>> = vec![Vec::new(); fields.len()];
    let known = |a: usize, cell: usize| per_ap[a].values[cell].max(direct[a].values[cell]);
    relevance.floors_per_cell((0..cells).filter(|&cell| !mask.in_wall[cell]), known, |cell, cell_floors| {
        for (a, &refined) in cell_floors.iter().enumerate() {
            if let Some(refined) = deeper_floor(first[a][cell], refined) {
                let deeper = &mut deeper[a];
                if deeper.is_empty() {
                    deeper.resize(cells, f32::NAN);
                }
                deeper[cell] = refined;
            }
        }
    });
    per_ap.par_iter_mut().zip(&deeper).zip(fields).enumerate().for_each(|(a, ((map, deeper), kept))| {
        if !deeper.is_empty() {
            let field = match kept {
                Some(mut field) => {
                    field.take_up();
                    field
                }
                None => fresh(a),
            };
            let skip: Vec<bool> = deeper.iter().map(|f| f.is_nan()).collect();
            evaluate_rows(&*field, mask.grid, receiver_z, (&skip, deeper), &mut map.values);
        }
        done();
    });
    per_ap
}

/// One AP's field, as a model gives it.
type Field<'a> = Box<dyn ApField + 'a>;

/// The most a storey's APs' fields may hold, kept for the second pass
/// (see [`ApField::set_aside`]): the three-storey generated school keeps
/// 220–280 MB a storey (72 APs). Past it, a field is built again for the
/// second pass: the same results, the build's time again.
const KEPT_FIELDS_BYTES: usize = 384 << 20;

/// The second pass's share of a storey's progress units (one in this
/// many): it costs about an eighth of a ray-traced storey (13 % of one
/// storey of the generated school, sampled with `perf`).
const SECOND_PASS_SHARE: u64 = 8;

/// A floor recomputed from the first pass's powers is traced again only
/// when it is this much lower than the first: a floor 3 dB too high still
/// keeps every path within `RELEVANCE_DB − 3` of what could matter.
const REFINE_TOLERANCE_DB: f32 = 3.0;

/// The floor to trace again with, if the refined floor calls for it.
fn deeper_floor(first: f32, refined: f32) -> Option<f32> {
    (refined < first - REFINE_TOLERANCE_DB).then_some(refined)
}

/// How weak a path may be and still matter at a receiver, per AP, from
/// lower bounds of every AP's power there (their direct paths, or a first
/// pass's results).
///
/// A path of an AP can matter in two ways:
/// - for the RSSI and the best server: unless it is
///   [`super::SERVER_RELEVANCE_DB`] (a likely server) or
///   [`super::RELEVANCE_DB`] (any other AP) under the strongest power;
/// - for the SINR, where its AP interferes with a likely server `b` (an AP
///   whose direct path is within [`super::LIKELY_SERVER_DB`] of the
///   strongest; same band, overlapping spectrum): unless it is
///   [`super::INTERFERENCE_MARGIN_DB`] under `b`'s noise plus the
///   interference `b` is known to get (the overlap-weighted powers of its
///   interferers). A path that weak changes that SINR by under
///   0.005 dB, the same margin the ray tracer's absolute cutoff keeps under
///   the noise alone.
///
/// The floor is the lowest of those that apply. Where interference is
/// strong (a co-channel AP two rooms away) it sits far above the noise, so
/// an interferer is traced only as deep as its share of the SINR needs.
#[derive(Clone, Debug)]
pub struct Relevance {
    /// `overlap[b * n + a]`: the share of `a`'s spectrum that falls in
    /// `b`'s channel (0 across bands and for `a == b`).
    overlap: Vec<Real>,
    /// Noise over each AP's channel, mW.
    noise_mw: Vec<Real>,
}

impl Relevance {
    /// The interference structure of `scene`'s APs.
    pub fn new(scene: &Scene) -> Relevance {
        let n = scene.aps.len();
        let mut overlap = vec![0.0; n * n];
        for (b, server) in scene.aps.iter().enumerate() {
            for (a, ap) in scene.aps.iter().enumerate() {
                if a != b && ap.band == server.band {
                    overlap[b * n + a] = radio::spectral_overlap(server.occupied_band(), ap.occupied_band());
                }
            }
        }
        let noise_mw = scene.aps.iter().map(|ap| scene.settings.noise(ap.channel_width).to_milliwatts()).collect();
        Relevance { overlap, noise_mw }
    }

    /// [`Relevance::floors_at`] at each of `cells`, from `known(ap, cell)`
    /// (a lower bound of each AP's power there, dBm): `each(cell, floors)`
    /// gets the floors, one per AP.
    fn floors_per_cell(
        &self,
        cells: impl Iterator<Item = usize>,
        known: impl Fn(usize, usize) -> f32,
        mut each: impl FnMut(usize, &[f32]),
    ) {
        let n = self.noise_mw.len();
        let mut powers = vec![f32::NEG_INFINITY; n];
        let mut floors = vec![f32::NEG_INFINITY; n];
        for cell in cells {
            powers.iter_mut().enumerate().for_each(|(a, p)| *p = known(a, cell));
            self.floors_at(&powers, &mut floors);
            each(cell, &floors);
        }
    }

    /// Each AP's floor (dBm) into `floors`, from every AP's direct-path
    /// power at one point (dBm, same order); −∞ everywhere if no AP
    /// reaches the point.
    pub fn floors_at(&self, direct_dbm: &[f32], floors: &mut [f32]) {
        let n = direct_dbm.len();
        let strongest = direct_dbm.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        if !strongest.is_finite() {
            floors.fill(f32::NEG_INFINITY);
            return;
        }
        floors.fill(strongest - super::RELEVANCE_DB as f32);
        let likely = strongest - super::LIKELY_SERVER_DB as f32;
        for (b, _) in direct_dbm.iter().enumerate().filter(|&(_, &p)| p >= likely) {
            floors[b] = floors[b].min(strongest - super::SERVER_RELEVANCE_DB as f32);
            let overlap = &self.overlap[b * n..(b + 1) * n];
            let known_mw: Real = overlap
                .iter()
                .zip(direct_dbm)
                .filter(|&(&o, _)| o > 0.0)
                .map(|(&o, &p)| o * Dbm(p as Real).to_milliwatts())
                .sum::<Real>()
                + self.noise_mw[b];
            let limit = (10.0 * known_mw.log10() - super::INTERFERENCE_MARGIN_DB) as f32;
            for (floor, &o) in floors.iter_mut().zip(overlap) {
                if o > 0.0 {
                    *floor = floor.min(limit);
                }
            }
        }
    }
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
    let noise_mw = scene.settings.noise(server_ap.channel_width).to_milliwatts();
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
    let share = StoreyShare::default();
    let fields: Vec<_> = scene.aps.iter().map(|ap| model.field_sharing(scene, ap, floor, &share)).collect();
    if !model.uses_relevance_floor() {
        return fields.iter().map(|field| field.received_power(receiver).value()).collect();
    }
    let relevance = Relevance::new(scene);
    let direct: Vec<f32> =
        scene.aps.iter().map(|ap| super::MultiWall.received_power(scene, ap, floor, receiver).value() as f32).collect();
    let mut first = vec![f32::NEG_INFINITY; scene.aps.len()];
    relevance.floors_at(&direct, &mut first);
    let mut powers: Vec<Real> = fields
        .iter()
        .zip(&first)
        .map(|(field, &floor_dbm)| field.received_power_above(receiver, floor_dbm as Real).value())
        .collect();
    // The grid's second pass, from the same (single-precision) powers.
    let stored: Vec<f32> = powers.iter().zip(&direct).map(|(&p, &d)| (p as f32).max(d)).collect();
    let mut refined = vec![f32::NEG_INFINITY; scene.aps.len()];
    relevance.floors_at(&stored, &mut refined);
    for (a, field) in fields.iter().enumerate() {
        if let Some(deeper) = deeper_floor(first[a], refined[a]) {
            powers[a] = field.received_power_above(receiver, deeper as Real).value();
        }
    }
    powers
}
