//! Plan geometry shared by every importer: wall segments, affine maps,
//! clean-up (zero-length walls, collinear pieces) and the merging of
//! doubled wall outlines into centreline walls.
//!
//! Every pairwise step looks for partners through a [`Bvh`] over the
//! walls' boxes grown by the step's reach, so a drawing of n lines costs
//! about n log n box tests, not n² pair tests (a 10,000-line DXF imports
//! in well under a second: `cargo bench --bench import`).

use crate::floorplan::PlanPoint;
use crate::geometry::bvh::Bvh;
use crate::geometry::{Aabb2, Point2};

/// A 2D affine map `(x, y) → (a·x + c·y + e, b·x + d·y + f)`, as in SVG's
/// `matrix(a b c d e f)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Affine(pub [f64; 6]);

impl Affine {
    /// The identity map.
    pub const IDENTITY: Affine = Affine([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// A translation.
    pub fn translate(x: f64, y: f64) -> Affine {
        Affine([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// A scaling about the origin.
    pub fn scale(sx: f64, sy: f64) -> Affine {
        Affine([sx, 0.0, 0.0, sy, 0.0, 0.0])
    }

    /// A counter-clockwise rotation about the origin, in degrees.
    pub fn rotate_degrees(angle: f64) -> Affine {
        let (s, c) = angle.to_radians().sin_cos();
        Affine([c, s, -s, c, 0.0, 0.0])
    }

    /// `self ∘ inner`: applies `inner` first, then `self`.
    pub fn then_inner(&self, inner: &Affine) -> Affine {
        let [a1, b1, c1, d1, e1, f1] = self.0;
        let [a2, b2, c2, d2, e2, f2] = inner.0;
        Affine([
            a1 * a2 + c1 * b2,
            b1 * a2 + d1 * b2,
            a1 * c2 + c1 * d2,
            b1 * c2 + d1 * d2,
            a1 * e2 + c1 * f2 + e1,
            b1 * e2 + d1 * f2 + f1,
        ])
    }

    /// The image of a point.
    pub fn apply(&self, p: PlanPoint) -> PlanPoint {
        let [a, b, c, d, e, f] = self.0;
        [a * p[0] + c * p[1] + e, b * p[0] + d * p[1] + f]
    }

    /// How the map scales lengths on average: √|det| (exact for similarity
    /// maps, the geometric mean otherwise). Used for stroke widths.
    pub fn length_scale(&self) -> f64 {
        let [a, b, c, d, _, _] = self.0;
        (a * d - b * c).abs().sqrt()
    }
}

/// One straight piece of wall on the plan, metres.
#[derive(Clone, Debug, PartialEq)]
pub struct WallSegment {
    /// Start of the centreline.
    pub a: PlanPoint,
    /// End of the centreline.
    pub b: PlanPoint,
    /// Full thickness, m.
    pub thickness: f64,
    /// Material name.
    pub material: String,
}

impl WallSegment {
    /// Centreline length, m.
    pub fn length(&self) -> f64 {
        distance(self.a, self.b)
    }
}

/// Thinnest wall the importers write, m (thinner strokes are hairlines).
pub const MIN_THICKNESS: f64 = 0.01;

/// How far past a face a vector wall end may be snapped, m.
pub const SNAP_SLACK: f64 = 0.02;

/// Distance between two points.
pub fn distance(p: PlanPoint, q: PlanPoint) -> f64 {
    (q[0] - p[0]).hypot(q[1] - p[1])
}

/// The parameter of the projection of `p` on the line `a → b` (0 at `a`,
/// 1 at `b`), not clamped.
pub fn project(a: PlanPoint, b: PlanPoint, p: PlanPoint) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return 0.0;
    }
    ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2
}

/// The point at parameter `t` on `a → b`.
pub fn lerp(a: PlanPoint, b: PlanPoint, t: f64) -> PlanPoint {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

/// Distance from `p` to the segment `a–b`.
pub fn point_segment_distance(p: PlanPoint, a: PlanPoint, b: PlanPoint) -> f64 {
    distance(p, lerp(a, b, project(a, b, p).clamp(0.0, 1.0)))
}

/// Signed distance from `p` to the infinite line through `a`, `b`.
fn line_offset(a: PlanPoint, b: PlanPoint, p: PlanPoint) -> f64 {
    let len = distance(a, b);
    if len == 0.0 {
        return distance(a, p);
    }
    ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])) / len
}

/// Whether two segments are parallel within `max_angle` radians.
fn parallel(s: &WallSegment, t: &WallSegment, max_angle: f64) -> bool {
    let (u, v) = ([s.b[0] - s.a[0], s.b[1] - s.a[1]], [t.b[0] - t.a[0], t.b[1] - t.a[1]]);
    let cross = (u[0] * v[1] - u[1] * v[0]).abs();
    cross <= max_angle.sin() * s.length() * t.length()
}

/// The box of a wall's centreline grown by `margin`, m.
fn wall_box(wall: &WallSegment, margin: f64) -> Aabb2 {
    Aabb2::from_points(Point2::new(wall.a[0], wall.a[1]), Point2::new(wall.b[0], wall.b[1])).inflated(margin)
}

/// Where the pairwise steps look for partners: a BVH over the walls'
/// boxes grown by a margin. (Unit tests can switch it to every wall, the
/// brute-force reference the index must agree with.)
enum Partners {
    Index(Bvh),
    #[cfg(test)]
    Every(usize),
}

#[cfg(test)]
thread_local! {
    /// Tests: look at every wall instead of the index.
    static BRUTE_FORCE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Partners {
    /// An index over `walls`' boxes grown by `margin`.
    fn new(walls: &[WallSegment], margin: f64) -> Partners {
        #[cfg(test)]
        if BRUTE_FORCE.with(std::cell::Cell::get) {
            return Partners::Every(walls.len());
        }
        Partners::Index(Bvh::build(&walls.iter().map(|w| wall_box(w, margin)).collect::<Vec<_>>()))
    }

    /// The walls whose grown boxes overlap `query`, in index order (so
    /// results do not depend on the tree's layout).
    fn near(&self, query: &Aabb2, out: &mut Vec<usize>) {
        out.clear();
        match self {
            Partners::Index(bvh) => {
                bvh.for_each_overlapping(query, |j| out.push(j));
                out.sort_unstable();
            }
            #[cfg(test)]
            Partners::Every(n) => out.extend(0..*n),
        }
    }
}

/// Drops walls shorter than `min_length` (and non-finite ones), clamps
/// thicknesses to at least [`MIN_THICKNESS`], and merges collinear pieces
/// of the same material and thickness that touch or overlap (a wall drawn
/// as several strokes, a polyline with intermediate vertices).
pub fn clean(walls: Vec<WallSegment>, min_length: f64) -> Vec<WallSegment> {
    let mut walls: Vec<WallSegment> = walls
        .into_iter()
        .filter(|w| w.a.iter().chain(w.b.iter()).all(|v| v.is_finite()) && w.length() > 1e-6)
        .map(|mut w| {
            w.thickness = if w.thickness.is_finite() { w.thickness.max(MIN_THICKNESS) } else { MIN_THICKNESS };
            w
        })
        .collect();
    let mut alive = vec![true; walls.len()];
    let mut candidates = Vec::new();
    // Rounds until nothing merges: a merged wall is longer than its box in
    // the round's index, so a partner it reaches only now waits a round.
    loop {
        let partners = Partners::new(&walls, COLLINEAR_TOLERANCE);
        let mut merged_any = false;
        for i in 0..walls.len() {
            // Grow wall i as far as it goes, querying again after each
            // merge (its box grew).
            while alive[i] {
                partners.near(&wall_box(&walls[i], COLLINEAR_TOLERANCE), &mut candidates);
                let mut merged = false;
                for &j in &candidates {
                    if j == i || !alive[j] {
                        continue;
                    }
                    if let Some(union) = merge_collinear(&walls[i], &walls[j]) {
                        walls[i] = union;
                        alive[j] = false;
                        merged = true;
                    }
                }
                if !merged {
                    break;
                }
                merged_any = true;
            }
        }
        if !merged_any {
            break;
        }
    }
    walls
        .into_iter()
        .zip(alive)
        .filter(|(w, alive)| *alive && w.length() >= min_length.max(1e-6))
        .map(|(w, _)| w)
        .collect()
}

/// How far apart collinear pieces may be to merge, and off each other's
/// line, m.
const COLLINEAR_TOLERANCE: f64 = 0.01;

/// The union of two collinear, touching segments of the same kind.
fn merge_collinear(s: &WallSegment, t: &WallSegment) -> Option<WallSegment> {
    const TOLERANCE: f64 = COLLINEAR_TOLERANCE;
    if s.material != t.material || (s.thickness - t.thickness).abs() > 0.005 {
        return None;
    }
    if !parallel(s, t, 0.5_f64.to_radians()) {
        return None;
    }
    if line_offset(s.a, s.b, t.a).abs() > TOLERANCE || line_offset(s.a, s.b, t.b).abs() > TOLERANCE {
        return None;
    }
    let len = s.length();
    let (ta, tb) = (project(s.a, s.b, t.a), project(s.a, s.b, t.b));
    let (lo, hi) = (ta.min(tb), ta.max(tb));
    if lo > 1.0 + TOLERANCE / len || hi < -TOLERANCE / len {
        return None;
    }
    let (start, end) = (lo.min(0.0), hi.max(1.0));
    Some(WallSegment { a: lerp(s.a, s.b, start), b: lerp(s.a, s.b, end), ..s.clone() })
}

/// Merges doubled wall outlines: two parallel lines at a distance
/// `d ≤ max_thickness` that overlap along at least half of the shorter one,
/// and along more than `d` (two door jambs are not a wall), become one
/// centreline wall of thickness `d`, running over the mean of their
/// extents. Pairs are taken closest first, so a wall's two faces pair up
/// before a face pairs with the wall across a narrow room. Returns the
/// merged walls and the lines left unpaired. The merged wall keeps the
/// first line's material.
pub fn merge_doubled(lines: Vec<WallSegment>, max_thickness: f64) -> (Vec<WallSegment>, Vec<WallSegment>) {
    let mut candidates = Vec::new();
    // Both boxes grown by the widest gap: generous for lines within 2° of
    // each other, whose gap is measured at one line's middle.
    let index = Partners::new(&lines, max_thickness);
    let mut partners = Vec::new();
    for i in 0..lines.len() {
        index.near(&wall_box(&lines[i], max_thickness), &mut partners);
        for &j in partners.iter().filter(|&&j| j > i) {
            let (s, t) = (&lines[i], &lines[j]);
            if !parallel(s, t, 2.0_f64.to_radians()) {
                continue;
            }
            let mid = lerp(t.a, t.b, 0.5);
            let d = line_offset(s.a, s.b, mid).abs();
            if d < 0.02 || d > max_thickness {
                continue;
            }
            let (ta, tb) = (project(s.a, s.b, t.a), project(s.a, s.b, t.b));
            let overlap = (ta.max(tb).min(1.0) - ta.min(tb).max(0.0)) * s.length();
            if overlap >= 0.5 * s.length().min(t.length()) && overlap > d {
                candidates.push((d, i, j));
            }
        }
    }
    candidates.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut used = vec![false; lines.len()];
    let mut out = Vec::new();
    for (d, i, j) in candidates {
        if used[i] || used[j] {
            continue;
        }
        used[i] = true;
        used[j] = true;
        let (s, t) = (&lines[i], &lines[j]);
        let (ta, tb) = (project(s.a, s.b, t.a), project(s.a, s.b, t.b));
        let start = (ta.min(tb) + 0.0) / 2.0;
        let end = (ta.max(tb) + 1.0) / 2.0;
        // The centreline: s shifted halfway towards t.
        let mid_t = lerp(t.a, t.b, 0.5);
        let foot = lerp(s.a, s.b, project(s.a, s.b, mid_t));
        let shift = [(mid_t[0] - foot[0]) / 2.0, (mid_t[1] - foot[1]) / 2.0];
        let a = lerp(s.a, s.b, start);
        let b = lerp(s.a, s.b, end);
        out.push(WallSegment {
            a: [a[0] + shift[0], a[1] + shift[1]],
            b: [b[0] + shift[0], b[1] + shift[1]],
            thickness: d,
            material: s.material.clone(),
        });
    }
    let single = lines.into_iter().zip(used).filter(|(_, u)| !u).map(|(l, _)| l).collect();
    (out, single)
}

/// Drops the lines that close a merged wall: end caps and door or window
/// jambs, both of whose ends lie on the wall's faces (within 1 cm).
pub fn drop_caps(merged: &[WallSegment], single: Vec<WallSegment>) -> Vec<WallSegment> {
    let on_faces = |p: PlanPoint, wall: &WallSegment| {
        let t = project(wall.a, wall.b, p);
        let slack = wall.thickness / wall.length();
        (-slack..=1.0 + slack).contains(&t) && point_segment_distance(p, wall.a, wall.b) <= wall.thickness / 2.0 + 0.01
    };
    // A point on a wall's faces or caps lies within its thickness (+1 cm)
    // of its centreline's box.
    let thickest = merged.iter().map(|w| w.thickness).fold(0.0, f64::max);
    let partners = Partners::new(merged, thickest + 0.01);
    let mut candidates = Vec::new();
    single
        .into_iter()
        .filter(|line| {
            let end = Point2::new(line.a[0], line.a[1]);
            partners.near(&Aabb2::from_points(end, end), &mut candidates);
            !candidates.iter().any(|&j| on_faces(line.a, &merged[j]) && on_faces(line.b, &merged[j]))
        })
        .collect()
}

/// Moves wall ends that stop at the face of a crossing wall (a wall drawn
/// by its outlines ends there, half a thickness short of the junction) or
/// run through it (a wall found in an image ends at its neighbour's outer
/// face) to that wall's centreline. An end moves by at most half the other
/// wall's thickness plus `slack` (m) along its own direction, and only onto
/// a wall at more than 10° to it.
pub fn snap_ends(mut walls: Vec<WallSegment>, slack: f64) -> Vec<WallSegment> {
    // An end moves onto a wall at most `thickest / 2 + slack` away, and
    // walls already snapped may have moved their ends as far: boxes grown
    // by that much hold every candidate, before and after the moves.
    let thickest = walls.iter().map(|w| w.thickness).fold(0.0, f64::max);
    let reach_max = thickest / 2.0 + slack;
    let partners = Partners::new(&walls, reach_max);
    let mut candidates = Vec::new();
    for i in 0..walls.len() {
        for end in 0..2 {
            let (tip, base) = if end == 0 { (walls[i].a, walls[i].b) } else { (walls[i].b, walls[i].a) };
            let len = distance(tip, base);
            if len == 0.0 {
                continue;
            }
            let u = [(tip[0] - base[0]) / len, (tip[1] - base[1]) / len];
            let mut best: Option<(f64, PlanPoint)> = None;
            let around_tip = Aabb2::from_points(Point2::new(tip[0], tip[1]), Point2::new(tip[0], tip[1]))
                .inflated(reach_max + walls[i].thickness / 2.0);
            partners.near(&around_tip, &mut candidates);
            for &j in &candidates {
                let other = &walls[j];
                if j == i || parallel(&walls[i], other, 10f64.to_radians()) {
                    continue;
                }
                // Solve tip + s·u = other.a + r·(other.b − other.a).
                let v = [other.b[0] - other.a[0], other.b[1] - other.a[1]];
                let denom = u[0] * v[1] - u[1] * v[0];
                if denom.abs() < 1e-12 {
                    continue;
                }
                let w = [other.a[0] - tip[0], other.a[1] - tip[1]];
                let s = (w[0] * v[1] - w[1] * v[0]) / denom;
                let r = (w[0] * u[1] - w[1] * u[0]) / denom;
                let beyond = walls[i].thickness / 2.0 / other.length();
                let reach = other.thickness / 2.0 + slack;
                let fits = s.abs() > 1e-9 && s.abs() <= reach && s > -len / 2.0;
                if fits && r >= -beyond && r <= 1.0 + beyond && best.is_none_or(|(b, _)| s.abs() < b) {
                    best = Some((s.abs(), [tip[0] + s * u[0], tip[1] + s * u[1]]));
                }
            }
            if let Some((_, point)) = best {
                if end == 0 {
                    walls[i].a = point;
                } else {
                    walls[i].b = point;
                }
            }
        }
    }
    walls
}

/// The wall nearest to `p` and its distance.
pub fn nearest_wall(walls: &[WallSegment], p: PlanPoint) -> Option<(usize, f64)> {
    walls.iter().enumerate().map(|(i, w)| (i, point_segment_distance(p, w.a, w.b))).min_by(|x, y| x.1.total_cmp(&y.1))
}

/// Rounds to the millimetre, so written plans read cleanly.
pub fn round_mm(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The walls' bounding box, m: `([min x, min y], [max x, max y])`.
pub fn bounds(walls: &[WallSegment]) -> Option<(PlanPoint, PlanPoint)> {
    let mut points = walls.iter().flat_map(|w| [w.a, w.b]);
    let first = points.next()?;
    Some(
        points.fold((first, first), |(lo, hi), p| {
            ([lo[0].min(p[0]), lo[1].min(p[1])], [hi[0].max(p[0]), hi[1].max(p[1])])
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(a: PlanPoint, b: PlanPoint, thickness: f64) -> WallSegment {
        WallSegment { a, b, thickness, material: "concrete".into() }
    }

    #[test]
    fn collinear_pieces_merge_and_tiny_walls_go() {
        let walls = vec![
            seg([0.0, 0.0], [2.0, 0.0], 0.2),
            seg([2.0, 0.0], [5.0, 0.0], 0.2),
            seg([4.0, 0.0], [6.0, 0.0], 0.2),
            seg([6.0, 1.0], [6.0, 1.0], 0.2),
            seg([0.0, 3.0], [0.0, 3.001], 0.2),
        ];
        let cleaned = clean(walls, 0.05);
        assert_eq!(cleaned.len(), 1, "{cleaned:?}");
        assert!((cleaned[0].length() - 6.0).abs() < 1e-9);
    }

    #[test]
    fn doubled_outline_becomes_a_centreline() {
        let lines = vec![seg([0.0, 0.0], [10.0, 0.0], 0.2), seg([0.2, 0.4], [9.8, 0.4], 0.2)];
        let (merged, single) = merge_doubled(lines, 1.5);
        assert_eq!((merged.len(), single.len()), (1, 0));
        let w = &merged[0];
        assert!((w.thickness - 0.4).abs() < 1e-9);
        assert!((w.a[1] - 0.2).abs() < 1e-9 && (w.b[1] - 0.2).abs() < 1e-9);
        assert!((w.a[0] - 0.1).abs() < 1e-9 && (w.b[0] - 9.9).abs() < 1e-9);
    }

    #[test]
    fn a_wall_with_a_door_gap_keeps_its_gap_and_loses_its_jambs() {
        let lines = vec![
            seg([0.0, 0.0], [4.0, 0.0], 0.2),
            seg([0.0, 0.3], [4.0, 0.3], 0.2),
            seg([5.0, 0.0], [9.0, 0.0], 0.2),
            seg([5.0, 0.3], [9.0, 0.3], 0.2),
            seg([4.0, 0.0], [4.0, 0.3], 0.2),
            seg([5.0, 0.0], [5.0, 0.3], 0.2),
        ];
        let (merged, single) = merge_doubled(lines, 1.5);
        assert_eq!(merged.len(), 2, "{merged:?}");
        assert!(merged.iter().all(|w| (w.thickness - 0.3).abs() < 1e-9));
        assert_eq!(single.len(), 2);
        assert!(drop_caps(&merged, single).is_empty());
    }

    #[test]
    fn ends_at_a_face_snap_to_the_centreline() {
        let walls = vec![seg([0.0, 0.0], [10.0, 0.0], 0.3), seg([5.0, 0.15], [5.0, 4.0], 0.1)];
        let snapped = snap_ends(walls, SNAP_SLACK);
        assert_eq!(snapped[1].a, [5.0, 0.0]);
        assert_eq!(snapped[1].b, [5.0, 4.0]);
        assert_eq!(snapped[0].a, [0.0, 0.0]);
    }

    /// Runs `f` with the brute-force partner search (every wall).
    fn brute<T>(f: impl FnOnce() -> T) -> T {
        BRUTE_FORCE.with(|b| b.set(true));
        let result = f();
        BRUTE_FORCE.with(|b| b.set(false));
        result
    }

    /// Random wall lines on a 0.1 m lattice, mostly axis-aligned (with
    /// doubled outlines, collinear pieces and crossings), some diagonal.
    fn lines() -> impl proptest::strategy::Strategy<Value = Vec<WallSegment>> {
        use proptest::prelude::*;
        let line = (0..200i32, 0..200i32, 1..80i32, 0..3u8, 0..4u8).prop_map(|(x, y, len, dir, t)| {
            let (x, y, len) = (x as f64 / 10.0, y as f64 / 10.0, len as f64 / 10.0);
            let b = match dir {
                0 => [x + len, y],
                1 => [x, y + len],
                _ => [x + len, y + len],
            };
            seg([x, y], b, [0.1, 0.2, 0.3, 1.2][t as usize])
        });
        proptest::collection::vec(line, 0..120)
    }

    proptest::proptest! {
        #[test]
        fn the_index_finds_what_every_pair_finds(lines in lines()) {
            let key = |w: &WallSegment| format!("{:.6?}", (w.a, w.b, w.thickness));
            let sorted = |walls: &[WallSegment]| {
                let mut keys: Vec<String> = walls.iter().map(key).collect();
                keys.sort();
                keys
            };
            // Collinear merging: the same walls (order may differ).
            let cleaned = clean(lines.clone(), 0.05);
            proptest::prop_assert_eq!(sorted(&cleaned), sorted(&brute(|| clean(lines.clone(), 0.05))));
            // Pairing, caps and snapping: exactly the same, in order.
            let (merged, single) = merge_doubled(cleaned.clone(), 1.5);
            let reference = brute(|| merge_doubled(cleaned.clone(), 1.5));
            proptest::prop_assert_eq!(&(merged.clone(), single.clone()), &reference);
            let kept = drop_caps(&merged, single.clone());
            proptest::prop_assert_eq!(&kept, &brute(|| drop_caps(&merged, single.clone())));
            let snapped = snap_ends(cleaned.clone(), SNAP_SLACK);
            proptest::prop_assert_eq!(&snapped, &brute(|| snap_ends(cleaned.clone(), SNAP_SLACK)));
        }
    }

    #[test]
    fn affine_composition_applies_inner_first() {
        let m = Affine::translate(10.0, 0.0).then_inner(&Affine::scale(2.0, 2.0));
        assert_eq!(m.apply([1.0, 1.0]), [12.0, 2.0]);
        let r = Affine::rotate_degrees(90.0).apply([1.0, 0.0]);
        assert!(r[0].abs() < 1e-12 && (r[1] - 1.0).abs() < 1e-12);
    }
}
