//! Physical ranges of the plan's numbers: every coordinate, elevation,
//! height, thickness, power, gain, count and the grid size (resolution ×
//! extent) is bounded here, so that nothing the engines receive can
//! overflow an index, a grid or a float.
//!
//! [`super::validate`] already rejects non-finite values and most values of
//! the wrong sign with messages of their own; this module adds what those
//! checks leave open (finite but absurd values such as `elevation = 1e308`)
//! and stays silent on the values they report, so that one mistake gives
//! one message. Each problem is located at the value and its hint gives the
//! range and the unit.
//!
//! The limits are generous on purpose: they mark where a number stops
//! describing a building, not where buildings usually stop.

use super::{ApSpec, Floor, FloorPlan, PlanPoint, PlanSource, SlabSpec};
use crate::error::Diagnostic;

/// Largest |x| or |y| of any point, m. The largest school or hospital
/// campuses span 1–2 km; a plan's origin belongs near its building (copying
/// national grid coordinates such as Lambert-93, ~10⁶ m, is the usual way
/// past this).
pub const COORDINATE_LIMIT: f64 = 10_000.0;
/// Storey elevations, m: from deep basements to buildings on high
/// plateaus, when elevations are given as altitudes.
pub const ELEVATION_RANGE: (f64, f64) = (-500.0, 10_000.0);
/// Thickest wall, slab or opening leaf, m (the thickest masonry of
/// fortifications is about 5 m).
pub const MAX_THICKNESS: f64 = 5.0;
/// Most clients in one room (a large lecture theatre holds ~1,000; a
/// stadium stand, planned as one room, ~10,000).
pub const MAX_CLIENTS: u32 = 10_000;
/// Most rooms on one storey: rooms are numbered with 16 bits per cell,
/// one value being "no room".
pub const MAX_ROOMS_PER_FLOOR: usize = u16::MAX as usize - 1;
/// Most APs in one plan: the serving-AP maps store an AP index per cell in
/// 16 bits, one value ([`crate::propagation::engine::NO_SERVER`]) being "no
/// server".
pub const MAX_APS: usize = u16::MAX as usize - 1;
/// Largest grid of one storey, cells: 16 M cells of f32 is 64 MB per AP
/// map, the most a laptop run should need. The engine refuses larger grids
/// ([`crate::propagation::grid::GridSpec::covering`]); validation checks the
/// plan against it first, so the user learns it at the plan's resolution.
pub const MAX_CELLS: usize = 16_000_000;
/// Margin the simulation grid adds around a storey's content, m, so that
/// heatmaps show the outer walls whole (the scene's storey bounds include
/// it).
pub const GRID_MARGIN: f64 = 1.0;
/// Largest real permittivity coefficient `a` (water is about 80; nothing
/// a wall is made of comes near 1,000).
const MAX_PERMITTIVITY: f64 = 1_000.0;
/// Largest conductivity coefficient `c`, S/m (silver: 6.3·10⁷).
const MAX_CONDUCTIVITY: f64 = 1e8;
/// Largest measured loss, dB (far past what a receiver can measure).
const MAX_LOSS_DB: f64 = 500.0;
/// Thinnest reference thickness of a measured loss, m.
const MIN_REFERENCE_THICKNESS: f64 = 0.001;

/// A number as the user would write it: plain when moderate, in
/// scientific notation when huge or tiny (`1e308`, not 309 digits).
pub(super) fn show(value: f64) -> String {
    if value != 0.0 && (value.abs() >= 1e6 || value.abs() < 1e-3) {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

/// The range problems of a plan (see the module documentation).
pub(super) fn problems(source: &PlanSource) -> Vec<Diagnostic> {
    let mut ranges = Ranges { source, problems: Vec::new() };
    ranges.check(&source.plan);
    ranges.problems
}

struct Ranges<'a> {
    source: &'a PlanSource,
    problems: Vec<Diagnostic>,
}

impl Ranges<'_> {
    fn report(&mut self, path: &str, message: String, hint: String) {
        self.problems.push(self.source.diagnostic(path, message, Some(hint)));
    }

    /// Reports the first point of `points` with a finite coordinate beyond
    /// [`COORDINATE_LIMIT`] (non-finite ones are reported by validation).
    /// Returns whether every coordinate is finite and within the limit.
    fn points(&mut self, path: &str, what: &str, points: &[PlanPoint]) -> bool {
        let mut all_inside = true;
        for (i, p) in points.iter().enumerate() {
            if let Some((axis, v)) = ["x", "y"].iter().zip(p).find(|(_, v)| v.is_finite() && v.abs() > COORDINATE_LIMIT)
            {
                self.report(
                    &format!("{path}[{i}]"),
                    format!("{what} has {axis} = {} m, beyond ±{COORDINATE_LIMIT} m from the origin", show(*v)),
                    "coordinates are metres from an origin near the building (x east, y north); \
                     subtract the building's corner from every point if they were copied from a map"
                        .to_owned(),
                );
                return false;
            }
            all_inside &= p[0].is_finite() && p[1].is_finite();
        }
        all_inside
    }

    /// Reports a finite thickness above [`MAX_THICKNESS`].
    fn thickness(&mut self, path: &str, what: &str, value: f64) {
        if value.is_finite() && value > MAX_THICKNESS {
            self.report(
                path,
                format!("{what} {} m is beyond {MAX_THICKNESS} m, thicker than any wall or slab", show(value)),
                format!("give the full thickness in metres, e.g. 0.2 for a brick wall, 1.2 for old stone (at most {MAX_THICKNESS})"),
            );
        }
    }

    fn check(&mut self, plan: &FloorPlan) {
        self.materials(plan);
        let mut inside = true;
        for (i, floor) in plan.floors.iter().enumerate() {
            inside &= self.floor(&format!("floors[{i}]"), floor);
        }
        for (i, ap) in plan.aps.iter().enumerate() {
            inside &= self.points(&format!("aps[{i}].position"), &format!("AP `{}`", ap.id), &[ap.position]);
        }
        self.receiver_height(plan);
        if inside {
            self.grid_size(plan);
        }
    }

    /// Floor numbers; returns whether every point of the storey is within
    /// range (the grid check needs that).
    fn floor(&mut self, path: &str, floor: &Floor) -> bool {
        let (low, high) = ELEVATION_RANGE;
        if floor.elevation.is_finite() && !(low..=high).contains(&floor.elevation) {
            self.report(
                &format!("{path}.elevation"),
                format!("elevation {} m of floor `{}` is outside {low} to {high} m", show(floor.elevation), floor.id),
                "elevation is the storey's floor level in metres, e.g. 0 for the ground floor and 3.5 for the next"
                    .to_owned(),
            );
        }
        for (key, slab) in [("slab", &floor.slab), ("roof", &floor.roof)] {
            if let Some(SlabSpec::Slab(layer)) = slab {
                self.thickness(&format!("{path}.{key}.thickness"), &format!("{key} thickness"), layer.thickness);
            }
        }
        let mut inside = true;
        for (w, wall) in floor.walls.iter().enumerate() {
            let wall_path = format!("{path}.walls[{w}]");
            inside &= self.points(&format!("{wall_path}.points"), "wall point", &wall.points);
            // Validation reports walls over 5 m with its own message.
        }
        for (o, opening) in floor.openings.iter().enumerate() {
            let opening_path = format!("{path}.openings[{o}]");
            inside &= self.points(&format!("{opening_path}.at"), "opening end", &opening.at);
            if let Some(t) = opening.thickness {
                self.thickness(&format!("{opening_path}.thickness"), "opening thickness", t);
            }
        }
        if floor.rooms.len() > MAX_ROOMS_PER_FLOOR {
            self.report(
                &format!("{path}.rooms"),
                format!("floor `{}` has {} rooms, more than {MAX_ROOMS_PER_FLOOR}", floor.id, floor.rooms.len()),
                "split the storey into several plans".to_owned(),
            );
        }
        for (r, room) in floor.rooms.iter().enumerate() {
            let room_path = format!("{path}.rooms[{r}]");
            inside &= self.points(&format!("{room_path}.polygon"), &format!("room `{}`", room.name), &room.polygon);
            if let Some(clients) = room.clients.filter(|&c| c > MAX_CLIENTS) {
                self.report(
                    &format!("{room_path}.clients"),
                    format!("room `{}` has {clients} clients, more than {MAX_CLIENTS}", room.name),
                    "clients is the number of devices used at once in the room, e.g. 35 for a classroom".to_owned(),
                );
            }
        }
        for (c, candidate) in floor.candidates.iter().enumerate() {
            let candidate_path = format!("{path}.candidates[{c}]");
            if let Some(points) = &candidate.points {
                inside &= self.points(&format!("{candidate_path}.points"), "candidate point", points);
            }
            if let Some(polygon) = &candidate.polygon {
                inside &= self.points(&format!("{candidate_path}.polygon"), "candidate area", polygon);
            }
        }
        inside
    }

    /// User material coefficients: validation checks that they are finite
    /// and not below their physical minimum; here, not absurdly large.
    fn materials(&mut self, plan: &FloorPlan) {
        for (name, spec) in &plan.materials {
            let path = format!("materials.{name}");
            let pairs = [
                ("permittivity", spec.permittivity, MAX_PERMITTIVITY),
                ("conductivity", spec.conductivity, MAX_CONDUCTIVITY),
            ];
            for (key, pair, max) in pairs {
                if let Some([coefficient, _]) = pair.filter(|p| p[0].is_finite() && p[0] > max) {
                    self.report(
                        &format!("{path}.{key}"),
                        format!("{key} coefficient {} of material `{name}` is beyond {}", show(coefficient), show(max)),
                        "ITU-R P.2040-3 Table 3 gives a from 1 to 10 for building materials; metal has a = 1, c = 10⁷"
                            .to_owned(),
                    );
                }
            }
            if let Some(losses) = &spec.loss_db {
                if let Some((key, loss)) = losses.iter().find(|(_, l)| l.is_finite() && **l > MAX_LOSS_DB) {
                    self.report(
                        &format!("{path}.loss_db"),
                        format!("loss {} dB at `{key}` of material `{name}` is beyond {MAX_LOSS_DB} dB", show(*loss)),
                        "losses are measured dB through the reference thickness: 20 means the wall takes 20 dB off"
                            .to_owned(),
                    );
                }
            }
            if let Some(t) = spec.reference_thickness {
                if t.is_finite() && t > 0.0 && t < MIN_REFERENCE_THICKNESS {
                    self.report(
                        &format!("{path}.reference_thickness"),
                        format!(
                            "reference_thickness {} m of material `{name}` is below {MIN_REFERENCE_THICKNESS} m",
                            show(t)
                        ),
                        "it is the thickness, in metres, of the wall the losses were measured on".to_owned(),
                    );
                }
                self.thickness(&format!("{path}.reference_thickness"), "reference_thickness", t);
            }
            if let Some(t) = spec.thickness {
                self.thickness(&format!("{path}.thickness"), "material thickness", t);
            }
        }
    }

    /// The receiver must stand inside every storey.
    fn receiver_height(&mut self, plan: &FloorPlan) {
        let height = plan.defaults.receiver_height;
        if !height.is_finite() {
            return;
        }
        let lowest = plan
            .floors
            .iter()
            .filter(|f| f.height.is_finite() && f.height >= 0.5)
            .min_by(|a, b| a.height.total_cmp(&b.height));
        if let Some(floor) = lowest.filter(|f| height >= f.height) {
            self.report(
                "defaults.receiver_height",
                format!(
                    "receiver_height {} m is at or above the ceiling of floor `{}` ({} m high)",
                    show(height),
                    floor.id,
                    floor.height
                ),
                "receiver_height is the height of the devices above their floor, e.g. 1.0 for a laptop on a desk"
                    .to_owned(),
            );
        }
    }

    /// Resolution × extent: each storey's grid must stay within the
    /// engine's cell limit at the plan's resolution.
    fn grid_size(&mut self, plan: &FloorPlan) {
        let resolution = plan.defaults.resolution;
        if !(resolution.is_finite() && (0.01..=10.0).contains(&resolution)) {
            return; // validation reports the resolution itself
        }
        let limit = MAX_CELLS as f64;
        for (i, floor) in plan.floors.iter().enumerate() {
            let aps = plan.aps.iter().filter(|ap| on_floor(ap, plan, i));
            let Some((lo, hi)) = storey_bounds(floor, aps) else { continue };
            let (width, depth) = (hi[0] - lo[0] + 2.0 * GRID_MARGIN, hi[1] - lo[1] + 2.0 * GRID_MARGIN);
            let cells = (width / resolution).ceil() * (depth / resolution).ceil();
            if cells > limit {
                let coarsest = (width * depth / limit).sqrt();
                self.report(
                    "defaults.resolution",
                    format!(
                        "at resolution {resolution} m, floor `{}` ({width:.0} × {depth:.0} m) needs {:.1} million cells, more than {:.0} million",
                        floor.id,
                        cells / 1e6,
                        limit / 1e6
                    ),
                    format!(
                        "use a resolution of at least {:.2} m, or check floor `{}`'s coordinates (metres)",
                        (coarsest * 100.0).ceil() / 100.0,
                        floor.id
                    ),
                );
                return;
            }
        }
    }
}

/// Whether an AP stands on storey `index` (an AP without a floor is on the
/// first one).
fn on_floor(ap: &ApSpec, plan: &FloorPlan, index: usize) -> bool {
    match &ap.floor {
        Some(id) => plan.floors.get(index).is_some_and(|f| &f.id == id),
        None => index == 0,
    }
}

/// The box around everything on a storey, as the scene builds its grid:
/// wall footprints, rooms, candidates and APs. `None` if it holds nothing.
fn storey_bounds<'a>(floor: &Floor, aps: impl Iterator<Item = &'a ApSpec>) -> Option<(PlanPoint, PlanPoint)> {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    let mut add = |p: &PlanPoint, grow: f64| {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k] - grow);
            hi[k] = hi[k].max(p[k] + grow);
        }
    };
    for wall in &floor.walls {
        let grow = if wall.thickness.is_finite() { wall.thickness.abs().min(MAX_THICKNESS) / 2.0 } else { 0.0 };
        wall.points.iter().for_each(|p| add(p, grow));
    }
    for room in &floor.rooms {
        room.polygon.iter().for_each(|p| add(p, 0.0));
    }
    for candidate in &floor.candidates {
        candidate.points.iter().chain(&candidate.polygon).flatten().for_each(|p| add(p, 0.0));
    }
    for ap in aps {
        add(&ap.position, 0.0);
    }
    (lo[0] <= hi[0] && lo[1] <= hi[1]).then_some((lo, hi))
}
