//! Mistakes that parse, pass every range and would still give a wrong
//! answer without a word: a coverage target written as a fraction, rooms
//! that overlap (a cell counts for the first room listed only), an
//! exclusion listed after the room it should carve out of (so it carves
//! nothing), and a room away from every wall of its storey (typed
//! coordinates, or the wrong storey). Each is a located error with a hint.

use geo::{Area, BooleanOps, BoundingRect, Validation};

use super::{Floor, FloorPlan, PlanPoint, PlanSource};
use crate::error::Diagnostic;

/// Smallest overlap of two rooms reported, m²: rooms drawn at the same
/// wall face may overlap by rounding.
const MIN_OVERLAP_M2: f64 = 0.1;
/// Smallest overlap reported, as a share of the smaller room.
const MIN_OVERLAP_SHARE: f64 = 0.01;
/// A room with less than this share of its area within the box of its
/// storey's walls, and covering less than this share of that box, lies
/// outside the building.
const MIN_INSIDE_SHARE: f64 = 0.5;

/// The mistakes of a plan (see the module documentation).
pub(super) fn problems(source: &PlanSource) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let plan: &FloorPlan = &source.plan;
    let mut fraction = |path: &str, value: f64| {
        if value > 0.0 && value <= 1.0 {
            problems.push(source.diagnostic(
                path,
                format!("target_coverage {value} reads as {value} % of the area, not {:.0} %", value * 100.0),
                Some(format!("target_coverage is in percent: {:.0}, not {value}", value * 100.0)),
            ));
        }
    };
    fraction("defaults.target_coverage", plan.defaults.target_coverage);
    for (i, floor) in plan.floors.iter().enumerate() {
        for (r, room) in floor.rooms.iter().enumerate() {
            if let Some(target) = room.target_coverage {
                fraction(&format!("floors[{i}].rooms[{r}].target_coverage"), target);
            }
        }
    }
    for (i, floor) in plan.floors.iter().enumerate() {
        room_problems(source, &format!("floors[{i}]"), floor, &mut problems);
    }
    problems
}

/// A room's outline as a geo polygon, if it is a valid simple polygon
/// (validation reports the others).
fn polygon(points: &[PlanPoint]) -> Option<geo::Polygon<f64>> {
    if points.iter().any(|p| !(p[0].is_finite() && p[1].is_finite())) {
        return None;
    }
    let mut ring: Vec<geo::Coord<f64>> = points.iter().map(|p| geo::coord! { x: p[0], y: p[1] }).collect();
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    ring.dedup();
    if ring.len() < 3 {
        return None;
    }
    let shape = geo::Polygon::new(geo::LineString::new(ring), vec![]);
    (shape.is_valid() && shape.unsigned_area() > 1e-9).then_some(shape)
}

fn room_problems(source: &PlanSource, path: &str, floor: &Floor, problems: &mut Vec<Diagnostic>) {
    let shapes: Vec<Option<(geo::Polygon<f64>, geo::Rect<f64>)>> = floor
        .rooms
        .iter()
        .map(|room| polygon(&room.polygon).and_then(|p| p.bounding_rect().map(|rect| (p, rect))))
        .collect();
    // Overlaps: each room against the rooms listed before it.
    for (j, later) in floor.rooms.iter().enumerate() {
        let Some((b, b_box)) = &shapes[j] else { continue };
        for (i, earlier) in floor.rooms.iter().enumerate().take(j) {
            let Some((a, a_box)) = &shapes[i] else { continue };
            // An exclusion listed first carves its area out of the rooms
            // after it: that is how a stairwell is cut out of a hall.
            if earlier.exclude {
                continue;
            }
            let boxes_meet = a_box.min().x < b_box.max().x
                && b_box.min().x < a_box.max().x
                && a_box.min().y < b_box.max().y
                && b_box.min().y < a_box.max().y;
            if !boxes_meet {
                continue;
            }
            let overlap = a.intersection(b).unsigned_area();
            let smaller = a.unsigned_area().min(b.unsigned_area());
            if overlap < MIN_OVERLAP_M2 || overlap < MIN_OVERLAP_SHARE * smaller {
                continue;
            }
            let (message, hint) = if later.exclude {
                (
                    format!(
                        "excluded room `{}` overlaps room `{}` by {overlap:.1} m², which is listed before it, so those cells still count for `{}`",
                        later.name, earlier.name, earlier.name
                    ),
                    format!(
                        "where rooms overlap the first listed wins: list `{}` before `{}` to cut it out",
                        later.name, earlier.name
                    ),
                )
            } else {
                (
                    format!(
                        "room `{}` overlaps room `{}` by {overlap:.1} m² (those cells count for `{}` only)",
                        later.name, earlier.name, earlier.name
                    ),
                    "rooms may share edges but not area: check the corners, or merge the two rooms".to_owned(),
                )
            };
            problems.push(source.diagnostic(&format!("{path}.rooms[{j}].polygon"), message, Some(hint)));
            break;
        }
    }
    // Rooms away from the walls.
    let Some(walls_box) = walls_box(floor) else { return };
    for (r, room) in floor.rooms.iter().enumerate() {
        let Some((shape, _)) = &shapes[r] else { continue };
        let area = shape.unsigned_area();
        let inside = shape.intersection(&walls_box.to_polygon()).unsigned_area();
        // A room drawn around the whole building (a site, the open area
        // of a test scene) holds the walls rather than lying beside them.
        let holds_the_walls = inside >= MIN_INSIDE_SHARE * walls_box.to_polygon().unsigned_area();
        if inside < MIN_INSIDE_SHARE * area && !holds_the_walls {
            let (lo, hi) = (walls_box.min(), walls_box.max());
            problems.push(source.diagnostic(
                &format!("{path}.rooms[{r}].polygon"),
                format!(
                    "room `{}` lies outside the walls of floor `{}`: {:.0} % of it is within their extent (x {:.1} to {:.1} m, y {:.1} to {:.1} m)",
                    room.name,
                    floor.id,
                    100.0 * inside / area,
                    lo.x,
                    hi.x,
                    lo.y,
                    hi.y
                ),
                Some("check the room's coordinates (metres, x east, y north) and that it is listed under the right floor".into()),
            ));
        }
    }
}

/// The box of a storey's wall footprints (centrelines grown by half their
/// thickness), if it has walls with finite points.
fn walls_box(floor: &Floor) -> Option<geo::Rect<f64>> {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for wall in &floor.walls {
        let grow = if wall.thickness.is_finite() { wall.thickness.abs() / 2.0 } else { 0.0 };
        for p in wall.points.iter().filter(|p| p[0].is_finite() && p[1].is_finite()) {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k] - grow);
                hi[k] = hi[k].max(p[k] + grow);
            }
        }
    }
    // A lone straight wall has no area: such scenes (a wall in the open)
    // have no building to be outside of.
    (lo[0] < hi[0] && lo[1] < hi[1] && (hi[0] - lo[0]).min(hi[1] - lo[1]) > 1.0)
        .then(|| geo::Rect::new(geo::coord! { x: lo[0], y: lo[1] }, geo::coord! { x: hi[0], y: hi[1] }))
}
