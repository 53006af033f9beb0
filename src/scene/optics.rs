//! Optics of the compiled scene: what the propagation models need of every
//! wall, floor, ceiling and vault, prepared once per scene so that no hot
//! loop recomputes a normal, a length or a table index.
//!
//! * [`WallOptics`]: every straight wall segment of every storey with its
//!   frame (unit direction and normal, length, half thickness), the height
//!   range in which a path can cross it, its openings, and the slab-table
//!   keys of its slab and of each leaf.
//! * [`Face`]: both faces of every wall, the mirrors of the image method.
//! * [`Planes`]: a storey's floor and flat ceiling; [`Facet`]: the planar
//!   strips of its barrel vaults.

use std::ops::Range;

use crate::geometry::{Aabb2, Point2, Point3, Vector2, Vector3};
use crate::materials::slab_tables::{SlabKey, SlabTables};
use crate::materials::{Polarization, Slab};
use crate::scene::{Ceiling, Scene, SceneFloor, WallSegment};
use crate::units::Real;

/// Unit normal of a wall on the plan: its direction `a → b` turned left.
#[inline]
pub fn wall_normal(a: Point2, b: Point2) -> Vector2 {
    let d = b - a;
    Vector2::new(-d.y, d.x) / d.norm()
}

/// A slab with its table key (`None`: not tabulated, computed exactly).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KeyedSlab {
    /// Material and thickness.
    pub slab: Slab,
    /// Key of its TE table (walls) or TM table (floors and ceilings).
    pub key: Option<SlabKey>,
}

/// A door, window or opening, as the optics see it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OpeningOptics {
    /// Start and end along the segment, as fractions of its length.
    pub along: (Real, Real),
    /// Bottom and top, absolute z, m.
    pub z: (Real, Real),
    /// The leaf, or `None` for an empty opening.
    pub leaf: Option<KeyedSlab>,
}

/// One straight wall segment, ready for the hot loops.
#[derive(Clone, Debug, PartialEq)]
pub struct WallOptics {
    /// Start of the centreline.
    pub a: Point2,
    /// End of the centreline.
    pub b: Point2,
    /// Unit vector `a → b`.
    pub along: Vector2,
    /// Unit normal, `along` turned left.
    pub normal: Vector2,
    /// Length of the centreline, m.
    pub length: Real,
    /// Half the thickness, m.
    pub half: Real,
    /// Bottom and top of the wall, absolute z, m.
    pub z: (Real, Real),
    /// The heights at which a path can cross it: the wall within its
    /// storey's volume (from its floor level to the next storey's).
    pub crossable: (Real, Real),
    /// Whether it stands from its storey's floor to its ceiling, so that a
    /// path between floor and ceiling cannot pass over or under it.
    pub full_height: bool,
    /// The wall's own slab.
    pub slab: KeyedSlab,
    /// Openings cut into it.
    pub openings: Vec<OpeningOptics>,
    /// Storey index.
    pub floor: usize,
    /// Index of the segment in its storey's [`SceneFloor::walls`].
    pub segment: usize,
    /// Index of the plan wall it belongs to.
    pub wall_index: usize,
    /// Box of its footprint.
    pub bounds: Aabb2,
}

impl WallOptics {
    fn new(
        wall: &WallSegment,
        storey: &SceneFloor,
        (floor, segment): (usize, usize),
        volume: (Real, Real),
        tables: &SlabTables,
    ) -> Self {
        let key = |slab: Slab| KeyedSlab { slab, key: tables.slab_key(slab, Polarization::Te) };
        let axis = wall.b - wall.a;
        let length = axis.norm();
        WallOptics {
            a: wall.a,
            b: wall.b,
            along: axis / length,
            normal: wall_normal(wall.a, wall.b),
            length,
            half: wall.slab.thickness / 2.0,
            z: wall.z,
            crossable: (wall.z.0.max(volume.0), wall.z.1.min(volume.1)),
            full_height: wall.z.0 <= storey.elevation && wall.z.1 >= storey.elevation + storey.height,
            slab: key(wall.slab),
            openings: wall
                .openings
                .iter()
                .map(|o| OpeningOptics { along: o.along, z: o.z, leaf: o.leaf.map(key) })
                .collect(),
            floor,
            segment,
            wall_index: wall.wall_index,
            bounds: wall.footprint(),
        }
    }

    /// What a path meeting the centreline at fraction `along` and height
    /// `z` meets: the wall, an opening's leaf, or nothing (an empty
    /// opening, or above or below the wall). The same rule as
    /// [`WallSegment::material_at`].
    #[inline]
    pub fn material_at(&self, along: Real, z: Real) -> Option<KeyedSlab> {
        if z < self.z.0 || z > self.z.1 {
            return None;
        }
        for opening in &self.openings {
            if along >= opening.along.0 && along <= opening.along.1 && z >= opening.z.0 && z <= opening.z.1 {
                return opening.leaf;
            }
        }
        Some(self.slab)
    }

    /// The corners of its footprint rectangle, counter-clockwise.
    pub fn corners(&self) -> [Point2; 4] {
        let side = self.normal * self.half;
        [self.a - side, self.b - side, self.b + side, self.a + side]
    }
}

/// The optics of one storey.
#[derive(Clone, Debug, PartialEq)]
pub struct FloorOptics {
    /// Its walls, as a range of [`SceneOptics::walls`].
    pub walls: Range<usize>,
    /// Its volume: from its floor level to the next storey's (or without
    /// limit for the top storey).
    pub volume: (Real, Real),
    /// Both faces of every wall, in wall order.
    pub faces: Vec<Face>,
    /// Floor and flat ceiling.
    pub planes: Planes,
    /// Vault facets.
    pub facets: Vec<Facet>,
    /// Its floor slab with the TM key (what a path between storeys crosses).
    pub slab: Option<KeyedSlab>,
    /// The vertical edges that diffract: free wall ends, door and window
    /// jambs, convex corners.
    pub edges: Vec<Edge>,
    /// The horizontal edges that diffract: lintels and sills of openings,
    /// tops and bottoms of walls that do not reach ceiling or floor.
    pub horizontal_edges: Vec<HorizontalEdge>,
}

/// The optics of the whole scene.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SceneOptics {
    /// Every wall segment of every storey, storey by storey.
    pub walls: Vec<WallOptics>,
    /// Per storey, in scene order.
    pub floors: Vec<FloorOptics>,
}

impl SceneOptics {
    /// Prepares the optics of `scene`, whose slab tables are built.
    pub fn build(scene: &Scene) -> SceneOptics {
        let tables = &scene.slab_tables;
        let tm = |slab: Slab| KeyedSlab { slab, key: tables.slab_key(slab, Polarization::Tm) };
        let mut walls = Vec::new();
        let mut floors = Vec::new();
        for (index, storey) in scene.floors.iter().enumerate() {
            let volume = (storey.elevation, scene.floors.get(index + 1).map_or(Real::INFINITY, |next| next.elevation));
            let start = walls.len();
            walls.extend(
                storey
                    .walls
                    .iter()
                    .enumerate()
                    .map(|(segment, wall)| WallOptics::new(wall, storey, (index, segment), volume, tables)),
            );
            let edges = edges(&walls[start..], start);
            let room = (storey.elevation, storey.elevation + storey.height);
            let horizontal_edges = horizontal_edges(&walls[start..], start, room, tables);
            floors.push(FloorOptics {
                walls: start..walls.len(),
                volume,
                faces: wall_faces(storey),
                planes: planes(scene, index),
                facets: vault_facets(scene, index),
                slab: storey.slab.map(tm),
                edges,
                horizontal_edges,
            });
        }
        SceneOptics { walls, floors }
    }

    /// The walls of storey `floor`.
    pub fn floor_walls(&self, floor: usize) -> &[WallOptics] {
        &self.walls[self.floors[floor].walls.clone()]
    }
}

/// What a diffracting edge is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// The free end of a wall.
    WallEnd,
    /// A side of a door, window or opening.
    Jamb,
    /// The outside of a corner where two walls meet.
    Corner,
    /// The top of an opening, under the wall that goes on above it
    /// (horizontal, [`HorizontalEdge`]).
    Lintel,
    /// The bottom of an opening, over the wall below it (horizontal).
    Sill,
    /// The top of a wall that stops under the ceiling (horizontal).
    WallTop,
    /// The bottom of a wall that stops over the floor (horizontal).
    WallBottom,
}

impl EdgeKind {
    /// Whether the edge is horizontal (an index into
    /// [`FloorOptics::horizontal_edges`], not [`FloorOptics::edges`]).
    pub fn is_horizontal(self) -> bool {
        matches!(self, EdgeKind::Lintel | EdgeKind::Sill | EdgeKind::WallTop | EdgeKind::WallBottom)
    }
}

/// A vertical edge that diffracts, idealised as the edge of thin screens
/// on the walls' centrelines (the walls of the external reference ray
/// tracer are single surfaces too): a free end or jamb is a half-plane
/// (exterior angle 2π, n = 2), a convex corner of two walls meeting at
/// angle α is a wedge with n = (2π − α)/π.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    /// Where it is on the plan.
    pub point: Point2,
    /// Its bottom and top, absolute z, m.
    pub z: (Real, Real),
    /// The wall (index into [`SceneOptics::walls`]) whose screen it ends.
    pub wall: u32,
    /// The other wall of a corner.
    pub other: Option<u32>,
    /// Unit direction of the 0-face's screen from the edge.
    pub face0: Vector2,
    /// `+1` when the exterior is swept counter-clockwise from the 0-face,
    /// `−1` clockwise.
    pub sense: Real,
    /// Exterior angle over π.
    pub n: Real,
    /// The screen's slab (TE key): its faces reflect, it transmits.
    pub slab: KeyedSlab,
    /// What fills the aperture beside the edge: a door or window leaf, or
    /// nothing (`None`: air, a free end or an empty opening).
    pub aperture: Option<KeyedSlab>,
    /// What it is.
    pub kind: EdgeKind,
}

impl Edge {
    /// The angle of direction `v` from the 0-face, measured across the
    /// exterior, in `[0, 2π)`; the direction is in the exterior when the
    /// angle is at most `nπ`.
    #[inline]
    pub fn angle(&self, v: Vector2) -> Real {
        let angle = (self.sense * self.face0.perp(&v)).atan2(self.face0.dot(&v));
        if angle < 0.0 {
            angle + 2.0 * std::f64::consts::PI
        } else {
            angle
        }
    }
}

/// A horizontal edge that diffracts, idealised like [`Edge`] as the edge
/// of a thin screen on the wall's centreline: the screen stands above it
/// (a lintel, the bottom of a wall hanging from the ceiling) or below it
/// (a sill, the top of a partial-height wall), in the wall's plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HorizontalEdge {
    /// One end, on the plan (on the wall's centreline).
    pub start: Point2,
    /// Its length from `start` along the wall's direction, m.
    pub length: Real,
    /// Its height, absolute z, m.
    pub z: Real,
    /// Whether the screen is above the edge (lintel, wall bottom).
    pub screen_above: bool,
    /// The wall (index into [`SceneOptics::walls`]) whose screen it bounds.
    pub wall: u32,
    /// The screen's slab with its TE key: what the direct field crosses
    /// beside the edge, as every wall crossing.
    pub slab: KeyedSlab,
    /// The screen's slab with its TM key: a field from a vertical antenna
    /// meeting the screen's faces near a horizontal edge lies in the
    /// plane of incidence (the vertical plane across the edge).
    pub slab_tm: KeyedSlab,
    /// What fills the aperture beside the edge (a leaf, or nothing).
    pub aperture: Option<KeyedSlab>,
    /// What it is.
    pub kind: EdgeKind,
}

/// Heights, m, closer than this are the same level (an opening's top at
/// the wall's top leaves no lintel).
const LEVEL_TOLERANCE: Real = 1e-3;

/// The horizontal diffracting edges of one storey's walls (`offset`: index
/// of the first in the scene's wall list; `room`: the storey's floor and
/// ceiling levels): lintels and sills of openings, and the tops and
/// bottoms of walls inside the room. Only edges strictly between floor and
/// ceiling can be reached by a path that stays in the storey.
fn horizontal_edges(
    walls: &[WallOptics],
    offset: usize,
    room: (Real, Real),
    tables: &SlabTables,
) -> Vec<HorizontalEdge> {
    let inside = |z: Real| z > room.0 + LEVEL_TOLERANCE && z < room.1 - LEVEL_TOLERANCE;
    let mut out = Vec::new();
    for (i, wall) in walls.iter().enumerate() {
        let tm = KeyedSlab { slab: wall.slab.slab, key: tables.slab_key(wall.slab.slab, Polarization::Tm) };
        let mut push = |(from, to): (Real, Real), z: Real, screen_above: bool, aperture, kind| {
            let (from, to) = (from.clamp(0.0, 1.0), to.clamp(0.0, 1.0));
            if to > from && inside(z) {
                out.push(HorizontalEdge {
                    start: wall.a + wall.along * (from * wall.length),
                    length: (to - from) * wall.length,
                    z,
                    screen_above,
                    wall: (offset + i) as u32,
                    slab: wall.slab,
                    slab_tm: tm,
                    aperture,
                    kind,
                });
            }
        };
        for opening in &wall.openings {
            if opening.z.1 < wall.z.1 - LEVEL_TOLERANCE {
                push(opening.along, opening.z.1, true, opening.leaf, EdgeKind::Lintel);
            }
            if opening.z.0 > wall.z.0 + LEVEL_TOLERANCE {
                push(opening.along, opening.z.0, false, opening.leaf, EdgeKind::Sill);
            }
        }
        push((0.0, 1.0), wall.z.1, false, None, EdgeKind::WallTop);
        push((0.0, 1.0), wall.z.0, true, None, EdgeKind::WallBottom);
    }
    out
}

/// Distance, m, within which wall ends meet.
const JOINT_TOLERANCE: Real = 1e-3;

/// The diffracting edges of one storey's walls (`offset`: index of the
/// first in the scene's wall list): free ends (no other wall there), jambs
/// of openings, and convex corners of two walls meeting at an end (T and
/// cross junctions, straight continuations and concave corners do not
/// diffract).
fn edges(walls: &[WallOptics], offset: usize) -> Vec<Edge> {
    let mut out = Vec::new();
    for (i, wall) in walls.iter().enumerate() {
        for (point, into_wall) in [(wall.a, wall.along), (wall.b, -wall.along)] {
            let mut touching = Vec::new();
            let mut through = false;
            for (j, other) in walls.iter().enumerate() {
                if j == i {
                    continue;
                }
                if (other.a - point).norm() <= JOINT_TOLERANCE {
                    touching.push((j, other.along));
                } else if (other.b - point).norm() <= JOINT_TOLERANCE {
                    touching.push((j, -other.along));
                } else if crate::geometry::point_segment_distance(point, other.a, other.b).0 <= JOINT_TOLERANCE {
                    through = true;
                }
            }
            if through {
                continue;
            }
            let z = wall.z;
            match touching.as_slice() {
                [] => out.push(Edge {
                    point,
                    z,
                    wall: (offset + i) as u32,
                    other: None,
                    face0: into_wall,
                    sense: 1.0,
                    n: 2.0,
                    slab: wall.slab,
                    aperture: None,
                    kind: EdgeKind::WallEnd,
                }),
                &[(j, along)] if i < j => {
                    // The counter-clockwise angle from this wall to the
                    // other: the exterior is the side wider than π.
                    let mut theta = into_wall.perp(&along).atan2(into_wall.dot(&along));
                    if theta < 0.0 {
                        theta += 2.0 * std::f64::consts::PI;
                    }
                    if (theta - std::f64::consts::PI).abs() < 1e-3 {
                        continue;
                    }
                    let (sense, exterior) = if theta > std::f64::consts::PI {
                        (1.0, theta)
                    } else {
                        (-1.0, 2.0 * std::f64::consts::PI - theta)
                    };
                    let other = &walls[j];
                    out.push(Edge {
                        point,
                        z: (z.0.max(other.z.0), z.1.min(other.z.1)),
                        wall: (offset + i) as u32,
                        other: Some((offset + j) as u32),
                        face0: into_wall,
                        sense,
                        n: exterior / std::f64::consts::PI,
                        slab: wall.slab,
                        aperture: None,
                        kind: EdgeKind::Corner,
                    });
                }
                _ => {}
            }
        }
        // Jambs: where an opening ends inside the segment, the wall goes on.
        for opening in &wall.openings {
            for (along, into_wall) in [(opening.along.0, -wall.along), (opening.along.1, wall.along)] {
                if along <= 1e-6 || along >= 1.0 - 1e-6 {
                    continue;
                }
                // Not a jamb if another opening continues the gap there.
                if wall.openings.iter().any(|o| o != opening && o.along.0 <= along + 1e-6 && o.along.1 >= along - 1e-6)
                {
                    continue;
                }
                let z = (opening.z.0.max(wall.z.0), opening.z.1.min(wall.z.1));
                if z.1 <= z.0 {
                    continue;
                }
                out.push(Edge {
                    point: wall.a + wall.along * (along * wall.length),
                    z,
                    wall: (offset + i) as u32,
                    other: None,
                    face0: into_wall,
                    sense: 1.0,
                    n: 2.0,
                    slab: wall.slab,
                    aperture: opening.leaf,
                    kind: EdgeKind::Jamb,
                });
            }
        }
    }
    out
}

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
    pub floor: Option<KeyedSlab>,
    /// Ceiling level, m.
    pub ceiling_z: Real,
    /// The flat ceiling's slab, if the storey has a flat ceiling.
    pub ceiling: Option<KeyedSlab>,
}

/// The slab above a storey: the next storey's floor slab, else the roof.
pub fn slab_above(scene: &Scene, floor: usize) -> Option<Slab> {
    match scene.floors.get(floor + 1) {
        Some(next) => next.slab,
        None => scene.floors[floor].roof,
    }
}

/// The TM-keyed slab (what floors, ceilings and vaults reflect with).
fn keyed_tm(scene: &Scene, slab: Slab) -> KeyedSlab {
    KeyedSlab { slab, key: scene.slab_tables.slab_key(slab, Polarization::Tm) }
}

/// Floor and flat-ceiling planes of storey `floor`.
pub fn planes(scene: &Scene, floor: usize) -> Planes {
    let storey = &scene.floors[floor];
    let ceiling = match storey.ceiling {
        Ceiling::Flat => slab_above(scene, floor),
        Ceiling::None | Ceiling::Vault { .. } => None,
    };
    Planes {
        floor_z: storey.elevation,
        floor: storey.slab.map(|slab| keyed_tm(scene, slab)),
        ceiling_z: storey.elevation + storey.height,
        ceiling: ceiling.map(|slab| keyed_tm(scene, slab)),
    }
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
    pub slab: KeyedSlab,
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
    let Some(slab) = slab_above(scene, floor).map(|slab| keyed_tm(scene, slab)) else { return Vec::new() };
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
            slab: KeyedSlab { slab: Slab { material: crate::materials::MaterialId(0), thickness: 0.3 }, key: None },
        };
        let hit = facet.hit(Point3::new(2.0, 2.0, 1.0), Point3::new(2.0, 2.0, 5.0));
        assert_eq!(hit, Some(Point3::new(2.0, 2.0, 3.0)));
        assert_eq!(facet.hit(Point3::new(12.0, 2.0, 1.0), Point3::new(12.0, 2.0, 5.0)), None);
        assert_eq!(facet.hit(Point3::new(2.0, 2.0, 1.0), Point3::new(2.0, 2.0, 2.0)), None);
    }
}
