//! The image tree of one source over a storey's wall faces, pruned by
//! visibility wedges (2D beam tracing).
//!
//! A node is a virtual source: the source mirrored across a sequence of
//! faces. Its receivers can only lie in the wedge from the image through
//! its aperture (the part of its last face that the parent's wedge
//! reaches), beyond that face. A child is made only for faces that meet
//! this wedge and have the image in front of them, so the tree holds the
//! face sequences that can carry a path to some receiver, and no others
//! (walls are transmissive, so nothing else is culled here; whether a path
//! is valid for a given receiver is decided exactly by [`super::trace`]).
//! Each face sequence appears at most once, so no path is counted twice.

use super::faces::Face;
use crate::geometry::{Point2, Vector2};
use crate::units::Real;

/// Marks the root (the real source), which has no face and no parent.
pub const NONE: u32 = u32::MAX;

/// Cap on the nodes of one tree. A storey with 60 faces at order 3 needs a
/// few thousand; the cap only guards against pathological plans (it is
/// reported in the model parameters when hit).
pub const MAX_NODES: usize = 400_000;

/// Tolerance, m, for "in front of a face".
const FRONT_EPSILON: Real = 1e-9;

/// One virtual source.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImageNode {
    /// Position of the image on the plan.
    pub image: Point2,
    /// The face it was mirrored across last, or [`NONE`] for the root.
    pub face: u32,
    /// Parent node, or [`NONE`] for the root.
    pub parent: u32,
    /// Number of reflections.
    pub depth: u8,
    /// The part of `face` through which receivers see this image.
    pub aperture: (Point2, Point2),
}

/// The tree, nodes in breadth-first order; node 0 is the real source.
#[derive(Clone, Debug, Default)]
pub struct ImageTree {
    /// All nodes.
    pub nodes: Vec<ImageNode>,
    /// The tree was cut at [`MAX_NODES`].
    pub truncated: bool,
}

/// Builds the image tree of `source` over `faces` up to `max_depth`
/// reflections.
pub fn build(source: Point2, faces: &[Face], max_depth: u8) -> ImageTree {
    let root = ImageNode { image: source, face: NONE, parent: NONE, depth: 0, aperture: (source, source) };
    let mut tree = ImageTree { nodes: vec![root], truncated: false };
    let mut level_start = 0;
    for depth in 1..=max_depth {
        let level_end = tree.nodes.len();
        for parent_index in level_start..level_end {
            let parent = tree.nodes[parent_index];
            for (face_index, face) in faces.iter().enumerate() {
                if face_index as u32 == parent.face || face.height_above(parent.image) <= FRONT_EPSILON {
                    continue;
                }
                let aperture = if parent.face == NONE {
                    Some((face.p0, face.p1))
                } else {
                    clip_to_wedge(face.p0, face.p1, parent.image, parent.aperture, faces[parent.face as usize].normal)
                };
                let Some(aperture) = aperture else { continue };
                if tree.nodes.len() >= MAX_NODES {
                    tree.truncated = true;
                    return tree;
                }
                tree.nodes.push(ImageNode {
                    image: face.mirror(parent.image),
                    face: face_index as u32,
                    parent: parent_index as u32,
                    depth,
                    aperture,
                });
            }
        }
        level_start = level_end;
    }
    tree
}

/// Clips the segment `p0 → p1` to the wedge seen from `image` through
/// `aperture`, beyond the aperture's line (on the side of `normal`).
/// Returns the clipped sub-segment, or `None` if nothing is left.
fn clip_to_wedge(
    p0: Point2,
    p1: Point2,
    image: Point2,
    aperture: (Point2, Point2),
    normal: Vector2,
) -> Option<(Point2, Point2)> {
    let (a, b) = aperture;
    let edge_a = a - image;
    let edge_b = b - image;
    // Orient the two cone sides so that the inside is positive.
    let sign_a = edge_a.perp(&(b - image)).signum();
    let sign_b = edge_b.perp(&(a - image)).signum();
    let half_planes: [(Vector2, Real); 3] = [
        // beyond the aperture line: (x − a)·n ≥ 0
        (normal, -a.coords.dot(&normal)),
        // inside the cone side through a: sign_a · (edge_a × (x − image)) ≥ 0
        (Vector2::new(-edge_a.y, edge_a.x) * sign_a, -sign_a * edge_a.perp(&image.coords)),
        (Vector2::new(-edge_b.y, edge_b.x) * sign_b, -sign_b * edge_b.perp(&image.coords)),
    ];
    let (mut u0, mut u1): (Real, Real) = (0.0, 1.0);
    let direction = p1 - p0;
    for (g, offset) in half_planes {
        // f(u) = g·(p0 + u·d) + offset ≥ 0
        let f0 = g.dot(&p0.coords) + offset;
        let slope = g.dot(&direction);
        if slope.abs() < 1e-15 {
            if f0 < 0.0 {
                return None;
            }
            continue;
        }
        let root = -f0 / slope;
        if slope > 0.0 {
            u0 = u0.max(root);
        } else {
            u1 = u1.min(root);
        }
        if u0 > u1 {
            return None;
        }
    }
    // A sliver thinner than a micrometre carries no path of any weight.
    ((u1 - u0) * direction.norm() > 1e-6).then(|| (p0 + direction * u0, p0 + direction * u1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(p0: (f64, f64), p1: (f64, f64), normal: (f64, f64)) -> Face {
        Face {
            p0: Point2::new(p0.0, p0.1),
            p1: Point2::new(p1.0, p1.1),
            normal: Vector2::new(normal.0, normal.1),
            wall: 0,
            side: 1,
        }
    }

    #[test]
    fn wedge_clipping() {
        // Image at (0, -2) behind a mirror y = 0 spanning x ∈ [−1, 1]; the
        // wedge beyond it widens by 0.5 per metre of height.
        let image = Point2::new(0.0, -2.0);
        let aperture = (Point2::new(-1.0, 0.0), Point2::new(1.0, 0.0));
        let up = Vector2::new(0.0, 1.0);
        // A segment at y = 2 from x = −10 to 10 is clipped to x ∈ [−2, 2].
        let clipped = clip_to_wedge(Point2::new(-10.0, 2.0), Point2::new(10.0, 2.0), image, aperture, up).unwrap();
        assert!((clipped.0.x + 2.0).abs() < 1e-12 && (clipped.1.x - 2.0).abs() < 1e-12, "{clipped:?}");
        // Behind the aperture: nothing.
        assert!(clip_to_wedge(Point2::new(-10.0, -1.0), Point2::new(10.0, -1.0), image, aperture, up).is_none());
        // Outside the cone: nothing.
        assert!(clip_to_wedge(Point2::new(5.0, 1.0), Point2::new(9.0, 1.0), image, aperture, up).is_none());
    }

    #[test]
    fn a_box_room_has_the_expected_images() {
        // Inner faces of a 10 × 6 room, normals pointing in.
        let faces = [
            face((0.0, 0.0), (10.0, 0.0), (0.0, 1.0)),
            face((10.0, 0.0), (10.0, 6.0), (-1.0, 0.0)),
            face((10.0, 6.0), (0.0, 6.0), (0.0, -1.0)),
            face((0.0, 6.0), (0.0, 0.0), (1.0, 0.0)),
        ];
        let tree = build(Point2::new(3.0, 2.0), &faces, 1);
        assert_eq!(tree.nodes.len(), 5);
        assert_eq!(tree.nodes[1].image, Point2::new(3.0, -2.0));
        let tree = build(Point2::new(3.0, 2.0), &faces, 2);
        // Every order-1 image sees the three other walls through its
        // aperture (the whole wall): 4 + 4·3 nodes, plus the root.
        assert_eq!(tree.nodes.len(), 1 + 4 + 12);
    }
}
