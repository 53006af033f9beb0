//! Reflecting surfaces: both faces of every wall, the floor and ceiling
//! planes of a storey, and the planar facets of barrel vaults.

use crate::geometry::{Point2, Point3, Vector2, Vector3};
use crate::propagation::multiwall::wall_normal;
use crate::scene::{Ceiling, Scene, SceneFloor, Slab};
use crate::units::Real;

/// One face of a wall: the wall's side at ±thickness/2 from its
/// centreline, facing outwards.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Face {
    /// Start of the face line.
    pub p0: Point2,
    /// End of the face line.
    pub p1: Point2,
    /// Unit normal pointing out of the wall, into the room this face bounds.
    pub normal: Vector2,
    /// Index of the wall segment in its storey.
    pub wall: u32,
    /// `+1` for the face on the side of the wall's left normal, `−1` else.
    pub side: i8,
}

impl Face {
    /// Signed distance of `p` in front of the face's line.
    #[inline]
    pub fn height_above(&self, p: Point2) -> Real {
        (p - self.p0).dot(&self.normal)
    }

    /// Mirror image of `p` across the face's line.
    #[inline]
    pub fn mirror(&self, p: Point2) -> Point2 {
        p - self.normal * (2.0 * self.height_above(p))
    }
}

/// Both faces of every wall segment of a storey, in wall order.
pub fn wall_faces(floor: &SceneFloor) -> Vec<Face> {
    let mut faces = Vec::with_capacity(2 * floor.walls.len());
    for (index, wall) in floor.walls.iter().enumerate() {
        let normal = wall_normal(wall.a, wall.b);
        let half = wall.slab.thickness / 2.0;
        for side in [1i8, -1] {
            let offset = normal * (half * side as Real);
            faces.push(Face {
                p0: wall.a + offset,
                p1: wall.b + offset,
                normal: normal * side as Real,
                wall: index as u32,
                side,
            });
        }
    }
    faces
}

/// The horizontal reflectors of a storey: its floor (the top of its slab)
/// and, when flat, its ceiling (the underside of the slab above, or the
/// roof).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Planes {
    /// Floor level, m.
    pub floor_z: Real,
    /// The floor slab, if the storey has one.
    pub floor: Option<Slab>,
    /// Ceiling level, m.
    pub ceiling_z: Real,
    /// The flat ceiling's slab, if the storey has a flat ceiling.
    pub ceiling: Option<Slab>,
}

/// The slab above a storey: the next storey's floor slab, else the roof.
pub fn slab_above(scene: &Scene, floor: usize) -> Option<Slab> {
    match scene.floors.get(floor + 1) {
        Some(next) => next.slab,
        None => scene.floors[floor].roof,
    }
}

/// Floor and flat-ceiling planes of storey `floor`.
pub fn planes(scene: &Scene, floor: usize) -> Planes {
    let storey = &scene.floors[floor];
    let ceiling = match storey.ceiling {
        Ceiling::Flat => slab_above(scene, floor),
        Ceiling::None | Ceiling::Vault { .. } => None,
    };
    Planes { floor_z: storey.elevation, floor: storey.slab, ceiling_z: storey.elevation + storey.height, ceiling }
}

/// Number of planar facets a barrel vault is cut into across its span.
/// Eight facets of a 7 m span with a 1 m rise deviate from the true arc by
/// under 2 cm (sagitta R·(1 − cos(Δφ/2))), well under a wavelength at
/// 2.4 GHz (12.5 cm) and comparable to one at 5 GHz; the reflected power of
/// a facet differs from the arc's mainly near glancing angles.
pub const VAULT_FACETS: usize = 8;

/// A planar facet of a vault: a rectangle in 3D.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Facet {
    /// One corner.
    pub origin: Point3,
    /// Edge along the vault's axis (full length).
    pub along: Vector3,
    /// Edge across the span (full width).
    pub across: Vector3,
    /// Unit normal pointing down into the room.
    pub normal: Vector3,
    /// The vault's material (the slab above).
    pub slab: Slab,
}

impl Facet {
    /// Where the straight segment `a → b` meets the facet, if it does.
    #[inline]
    pub fn hit(&self, a: Point3, b: Point3) -> Option<Point3> {
        let ha = (a - self.origin).dot(&self.normal);
        let hb = (b - self.origin).dot(&self.normal);
        if (ha > 0.0) == (hb > 0.0) {
            return None;
        }
        let q = a + (b - a) * (ha / (ha - hb));
        let d = q - self.origin;
        let s = d.dot(&self.along) / self.along.norm_squared();
        let t = d.dot(&self.across) / self.across.norm_squared();
        ((0.0..=1.0).contains(&s) && (0.0..=1.0).contains(&t)).then_some(q)
    }
}

/// The facets of the barrel vaults of storey `floor`: one vault per room
/// (over the room's bounding box, along its long side), or over the whole
/// storey when it has no rooms. The vault springs at `height − rise` and
/// its crown is at `height` (SPEC.md, `ceiling = { vault = RISE }`).
pub fn vault_facets(scene: &Scene, floor: usize) -> Vec<Facet> {
    let storey = &scene.floors[floor];
    let Ceiling::Vault { rise } = storey.ceiling else { return Vec::new() };
    let Some(slab) = slab_above(scene, floor) else { return Vec::new() };
    let boxes: Vec<_> = if storey.rooms.is_empty() {
        vec![storey.footprint]
    } else {
        storey.rooms.iter().map(|room| room.bounds).collect()
    };
    let crown = storey.elevation + storey.height;
    let mut facets = Vec::new();
    for bounds in boxes.into_iter().filter(|b| !b.is_empty()) {
        let extent = bounds.extent();
        // Axis along the long side; the span is the short side.
        let (axis, across, length, span) = if extent.x >= extent.y {
            (Vector3::x(), Vector3::y(), extent.x, extent.y)
        } else {
            (Vector3::y(), Vector3::x(), extent.y, extent.x)
        };
        if span <= 0.0 || rise <= 0.0 {
            continue;
        }
        // Circle through both springing points and the crown.
        let radius = (span * span / 4.0 + rise * rise) / (2.0 * rise);
        let centre_z = crown - radius;
        let half_angle = (span / 2.0 / radius).clamp(-1.0, 1.0).asin();
        let start = Point3::new(bounds.min.x, bounds.min.y, 0.0);
        let mid = start + across * (span / 2.0);
        let vertex = |i: usize| {
            let phi = -half_angle + 2.0 * half_angle * i as Real / VAULT_FACETS as Real;
            let p = mid + across * (radius * phi.sin());
            Point3::new(p.x, p.y, centre_z + radius * phi.cos())
        };
        for i in 0..VAULT_FACETS {
            let (v0, v1) = (vertex(i), vertex(i + 1));
            let edge = v1 - v0;
            let centre = Point3::new(mid.x, mid.y, centre_z);
            let chord_mid = Point3::from((v0.coords + v1.coords) / 2.0);
            // The chord's perpendicular bisector passes through the circle's
            // centre: the inward normal points from the chord to it.
            let mut normal = axis.cross(&edge).normalize();
            let towards_centre = Vector3::new(centre.x - chord_mid.x, centre.y - chord_mid.y, centre.z - chord_mid.z);
            let towards_centre = towards_centre - axis * towards_centre.dot(&axis);
            if normal.dot(&towards_centre) < 0.0 {
                normal = -normal;
            }
            facets.push(Facet { origin: v0, along: axis * length, across: edge, normal, slab });
        }
    }
    facets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_hit_inside_and_outside() {
        let facet = Facet {
            origin: Point3::new(0.0, 0.0, 3.0),
            along: Vector3::new(10.0, 0.0, 0.0),
            across: Vector3::new(0.0, 5.0, 0.0),
            normal: -Vector3::z(),
            slab: Slab { material: crate::materials::MaterialId(0), thickness: 0.3 },
        };
        let hit = facet.hit(Point3::new(2.0, 2.0, 1.0), Point3::new(2.0, 2.0, 5.0));
        assert_eq!(hit, Some(Point3::new(2.0, 2.0, 3.0)));
        assert_eq!(facet.hit(Point3::new(12.0, 2.0, 1.0), Point3::new(12.0, 2.0, 5.0)), None);
        assert_eq!(facet.hit(Point3::new(2.0, 2.0, 1.0), Point3::new(2.0, 2.0, 2.0)), None);
    }
}
