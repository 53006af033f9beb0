//! Paths from one AP to its receivers: every image-tree node and vertical
//! bounce pattern is checked exactly against each receiver, and each valid
//! path gets its free-space loss over the unfolded length, the P.2040
//! reflection coefficient of every bounce and the P.2040 transmission
//! coefficient of everything each leg crosses.
//!
//! Receivers come one at a time ([`TraceContext::trace`], probes and
//! explanations) or a block of grid rows ([`TraceContext::trace_rows`]):
//! a row visits each node only over the cells inside its wedge, and tests
//! each wall only over the cells inside its shadow. Both run the same
//! per-path code, so a probe at a cell centre equals the grid's value.

use num_complex::Complex64;

use super::images::{segment_bound, segments_max, ImageNode, ImageTree, LastLeg, RowCone};
use crate::geometry::{segment_intersection, Point2, Point3, Vector3};
use crate::materials::slab_tables::{sample_below, SAMPLES};
use crate::materials::{Polarization, Slab};
use crate::propagation::crossing::{
    cross_wall, for_each_slab, index_range, row_interval, Leg, SlabLookup, GRAZE_TOLERANCE, MIN_TRANSMISSION_POWER,
};
use crate::propagation::multiwall::{loss_of, Crossing, CrossingKind};
use crate::propagation::MIN_DISTANCE;
use crate::scene::optics::{Facet, FloorOptics, KeyedSlab, Planes, WallOptics};
use crate::scene::{AccessPoint, Scene, SceneFloor};
use crate::units::{Db, Dbm, Real, SPEED_OF_LIGHT};

/// Cells of a row whose reach a node tests together before testing each.
const PRUNE_BLOCK: usize = 16;

/// Largest number of reflections a path may have (stack arrays below).
pub const MAX_ORDER: usize = 6;

/// What a path bounced on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bounce {
    /// A wall face: wall segment index, side (+1/−1), and whether the
    /// bounce was on a door or window leaf in it.
    Wall {
        /// Wall segment index in the storey.
        wall: u32,
        /// Which face.
        side: i8,
        /// On an opening's leaf.
        opening: bool,
    },
    /// The floor.
    Floor,
    /// The flat ceiling.
    Ceiling,
    /// A facet of a vault.
    Vault,
    /// Diffuse scattering on a strip of a wall face.
    Scatter {
        /// Wall segment index in the storey.
        wall: u32,
        /// Which face.
        side: i8,
    },
    /// A diffraction on an edge of the storey, vertical or horizontal.
    Edge {
        /// Index of the edge in its storey's edges (its horizontal edges
        /// when `kind` is horizontal).
        edge: u32,
        /// What the edge is.
        kind: crate::scene::optics::EdgeKind,
    },
}

/// One reflection along a path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reflection {
    /// What it bounced on.
    pub bounce: Bounce,
    /// Where.
    pub point: Point3,
    /// Angle of incidence from the normal, degrees.
    pub incidence_deg: Real,
    /// Reflection loss `−20·log10|R|`, dB.
    pub loss: Db,
}

/// A path as explained to the user.
#[derive(Clone, Debug, PartialEq)]
pub struct PathRecord {
    /// Unfolded length, m.
    pub length: Real,
    /// Friis loss over the unfolded length.
    pub free_space: Db,
    /// Reflections in order from the AP.
    pub reflections: Vec<Reflection>,
    /// Total transmission loss of every leg.
    pub transmission: Db,
    /// Everything crossed, with the leg it is on (leg `k` ends at
    /// reflection `k`; the last leg ends at the receiver).
    pub crossings: Vec<(usize, Crossing)>,
    /// Received power of this path, dBm.
    pub power_dbm: Real,
    /// The AP antenna's attenuation in the path's departure direction,
    /// below its peak gain (0 for an isotropic antenna).
    pub antenna: Db,
}

/// A vault facet with the part of the receiver plane its reflections can
/// reach (a box on the plan), for receivers at one height.
#[derive(Clone, Copy, Debug)]
pub struct FacetView {
    /// The facet.
    pub facet: Facet,
    /// The source's image across the facet's plane.
    pub image: Point3,
    /// Plan box `(min x, min y, max x, max y)` holding every receiver at
    /// `receiver_z` whose reflection can hit the facet, or `None` where
    /// that box is unbounded (test every receiver).
    pub reach: Option<[Real; 4]>,
}

/// The floor slabs a path from an AP to receivers on another storey goes
/// through: all those between the two heights.
#[derive(Clone, Debug, Default)]
pub struct SlabsBetween {
    /// The slabs.
    pub slabs: Vec<KeyedSlab>,
    /// The height between the AP and the receivers, m.
    pub rise: Real,
}

impl SlabsBetween {
    /// The slabs between `source_z` and `receiver_z`.
    pub fn new(scene: &Scene, source_z: Real, receiver_z: Real) -> Self {
        let (low, high) = if source_z <= receiver_z { (source_z, receiver_z) } else { (receiver_z, source_z) };
        let slabs = scene
            .floors
            .iter()
            .zip(&scene.optics.floors)
            .skip(1)
            .filter_map(|(floor, optics)| {
                let slab = optics.slab?;
                let level = floor.elevation - slab.slab.thickness / 2.0;
                (low < level && level < high).then_some(slab)
            })
            .collect();
        SlabsBetween { slabs, rise: high - low }
    }

    /// The most power the slabs leave a straight path (unfolded) whose
    /// horizontal length is at least `horizontal`: it meets them at least
    /// as grazingly as `cos θ = rise / √(horizontal² + rise²)`.
    #[inline]
    pub fn bound(&self, lookup: &SlabLookup, horizontal: Real) -> Real {
        if self.slabs.is_empty() {
            return 1.0;
        }
        let cos = self.rise / (horizontal * horizontal + self.rise * self.rise).sqrt();
        self.slabs.iter().map(|slab| lookup.max_transmission_power_to(slab, cos)).product()
    }
}

/// Everything fixed for one AP and one receiver storey.
pub struct TraceContext<'a> {
    /// The scene.
    pub scene: &'a Scene,
    /// The AP.
    pub ap: &'a AccessPoint,
    /// The receiver storey.
    pub storey: &'a SceneFloor,
    /// Its optics (faces, planes, facets).
    pub optics: &'a FloorOptics,
    /// Index of the receiver storey.
    pub floor: usize,
    /// AP and receiver share this storey: floor and ceiling bounces and
    /// vault reflections are traced.
    pub same_storey: bool,
    /// Slab coefficients at the AP's frequency.
    pub lookup: SlabLookup<'a>,
    /// Per wall of the scene, the most power a path crossing its whole
    /// thickness between floor and ceiling can keep (any angle, leaf or
    /// hole).
    pub wall_bounds: Vec<Real>,
    /// The AP's image tree over the storey's faces.
    pub tree: ImageTree,
    /// The floor slabs between the AP and the receivers (none on its own
    /// storey).
    pub slabs: SlabsBetween,
    /// Per wall segment of the storey, every slab it can reflect with (the
    /// wall's and its leaves').
    pub reflectors: Vec<Vec<KeyedSlab>>,
    /// The wall segments' reflection bounds, tabulated (see
    /// [`ReflectorTables`]).
    pub reflector_tables: ReflectorTables,
    /// Per number of wall reflections, the most height a path can travel
    /// (with the floor and ceiling bounces it has left), m.
    pub steepest_rise: [Real; MAX_ORDER + 1],
    /// Vault facets, with the receiver height their reach was found for.
    pub facets: Vec<FacetView>,
    /// The receiver height of [`FacetView::reach`].
    pub facets_z: Real,
    /// Maximum reflections per path.
    pub max_reflections: usize,
    /// Paths weaker than this (mW) are dropped as soon as that is known.
    pub cutoff_mw: Real,
    /// EIRP, mW.
    pub eirp_mw: Real,
    /// Wavenumber 2π/λ, rad/m.
    pub wavenumber: Real,
    /// Sum complex amplitudes too (phase costs a sin/cos per path).
    pub coherent: bool,
    /// Diffraction on the storey's edges, when traced.
    pub diffraction: Option<super::diffraction::Diffraction>,
    /// Lit wall strips that scatter diffusely, when traced.
    pub scattering: Option<Vec<super::scattering::Tile>>,
    /// Per material (by id), the share of power a wall's specular
    /// reflection keeps: `1 − S²` with diffuse scattering, else 1.
    pub specular_shares: Vec<Real>,
}

/// The bound of a wall segment's specular `|R|²` (`reflector_bound`) by
/// sample of the incidence cosine ([`sample_below`]): one table per
/// distinct set of [`TraceContext::reflectors`], shared by the segments
/// that have it.
#[derive(Clone, Debug, Default)]
pub struct ReflectorTables {
    /// The tables, [`SAMPLES`] + 1 values each, one after the other.
    samples: Vec<Real>,
    /// Per wall segment of the storey, where its table starts.
    start_of_segment: Vec<u32>,
}

/// The sums over all paths at one receiver.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FieldSum {
    /// Σ path power, mW (incoherent).
    pub power_mw: Real,
    /// Σ complex amplitude, √mW (coherent).
    pub amplitude: Complex64,
    /// Number of paths that contributed.
    pub paths: u32,
    /// Power of the direct path, mW (always traced first).
    pub direct_mw: Real,
    /// Σ power of the paths whose plan has fewer wall reflections than the
    /// node being traced, mW: the reference of the relative cutoff.
    pub lower_orders_mw: Real,
    /// Paths weaker than this, mW, are left out (the relevance floor,
    /// [`crate::propagation::RELEVANCE_DB`]; 0 for none).
    pub floor_mw: Real,
    /// Σ power of the specular paths (and vaults), mW, once diffraction
    /// starts.
    pub specular_mw: Real,
}

impl FieldSum {
    /// The power below which a reflected path is dropped: the absolute
    /// cutoff, or [`RELATIVE_CUTOFF_DB`] under the direct path and under
    /// the total of every path with fewer wall reflections. Tied to those
    /// (not to the strongest path so far) so that the set of paths kept
    /// does not depend on the order they are found in within an order,
    /// and more reflections can only add paths.
    #[inline]
    fn cutoff(&self, absolute_mw: Real) -> Real {
        absolute_mw.max(self.direct_mw.max(self.lower_orders_mw) * RELATIVE_CUTOFF).max(self.floor_mw)
    }

    /// Starts a new reflection order: what is summed so far becomes the
    /// reference of the relative cutoff.
    #[inline]
    fn next_order(&mut self) {
        self.lower_orders_mw = self.power_mw;
    }

    /// The power below which a path is left out (public to the tracer's
    /// modules).
    #[inline]
    pub(super) fn cutoff_mw(&self, absolute_mw: Real) -> Real {
        self.cutoff(absolute_mw)
    }

    /// An empty sum that leaves out paths under `floor_mw`.
    pub fn above(floor_mw: Real) -> FieldSum {
        FieldSum { floor_mw, ..FieldSum::default() }
    }
}

/// Reflected paths this far below the direct path at the same receiver are
/// dropped: even a hundred of them change the sum by under 0.002 dB.
pub const RELATIVE_CUTOFF_DB: Real = 50.0;
const RELATIVE_CUTOFF: Real = 1e-5;

/// The product of a path's coefficients: powers (`|R|²`, `|T|²`) for an
/// incoherent sum, complex amplitudes for a coherent one. The tracing code
/// is written once over both.
pub(super) trait Amplitude: Copy {
    const ONE: Self;
    fn power(self) -> Real;
    fn reflect(self, lookup: &SlabLookup, slab: &KeyedSlab, cos: Real, polarization: Polarization) -> Self;
    fn transmit(self, lookup: &SlabLookup, slab: &KeyedSlab, cos: Real, polarization: Polarization) -> Self;
    fn complex(self) -> Complex64;
    /// Times a power factor.
    fn scale(self, power: Real) -> Self;
}

impl Amplitude for Real {
    const ONE: Real = 1.0;
    #[inline]
    fn power(self) -> Real {
        self
    }
    #[inline]
    fn reflect(self, lookup: &SlabLookup, slab: &KeyedSlab, cos: Real, polarization: Polarization) -> Real {
        self * lookup.power(slab, cos, polarization).0
    }
    #[inline]
    fn transmit(self, lookup: &SlabLookup, slab: &KeyedSlab, cos: Real, polarization: Polarization) -> Real {
        self * lookup.transmission_power(slab, cos, polarization)
    }
    #[inline]
    fn complex(self) -> Complex64 {
        Complex64::new(self.sqrt(), 0.0)
    }
    #[inline]
    fn scale(self, power: Real) -> Real {
        self * power
    }
}

impl Amplitude for Complex64 {
    const ONE: Complex64 = Complex64::new(1.0, 0.0);
    #[inline]
    fn power(self) -> Real {
        self.norm_sqr()
    }
    #[inline]
    fn reflect(self, lookup: &SlabLookup, slab: &KeyedSlab, cos: Real, polarization: Polarization) -> Complex64 {
        self * lookup.response(slab, cos, polarization).reflection
    }
    #[inline]
    fn transmit(self, lookup: &SlabLookup, slab: &KeyedSlab, cos: Real, polarization: Polarization) -> Complex64 {
        let t = lookup.transmission(slab, cos, polarization);
        // The same floor as the power products: an opaque slab costs
        // MAX_LOSS_DB, keeping its phase.
        let power = t.norm_sqr();
        let t = if power < MIN_TRANSMISSION_POWER {
            if power > 0.0 {
                t * (MIN_TRANSMISSION_POWER / power).sqrt()
            } else {
                Complex64::new(MIN_TRANSMISSION_POWER.sqrt(), 0.0)
            }
        } else {
            t
        };
        self * t
    }
    #[inline]
    fn complex(self) -> Complex64 {
        self
    }
    #[inline]
    fn scale(self, power: Real) -> Complex64 {
        self * power.sqrt()
    }
}

/// Which of a node's last-leg walls a receiver can be behind.
#[derive(Clone, Copy)]
pub(super) enum Outgoing<'s> {
    /// One receiver: test each wall's shadow.
    Point(Point2),
    /// A row's cell: the walls whose shadow covers it on that row
    /// (candidate index, first and one-past-last cell, see
    /// [`TraceContext::active_walls`]).
    Row { active: &'s [(u32, u32, u32)], cell: u32 },
}

impl Outgoing<'_> {
    /// Hands `visit` each wall of `candidates` (a node's last leg) the
    /// receiver may be behind, in candidate order, while it returns true.
    #[inline]
    pub(super) fn walls_behind(
        self,
        candidates: &[(u32, crate::propagation::crossing::Shadow)],
        mut visit: impl FnMut(u32) -> bool,
    ) {
        match self {
            Outgoing::Point(p) => {
                for &(wall, shadow) in candidates {
                    if shadow.contains(p) && !visit(wall) {
                        return;
                    }
                }
            }
            Outgoing::Row { active, cell } => {
                for &(k, low, high) in active {
                    if low <= cell && cell < high && !visit(candidates[k as usize].0) {
                        return;
                    }
                }
            }
        }
    }
}

/// A path under construction: its points and bounces in order, each bounce
/// with its incidence cosine and reflection loss, and for each point the
/// index of the plan leg that ends there.
struct Route {
    points: [Point3; 2 * MAX_ORDER + 2],
    bounces: [(Bounce, Real, Db); 2 * MAX_ORDER],
    /// Plan leg of the 3D leg that ends at `points[k + 1]`.
    plan_leg: [u8; 2 * MAX_ORDER + 1],
    /// Where `points[k]` lies on the plan leg of the 3D leg that starts
    /// there, and where `points[k + 1]` lies on it (fractions).
    plan_span: [(Real, Real); 2 * MAX_ORDER + 1],
    count: usize,
}

impl Route {
    /// Empties the route and starts it at `source`.
    #[inline]
    fn reset(&mut self, source: Point3) {
        self.points[0] = source;
        self.count = 0;
    }

    fn starting_at(source: Point3) -> Self {
        Route {
            points: [source; 2 * MAX_ORDER + 2],
            bounces: [(Bounce::Floor, 0.0, Db(0.0)); 2 * MAX_ORDER],
            plan_leg: [0; 2 * MAX_ORDER + 1],
            plan_span: [(0.0, 1.0); 2 * MAX_ORDER + 1],
            count: 0,
        }
    }

    /// Adds a bounce at `point`, at fraction `at` of plan leg `plan_leg`
    /// (1 for a wall bounce, which ends its plan leg).
    fn push(&mut self, point: Point3, bounce: (Bounce, Real, Db), plan_leg: usize, at: Real) {
        let start = if self.count > 0 && self.plan_leg[self.count - 1] as usize == plan_leg {
            self.plan_span[self.count - 1].1
        } else {
            0.0
        };
        self.bounces[self.count] = bounce;
        self.plan_leg[self.count] = plan_leg as u8;
        self.plan_span[self.count] = (start, at);
        self.count += 1;
        self.points[self.count] = point;
    }

    /// Ends the route at the receiver, on the last plan leg.
    fn finish_at(&mut self, receiver: Point3, plan_leg: usize) {
        let start = if self.count > 0 && self.plan_leg[self.count - 1] as usize == plan_leg {
            self.plan_span[self.count - 1].1
        } else {
            0.0
        };
        self.plan_leg[self.count] = plan_leg as u8;
        self.plan_span[self.count] = (start, 1.0);
        self.points[self.count + 1] = receiver;
    }
}

/// A wall crossed by a plan leg: where on the leg (fractions) its
/// footprint begins and ends, and the cosine of the plan angle of
/// incidence. Shared by every vertical pattern of the plan path.
#[derive(Clone, Copy, Debug)]
pub(super) struct PlanCrossing {
    pub(super) wall: u32,
    pub(super) enter: Real,
    pub(super) leave: Real,
    pub(super) cos: Real,
    /// Through the whole thickness, away from every opening, of a wall
    /// that stands floor to ceiling, on a path that stays between them:
    /// the wall's own slab whatever the vertical pattern.
    pub(super) simple: bool,
}

/// Scratch space for one receiver's paths, reused across nodes.
pub struct PlanScratch {
    /// The plan path's crossings.
    walls: WallScratch,
    /// The route being built (reused, so no per-path initialisation).
    route: Route,
}

/// The walls the current plan path crosses.
#[derive(Default)]
struct WallScratch {
    crossings: Vec<PlanCrossing>,
    /// Range of `crossings` per plan leg.
    legs: [(u32, u32); MAX_ORDER + 1],
    /// Whether `crossings` holds the current plan path's.
    ready: bool,
    /// Whether the plan path's walls alone put every vertical pattern of
    /// it under the cutoff.
    dead: bool,
    /// The most power the plan path's wall reflections and the walls it
    /// crosses whole leave any of its vertical patterns.
    factor: Real,
}

impl Default for PlanScratch {
    fn default() -> Self {
        PlanScratch { walls: WallScratch::default(), route: Route::starting_at(Point3::origin()) }
    }
}

/// The plan path of one node to one receiver.
struct PlanPath {
    /// Source, reflection points, receiver.
    points: [Point2; MAX_ORDER + 2],
    /// Length along the path to each point, m.
    cumulative: [Real; MAX_ORDER + 2],
    /// Face of each reflection.
    faces: [u32; MAX_ORDER],
    /// Node at each depth `1..=depth` (index `depth − 1`).
    nodes: [u32; MAX_ORDER],
    depth: usize,
}

pub(super) type Explain<'e> = Option<&'e mut dyn FnMut(PathRecord)>;

/// One node's plan path to one receiver, and which last-leg walls the
/// receiver can be behind.
struct PathInput<'p, 's> {
    plan: &'p PlanPath,
    node: usize,
    receiver: Point3,
    outgoing: Outgoing<'s>,
}

/// What is fixed for one 3D path once its bounces are known.
#[derive(Clone, Copy)]
struct PathTotals {
    length: Real,
    power: Real,
    horizontal_share: Real,
    is_direct: bool,
}

/// Whether the plan crossing from `enter` to `leave` (points on the
/// centreline's line) may meet one of the wall's openings.
#[inline]
fn passes_opening(wall: &WallOptics, (enter, leave): (Point2, Point2)) -> bool {
    if wall.openings.is_empty() {
        return false;
    }
    let along = |p: Point2| (p - wall.a).dot(&wall.along) / wall.length;
    let (u0, u1) = (along(enter), along(leave));
    let (low, high) = if u0 <= u1 { (u0, u1) } else { (u1, u0) };
    let slack = 1e-6 / wall.length;
    wall.openings.iter().any(|o| o.along.0 <= high + slack && o.along.1 >= low - slack)
}

/// Where the plan segment `a → b` is inside the wall's footprint (entry
/// and exit as fractions of the segment) and the cosine of its plan angle
/// of incidence: the along- and across-wall slabs of the prism test.
#[inline]
pub(super) fn clip_footprint(wall: &WallOptics, a: Point2, b: Point2) -> Option<(Real, Real, Real)> {
    // Quick rejection (no division): both ends on one side of the band.
    let (across_a, across_b) = ((a - wall.a).dot(&wall.normal), (b - wall.a).dot(&wall.normal));
    if (across_a > wall.half && across_b > wall.half) || (across_a < -wall.half && across_b < -wall.half) {
        return None;
    }
    let (along_a, along_b) = ((a - wall.a).dot(&wall.along), (b - wall.a).dot(&wall.along));
    if (along_a < 0.0 && along_b < 0.0) || (along_a > wall.length && along_b > wall.length) {
        return None;
    }
    let delta = b - a;
    let offset = a - wall.a;
    let limits = [
        (offset.dot(&wall.along), delta.dot(&wall.along), 0.0, wall.length),
        (offset.dot(&wall.normal), delta.dot(&wall.normal), -wall.half, wall.half),
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
    let length = delta.norm();
    let cos = if length > 0.0 { (delta.dot(&wall.normal) / length).abs() } else { 0.0 };
    Some((t0, t1, cos))
}

/// The part of a plan crossing on one 3D leg (the leg runs from `from` to
/// `to` over fractions `span` of its plan leg), clipped to the heights at
/// which the wall can be crossed: what it crosses (the wall, clipped to
/// the thickness really crossed, or a leaf), where, and whether a leaf.
/// The same rules as [`cross_wall`] on the 3D leg.
#[inline]
pub(super) fn cross_in_height(
    wall: &WallOptics,
    crossing: &PlanCrossing,
    span: (Real, Real),
    (from, to): (Point3, Point3),
    plan_length: Real,
) -> Option<(KeyedSlab, Point3, bool)> {
    let (s0, s1) = span;
    if s1 <= s0 {
        return None;
    }
    let (mut u0, mut u1) = (crossing.enter.max(s0), crossing.leave.min(s1));
    if u0 >= u1 {
        return None;
    }
    // Height is linear in the plan fraction along this 3D leg.
    let rate = (to.z - from.z) / (s1 - s0);
    let z_at = |u: Real| from.z + (u - s0) * rate;
    if rate.abs() < 1e-12 {
        if from.z < wall.crossable.0 || from.z > wall.crossable.1 {
            return None;
        }
    } else {
        let (ua, ub) = (s0 + (wall.crossable.0 - from.z) / rate, s0 + (wall.crossable.1 - from.z) / rate);
        let (near, far) = if ua <= ub { (ua, ub) } else { (ub, ua) };
        u0 = u0.max(near);
        u1 = u1.min(far);
        if u0 >= u1 {
            return None;
        }
    }
    let middle = 0.5 * (u0 + u1);
    let fraction = (middle - s0) / (s1 - s0);
    let at = from + (to - from) * fraction;
    let along = (at.xy() - wall.a).dot(&wall.along) / wall.length;
    let mut slab = wall.material_at(along, z_at(middle))?;
    let full = slab.slab == wall.slab.slab;
    if full {
        let crossed = plan_length * (u1 - u0) * crossing.cos;
        if crossed < GRAZE_TOLERANCE {
            return None;
        }
        if crossed < slab.slab.thickness - GRAZE_TOLERANCE {
            slab = KeyedSlab { slab: Slab { thickness: crossed, ..slab.slab }, key: None };
        }
    }
    Some((slab, at, !full))
}

/// The lowest `cutoff` of the cells of one row's aligned block `block` of
/// `size` cells that are not skipped (∞ if none): what a bound must reach
/// for any cell of the block to get a path.
pub(super) fn block_lowest(
    (sums, skip): (&[FieldSum], &[bool]),
    (block, size): (usize, usize),
    cutoff: impl Fn(&FieldSum) -> Real,
) -> Real {
    (block * size..((block + 1) * size).min(sums.len()))
        .filter(|&i| !skip[i])
        .map(|i| cutoff(&sums[i]))
        .fold(Real::INFINITY, Real::min)
}

/// The cells of a row from the first not skipped to one past the last,
/// if any.
pub(super) fn traced_span(skip: &[bool]) -> Option<(usize, usize)> {
    let first = skip.iter().position(|&skipped| !skipped)?;
    let last = skip.iter().rposition(|&skipped| !skipped)?;
    Some((first, last + 1))
}

/// One node's last-leg cones (walls its paths certainly cross after the
/// last reflection) cut to the row being traced, found when first needed.
#[derive(Default)]
pub(super) struct OwnOnRow {
    node: Option<usize>,
    cones: Vec<RowCone>,
}

impl OwnOnRow {
    /// Drops the cut cones (the next node or row starts afresh).
    pub(super) fn forget(&mut self) {
        self.node = None;
    }

    /// The cones of node `index` of `tree` (a tree of `context`'s storey;
    /// one row: `y` is the same for every call between two nodes).
    #[inline]
    pub(super) fn cut(&mut self, context: &TraceContext, tree: &ImageTree, index: usize, y: Real) -> &[RowCone] {
        if self.node != Some(index) {
            self.node = Some(index);
            self.cones.clear();
            let cones = &context.last_leg(tree, index).own;
            self.cones.extend(cones.iter().filter_map(|cone| cone.on_row(y)));
        }
        &self.cones
    }
}

/// One row of a block being traced: its receivers' height and the cells
/// to skip, with their cutoffs for the current reflection order.
#[derive(Clone, Copy)]
struct RowState<'a> {
    y: Real,
    z: Real,
    /// The cells from the first not skipped to one past the last.
    span: (usize, usize),
    skip: &'a [bool],
    cell_cutoffs: &'a [Real],
    block_cutoffs: &'a [Real],
}

impl TraceContext<'_> {
    /// Traces every path to `receiver`, adding them to the sum; `explain`
    /// (when given) receives each path's record.
    pub fn trace(&self, receiver: Point3, explain: Explain) -> FieldSum {
        self.trace_above(receiver, Real::NEG_INFINITY, explain)
    }

    /// [`TraceContext::trace`], leaving out paths weaker than `floor`
    /// (dBm, the relevance floor).
    pub fn trace_above(&self, receiver: Point3, floor: Real, mut explain: Explain) -> FieldSum {
        let mut sum = FieldSum::above(Dbm(floor).to_milliwatts());
        let r2 = receiver.xy();
        let mut scratch = PlanScratch::default();
        let mut order = 0;
        for (index, node) in self.tree.nodes.iter().enumerate() {
            if node.depth != order {
                // Nodes come order by order (see `images::build`).
                order = node.depth;
                sum.next_order();
            }
            if node.may_see(r2) {
                self.trace_node(index, receiver, Outgoing::Point(r2), &mut scratch, &mut sum, &mut explain);
            }
        }
        if self.same_storey {
            for view in &self.facets {
                self.vault_path(view, receiver, &mut sum, &mut explain);
            }
        }
        self.diffract_point(receiver, &mut sum, &mut explain);
        self.scatter_point(receiver, &mut sum, &mut explain);
        sum
    }

    /// Traces every path to the receivers `(xs[i], y, z)` (sorted `xs`)
    /// of every row `y` of `ys`, where `skip` is false, into `sums` (`skip`
    /// and `sums` hold the rows one after the other). The same paths and
    /// the same arithmetic as [`TraceContext::trace`], visiting each node
    /// and wall only over the cells it can reach; each image node, with its
    /// cones and beams, is visited once for all the rows while it is in
    /// cache, instead of once per row of the whole grid. Every cell gets
    /// its paths in the same order as alone.
    pub fn trace_rows(&self, ys: &[Real], xs: &[Real], z: Real, skip: &[bool], sums: &mut [FieldSum]) {
        let width = xs.len();
        let blocks = width.div_ceil(PRUNE_BLOCK);
        let mut active: Vec<(u32, u32, u32)> = Vec::new();
        let mut scratch = PlanScratch::default();
        let mut own_row = OwnOnRow::default();
        // Each cell's cutoff, and the lowest of each aligned block of
        // cells: within a reflection order they do not change (the direct
        // path and the lower orders set them), so they are found once per
        // order, after the root, instead of once per node.
        let mut cell_cutoffs = vec![Real::INFINITY; width * ys.len()];
        let mut block_cutoffs = vec![Real::INFINITY; blocks * ys.len()];
        // Each row's cells from the first to the last traced one: a second
        // pass traces a few cells, and nodes are not walked over the rest.
        let spans: Vec<Option<(usize, usize)>> = skip.chunks(width).map(traced_span).collect();
        let mut order = 0;
        for (index, node) in self.tree.nodes.iter().enumerate() {
            let prune = index > 0;
            if node.depth != order {
                order = node.depth;
                sums.iter_mut().for_each(FieldSum::next_order);
                for (i, cutoff) in cell_cutoffs.iter_mut().enumerate() {
                    *cutoff = if skip[i] { Real::INFINITY } else { sums[i].cutoff(self.cutoff_mw) };
                }
                for (row, lowest) in block_cutoffs.chunks_mut(blocks).enumerate() {
                    let cells = &cell_cutoffs[row * width..(row + 1) * width];
                    for (block, lowest) in lowest.iter_mut().enumerate() {
                        let cells = &cells[block * PRUNE_BLOCK..((block + 1) * PRUNE_BLOCK).min(width)];
                        *lowest = cells.iter().copied().fold(Real::INFINITY, Real::min);
                    }
                }
            }
            for (row, &y) in ys.iter().enumerate() {
                let Some(span) = spans[row] else { continue };
                let cells = row * width..(row + 1) * width;
                let state = RowState {
                    y,
                    z,
                    span,
                    skip: &skip[cells.clone()],
                    cell_cutoffs: &cell_cutoffs[cells.clone()],
                    block_cutoffs: &block_cutoffs[row * blocks..(row + 1) * blocks],
                };
                own_row.forget();
                self.trace_node_on_row(
                    index,
                    node,
                    prune,
                    xs,
                    &state,
                    &mut sums[cells],
                    (&mut active, &mut scratch, &mut own_row),
                );
            }
        }
        self.finish_rows(ys, xs, z, skip, sums);
    }

    /// One node's paths to the cells of one row it can reach.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn trace_node_on_row(
        &self,
        index: usize,
        node: &ImageNode,
        prune: bool,
        xs: &[Real],
        row: &RowState,
        sums: &mut [FieldSum],
        (active, scratch, own_row): (&mut Vec<(u32, u32, u32)>, &mut PlanScratch, &mut OwnOnRow),
    ) {
        let RowState { y, z, span, skip, cell_cutoffs, block_cutoffs } = *row;
        let (start, end) = index_range(xs, row_interval(&node.wedge, y));
        let (start, end) = (start.max(span.0), end.min(span.1));
        if start >= end {
            return;
        }
        // Where the walls its paths certainly cross (before the last
        // reflection, and after it) and the free-space loss from the image
        // leave every path of the node under the receiver's cutoff, the
        // node is skipped (its paths would all be dropped). The whole span,
        // then blocks of cells, are tested together first.
        let blocks = start / PRUNE_BLOCK..(end - 1) / PRUNE_BLOCK + 1;
        if prune && end - start > PRUNE_BLOCK {
            let cutoff = block_cutoffs[blocks.clone()].iter().copied().fold(Real::INFINITY, Real::min);
            let span = (Point2::new(xs[start], y), Point2::new(xs[end - 1], y));
            if cutoff.is_infinite() || self.cannot_reach_span(node, index, span, cutoff, own_row) {
                return;
            }
        }
        let mut active_ready = false;
        let mut cursor = 0;
        for aligned in blocks {
            let block = (aligned * PRUNE_BLOCK).max(start);
            let block_end = ((aligned + 1) * PRUNE_BLOCK).min(end);
            if prune {
                // The aligned block's lowest cutoff: at most that of its
                // cells inside the span.
                let cutoff = block_cutoffs[aligned];
                if cutoff.is_infinite()
                    || self.cannot_reach_span(
                        node,
                        index,
                        (Point2::new(xs[block], y), Point2::new(xs[block_end - 1], y)),
                        cutoff,
                        own_row,
                    )
                {
                    continue;
                }
            }
            for i in block..block_end {
                if skip[i] {
                    continue;
                }
                let cutoff = cell_cutoffs[i];
                if prune {
                    let own = own_row.cut(self, &self.tree, index, y);
                    if self.cannot_reach(node, Point2::new(xs[i], y), cutoff, &mut cursor, own) {
                        continue;
                    }
                }
                if !active_ready {
                    self.active_walls(&self.tree, index, xs, y, (start, end), active);
                    active_ready = true;
                }
                let receiver = Point3::new(xs[i], y, z);
                let outgoing = Outgoing::Row { active, cell: i as u32 };
                self.trace_node(index, receiver, outgoing, scratch, &mut sums[i], &mut None);
            }
        }
    }

    /// What follows the image nodes on the rows `ys`: vault facets,
    /// diffraction and diffuse scattering, in that order for every cell.
    fn finish_rows(&self, ys: &[Real], xs: &[Real], z: Real, skip: &[bool], sums: &mut [FieldSum]) {
        let width = xs.len();
        if self.same_storey {
            for (row, &y) in ys.iter().enumerate() {
                let (skip, sums) = (&skip[row * width..(row + 1) * width], &mut sums[row * width..(row + 1) * width]);
                for view in &self.facets {
                    let (start, end) = match view.reach {
                        Some([x0, y0, x1, y1]) if z == self.facets_z => {
                            if y < y0 || y > y1 {
                                continue;
                            }
                            index_range(xs, (x0, x1))
                        }
                        _ => (0, xs.len()),
                    };
                    for i in start..end {
                        if !skip[i] {
                            self.vault_path(view, Point3::new(xs[i], y, z), &mut sums[i], &mut None);
                        }
                    }
                }
            }
        }
        self.diffract_rows(ys, xs, z, skip, sums);
        for (row, &y) in ys.iter().enumerate() {
            let cells = row * width..(row + 1) * width;
            self.scatter_row(y, xs, z, &skip[cells.clone()], &mut sums[cells]);
        }
    }

    /// The last leg of `tree`'s node `index` (a tree of this storey: this
    /// AP's, or an edge's).
    #[inline]
    pub(super) fn last_leg<'t>(&self, tree: &'t ImageTree, index: usize) -> &'t LastLeg {
        tree.last_leg(index, &self.scene.optics.walls, &self.optics.faces)
    }

    /// The last-leg walls of `tree`'s node `index` whose shadow covers
    /// some of the cells `range` of the row `y`: (candidate index, first
    /// cell, end cell), in candidate order.
    pub(super) fn active_walls(
        &self,
        tree: &ImageTree,
        index: usize,
        xs: &[Real],
        y: Real,
        (start, end): (usize, usize),
        active: &mut Vec<(u32, u32, u32)>,
    ) {
        active.clear();
        for (k, (_, shadow)) in self.last_leg(tree, index).outgoing.iter().enumerate() {
            let (low, high) = index_range(xs, shadow.row_interval(y));
            let (low, high) = (low.max(start), high.min(end));
            if low < high {
                active.push((k as u32, low as u32, high as u32));
            }
        }
    }

    /// [`TraceContext::cannot_reach`] for every receiver on the segment
    /// `span` at once (with the weakest cutoff among them): the nearest
    /// point, the strongest beam segment and the most grazing angle.
    fn cannot_reach_span(
        &self,
        node: &ImageNode,
        index: usize,
        (a, b): (Point2, Point2),
        cutoff_mw: Real,
        own_row: &mut OwnOnRow,
    ) -> bool {
        let nearest = crate::geometry::point_segment_distance(node.image, a, b).0;
        let wavelength = self.ap.frequency.wavelength();
        let mut bound = self.eirp_mw * (wavelength / (4.0 * std::f64::consts::PI * nearest.max(MIN_DISTANCE))).powi(2);
        if bound < cutoff_mw {
            return true;
        }
        let frame = node.frame();
        if let (Some(ua), Some(ub)) = (frame.u(a), frame.u(b)) {
            bound *=
                segments_max(&self.tree.beam[node.beam.start as usize..node.beam.end as usize], ua.min(ub), ua.max(ub));
            if bound < cutoff_mw {
                return true;
            }
        }
        if !self.slabs.slabs.is_empty() {
            bound *= self.slabs.bound(&self.lookup, nearest);
            if bound < cutoff_mw {
                return true;
            }
        }
        let (da, db) = (a - node.image, b - node.image);
        let (la, lb) = (da.norm(), db.norm());
        if la > 0.0 && lb > 0.0 {
            let vertical = self.steepest_rise[node.depth as usize];
            let steepest = nearest / (nearest * nearest + vertical * vertical).sqrt();
            for &(normal, wall) in &self.tree.mirrors[node.mirrors.start as usize..node.mirrors.end as usize] {
                let (ca, cb) = (da.dot(&normal) / la, db.dot(&normal) / lb);
                // Along a straight span the direction turns one way, so the
                // most grazing angle is at an end unless it passes 90°.
                let cos = if (ca > 0.0) != (cb > 0.0) { 0.0 } else { ca.abs().min(cb.abs()) };
                bound *= self.reflector_bound(wall, cos * steepest);
                if bound < cutoff_mw {
                    return true;
                }
            }
        }
        // Walls certainly crossed behind the last reflection, where the
        // whole span lies in their region (convex: both ends inside).
        for cone in own_row.cut(self, &self.tree, index, a.y) {
            if cone.holds(a.x, b.x) {
                bound *= cone.bound;
                if bound < cutoff_mw {
                    return true;
                }
            }
        }
        false
    }

    /// Whether no path of `node` can reach `c` with `cutoff_mw`: its
    /// free-space power from the image, times the walls it certainly
    /// crosses, the slabs between storeys and its reflections at their
    /// most favourable angles, is already weaker. Cheapest factors first.
    #[inline]
    fn cannot_reach(&self, node: &ImageNode, c: Point2, cutoff_mw: Real, cursor: &mut usize, own: &[RowCone]) -> bool {
        let direction = c - node.image;
        let distance = direction.norm();
        let wavelength = self.ap.frequency.wavelength();
        let mut bound = self.eirp_mw * (wavelength / (4.0 * std::f64::consts::PI * distance.max(MIN_DISTANCE))).powi(2);
        if bound < cutoff_mw {
            return true;
        }
        let u = node.frame().u(c);
        if let Some(u) = u {
            bound *= segment_bound(&self.tree.beam[node.beam.start as usize..node.beam.end as usize], u, cursor);
            if bound < cutoff_mw {
                return true;
            }
        }
        if !self.slabs.slabs.is_empty() {
            bound *= self.slabs.bound(&self.lookup, distance);
            if bound < cutoff_mw {
                return true;
            }
        }
        if distance > 0.0 {
            // At the angle of this direction, or any more grazing one the
            // vertical patterns allow.
            let vertical = self.steepest_rise[node.depth as usize];
            let steepest = 1.0 / (distance * distance + vertical * vertical).sqrt();
            for &(normal, wall) in &self.tree.mirrors[node.mirrors.start as usize..node.mirrors.end as usize] {
                bound *= self.reflector_bound(wall, direction.dot(&normal).abs() * steepest);
                if bound < cutoff_mw {
                    return true;
                }
            }
        }
        for cone in own {
            if cone.holds(c.x, c.x) {
                bound *= cone.bound;
                if bound < cutoff_mw {
                    return true;
                }
            }
        }
        false
    }

    /// Walks back from the receiver through the node's faces (each image's
    /// segment to the current point must cross its face), then traces every
    /// vertical pattern of the plan path.
    fn trace_node(
        &self,
        index: usize,
        receiver: Point3,
        outgoing: Outgoing,
        scratch: &mut PlanScratch,
        sum: &mut FieldSum,
        explain: &mut Explain,
    ) {
        let nodes = &self.tree.nodes;
        let depth = nodes[index].depth as usize;
        let r2 = receiver.xy();
        let mut plan = PlanPath {
            points: [r2; MAX_ORDER + 2],
            cumulative: [0.0; MAX_ORDER + 2],
            faces: [0; MAX_ORDER],
            nodes: [0; MAX_ORDER],
            depth,
        };
        let mut current = r2;
        let mut at = index as u32;
        for slot in (1..=depth).rev() {
            let n: &ImageNode = &nodes[at as usize];
            let face = &self.optics.faces[n.face as usize];
            match segment_intersection(n.image, current, face.p0, face.p1) {
                Some((t, _)) if t > 0.0 && t < 1.0 => {
                    current = n.image + (current - n.image) * t;
                    plan.points[slot] = current;
                    plan.faces[slot - 1] = n.face;
                    plan.nodes[slot - 1] = at;
                    at = n.parent;
                }
                _ => return,
            }
        }
        debug_assert_eq!(at, 0);
        plan.points[0] = self.ap.position.xy();
        plan.points[depth + 1] = r2;
        for i in 1..depth + 2 {
            plan.cumulative[i] = plan.cumulative[i - 1] + (plan.points[i] - plan.points[i - 1]).norm();
        }
        let budget = if self.same_storey { self.max_reflections - depth } else { 0 };
        scratch.walls.ready = false;
        let mut path = PathInput { plan: &plan, node: index, receiver, outgoing };
        self.add_path(&mut path, None, scratch, sum, explain);
        for bounces in 1..=budget {
            for ceiling_first in [false, true] {
                self.add_path(&mut path, Some((ceiling_first, bounces)), scratch, sum, explain);
            }
        }
    }

    /// The walls each plan leg of `path` crosses, in candidate order.
    /// Stops early, marking the path dead, once the walls crossed so far
    /// make even the strongest vertical pattern (`best_mw`, before any
    /// wall) weaker than `cutoff_mw` (candidates come most opaque first).
    fn plan_crossings(&self, path: &PathInput, scratch: &mut WallScratch, best_mw: Real, cutoff_mw: Real) {
        let walls = &self.scene.optics.walls;
        let tree = &self.tree;
        let plan = path.plan;
        scratch.crossings.clear();
        scratch.ready = true;
        scratch.dead = false;
        scratch.factor = self.reflection_bound(plan);
        let mut bound = best_mw * scratch.factor;
        if bound < cutoff_mw {
            scratch.dead = true;
            return;
        }
        for leg in 0..=plan.depth {
            let (a, b) = (plan.points[leg], plan.points[leg + 1]);
            let plan_length = (b - a).norm();
            // Legs between floor and ceiling only (a leg from another
            // storey may pass through the gap of a slab, beside no wall).
            let bounded = self.same_storey || leg > 0;
            let start = scratch.crossings.len() as u32;
            let mut dead = false;
            // Whether the path is still alive after `wall`.
            let mut add = |wall: u32| {
                if dead {
                    return false;
                }
                let optics = &walls[wall as usize];
                if let Some((enter, leave, cos)) = clip_footprint(optics, a, b) {
                    let whole = plan_length * (leave - enter) * cos >= optics.half * 2.0 - GRAZE_TOLERANCE;
                    let simple = whole
                        && self.same_storey
                        && optics.full_height
                        && !passes_opening(optics, (a + (b - a) * enter, a + (b - a) * leave));
                    scratch.crossings.push(PlanCrossing { wall, enter, leave, cos, simple });
                    if bounded && whole {
                        let kept = self.crossing_bound(optics, wall, (a + (b - a) * enter, a + (b - a) * leave), cos);
                        scratch.factor *= kept;
                        bound *= kept;
                        dead = bound < cutoff_mw;
                    }
                }
                !dead
            };
            if leg < plan.depth {
                let n = &tree.nodes[plan.nodes[leg] as usize];
                // Where the leg ends on the node's aperture.
                let (a0, a1) = n.aperture;
                let span = a1 - a0;
                let u = (b - a0).dot(&span) / span.norm_squared();
                for &(wall, low, high) in &tree.incoming[n.incoming.start as usize..n.incoming.end as usize] {
                    if low <= u && u <= high {
                        add(wall);
                    }
                }
            } else {
                path.outgoing.walls_behind(&self.last_leg(tree, path.node).outgoing, add);
            }
            scratch.legs[leg] = (start, scratch.crossings.len() as u32);
            if dead {
                scratch.dead = true;
                return;
            }
        }
    }

    fn add_path(
        &self,
        path: &mut PathInput,
        vertical: Option<(bool, usize)>,
        scratch: &mut PlanScratch,
        sum: &mut FieldSum,
        explain: &mut Explain,
    ) {
        if self.coherent {
            self.add_path_with::<Complex64>(path, vertical, scratch, sum, explain);
        } else {
            self.add_path_with::<Real>(path, vertical, scratch, sum, explain);
        }
    }

    /// Builds, checks and sums one path: a plan path with a sequence of
    /// floor/ceiling bounces.
    fn add_path_with<A: Amplitude>(
        &self,
        path: &mut PathInput,
        vertical: Option<(bool, usize)>,
        scratch: &mut PlanScratch,
        sum: &mut FieldSum,
        explain: &mut Explain,
    ) {
        let (plan, receiver) = (path.plan, path.receiver);
        let depth = plan.depth;
        if scratch.walls.ready && scratch.walls.dead && !(depth == 0 && vertical.is_none()) {
            // The walls already found kill every vertical pattern.
            return;
        }
        let source = self.ap.position;
        let planes: &Planes = &self.optics.planes;
        let points2 = &plan.points[..depth + 2];
        // Horizontal unfolded length and where each wall bounce sits on it.
        let cumulative = &plan.cumulative;
        let horizontal = cumulative[points2.len() - 1];
        // Vertical unfolding: heights of the bounce planes in order and the
        // total vertical distance travelled.
        let mut plane_z = [0.0; 2 * MAX_ORDER];
        let mut plane_bounce = [(Bounce::Floor, None); 2 * MAX_ORDER];
        let (bounces, vertical_distance) = match vertical {
            None => (0, receiver.z - source.z),
            Some((ceiling_first, count)) => {
                let mut on_ceiling = ceiling_first;
                let mut z = source.z;
                let mut travelled = 0.0;
                for slot in 0..count {
                    let (target, slab, bounce) = if on_ceiling {
                        (planes.ceiling_z, planes.ceiling, Bounce::Ceiling)
                    } else {
                        (planes.floor_z, planes.floor, Bounce::Floor)
                    };
                    if slab.is_none() {
                        return;
                    }
                    travelled += (target - z).abs();
                    plane_z[slot] = target;
                    plane_bounce[slot] = (bounce, slab);
                    z = target;
                    on_ceiling = !on_ceiling;
                }
                travelled += (receiver.z - z).abs();
                (count, travelled)
            }
        };
        let length = (horizontal * horizontal + vertical_distance * vertical_distance).sqrt();
        let wavelength = self.ap.frequency.wavelength();
        let spreading = (wavelength / (4.0 * std::f64::consts::PI * length.max(MIN_DISTANCE))).powi(2);
        let power = self.eirp_mw * spreading;
        let is_direct = depth == 0 && bounces == 0;
        if !is_direct && power < sum.cutoff(self.cutoff_mw) {
            return;
        }
        // The plan path's walls, found once for all its vertical patterns
        // (the cutoff is the same for all of them: the direct path comes
        // first), before this pattern's bounces: they end about half the
        // paths, whose bounces are then never worked out.
        if !scratch.walls.ready {
            // No vertical pattern is shorter than the one without bounces.
            let shortest = (horizontal * horizontal + (receiver.z - source.z).powi(2)).sqrt();
            let best = self.eirp_mw * (wavelength / (4.0 * std::f64::consts::PI * shortest.max(MIN_DISTANCE))).powi(2);
            let cutoff = if is_direct { 0.0 } else { sum.cutoff(self.cutoff_mw) };
            self.plan_crossings(path, &mut scratch.walls, best, cutoff);
        }
        if scratch.walls.dead && !is_direct {
            return;
        }
        // Every floor and ceiling bounce meets its plane at this cosine.
        let cos_plane = if length > 0.0 { vertical_distance.abs() / length } else { 1.0 };
        if bounces > 0 && !is_direct {
            // This pattern's floor and ceiling bounces, at its angle, with
            // the walls' bound: 45 % of the patterns with bounces end here
            // (one storey of the generated school), before their bounces
            // and crossings are worked out.
            let planes = plane_bounce[..bounces]
                .iter()
                .filter_map(|(_, slab)| slab.as_ref())
                .map(|slab| self.lookup.max_reflection_power_from(slab, cos_plane))
                .product::<Real>();
            if power * scratch.walls.factor * planes < sum.cutoff(self.cutoff_mw) {
                return;
            }
        }

        // Height along the path: piecewise linear between bounce planes.
        let height_at = |fraction: Real| -> Real {
            if bounces == 0 {
                return source.z + (receiver.z - source.z) * fraction;
            }
            let mut travelled = fraction * vertical_distance;
            let mut z = source.z;
            for &target in &plane_z[..bounces] {
                let leg = (target - z).abs();
                if travelled <= leg {
                    return z + (target - z).signum() * travelled;
                }
                travelled -= leg;
                z = target;
            }
            z + (receiver.z - z).signum() * travelled.min((receiver.z - z).abs())
        };
        let position_at = |distance: Real| -> (Point2, usize, Real) {
            for i in 1..points2.len() {
                if distance <= cumulative[i] || i == points2.len() - 1 {
                    let leg = cumulative[i] - cumulative[i - 1];
                    let t = if leg > 0.0 { ((distance - cumulative[i - 1]) / leg).clamp(0.0, 1.0) } else { 0.0 };
                    return (points2[i - 1] + (points2[i] - points2[i - 1]) * t, i - 1, t);
                }
            }
            (points2[points2.len() - 1], points2.len() - 2, 1.0)
        };

        // Merge wall and plane bounces in path order.
        let PlanScratch { walls: scratch, route } = scratch;
        route.reset(source);
        let mut amplitude = A::ONE;
        let horizontal_share = if length > 0.0 { horizontal / length } else { 0.0 };
        let (mut wall_slot, mut plane_slot) = (0, 0);
        let mut vertical_so_far = 0.0;
        let mut z_prev = source.z;
        while wall_slot < depth || plane_slot < bounces {
            let wall_fraction = if wall_slot < depth && horizontal > 0.0 {
                cumulative[wall_slot + 1] / horizontal
            } else {
                Real::INFINITY
            };
            let plane_fraction = if plane_slot < bounces && vertical_distance.abs() > 0.0 {
                (vertical_so_far + (plane_z[plane_slot] - z_prev).abs()) / vertical_distance.abs()
            } else {
                Real::INFINITY
            };
            if wall_fraction <= plane_fraction {
                let face = &self.optics.faces[plan.faces[wall_slot] as usize];
                let wall = &self.scene.optics.walls[self.optics.walls.start + face.wall as usize];
                let p2 = points2[wall_slot + 1];
                let z = height_at(wall_fraction);
                let along = (p2 - wall.a).dot(&wall.along) / wall.length;
                let Some(slab) = wall.material_at(along, z) else { return };
                let incoming = (points2[wall_slot + 1] - points2[wall_slot]).normalize();
                let cos = horizontal_share * incoming.dot(&face.normal).abs();
                amplitude =
                    amplitude.reflect(&self.lookup, &slab, cos, Polarization::Te).scale(self.specular_share(&slab));
                let bounce = Bounce::Wall { wall: face.wall, side: face.side, opening: slab.slab != wall.slab.slab };
                let loss = reflection_loss(&self.lookup, &slab, cos, Polarization::Te, explain);
                route.push(Point3::new(p2.x, p2.y, z), (bounce, cos, loss), wall_slot, 1.0);
                wall_slot += 1;
            } else {
                let distance = plane_fraction * horizontal;
                let (p2, plan_leg, at) = position_at(distance);
                if !self.storey.covers(p2) {
                    return;
                }
                let (bounce, Some(slab)) = plane_bounce[plane_slot] else { return };
                let z = plane_z[plane_slot];
                amplitude = amplitude.reflect(&self.lookup, &slab, cos_plane, Polarization::Tm);
                vertical_so_far += (z - z_prev).abs();
                z_prev = z;
                plane_slot += 1;
                let loss = reflection_loss(&self.lookup, &slab, cos_plane, Polarization::Tm, explain);
                route.push(Point3::new(p2.x, p2.y, z), (bounce, cos_plane, loss), plan_leg, at);
            }
            if !is_direct && power * amplitude.power() < sum.cutoff(self.cutoff_mw) {
                return;
            }
        }
        route.finish_at(receiver, depth);
        let fixed = PathTotals { length, power, horizontal_share, is_direct };
        self.finish(plan, route, fixed, amplitude, scratch, sum, explain);
    }

    /// First-order reflection on a vault facet.
    fn vault_path(&self, view: &FacetView, receiver: Point3, sum: &mut FieldSum, explain: &mut Explain) {
        let source = self.ap.position;
        let facet = &view.facet;
        let h_source = (source - facet.origin).dot(&facet.normal);
        let h_receiver = (receiver - facet.origin).dot(&facet.normal);
        if h_source <= 0.0 || h_receiver <= 0.0 {
            return;
        }
        let Some(point) = facet.hit(view.image, receiver) else { return };
        let length = (receiver - view.image).norm();
        let wavelength = self.ap.frequency.wavelength();
        let power = self.eirp_mw * (wavelength / (4.0 * std::f64::consts::PI * length)).powi(2);
        if power < sum.cutoff(self.cutoff_mw) {
            return;
        }
        let incoming: Vector3 = (point - source).normalize();
        let cos = incoming.dot(&facet.normal).abs();
        let loss = reflection_loss(&self.lookup, &facet.slab, cos, Polarization::Tm, explain);
        if self.coherent {
            let amplitude = Complex64::ONE.reflect(&self.lookup, &facet.slab, cos, Polarization::Tm);
            self.vault_finish(point, receiver, length, power, amplitude, cos, loss, sum, explain);
        } else {
            let amplitude = Real::ONE.reflect(&self.lookup, &facet.slab, cos, Polarization::Tm);
            self.vault_finish(point, receiver, length, power, amplitude, cos, loss, sum, explain);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn vault_finish<A: Amplitude>(
        &self,
        point: Point3,
        receiver: Point3,
        length: Real,
        power: Real,
        mut amplitude: A,
        cos: Real,
        loss: Db,
        sum: &mut FieldSum,
        explain: &mut Explain,
    ) {
        let source = self.ap.position;
        let mut crossings = Vec::new();
        for (leg_index, (a, b)) in [(source, point), (point, receiver)].into_iter().enumerate() {
            let leg = Leg::new(a, b);
            self.for_each_crossing_bvh(&leg, |crossing| {
                if explain.is_some() {
                    crossings.push((leg_index, self.crossing_record(&crossing)));
                }
                amplitude = amplitude.transmit(&self.lookup, &crossing.1, crossing.2, crossing.3);
            });
            if power * amplitude.power() < sum.cutoff(self.cutoff_mw) {
                return;
            }
        }
        let mut route = Route::starting_at(source);
        route.push(point, (Bounce::Vault, cos, loss), 0, 1.0);
        route.finish_at(receiver, 1);
        self.sum_path(&route, length, power, amplitude, false, crossings, sum, explain);
    }

    /// Adds the transmission of every leg and sums the path.
    #[allow(clippy::too_many_arguments)]
    fn finish<A: Amplitude>(
        &self,
        plan: &PlanPath,
        route: &Route,
        totals: PathTotals,
        mut amplitude: A,
        scratch: &WallScratch,
        sum: &mut FieldSum,
        explain: &mut Explain,
    ) {
        let PathTotals { length, power, horizontal_share, is_direct } = totals;
        let walls = &self.scene.optics.walls;
        let mut crossings = Vec::new();
        for leg_index in 0..=route.count {
            let (from, to) = (route.points[leg_index], route.points[leg_index + 1]);
            let plan_leg = route.plan_leg[leg_index] as usize;
            let span = route.plan_span[leg_index];
            let plan_length = (plan.points[plan_leg + 1] - plan.points[plan_leg]).norm();
            let (first, last) = scratch.legs[plan_leg];
            for crossing in &scratch.crossings[first as usize..last as usize] {
                let wall = &walls[crossing.wall as usize];
                let found = if crossing.simple && span.0 <= crossing.enter && crossing.leave <= span.1 {
                    // Only the angle depends on the vertical pattern.
                    let at = if explain.is_some() {
                        let middle = (0.5 * (crossing.enter + crossing.leave) - span.0) / (span.1 - span.0);
                        from + (to - from) * middle
                    } else {
                        from
                    };
                    Some((wall.slab, at, false))
                } else if crossing.simple && (crossing.leave <= span.0 || crossing.enter >= span.1) {
                    None
                } else {
                    cross_in_height(wall, crossing, span, (from, to), plan_length)
                };
                let Some((slab, at, opening)) = found else {
                    continue;
                };
                let cos = crossing.cos * horizontal_share;
                amplitude = amplitude.transmit(&self.lookup, &slab, cos, Polarization::Te);
                // Only explanations pay for recording (an allocation).
                if explain.is_some() {
                    let what = CrossingKind::Wall { floor: wall.floor, wall: wall.wall_index, opening };
                    crossings.push((leg_index, self.crossing_record(&(what, slab, cos, Polarization::Te, at))));
                }
            }
            if !self.same_storey {
                for_each_slab(self.scene, &Leg::new(from, to), |crossing| {
                    amplitude = amplitude.transmit(&self.lookup, &crossing.slab, crossing.cos, Polarization::Tm);
                    if explain.is_some() {
                        let what = CrossingKind::FloorSlab { floor: crossing.floor };
                        let record = (what, crossing.slab, crossing.cos, Polarization::Tm, crossing.at);
                        crossings.push((leg_index, self.crossing_record(&record)));
                    }
                });
            }
            if !is_direct && power * amplitude.power() < sum.cutoff(self.cutoff_mw) {
                return;
            }
        }
        self.sum_path(route, length, power, amplitude, is_direct, crossings, sum, explain);
    }

    /// Adds a finished path to the sum (and explains it).
    #[allow(clippy::too_many_arguments)]
    fn sum_path<A: Amplitude>(
        &self,
        route: &Route,
        length: Real,
        power: Real,
        amplitude: A,
        is_direct: bool,
        mut crossings: Vec<(usize, Crossing)>,
        sum: &mut FieldSum,
        explain: &mut Explain,
    ) {
        // The antenna pattern in the departure direction (the first leg);
        // the bounds above used the peak gain, so they stay upper bounds.
        let antenna_gain = self.ap.relative_gain(&(route.points[1] - route.points[0]));
        let power = power * antenna_gain;
        let path_power = power * amplitude.power();
        sum.power_mw += path_power;
        sum.paths += 1;
        if is_direct {
            sum.direct_mw = path_power;
        }
        if self.coherent {
            // Phase: free-space delay over the unfolded length, times the
            // complex reflection and transmission coefficients.
            let phase = Complex64::from_polar(1.0, -self.wavenumber * length);
            sum.amplitude += phase * amplitude.complex() * power.sqrt();
        }
        if let Some(explain) = explain.as_mut() {
            let reflections = (0..route.count)
                .map(|i| {
                    let (bounce, cos, loss) = route.bounces[i];
                    Reflection {
                        bounce,
                        point: route.points[i + 1],
                        incidence_deg: cos.clamp(0.0, 1.0).acos().to_degrees(),
                        loss,
                    }
                })
                .collect();
            let reflection_loss: Real = route.bounces[..route.count].iter().map(|b| b.2.value()).sum();
            let total = -10.0 * (path_power / power).log10();
            let transmission = Db((total - reflection_loss).clamp(0.0, crate::materials::MAX_LOSS_DB * 16.0));
            crossings.sort_by_key(|(leg, _)| *leg);
            explain(PathRecord {
                length,
                free_space: Db(-10.0 * (power / antenna_gain / self.eirp_mw).log10()),
                reflections,
                transmission,
                crossings,
                power_dbm: 10.0 * path_power.log10(),
                antenna: Db(-10.0 * antenna_gain.log10()),
            });
        }
    }

    /// An upper bound of the power a path between floor and ceiling keeps
    /// crossing `wall` in plan from `enter` to `leave` (its whole
    /// thickness) at plan incidence cosine `cos` (in 3D it is at most as
    /// steep): the slab's, or a leaf's or a hole's where the crossing may
    /// pass an opening, at that angle or any more grazing one.
    #[inline]
    pub(super) fn crossing_bound(
        &self,
        wall: &WallOptics,
        index: u32,
        (enter, leave): (Point2, Point2),
        cos: Real,
    ) -> Real {
        if !wall.full_height {
            return 1.0;
        }
        let mut bound = self.lookup.max_transmission_power_to(&wall.slab, cos);
        if !wall.openings.is_empty() {
            let along = |p: Point2| (p - wall.a).dot(&wall.along) / wall.length;
            let (u0, u1) = (along(enter), along(leave));
            let (low, high) = if u0 <= u1 { (u0, u1) } else { (u1, u0) };
            let slack = 1e-6 / wall.length;
            for opening in wall.openings.iter().filter(|o| o.along.0 <= high + slack && o.along.1 >= low - slack) {
                bound = bound.max(opening.leaf.map_or(1.0, |leaf| self.lookup.max_transmission_power_to(&leaf, cos)));
            }
        }
        bound.max(MIN_TRANSMISSION_POWER).min(self.wall_bounds[index as usize].max(MIN_TRANSMISSION_POWER))
    }

    /// An upper bound of the specular `|R|²` (what the specular share of
    /// the material leaves of it) on a storey wall segment at incidence
    /// cosine `cos` or any more grazing one... down to `cos`: the running
    /// maximum towards normal incidence over its slab and leaves.
    #[inline]
    pub(super) fn reflector_bound(&self, segment: u32, cos: Real) -> Real {
        let tables = &self.reflector_tables;
        tables.samples[tables.start_of_segment[segment as usize] as usize + sample_below(cos)]
    }

    /// Tabulates [`TraceContext::reflector_bound`] for the current
    /// specular shares: per sample, the largest of the segment's slabs'
    /// bounds times their shares, at most 1. One table per distinct set of
    /// slabs (a storey has a handful), found in one lookup where the
    /// bound is needed for every node, span and cell.
    pub(super) fn tabulate_reflectors(&mut self) {
        let mut sets: Vec<&[KeyedSlab]> = Vec::new();
        let mut samples = Vec::new();
        let mut start_of_segment = Vec::with_capacity(self.reflectors.len());
        for slabs in &self.reflectors {
            let set = match sets.iter().position(|set| *set == &slabs[..]) {
                Some(set) => set,
                None => {
                    sets.push(slabs);
                    samples.extend((0..=SAMPLES).map(|i| {
                        slabs
                            .iter()
                            .map(|slab| {
                                let bound = self.lookup.max_reflection_powers(slab).map_or(1.0, |samples| samples[i]);
                                bound * self.specular_share(slab)
                            })
                            .fold(0.0, Real::max)
                            .min(1.0)
                    }));
                    sets.len() - 1
                }
            };
            start_of_segment.push((set * (SAMPLES + 1)) as u32);
        }
        self.reflector_tables = ReflectorTables { samples, start_of_segment };
    }

    /// The share of power a specular reflection on `slab` keeps (the rest
    /// is scattered diffusely).
    #[inline]
    pub(super) fn specular_share(&self, slab: &KeyedSlab) -> Real {
        self.specular_shares[slab.slab.material.0 as usize]
    }

    /// An upper bound of the product of `|R|²` of a plan path's wall
    /// reflections over all its vertical patterns: each at its plan angle
    /// or any more grazing one the patterns allow (more floor and ceiling
    /// bounces make the path steeper, so its 3D incidence more grazing).
    fn reflection_bound(&self, plan: &PlanPath) -> Real {
        if plan.depth == 0 {
            return 1.0;
        }
        let walls = &self.scene.optics.walls;
        let horizontal: Real = (0..=plan.depth).map(|k| (plan.points[k + 1] - plan.points[k]).norm()).sum();
        let vertical = self.steepest_rise[plan.depth];
        let steepest = horizontal / (horizontal * horizontal + vertical * vertical).sqrt();
        let mut bound = 1.0;
        for k in 1..=plan.depth {
            let face = &self.optics.faces[plan.faces[k - 1] as usize];
            let wall = &walls[self.optics.walls.start + face.wall as usize];
            let incoming = plan.points[k] - plan.points[k - 1];
            let length = incoming.norm();
            if length == 0.0 {
                continue;
            }
            let cos = (incoming.dot(&face.normal) / length).abs() * steepest;
            let mut r = self.lookup.max_reflection_power_from(&wall.slab, cos);
            let along = (plan.points[k] - wall.a).dot(&wall.along) / wall.length;
            for opening in wall.openings.iter().filter(|o| o.along.0 <= along && along <= o.along.1) {
                r = r.max(opening.leaf.map_or(0.0, |leaf| self.lookup.max_reflection_power_from(&leaf, cos)));
            }
            bound *= r.min(1.0);
        }
        bound
    }

    /// A crossing for explanations, with its loss.
    pub(super) fn crossing_record(
        &self,
        (what, slab, cos, polarization, at): &(CrossingKind, KeyedSlab, Real, Polarization, Point3),
    ) -> Crossing {
        let t = self.lookup.transmission_power(slab, *cos, *polarization);
        Crossing {
            what: *what,
            slab: slab.slab,
            incidence_deg: cos.clamp(0.0, 1.0).acos().to_degrees(),
            loss: Db(-10.0 * t.log10()),
            at: *at,
        }
    }

    /// Every wall and slab crossing of a single leg, found through each
    /// storey's BVH (for the few legs that have no precomputed candidates).
    fn for_each_crossing_bvh(
        &self,
        leg: &Leg,
        mut visit: impl FnMut((CrossingKind, KeyedSlab, Real, Polarization, Point3)),
    ) {
        let (a, b) = (leg.from.xy(), leg.to().xy());
        let to_z = leg.to().z;
        let (low, high) = if leg.from.z <= to_z { (leg.from.z, to_z) } else { (to_z, leg.from.z) };
        if a != b {
            for (index, storey) in self.scene.optics.floors.iter().enumerate() {
                if storey.volume.0 > high || storey.volume.1 < low {
                    continue;
                }
                self.scene.floors[index].wall_bvh.for_each_on_segment(a, b, |segment| {
                    let wall = &self.scene.optics.walls[storey.walls.start + segment];
                    if let Some(crossing) = cross_wall(wall, leg) {
                        let what =
                            CrossingKind::Wall { floor: index, wall: wall.wall_index, opening: crossing.opening };
                        visit((what, crossing.slab, crossing.cos, Polarization::Te, crossing.at));
                    }
                });
            }
        }
        for_each_slab(self.scene, leg, |crossing| {
            visit((
                CrossingKind::FloorSlab { floor: crossing.floor },
                crossing.slab,
                crossing.cos,
                Polarization::Tm,
                crossing.at,
            ));
        });
    }
}

/// The reflection loss of a bounce, for explanations only (a `log10` the
/// grid does not need).
#[inline]
fn reflection_loss(
    lookup: &SlabLookup,
    slab: &KeyedSlab,
    cos: Real,
    polarization: Polarization,
    explain: &Explain,
) -> Db {
    if explain.is_some() {
        loss_of(lookup.response(slab, cos, polarization).reflection)
    } else {
        Db(0.0)
    }
}

/// 2π/λ for the AP's frequency.
pub fn wavenumber(ap: &AccessPoint) -> Real {
    2.0 * std::f64::consts::PI * ap.frequency.hz() / SPEED_OF_LIGHT
}

/// The vault facets of a storey seen from `source`, with the plan box
/// their reflections can reach at receiver height `receiver_z`.
pub fn facet_views(facets: &[Facet], source: Point3, receiver_z: Real) -> Vec<FacetView> {
    facets
        .iter()
        .map(|facet| {
            let h = (source - facet.origin).dot(&facet.normal);
            let image = source - facet.normal * (2.0 * h);
            let corners = [
                facet.origin,
                facet.origin + facet.along,
                facet.origin + facet.across,
                facet.origin + facet.along + facet.across,
            ];
            // A receiver at `receiver_z` sees the image through the facet
            // along the lines from the image through the facet's corners:
            // their hits on the receiver plane bound what it can reach.
            let mut reach = Some([Real::INFINITY, Real::INFINITY, Real::NEG_INFINITY, Real::NEG_INFINITY]);
            for corner in corners {
                let dz = corner.z - image.z;
                let t = if dz != 0.0 { (receiver_z - image.z) / dz } else { Real::NAN };
                if !(t.is_finite() && t >= 1.0) {
                    reach = None;
                    break;
                }
                let p = image + (corner - image) * t;
                if let Some(b) = reach.as_mut() {
                    *b = [b[0].min(p.x), b[1].min(p.y), b[2].max(p.x), b[3].max(p.y)];
                }
            }
            let reach = reach.map(|[x0, y0, x1, y1]| [x0 - 1e-6, y0 - 1e-6, x1 + 1e-6, y1 + 1e-6]);
            FacetView { facet: *facet, image, reach }
        })
        .collect()
}
