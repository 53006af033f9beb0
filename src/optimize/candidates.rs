//! Where the optimiser may mount an AP.
//!
//! The plan's `[[floors.candidates]]` when it has any (points as given,
//! polygons filled with a grid), else a grid over every required room:
//! ceiling mounts at the plan's AP height, never inside a wall, never in an
//! excluded room. The grid is offset to the room's centre so that the
//! centre of a symmetric room (often the best mount) is a candidate.

use crate::geometry::{point_in_polygon, Aabb2, Point2};
use crate::scene::Scene;
use crate::units::Real;

/// Default spacing of generated candidates, m. An AP's coverage radius in
/// a school is 5–15 m; moving an AP by half this spacing (0.75 m) changes
/// the received power at 5 m by under 1.4 dB (Friis, 20·log10(5.75/5)),
/// so the best grid point is close to the best free position.
pub const DEFAULT_SPACING: Real = 1.5;

/// Candidates kept away from walls by this much, m (an AP needs a ceiling
/// mount, not the wall's body).
const WALL_CLEARANCE: Real = 0.3;

/// One candidate mounting point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// Storey index.
    pub floor: usize,
    /// Position on the plan, m.
    pub position: Point2,
}

/// The candidate set of a scene, in a deterministic order (storey, then
/// plan order of rooms or candidate entries, then rows and columns).
pub fn candidates(scene: &Scene, spacing: Real) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (floor_index, floor) in scene.floors.iter().enumerate() {
        let usable = |p: Point2| {
            !floor.inside_wall(p)
                && floor.walls.iter().all(|w| {
                    crate::geometry::point_segment_distance(p, w.a, w.b).0 > w.slab.thickness / 2.0 + WALL_CLEARANCE
                })
                && !floor.rooms.iter().any(|r| r.exclude && point_in_polygon(p, &r.polygon))
        };
        let push = |out: &mut Vec<Candidate>, p: Point2| {
            if usable(p) {
                out.push(Candidate { floor: floor_index, position: p });
            }
        };
        if !floor.candidates.is_empty() {
            for spec in &floor.candidates {
                for p in spec.points.iter().flatten() {
                    push(&mut out, Point2::new(p[0], p[1]));
                }
                if let Some(polygon) = &spec.polygon {
                    let polygon: Vec<Point2> = polygon.iter().map(|p| Point2::new(p[0], p[1])).collect();
                    let bounds = polygon.iter().fold(Aabb2::EMPTY, |b, &p| b.including(p));
                    for p in grid_over(bounds, spacing) {
                        if point_in_polygon(p, &polygon) {
                            push(&mut out, p);
                        }
                    }
                }
            }
            continue;
        }
        let required: Vec<&crate::scene::SceneRoom> = floor.rooms.iter().filter(|r| !r.exclude).collect();
        if required.is_empty() {
            // No rooms: the storey's footprint, inside the outer walls.
            for p in grid_over(floor.footprint, spacing) {
                push(&mut out, p);
            }
            continue;
        }
        for room in required {
            let before = out.len();
            for p in grid_over(room.bounds, spacing) {
                if point_in_polygon(p, &room.polygon) {
                    push(&mut out, p);
                }
            }
            // A room narrower than the spacing still gets its centre.
            if out.len() == before {
                let centre = room.bounds.centre();
                if point_in_polygon(centre, &room.polygon) {
                    push(&mut out, centre);
                }
            }
        }
    }
    out
}

/// Grid points over a box at `spacing`, centred in the box.
fn grid_over(bounds: Aabb2, spacing: Real) -> Vec<Point2> {
    if bounds.is_empty() || spacing.is_nan() || spacing <= 0.0 {
        return Vec::new();
    }
    let extent = bounds.extent();
    let columns = (extent.x / spacing).floor() as usize + 1;
    let rows = (extent.y / spacing).floor() as usize + 1;
    let offset_x = (extent.x - (columns - 1) as Real * spacing) / 2.0;
    let offset_y = (extent.y - (rows - 1) as Real * spacing) / 2.0;
    let mut points = Vec::with_capacity(columns * rows);
    for row in 0..rows {
        for column in 0..columns {
            points.push(Point2::new(
                bounds.min.x + offset_x + column as Real * spacing,
                bounds.min.y + offset_y + row as Real * spacing,
            ));
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_centred() {
        let bounds = Aabb2::from_points(Point2::new(0.0, 0.0), Point2::new(7.0, 3.0));
        let points = grid_over(bounds, 1.5);
        // 5 columns (0.5, 2.0, 3.5, 5.0, 6.5) × 3 rows (0.0, 1.5, 3.0).
        assert_eq!(points.len(), 15);
        assert!(points.contains(&Point2::new(3.5, 1.5)));
    }
}
