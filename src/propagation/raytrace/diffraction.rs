//! Diffracted paths: light that bends round door and window jambs, wall
//! ends and corners.
//!
//! A path has at most one diffraction, on a vertical edge of the receiver's
//! own storey ([`crate::scene::optics::Edge`]), with up to one wall
//! reflection before it (R→D) or after it (D→R), the diffraction counting
//! as one of the path's interactions. The edge's geometry is that of thin
//! screens on the walls' centrelines; the coefficient is the UTD wedge
//! coefficient with the walls' P.2040 reflection and transmission
//! coefficients ([`super::utd`]).
//!
//! The vertical profile is the straight unfolded line from the AP to the
//! receiver (no floor or ceiling bounce on a diffracted path): for a
//! vertical edge Keller's cone puts the diffraction point at the height of
//! that line where it meets the edge, `β₀` follows from its slope.
//!
//! **Continuity.** In a sum of powers, a diffracted ray and the direct ray
//! whose shadow boundary it smooths are not independent near that
//! boundary: UTD makes their *fields* continuous, their powers jump. So
//! each diffracted path adds its power plus the interference term with
//! its companion `2·Re(E_GO*·E_d)` (the direct or specularly reflected
//! path whose boundary the edge lies on), weighted down to 0 away from the
//! boundary, beyond which the two are treated as independent like every
//! other pair of paths. On the lit side the weight is 1 while the path
//! difference is under half a wavelength and reaches 0 at one and a half
//! (the first Fresnel ripple of a knife edge is kept). On the shadow side
//! the companion is the field through the wall, whose interference with
//! the diffracted field is fading an incoherent sum averages out: the
//! weight falls from 1 on the boundary to 0 at a quarter wavelength, so the
//! term restores continuity without a ripple. The coherent sum needs no
//! such care.
//!
//! **Cost.** Diffraction matters where the specular field is weak: edges
//! of walls that let at least 10 dB less through than they would without
//! them ([`SCREEN_LOSS`]), receivers where the diffracted path can reach
//! within [`RELATIVE_DB`] of the field already found, and on the lit side
//! only near a shadow or reflection boundary. A row is walked in groups of
//! blocks of cells, each group and then each block tested against bounds
//! that hold for all its cells before any cell is: the disc the source's
//! free-space bound can reach, the band of outgoing lengths that keeps the
//! diffraction point on the edge (a door jamb stops at the lintel), the
//! cones of opaque walls and the beam of the reflection after the edge,
//! and the coefficient's bound over the block's range of diffracted
//! directions. A path that passes computes
//! its reflections and transmissions before the coefficient itself,
//! because walls end most of the paths still alive.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use num_complex::Complex64;

use super::horizontal::HorizontalSource;
use super::images::{self, ImageTree, OwnCone, RowCone, TreeInputs};
use super::trace::{
    block_lowest, clip_footprint, cross_in_height, Amplitude, Bounce, Explain, FieldSum, Outgoing, OwnOnRow,
    PathRecord, PlanCrossing, Reflection,
};
use super::utd::{
    coefficient_bound_over, coefficient_bound_with, coefficient_with, IncidentTrig, WedgeFaces, WedgeGeometry,
};
use super::TraceContext;
use crate::geometry::{segment_intersection, Point2, Point3, Vector3};
use crate::materials::Polarization;
use crate::propagation::crossing::{index_range, row_interval, Shadow};
use crate::propagation::multiwall::{loss_of, Crossing, CrossingKind};
use crate::propagation::MIN_DISTANCE;
use crate::scene::optics::Edge;
use crate::units::{Db, Real};

/// Edges of walls whose slab keeps more than this share of the power at
/// normal incidence (10 dB) do not diffract: the field behind them is the
/// field through them, the shadow boundary a step of under 10 dB.
pub const SCREEN_LOSS: Real = 0.1;

/// Diffracted paths this far under the field already found at a receiver
/// (specular paths and vaults) are left out: even ten of them add under
/// 0.05 dB.
pub const RELATIVE_DB: Real = 30.0;
pub(super) const RELATIVE: Real = 1e-3;

/// `|D|² ≤ BOUND · s s′/(s + s′)`: each of the four terms is at most its
/// boundary limit `n √(2πkL)` (with margin), which bounds the diffracted
/// power by `BOUND` times the free-space power over `s + s′`.
pub(super) const BOUND: Real = 8.0;

/// Cells of a row tested together.
const BLOCK: usize = 16;

/// Blocks per group: a group is tested with every bound a block is (the
/// coefficient's too), and its test saves its blocks' when it fails. On
/// the one-storey generated school, groups of 4 blocks tested with free
/// space alone left 130 M block tests; with every bound, 49 M. Groups of
/// 8 took 3 % less time than 4, groups of 16 or 32 more.
const GROUP: usize = 8;

/// The trees of a storey's diffracting edges as sources, shared by its
/// APs. An edge's tree depends on the edge, the storey's walls and the
/// slab losses (they order its walls and bound its cones), not on the AP:
/// built with bounds that hold over every channel of a band, each is built
/// once per band instead of once per AP and pass.
#[derive(Default)]
pub struct EdgeTrees {
    /// By (edge, reflections after it, band); each slot is
    /// filled once, by the first AP that needs it.
    trees: Mutex<HashMap<EdgeTreeKey, Arc<OnceLock<Arc<ImageTree>>>>>,
}

/// An edge tree's key: the edge, the reflections after it, the band.
type EdgeTreeKey = (u32, u8, crate::radio::Band);

impl EdgeTrees {
    /// The tree under `key`, built by `build` if no AP has built it yet.
    fn get(&self, key: EdgeTreeKey, build: impl FnOnce() -> Arc<ImageTree>) -> Arc<ImageTree> {
        // The lock only finds the slot: building waits only for the same key.
        let slot = self.trees.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).entry(key).or_default().clone();
        slot.get_or_init(build).clone()
    }
}

/// An incident path to an edge: the AP's image and the plan points.
#[derive(Clone, Debug)]
pub struct Source {
    /// Index of the edge in its storey's [`crate::scene::optics::FloorOptics::edges`].
    pub edge: u32,
    /// Wall reflections before the edge (0 or 1).
    pub reflections: u8,
    /// The face of the reflection (storey face index).
    pub face: u32,
    /// AP, reflection point (if any), edge, on the plan.
    pub points: [Point2; 3],
    /// The AP's image as the edge sees it.
    pub image: Point2,
    /// Unfolded plan length from the AP to the edge, m.
    pub length: Real,
    /// Angle of the incident direction (towards the AP) from the 0-face.
    pub phi_incident: Real,
    /// What the coefficient's bound needs of the incident direction, with
    /// the lit face as the 0-face.
    pub trig: IncidentTrig,
    /// Wall crossings of each incident leg, ranges of the incident crossings.
    pub legs: [(u32, u32); 2],
    /// Wall reflections allowed after the edge (0 or 1).
    pub after: u8,
    /// The most power the incident path keeps through the walls it
    /// certainly crosses whole (any height and angle).
    pub through: Real,
    /// An upper bound of the edge's `|J|`, the jump of the direct field
    /// across its incident shadow boundary (see
    /// [`WedgeFaces::transmission`]): `|T_aperture| + |T_wall|` at their
    /// largest over every angle. 1 beside air for an opaque wall, where
    /// the coefficient's cheap bounds would otherwise take 2.
    pub jump: Real,
    /// The nodes of the edge's tree this incident path continues through:
    /// the root, and the reflections after the edge whose face the
    /// diffracted field can reach in a direction worth computing.
    pub nodes: Vec<u32>,
}

/// Everything about diffraction fixed for one AP and storey.
#[derive(Clone, Debug, Default)]
pub struct Diffraction {
    /// Incident paths to the edges.
    pub sources: Vec<Source>,
    /// Per storey edge: the image tree of the edge as a source (its root's
    /// candidates are the walls a diffracted leg may cross; depth-1 nodes
    /// are reflections after the edge), for edges some source uses.
    pub trees: Vec<Option<Arc<ImageTree>>>,
    /// Per storey edge: the cones from the edge where a leg certainly
    /// crosses an opaque wall (for pruning).
    pub cones: Vec<Vec<OwnCone>>,
    /// Incident wall crossings of every source.
    pub(super) crossings: Vec<PlanCrossing>,
    /// The horizontal edges the AP can diffract on ([`super::horizontal`]).
    pub(super) horizontal: Vec<HorizontalSource>,
}

impl<'a> TraceContext<'a> {
    /// Finds the incident paths of every diffracting edge of the storey and
    /// prepares the edges' own trees. `reflections`: the most wall
    /// reflections a diffracted path may have (0 or 1).
    /// The edges' trees are built over `band_bounds` (the walls' bounds
    /// at their largest over the band's channels), and come from `shared`
    /// when given (built there by the first AP of the band that needs them,
    /// with one reflection after the edge if the paths may have one).
    pub(super) fn prepare_diffraction(
        &self,
        reflections: u8,
        opaque: &[Real],
        (band_bounds, shared): (&(Vec<Real>, Vec<Real>), Option<&EdgeTrees>),
    ) -> Diffraction {
        let mut out = Diffraction::default();
        let edges = &self.optics.edges;
        out.trees = vec![None; edges.len()];
        out.cones = vec![Vec::new(); edges.len()];
        let walls = &self.scene.optics.walls;
        let wavelength = self.ap.frequency.wavelength();
        for (e, edge) in edges.iter().enumerate() {
            if self.lookup.power(&edge.slab, 1.0, Polarization::Te).1 > SCREEN_LOSS {
                continue;
            }
            let aperture = edge.aperture.map_or(1.0, |leaf| self.lookup.max_transmission_power(&leaf));
            let jump = aperture.sqrt() + self.lookup.max_transmission_power(&edge.slab).sqrt();
            let excluded = |w: u32| w == edge.wall || Some(w) == edge.other;
            let mut after_needed: Option<u8> = None;
            for (index, node) in self.tree.nodes.iter().enumerate() {
                if node.depth > reflections || !node.may_see(edge.point) {
                    continue;
                }
                // Walk back from the edge through the node's face.
                let mut points = [self.ap.position.xy(), edge.point, edge.point];
                if node.depth == 1 {
                    let face = &self.optics.faces[node.face as usize];
                    match segment_intersection(node.image, edge.point, face.p0, face.p1) {
                        Some((t, _)) if t > 0.0 && t < 1.0 => points[1] = node.image + (edge.point - node.image) * t,
                        _ => continue,
                    }
                }
                let previous = points[node.depth as usize];
                let phi_incident = edge.angle(previous - edge.point);
                if phi_incident <= 1e-9 || phi_incident >= edge.n * std::f64::consts::PI - 1e-9 {
                    continue;
                }
                let length = (edge.point - node.image).norm();
                // The strongest diffracted power anywhere (at the edge).
                let best = BOUND
                    * self.eirp_mw
                    * (wavelength / (4.0 * std::f64::consts::PI * length.max(MIN_DISTANCE))).powi(2);
                if best < self.cutoff_mw {
                    continue;
                }
                // Incident crossings, plan level.
                let mut legs = [(0u32, 0u32); 2];
                for leg in 0..=node.depth as usize {
                    let (a, b) = (points[leg], if leg == node.depth as usize { edge.point } else { points[leg + 1] });
                    let start = out.crossings.len() as u32;
                    let mut add = |wall: u32| {
                        if excluded(wall) && leg == node.depth as usize {
                            return;
                        }
                        if let Some((enter, leave, cos)) = clip_footprint(&walls[wall as usize], a, b) {
                            out.crossings.push(PlanCrossing { wall, enter, leave, cos, simple: false });
                        }
                    };
                    if leg < node.depth as usize {
                        let span = node.aperture.1 - node.aperture.0;
                        let u = (b - node.aperture.0).dot(&span) / span.norm_squared();
                        for &(wall, low, high) in
                            &self.tree.incoming[node.incoming.start as usize..node.incoming.end as usize]
                        {
                            if low <= u && u <= high {
                                add(wall);
                            }
                        }
                    } else {
                        for &(wall, shadow) in &self.last_leg(&self.tree, index).outgoing {
                            if shadow.contains(edge.point) {
                                add(wall);
                            }
                        }
                    }
                    legs[leg] = (start, out.crossings.len() as u32);
                }
                // What the incident legs certainly lose in walls crossed
                // whole, floor to ceiling, away from openings.
                let mut through: Real = 1.0;
                for leg in 0..=node.depth as usize {
                    let (a, b) = (points[leg], if leg == node.depth as usize { edge.point } else { points[leg + 1] });
                    let plan_length = (b - a).norm();
                    let (first, last) = legs[leg];
                    for pc in &out.crossings[first as usize..last as usize] {
                        let wall = &walls[pc.wall as usize];
                        let whole = plan_length * (pc.leave - pc.enter) * pc.cos >= 2.0 * wall.half - 1e-6;
                        if whole {
                            let (enter, leave) = (a + (b - a) * pc.enter, a + (b - a) * pc.leave);
                            through *= self.crossing_bound(wall, pc.wall, (enter, leave), pc.cos);
                        }
                    }
                }
                if node.depth == 1 {
                    // The reflection before the edge, at its plan angle or
                    // any more grazing one (a steeper path).
                    let face = &self.optics.faces[node.face as usize];
                    let incoming = points[1] - points[0];
                    let cos = (incoming.dot(&face.normal) / incoming.norm().max(MIN_DISTANCE)).abs();
                    through *= self.reflector_bound(face.wall, cos);
                }
                if best * through < self.cutoff_mw {
                    out.crossings.truncate(legs[0].0 as usize);
                    continue;
                }
                let after = reflections - node.depth;
                after_needed = Some(after_needed.map_or(after, |a: u8| a.max(after)));
                out.sources.push(Source {
                    edge: e as u32,
                    reflections: node.depth,
                    face: node.face,
                    points,
                    image: node.image,
                    length,
                    phi_incident,
                    trig: IncidentTrig::new(edge.n, lit_face_angle(edge.n, phi_incident)),
                    legs,
                    after,
                    through,
                    jump,
                    nodes: Vec::new(),
                });
            }
            let Some(depth) = after_needed else { continue };
            // The edge as a source: its direct candidates and first-order
            // reflections, its own walls left out (it is their tip).
            let storey_walls = self.optics.walls.clone();
            let first_leg: Vec<u32> = storey_walls.clone().map(|w| w as u32).filter(|&w| !excluded(w)).collect();
            let direct: Vec<(u32, Shadow)> =
                first_leg.iter().map(|&w| (w, Shadow::of(&walls[w as usize], edge.point))).collect();
            let build = |max_depth: u8| {
                Arc::new(images::build(TreeInputs {
                    source: edge.point,
                    faces: &self.optics.faces,
                    walls,
                    storey_walls,
                    first_leg_walls: &first_leg,
                    direct,
                    max_depth,
                    wall_bounds: &band_bounds.0,
                    opaque: &band_bounds.1,
                    opaque_by_cos: &[],
                    same_storey: true,
                    cutoff: None,
                    slab_bound: &|_| 1.0,
                }))
            };
            // A tree one level deeper than this AP needs gives it the same
            // paths: its sources take no node deeper than theirs.
            out.trees[e] = Some(match shared {
                Some(shared) => shared.get((e as u32, reflections, self.ap.band), || build(reflections)),
                None => build(depth),
            });
            out.cones[e] = first_leg
                .iter()
                .filter(|&&w| opaque.get(w as usize).is_some_and(|&b| b < images::OPAQUE))
                .flat_map(|&w| {
                    let wall = &walls[w as usize];
                    let far = images::far_side(wall, edge.point);
                    images::certain_cones(wall, edge.point, &[])
                        .into_iter()
                        .map(move |(low, high)| {
                            let [left, right] = images::cone_sides(edge.point, low, high);
                            OwnCone { planes: [left, right, far], bound: opaque[w as usize] }
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
        }
        // Which nodes of its edge's tree each incident path goes on to.
        // A reflection after the edge is left out when even its strongest
        // beam (the walls the leg from the edge to the face certainly
        // crosses) cannot bring the path to the cutoff.
        let free = self.eirp_mw * (wavelength / (4.0 * std::f64::consts::PI)).powi(2);
        for source in &mut out.sources {
            let Some(tree) = &out.trees[source.edge as usize] else { continue };
            let edge = &edges[source.edge as usize];
            source.nodes = tree
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, node)| {
                    if node.depth > source.after {
                        return false;
                    }
                    if node.depth == 0 {
                        return true;
                    }
                    let strongest =
                        images::segments_max(&tree.beam[node.beam.start as usize..node.beam.end as usize], 0.0, 1.0);
                    let nearest =
                        crate::geometry::point_segment_distance(edge.point, node.aperture.0, node.aperture.1).0;
                    let best =
                        BOUND * source.through * strongest * free / (source.length + nearest).max(MIN_DISTANCE).powi(2);
                    best >= self.cutoff_mw
                })
                .map(|(m, _)| m as u32)
                .collect();
        }
        out.horizontal = self.prepare_horizontal();
        out
    }

    /// Every diffracted path to the receivers of the rows `ys` (`skip` and
    /// `sums` row after row), after the specular ones are summed: the
    /// cutoff is relative to them. Each edge tree's node is visited once
    /// for all the rows (see [`TraceContext::trace_rows`]); every cell gets
    /// the same paths in the same order as alone.
    pub(super) fn diffract_rows(&self, ys: &[Real], xs: &[Real], z: Real, skip: &[bool], sums: &mut [FieldSum]) {
        let Some(diffraction) = &self.diffraction else { return };
        for sum in sums.iter_mut() {
            sum.specular_mw = sum.power_mw;
        }
        let width = xs.len();
        let blocks = width.div_ceil(BLOCK);
        let wavelength = self.ap.frequency.wavelength();
        let free = self.eirp_mw * (wavelength / (4.0 * std::f64::consts::PI)).powi(2);
        // The lowest cutoff of each aligned block of cells of a row, kept
        // up to date as paths are added (cutoffs only rise).
        let block_cutoff = |sums: &[FieldSum], skip: &[bool], block: usize| -> Real {
            block_lowest((sums, skip), (block, BLOCK), |sum| cutoff(sum, self.cutoff_mw))
        };
        let mut cutoffs: Vec<Real> = (0..ys.len() * blocks)
            .map(|k| {
                let cells = (k / blocks) * width..(k / blocks + 1) * width;
                block_cutoff(&sums[cells.clone()], &skip[cells], k % blocks)
            })
            .collect();
        let row_cutoffs: Vec<Real> =
            cutoffs.chunks(blocks.max(1)).map(|row| row.iter().copied().fold(Real::INFINITY, Real::min)).collect();
        // And of each group of blocks, tested before its blocks: far from
        // the edge most groups are under every cutoff they hold.
        let groups = blocks.div_ceil(GROUP);
        let group_cutoff = |cutoffs: &[Real], group: usize| -> Real {
            cutoffs[group * GROUP..((group + 1) * GROUP).min(blocks)].iter().copied().fold(Real::INFINITY, Real::min)
        };
        let mut group_cutoffs: Vec<Real> = (0..ys.len() * groups)
            .map(|k| group_cutoff(&cutoffs[(k / groups) * blocks..(k / groups + 1) * blocks], k % groups))
            .collect();
        if row_cutoffs.iter().all(|c| c.is_infinite()) {
            return;
        }
        let rise = z - self.ap.position.z;
        // Per row and edge, its cones cut to the row (found when first
        // needed): the same test as the cones' planes, without the
        // per-cell work.
        let edges = diffraction.cones.len();
        let mut row_cones: Vec<Option<Vec<RowCone>>> = vec![None; edges * ys.len()];
        let mut own_row = OwnOnRow::default();
        let mut active: Vec<(u32, u32, u32)> = Vec::new();
        // Per row, the cells a source's node can reach: (start, end, the
        // farthest outgoing length).
        let mut row_spans: Vec<Option<(usize, usize, Real)>> = vec![None; ys.len()];
        // Per column of groups, whether a source's node can reach it.
        let mut column_alive = vec![false; groups];
        for source in &diffraction.sources {
            let Some(tree) = &diffraction.trees[source.edge as usize] else { continue };
            let edge = &self.optics.edges[source.edge as usize];
            let length = source.length.max(MIN_DISTANCE);
            // The diffraction point's height on the edge moves with the
            // unfolded length (see `diffract`): the outgoing plan lengths
            // that keep it on the edge, an interval.
            let (mut low_out, mut high_out) = (0.0, Real::INFINITY);
            for (limit, above) in [(edge.z.0, true), (edge.z.1, false)] {
                // z_AP + rise ℓ/(ℓ + ℓ′) against `limit`.
                let offset = limit - self.ap.position.z;
                if rise == 0.0 {
                    if (above && offset > 0.0) || (!above && offset < 0.0) {
                        high_out = -1.0;
                    }
                    continue;
                }
                // ℓ′ = ℓ (rise/offset − 1) is where the height crosses `limit`.
                let ratio = offset / rise;
                let crossing = if ratio > 0.0 { length * (1.0 / ratio - 1.0) } else { Real::INFINITY };
                // The height moves from z_AP + rise (ℓ′ = 0) towards z_AP.
                let rising_with_out = rise < 0.0;
                let keep_beyond = above == rising_with_out;
                if keep_beyond {
                    low_out = Real::max(low_out, if ratio > 0.0 { crossing } else { Real::INFINITY });
                } else if ratio > 0.0 {
                    high_out = high_out.min(crossing);
                } else if (above && offset > 0.0) || (!above && offset < 0.0) {
                    high_out = -1.0;
                }
            }
            if high_out < low_out || high_out <= 0.0 {
                continue;
            }
            for &m in &source.nodes {
                let (m, node) = (m as usize, &tree.nodes[m as usize]);
                // First the cells of each row the node can reach (with the
                // farthest outgoing length that can still matter there).
                let mut reached = false;
                for (row, &y) in ys.iter().enumerate() {
                    row_spans[row] = None;
                    // The farthest a diffracted field of this source can
                    // carry above the row's lowest cutoff (free space,
                    // certain losses).
                    let reach = (BOUND * source.through * free / row_cutoffs[row]).sqrt() - length;
                    let high_out = high_out.min(reach);
                    if high_out < low_out || high_out <= 0.0 {
                        continue;
                    }
                    let dy = (y - node.image.y).abs();
                    if dy > high_out {
                        continue;
                    }
                    let half = (high_out * high_out - dy * dy).sqrt();
                    let (wedge_low, wedge_high) = row_interval(&node.wedge, y);
                    let (start, end) =
                        index_range(xs, (wedge_low.max(node.image.x - half), wedge_high.min(node.image.x + half)));
                    if start < end {
                        row_spans[row] = Some((start, end, high_out));
                        reached = true;
                    }
                }
                if !reached {
                    continue;
                }
                // Then each column of groups over all the rows at once: the
                // box of its cells those rows reach, with their lowest
                // group cutoff (cutoffs only rise as paths are added, so a
                // column left out now would be left out row by row), by
                // free space and the coefficient's bound over the box's
                // directions. On one storey of the generated school 70 %
                // of 1.8 M column tests end their column, and the group
                // tests fall from 42 M to 12 M.
                let image = node.image;
                let mut any_alive = false;
                for (group, alive) in column_alive.iter_mut().enumerate() {
                    let columns = group * GROUP * BLOCK..((group + 1) * GROUP * BLOCK).min(width);
                    let mut bounding = [Real::INFINITY, Real::INFINITY, Real::NEG_INFINITY, Real::NEG_INFINITY];
                    let mut lowest = Real::INFINITY;
                    for (row, &y) in ys.iter().enumerate() {
                        let Some((start, end, _)) = row_spans[row] else { continue };
                        let (first, stop) = (start.max(columns.start), end.min(columns.end));
                        if first < stop {
                            bounding = [
                                bounding[0].min(xs[first]),
                                bounding[1].min(y),
                                bounding[2].max(xs[stop - 1]),
                                bounding[3].max(y),
                            ];
                            lowest = lowest.min(group_cutoffs[row * groups + group]);
                        }
                    }
                    *alive = lowest.is_finite() && {
                        let [x0, y0, x1, y1] = bounding;
                        let nearest = Real::hypot(
                            (x0 - image.x).max(image.x - x1).max(0.0),
                            (y0 - image.y).max(image.y - y1).max(0.0),
                        );
                        let corners =
                            [Point2::new(x0, y0), Point2::new(x1, y0), Point2::new(x1, y1), Point2::new(x0, y1)];
                        BOUND * source.through * free / (length + nearest).powi(2) >= lowest
                            && self.block_reach(source, node, &corners, nearest, source.through, lowest).is_some()
                    };
                    any_alive |= *alive;
                }
                if !any_alive {
                    continue;
                }
                for (row, &y) in ys.iter().enumerate() {
                    let Some((start, end, high_out)) = row_spans[row] else { continue };
                    let cells = row * width..(row + 1) * width;
                    let (skip, sums) = (&skip[cells.clone()], &mut sums[cells]);
                    let cutoffs = &mut cutoffs[row * blocks..(row + 1) * blocks];
                    let group_cutoffs = &mut group_cutoffs[row * groups..(row + 1) * groups];
                    // The edge's cones cut to this row, shared by its
                    // sources (found when a block first needs them).
                    let edge_cones = &diffraction.cones[source.edge as usize];
                    let row_edge_cones = &mut row_cones[row * edges + source.edge as usize];
                    // The cells `first..=last` as a segment of the row and
                    // its distance from the node's image, unless its
                    // outgoing lengths leave the band that keeps the
                    // diffraction point on the edge, or free space and the
                    // incident walls alone leave it under `cutoff`.
                    let within_reach = |first: usize, last: usize, cutoff: Real| {
                        let (a, b) = (Point2::new(xs[first], y), Point2::new(xs[last], y));
                        let nearest = crate::geometry::point_segment_distance(node.image, a, b).0;
                        let far = (a - node.image).norm().max((b - node.image).norm());
                        let reached = cutoff.is_finite()
                            && far >= low_out
                            && nearest <= high_out
                            && BOUND * source.through * free / (length + nearest).powi(2) >= cutoff;
                        reached.then_some((a, b, nearest))
                    };
                    // Every bound that holds for the cells `first..=last`
                    // together: free space and the incident walls, then
                    // the reflection after the edge with the walls the leg
                    // to it certainly crosses, then the coefficient's bound
                    // over the block's directions ([`Self::block_reach`]),
                    // then the cones where the outgoing leg certainly
                    // crosses an opaque wall (convex: both ends inside, all
                    // inside). The cones come last: an edge or node has
                    // dozens, the coefficient ends most blocks first. That
                    // bound's numerator (see [`RowBounds`]), unless the
                    // bounds leave the cells under `cutoff`.
                    let segment_reach = |first: usize,
                                         last: usize,
                                         cutoff: Real,
                                         (own_row, row_edge_cones): (&mut OwnOnRow, &mut Option<Vec<RowCone>>)| {
                        let (a, b, nearest) = within_reach(first, last, cutoff)?;
                        let mut through = source.through;
                        if node.depth == 1 {
                            let face = &self.optics.faces[node.face as usize];
                            through *= self.reflector_bound(face.wall, steepest_cos(node.image, face.normal, (a, b)));
                            let frame = node.frame();
                            if let (Some(ua), Some(ub)) = (frame.u(a), frame.u(b)) {
                                through *= images::segments_max(
                                    &tree.beam[node.beam.start as usize..node.beam.end as usize],
                                    ua.min(ub),
                                    ua.max(ub),
                                );
                            }
                            if BOUND * through * free / (length + nearest).powi(2) < cutoff {
                                return None;
                            }
                        }
                        let mut numerator = self.block_reach(source, node, &[a, b], nearest, through, cutoff)?;
                        let outgoing_cones = if m == 0 {
                            row_edge_cones.get_or_insert_with(|| edge_cones.iter().filter_map(|c| c.on_row(y)).collect())
                        } else {
                            own_row.cut(self, tree, m, y)
                        };
                        let near = nearest.max(MIN_DISTANCE);
                        let spread = length * near * (length + near);
                        for cone in outgoing_cones.iter() {
                            if cone.holds(a.x, b.x) {
                                numerator *= cone.bound;
                                if numerator / spread < cutoff {
                                    return None;
                                }
                            }
                        }
                        Some(numerator)
                    };
                    // The node's own cones cut to this row, and the walls
                    // whose shadow from it covers the row's cells, when
                    // first needed.
                    own_row.forget();
                    let mut active_ready = false;
                    let mut block = start;
                    while block < end {
                        let aligned = block / BLOCK;
                        if block == start || aligned % GROUP == 0 {
                            // The whole group (within the span) at once, with
                            // its lowest cutoff: a group skipped holds no
                            // block that would pass.
                            let group_end = ((aligned / GROUP + 1) * GROUP * BLOCK).min(end);
                            if !column_alive[aligned / GROUP] {
                                block = group_end;
                                continue;
                            }
                            let group_cutoff = group_cutoffs[aligned / GROUP];
                            let reached =
                                segment_reach(block, group_end - 1, group_cutoff, (&mut own_row, row_edge_cones));
                            if reached.is_none() {
                                block = group_end;
                                continue;
                            }
                        }
                        let block_end = ((aligned + 1) * BLOCK).min(end);
                        let cells = block..block_end;
                        block = block_end;
                        let cutoff = cutoffs[aligned];
                        let Some(block_bound) =
                            segment_reach(cells.start, cells.end - 1, cutoff, (&mut own_row, row_edge_cones))
                        else {
                            continue;
                        };
                        let outgoing_cones = match row_edge_cones {
                            Some(cones) if m == 0 => &cones[..],
                            _ => own_row.cut(self, tree, m, y),
                        };
                        if !active_ready {
                            self.active_walls(tree, m, xs, y, (start, end), &mut active);
                            active_ready = true;
                        }
                        let mut added = false;
                        for i in cells {
                            if !skip[i] {
                                let before = sums[i].paths;
                                let receiver = Point3::new(xs[i], y, z);
                                let outgoing = Outgoing::Row { active: &active, cell: i as u32 };
                                let row = RowBounds { cones: outgoing_cones, block_bound, outgoing };
                                self.diffract(source, tree, m, receiver, Some(row), &mut sums[i], &mut None);
                                added |= sums[i].paths != before;
                            }
                        }
                        if added {
                            cutoffs[aligned] = block_cutoff(sums, skip, aligned);
                            group_cutoffs[aligned / GROUP] = group_cutoff(cutoffs, aligned / GROUP);
                        }
                    }
                }
            }
        }
        self.diffract_horizontal_rows(&diffraction.horizontal, (ys, xs, z), skip, sums);
    }

    /// `None` when no receiver of the convex region with corners `points`
    /// (a row block `a → b`, or a box of rows) can get a diffracted field
    /// above `cutoff` from `source` through the edge tree's `node`, by the
    /// coefficient's bound over the region's range of diffracted
    /// directions, which its corners span (`nearest`: the region's
    /// distance from the node's image; `through`: what the incident walls
    /// and the reflection after the edge keep at most); else that bound's
    /// numerator (see [`RowBounds`]), which the outgoing leg's certain
    /// crossings then scale down.
    ///
    /// With plan lengths `ℓ` (incident) and `ℓ′`, the diffracted power is
    /// `P_free · |D|² / (s s′ (s + s′))` with `s = ℓ / sin β₀`, which is at
    /// most `P_free · (|D| sin β₀)² / (ℓ ℓ′ (ℓ + ℓ′))`.
    fn block_reach(
        &self,
        source: &Source,
        node: &images::ImageNode,
        points: &[Point2],
        nearest: Real,
        through: Real,
        cutoff: Real,
    ) -> Option<Real> {
        let pi = std::f64::consts::PI;
        let edge = &self.optics.edges[source.edge as usize];
        // The diffracted direction towards a receiver `p` after a
        // reflection is the direction to `p`'s mirror image in the face.
        let seen = |p: Point2| -> Point2 {
            if node.depth == 0 {
                p
            } else {
                self.optics.faces[node.face as usize].mirror(p)
            }
        };
        let (mut low, mut high, mut far) = (Real::INFINITY, Real::NEG_INFINITY, 0.0);
        for &p in points {
            let phi = edge.angle(seen(p) - edge.point);
            (low, high) = (low.min(phi), high.max(phi));
            far = Real::max(far, (p - node.image).norm());
        }
        if high - low >= pi {
            // The block's directions wrap past the 0-face (or surround
            // the edge): no bound.
            return Some(Real::INFINITY);
        }
        let mut phi_incident = source.phi_incident;
        if phi_incident > edge.n * pi / 2.0 {
            phi_incident = edge.n * pi - phi_incident;
            (low, high) = (edge.n * pi - high, edge.n * pi - low);
        }
        let length = source.length.max(MIN_DISTANCE);
        let max_distance = length * far / (length + far);
        let wavelength = self.ap.frequency.wavelength();
        let k = 2.0 * pi / wavelength;
        let d = coefficient_bound_over(
            &source.trig,
            (edge.n, phi_incident),
            (low, high),
            max_distance,
            k,
            (source.jump, 1.0, 1.0),
        );
        let near = nearest.max(MIN_DISTANCE);
        let free = self.eirp_mw * (wavelength / (4.0 * pi)).powi(2);
        let numerator = free * through * d * d;
        (numerator / (length * near * (length + near)) >= cutoff).then_some(numerator)
    }

    /// Every diffracted path to one receiver.
    pub(super) fn diffract_point(&self, receiver: Point3, sum: &mut FieldSum, explain: &mut Explain) {
        let Some(diffraction) = &self.diffraction else { return };
        sum.specular_mw = sum.power_mw;
        for source in &diffraction.sources {
            let Some(tree) = &diffraction.trees[source.edge as usize] else { continue };
            for &m in &source.nodes {
                if tree.nodes[m as usize].may_see(receiver.xy()) {
                    self.diffract(source, tree, m as usize, receiver, None, sum, explain);
                }
            }
        }
        for source in &diffraction.horizontal {
            self.diffract_horizontal(source, receiver, sum, explain);
        }
    }

    /// One diffracted path: `source`'s incident path, the edge, then the
    /// edge tree's node `m` (its root: straight to the receiver).
    /// `row`: what the receiver's row block found (the outgoing leg's
    /// cones cut to the row, the block's bound), when the receiver is on a
    /// grid row.
    #[allow(clippy::too_many_arguments)]
    fn diffract(
        &self,
        source: &Source,
        tree: &ImageTree,
        m: usize,
        receiver: Point3,
        row: Option<RowBounds>,
        sum: &mut FieldSum,
        explain: &mut Explain,
    ) {
        let edge: &Edge = &self.optics.edges[source.edge as usize];
        let node = &tree.nodes[m];
        let c = receiver.xy();
        let pi = std::f64::consts::PI;
        // Cheapest tests first: free space over the unfolded length, the
        // walls the incident path and the outgoing leg certainly cross.
        let out_length = (c - node.image).norm();
        let horizontal = source.length + out_length;
        if horizontal <= 0.0 || out_length <= 0.0 {
            return;
        }
        let limit = cutoff(sum, self.cutoff_mw);
        if let Some(row) = &row {
            // The block's bound at this receiver's own outgoing length
            // (most receivers of a block that passed end here).
            let length = source.length.max(MIN_DISTANCE);
            let out = out_length.max(MIN_DISTANCE);
            if row.block_bound / (length * out * (length + out)) < limit {
                return;
            }
        }
        let source_z = self.ap.position.z;
        let rise = receiver.z - source_z;
        // Keller's cone puts the diffraction point where the straight
        // unfolded profile meets the edge: it must be on the edge.
        let edge_z = source_z + rise * source.length / horizontal;
        if edge_z < edge.z.0 || edge_z > edge.z.1 {
            return;
        }
        let length3 = (horizontal * horizontal + rise * rise).sqrt();
        let sin_beta = horizontal / length3;
        let (s_in, s_out) = (source.length / sin_beta, out_length / sin_beta);
        let wavelength = self.ap.frequency.wavelength();
        let k = 2.0 * pi / wavelength;
        let free = self.eirp_mw * (wavelength / (4.0 * pi)).powi(2);
        let mut bound = BOUND * source.through * free / ((s_in + s_out) * (s_in + s_out));
        if bound < limit {
            return;
        }
        if node.depth == 1 {
            // The reflection after the edge, at its angle or any more
            // grazing one (a steeper path).
            let face = &self.optics.faces[node.face as usize];
            let cos = ((c - node.image).dot(&face.normal) / out_length).abs() * sin_beta;
            bound *= self.reflector_bound(face.wall, cos);
            if let Some(u) = node.frame().u(c) {
                bound *= images::segment_bound(&tree.beam[node.beam.start as usize..node.beam.end as usize], u, &mut 0);
            }
            if bound < limit {
                return;
            }
        }
        match row.map(|row| row.cones) {
            Some(cones) => {
                for cone in cones {
                    if cone.holds(c.x, c.x) {
                        bound *= cone.bound;
                        if bound < limit {
                            return;
                        }
                    }
                }
            }
            _ => {
                let cones = if node.depth == 0 {
                    &self.diffraction.as_ref().expect("diffraction prepared").cones[source.edge as usize][..]
                } else {
                    &self.last_leg(tree, m).own[..]
                };
                for cone in cones {
                    if cone.contains(c) {
                        bound *= cone.bound;
                        if bound < limit {
                            return;
                        }
                    }
                }
            }
        }
        // Outgoing plan path: edge, reflection point (if any), receiver.
        let mut out_points = [edge.point, c, c];
        if node.depth == 1 {
            let face = &self.optics.faces[node.face as usize];
            match segment_intersection(node.image, c, face.p0, face.p1) {
                Some((t, _)) if t > 0.0 && t < 1.0 => out_points[1] = node.image + (c - node.image) * t,
                _ => return,
            }
        }
        let phi = edge.angle(out_points[1] - edge.point);
        if phi <= 1e-9 || phi >= edge.n * pi - 1e-9 {
            return;
        }
        let distance = s_in * s_out * sin_beta * sin_beta / (s_in + s_out);
        let lit = (phi - source.phi_incident).abs() < pi;
        let mut geometry = WedgeGeometry { n: edge.n, phi_incident: source.phi_incident, phi, sin_beta, distance, k };
        // The lit face is the 0-face.
        if geometry.phi_incident != lit_face_angle(edge.n, geometry.phi_incident) {
            geometry.phi_incident = edge.n * pi - geometry.phi_incident;
            geometry.phi = edge.n * pi - geometry.phi;
        }
        // A cheap bound of |D| first (most receivers get a diffracted field
        // far under the cutoff), with the edge's bound of |J| and |R| ≤ 1.
        let spread = (s_in * s_out * (s_in + s_out)).sqrt();
        let d_bound = coefficient_bound_with(&source.trig, &geometry, (source.jump, 1.0, 1.0));
        if free * (d_bound / spread).powi(2) * bound / (BOUND * free / ((s_in + s_out) * (s_in + s_out))) < limit {
            return;
        }
        // Everything on the path but the edge's coefficient, spreading and
        // phase: reflections and transmissions, found before the
        // coefficient because walls end most of the paths still alive.
        let mut common = Complex64::new(1.0, 0.0);
        let within = |common: Complex64| free * common.norm_sqr() * (d_bound / spread).powi(2) >= limit;

        // Reflections, with their points' heights on the straight profile.
        let height_at = |plan_distance: Real| source_z + rise * plan_distance / horizontal;
        let mut reflections: Vec<Reflection> = Vec::new();
        let explaining = explain.is_some();
        // The reflection's coefficient (times the specular share: the rest
        // is scattered), and its record when explaining.
        let reflect = |face_index: u32,
                       at: Point2,
                       from: Point2,
                       plan_distance: Real|
         -> Option<(Complex64, Option<Reflection>)> {
            let face = &self.optics.faces[face_index as usize];
            let wall = &self.scene.optics.walls[self.optics.walls.start + face.wall as usize];
            let z = height_at(plan_distance);
            let along = (at - wall.a).dot(&wall.along) / wall.length;
            let slab = wall.material_at(along, z)?;
            let direction = (at - from).normalize();
            let cos = sin_beta * direction.dot(&face.normal).abs();
            let r = self.lookup.response(&slab, cos, Polarization::Te).reflection;
            let record = explaining.then(|| Reflection {
                bounce: Bounce::Wall { wall: face.wall, side: face.side, opening: slab.slab != wall.slab.slab },
                point: Point3::new(at.x, at.y, z),
                incidence_deg: cos.clamp(0.0, 1.0).acos().to_degrees(),
                loss: loss_of(r),
            });
            Some((r * self.specular_share(&slab).sqrt(), record))
        };
        if source.reflections == 1 {
            let first = (source.points[1] - source.points[0]).norm();
            let Some((r, record)) = reflect(source.face, source.points[1], source.points[0], first) else { return };
            common *= r;
            reflections.extend(record);
        }
        let edge_point = Point3::new(edge.point.x, edge.point.y, edge_z);
        // The edge's own record, filled in once its coefficient is known.
        let edge_record = reflections.len();
        if node.depth == 1 {
            let at_distance = source.length + (out_points[1] - edge.point).norm();
            let Some((r, record)) = reflect(node.face, out_points[1], edge.point, at_distance) else { return };
            common *= r;
            reflections.extend(record);
        }
        if !within(common) {
            return;
        }

        // Transmissions of every leg.
        let walls = &self.scene.optics.walls;
        let mut crossings: Vec<(usize, Crossing)> = Vec::new();
        let mut leg_index = 0;
        let mut transmit =
            |pc: &PlanCrossing, from: Point3, to: Point3, plan_length: Real, leg: usize, amplitude: &mut Complex64| {
                let wall = &walls[pc.wall as usize];
                if let Some((slab, at, opening)) = cross_in_height(wall, pc, (0.0, 1.0), (from, to), plan_length) {
                    let cos = pc.cos * sin_beta;
                    *amplitude = amplitude.transmit(&self.lookup, &slab, cos, Polarization::Te);
                    if explain.is_some() {
                        let what = CrossingKind::Wall { floor: wall.floor, wall: wall.wall_index, opening };
                        crossings.push((leg, self.crossing_record(&(what, slab, cos, Polarization::Te, at))));
                    }
                }
            };
        // Incident legs.
        let incident_points: &[Point2] =
            if source.reflections == 1 { &source.points[..3] } else { &[source.points[0], edge.point] };
        let mut travelled = 0.0;
        for leg in 0..incident_points.len() - 1 {
            let (a, b) = (incident_points[leg], incident_points[leg + 1]);
            let plan_length = (b - a).norm();
            let from = Point3::new(a.x, a.y, height_at(travelled));
            travelled += plan_length;
            let to = Point3::new(b.x, b.y, height_at(travelled));
            let (first, last) = source.legs[leg];
            for pc in &self.diffraction.as_ref().expect("diffraction prepared").crossings[first as usize..last as usize]
            {
                transmit(pc, from, to, plan_length, leg_index, &mut common);
            }
            leg_index += 1;
        }
        // Outgoing legs: the edge tree's candidates.
        let outgoing_points: &[Point2] = if node.depth == 1 { &out_points[..3] } else { &out_points[..2] };
        for leg in 0..outgoing_points.len() - 1 {
            let (a, b) = (outgoing_points[leg], outgoing_points[leg + 1]);
            let plan_length = (b - a).norm();
            let from = Point3::new(a.x, a.y, height_at(travelled));
            travelled += plan_length;
            let to = Point3::new(b.x, b.y, height_at(travelled));
            let last_leg = leg + 1 == outgoing_points.len() - 1;
            // Every factor is at most 1: a path under the cutoff stays so.
            let mut test = |wall: u32, amplitude: &mut Complex64| {
                if let Some((enter, leave, cos)) = clip_footprint(&walls[wall as usize], a, b) {
                    let pc = PlanCrossing { wall, enter, leave, cos, simple: false };
                    transmit(&pc, from, to, plan_length, leg_index, amplitude);
                }
                within(*amplitude)
            };
            if last_leg {
                let outgoing = row.map_or(Outgoing::Point(c), |row| row.outgoing);
                let mut alive = true;
                outgoing.walls_behind(&self.last_leg(tree, m).outgoing, |wall| {
                    alive = test(wall, &mut common);
                    alive
                });
                if !alive {
                    return;
                }
            } else {
                let span = node.aperture.1 - node.aperture.0;
                let u = (b - node.aperture.0).dot(&span) / span.norm_squared();
                for &(wall, low, high) in &tree.incoming[node.incoming.start as usize..node.incoming.end as usize] {
                    if low <= u && u <= high && !test(wall, &mut common) {
                        return;
                    }
                }
            }
            leg_index += 1;
        }
        if !within(common) {
            return;
        }

        // The antenna pattern in the departure direction: towards the
        // first plan point on the straight vertical profile (the bounds
        // above used the peak gain).
        let first_leg = source.points[1] - source.points[0];
        let departure = Vector3::new(first_leg.x, first_leg.y, first_leg.norm() * rise / horizontal);
        let antenna_gain = self.ap.relative_gain(&departure);
        let free = free * antenna_gain;

        // The coefficient, with the edge's faces.
        let cos0 = geometry.phi_incident.sin().abs() * sin_beta;
        let cosn = (edge.n * pi - geometry.phi).sin().abs() * sin_beta;
        let incident_face = self.lookup.response(&edge.slab, cos0, Polarization::Te);
        // The direct field beside the edge: through the aperture's leaf (or
        // nothing), against through the wall.
        let aperture = edge
            .aperture
            .map_or(Complex64::new(1.0, 0.0), |leaf| self.lookup.transmission(&leaf, cos0, Polarization::Te));
        let faces = WedgeFaces {
            r0: incident_face.reflection,
            rn: self.lookup.response(&edge.slab, cosn, Polarization::Te).reflection,
            transmission: aperture - incident_face.transmission,
        };
        let d = coefficient_with(&source.trig, &geometry, &faces);
        let phase = Complex64::from_polar(1.0, -k * (s_in + s_out));
        let amplitude = common * d * phase / spread;
        let power = free * amplitude.norm_sqr();
        if power < limit {
            return;
        }
        if explain.is_some() {
            // The diffraction's own loss: the diffracted power over the free-
            // space power of the unfolded length s + s′.
            let diffracted = (d / spread).norm_sqr() * (s_in + s_out).powi(2);
            let bounce = Bounce::Edge { edge: source.edge, kind: edge.kind };
            reflections.insert(edge_record, edge_reflection(bounce, edge_point, geometry.phi_incident, diffracted));
        }
        // The interference with the direct companion near its shadow
        // boundary (incoherent sum only; see the module doc).
        let mut companion = None;
        if !self.coherent {
            // The companion of a path with a reflection after the edge
            // reaches the receiver's image in that face (as the reflection
            // before the edge is in the source's image): reciprocity.
            let seen = if node.depth == 0 { c } else { self.optics.faces[node.face as usize].mirror(c) };
            let direct_plan = (seen - source.image).norm();
            let direct = (direct_plan * direct_plan + rise * rise).sqrt();
            let weight = companion_weight(lit, k * (s_in + s_out - direct));
            if weight > 0.0 {
                let through = if lit { aperture } else { incident_face.transmission };
                // Everything but the edge is common to both paths.
                companion = Some((common * through * Complex64::from_polar(1.0 / direct, -k * direct), weight));
            }
        }
        self.add_diffracted(sum, (amplitude, free), companion);
        if let Some(explain) = explain.as_mut() {
            explain(self.diffracted_record((s_in + s_out, antenna_gain, power), reflections, crossings));
        }
    }
}

/// The largest `|cos|` between the face normal `normal` and the
/// directions from `image` to the points of the segment `a → b` (all on
/// the face's side): 1 when the normal's direction lies between those of
/// the ends, else the larger of the ends'.
fn steepest_cos(image: Point2, normal: crate::geometry::Vector2, (a, b): (Point2, Point2)) -> Real {
    let (da, db) = (a - image, b - image);
    let cos = |d: crate::geometry::Vector2| (d.dot(&normal) / d.norm().max(MIN_DISTANCE)).abs();
    if da.dot(&normal) * db.dot(&normal) <= 0.0 || normal.perp(&da) * normal.perp(&db) <= 0.0 {
        1.0
    } else {
        cos(da).max(cos(db))
    }
}

/// What a diffracted path keeps of the specular paths' power at least:
/// the interference term can only take back part of what they brought
/// (at a shadow boundary the field is half the direct one), never below a
/// quarter of their sum.
pub(super) const SPECULAR_KEPT: Real = 0.25;

impl TraceContext<'_> {
    /// Adds a diffracted path to `sum`: its `amplitude` (√ of a share of
    /// `free`, the free-space factor with the antenna's gain), and in an
    /// incoherent sum its interference term with `companion` (the direct
    /// or specularly reflected path whose shadow boundary the edge lies
    /// on, and the term's weight; see the module doc).
    pub(super) fn add_diffracted(
        &self,
        sum: &mut FieldSum,
        (amplitude, free): (Complex64, Real),
        companion: Option<(Complex64, Real)>,
    ) {
        let power = free * amplitude.norm_sqr();
        let cross =
            companion.map_or(0.0, |(companion, weight)| 2.0 * free * (companion.conj() * amplitude).re * weight);
        sum.power_mw = (sum.power_mw + (power + cross)).max(SPECULAR_KEPT * sum.specular_mw);
        sum.paths += 1;
        if self.coherent {
            sum.amplitude += amplitude * free.sqrt();
        }
    }

    /// A diffracted path's explanation, from its unfolded `length`, the
    /// antenna's relative gain in its departure direction and its `power`.
    pub(super) fn diffracted_record(
        &self,
        (length, antenna_gain, power): (Real, Real, Real),
        reflections: Vec<Reflection>,
        crossings: Vec<(usize, Crossing)>,
    ) -> PathRecord {
        let wavelength = self.ap.frequency.wavelength();
        let free_space = Db(-20.0 * (wavelength / (4.0 * std::f64::consts::PI * length)).log10());
        let reflection_loss: Real = reflections.iter().map(|r| r.loss.value()).sum();
        let antenna = Db(-10.0 * antenna_gain.log10());
        let total = -10.0 * (power / self.eirp_mw).log10();
        PathRecord {
            length,
            free_space,
            transmission: Db((total - free_space.value() - reflection_loss - antenna.value()).max(0.0)),
            reflections,
            crossings,
            power_dbm: 10.0 * power.log10(),
            antenna,
        }
    }
}

/// A diffraction's record in a path's explanation: `diffracted` is the
/// diffracted power over the free-space power of the unfolded length, the
/// incidence measured from the edge's lit face.
pub(super) fn edge_reflection(bounce: Bounce, point: Point3, phi_incident: Real, diffracted: Real) -> Reflection {
    Reflection { bounce, point, incidence_deg: phi_incident.to_degrees(), loss: Db(-10.0 * diffracted.log10()) }
}

/// The weight of the interference term between a diffracted path and its
/// companion (see the module doc), from their phase difference `k (s + s′
/// − d)`: on the lit side 1 up to half a wavelength, 0 from one and a
/// half; on the shadow side from 1 on the boundary to 0 at a quarter.
pub(super) fn companion_weight(lit: bool, difference: Real) -> Real {
    let pi = std::f64::consts::PI;
    if lit {
        ((3.0 * pi - difference) / (2.0 * pi)).clamp(0.0, 1.0)
    } else {
        (1.0 - difference / (pi / 2.0)).clamp(0.0, 1.0)
    }
}

/// The incident angle measured from the lit face: the coefficient takes
/// the face the incident field lights as its 0-face.
fn lit_face_angle(n: Real, phi_incident: Real) -> Real {
    if phi_incident > n * std::f64::consts::PI / 2.0 {
        n * std::f64::consts::PI - phi_incident
    } else {
        phi_incident
    }
}

/// What a row block's tests found for its receivers: the cones where the
/// leg after the edge certainly crosses an opaque wall (the edge's own,
/// or the reflection's node's), cut to the row, and
/// `P_free · through · (|D| sin β₀)²` bounded over the block's directions
/// (see [`TraceContext::block_reach`]; `through` with the walls the
/// outgoing leg certainly crosses), which over
/// `ℓ ℓ′ (ℓ + ℓ′)` at a receiver's own outgoing length `ℓ′` bounds its
/// diffracted power before any angle is computed.
#[derive(Clone, Copy)]
pub(super) struct RowBounds<'a> {
    cones: &'a [RowCone],
    block_bound: Real,
    /// The edge tree node's last-leg walls whose shadow covers some of the
    /// row's cells, with the receiver's cell.
    outgoing: Outgoing<'a>,
}

/// The cutoff for diffracted paths at a receiver: the specular cutoff, or
/// [`RELATIVE_DB`] under the field found so far.
#[inline]
pub(super) fn cutoff(sum: &FieldSum, absolute_mw: Real) -> Real {
    sum.cutoff_mw(absolute_mw).max(sum.power_mw * RELATIVE)
}
