//! What a straight leg of a path goes through, found exactly and fast.
//!
//! Every model needs the same question answered many times: which walls,
//! door and window leaves and floor slabs does the straight 3D segment
//! `from → to` cross, at which angle and through how much material? This
//! module answers it for one wall ([`cross_wall`]), for the floor slabs
//! ([`for_each_slab`]), and gives the filter that lets a grid of receivers
//! skip the walls a leg cannot reach ([`Shadow`]).
//!
//! A wall is a prism: its footprint rectangle (full thickness, centred on
//! the centreline) between its bottom and top. A leg that goes in one face
//! and out the other crosses the whole thickness; one that clips an end or
//! enters through the top is charged the thickness it really crosses
//! (length inside × cos θ). Where the leg meets the centreline inside a
//! door, window or opening, it crosses that leaf instead (or nothing).

use num_complex::Complex64;

use crate::geometry::{pseudo_angle, Point2, Point3, Vector2, Vector3};
use crate::materials::slab_tables::FrequencyKey;
use crate::materials::{Polarization, Slab, SlabResponse};
use crate::scene::optics::{KeyedSlab, WallOptics};
use crate::scene::{AccessPoint, Scene};
use crate::units::{Frequency, Real};

/// Thicknesses below this, m, are rounding error at a face, not material.
pub const GRAZE_TOLERANCE: Real = 1e-6;

/// Slack, m, of the [`Shadow`] filter: it must never drop a wall that the
/// exact test would find crossed.
const SHADOW_SLACK: Real = 1e-7;

/// The smallest power transmission factor of one crossing, so that an
/// opaque slab costs [`crate::materials::MAX_LOSS_DB`] and no more, whatever the model.
pub const MIN_TRANSMISSION_POWER: Real = 1e-30;

/// A straight leg of a path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Leg {
    /// Start.
    pub from: Point3,
    /// `to − from`.
    pub delta: Vector3,
    /// Length, m.
    pub length: Real,
    /// Unit direction.
    pub direction: Vector3,
}

impl Leg {
    /// The leg `from → to`.
    #[inline]
    pub fn new(from: Point3, to: Point3) -> Leg {
        let delta = to - from;
        let length = delta.norm();
        let direction = if length > 0.0 { delta / length } else { Vector3::zeros() };
        Leg { from, delta, length, direction }
    }

    /// The end point.
    #[inline]
    pub fn to(&self) -> Point3 {
        self.from + self.delta
    }
}

/// One crossing of a wall (or its leaf) by a leg.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WallCrossing {
    /// What was crossed: the wall's slab, a leaf, or the wall clipped to
    /// the thickness really crossed (then without a table key).
    pub slab: KeyedSlab,
    /// Cosine of the angle of incidence (3D direction against the wall's
    /// normal).
    pub cos: Real,
    /// The middle of the part of the leg inside the wall.
    pub at: Point3,
    /// Whether the crossing was through a door, window or opening leaf.
    pub opening: bool,
}

/// Where `leg` crosses `wall`, if it does.
#[inline]
pub fn cross_wall(wall: &WallOptics, leg: &Leg) -> Option<WallCrossing> {
    // A leg with no horizontal extent crosses no wall.
    if leg.delta.x == 0.0 && leg.delta.y == 0.0 {
        return None;
    }
    let (t0, t1) = clip_to_prism(wall, leg)?;
    let cos = (leg.direction.x * wall.normal.x + leg.direction.y * wall.normal.y).abs();
    let middle = 0.5 * (t0 + t1);
    let at = leg.from + leg.delta * middle;
    let along = (at.xy() - wall.a).dot(&wall.along) / wall.length;
    let mut slab = wall.material_at(along, at.z)?;
    let full = slab.slab == wall.slab.slab;
    if full {
        let crossed = leg.length * (t1 - t0) * cos;
        // A leg that starts or ends on a face (a reflection point) grazes
        // the prism by rounding error only.
        if crossed < GRAZE_TOLERANCE {
            return None;
        }
        // Within a micrometre of the whole thickness is the whole wall
        // (and hits the tabulated slab).
        if crossed < slab.slab.thickness - GRAZE_TOLERANCE {
            slab = KeyedSlab { slab: Slab { thickness: crossed, ..slab.slab }, key: None };
        }
    }
    Some(WallCrossing { slab, cos, at, opening: !full })
}

/// The parameter interval of `leg` (within `[0, 1]`) inside the wall's
/// prism, if any. Each of the three local coordinates (along the wall,
/// across it, height) is linear in the parameter, so the prism clips the
/// interval one slab at a time (Kay & Kajiya's slab test).
#[inline]
fn clip_to_prism(wall: &WallOptics, leg: &Leg) -> Option<(Real, Real)> {
    let offset = leg.from.xy() - wall.a;
    let limits = [
        (offset.dot(&wall.along), leg.delta.x * wall.along.x + leg.delta.y * wall.along.y, 0.0, wall.length),
        (offset.dot(&wall.normal), leg.delta.x * wall.normal.x + leg.delta.y * wall.normal.y, -wall.half, wall.half),
        (leg.from.z, leg.delta.z, wall.crossable.0, wall.crossable.1),
    ];
    let (mut t0, mut t1): (Real, Real) = (0.0, 1.0);
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

/// One floor slab crossed by a leg.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlabCrossing {
    /// The storey whose floor slab it is.
    pub floor: usize,
    /// The slab (TM key).
    pub slab: KeyedSlab,
    /// Cosine of the angle of incidence.
    pub cos: Real,
    /// Where, at the slab's mid-plane.
    pub at: Point3,
}

/// Calls `visit` for every floor slab `leg` crosses: the boundary between
/// storey `k − 1` and `k` is storey `k`'s slab, whose top is at storey
/// `k`'s elevation; it exists where the storey's footprint covers.
#[inline]
pub fn for_each_slab(scene: &Scene, leg: &Leg, mut visit: impl FnMut(SlabCrossing)) {
    let (from, to) = (leg.from, leg.to());
    let (low, high) = if from.z <= to.z { (from.z, to.z) } else { (to.z, from.z) };
    for (index, floor) in scene.floors.iter().enumerate().skip(1) {
        let Some(slab) = scene.optics.floors[index].slab else { continue };
        let level = floor.elevation - slab.slab.thickness / 2.0;
        if !(low < level && level < high) {
            continue;
        }
        let at = from + leg.delta * ((level - from.z) / leg.delta.z);
        if !floor.covers(at.xy()) {
            continue;
        }
        visit(SlabCrossing { floor: index, slab, cos: leg.direction.z.abs(), at });
    }
}

/// The slab coefficients at one AP's frequency: tabulated where the scene
/// registered the slab and the frequency, exact otherwise.
#[derive(Clone, Copy)]
pub struct SlabLookup<'a> {
    scene: &'a Scene,
    frequency: Frequency,
    key: Option<FrequencyKey>,
}

impl<'a> SlabLookup<'a> {
    /// Lookups at `frequency`.
    pub fn new(scene: &'a Scene, frequency: Frequency) -> Self {
        SlabLookup { scene, frequency, key: scene.slab_tables.frequency_key(frequency) }
    }

    /// Lookups at the AP's frequency.
    pub fn for_ap(scene: &'a Scene, ap: &AccessPoint) -> Self {
        Self::new(scene, ap.frequency)
    }

    /// The frequency.
    pub fn frequency(&self) -> Frequency {
        self.frequency
    }

    /// Complex `R` and `T`.
    #[inline]
    pub fn response(&self, slab: &KeyedSlab, cos: Real, polarization: Polarization) -> SlabResponse {
        match (slab.key, self.key) {
            (Some(slab), Some(frequency)) => self.scene.slab_tables.lookup(slab, frequency, cos),
            _ => self.scene.materials.get(slab.slab.material).slab(
                self.frequency,
                slab.slab.thickness,
                cos,
                polarization,
            ),
        }
    }

    /// `(|R|², |T|²)`.
    #[inline]
    pub fn power(&self, slab: &KeyedSlab, cos: Real, polarization: Polarization) -> (Real, Real) {
        match (slab.key, self.key) {
            (Some(slab), Some(frequency)) => self.scene.slab_tables.lookup_power(slab, frequency, cos),
            _ => {
                let r = self.response(slab, cos, polarization);
                (r.reflection.norm_sqr(), r.transmission.norm_sqr())
            }
        }
    }

    /// An upper bound of `|T|²` over every angle: the table's maximum, or
    /// 1 for a slab without a table.
    #[inline]
    pub fn max_transmission_power(&self, slab: &KeyedSlab) -> Real {
        match (slab.key, self.key) {
            (Some(slab), Some(frequency)) => self.scene.slab_tables.max_transmission_power(slab, frequency),
            _ => 1.0,
        }
    }

    /// An upper bound of `|T|²` at any incidence cosine up to `cos`.
    #[inline]
    pub fn max_transmission_power_to(&self, slab: &KeyedSlab, cos: Real) -> Real {
        match (slab.key, self.key) {
            (Some(slab), Some(frequency)) => self.scene.slab_tables.max_transmission_power_to(slab, frequency, cos),
            _ => 1.0,
        }
    }

    /// An upper bound of `|R|²` at any incidence cosine from `cos` up to
    /// normal incidence.
    #[inline]
    pub fn max_reflection_power_from(&self, slab: &KeyedSlab, cos: Real) -> Real {
        match (slab.key, self.key) {
            (Some(slab), Some(frequency)) => self.scene.slab_tables.max_reflection_power_from(slab, frequency, cos),
            _ => 1.0,
        }
    }

    /// [`SlabLookup::max_reflection_power_from`] at every sample of the
    /// cosine ([`crate::materials::slab_tables::sample_below`]), or `None`
    /// for a slab without a table (bound 1).
    #[inline]
    pub fn max_reflection_powers(&self, slab: &KeyedSlab) -> Option<&'a [Real]> {
        match (slab.key, self.key) {
            (Some(slab), Some(frequency)) => Some(self.scene.slab_tables.max_reflection_powers(slab, frequency)),
            _ => None,
        }
    }

    /// An upper bound of `|T|²` of a path between its storey's floor and
    /// ceiling that crosses `wall`'s whole thickness in plan, at any height
    /// and angle: through the wall, a leaf or a hole (1), or above or below
    /// a wall that does not fill its storey (1).
    pub fn max_wall_transmission_power(&self, wall: &WallOptics) -> Real {
        if !wall.full_height {
            return 1.0;
        }
        let mut bound = self.max_transmission_power(&wall.slab);
        for opening in &wall.openings {
            bound = bound.max(opening.leaf.map_or(1.0, |leaf| self.max_transmission_power(&leaf)));
        }
        bound.clamp(MIN_TRANSMISSION_POWER, 1.0)
    }

    /// `|T|²` of a crossing, at least [`MIN_TRANSMISSION_POWER`].
    #[inline]
    pub fn transmission_power(&self, slab: &KeyedSlab, cos: Real, polarization: Polarization) -> Real {
        self.power(slab, cos, polarization).1.max(MIN_TRANSMISSION_POWER)
    }

    /// Complex `T` of a crossing.
    #[inline]
    pub fn transmission(&self, slab: &KeyedSlab, cos: Real, polarization: Polarization) -> Complex64 {
        self.response(slab, cos, polarization).transmission
    }
}

/// The region of the plan where a leg starting at `source` can cross one
/// wall: beyond the wall's near face, inside the cone from `source` that
/// spans its footprint. Stored as three half-planes `a·x + b·y + c ≥ 0`
/// (unit normals, so the slack is in metres); a source inside the
/// footprint gets a filter that passes everything.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shadow {
    /// The half-planes `(a, b, c)`.
    planes: [[Real; 3]; 3],
}

impl Shadow {
    /// A filter that passes every point.
    pub const EVERYWHERE: Shadow = Shadow { planes: [[0.0, 0.0, 1.0]; 3] };

    /// The shadow of `wall` seen from `source`.
    pub fn of(wall: &WallOptics, source: Point2) -> Shadow {
        let offset = source - wall.a;
        let across = offset.dot(&wall.normal);
        let along = offset.dot(&wall.along);
        let corners = wall.corners();
        let beside = across.abs() <= wall.half;
        if beside && (0.0..=wall.length).contains(&along) {
            return Shadow::EVERYWHERE;
        }
        // The cone: the corners seen at the smallest and largest angle
        // about the direction to the footprint's centre (the footprint is
        // convex and the source outside it, so the cone is under π).
        // Each corner's angle is found once, as a pseudo-angle (ordered as
        // the angle, without an arctangent).
        let centre = Point2::from((wall.a.coords + wall.b.coords) / 2.0) - source;
        let angle = |q: Point2| {
            let d = q - source;
            pseudo_angle(centre.perp(&d), centre.dot(&d))
        };
        let first = (corners[0], angle(corners[0]));
        let (mut low, mut high) = (first, first);
        for &q in &corners[1..] {
            let turn = (q, angle(q));
            if turn.1 < low.1 {
                low = turn;
            }
            if turn.1 > high.1 {
                high = turn;
            }
        }
        let (low, high) = (low.0, high.0);
        let (d_low, d_high) = ((low - source).normalize(), (high - source).normalize());
        // Left of the low side: cross(d_low, p − s) ≥ 0.
        let left_of_low = [-d_low.y, d_low.x, d_low.y * source.x - d_low.x * source.y];
        // Right of the high side: cross(p − s, d_high) ≥ 0.
        let right_of_high = [d_high.y, -d_high.x, -d_high.y * source.x + d_high.x * source.y];
        // Beyond the near face (or the near end cap, for a source in line
        // with the wall).
        let (normal, point): (Vector2, Point2) = if beside {
            if along < 0.0 {
                (wall.along, wall.a)
            } else {
                (-wall.along, wall.b)
            }
        } else {
            let side = across.signum();
            (-wall.normal * side, wall.a + wall.normal * (wall.half * side))
        };
        let beyond = [normal.x, normal.y, -normal.dot(&point.coords)];
        Shadow { planes: [left_of_low, right_of_high, beyond] }
    }

    /// The region where a straight leg from `source` certainly goes through
    /// the wall's whole footprint (in one face and out the other, away
    /// from its ends): beyond the far face, inside the cones from `source`
    /// through both faces. Shrunk by a margin, so that rounding never puts
    /// a receiver in it that the exact test would not find crossing. `None`
    /// for a source in line with the wall.
    pub fn certain(wall: &WallOptics, source: Point2) -> Option<[[Real; 3]; 3]> {
        const MARGIN: Real = 1e-6;
        let across = (source - wall.a).dot(&wall.normal);
        if across.abs() <= wall.half + MARGIN {
            return None;
        }
        let near = wall.normal * (wall.half * across.signum());
        // Each side of the certain cone is the inner one of the near and
        // far faces' cone sides: the one that turns least from the middle.
        let middle = Point2::from((wall.a.coords + wall.b.coords) / 2.0) - source;
        let turn = |p: Point2| middle.perp(&(p - source)).atan2(middle.dot(&(p - source)));
        let (n0, n1, f0, f1) = (wall.a + near, wall.b + near, wall.a - near, wall.b - near);
        let ordered = |p: Point2, q: Point2| if turn(p) <= turn(q) { (p, q) } else { (q, p) };
        let ((low_n, high_n), (low_f, high_f)) = (ordered(n0, n1), ordered(f0, f1));
        let low = if turn(low_n) >= turn(low_f) { low_n } else { low_f };
        let high = if turn(high_n) <= turn(high_f) { high_n } else { high_f };
        if turn(low) >= turn(high) {
            return None;
        }
        let (d_low, d_high) = ((low - source).normalize(), (high - source).normalize());
        let left_of_low = [-d_low.y, d_low.x, d_low.y * source.x - d_low.x * source.y - MARGIN];
        let right_of_high = [d_high.y, -d_high.x, -d_high.y * source.x + d_high.x * source.y - MARGIN];
        let away = -wall.normal * across.signum();
        let far_point = wall.a - near;
        let beyond = [away.x, away.y, -away.dot(&far_point.coords) - MARGIN];
        Some([left_of_low, right_of_high, beyond])
    }

    /// Whether `p` may be in the shadow (with the slack).
    #[inline]
    pub fn contains(&self, p: Point2) -> bool {
        self.planes.iter().all(|[a, b, c]| a * p.x + b * p.y + c >= -SHADOW_SLACK)
    }

    /// The interval of `x` on the horizontal line `y` that may be in the
    /// shadow (empty when `low > high`).
    #[inline]
    pub fn row_interval(&self, y: Real) -> (Real, Real) {
        row_interval(&self.planes, y)
    }
}

/// The interval of `x` on the line `y` where every half-plane
/// `a·x + b·y + c ≥ −slack` holds.
#[inline]
pub fn row_interval(planes: &[[Real; 3]], y: Real) -> (Real, Real) {
    let (mut low, mut high) = (Real::NEG_INFINITY, Real::INFINITY);
    for &[a, b, c] in planes {
        let rest = b * y + c + SHADOW_SLACK;
        if a > 0.0 {
            low = low.max(-rest / a);
        } else if a < 0.0 {
            high = high.min(-rest / a);
        } else if rest < 0.0 {
            return (Real::INFINITY, Real::NEG_INFINITY);
        }
    }
    (low, high)
}

/// The interval of `x` on the line `y` where every half-plane
/// `a·x + b·y + c ≥ 0` holds, without slack (for regions that must not
/// grow: what is certain).
#[inline]
pub fn row_interval_strict(planes: &[[Real; 3]], y: Real) -> (Real, Real) {
    let (mut low, mut high) = (Real::NEG_INFINITY, Real::INFINITY);
    for &[a, b, c] in planes {
        let rest = b * y + c;
        if a > 0.0 {
            low = low.max(-rest / a);
        } else if a < 0.0 {
            high = high.min(-rest / a);
        } else if rest < 0.0 {
            return (Real::INFINITY, Real::NEG_INFINITY);
        }
    }
    (low, high)
}

/// The first and one-past-last index of the sorted `xs` within
/// `[low, high]`.
#[inline]
pub fn index_range(xs: &[Real], (low, high): (Real, Real)) -> (usize, usize) {
    if low.is_nan() || high.is_nan() || low > high {
        return (0, 0);
    }
    let start = first_index(xs, |x| x < low, low);
    let end = first_index(xs, |x| x <= high, high);
    (start, end.max(start))
}

/// `xs.partition_point(before)` for sorted, nearly evenly spaced `xs`
/// (a grid row): a guess from the spacing, corrected by stepping, so the
/// same index as the binary search in a few comparisons.
#[inline]
fn first_index(xs: &[Real], before: impl Fn(Real) -> bool, value: Real) -> usize {
    let n = xs.len();
    if n < 2 {
        return xs.partition_point(|&x| before(x));
    }
    let step = (xs[n - 1] - xs[0]) / (n - 1) as Real;
    // `ceil(t)` as `t + 1` truncated (one more step where `t` is whole):
    // a float-to-integer cast saturates (and takes NaN to 0), where
    // `ceil` is a call to libm on a baseline x86-64 target.
    let mut i = if step > 0.0 { (((value - xs[0]) / step + 1.0) as usize).min(n) } else { 0 };
    while i > 0 && !before(xs[i - 1]) {
        i -= 1;
    }
    while i < n && before(xs[i]) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_intervals_of_half_planes() {
        // x ≥ 1 and x + y ≤ 5: on y = 1, x ∈ [1, 4].
        let planes = [[1.0, 0.0, -1.0], [-1.0, -1.0, 5.0]];
        let (low, high) = row_interval(&planes, 1.0);
        assert!((low - 1.0).abs() < 1e-6 && (high - 4.0).abs() < 1e-6, "{low} {high}");
        let xs: Vec<Real> = (0..10).map(|i| i as Real + 0.5).collect();
        assert_eq!(index_range(&xs, (low, high)), (1, 4));
        // y ≥ 2 alone: nothing on y = 1.
        let (low, high) = row_interval(&[[0.0, 1.0, -2.0]], 1.0);
        assert!(low > high);
        assert_eq!(index_range(&xs, (low, high)), (0, 0));
    }
}
