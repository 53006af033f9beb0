//! Plane geometry for a 2.5D building: walls are vertical prisms standing on
//! 2D segments, floors and ceilings are horizontal slabs. Most queries are
//! 2D segment tests on the plan plus a height check; paths are 3D.
//!
//! This module knows nothing about radio.

pub mod bvh;

use nalgebra as na;

use crate::units::Real;

/// A point on the plan, metres.
pub type Point2 = na::Point2<Real>;
/// A direction or offset on the plan.
pub type Vector2 = na::Vector2<Real>;
/// A point in the building, metres (z up).
pub type Point3 = na::Point3<Real>;
/// A direction in the building.
pub type Vector3 = na::Vector3<Real>;

/// Tolerance for "on the line" decisions, metres.
pub const EPSILON: Real = 1e-9;

/// An axis-aligned box on the plan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Aabb2 {
    /// Lower-left corner.
    pub min: Point2,
    /// Upper-right corner.
    pub max: Point2,
}

impl Aabb2 {
    /// The empty box (the identity of [`Aabb2::union`]).
    pub const EMPTY: Aabb2 = Aabb2 {
        min: Point2::new(Real::INFINITY, Real::INFINITY),
        max: Point2::new(Real::NEG_INFINITY, Real::NEG_INFINITY),
    };

    /// The box of two points.
    pub fn from_points(a: Point2, b: Point2) -> Self {
        Aabb2 { min: a.inf(&b), max: a.sup(&b) }
    }

    /// Whether no point was added.
    pub fn is_empty(&self) -> bool {
        self.min.x > self.max.x || self.min.y > self.max.y
    }

    /// The smallest box containing both.
    pub fn union(&self, other: &Aabb2) -> Aabb2 {
        Aabb2 { min: self.min.inf(&other.min), max: self.max.sup(&other.max) }
    }

    /// The box grown to contain `p`.
    pub fn including(&self, p: Point2) -> Aabb2 {
        Aabb2 { min: self.min.inf(&p), max: self.max.sup(&p) }
    }

    /// The box grown by `margin` on every side.
    pub fn inflated(&self, margin: Real) -> Aabb2 {
        let m = Vector2::new(margin, margin);
        Aabb2 { min: self.min - m, max: self.max + m }
    }

    /// Width and height.
    pub fn extent(&self) -> Vector2 {
        self.max - self.min
    }

    /// Centre point.
    pub fn centre(&self) -> Point2 {
        na::center(&self.min, &self.max)
    }

    /// Whether the two boxes share a point (boundaries included).
    pub fn overlaps(&self, other: &Aabb2) -> bool {
        self.min.x <= other.max.x && other.min.x <= self.max.x && self.min.y <= other.max.y && other.min.y <= self.max.y
    }

    /// Whether `p` is inside or on the boundary.
    pub fn contains(&self, p: Point2) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }

    /// Whether the segment `origin + t·direction`, `t ∈ [0, 1]`, touches the
    /// box. `inverse_direction` is `1/direction` per axis (±∞ for 0),
    /// computed once per query (the slab test of Kay & Kajiya, 1986).
    #[inline]
    pub fn hit_by_segment(&self, origin: Point2, inverse_direction: Vector2) -> bool {
        let mut t_min: Real = 0.0;
        let mut t_max: Real = 1.0;
        for axis in 0..2 {
            let inv = inverse_direction[axis];
            let t0 = (self.min[axis] - origin[axis]) * inv;
            let t1 = (self.max[axis] - origin[axis]) * inv;
            // NaN (0·∞ on a ray lying in a slab plane) compares false and
            // keeps the interval unchanged, which errs on the side of a hit.
            let (near, far) = if t0 <= t1 { (t0, t1) } else { (t1, t0) };
            if near > t_min {
                t_min = near;
            }
            if far < t_max {
                t_max = far;
            }
            if t_min > t_max {
                return false;
            }
        }
        true
    }
}

/// Where two segments `p0→p1` and `q0→q1` cross, as `(t, u)`: the point is
/// `p0 + t·(p1 − p0) = q0 + u·(q1 − q0)` with `t, u ∈ [0, 1]`. Parallel
/// segments never cross (a path grazing along a wall does not go through it).
#[inline]
pub fn segment_intersection(p0: Point2, p1: Point2, q0: Point2, q1: Point2) -> Option<(Real, Real)> {
    let r = p1 - p0;
    let s = q1 - q0;
    let denominator = r.perp(&s);
    if denominator.abs() <= EPSILON * r.norm() * s.norm() {
        return None;
    }
    let qp = q0 - p0;
    let t = qp.perp(&s) / denominator;
    let u = qp.perp(&r) / denominator;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u)).then_some((t, u))
}

/// A number in `(−2, 2]` that orders directions `(x, y)` as their angle
/// `atan2(y, x)` in `(−π, π]` does (it is monotone in it) without the
/// arctangent: `1 − x/(|x| + |y|)`, signed as `y`. Cones and shadows
/// only compare angles, and the arctangent was most of the cost of
/// building them.
pub fn pseudo_angle(y: Real, x: Real) -> Real {
    let sum = x.abs() + y.abs();
    if sum == 0.0 {
        return 0.0;
    }
    let turn = 1.0 - x / sum;
    if y < 0.0 {
        -turn
    } else {
        turn
    }
}

/// Distance from `p` to the segment `a→b`, and the parameter of the
/// closest point along it.
pub fn point_segment_distance(p: Point2, a: Point2, b: Point2) -> (Real, Real) {
    let ab = b - a;
    let length_sq = ab.norm_squared();
    let u = if length_sq <= 0.0 { 0.0 } else { ((p - a).dot(&ab) / length_sq).clamp(0.0, 1.0) };
    ((p - (a + ab * u)).norm(), u)
}

/// Even–odd point-in-polygon test (closing point optional).
pub fn point_in_polygon(p: Point2, polygon: &[Point2]) -> bool {
    let n = polygon.len();
    if n < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (polygon[i], polygon[j]);
        if (a.y > p.y) != (b.y > p.y) {
            let x_cross = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
            if p.x < x_cross {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// Signed area (positive when counter-clockwise).
pub fn polygon_signed_area(polygon: &[Point2]) -> Real {
    let n = polygon.len();
    (0..n)
        .map(|i| {
            let (a, b) = (polygon[i], polygon[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum::<Real>()
        / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn pseudo_angles_order_directions_as_their_angles_do() {
        let angles: Vec<f64> = (-179..=180).map(|d| (d as f64).to_radians()).collect();
        let pseudo: Vec<f64> = angles.iter().map(|a| pseudo_angle(a.sin(), a.cos())).collect();
        assert!(pseudo.windows(2).all(|w| w[0] < w[1]), "not increasing");
        assert!((pseudo_angle(0.0, 1.0)).abs() < 1e-15);
        assert!((pseudo_angle(1.0, 0.0) - 1.0).abs() < 1e-15);
        assert!((pseudo_angle(0.0, -1.0) - 2.0).abs() < 1e-15);
    }

    #[test]
    fn crossing_segments() {
        let hit = segment_intersection(
            Point2::new(0.0, 0.0),
            Point2::new(2.0, 0.0),
            Point2::new(1.0, -1.0),
            Point2::new(1.0, 1.0),
        );
        let (t, u) = hit.expect("segments cross");
        assert_relative_eq!(t, 0.5);
        assert_relative_eq!(u, 0.5);
    }

    #[test]
    fn parallel_and_disjoint_segments_do_not_cross() {
        let a = Point2::new(0.0, 0.0);
        let b = Point2::new(1.0, 0.0);
        assert!(segment_intersection(a, b, Point2::new(0.0, 1.0), Point2::new(1.0, 1.0)).is_none());
        assert!(segment_intersection(a, b, Point2::new(2.0, -1.0), Point2::new(2.0, 1.0)).is_none());
    }

    #[test]
    fn box_segment_slab_test() {
        let aabb = Aabb2::from_points(Point2::new(1.0, 1.0), Point2::new(2.0, 2.0));
        let inv = |d: Vector2| Vector2::new(1.0 / d.x, 1.0 / d.y);
        assert!(aabb.hit_by_segment(Point2::new(0.0, 0.0), inv(Vector2::new(3.0, 3.0))));
        assert!(!aabb.hit_by_segment(Point2::new(0.0, 0.0), inv(Vector2::new(0.5, 0.5))));
        assert!(aabb.hit_by_segment(Point2::new(1.5, 0.0), inv(Vector2::new(0.0, 3.0))));
        assert!(!aabb.hit_by_segment(Point2::new(3.0, 0.0), inv(Vector2::new(0.0, 3.0))));
    }

    #[test]
    fn polygon_helpers() {
        let square = [Point2::new(0.0, 0.0), Point2::new(2.0, 0.0), Point2::new(2.0, 2.0), Point2::new(0.0, 2.0)];
        assert!(point_in_polygon(Point2::new(1.0, 1.0), &square));
        assert!(!point_in_polygon(Point2::new(3.0, 1.0), &square));
        assert_relative_eq!(polygon_signed_area(&square), 4.0);
        assert_relative_eq!(point_segment_distance(Point2::new(1.0, 1.0), square[0], square[1]).0, 1.0);
    }
}
