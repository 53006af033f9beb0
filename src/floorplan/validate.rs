//! Checks a parsed plan and reports every problem at once, each located at
//! the value the user must change, with a hint when a fix is known.
//!
//! What is checked: the format version; ranges of defaults; user materials;
//! storeys (ids, heights, slabs, ceilings, vaults, overlaps); walls (enough
//! points, finite, zero-length pieces, self-crossing, material, thickness,
//! height); openings (their wall, on the wall's centreline, within one
//! straight piece, leaf material and heights); rooms (names, simple
//! polygons, thresholds); candidates; APs (ids, storey, inside a wall,
//! outside every storey, band/channel, power, antenna pattern and aim).

use std::collections::HashMap;

use geo::Validation;

use super::{ApSpec, CeilingSpec, Floor, FloorPlan, PlanPoint, PlanSource, SlabSpec};
use crate::antenna::ApAntennaKeys;
use crate::error::Diagnostic;
use crate::geometry::{point_segment_distance, segment_intersection, Point2};
use crate::materials::MaterialTable;
use crate::radio;
use crate::suggest::closest;

/// The only file format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// How far from a wall's centreline an opening point may be and still be
/// "on the wall": inside the wall's body plus 1 cm of drawing slack. The
/// scene attaches openings with the same tolerance.
pub fn opening_tolerance(thickness: f64) -> f64 {
    thickness / 2.0 + 0.01
}

/// Validates a plan. On success returns the material table (built-ins plus
/// the plan's materials), ready for [`crate::scene::Scene::build`].
pub fn validate(source: &PlanSource) -> Result<MaterialTable, Vec<Diagnostic>> {
    let (materials, material_problems) = MaterialTable::with_plan_materials(&source.plan.materials);
    let mut checker = Checker { source, materials: &materials, problems: Vec::new() };
    for problem in material_problems {
        let path = match problem.field {
            Some(field) => format!("materials.{}.{field}", problem.material),
            None => format!("materials.{}", problem.material),
        };
        checker.report(&path, problem.message, problem.hint);
    }
    checker.check_plan(&source.plan);
    for (path, message, hint) in super::rules::regulatory_problems(&source.plan) {
        checker.report(&path, message, hint);
    }
    for (path, message, hint) in super::rules::requirement_problems(&source.plan) {
        checker.report(&path, message, hint);
    }
    let mut problems = checker.problems;
    // Physical ranges of every number, and silent mistakes (own modules).
    problems.extend(super::ranges::problems(source));
    problems.extend(super::mistakes::problems(source));
    if problems.is_empty() {
        Ok(materials)
    } else {
        problems.sort_by_key(|p| (p.line, p.column));
        problems.dedup();
        Err(problems)
    }
}

struct Checker<'a> {
    source: &'a PlanSource,
    materials: &'a MaterialTable,
    problems: Vec<Diagnostic>,
}

fn finite_point(p: &PlanPoint) -> bool {
    p[0].is_finite() && p[1].is_finite()
}

fn to_point(p: &PlanPoint) -> Point2 {
    Point2::new(p[0], p[1])
}

impl Checker<'_> {
    fn report(&mut self, path: &str, message: impl Into<String>, hint: Option<String>) {
        let diagnostic = self.source.diagnostic(path, message, hint);
        self.problems.push(diagnostic);
    }

    /// Reports a number outside `[min, max]` (or not finite).
    fn check_range(&mut self, path: &str, what: &str, value: f64, min: f64, max: f64, unit: &str) {
        if !(value.is_finite() && value >= min && value <= max) {
            self.report(
                path,
                format!("{what} is {value} {unit}, outside the sensible range {min} to {max} {unit}"),
                Some(format!("give {what} in {unit}, between {min} and {max}")),
            );
        }
    }

    fn check_positive(&mut self, path: &str, what: &str, value: f64) {
        if !(value.is_finite() && value > 0.0) {
            self.report(
                path,
                format!("{what} must be greater than 0 m, not {value}"),
                Some(format!("give the {what} in metres, e.g. 0.2")),
            );
        }
    }

    fn check_material(&mut self, path: &str, name: &str) {
        if self.materials.id(name).is_none() {
            let hint = match self.materials.suggest(name) {
                Some(suggestion) => format!("did you mean `{suggestion}`? (`wifiplan materials` lists them all)"),
                None => "define it under [materials] or pick one from `wifiplan materials`".to_owned(),
            };
            self.report(path, format!("unknown material `{name}`"), Some(hint));
        }
    }

    fn check_plan(&mut self, plan: &FloorPlan) {
        if plan.format != FORMAT_VERSION {
            self.report(
                "format",
                format!("unsupported format version {}", plan.format),
                Some(format!("this wifiplan reads format = {FORMAT_VERSION}")),
            );
        }
        let d = &plan.defaults;
        self.check_range("defaults.resolution", "resolution", d.resolution, 0.01, 10.0, "m");
        self.check_range("defaults.receiver_height", "receiver_height", d.receiver_height, 0.0, 100.0, "m");
        self.check_range("defaults.ap_height", "ap_height", d.ap_height, 0.0, 100.0, "m");
        self.check_range("defaults.threshold_dbm", "threshold_dbm", d.threshold_dbm, -120.0, 0.0, "dBm");
        self.check_range("defaults.target_coverage", "target_coverage", d.target_coverage, 0.0, 100.0, "%");
        self.check_range("defaults.noise_floor_dbm", "noise_floor_dbm", d.noise_floor_dbm, -140.0, -40.0, "dBm");
        self.check_range("defaults.tx_power_dbm", "tx_power_dbm", d.tx_power_dbm, -10.0, 40.0, "dBm");
        self.check_range("defaults.antenna_gain_dbi", "antenna_gain_dbi", d.antenna_gain_dbi, -20.0, 30.0, "dBi");
        self.check_channel_width("defaults.channel_width", d.channel_width);

        if plan.floors.is_empty() {
            self.report(
                "format",
                "the plan has no floors",
                Some("add at least one [[floors]] table with an id".into()),
            );
        }
        let mut floor_ids: HashMap<&str, usize> = HashMap::new();
        for (i, floor) in plan.floors.iter().enumerate() {
            let path = format!("floors[{i}]");
            if let Some(first) = floor_ids.insert(floor.id.as_str(), i) {
                self.report(
                    &format!("{path}.id"),
                    format!("duplicate floor id `{}` (also floor {})", floor.id, first + 1),
                    Some("give every floor its own id".into()),
                );
            }
            self.check_floor(&path, floor);
        }
        self.check_storey_overlaps(plan);
        if plan.aps.len() > super::ranges::MAX_APS {
            self.report(
                "aps",
                format!("{} APs is more than this tool handles", plan.aps.len()),
                Some("split the building into several plans".into()),
            );
        }
        let mut ap_ids: HashMap<&str, usize> = HashMap::new();
        for (i, ap) in plan.aps.iter().enumerate() {
            let path = format!("aps[{i}]");
            if let Some(first) = ap_ids.insert(ap.id.as_str(), i) {
                self.report(
                    &format!("{path}.id"),
                    format!("duplicate AP id `{}` (also AP {})", ap.id, first + 1),
                    Some("give every AP its own id".into()),
                );
            }
            self.check_ap(&path, ap, plan);
        }
    }

    fn check_channel_width(&mut self, path: &str, width: u32) {
        if ![20, 40, 80, 160].contains(&width) {
            self.report(
                path,
                format!("channel width {width} MHz is not a Wi-Fi width"),
                Some("use 20, 40, 80 or 160".into()),
            );
        }
    }

    fn check_slab(&mut self, path: &str, slab: &Option<SlabSpec>) {
        match slab {
            None => {}
            Some(SlabSpec::Keyword(keyword)) if keyword == "none" => {}
            Some(SlabSpec::Keyword(keyword)) => self.report(
                path,
                format!("unknown slab `{keyword}`"),
                Some("write \"none\" or a table { material = \"concrete\", thickness = 0.3 }".into()),
            ),
            Some(SlabSpec::Slab(layer)) => {
                self.check_material(&format!("{path}.material"), &layer.material);
                self.check_positive(&format!("{path}.thickness"), "slab thickness", layer.thickness);
            }
        }
    }

    fn check_floor(&mut self, path: &str, floor: &Floor) {
        if floor.id.trim().is_empty() {
            self.report(
                &format!("{path}.id"),
                "floor id is empty",
                Some("give the floor a short id such as \"rdc\"".into()),
            );
        }
        if !floor.elevation.is_finite() {
            self.report(&format!("{path}.elevation"), "elevation is not a finite number", None);
        }
        self.check_range(&format!("{path}.height"), "floor height", floor.height, 0.5, 100.0, "m");
        self.check_slab(&format!("{path}.slab"), &floor.slab);
        self.check_slab(&format!("{path}.roof"), &floor.roof);
        match &floor.ceiling {
            None => {}
            Some(CeilingSpec::Keyword(k)) if k == "flat" || k == "none" => {}
            Some(CeilingSpec::Keyword(k)) => {
                let hint = match k.as_str() {
                    "vault" | "vaulted" | "barrel" => {
                        "a vault is written as a table: ceiling = { vault = 1.2 } (its rise in metres)".to_owned()
                    }
                    _ => "write \"flat\", \"none\" or { vault = RISE }".to_owned(),
                };
                self.report(&format!("{path}.ceiling"), format!("unknown ceiling `{k}`"), Some(hint));
            }
            Some(CeilingSpec::Vault(vault))
                if !(vault.vault.is_finite() && vault.vault > 0.0 && vault.vault < floor.height) =>
            {
                self.report(
                    &format!("{path}.ceiling.vault"),
                    format!("vault rise {} m must be greater than 0 and below the floor height {} m", vault.vault, floor.height),
                    Some("the storey height is measured at the crown; the rise is how far the vault climbs above its springing line".into()),
                );
            }
            Some(CeilingSpec::Vault(_)) => {}
        }

        let mut wall_ids: HashMap<&str, usize> = HashMap::new();
        for (w, wall) in floor.walls.iter().enumerate() {
            let wall_path = format!("{path}.walls[{w}]");
            if let Some(id) = &wall.id {
                if let Some(first) = wall_ids.insert(id.as_str(), w) {
                    self.report(
                        &format!("{wall_path}.id"),
                        format!("duplicate wall id `{id}` on floor `{}` (also wall {})", floor.id, first + 1),
                        Some("give every wall its own id (openings refer to walls by id)".into()),
                    );
                }
            }
            self.check_wall(&wall_path, wall, floor);
        }

        for (o, opening) in floor.openings.iter().enumerate() {
            self.check_opening(&format!("{path}.openings[{o}]"), opening, floor);
        }

        let mut room_names: HashMap<&str, usize> = HashMap::new();
        for (r, room) in floor.rooms.iter().enumerate() {
            let room_path = format!("{path}.rooms[{r}]");
            if let Some(first) = room_names.insert(room.name.as_str(), r) {
                self.report(
                    &format!("{room_path}.name"),
                    format!("duplicate room name `{}` on floor `{}` (also room {})", room.name, floor.id, first + 1),
                    Some("give every room on a floor its own name".into()),
                );
            }
            self.check_polygon(&format!("{room_path}.polygon"), &format!("room `{}`", room.name), &room.polygon);
            if let Some(t) = room.threshold_dbm {
                self.check_range(&format!("{room_path}.threshold_dbm"), "threshold_dbm", t, -120.0, 0.0, "dBm");
            }
            if let Some(t) = room.target_coverage {
                self.check_range(&format!("{room_path}.target_coverage"), "target_coverage", t, 0.0, 100.0, "%");
            }
        }

        for (c, candidate) in floor.candidates.iter().enumerate() {
            let candidate_path = format!("{path}.candidates[{c}]");
            match (&candidate.points, &candidate.polygon) {
                (Some(points), None) => {
                    if points.is_empty() || !points.iter().all(finite_point) {
                        self.report(
                            &format!("{candidate_path}.points"),
                            "candidate points must be a non-empty list of finite [x, y]",
                            None,
                        );
                    }
                }
                (None, Some(polygon)) => {
                    self.check_polygon(&format!("{candidate_path}.polygon"), "candidate area", polygon)
                }
                _ => self.report(
                    &candidate_path,
                    "a candidate entry needs exactly one of `points` or `polygon`",
                    Some("split it into two [[floors.candidates]] entries".into()),
                ),
            }
        }
    }

    fn check_wall(&mut self, path: &str, wall: &super::Wall, floor: &Floor) {
        let points_path = format!("{path}.points");
        if wall.points.len() < 2 {
            self.report(
                &points_path,
                "a wall needs at least two points",
                Some("write points = [[x1, y1], [x2, y2]]".into()),
            );
        }
        if let Some(i) = wall.points.iter().position(|p| !finite_point(p)) {
            self.report(
                &format!("{points_path}[{i}]"),
                "wall point is not a finite number",
                Some("coordinates are plain numbers in metres".into()),
            );
        } else {
            for (i, pair) in wall.points.windows(2).enumerate() {
                if to_point(&pair[0]) == to_point(&pair[1]) {
                    self.report(
                        &format!("{points_path}[{}]", i + 1),
                        format!("wall piece {} has zero length (points {} and {} are the same)", i + 1, i + 1, i + 2),
                        Some("remove the repeated point".into()),
                    );
                }
            }
            if let Some((i, j)) = polyline_self_crossing(&wall.points) {
                self.report(
                    &points_path,
                    format!("wall crosses itself (pieces {} and {})", i + 1, j + 1),
                    Some("split it into separate walls, or fix the point order".into()),
                );
            }
        }
        self.check_material(&format!("{path}.material"), &wall.material);
        if !(wall.thickness.is_finite() && wall.thickness > 0.0) {
            self.report(
                &format!("{path}.thickness"),
                format!("wall thickness must be greater than 0 m, not {}", wall.thickness),
                Some("give the full thickness in metres, e.g. 0.2 for a brick wall, 1.2 for old stone".into()),
            );
        } else if wall.thickness > 5.0 {
            self.report(
                &format!("{path}.thickness"),
                format!("wall thickness {} m is implausible", wall.thickness),
                Some("thickness is in metres".into()),
            );
        }
        if let Some(h) = wall.height {
            if !(h.is_finite() && h > 0.0) {
                self.report(&format!("{path}.height"), format!("wall height must be greater than 0 m, not {h}"), None);
            } else if h > floor.height + 1e-9 {
                self.report(
                    &format!("{path}.height"),
                    format!("wall height {h} m is above the floor height {} m", floor.height),
                    Some("leave height out for a full-height wall".into()),
                );
            }
        }
    }

    fn check_opening(&mut self, path: &str, opening: &super::Opening, floor: &Floor) {
        let Some(wall) = floor.walls.iter().find(|w| w.id.as_deref() == Some(opening.wall.as_str())) else {
            let ids: Vec<&str> = floor.walls.iter().filter_map(|w| w.id.as_deref()).collect();
            let hint = match closest(&opening.wall, ids.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if ids.is_empty() => "give the wall an id = \"…\" and refer to it here".into(),
                None => format!("walls with ids on this floor: {}", ids.join(", ")),
            };
            self.report(
                &format!("{path}.wall"),
                format!("opening refers to unknown wall `{}` on floor `{}`", opening.wall, floor.id),
                Some(hint),
            );
            return;
        };
        let at_path = format!("{path}.at");
        if !opening.at.iter().all(finite_point) {
            self.report(&at_path, "opening span is not made of finite numbers", None);
            return;
        }
        if to_point(&opening.at[0]) == to_point(&opening.at[1]) {
            self.report(
                &at_path,
                "opening has zero width (both points are the same)",
                Some("give the two ends of the span along the wall".into()),
            );
            return;
        }
        let tolerance = opening_tolerance(wall.thickness.abs());
        let pieces: Vec<(Point2, Point2)> = wall
            .points
            .windows(2)
            .filter(|pair| finite_point(&pair[0]) && finite_point(&pair[1]))
            .map(|pair| (to_point(&pair[0]), to_point(&pair[1])))
            .collect();
        let on_wall = |p: Point2| pieces.iter().any(|&(a, b)| point_segment_distance(p, a, b).0 <= tolerance);
        let ends = [to_point(&opening.at[0]), to_point(&opening.at[1])];
        if !ends.iter().all(|&p| on_wall(p)) {
            let (_, far) = ends
                .iter()
                .map(|&p| pieces.iter().map(|&(a, b)| point_segment_distance(p, a, b).0).fold(f64::INFINITY, f64::min))
                .enumerate()
                .fold((0, 0.0), |acc, (i, d)| if d > acc.1 { (i, d) } else { acc });
            self.report(
                &at_path,
                format!("opening is not on wall `{}`: an end lies {far:.2} m from its centreline", opening.wall),
                Some(format!("put both ends of `at` on the wall's centreline (within {tolerance:.2} m)")),
            );
        } else {
            let same_piece = pieces.iter().any(|&(a, b)| {
                let (d0, u0) = point_segment_distance(ends[0], a, b);
                let (d1, u1) = point_segment_distance(ends[1], a, b);
                d0 <= tolerance && d1 <= tolerance && u0 != u1
            });
            if !same_piece {
                self.report(
                    &at_path,
                    format!("opening spans a corner of wall `{}`", opening.wall),
                    Some("split it into one opening per straight piece of the wall".into()),
                );
            }
        }
        if let Some(material) = &opening.material {
            self.check_material(&format!("{path}.material"), material);
        }
        if let Some(t) = opening.thickness {
            self.check_positive(&format!("{path}.thickness"), "opening thickness", t);
        }
        let wall_height = wall.height.unwrap_or(floor.height);
        if let (Some(bottom), Some(top)) = (opening.bottom, opening.top) {
            if !(bottom.is_finite() && top.is_finite() && bottom >= 0.0 && bottom < top) {
                self.report(
                    &format!("{path}.top"),
                    format!("opening from {bottom} m to {top} m is empty or inverted"),
                    Some("bottom must be below top, both in metres above the floor".into()),
                );
            }
        }
        for (key, value) in [("bottom", opening.bottom), ("top", opening.top)] {
            if let Some(v) = value {
                if !(v.is_finite() && (0.0..=wall_height + 1e-9).contains(&v)) {
                    self.report(
                        &format!("{path}.{key}"),
                        format!("opening {key} {v} m is outside the wall (0 to {wall_height} m)"),
                        None,
                    );
                }
            }
        }
    }

    fn check_polygon(&mut self, path: &str, what: &str, polygon: &[PlanPoint]) {
        if let Some(i) = polygon.iter().position(|p| !finite_point(p)) {
            self.report(&format!("{path}[{i}]"), format!("{what} has a non-finite coordinate"), None);
            return;
        }
        let mut ring: Vec<geo::Coord<f64>> = polygon.iter().map(|p| geo::coord! { x: p[0], y: p[1] }).collect();
        if ring.len() > 1 && ring.first() == ring.last() {
            ring.pop();
        }
        ring.dedup();
        if ring.len() < 3 {
            self.report(
                path,
                format!("{what} needs at least three distinct corners"),
                Some("list the corners as [[x, y], …]".into()),
            );
            return;
        }
        let shape = geo::Polygon::new(geo::LineString::new(ring), vec![]);
        if let Err(problem) = shape.check_validation() {
            self.report(
                path,
                format!("{what} is not a simple polygon ({problem})"),
                Some("list the corners in order around the outline, without crossing edges".into()),
            );
        } else if geo::Area::unsigned_area(&shape) <= 1e-9 {
            self.report(path, format!("{what} has zero area"), Some("its corners are all on one line".into()));
        }
    }

    fn check_ap(&mut self, path: &str, ap: &ApSpec, plan: &FloorPlan) {
        let floor_index = match &ap.floor {
            Some(id) => match plan.floors.iter().position(|f| &f.id == id) {
                Some(i) => Some(i),
                None => {
                    let hint = match closest(id, plan.floors.iter().map(|f| f.id.as_str())) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "floors: {}",
                            plan.floors.iter().map(|f| f.id.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    self.report(
                        &format!("{path}.floor"),
                        format!("AP `{}` is on unknown floor `{id}`", ap.id),
                        Some(hint),
                    );
                    None
                }
            },
            None => (!plan.floors.is_empty()).then_some(0),
        };
        let position_path = format!("{path}.position");
        if !finite_point(&ap.position) {
            self.report(&position_path, "AP position is not a finite number", None);
            return;
        }
        let p = to_point(&ap.position);
        if let Some(floor) = floor_index.map(|i| &plan.floors[i]) {
            for wall in &floor.walls {
                let inside = wall.points.windows(2).any(|pair| {
                    finite_point(&pair[0])
                        && finite_point(&pair[1])
                        && point_segment_distance(p, to_point(&pair[0]), to_point(&pair[1])).0 < wall.thickness / 2.0
                });
                if inside {
                    let name = wall.id.as_deref().map_or_else(|| "a wall".to_owned(), |id| format!("wall `{id}`"));
                    self.report(
                        &position_path,
                        format!("AP `{}` is inside {name} ({} m thick)", ap.id, wall.thickness),
                        Some("move it into the room, clear of the wall's thickness".into()),
                    );
                    break;
                }
            }
            if !within_floor(p, floor) {
                self.report(
                    &position_path,
                    format!(
                        "AP `{}` at ({}, {}) is outside every floor: it is outside floor `{}`'s walls and rooms",
                        ap.id, p.x, p.y, floor.id
                    ),
                    Some("check the coordinates (metres, x east, y north) and the AP's floor".into()),
                );
            }
            let height = ap.height.unwrap_or(plan.defaults.ap_height);
            if !(height.is_finite() && height >= 0.0 && height <= floor.height) {
                self.report(
                    &format!("{path}.height"),
                    format!("AP height {height} m is outside its floor (0 to {} m)", floor.height),
                    Some("height is measured from the AP's own floor level".into()),
                );
            }
        }
        let band = ap.band.unwrap_or(plan.defaults.band);
        if let Some(channel) = ap.channel {
            if !radio::is_valid_channel(band, channel) {
                let other = radio::bands_with_channel(channel);
                let hint = if other.is_empty() {
                    let list = radio::channels(band);
                    let nearest = list.iter().min_by_key(|&&c| c.abs_diff(channel)).copied().unwrap_or(0);
                    format!("the nearest {band} channel is {nearest}")
                } else {
                    format!(
                        "channel {channel} is in the {} band; set band = \"{}\" or pick a {band} channel",
                        other[0],
                        other[0].name()
                    )
                };
                self.report(
                    &format!("{path}.channel"),
                    format!("channel {channel} does not exist in the {band} band"),
                    Some(hint),
                );
            }
        }
        if let Some(power) = ap.tx_power_dbm {
            self.check_range(&format!("{path}.tx_power_dbm"), "tx_power_dbm", power, -10.0, 40.0, "dBm");
        }
        if let Some(gain) = ap.antenna_gain_dbi {
            self.check_range(&format!("{path}.antenna_gain_dbi"), "antenna_gain_dbi", gain, -20.0, 30.0, "dBi");
        }
        if let Some(width) = ap.channel_width {
            self.check_channel_width(&format!("{path}.channel_width"), width);
        }
        let antenna_keys =
            ApAntennaKeys { id: &ap.id, antenna: ap.antenna.as_deref(), azimuth: ap.azimuth, downtilt: ap.downtilt };
        for (key, problem) in crate::antenna::check_ap(antenna_keys, &self.source.file) {
            self.report(&format!("{path}.{key}"), problem.message, problem.hint);
        }
    }

    fn check_storey_overlaps(&mut self, plan: &FloorPlan) {
        let mut order: Vec<usize> = (0..plan.floors.len()).collect();
        order.sort_by(|&a, &b| plan.floors[a].elevation.total_cmp(&plan.floors[b].elevation));
        for pair in order.windows(2) {
            let (lower, upper) = (&plan.floors[pair[0]], &plan.floors[pair[1]]);
            if upper.elevation < lower.elevation + lower.height - 1e-9 {
                self.report(
                    &format!("floors[{}].elevation", pair[1]),
                    format!(
                        "floor `{}` starts at {} m, inside floor `{}` ({} m + {} m high)",
                        upper.id, upper.elevation, lower.id, lower.elevation, lower.height
                    ),
                    Some("a storey's elevation is at least the one below plus its height (plus the slab)".into()),
                );
            }
        }
    }
}

/// Whether `p` is within a storey: inside the box of its walls (grown by
/// half their thickness) or inside one of its rooms. A storey with neither
/// accepts any point.
fn within_floor(p: Point2, floor: &Floor) -> bool {
    let mut bounds = crate::geometry::Aabb2::EMPTY;
    for wall in &floor.walls {
        for q in wall.points.iter().filter(|q| finite_point(q)) {
            bounds = bounds.union(
                &crate::geometry::Aabb2::from_points(to_point(q), to_point(q)).inflated(wall.thickness.abs() / 2.0),
            );
        }
    }
    let in_room = floor.rooms.iter().any(|room| {
        let polygon: Vec<Point2> = room.polygon.iter().map(to_point).collect();
        crate::geometry::point_in_polygon(p, &polygon)
    });
    (bounds.is_empty() && floor.rooms.is_empty()) || bounds.contains(p) || in_room
}

/// The first pair of non-adjacent pieces of a polyline that cross. A closed
/// polyline (last point = first) does not count its closing joint.
fn polyline_self_crossing(points: &[PlanPoint]) -> Option<(usize, usize)> {
    let pieces: Vec<(Point2, Point2)> = points.windows(2).map(|w| (to_point(&w[0]), to_point(&w[1]))).collect();
    let closed = points.len() > 3 && points.first() == points.last();
    for i in 0..pieces.len() {
        for j in i + 2..pieces.len() {
            if closed && i == 0 && j == pieces.len() - 1 {
                continue;
            }
            if segment_intersection(pieces[i].0, pieces[i].1, pieces[j].0, pieces[j].1).is_some() {
                return Some((i, j));
            }
        }
    }
    None
}
