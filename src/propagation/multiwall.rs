//! The multi-wall model: the direct path, with Friis free-space loss plus
//! the ITU-R P.2040-3 §3 slab transmission loss of everything it crosses.
//!
//! Each wall crossed costs `−20·log10|T|` of its slab at the real 3D angle
//! of incidence, TE polarisation (vertical antennas, vertical walls). A
//! wall is the prism of its full thickness and height: a path that goes in
//! one face and out the other crosses the whole thickness; one that clips a
//! wall's end or enters its top through the slab above is charged the
//! thickness it really crosses (length inside × cos θ). Each
//! floor slab crossed costs the same with TM polarisation (SPEC.md,
//! "Physics"). A door, window or empty opening replaces the wall where the
//! path passes through it, in plan and in height. This is the COST 231
//! multi-wall model (COST Action 231 final report, 1999, §4.7) with the
//! constant per-wall losses replaced by physics, so a 1.2 m stone wall is
//! far more opaque than a 0.2 m one.

use num_complex::Complex64;

use super::{free_space_loss, ApField, PropagationModel};
use crate::geometry::{Point2, Point3, Vector2, Vector3};
use crate::materials::{Polarization, MAX_LOSS_DB};
use crate::scene::{AccessPoint, Scene, Slab, WallSegment};
use crate::units::{Db, Dbm, Frequency, Real};

/// Thicknesses below this, m, are rounding error at a face, not material.
const GRAZE_TOLERANCE: Real = 1e-6;

/// The multi-wall model (no parameters: everything comes from the scene).
#[derive(Clone, Copy, Debug, Default)]
pub struct MultiWall;

/// One thing the direct path went through.
#[derive(Clone, Debug, PartialEq)]
pub struct Crossing {
    /// What it was: `wall 3 of rdc`, `slab of etage1`, …
    pub what: CrossingKind,
    /// The slab crossed.
    pub slab: Slab,
    /// Angle of incidence from the surface normal, degrees.
    pub incidence_deg: Real,
    /// Transmission loss, dB.
    pub loss: Db,
    /// Where, absolute.
    pub at: Point3,
}

/// What kind of obstacle a crossing is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CrossingKind {
    /// A wall (storey index, plan wall index), or a door/window leaf in it.
    Wall {
        /// Storey.
        floor: usize,
        /// Index of the wall in the plan's storey.
        wall: usize,
        /// `true` when the path went through an opening's leaf.
        opening: bool,
    },
    /// The floor slab under a storey.
    FloorSlab {
        /// Storey whose slab it is.
        floor: usize,
    },
}

/// Every loss on the direct path, for explanations and tests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PathBreakdown {
    /// 3D length of the path, m.
    pub distance: Real,
    /// Free-space loss.
    pub free_space: Db,
    /// Everything crossed, in order from the AP.
    pub crossings: Vec<Crossing>,
}

impl PathBreakdown {
    /// Total path loss.
    pub fn total_loss(&self) -> Db {
        self.crossings.iter().fold(self.free_space, |acc, c| acc + c.loss)
    }
}

impl PropagationModel for MultiWall {
    fn name(&self) -> &'static str {
        "multiwall"
    }

    fn field<'a>(&'a self, scene: &'a Scene, ap: &'a AccessPoint, _floor: usize) -> Box<dyn ApField + 'a> {
        Box::new(MultiWallField { scene, ap })
    }
}

struct MultiWallField<'a> {
    scene: &'a Scene,
    ap: &'a AccessPoint,
}

impl ApField for MultiWallField<'_> {
    #[inline]
    fn received_power(&self, receiver: Point3) -> Dbm {
        Dbm(self.ap.eirp_dbm()) - direct_path_loss(self.scene, self.ap, receiver)
    }
}

/// Loss of the direct path: Friis plus every crossing's slab loss.
#[inline]
pub fn direct_path_loss(scene: &Scene, ap: &AccessPoint, receiver: Point3) -> Db {
    let mut loss = free_space_loss((receiver - ap.position).norm(), ap.frequency);
    for_each_crossing(scene, ap.frequency, ap.position, receiver, |_, _, _, t| loss += loss_of(t));
    loss
}

/// `−20·log10|T|`, clamped to [`MAX_LOSS_DB`] for an opaque slab.
#[inline]
pub fn loss_of(transmission: Complex64) -> Db {
    let magnitude = transmission.norm();
    Db(if magnitude > 0.0 { (-20.0 * magnitude.log10()).min(MAX_LOSS_DB) } else { MAX_LOSS_DB })
}

impl MultiWall {
    /// The full breakdown of the direct path (slower: it records every
    /// crossing).
    pub fn breakdown(&self, scene: &Scene, ap: &AccessPoint, receiver: Point3) -> PathBreakdown {
        let distance = (receiver - ap.position).norm();
        let mut crossings = Vec::new();
        for_each_crossing(scene, ap.frequency, ap.position, receiver, |what, slab, (at, cos), t| {
            let incidence_deg = cos.clamp(0.0, 1.0).acos().to_degrees();
            crossings.push(Crossing { what, slab, incidence_deg, loss: loss_of(t), at });
        });
        PathBreakdown { distance, free_space: free_space_loss(distance, ap.frequency), crossings }
    }
}

/// Calls `visit(kind, slab, (point, cos_incidence), T)` for every wall,
/// opening leaf and floor slab on the straight path `from → to`.
///
/// PERF: the hot loop of `multiwall`; no allocation. Walls are looked up
/// per storey through its BVH, on the part of the path inside that storey.
#[inline]
pub fn for_each_crossing(
    scene: &Scene,
    frequency: Frequency,
    from: Point3,
    to: Point3,
    mut visit: impl FnMut(CrossingKind, Slab, (Point3, Real), Complex64),
) {
    let delta = to - from;
    let length = delta.norm();
    if length <= 0.0 {
        return;
    }
    let direction = delta / length;
    let floors = &scene.floors;
    for (index, floor) in floors.iter().enumerate() {
        // The storey's volume runs from its floor level to the next
        // storey's floor level (or without limit for the top storey).
        let bottom = floor.elevation;
        let top = floors.get(index + 1).map_or(Real::INFINITY, |next| next.elevation);
        let Some((t0, t1)) = clip_to_z_range(from.z, delta.z, bottom, top) else { continue };
        let a = (from + delta * t0).xy();
        let b = (from + delta * t1).xy();
        if (b - a).norm_squared() <= 0.0 {
            continue;
        }
        floor.wall_bvh.for_each_on_segment(a, b, |wall_index| {
            let wall = &floor.walls[wall_index];
            let Some(inside) = clip_to_wall(wall, from, delta, (t0, t1)) else { return };
            let normal = wall_normal(wall.a, wall.b);
            let cos = (direction.x * normal.x + direction.y * normal.y).abs();
            let middle = 0.5 * (inside.0 + inside.1);
            let at = from + delta * middle;
            let along = (at.xy() - wall.a).dot(&(wall.b - wall.a)) / (wall.b - wall.a).norm_squared();
            let Some(mut slab) = wall.material_at(along, at.z) else { return };
            // The thickness the path really goes through: the whole wall
            // when it enters one face and leaves the other (length inside
            // × cos θ = thickness), less where it clips an end or the top.
            let full = slab == wall.slab;
            if full {
                let crossed = length * (inside.1 - inside.0) * cos;
                // A leg that starts or ends on a face (a reflection point)
                // grazes the prism by rounding error only.
                if crossed < GRAZE_TOLERANCE {
                    return;
                }
                // Within a micrometre of the whole thickness is the whole
                // wall (and hits the tabulated slab).
                if crossed < slab.thickness - GRAZE_TOLERANCE {
                    slab.thickness = crossed;
                }
            }
            let t = transmission(scene, slab, frequency, cos, Polarization::Te);
            visit(CrossingKind::Wall { floor: index, wall: wall.wall_index, opening: !full }, slab, (at, cos), t);
        });
    }
    // Floor slabs: the boundary between storey k−1 and k is storey k's slab,
    // whose top is at storey k's elevation.
    for (index, floor) in floors.iter().enumerate().skip(1) {
        let Some(slab) = floor.slab else { continue };
        let level = floor.elevation - slab.thickness / 2.0;
        let (low, high) = if from.z <= to.z { (from.z, to.z) } else { (to.z, from.z) };
        if !(low < level && level < high) {
            continue;
        }
        let t = (level - from.z) / delta.z;
        let at = from + delta * t;
        if !floor.covers(at.xy()) {
            continue;
        }
        let cos = direction.z.abs();
        let t = transmission(scene, slab, frequency, cos, Polarization::Tm);
        visit(CrossingKind::FloorSlab { floor: index }, slab, (at, cos), t);
    }
}

/// The parameter interval `[t0, t1] ⊂ [0, 1]` where `z0 + t·dz` lies in
/// `[bottom, top)`.
fn clip_to_z_range(z0: Real, dz: Real, bottom: Real, top: Real) -> Option<(Real, Real)> {
    if dz == 0.0 {
        return (z0 >= bottom && z0 < top).then_some((0.0, 1.0));
    }
    let ta = (bottom - z0) / dz;
    let tb = (top - z0) / dz;
    let (lo, hi) = if ta <= tb { (ta, tb) } else { (tb, ta) };
    let (t0, t1) = (lo.max(0.0), hi.min(1.0));
    (t0 < t1).then_some((t0, t1))
}

/// The parameter interval of the path `from + t·delta`, `t ∈ range`, that
/// lies inside the wall's prism (its footprint of full thickness, between
/// its bottom and top), if any. Each of the three local coordinates (along
/// the wall, across it, height) is linear in `t`, so the prism clips the
/// interval one slab at a time (Kay & Kajiya's slab test again).
#[inline]
fn clip_to_wall(wall: &WallSegment, from: Point3, delta: Vector3, range: (Real, Real)) -> Option<(Real, Real)> {
    let axis = wall.b - wall.a;
    let length = axis.norm();
    let along = axis / length;
    let across = Vector2::new(-along.y, along.x);
    let offset = from.xy() - wall.a;
    let half = wall.slab.thickness / 2.0;
    let limits = [
        (offset.dot(&along), delta.x * along.x + delta.y * along.y, 0.0, length),
        (offset.dot(&across), delta.x * across.x + delta.y * across.y, -half, half),
        (from.z, delta.z, wall.z.0, wall.z.1),
    ];
    let (mut t0, mut t1) = range;
    for (start, rate, low, high) in limits {
        if rate.abs() < 1e-12 {
            if start < low || start > high {
                return None;
            }
            continue;
        }
        let (ta, tb) = ((low - start) / rate, (high - start) / rate);
        let (near, far) = if ta <= tb { (ta, tb) } else { (tb, ta) };
        t0 = t0.max(near);
        t1 = t1.min(far);
        if t0 >= t1 {
            return None;
        }
    }
    Some((t0, t1))
}

/// Unit normal of a wall on the plan.
#[inline]
pub fn wall_normal(a: Point2, b: Point2) -> Vector2 {
    let d = b - a;
    Vector2::new(-d.y, d.x) / d.norm()
}

/// Transmission coefficient of a slab at an incidence cosine.
#[inline]
fn transmission(scene: &Scene, slab: Slab, frequency: Frequency, cos: Real, polarization: Polarization) -> Complex64 {
    scene.slab_response(slab, frequency, cos, polarization).transmission
}
