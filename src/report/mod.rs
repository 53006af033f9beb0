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

mod markdown;
mod text;

pub use markdown::markdown;
pub use text::summary_table;

use serde::Serialize;

use crate::geometry::Point2;
use crate::propagation::engine::{serve, Coverage, FloorCoverage, NO_ROOM, NO_SERVER};
use crate::propagation::multiwall::{CrossingKind, PathBreakdown};
use crate::scene::Scene;
use crate::units::Real;

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
    pub result: Option<crate::optimize::PlanResult>,
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
    /// Share of the storey's required area at or above threshold, %.
    pub coverage_pct: Real,
    /// Required area, m².
    pub required_area_m2: Real,
    /// Median best-server RSSI over the required area, dBm.
    pub median_dbm: Option<Real>,
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
    /// Coverage reaches the target (always true for excluded rooms).
    pub meets_target: bool,
    /// Free floor area (cells not inside walls), m².
    pub area_m2: Real,
    /// Expected clients.
    pub clients: u32,
    /// Excluded from the requirement.
    pub excluded: bool,
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
                        };
                        let name = scene.optics.floors[floor]
                            .edges
                            .get(edge as usize)
                            .and_then(|e| scene.optics.walls.get(e.wall as usize))
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

/// Rounds to 0.01 for stable, readable output.
pub fn round2(value: Real) -> Real {
    (value * 100.0).round() / 100.0
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

/// Per-room and per-storey statistics of a simulation.
pub fn floor_reports(scene: &Scene, coverage: &Coverage) -> Vec<FloorReport> {
    coverage.floors.iter().map(|fc| floor_report(scene, fc)).collect()
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

fn floor_report(scene: &Scene, fc: &FloorCoverage) -> FloorReport {
    let floor = &scene.floors[fc.floor];
    let grid = fc.mask.grid;
    let (required, covered) = covered_cells(scene, fc);
    let mut required_values: Vec<f32> =
        (0..grid.len()).filter(|&c| fc.mask.required[c]).map(|c| fc.rssi.values[c]).filter(|v| v.is_finite()).collect();

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
        .map(|(room, cells)| {
            let covered = cells.iter().filter(|&&c| fc.rssi.values[c] as Real >= room.threshold_dbm).count();
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
            RoomReport {
                name: room.name.clone(),
                coverage_pct,
                median_dbm: median(&mut values).map(round2),
                min_dbm: finite(min),
                serving_aps: serving.iter().map(|&(ap, _)| scene.aps[ap].id.clone()).collect(),
                threshold_dbm: room.threshold_dbm,
                target_coverage_pct: room.target_coverage,
                meets_target: room.exclude || coverage_pct >= room.target_coverage,
                area_m2: round2(cells.len() as Real * grid.cell_area()),
                clients: room.clients,
                excluded: room.exclude,
            }
        })
        .collect();
    FloorReport {
        id: floor.id.clone(),
        coverage_pct: percent(covered, required),
        required_area_m2: round2(required as Real * grid.cell_area()),
        median_dbm: median(&mut required_values).map(round2),
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
pub fn ap_reports(scene: &Scene) -> Vec<ApReport> {
    scene
        .aps
        .iter()
        .map(|ap| ApReport {
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
            antenna: ap.antenna.spec.clone(),
            azimuth_deg: ap.antenna.spec.as_ref().map(|_| ap.antenna.azimuth_deg),
            downtilt_deg: ap.antenna.spec.as_ref().map(|_| ap.antenna.downtilt_deg),
        })
        .collect()
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
