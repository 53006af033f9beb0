//! A flat bounding volume hierarchy over 2D boxes (wall footprints).
//!
//! Nodes live in one `Vec` in depth-first order: an interior node's left
//! child is the next node, its right child is at `right_or_first`. Leaves
//! hold a run of `primitive_order`. Built by median split on the longest
//! axis of the centroid box, which for floor plans (many axis-aligned,
//! similar-sized walls) is within a few percent of SAH quality and builds in
//! O(n log n). Queries use a fixed-size stack: no allocation per query.

use super::{Aabb2, Point2, Vector2};

/// Maximum primitives in a leaf.
const LEAF_SIZE: usize = 4;
/// Traversal stack depth; a median-split tree over n primitives has depth
/// ≤ log2(n / LEAF_SIZE) + 1, so 64 covers any plan that fits in memory.
const STACK_SIZE: usize = 64;

#[derive(Clone, Copy, Debug)]
struct Node {
    bounds: Aabb2,
    /// Interior: index of the right child. Leaf: first index into
    /// `primitive_order`.
    right_or_first: u32,
    /// 0 for interior nodes, else the number of primitives in the leaf.
    count: u32,
}

/// A BVH over primitives given by their bounding boxes.
#[derive(Clone, Debug, Default)]
pub struct Bvh {
    nodes: Vec<Node>,
    primitive_order: Vec<u32>,
    /// The primitives' boxes in `primitive_order`, so leaves test each
    /// primitive without an indirection.
    leaf_boxes: Vec<Aabb2>,
}

impl Bvh {
    /// Builds the hierarchy over `boxes`; primitive `i` is `boxes[i]`.
    pub fn build(boxes: &[Aabb2]) -> Bvh {
        let mut bvh = Bvh {
            nodes: Vec::with_capacity(2 * boxes.len() / LEAF_SIZE + 1),
            primitive_order: Vec::new(),
            leaf_boxes: Vec::new(),
        };
        let mut order: Vec<u32> = (0..boxes.len() as u32).collect();
        if !boxes.is_empty() {
            bvh.build_node(boxes, &mut order, 0);
        }
        bvh.leaf_boxes = order.iter().map(|&i| boxes[i as usize]).collect();
        bvh.primitive_order = order;
        bvh
    }

    fn build_node(&mut self, boxes: &[Aabb2], order: &mut [u32], offset: usize) -> usize {
        let bounds = order.iter().fold(Aabb2::EMPTY, |acc, &i| acc.union(&boxes[i as usize]));
        let node_index = self.nodes.len();
        if order.len() <= LEAF_SIZE {
            self.nodes.push(Node { bounds, right_or_first: offset as u32, count: order.len() as u32 });
            return node_index;
        }
        self.nodes.push(Node { bounds, right_or_first: 0, count: 0 });
        let centroids = order.iter().fold(Aabb2::EMPTY, |acc, &i| acc.including(boxes[i as usize].centre()));
        let extent = centroids.extent();
        let axis = if extent.x >= extent.y { 0 } else { 1 };
        let mid = order.len() / 2;
        // Ties broken by index keep the build deterministic.
        order.select_nth_unstable_by(mid, |&a, &b| {
            let ca = boxes[a as usize].centre()[axis];
            let cb = boxes[b as usize].centre()[axis];
            ca.total_cmp(&cb).then(a.cmp(&b))
        });
        let (left, right) = order.split_at_mut(mid);
        self.build_node(boxes, left, offset);
        let right_index = self.build_node(boxes, right, offset + mid);
        self.nodes[node_index].right_or_first = right_index as u32;
        node_index
    }

    /// Number of nodes (for benches and statistics).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Calls `visit` with every primitive whose box the segment `a→b`
    /// touches. Order is the tree order (deterministic).
    #[inline]
    pub fn for_each_on_segment(&self, a: Point2, b: Point2, visit: impl FnMut(usize)) {
        let direction = b - a;
        let inverse = Vector2::new(1.0 / direction.x, 1.0 / direction.y);
        self.traverse(|bounds| bounds.hit_by_segment(a, inverse), visit);
    }

    /// Calls `visit` with every primitive whose box contains `p`.
    pub fn for_each_containing(&self, p: Point2, visit: impl FnMut(usize)) {
        self.traverse(|bounds| bounds.contains(p), visit);
    }

    /// Calls `visit` with every primitive whose box overlaps `query`
    /// (touching counts).
    pub fn for_each_overlapping(&self, query: &Aabb2, visit: impl FnMut(usize)) {
        self.traverse(|bounds| bounds.overlaps(query), visit);
    }

    /// Depth-first traversal of the nodes whose bounds pass `enter`.
    #[inline]
    fn traverse(&self, enter: impl Fn(&Aabb2) -> bool, mut visit: impl FnMut(usize)) {
        if self.nodes.is_empty() {
            return;
        }
        let mut stack = [0u32; STACK_SIZE];
        let mut depth = 1;
        while depth > 0 {
            depth -= 1;
            let index = stack[depth];
            let node = &self.nodes[index as usize];
            if !enter(&node.bounds) {
                continue;
            }
            if node.count > 0 {
                let leaf = node.right_or_first as usize..(node.right_or_first + node.count) as usize;
                for (primitive, bounds) in self.primitive_order[leaf.clone()].iter().zip(&self.leaf_boxes[leaf]) {
                    if enter(bounds) {
                        visit(*primitive as usize);
                    }
                }
            } else {
                // Right pushed first so the left child (stored next) is
                // visited first.
                stack[depth] = node.right_or_first;
                stack[depth + 1] = index + 1;
                depth += 2;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn boxes_from(segments: &[(f64, f64, f64, f64)]) -> Vec<Aabb2> {
        segments.iter().map(|&(x0, y0, x1, y1)| Aabb2::from_points(Point2::new(x0, y0), Point2::new(x1, y1))).collect()
    }

    proptest! {
        #[test]
        fn segment_query_matches_brute_force(
            segments in prop::collection::vec((0.0..50.0f64, 0.0..50.0f64, 0.0..50.0f64, 0.0..50.0f64), 0..200),
            query in (0.0..50.0f64, 0.0..50.0f64, 0.0..50.0f64, 0.0..50.0f64),
        ) {
            let boxes = boxes_from(&segments);
            let bvh = Bvh::build(&boxes);
            let a = Point2::new(query.0, query.1);
            let b = Point2::new(query.2, query.3);
            let d = b - a;
            let inverse = Vector2::new(1.0 / d.x, 1.0 / d.y);
            let mut expected: Vec<usize> = (0..boxes.len()).filter(|&i| boxes[i].hit_by_segment(a, inverse)).collect();
            let mut found = Vec::new();
            bvh.for_each_on_segment(a, b, |i| found.push(i));
            found.sort_unstable();
            expected.sort_unstable();
            prop_assert_eq!(found, expected);
        }

        #[test]
        fn box_query_matches_brute_force(
            segments in prop::collection::vec((0.0..50.0f64, 0.0..50.0f64, 0.0..50.0f64, 0.0..50.0f64), 0..200),
            query in (0.0..50.0f64, 0.0..50.0f64, 0.0..50.0f64, 0.0..50.0f64),
        ) {
            let boxes = boxes_from(&segments);
            let bvh = Bvh::build(&boxes);
            let query = Aabb2::from_points(Point2::new(query.0, query.1), Point2::new(query.2, query.3));
            let mut expected: Vec<usize> = (0..boxes.len()).filter(|&i| boxes[i].overlaps(&query)).collect();
            let mut found = Vec::new();
            bvh.for_each_overlapping(&query, |i| found.push(i));
            found.sort_unstable();
            expected.sort_unstable();
            prop_assert_eq!(found, expected);
        }

        #[test]
        fn point_query_matches_brute_force(
            segments in prop::collection::vec((0.0..50.0f64, 0.0..50.0f64, 0.0..50.0f64, 0.0..50.0f64), 0..200),
            p in (0.0..50.0f64, 0.0..50.0f64),
        ) {
            let boxes = boxes_from(&segments);
            let bvh = Bvh::build(&boxes);
            let p = Point2::new(p.0, p.1);
            let mut expected: Vec<usize> = (0..boxes.len()).filter(|&i| boxes[i].contains(p)).collect();
            let mut found = Vec::new();
            bvh.for_each_containing(p, |i| found.push(i));
            found.sort_unstable();
            expected.sort_unstable();
            prop_assert_eq!(found, expected);
        }
    }
}
