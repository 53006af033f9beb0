//! The simulation report: coverage per storey and per room, the APs, the
//! probes, the model and its parameters.
//!
//! `report.json` is [`Report`] serialised; its core keys are fixed by
//! SPEC.md ("Outputs") so scripts can rely on them: `plan`, `model`, `aps`
//! [{`id`, `floor`, `x`, `y`, `z`, `band`, `channel`, `tx_power_dbm`}],
//! `coverage_pct`, `floors` [{`id`, `coverage_pct`, `rooms` [{`name`,
//! `coverage_pct`, `median_dbm`, `min_dbm`, `serving_aps`}]}], `probes`
//! [{`x`, `y`, `floor`, `rssi_dbm`, `server`, `sinr_db`}]. Other keys are
//! additions. Numbers are rounded to 0.01 so reports diff cleanly.
//! `run_time_s` is the only value that changes between identical runs.

pub mod comparison;
mod markdown;
mod plan_result;
mod text;

pub use markdown::markdown;
pub use plan_result::{NeededFor, PlanResult};
pub use text::summary_table;

use serde::Serialize;

use crate::geometry::Point2;
use crate::propagation::engine::{serve, Coverage, FloorCoverage, NO_SERVER};
use crate::propagation::mask::NO_ROOM;
use crate::propagation::multiwall::{CrossingKind, PathBreakdown};
use crate::scene::Scene;
use crate::units::{round2, Real};

/// An AP serving at least this share of a room's cells is listed among its
/// `serving_aps` (5 %: below that it only grazes a corner).
pub const SERVING_SHARE: Real = 0.05;

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Plan name.
    pub plan: String,
    /// Plan file.
    pub file: String,
    /// Propagation model name (`multiwall`, `raytrace`).
    pub model: String,
    /// The model's parameters.
    pub model_parameters: serde_json::Value,
    /// Grid cell size, m.
    pub resolution_m: Real,
    /// Receiver height above the floor, m.
    pub receiver_height_m: Real,
    /// Default coverage threshold, dBm.
    pub threshold_dbm: Real,
    /// Default target coverage, %.
    pub target_coverage_pct: Real,
    /// Access points.
    pub aps: Vec<ApReport>,
    /// Share of the whole building's required area at or above its
    /// threshold, %.
    pub coverage_pct: Real,
    /// Every required room reaches its target coverage.
    pub requirement_met: bool,
    /// Per storey.
    pub floors: Vec<FloorReport>,
    /// Point queries, in command-line order.
    pub probes: Vec<ProbeReport>,
    /// Wall-clock time of the simulation, s.
    pub run_time_s: Real,
    /// For `plan`: the AP count, its lower bound and whether it is optimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<PlanResult>,
    /// The requirement every room is judged by (signal, SINR, capacity).
    pub requirement: crate::requirement::Requirement,
    /// The channel and power rules in force.
    pub regulatory: RegulatoryReport,
    /// Every client placed within the limit (see [`crate::capacity`]).
    pub capacity_met: bool,
    /// The band the storey and room figures are for, when the plan has APs
    /// in several bands (each band is judged on its own APs; see `bands`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<String>,
    /// With APs in several bands: each band's figures and verdict, judged
    /// on that band's APs alone (no merged best server).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<BandReport>,
    /// Things the reader should know (channels outside what is allowed
    /// everywhere, DFS channels in use, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The regulatory rules of a run.
#[derive(Clone, Debug, Serialize)]
pub struct RegulatoryReport {
    /// ISO 3166 alpha-2 code, or null (channels allowed everywhere).
    pub country: Option<String>,
    /// The table used (`EU/CEPT`, `GB`, …, or `everywhere`).
    pub domain: String,
    /// `plan` may use DFS channels.
    pub dfs: bool,
    /// In words.
    pub note: String,
}

/// One band of a plan with APs in several bands.
#[derive(Clone, Debug, Serialize)]
pub struct BandReport {
    /// Band name.
    pub band: String,
    /// APs in this band.
    pub ap_count: usize,
    /// Building coverage at the threshold with this band's APs alone, %.
    pub coverage_pct: Real,
    /// Every room meets the requirement on this band alone.
    pub requirement_met: bool,
    /// Per storey.
    pub floors: Vec<FloorReport>,
}

/// One AP as simulated.
#[derive(Clone, Debug, Serialize)]
pub struct ApReport {
    /// Id.
    pub id: String,
    /// Storey id.
    pub floor: String,
    /// Position, m.
    pub x: Real,
    /// Position, m.
    pub y: Real,
    /// Absolute antenna height, m.
    pub z: Real,
    /// Band name.
    pub band: String,
    /// Primary channel.
    pub channel: u32,
    /// Channel width, MHz.
    pub channel_width_mhz: u32,
    /// Centre frequency of the primary channel, GHz.
    pub frequency_ghz: Real,
    /// Conducted power, dBm.
    pub tx_power_dbm: Real,
    /// Antenna gain, dBi (the pattern's peak gain when it has one).
    pub antenna_gain_dbi: Real,
    /// Clients it serves when the rooms' clients are spread over the APs
    /// that reach them (busiest AP as light as possible).
    pub clients: Real,
    /// For `plan`: why this AP is there (`fixed`, `coverage`, `sinr`,
    /// `capacity`): what its removal would break, or what it was added for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needed_for: Vec<String>,
    /// Antenna pattern as the plan names it (absent: isotropic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub antenna: Option<String>,
    /// Boresight bearing, degrees clockwise from north (with `antenna`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azimuth_deg: Option<Real>,
    /// Boresight tilt below the horizontal, degrees (with `antenna`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downtilt_deg: Option<Real>,
}

/// One storey.
#[derive(Clone, Debug, Serialize)]
pub struct FloorReport {
    /// Storey id.
    pub id: String,
    /// Storey name (the id when the plan gives none).
    pub name: String,
    /// Share of the storey's required area at or above threshold, %.
    pub coverage_pct: Real,
    /// Share of the required area that also has the SINR, %.
    pub met_pct: Real,
    /// Required area, m².
    pub required_area_m2: Real,
    /// Median best-server RSSI over the required area, dBm.
    pub median_dbm: Option<Real>,
    /// A storey without rooms: its required area meets the requirement
    /// (always true for storeys with rooms, which are judged room by room).
    pub meets_target: bool,
    /// A storey without rooms: the part that limits it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited_by: Option<crate::requirement::Part>,
    /// Rooms.
    pub rooms: Vec<RoomReport>,
}

/// One room.
#[derive(Clone, Debug, Serialize)]
pub struct RoomReport {
    /// Name.
    pub name: String,
    /// Share of the room at or above its threshold, %.
    pub coverage_pct: Real,
    /// Median best-server RSSI, dBm.
    pub median_dbm: Option<Real>,
    /// Lowest best-server RSSI, dBm.
    pub min_dbm: Option<Real>,
    /// APs serving at least 5 % of the room, most cells first.
    pub serving_aps: Vec<String>,
    /// The room's threshold, dBm.
    pub threshold_dbm: Real,
    /// The room's target, %.
    pub target_coverage_pct: Real,
    /// The whole requirement holds: signal and SINR on the target share,
    /// and capacity (always true for excluded rooms).
    pub meets_target: bool,
    /// Free floor area (cells not inside walls), m².
    pub area_m2: Real,
    /// Expected clients.
    pub clients: u32,
    /// Excluded from the requirement.
    pub excluded: bool,
    /// The room's minimum SINR, dB.
    pub min_sinr_db: Real,
    /// Share of the room with the serving AP's SINR at or above it, %.
    pub sinr_pct: Real,
    /// Share of the room with both signal and SINR, %: what the target is
    /// judged on.
    pub met_pct: Real,
    /// Signal coverage reaches the target.
    pub signal_ok: bool,
    /// Coverage with SINR reaches the target.
    pub sinr_ok: bool,
    /// The room's clients fit on the APs that reach it.
    pub capacity_ok: bool,
    /// The part with the least headroom (the failing one first).
    pub limited_by: crate::requirement::Part,
    /// How its clients are spread: `(AP id, clients)`, most first.
    pub clients_per_ap: Vec<ClientShare>,
}

/// Clients of a room on one AP.
#[derive(Clone, Debug, Serialize)]
pub struct ClientShare {
    /// AP id.
    pub ap: String,
    /// Clients, rounded to 0.01.
    pub clients: Real,
}

/// One probe.
#[derive(Clone, Debug, Serialize)]
pub struct ProbeReport {
    /// Position, m.
    pub x: Real,
    /// Position, m.
    pub y: Real,
    /// Storey id.
    pub floor: String,
    /// Absolute receiver height, m.
    pub z: Real,
    /// Best-server received power, dBm (null where no AP reaches).
    pub rssi_dbm: Option<Real>,
    /// Serving AP id.
    pub server: Option<String>,
    /// SINR, dB.
    pub sinr_db: Option<Real>,
    /// Received power from every AP, strongest first.
    pub per_ap: Vec<ProbeAp>,
    /// The strongest propagation paths (raytrace with `--paths`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<PathReport>,
}

/// One traced path, explained.
#[derive(Clone, Debug, Serialize)]
pub struct PathReport {
    /// AP id.
    pub ap: String,
    /// The interactions in order from the AP (`direct` for none).
    pub interactions: Vec<String>,
    /// Unfolded length, m.
    pub length_m: Real,
    /// Friis loss over the length, dB.
    pub free_space_db: Real,
    /// Sum of reflection losses, dB.
    pub reflection_db: Real,
    /// Sum of transmission losses of every leg, dB.
    pub transmission_db: Real,
    /// The AP antenna's attenuation in the path's departure direction,
    /// below its peak gain, dB (absent for an isotropic antenna).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub antenna_db: Option<Real>,
    /// Received power of this path, dBm.
    pub power_dbm: Real,
}

/// The compass direction a face looks towards (x east, y north).
fn compass(x: Real, y: Real) -> &'static str {
    const NAMES: [&str; 8] = ["east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east"];
    let octant = (y.atan2(x) / (std::f64::consts::PI / 4.0)).round().rem_euclid(8.0) as usize;
    NAMES[octant % 8]
}

/// How many paths `--paths` lists per probe.
pub const LISTED_PATHS: usize = 12;

/// Explains the strongest traced paths at a probe, all APs together.
pub fn path_reports(
    scene: &Scene,
    floor: usize,
    paths: Vec<(usize, crate::propagation::raytrace::PathRecord)>,
) -> Vec<PathReport> {
    use crate::propagation::raytrace::Bounce;
    let storey = &scene.floors[floor];
    let mut paths = paths;
    paths.sort_by(|a, b| b.1.power_dbm.total_cmp(&a.1.power_dbm).then(a.0.cmp(&b.0)));
    paths
        .into_iter()
        .take(LISTED_PATHS)
        .map(|(ap, record)| {
            let reflection_text = |r: &crate::propagation::raytrace::Reflection| {
                let surface = match r.bounce {
                    Bounce::Wall { wall, side, opening } => {
                        let segment = &storey.walls[wall as usize];
                        let name = storey.wall_names.get(segment.wall_index).map_or("wall", String::as_str);
                        let leaf = if opening { "door/window in " } else { "" };
                        let facing = crate::scene::optics::wall_normal(segment.a, segment.b) * side as Real;
                        format!("{leaf}{name} ({} face)", compass(facing.x, facing.y))
                    }
                    Bounce::Floor => "floor".to_owned(),
                    Bounce::Ceiling => "ceiling".to_owned(),
                    Bounce::Vault => "vault".to_owned(),
                    Bounce::Scatter { wall, side } => {
                        let segment = &storey.walls[wall as usize];
                        let name = storey.wall_names.get(segment.wall_index).map_or("wall", String::as_str);
                        let facing = crate::scene::optics::wall_normal(segment.a, segment.b) * side as Real;
                        return format!(
                            "diffuse scattering from {name} ({} face) at ({:.2}, {:.2}, {:.2}), leaving at {:.0}°",
                            compass(facing.x, facing.y),
                            r.point.x,
                            r.point.y,
                            r.point.z,
                            r.incidence_deg
                        );
                    }
                    Bounce::Edge { edge, kind } => {
                        let what = match kind {
                            crate::scene::optics::EdgeKind::Jamb => "jamb of an opening in",
                            crate::scene::optics::EdgeKind::WallEnd => "end of",
                            crate::scene::optics::EdgeKind::Corner => "corner of",
                            crate::scene::optics::EdgeKind::Lintel => "lintel of an opening in",
                            crate::scene::optics::EdgeKind::Sill => "sill of an opening in",
                            crate::scene::optics::EdgeKind::WallTop => "top of",
                            crate::scene::optics::EdgeKind::WallBottom => "bottom of",
                        };
                        let optics = &scene.optics.floors[floor];
                        let wall = if kind.is_horizontal() {
                            optics.horizontal_edges.get(edge as usize).map(|e| e.wall)
                        } else {
                            optics.edges.get(edge as usize).map(|e| e.wall)
                        };
                        let name = wall
                            .and_then(|w| scene.optics.walls.get(w as usize))
                            .and_then(|w| storey.wall_names.get(w.wall_index))
                            .map_or("a wall", String::as_str);
                        return format!(
                            "diffraction at the {what} {name} ({:.2}, {:.2}, {:.2}), incidence {:.0}° from the face, −{:.1} dB",
                            r.point.x, r.point.y, r.point.z, r.incidence_deg, r.loss.value()
                        );
                    }
                };
                format!(
                    "reflection on {surface} at ({:.2}, {:.2}, {:.2}), {:.0}°, −{:.1} dB",
                    r.point.x,
                    r.point.y,
                    r.point.z,
                    r.incidence_deg,
                    r.loss.value()
                )
            };
            // Crossings of each leg, then the reflection that ends it.
            let mut interactions = Vec::new();
            for leg in 0..=record.reflections.len() {
                for (_, crossing) in record.crossings.iter().filter(|(l, _)| *l == leg) {
                    interactions.push(format!(
                        "through {}, {:.0}°, −{:.1} dB",
                        crossing_text(scene, crossing),
                        crossing.incidence_deg,
                        crossing.loss.value()
                    ));
                }
                if let Some(reflection) = record.reflections.get(leg) {
                    interactions.push(reflection_text(reflection));
                }
            }
            if interactions.is_empty() {
                interactions.push("direct".to_owned());
            }
            PathReport {
                ap: scene.aps[ap].id.clone(),
                interactions,
                length_m: round2(record.length),
                free_space_db: round2(record.free_space.value()),
                reflection_db: round2(record.reflections.iter().map(|r| r.loss.value()).sum()),
                transmission_db: round2(record.transmission.value()),
                antenna_db: (!scene.aps[ap].antenna.is_isotropic()).then(|| round2(record.antenna.value())),
                power_dbm: round2(record.power_dbm),
            }
        })
        .collect()
}

/// One AP's contribution at a probe.
#[derive(Clone, Debug, Serialize)]
pub struct ProbeAp {
    /// AP id.
    pub id: String,
    /// Received power, dBm.
    pub rssi_dbm: Real,
    /// Direct-path breakdown (multiwall): distance, free-space loss and
    /// every obstacle crossed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_path: Option<DirectPathReport>,
}

/// The direct path's losses.
#[derive(Clone, Debug, Serialize)]
pub struct DirectPathReport {
    /// 3D distance, m.
    pub distance_m: Real,
    /// Friis loss, dB.
    pub free_space_db: Real,
    /// The AP antenna's attenuation towards the point, below its peak
    /// gain, dB (absent for an isotropic antenna).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub antenna_db: Option<Real>,
    /// Obstacles, from the AP.
    pub crossings: Vec<CrossingReport>,
}

/// One obstacle.
#[derive(Clone, Debug, Serialize)]
pub struct CrossingReport {
    /// Description (`wall 3 (stone_masonry 1.20 m)`).
    pub what: String,
    /// Angle of incidence, degrees.
    pub incidence_deg: Real,
    /// Transmission loss, dB.
    pub loss_db: Real,
}

/// A probe request: a point on a storey.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// Position, m.
    pub point: Point2,
    /// Storey index.
    pub floor: usize,
}

fn finite(value: Real) -> Option<Real> {
    value.is_finite().then(|| round2(value))
}

/// Median of finite values (average of the middle two for even counts).
pub fn median(values: &mut [f32]) -> Option<Real> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    let middle =
        if n % 2 == 1 { values[n / 2] as Real } else { (values[n / 2 - 1] as Real + values[n / 2] as Real) / 2.0 };
    Some(middle)
}

/// Per-room and per-storey statistics of a simulation judged against a
/// requirement, with every AP's client load.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// Per storey.
    pub floors: Vec<FloorReport>,
    /// Clients per AP (scene order), balanced.
    pub loads: Vec<Real>,
    /// Every client fits within the limit.
    pub capacity_met: bool,
}

impl Evaluation {
    /// Every room (and room-less storey) meets the requirement.
    pub fn met(&self) -> bool {
        self.floors.iter().all(|f| f.meets_target && f.rooms.iter().all(|r| r.meets_target))
    }
}

/// Judges `coverage` against `requirement`, counting only the APs in
/// `in_play` (all when empty) for capacity.
pub fn evaluate(
    scene: &Scene,
    coverage: &Coverage,
    requirement: &crate::requirement::Requirement,
    in_play: &[bool],
) -> Evaluation {
    use crate::capacity::{assign, balanced, Demand};
    use std::collections::BTreeMap;
    let plays = |a: usize| in_play.is_empty() || in_play.get(a).copied().unwrap_or(false);
    // Capacity demands: per room with clients, its covered cells grouped by
    // the set of APs that reach the room's threshold there.
    let mut demands: Vec<Demand> = Vec::new();
    let mut owner: Vec<(usize, usize)> = Vec::new();
    for fc in &coverage.floors {
        let floor = &scene.floors[fc.floor];
        for (r, room) in floor.rooms.iter().enumerate() {
            let need = requirement.room(fc.floor, Some(r));
            if room.exclude || need.clients == 0 {
                continue;
            }
            let mut groups: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
            for cell in 0..fc.mask.grid.len() {
                if fc.mask.room[cell] as usize != r || fc.mask.in_wall[cell] {
                    continue;
                }
                let set: Vec<usize> = (0..scene.aps.len())
                    .filter(|&a| plays(a) && fc.per_ap[a].values[cell] as Real >= need.threshold_dbm)
                    .collect();
                if !set.is_empty() {
                    *groups.entry(set).or_default() += 1;
                }
            }
            let covered: usize = groups.values().sum();
            for (aps, count) in groups {
                demands.push(Demand { aps, clients: need.clients as Real * count as Real / covered as Real });
                owner.push((fc.floor, r));
            }
        }
    }
    let limit = requirement.max_clients_per_ap as Real;
    let at_limit = assign(&demands, scene.aps.len(), limit);
    let spread = balanced(&demands, scene.aps.len());
    let short_rooms: Vec<(usize, usize)> = at_limit.short.iter().map(|&d| owner[d]).collect();
    let floors = coverage
        .floors
        .iter()
        .map(|fc| {
            let shares = |r: usize| -> (Vec<ClientShare>, Option<Real>) {
                let mut per_ap: BTreeMap<usize, Real> = BTreeMap::new();
                for (d, flows) in spread.flows.iter().enumerate() {
                    if owner[d] == (fc.floor, r) {
                        for &(ap, f) in flows {
                            *per_ap.entry(ap).or_default() += f;
                        }
                    }
                }
                let busiest = per_ap
                    .keys()
                    .map(|&ap| spread.load[ap] / limit)
                    .fold(None, |m: Option<Real>, v| Some(m.map_or(v, |m| m.max(v))));
                let mut list: Vec<ClientShare> = per_ap
                    .into_iter()
                    .map(|(ap, c)| ClientShare { ap: scene.aps[ap].id.clone(), clients: round2(c) })
                    .collect();
                list.sort_by(|a, b| b.clients.total_cmp(&a.clients).then(a.ap.cmp(&b.ap)));
                (list, busiest)
            };
            floor_report(scene, fc, requirement, &short_rooms, &shares)
        })
        .collect();
    Evaluation { floors, loads: spread.load.iter().map(|&l| round2(l)).collect(), capacity_met: at_limit.feasible }
}

/// The threshold that applies to a cell: its room's, else the plan's.
fn cell_threshold(scene: &Scene, fc: &FloorCoverage, cell: usize) -> Real {
    match fc.mask.room[cell] {
        NO_ROOM => scene.settings.threshold_dbm,
        room => scene.floors[fc.floor].rooms[room as usize].threshold_dbm,
    }
}

/// Counts of required cells and covered required cells on a storey.
pub fn covered_cells(scene: &Scene, fc: &FloorCoverage) -> (usize, usize) {
    let mut required = 0;
    let mut covered = 0;
    for cell in 0..fc.mask.grid.len() {
        if fc.mask.required[cell] {
            required += 1;
            if fc.rssi.values[cell] as Real >= cell_threshold(scene, fc, cell) {
                covered += 1;
            }
        }
    }
    (required, covered)
}

fn percent(part: usize, whole: usize) -> Real {
    if whole == 0 {
        100.0
    } else {
        round2(100.0 * part as Real / whole as Real)
    }
}

/// Whether a cell meets signal and SINR.
fn cell_meets(fc: &FloorCoverage, cell: usize, threshold: Real, min_sinr: Real) -> (bool, bool) {
    let signal = fc.rssi.values[cell] as Real >= threshold;
    let sinr = fc.sinr.values[cell] as Real >= min_sinr;
    (signal, sinr)
}

fn floor_report(
    scene: &Scene,
    fc: &FloorCoverage,
    requirement: &crate::requirement::Requirement,
    short_rooms: &[(usize, usize)],
    shares: &dyn Fn(usize) -> (Vec<ClientShare>, Option<Real>),
) -> FloorReport {
    use crate::requirement::Verdict;
    let floor = &scene.floors[fc.floor];
    let grid = fc.mask.grid;
    let (required, covered) = covered_cells(scene, fc);
    let mut required_values: Vec<f32> =
        (0..grid.len()).filter(|&c| fc.mask.required[c]).map(|c| fc.rssi.values[c]).filter(|v| v.is_finite()).collect();
    let storey_need = requirement.room(fc.floor, None);
    let mut met_cells = 0;
    for cell in (0..grid.len()).filter(|&c| fc.mask.required[c]) {
        let (threshold, min_sinr) = match fc.mask.room[cell] {
            NO_ROOM => (storey_need.threshold_dbm, storey_need.min_sinr_db),
            r => {
                let need = requirement.room(fc.floor, Some(r as usize));
                (need.threshold_dbm, need.min_sinr_db)
            }
        };
        if let (true, true) = cell_meets(fc, cell, threshold, min_sinr) {
            met_cells += 1;
        }
    }

    let mut room_cells: Vec<Vec<usize>> = vec![Vec::new(); floor.rooms.len()];
    for cell in 0..grid.len() {
        let room = fc.mask.room[cell];
        if room != NO_ROOM && !fc.mask.in_wall[cell] {
            room_cells[room as usize].push(cell);
        }
    }
    let rooms = floor
        .rooms
        .iter()
        .zip(room_cells)
        .enumerate()
        .map(|(r, (room, cells))| {
            let need = requirement.room(fc.floor, Some(r));
            let mut covered = 0;
            let mut sinr_cells = 0;
            let mut met = 0;
            for &c in &cells {
                let (signal, sinr) = cell_meets(fc, c, need.threshold_dbm, need.min_sinr_db);
                covered += usize::from(signal);
                sinr_cells += usize::from(sinr);
                met += usize::from(signal && sinr);
            }
            let mut values: Vec<f32> = cells.iter().map(|&c| fc.rssi.values[c]).filter(|v| v.is_finite()).collect();
            let min = values.iter().copied().fold(f32::INFINITY, f32::min) as Real;
            let mut served = vec![0usize; scene.aps.len()];
            for &c in &cells {
                if fc.server[c] != NO_SERVER {
                    served[fc.server[c] as usize] += 1;
                }
            }
            let mut serving: Vec<(usize, usize)> = served
                .iter()
                .enumerate()
                .filter(|&(_, &n)| n > 0 && n as Real >= SERVING_SHARE * cells.len() as Real)
                .map(|(ap, &n)| (ap, n))
                .collect();
            serving.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let coverage_pct = percent(covered, cells.len());
            let met_pct = percent(met, cells.len());
            let (clients_per_ap, busiest) = shares(r);
            let capacity_ok = !short_rooms.contains(&(fc.floor, r));
            let verdict = Verdict::judge(coverage_pct, met_pct, room.target_coverage, capacity_ok, busiest);
            RoomReport {
                name: room.name.clone(),
                coverage_pct,
                median_dbm: median(&mut values).map(round2),
                min_dbm: finite(min),
                serving_aps: serving.iter().map(|&(ap, _)| scene.aps[ap].id.clone()).collect(),
                threshold_dbm: room.threshold_dbm,
                target_coverage_pct: room.target_coverage,
                meets_target: room.exclude || verdict.met(),
                area_m2: round2(cells.len() as Real * grid.cell_area()),
                clients: room.clients,
                excluded: room.exclude,
                min_sinr_db: need.min_sinr_db,
                sinr_pct: percent(sinr_cells, cells.len()),
                met_pct,
                signal_ok: verdict.signal_ok,
                sinr_ok: verdict.sinr_ok,
                capacity_ok,
                limited_by: verdict.limited_by,
                clients_per_ap,
            }
        })
        .collect();
    let coverage_pct = percent(covered, required);
    let met_pct = percent(met_cells, required);
    let roomless = floor.rooms.is_empty();
    let storey_verdict = Verdict::judge(coverage_pct, met_pct, storey_need.target_coverage_pct, true, None);
    FloorReport {
        id: floor.id.clone(),
        name: requirement.storey_name(scene, fc.floor),
        coverage_pct,
        met_pct,
        required_area_m2: round2(required as Real * grid.cell_area()),
        median_dbm: median(&mut required_values).map(round2),
        meets_target: !roomless || storey_verdict.met(),
        limited_by: roomless.then_some(storey_verdict.limited_by),
        rooms,
    }
}

/// Whole-building coverage, %, over every storey's required cells.
pub fn building_coverage(scene: &Scene, coverage: &Coverage) -> Real {
    let (required, covered) =
        coverage.floors.iter().map(|fc| covered_cells(scene, fc)).fold((0, 0), |acc, (r, c)| (acc.0 + r, acc.1 + c));
    percent(covered, required)
}

/// The AP list.
pub fn ap_reports(scene: &Scene, loads: &[Real]) -> Vec<ApReport> {
    scene
        .aps
        .iter()
        .enumerate()
        .map(|(i, ap)| ApReport {
            id: ap.id.clone(),
            floor: scene.floors[ap.floor].id.clone(),
            x: ap.position.x,
            y: ap.position.y,
            z: round2(ap.position.z),
            band: ap.band.name().to_owned(),
            channel: ap.channel,
            channel_width_mhz: ap.channel_width,
            frequency_ghz: ap.frequency.ghz(),
            tx_power_dbm: ap.tx_power_dbm,
            antenna_gain_dbi: ap.antenna_gain_dbi,
            clients: loads.get(i).copied().unwrap_or(0.0),
            needed_for: Vec::new(),
            antenna: ap.antenna.spec.clone(),
            azimuth_deg: ap.antenna.spec.as_ref().map(|_| ap.antenna.azimuth_deg),
            downtilt_deg: ap.antenna.spec.as_ref().map(|_| ap.antenna.downtilt_deg),
        })
        .collect()
}

/// The coverage of one band: every cell served by the best AP of `band`
/// alone, with its SINR against that band's other APs (a merged best
/// server would let a 2.4 GHz AP stand in for missing 5 GHz coverage).
/// The per-AP maps are kept whole, so AP indices stay those of the scene.
pub fn band_coverage(scene: &Scene, coverage: &Coverage, band: crate::radio::Band) -> Coverage {
    let floors = coverage
        .floors
        .iter()
        .map(|fc| {
            let mut out = fc.clone();
            for cell in 0..fc.mask.grid.len() {
                if fc.mask.in_wall[cell] {
                    continue;
                }
                let served = serve(scene, |a| {
                    if scene.aps[a].band == band {
                        fc.per_ap[a].values[cell] as Real
                    } else {
                        Real::NEG_INFINITY
                    }
                });
                out.rssi.values[cell] = served.rssi.value() as f32;
                out.sinr.values[cell] = served.sinr_db as f32;
                out.server[cell] = served.server.map_or(NO_SERVER, |s| s as u16);
            }
            out
        })
        .collect();
    Coverage { floors }
}

/// Evaluates a probe: every AP's power at the exact point, the server and
/// the SINR; `breakdown` explains each AP's direct path when given.
pub fn probe_report(
    scene: &Scene,
    probe: &Probe,
    powers: &[Real],
    breakdown: Option<&dyn Fn(usize) -> PathBreakdown>,
) -> ProbeReport {
    let served = serve(scene, |ap| powers[ap]);
    let floor = &scene.floors[probe.floor];
    let mut per_ap: Vec<ProbeAp> = scene
        .aps
        .iter()
        .enumerate()
        .map(|(i, ap)| ProbeAp {
            id: ap.id.clone(),
            rssi_dbm: round2(powers[i]),
            direct_path: breakdown.map(|explain| direct_path_report(scene, &explain(i))),
        })
        .collect();
    per_ap.sort_by(|a, b| b.rssi_dbm.total_cmp(&a.rssi_dbm).then(a.id.cmp(&b.id)));
    ProbeReport {
        x: probe.point.x,
        y: probe.point.y,
        floor: floor.id.clone(),
        z: round2(floor.elevation + scene.settings.receiver_height),
        rssi_dbm: finite(served.rssi.value()),
        server: served.server.map(|s| scene.aps[s].id.clone()),
        sinr_db: finite(served.sinr_db),
        per_ap,
        paths: Vec::new(),
    }
}

fn direct_path_report(scene: &Scene, path: &PathBreakdown) -> DirectPathReport {
    DirectPathReport {
        distance_m: round2(path.distance),
        free_space_db: round2(path.free_space.value()),
        antenna_db: (path.antenna.value() != 0.0).then(|| round2(path.antenna.value())),
        crossings: path
            .crossings
            .iter()
            .map(|c| CrossingReport {
                what: crossing_text(scene, c),
                incidence_deg: round2(c.incidence_deg),
                loss_db: round2(c.loss.value()),
            })
            .collect(),
    }
}

/// What a crossing went through: `rdc-couloir-sud on rdc (stone_masonry
/// 1.20 m)`, `opening in …`, `floor slab of etage1 (…)`.
fn crossing_text(scene: &Scene, crossing: &crate::propagation::multiwall::Crossing) -> String {
    let material = &scene.materials.get(crossing.slab.material).name;
    match crossing.what {
        CrossingKind::Wall { floor, wall, opening } => {
            let storey = &scene.floors[floor];
            let name = storey.wall_names.get(wall).map_or("wall", String::as_str);
            let kind = if opening { "opening in " } else { "" };
            format!("{kind}{name} on {} ({material} {:.2} m)", storey.id, crossing.slab.thickness)
        }
        CrossingKind::FloorSlab { floor } => {
            format!("floor slab of {} ({material} {:.2} m)", scene.floors[floor].id, crossing.slab.thickness)
        }
    }
}
