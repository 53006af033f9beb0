//! The image tree of one source over a storey's wall faces, pruned by
//! visibility wedges (2D beam tracing), with what each node's paths can
//! cross.
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
//!
//! Each node also records the walls its paths may cross: on the leg that
//! ends at its reflection (walls meeting the hull of the parent's aperture
//! and its own), and on the leg from its reflection to a receiver (walls
//! meeting its wedge, each with its [`Shadow`] seen from the image). A
//! receiver then tests a handful of walls per leg, never the whole storey.

use std::ops::Range;
use std::sync::OnceLock;

use crate::geometry::{pseudo_angle, Point2, Vector2};
use crate::propagation::crossing::{row_interval_strict, Shadow};
use crate::scene::optics::{Face, WallOptics};
use crate::units::Real;

/// Marks the root (the real source), which has no face and no parent.
pub const NONE: u32 = u32::MAX;

/// Cap on the nodes of one tree. A storey with 100 faces at order 3 needs
/// about ten thousand; the cap only guards against pathological plans (it
/// is reported in the model parameters when hit).
pub const MAX_NODES: usize = 400_000;

/// Tolerance, m, for "in front of a face".
const FRONT_EPSILON: Real = 1e-9;

/// Slack, m, of the wedge and hull tests (they only filter; exact tests
/// decide).
const SLACK: Real = 1e-7;

/// One virtual source.
#[derive(Clone, Debug, PartialEq)]
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
    /// The wedge beyond the aperture as half-planes `a·x + b·y + c ≥ 0`
    /// (unit normals); the root's passes everything.
    pub wedge: [[Real; 3]; 3],
    /// Walls the leg ending at this node's reflection may cross (indices
    /// into [`crate::scene::optics::SceneOptics::walls`]), a range of
    /// [`ImageTree::incoming`].
    pub incoming: Range<u32>,
    /// The most power its paths keep through the walls they certainly
    /// cross before the last reflection, by direction: segments of the
    /// aperture parameter ([`Frame::u`]), a range of [`ImageTree::beam`].
    pub beam: Range<u32>,
    /// The normals of its faces (first reflection first) in its unfolded
    /// frame, with their wall segment indices in the storey, a range of
    /// [`ImageTree::mirrors`]: a direction `d` from the image meets face
    /// `k` at incidence cosine `|d·n_k|`.
    pub mirrors: Range<u32>,
}

impl ImageNode {
    /// The node's frame.
    pub fn frame(&self) -> Frame {
        Frame { image: self.image, aperture: self.aperture }
    }
}

impl ImageNode {
    /// Whether `p` may be in the wedge (with slack).
    #[inline]
    pub fn may_see(&self, p: Point2) -> bool {
        self.wedge.iter().all(|[a, b, c]| a * p.x + b * p.y + c >= -SLACK)
    }
}

/// The tree, nodes in breadth-first order; node 0 is the real source.
#[derive(Clone, Debug, Default)]
pub struct ImageTree {
    /// All nodes.
    pub nodes: Vec<ImageNode>,
    /// Candidate walls of the legs that end at a reflection, each with the
    /// interval of the node's aperture parameter where the leg can meet it.
    pub incoming: Vec<(u32, Real, Real)>,
    /// Per node, its last leg (see [`ImageTree::last_leg`]): the root's
    /// made with the tree, the others' when first asked for, since about
    /// half the nodes of an AP's tree never get near a receiver's cutoff.
    last_legs: Vec<OnceLock<LastLeg>>,
    /// What the last legs are made from.
    last_leg_inputs: LastLegInputs,
    /// Beam bound segments `(start u, bound)` of every node.
    pub beam: Vec<(Real, Real)>,
    /// Face normals of every node, in its frame.
    pub mirrors: Vec<(Vector2, u32)>,
    /// The tree was cut at [`MAX_NODES`].
    pub truncated: bool,
}

/// The leg from a node's reflection (or the source) to its receivers.
#[derive(Clone, Debug, Default)]
pub struct LastLeg {
    /// The walls it may cross (those meeting the node's wedge, most opaque
    /// first), with their shadows from the image.
    pub outgoing: Vec<(u32, Shadow)>,
    /// The cones where it certainly crosses a wall whole.
    pub own: Vec<OwnCone>,
}

/// What a node's last leg is made from, besides the scene's walls and the
/// storey's faces.
#[derive(Clone, Debug, Default)]
struct LastLegInputs {
    storey_walls: Range<usize>,
    /// See [`TreeInputs::wall_bounds`].
    wall_bounds: Vec<Real>,
    /// See [`TreeInputs::opaque`].
    opaque: Vec<Real>,
    /// See [`TreeInputs::opaque_by_cos`].
    opaque_by_cos: Vec<Real>,
}

impl LastLegInputs {
    /// Orders walls most opaque first (then by index).
    fn opaque_first(&self, a: u32, b: u32) -> std::cmp::Ordering {
        let bound = |w: u32| self.wall_bounds.get(w as usize).copied().unwrap_or(1.0);
        bound(a).total_cmp(&bound(b)).then(a.cmp(&b))
    }

    /// The bound of a wall opaque enough to bound the paths crossing it.
    fn bounding(&self, w: usize) -> Option<Real> {
        self.opaque.get(w).copied().filter(|&b| b < OPAQUE)
    }

    /// The bound `flat` of wall `w` (see [`LastLegInputs::bounding`]) for
    /// the legs from `source` in the certain cone `(low, high)`: at the
    /// most head-on plan incidence in the cone, where the angles are
    /// tabulated. Every leg in the cone crosses the wall at that cosine or
    /// a more grazing one (a path's vertical slope only makes it more
    /// grazing), and a thick slab keeps far less power at a slant: a leg
    /// through 1 m of stone at 60° loses tens of dB more than head-on.
    fn cone_bound(
        &self,
        w: usize,
        flat: Real,
        wall: &WallOptics,
        source: Point2,
        (low, high): (Point2, Point2),
    ) -> Real {
        let Some(table) = self.opaque_by_cos.get(w * COS_STEPS..(w + 1) * COS_STEPS) else {
            return flat;
        };
        let (first, last) = (low - source, high - source);
        let head_on = |d: Vector2| (d.dot(&wall.normal) / d.norm()).abs();
        // The cone turns counterclockwise from `low` to `high` through
        // less than a half turn; a normal inside it is met head-on.
        let inside = |m: Vector2| first.perp(&m) >= 0.0 && m.perp(&last) >= 0.0;
        let cos = if first.perp(&last) <= 0.0 || inside(wall.normal) || inside(-wall.normal) {
            1.0
        } else {
            head_on(first).max(head_on(last))
        };
        if !cos.is_finite() {
            return flat;
        }
        let step = ((cos * (COS_STEPS - 1) as Real).ceil() as usize).min(COS_STEPS - 1);
        table[step].min(flat)
    }
}

/// How many plan incidence cosines, evenly spaced from 0 to 1, tabulate
/// each wall's bound in [`TreeInputs::opaque_by_cos`].
pub const COS_STEPS: usize = 17;

impl ImageTree {
    /// Drops the last legs but the root's (made with the tree), with
    /// their slots, and the spare capacity of the rest: for a tree kept
    /// while others are traced. [`ImageTree::take_up`] must come before
    /// the tree is traced again.
    pub fn set_aside(&mut self) {
        self.last_legs.truncate(1);
        self.last_legs.shrink_to_fit();
        self.nodes.shrink_to_fit();
        self.incoming.shrink_to_fit();
        self.beam.shrink_to_fit();
        self.mirrors.shrink_to_fit();
    }

    /// Makes room again for the last legs [`ImageTree::set_aside`]
    /// dropped: they are built when next asked for, the same as before.
    pub fn take_up(&mut self) {
        self.last_legs.resize_with(self.nodes.len(), OnceLock::new);
    }

    /// About how many bytes the tree holds on the heap, last legs left
    /// out.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of_val;
        size_of_val(&self.nodes[..])
            + size_of_val(&self.incoming[..])
            + size_of_val(&self.beam[..])
            + size_of_val(&self.mirrors[..])
            + size_of_val(&self.last_legs[..])
            + size_of_val(&self.last_leg_inputs.wall_bounds[..])
            + size_of_val(&self.last_leg_inputs.opaque[..])
            + size_of_val(&self.last_leg_inputs.opaque_by_cos[..])
    }

    /// The last leg of node `index` (made the first time it is asked for,
    /// the same whichever thread asks), from the scene's `walls` and the
    /// storey's `faces` the tree was built over.
    pub fn last_leg(&self, index: usize, walls: &[WallOptics], faces: &[Face]) -> &LastLeg {
        self.last_legs[index].get_or_init(|| {
            let node = &self.nodes[index];
            let face = &faces[node.face as usize];
            let inputs = &self.last_leg_inputs;
            let own_wall = inputs.storey_walls.start + face.wall as usize;
            let mut leg = LastLeg::default();
            for w in inputs.storey_walls.clone() {
                if w == own_wall || !may_meet(&walls[w].corners(), &node.wedge) {
                    continue;
                }
                leg.outgoing.push((w as u32, Shadow::of(&walls[w], node.image)));
                if let Some(flat) = inputs.bounding(w) {
                    let far = far_side(&walls[w], node.image);
                    for (low, high) in certain_cones(&walls[w], node.image, &[Some(face)]) {
                        let [left, right] = cone_sides(node.image, low, high);
                        let bound = inputs.cone_bound(w, flat, &walls[w], node.image, (low, high));
                        leg.own.push(OwnCone { planes: [left, right, far], bound });
                    }
                }
            }
            leg.outgoing.sort_by(|a, b| inputs.opaque_first(a.0, b.0));
            leg
        })
    }
}

/// What the tree is built over.
pub struct TreeInputs<'a> {
    /// The source on the plan.
    pub source: Point2,
    /// The receiver storey's faces.
    pub faces: &'a [Face],
    /// Every wall of the scene.
    pub walls: &'a [WallOptics],
    /// The receiver storey's walls (a range of `walls`).
    pub storey_walls: Range<usize>,
    /// The walls the first leg (source to first reflection) may cross:
    /// those of every storey between the source's height and the
    /// receivers'.
    pub first_leg_walls: &'a [u32],
    /// The walls a path with no reflection may cross, with their shadows
    /// from the source.
    pub direct: Vec<(u32, Shadow)>,
    /// Reflections per path.
    pub max_depth: u8,
    /// Per wall of the scene, an upper bound of the power a crossing keeps:
    /// each node lists its walls most opaque first, so that a path's
    /// transmission bound falls fastest.
    pub wall_bounds: &'a [Real],
    /// Per wall of the scene, the most power a crossing of its slab (away
    /// from its openings) keeps, where it is opaque enough to bound paths
    /// with ([`OPAQUE`]) and stands floor to ceiling; 1 otherwise.
    pub opaque: &'a [Real],
    /// Per wall of the scene, [`COS_STEPS`] bounds of the power a crossing
    /// of its slab keeps at plan incidence cosines up to `k/(COS_STEPS−1)`
    /// (walls in order): sharper than `opaque` for slanted legs. Empty:
    /// `opaque` alone.
    pub opaque_by_cos: &'a [Real],
    /// The source and the receivers share the storey (every leg runs
    /// between its floor and ceiling).
    pub same_storey: bool,
    /// Nodes whose every path is weaker than `cutoff_mw` are not made:
    /// `(eirp_mw, wavelength, cutoff_mw)`.
    pub cutoff: Option<(Real, Real, Real)>,
    /// The most power the floor slabs between the source and the receivers
    /// leave a path whose horizontal unfolded length is at least the
    /// argument (1 on one storey).
    pub slab_bound: &'a dyn Fn(Real) -> Real,
}

/// How far outside an aperture's `[0, 1]` a cone must lie to be left out
/// of its node's children (rounding of the frames' parameters).
const BESIDE: Real = 1e-6;

/// Walls whose slab keeps less power than this (0.2 dB) bound the paths
/// that certainly cross them.
pub const OPAQUE: Real = 0.95;

/// Builds the image tree.
pub fn build(inputs: TreeInputs) -> ImageTree {
    let TreeInputs {
        source,
        faces,
        walls,
        storey_walls,
        first_leg_walls,
        mut direct,
        max_depth,
        wall_bounds,
        opaque,
        opaque_by_cos,
        same_storey,
        cutoff,
        slab_bound,
    } = inputs;
    let everywhere = [[0.0, 0.0, 1.0]; 3];
    let inputs = LastLegInputs {
        storey_walls: storey_walls.clone(),
        wall_bounds: wall_bounds.to_vec(),
        opaque: opaque.to_vec(),
        opaque_by_cos: opaque_by_cos.to_vec(),
    };
    let opaque_first = |a: &u32, b: &u32| inputs.opaque_first(*a, *b);
    let bounding = |w: usize| inputs.bounding(w);
    direct.sort_by(|a, b| opaque_first(&a.0, &b.0));
    let mut tree = ImageTree { last_leg_inputs: inputs.clone(), ..ImageTree::default() };
    tree.last_legs.push(OnceLock::from(LastLeg { outgoing: direct, own: Vec::new() }));
    tree.nodes.push(ImageNode {
        image: source,
        face: NONE,
        parent: NONE,
        depth: 0,
        aperture: (source, source),
        wedge: everywhere,
        incoming: 0..0,
        beam: 0..0,
        mirrors: 0..0,
    });
    // Each wall's box on the plan: most walls are far from a node's legs,
    // and two boxes apart is four comparisons.
    let wall_boxes: Vec<[Real; 4]> = walls.iter().map(|wall| bounding_box(&wall.corners())).collect();
    // Per node, the cones of its beam (in its unfolded frame), to hand on
    // to its children.
    let mut cones: Vec<Vec<Cone>> = vec![Vec::new()];
    let mut level_start = 0;
    for depth in 1..=max_depth {
        let level_end = tree.nodes.len();
        for parent_index in level_start..level_end {
            let parent = tree.nodes[parent_index].clone();
            let parent_face = (parent.face != NONE).then(|| &faces[parent.face as usize]);
            for (face_index, face) in faces.iter().enumerate() {
                if face_index as u32 == parent.face || face.height_above(parent.image) <= FRONT_EPSILON {
                    continue;
                }
                let aperture = match parent_face {
                    None => Some((face.p0, face.p1)),
                    Some(parent_face) => {
                        clip_to_wedge(face.p0, face.p1, parent.image, parent.aperture, parent_face.normal)
                    }
                };
                let Some(aperture) = aperture else { continue };
                if tree.nodes.len() >= MAX_NODES {
                    tree.truncated = true;
                    return tree;
                }
                let image = face.mirror(parent.image);
                let frame = Frame { image, aperture };
                // No receiver is nearer the image than the aperture: free
                // space, with the parent's beam over the directions to this
                // aperture (it holds every wall this node inherits), may
                // leave every path under the cutoff, which is known before
                // the node's own walls are gathered.
                let best = cutoff.map(|(eirp_mw, wavelength, cutoff_mw)| {
                    let nearest = distance_to_segment(image, aperture).max(crate::propagation::MIN_DISTANCE);
                    let best = eirp_mw * (wavelength / (4.0 * std::f64::consts::PI * nearest)).powi(2);
                    (best, slab_bound(nearest), cutoff_mw)
                });
                if let Some((best, slab, cutoff_mw)) = best {
                    let parent_frame = parent.frame();
                    let inherited = match (parent_face, parent_frame.u(aperture.0), parent_frame.u(aperture.1)) {
                        (Some(_), Some(u0), Some(u1)) => segments_max(
                            &tree.beam[parent.beam.start as usize..parent.beam.end as usize],
                            u0.min(u1),
                            u0.max(u1),
                        ),
                        _ => 1.0,
                    };
                    if best * inherited * slab < cutoff_mw {
                        continue;
                    }
                }
                let own_wall = storey_walls.start + face.wall as usize;
                let parent_wall = parent_face.map(|f| storey_walls.start + f.wall as usize);

                // The beam's cones: the parent's, mirrored into this
                // node's frame, and those of the walls the leg from the
                // parent's reflection (or the source) to this face crosses
                // whole: walls meeting the hull of both apertures.
                let mut beam: Vec<Cone> = cones[parent_index]
                    .iter()
                    .map(|c| Cone { low: face.mirror(c.low), high: face.mirror(c.high), bound: c.bound })
                    .collect();
                let incoming_start = tree.incoming.len() as u32;
                let hull = [parent.aperture.0, parent.aperture.1, aperture.0, aperture.1];
                let hull_box = bounding_box(&hull);
                let leg_region = LegRegion::new(parent.image, aperture, face, parent_face);
                let mut consider = |w: usize, tree: &mut ImageTree| {
                    if Some(w) == parent_wall
                        || w == own_wall
                        || apart(&wall_boxes[w], &hull_box)
                        || !overlaps_hull(&walls[w].corners(), &hull)
                    {
                        return;
                    }
                    // Only over the directions where a leg can meet it
                    // (the hull alone let in 4.5 times as many candidates
                    // as the legs met, on the generated school); a wall no
                    // leg meets has no cone of certain crossings either.
                    let Some(reach) = leg_region.reach(walls[w].corners()) else { return };
                    let margin = 1e-7 * (1.0 + reach.0.abs().max(reach.1.abs()));
                    tree.incoming.push((w as u32, reach.0 - margin, reach.1 + margin));
                    // Between floor and ceiling only (a first leg from
                    // another storey may pass through a slab's gap).
                    if let Some(flat) = bounding(w).filter(|_| same_storey || parent_face.is_some()) {
                        let fronts = [parent_face, Some(face)];
                        for (low, high) in certain_cones(&walls[w], parent.image, &fronts) {
                            let bound = inputs.cone_bound(w, flat, &walls[w], parent.image, (low, high));
                            beam.push(Cone { low: face.mirror(low), high: face.mirror(high), bound });
                        }
                    }
                };
                if parent_face.is_none() {
                    for &w in first_leg_walls {
                        consider(w as usize, &mut tree);
                    }
                } else {
                    for w in storey_walls.clone() {
                        consider(w, &mut tree);
                    }
                }
                tree.incoming[incoming_start as usize..].sort_by(|a, b| opaque_first(&a.0, &b.0));
                let incoming = incoming_start..tree.incoming.len() as u32;

                // The beam's bound as segments of the aperture; a node none
                // of whose paths can reach the cutoff is not made.
                let beam_start = tree.beam.len() as u32;
                let strongest = push_segments(&mut tree.beam, &frame, &beam);
                if let Some((best, slab, cutoff_mw)) = best {
                    if best * strongest * slab < cutoff_mw {
                        tree.beam.truncate(beam_start as usize);
                        tree.incoming.truncate(incoming_start as usize);
                        continue;
                    }
                }
                let beam_range = beam_start..tree.beam.len() as u32;

                // The leg from this face to a receiver is made when first
                // needed (`ImageTree::last_leg`).
                let wedge = wedge_planes(image, aperture, face.normal);
                let mirrors_start = tree.mirrors.len() as u32;
                for k in parent.mirrors.clone() {
                    let (normal, wall) = tree.mirrors[k as usize];
                    tree.mirrors.push((normal - face.normal * (2.0 * normal.dot(&face.normal)), wall));
                }
                tree.mirrors.push((face.normal, face.wall));
                let mirrors = mirrors_start..tree.mirrors.len() as u32;

                tree.nodes.push(ImageNode {
                    image,
                    face: face_index as u32,
                    parent: parent_index as u32,
                    depth,
                    aperture,
                    wedge,
                    incoming,
                    beam: beam_range,
                    mirrors,
                });
                tree.last_legs.push(OnceLock::new());
                if depth < max_depth {
                    // A cone beside this aperture holds none of its paths,
                    // so none of its children's (they go on from them):
                    // left out, the deeper levels inherit fewer cones.
                    let beside = |cone: &Cone| {
                        frame.interval(cone.low, cone.high).is_some_and(|(u0, u1)| u1 < -BESIDE || u0 > 1.0 + BESIDE)
                    };
                    beam.retain(|cone| !beside(cone));
                    cones.push(beam);
                } else {
                    cones.push(Vec::new());
                }
            }
            // A level's cones are not needed once its children exist.
            cones[parent_index] = Vec::new();
        }
        level_start = level_end;
    }
    tree
}

/// A cone of directions from a node's image in which a path certainly
/// crosses a wall's whole thickness: two points on its boundary rays, in
/// the node's unfolded frame, and the most power the crossing keeps.
#[derive(Clone, Copy, Debug)]
struct Cone {
    low: Point2,
    high: Point2,
    bound: Real,
}

/// Where the leg from a node's reflection to its receivers certainly
/// crosses a wall: inside a cone from the image and beyond the wall's far
/// face (a receiver short of it does not cross the wall), as three
/// half-planes `a·x + b·y + c ≥ 0` shrunk by a margin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OwnCone {
    /// The cone's two sides and the far side.
    pub planes: [[Real; 3]; 3],
    /// The most power the crossing keeps.
    pub bound: Real,
}

impl OwnCone {
    /// Whether `p` is inside (on the positive side of every plane).
    #[inline]
    pub fn contains(&self, p: Point2) -> bool {
        self.planes.iter().all(|[a, b, c]| a * p.x + b * p.y + c >= 0.0)
    }

    /// The cone cut to the grid row `y`, if it meets it: found once per
    /// row, so that each receiver or span on the row is two comparisons
    /// instead of three half-plane tests.
    #[inline]
    pub fn on_row(&self, y: Real) -> Option<RowCone> {
        let (low, high) = row_interval_strict(&self.planes, y);
        (low <= high).then_some(RowCone { low, high, bound: self.bound })
    }
}

/// A cone cut to one grid row: the receivers from `low` to `high` (x, m)
/// certainly cross its wall, which keeps at most `bound`.
#[derive(Clone, Copy, Debug)]
pub struct RowCone {
    /// Westmost x inside, m.
    pub low: Real,
    /// Eastmost x inside, m.
    pub high: Real,
    /// The most power the crossing keeps.
    pub bound: Real,
}

impl RowCone {
    /// Whether the row's points from `a` to `b` (x, m, `a ≤ b`) are all
    /// inside.
    #[inline]
    pub fn holds(&self, a: Real, b: Real) -> bool {
        self.low <= a && b <= self.high
    }
}

/// The two half-planes of the cone from `apex` between the rays through
/// `low` and `high` (counter-clockwise from `low`), shrunk by a margin.
pub(crate) fn cone_sides(apex: Point2, low: Point2, high: Point2) -> [[Real; 3]; 2] {
    let (d_low, d_high) = ((low - apex).normalize(), (high - apex).normalize());
    [
        [-d_low.y, d_low.x, d_low.y * apex.x - d_low.x * apex.y - CERTAIN_MARGIN],
        [d_high.y, -d_high.x, -d_high.y * apex.x + d_high.x * apex.y - CERTAIN_MARGIN],
    ]
}

/// A node's frame: its image and its aperture. Directions from the image
/// are measured by where they cross the aperture's line: `u = 0` at its
/// start, `u = 1` at its end (monotone in angle over the wedge).
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// The image.
    pub image: Point2,
    /// The aperture.
    pub aperture: (Point2, Point2),
}

impl Frame {
    /// The aperture parameter of the direction from the image to `p`, if
    /// that direction crosses the aperture's line ahead.
    #[inline]
    pub fn u(&self, p: Point2) -> Option<Real> {
        let (a, b) = self.aperture;
        let d = p - self.image;
        let line = b - a;
        let denominator = d.perp(&line);
        if denominator == 0.0 {
            return None;
        }
        let ahead = (a - self.image).perp(&line) / denominator;
        (ahead > 0.0).then(|| (a - self.image).perp(&d) / denominator)
    }

    /// The interval of aperture parameters between two directions.
    fn interval(&self, low: Point2, high: Point2) -> Option<(Real, Real)> {
        let (u0, u1) = (self.u(low)?, self.u(high)?);
        let (u0, u1) = if u0 <= u1 { (u0, u1) } else { (u1, u0) };
        // Shrunk so that rounding never widens what is certain.
        let margin = 1e-9 * (1.0 + u0.abs().max(u1.abs()));
        (u0 + margin < u1 - margin).then_some((u0 + margin, u1 - margin))
    }
}

/// Appends a node's beam bound as segments `(start u, bound)` sorted by
/// `u` (the first starts at −∞) and returns the largest bound over the
/// aperture (`u ∈ [0, 1]`).
fn push_segments(segments: &mut Vec<(Real, Real)>, frame: &Frame, cones: &[Cone]) -> Real {
    let mut events: Vec<(Real, Real)> = Vec::with_capacity(2 * cones.len());
    for cone in cones {
        if let Some((u0, u1)) = frame.interval(cone.low, cone.high) {
            let log = cone.bound.max(1e-300).ln();
            events.push((u0, log));
            events.push((u1, -log));
        }
    }
    if events.is_empty() {
        return 1.0;
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    let mut log_sum = 0.0;
    let mut strongest: Real = 0.0;
    let mut previous = Real::NEG_INFINITY;
    let mut current = 1.0;
    segments.push((Real::NEG_INFINITY, 1.0));
    for (u, delta) in events {
        // The segment that ends here overlaps [0, 1]?
        if previous <= 1.0 && u >= 0.0 {
            strongest = strongest.max(current);
        }
        log_sum += delta;
        // Never below the true product: rounding of the logs is covered by
        // a relative margin.
        current = (log_sum.exp() * (1.0 + 1e-9)).min(1.0);
        segments.push((u, current));
        previous = u;
    }
    if previous <= 1.0 {
        strongest = strongest.max(current);
    }
    strongest
}

/// The bound of the beam segment holding aperture parameter `u`, found
/// by stepping from `cursor` (the segment found last: along a row, `u`
/// changes steadily, so this is a step or two).
#[inline]
pub fn segment_bound(segments: &[(Real, Real)], u: Real, cursor: &mut usize) -> Real {
    if segments.is_empty() {
        return 1.0;
    }
    let mut i = (*cursor).min(segments.len() - 1);
    while i + 1 < segments.len() && segments[i + 1].0 <= u {
        i += 1;
    }
    while i > 0 && segments[i].0 > u {
        i -= 1;
    }
    *cursor = i;
    segments[i].1
}

/// The largest bound of the beam segments meeting `[low, high]`.
#[inline]
pub fn segments_max(segments: &[(Real, Real)], low: Real, high: Real) -> Real {
    if segments.is_empty() {
        return 1.0;
    }
    let first = segments.partition_point(|&(start, _)| start <= low).saturating_sub(1);
    let last = segments.partition_point(|&(start, _)| start <= high);
    segments[first..last.max(first + 1)].iter().fold(0.0, |m: Real, s| m.max(s.1))
}

/// The parts of a wall along its centreline (fractions) that no opening
/// cuts.
fn solid_spans(wall: &WallOptics) -> Vec<(Real, Real)> {
    let mut cuts: Vec<(Real, Real)> = wall.openings.iter().map(|o| o.along).collect();
    cuts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut spans = Vec::new();
    let mut start: Real = 0.0;
    for (low, high) in cuts {
        if low > start {
            spans.push((start, low));
        }
        start = start.max(high);
    }
    if start < 1.0 {
        spans.push((start, 1.0));
    }
    spans
}

/// Margin, m, by which certain regions are shrunk, so that rounding never
/// makes a crossing "certain" that the exact test misses.
const CERTAIN_MARGIN: Real = 1e-6;

/// The half-plane beyond `wall`'s far face as seen from `source`.
pub(crate) fn far_side(wall: &WallOptics, source: Point2) -> [Real; 3] {
    let side = (source - wall.a).dot(&wall.normal).signum();
    let away = -wall.normal * side;
    let far_point = wall.a - wall.normal * (wall.half * side);
    [away.x, away.y, -away.dot(&far_point.coords) - CERTAIN_MARGIN]
}

/// The cones of directions from `source` in which a straight leg crosses
/// `wall`'s whole thickness through one of its solid spans (inside the
/// cones through that span of both faces), keeping to the part of the
/// wall wholly in front of each face in `fronts`. Each cone is given by a
/// point on each of its boundary rays.
pub(crate) fn certain_cones(wall: &WallOptics, source: Point2, fronts: &[Option<&Face>]) -> Vec<(Point2, Point2)> {
    let across = (source - wall.a).dot(&wall.normal);
    if across.abs() <= wall.half + CERTAIN_MARGIN {
        return Vec::new();
    }
    let near = wall.normal * (wall.half * across.signum());
    // The fractions of the wall whose footprint is in front of each face:
    // its height above a face is linear along the wall.
    let (mut first, mut last): (Real, Real) = (0.0, 1.0);
    for face in fronts.iter().flatten() {
        let slack = wall.half * face.normal.dot(&wall.normal).abs() + CERTAIN_MARGIN;
        let h0 = face.height_above(wall.a) - slack;
        let rate = face.normal.dot(&wall.along) * wall.length;
        if rate.abs() < 1e-12 {
            if h0 <= 0.0 {
                return Vec::new();
            }
        } else if rate > 0.0 {
            first = first.max(-h0 / rate);
        } else {
            last = last.min(-h0 / rate);
        }
    }
    let mut cones = Vec::new();
    for (u0, u1) in solid_spans(wall) {
        let (u0, u1) = (u0.max(first), u1.min(last));
        if u0 >= u1 {
            continue;
        }
        let (s0, s1) = (wall.a + wall.along * (u0 * wall.length), wall.a + wall.along * (u1 * wall.length));
        if (s1 - s0).norm() <= 4.0 * CERTAIN_MARGIN {
            continue;
        }
        // The inner rays of the near and far cones: each side of the cone
        // is the one of the two that turns least from the span's middle.
        let middle = Point2::from((s0.coords + s1.coords) / 2.0) - source;
        let turn = |p: Point2| pseudo_angle(middle.perp(&(p - source)), middle.dot(&(p - source)));
        let pick = |a: Point2, b: Point2, low: bool| {
            let (ta, tb) = (turn(a), turn(b));
            if (ta > tb) == low {
                a
            } else {
                b
            }
        };
        let (n0, n1, f0, f1) = (s0 + near, s1 + near, s0 - near, s1 - near);
        let (low_n, high_n) = if turn(n0) <= turn(n1) { (n0, n1) } else { (n1, n0) };
        let (low_f, high_f) = if turn(f0) <= turn(f1) { (f0, f1) } else { (f1, f0) };
        let low = pick(low_n, low_f, true);
        let high = pick(high_n, high_f, false);
        if turn(low) < turn(high) {
            cones.push((low, high));
        }
    }
    cones
}

/// Distance from `p` to the segment `(a, b)`.
fn distance_to_segment(p: Point2, (a, b): (Point2, Point2)) -> Real {
    crate::geometry::point_segment_distance(p, a, b).0
}

/// The half-planes of the wedge from `image` through `aperture`, beyond
/// the aperture's line (on the side of `normal`), with unit normals.
fn wedge_planes(image: Point2, aperture: (Point2, Point2), normal: Vector2) -> [[Real; 3]; 3] {
    let (a, b) = aperture;
    let side = |edge: Vector2, other: Point2| -> [Real; 3] {
        // Inside: on the same side of the line image → image + edge as
        // `other`.
        let mut n = Vector2::new(-edge.y, edge.x);
        let length = n.norm();
        if length == 0.0 {
            return [0.0, 0.0, 1.0];
        }
        n /= length;
        if n.dot(&(other - image)) < 0.0 {
            n = -n;
        }
        [n.x, n.y, -n.dot(&image.coords)]
    };
    [[normal.x, normal.y, -normal.dot(&a.coords)], side(a - image, b), side(b - image, a)]
}

/// Slack, m, of a [`LegRegion`]'s half-planes: rounding only (each
/// crossing is then tested exactly).
const LEG_SLACK: Real = 1e-6;

/// Where the legs ending at a node's reflection run, in the plan's own
/// frame: each leg goes from the parent's reflection point (or the
/// source) to a point of the aperture, along the ray from the parent's
/// image through that point. So it stays inside the cone from the
/// parent's image through the aperture, in front of the node's face (it
/// arrives on that side) and in front of the parent's face (it leaves
/// from that side).
struct LegRegion {
    /// Half-planes `a·x + b·y + c ≥ −LEG_SLACK` (unit normals); the
    /// parent's face's is left out (`[0, 0, 1]`) for a first reflection.
    planes: [[Real; 3]; 4],
    /// Directions from the parent's image, measured on the aperture.
    frame: Frame,
}

/// Most corners a footprint clipped to a [`LegRegion`] can have: four,
/// and one more per half-plane (rounding can only add a few).
const CLIPPED_CORNERS: usize = 12;

impl LegRegion {
    fn new(parent_image: Point2, aperture: (Point2, Point2), face: &Face, parent_face: Option<&Face>) -> LegRegion {
        let [_, left, right] = wedge_planes(parent_image, aperture, face.normal);
        let front = |face: &Face| [face.normal.x, face.normal.y, -face.normal.dot(&face.p0.coords)];
        let parent = parent_face.map_or([0.0, 0.0, 1.0], front);
        LegRegion { planes: [front(face), left, right, parent], frame: Frame { image: parent_image, aperture } }
    }

    /// The interval of aperture parameters over which a leg can meet the
    /// convex footprint `corners`, or `None` if no leg can: the directions
    /// of what the region holds of the footprint.
    fn reach(&self, corners: [Point2; 4]) -> Option<(Real, Real)> {
        let everywhere = Some((Real::NEG_INFINITY, Real::INFINITY));
        let mut polygon = [Point2::origin(); CLIPPED_CORNERS];
        polygon[..4].copy_from_slice(&corners);
        let mut count = 4;
        for &[a, b, c] in &self.planes {
            let value = |p: Point2| a * p.x + b * p.y + c + LEG_SLACK;
            let mut clipped = [Point2::origin(); CLIPPED_CORNERS];
            let mut kept = 0;
            for k in 0..count {
                let (p, q) = (polygon[k], polygon[(k + 1) % count]);
                let (vp, vq) = (value(p), value(q));
                let crossing = (vp >= 0.0) != (vq >= 0.0);
                if kept + 2 > CLIPPED_CORNERS {
                    return everywhere;
                }
                if vp >= 0.0 {
                    clipped[kept] = p;
                    kept += 1;
                }
                if crossing {
                    clipped[kept] = p + (q - p) * (vp / (vp - vq));
                    kept += 1;
                }
            }
            if kept == 0 {
                return None;
            }
            (polygon, count) = (clipped, kept);
        }
        let mut reach = (Real::INFINITY, Real::NEG_INFINITY);
        for &p in &polygon[..count] {
            let Some(u) = self.frame.u(p) else { return everywhere };
            reach = (reach.0.min(u), reach.1.max(u));
        }
        Some(reach)
    }
}

/// Whether a convex polygon may meet the region of the half-planes: false
/// only when all its corners are outside one of them.
fn may_meet(corners: &[Point2], planes: &[[Real; 3]]) -> bool {
    planes.iter().all(|[a, b, c]| corners.iter().any(|p| a * p.x + b * p.y + c >= -SLACK))
}

/// The box `(min x, min y, max x, max y)` of `points`.
fn bounding_box(points: &[Point2; 4]) -> [Real; 4] {
    points.iter().fold([Real::INFINITY, Real::INFINITY, Real::NEG_INFINITY, Real::NEG_INFINITY], |b, p| {
        [b[0].min(p.x), b[1].min(p.y), b[2].max(p.x), b[3].max(p.y)]
    })
}

/// Whether two boxes are more than [`BOX_GAP`] apart: then a wall and a
/// hull in them are too, and [`overlaps_hull`] would find them apart
/// (along one of the wall's edge normals they are at least `BOX_GAP/√2`
/// apart, over its slack).
fn apart(a: &[Real; 4], b: &[Real; 4]) -> bool {
    a[2] < b[0] - BOX_GAP || b[2] < a[0] - BOX_GAP || a[3] < b[1] - BOX_GAP || b[3] < a[1] - BOX_GAP
}

/// See [`apart`].
const BOX_GAP: Real = 1e-6;

/// Whether the convex polygon `corners` overlaps the convex hull of
/// `points` (separating-axis test on the polygon's edge normals and the
/// hull's, with slack).
fn overlaps_hull(corners: &[Point2; 4], points: &[Point2; 4]) -> bool {
    let separated_along = |axis: Vector2| {
        if axis.norm_squared() == 0.0 {
            return false;
        }
        let axis = axis.normalize();
        let project = |set: &[Point2]| {
            set.iter().fold((Real::INFINITY, Real::NEG_INFINITY), |(low, high), p| {
                let d = axis.dot(&p.coords);
                (low.min(d), high.max(d))
            })
        };
        let (a0, a1) = project(corners);
        let (b0, b1) = project(points);
        a1 < b0 - SLACK || b1 < a0 - SLACK
    };
    for i in 0..4 {
        let edge = corners[(i + 1) % 4] - corners[i];
        if separated_along(Vector2::new(-edge.y, edge.x)) {
            return false;
        }
    }
    // The hull's edges are among the segments between its points.
    for i in 0..4 {
        for j in i + 1..4 {
            let edge = points[j] - points[i];
            if separated_along(Vector2::new(-edge.y, edge.x)) {
                return false;
            }
        }
    }
    true
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
    let direction = p1 - p0;
    let (u0, u1) = clip_segment(p0, p1, half_planes)?;
    // A sliver thinner than a micrometre carries no path of any weight.
    ((u1 - u0) * direction.norm() > 1e-6).then(|| (p0 + direction * u0, p0 + direction * u1))
}

/// The part of the segment `p0 → p1` inside every half-plane
/// `g·x + offset ≥ 0`, as fractions `(u0, u1)` of the segment, if any.
pub(crate) fn clip_segment(
    p0: Point2,
    p1: Point2,
    half_planes: impl IntoIterator<Item = (Vector2, Real)>,
) -> Option<(Real, Real)> {
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
    Some((u0, u1))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cones_angled_bound_holds_for_every_leg_in_it() {
        use crate::materials::Polarization;
        use crate::propagation::crossing::SlabLookup;
        // 1 m stone shell, brick partitions.
        let scene = super::super::tests::one_storey_school();
        let lookup = SlabLookup::for_ap(&scene, &scene.aps[0]);
        let (wall_bounds, opaque) = super::super::wall_bounds(&lookup, &scene);
        let inputs = LastLegInputs {
            storey_walls: 0..scene.optics.walls.len(),
            wall_bounds,
            opaque,
            opaque_by_cos: super::super::opaque_by_cos(&lookup, &scene),
        };
        let (mut cones, mut sharper) = (0, 0);
        for (w, wall) in scene.optics.walls.iter().enumerate() {
            let Some(flat) = inputs.bounding(w) else { continue };
            for (along, across) in [(-0.5, 0.6), (0.3, 0.6), (0.5, 3.0), (1.4, 2.0), (0.1, 12.0), (0.9, -5.0)] {
                let source = wall.a + wall.along * (along * wall.length) + wall.normal * across;
                for (low, high) in certain_cones(wall, source, &[]) {
                    let bound = inputs.cone_bound(w, flat, wall, source, (low, high));
                    cones += 1;
                    sharper += usize::from(bound < 0.1 * flat);
                    // Legs across the cone, at their plan angle and steeper
                    // (a vertical slope makes the incidence more grazing).
                    for k in 0..=40 {
                        let d = low + (high - low) * (k as Real / 40.0) - source;
                        let cos = (d.dot(&wall.normal) / d.norm()).abs();
                        for slope in [1.0, 0.9, 0.6, 0.3, 0.05] {
                            let kept = lookup.transmission_power(&wall.slab, cos * slope, Polarization::Te);
                            assert!(
                                kept <= bound * (1.0 + 1e-12),
                                "wall {w}: a leg at cos {cos} keeps {kept}, over the cone's bound {bound}"
                            );
                        }
                    }
                }
            }
        }
        assert!(cones > 100, "{cones} cones checked");
        // Slanted cones through thick walls get bounds far under the
        // wall's best (head-on) transmission.
        assert!(sharper > 10, "{sharper} of {cones} cones 10 dB under the flat bound");
    }

    #[test]
    fn a_legs_walls_are_within_its_reach_interval() {
        use crate::geometry::segment_intersection;
        use crate::propagation::raytrace::trace::clip_footprint;
        let scene = super::super::tests::one_storey_school();
        let context = super::super::RayTrace::default().context(&scene, &scene.aps[0], 0);
        let (tree, faces, walls) = (&context.tree, &context.optics.faces, &scene.optics.walls);
        let (mut met, mut left_out, mut pairs) = (0, 0, 0);
        for node in tree.nodes.iter().skip(1).step_by(7) {
            let parent = &tree.nodes[node.parent as usize];
            let parent_face = (parent.face != NONE).then(|| &faces[parent.face as usize]);
            let region = LegRegion::new(parent.image, node.aperture, &faces[node.face as usize], parent_face);
            let (a0, a1) = node.aperture;
            for wall in walls {
                let reach = region.reach(wall.corners());
                pairs += 1;
                left_out += usize::from(reach.is_none());
                for k in 0..=50 {
                    let u = k as Real / 50.0;
                    let end = a0 + (a1 - a0) * u;
                    // The leg starts at the parent's reflection, on the
                    // ray from the parent's image through its end.
                    let start = match parent_face {
                        None => parent.image,
                        Some(f) => match segment_intersection(parent.image, end, f.p0, f.p1) {
                            Some((t, _)) if t > 0.0 && t < 1.0 => parent.image + (end - parent.image) * t,
                            _ => continue,
                        },
                    };
                    if clip_footprint(wall, start, end).is_some() {
                        met += 1;
                        let (low, high) = reach.expect("a wall a leg meets is in reach");
                        assert!(
                            low - 1e-6 <= u && u <= high + 1e-6,
                            "leg at u = {u} meets a wall reached over [{low}, {high}]"
                        );
                    }
                }
            }
        }
        assert!(met > 1000, "{met} crossings checked");
        // Most walls of the building are nowhere near a given leg (86 % of
        // the pairs here).
        assert!(4 * left_out > 3 * pairs, "{left_out} of {pairs} walls left out");
    }

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

    fn tree(source: Point2, faces: &[Face], depth: u8) -> ImageTree {
        build(TreeInputs {
            source,
            faces,
            walls: &[],
            storey_walls: 0..0,
            first_leg_walls: &[],
            direct: Vec::new(),
            max_depth: depth,
            wall_bounds: &[],
            opaque: &[],
            opaque_by_cos: &[],
            same_storey: true,
            cutoff: None,
            slab_bound: &|_| 1.0,
        })
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
        // The same wedge as half-planes.
        let wedge = wedge_planes(image, aperture, up);
        let node = ImageNode {
            image,
            face: 0,
            parent: 0,
            depth: 1,
            aperture,
            wedge,
            incoming: 0..0,
            beam: 0..0,
            mirrors: 0..0,
        };
        assert!(node.may_see(Point2::new(1.9, 2.0)) && node.may_see(Point2::new(-1.9, 2.0)));
        assert!(!node.may_see(Point2::new(2.1, 2.0)) && !node.may_see(Point2::new(0.0, -0.5)));
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
        let one = tree(Point2::new(3.0, 2.0), &faces, 1);
        assert_eq!(one.nodes.len(), 5);
        assert_eq!(one.nodes[1].image, Point2::new(3.0, -2.0));
        // Every order-1 image sees the three other walls through its
        // aperture (the whole wall): 4 + 4·3 nodes, plus the root.
        assert_eq!(tree(Point2::new(3.0, 2.0), &faces, 2).nodes.len(), 1 + 4 + 12);
    }

    #[test]
    fn hull_overlap() {
        let square = [Point2::new(0.0, 0.0), Point2::new(1.0, 0.0), Point2::new(1.0, 1.0), Point2::new(0.0, 1.0)];
        let crossing = [Point2::new(-1.0, 0.5), Point2::new(-1.0, 0.6), Point2::new(2.0, 0.5), Point2::new(2.0, 0.6)];
        let beside = [Point2::new(-1.0, 2.0), Point2::new(-1.0, 2.1), Point2::new(2.0, 2.0), Point2::new(2.0, 2.1)];
        // A diagonal thin hull passing just off the corner.
        let diagonal = [Point2::new(1.2, -1.0), Point2::new(1.2, -1.0), Point2::new(3.0, 0.5), Point2::new(3.0, 0.5)];
        assert!(overlaps_hull(&square, &crossing));
        assert!(!overlaps_hull(&square, &beside));
        assert!(!overlaps_hull(&square, &diagonal));
    }
}
