//! Plan geometry shared by every importer: wall segments, affine maps,
//! clean-up (zero-length walls, collinear pieces) and the merging of
//! doubled wall outlines into centreline walls.

use crate::floorplan::PlanPoint;

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
    // Repeat until nothing merges: merging can make a segment reach another.
    loop {
        let mut merged_any = false;
        let mut i = 0;
        while i < walls.len() {
            let mut j = i + 1;
            while j < walls.len() {
                if let Some(merged) = merge_collinear(&walls[i], &walls[j]) {
                    walls[i] = merged;
                    walls.swap_remove(j);
                    merged_any = true;
                } else {
                    j += 1;
                }
            }
            i += 1;
        }
        if !merged_any {
            break;
        }
    }
    walls.retain(|w| w.length() >= min_length.max(1e-6));
    walls
}

/// The union of two collinear, touching segments of the same kind.
fn merge_collinear(s: &WallSegment, t: &WallSegment) -> Option<WallSegment> {
    const TOLERANCE: f64 = 0.01;
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
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
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
    single.into_iter().filter(|line| !merged.iter().any(|w| on_faces(line.a, w) && on_faces(line.b, w))).collect()
}

/// Moves wall ends that stop at the face of a crossing wall (a wall drawn
/// by its outlines ends there, half a thickness short of the junction) or
/// run through it (a wall found in an image ends at its neighbour's outer
/// face) to that wall's centreline. An end moves by at most half the other
/// wall's thickness plus 2 cm along its own direction, and only onto a
/// wall at more than 10° to it.
pub fn snap_ends(mut walls: Vec<WallSegment>) -> Vec<WallSegment> {
    for i in 0..walls.len() {
        for end in 0..2 {
            let (tip, base) = if end == 0 { (walls[i].a, walls[i].b) } else { (walls[i].b, walls[i].a) };
            let len = distance(tip, base);
            if len == 0.0 {
                continue;
            }
            let u = [(tip[0] - base[0]) / len, (tip[1] - base[1]) / len];
            let mut best: Option<(f64, PlanPoint)> = None;
            for (j, other) in walls.iter().enumerate() {
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
                let slack = walls[i].thickness / 2.0 / other.length();
                let reach = other.thickness / 2.0 + 0.02;
                let fits = s.abs() > 1e-9 && s.abs() <= reach && s > -len / 2.0;
                if fits && r >= -slack && r <= 1.0 + slack && best.is_none_or(|(b, _)| s.abs() < b) {
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
        let snapped = snap_ends(walls);
        assert_eq!(snapped[1].a, [5.0, 0.0]);
        assert_eq!(snapped[1].b, [5.0, 4.0]);
        assert_eq!(snapped[0].a, [0.0, 0.0]);
    }

    #[test]
    fn affine_composition_applies_inner_first() {
        let m = Affine::translate(10.0, 0.0).then_inner(&Affine::scale(2.0, 2.0));
        assert_eq!(m.apply([1.0, 1.0]), [12.0, 2.0]);
        let r = Affine::rotate_degrees(90.0).apply([1.0, 0.0]);
        assert!(r[0].abs() < 1e-12 && (r[1] - 1.0).abs() < 1e-12);
    }
}
