//! The ray-tracing model: direct, transmitted and reflected paths, found
//! exactly with the image method in 2.5D.
//!
//! # Method, and why
//!
//! Walls are vertical prisms and floors and ceilings horizontal planes, so
//! a path's plan view depends only on its wall reflections, and its height
//! profile only on its floor and ceiling bounces. The tracer uses that:
//!
//! 1. **Wall reflections: image method with visibility wedges.** For each
//!    AP and receiver storey, [`images::build`] mirrors the AP across both
//!    faces of every wall, up to `max_reflections` deep, keeping a child
//!    only where its face meets the wedge seen through the parent's
//!    aperture (2D beam tracing). For each receiver, every node is checked
//!    exactly: walking back from the receiver, each image's segment must
//!    cross its face. The result is the exact set of specular paths (no
//!    missed path, since the wedge only removes sequences that no receiver
//!    can see; no double count, since each face sequence is one node).
//! 2. **Floor and ceiling bounces: vertical unfolding.** Every plan path is
//!    combined with every alternating sequence of floor/ceiling bounces that
//!    keeps the total within the limit; the unfolded length is
//!    `√(L_plan² + D_vertical²)` and the heights of all bounce points follow
//!    exactly. Each wall bounce must fall within its wall's height (on a
//!    door or window it reflects off the leaf; on an empty opening there is
//!    no bounce).
//! 3. **Vaults: planar facets, first order.** A barrel vault is cut into
//!    [`VAULT_FACETS`] planar strips per room; each gives a
//!    first-order reflection by the 3D image method. Paths combining a vault
//!    with other bounces are not traced.
//! 4. **Losses.** Friis over the unfolded length; at every bounce the P.2040
//!    slab reflection coefficient at its angle (TE on walls, TM on floors,
//!    ceilings and vaults, for vertically polarised antennas); on every leg
//!    the P.2040 transmission coefficient of each wall, leaf and slab
//!    crossed, at that leg's angle ([`crate::propagation::multiwall`]).
//! 5. **Sum.** Incoherent (powers add) by default; coherent (complex
//!    amplitudes with the free-space phase `e^{−jkL}` and the complex R and
//!    T) with `coherent`, which shows fast fading at λ/2 resolution.
//!
//! Across storeys, the direct path and reflections on the receiver storey's
//! walls are traced (through the slab); floor/ceiling bounces need the AP
//! and receiver on the same storey.
//!
//! **Error and cost.** The image method is exact for the specular paths it
//! enumerates, so the error is the model's (geometric optics without
//! diffraction or diffuse scattering, planar vault facets). A shooting-and-
//! bouncing-rays tracer was rejected: its reception spheres make results
//! depend on ray density and double-count near wedges, which fails a 0.5 dB
//! two-ray check. Cost per receiver is one segment test per tree node
//! (thousands at order 3 on a storey with ~30 walls) plus a wall query per
//! leg of each valid path; paths whose power, from free space and
//! reflections so far, falls below the noise floor minus
//! [`CUTOFF_MARGIN_DB`] are dropped as soon as that is known (the direct
//! path always counts). Per-AP work (faces, tree, facets) is done once per
//! storey in [`PropagationModel::field`], and cells run in parallel.

pub mod diffraction;
pub mod horizontal;
pub mod images;
pub mod scattering;
pub mod trace;
pub mod utd;

use crate::geometry::Point3;
use crate::propagation::crossing::{SlabLookup, MIN_TRANSMISSION_POWER};
use crate::propagation::multiwall::direct_candidates;
use crate::propagation::{ApField, PropagationModel, StoreyShare};
use crate::scene::optics::VAULT_FACETS;
use crate::scene::{AccessPoint, Scene};
use crate::units::{Dbm, Real};

pub use trace::{Bounce, FieldSum, PathRecord, Reflection, TraceContext, MAX_ORDER};

/// Paths weaker than the noise floor minus this margin are dropped: a path
/// 30 dB under the noise floor changes a sum by less than 0.005 dB even in
/// the worst case, where it competes only with the noise.
pub const CUTOFF_MARGIN_DB: Real = 30.0;

/// Default number of reflections per path (SPEC.md).
pub const DEFAULT_MAX_REFLECTIONS: usize = 3;

/// The ray-tracing model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RayTrace {
    /// Maximum reflections per path (0 to [`MAX_ORDER`]); a diffraction
    /// counts as one.
    pub max_reflections: usize,
    /// Sum complex amplitudes (phase) instead of powers.
    pub coherent: bool,
    /// Trace diffraction on vertical edges ([`diffraction`]).
    pub diffraction: bool,
    /// Trace diffuse scattering from walls ([`scattering`]).
    pub scattering: bool,
}

impl Default for RayTrace {
    fn default() -> Self {
        RayTrace { max_reflections: DEFAULT_MAX_REFLECTIONS, coherent: false, diffraction: true, scattering: true }
    }
}

impl RayTrace {
    /// The default model with `max_reflections` reflections.
    pub fn with_reflections(max_reflections: usize) -> Self {
        RayTrace { max_reflections, ..RayTrace::default() }
    }

    /// Without diffraction and diffuse scattering: specular paths only.
    pub fn specular(self) -> Self {
        RayTrace { diffraction: false, scattering: false, ..self }
    }
}

impl RayTrace {
    /// Everything fixed for `ap` and receivers on storey `floor`.
    pub fn context<'a>(&self, scene: &'a Scene, ap: &'a AccessPoint, floor: usize) -> TraceContext<'a> {
        self.context_sharing(scene, ap, floor, None)
    }

    /// [`RayTrace::context`], taking the storey's edge trees from `share`
    /// (building those it lacks there) instead of building its own.
    pub fn context_sharing<'a>(
        &self,
        scene: &'a Scene,
        ap: &'a AccessPoint,
        floor: usize,
        share: Option<&StoreyShare>,
    ) -> TraceContext<'a> {
        let storey = &scene.floors[floor];
        let optics = &scene.optics.floors[floor];
        let max_reflections = self.max_reflections.min(MAX_ORDER);
        let same_storey = ap.floor == floor;
        let lookup = SlabLookup::for_ap(scene, ap);
        let (wall_bounds, opaque) = wall_bounds(&lookup, scene);
        let cutoff_mw = Dbm(scene.settings.noise_floor_dbm - CUTOFF_MARGIN_DB).to_milliwatts();
        let eirp_mw = Dbm(ap.eirp_dbm()).to_milliwatts();
        let receiver_z = storey.elevation + scene.settings.receiver_height;
        let slabs = trace::SlabsBetween::new(scene, ap.position.z, receiver_z);
        let slab_bound = |horizontal: Real| slabs.bound(&lookup, horizontal);
        let direct = direct_candidates(scene, ap.position, floor);
        let first_leg_walls: Vec<u32> = direct.iter().map(|&(wall, _)| wall).collect();
        let tree = images::build(images::TreeInputs {
            source: ap.position.xy(),
            faces: &optics.faces,
            walls: &scene.optics.walls,
            storey_walls: optics.walls.clone(),
            first_leg_walls: &first_leg_walls,
            direct,
            max_depth: max_reflections as u8,
            wall_bounds: &wall_bounds,
            opaque: &opaque,
            opaque_by_cos: &opaque_by_cos(&lookup, scene),
            same_storey,
            cutoff: Some((eirp_mw, ap.frequency.wavelength(), cutoff_mw)),
            slab_bound: &slab_bound,
        });
        let facets = if same_storey && max_reflections > 0 {
            trace::facet_views(&optics.facets, ap.position, receiver_z)
        } else {
            Vec::new()
        };
        // A path with `d` wall reflections has `max_reflections − d` floor
        // and ceiling bounces left on its own storey, each adding at most a
        // storey height of travel.
        let storey_height = (optics.planes.ceiling_z - optics.planes.floor_z).abs();
        let rise = (receiver_z - ap.position.z).abs();
        let mut steepest_rise = [rise; MAX_ORDER + 1];
        for (depth, value) in steepest_rise.iter_mut().enumerate() {
            if same_storey && depth <= max_reflections {
                *value = rise.max((max_reflections - depth + 1) as Real * storey_height);
            }
        }
        let reflectors = scene
            .optics
            .floor_walls(floor)
            .iter()
            .map(|wall| {
                let mut slabs = vec![wall.slab];
                for leaf in wall.openings.iter().filter_map(|o| o.leaf) {
                    if !slabs.contains(&leaf) {
                        slabs.push(leaf);
                    }
                }
                slabs
            })
            .collect();
        let mut context = TraceContext {
            scene,
            ap,
            storey,
            optics,
            floor,
            same_storey,
            lookup,
            wall_bounds,
            tree,
            slabs,
            reflectors,
            steepest_rise,
            facets,
            facets_z: receiver_z,
            max_reflections,
            cutoff_mw,
            eirp_mw,
            wavenumber: trace::wavenumber(ap),
            coherent: self.coherent,
            diffraction: None,
            scattering: None,
            // Both set by `prepare_secondary`.
            specular_shares: Vec::new(),
            reflector_tables: trace::ReflectorTables::default(),
        };
        self.prepare_secondary(&mut context, &opaque, share);
        context
    }

    /// Diffraction and diffuse scattering for `context` (on its AP's own
    /// storey), over its tree, with the specular shares they leave;
    /// `opaque` as [`wall_bounds`] gives it for `context`'s lookup.
    fn prepare_secondary(&self, context: &mut TraceContext, opaque: &[Real], share: Option<&StoreyShare>) {
        let (scene, ap) = (context.scene, context.ap);
        let applies = context.same_storey && context.max_reflections >= 1;
        context.specular_shares = vec![1.0; scene.materials.len()];
        context.tabulate_reflectors();
        // One diffraction per path, counting as an interaction, with at
        // most one wall reflection besides (before or after it).
        if self.diffraction && applies {
            let reflections = (context.max_reflections - 1).min(1) as u8;
            let band = band_bounds(scene, ap, (&context.wall_bounds, opaque));
            let edge_trees = share.map(|s| &s.edge_trees);
            context.diffraction = Some(context.prepare_diffraction(reflections, opaque, (&band, edge_trees)));
        }
        if self.scattering && applies {
            context.specular_shares = scene.materials.iter().map(|(_, m)| 1.0 - m.scattering * m.scattering).collect();
            context.tabulate_reflectors();
            context.scattering = Some(context.prepare_scattering(opaque));
        }
    }

    /// Every path from `ap` to `receiver` (on storey `floor`), strongest
    /// first, with the total.
    pub fn explain(&self, scene: &Scene, ap: &AccessPoint, floor: usize, receiver: Point3) -> (Vec<PathRecord>, Dbm) {
        let context = self.context(scene, ap, floor);
        let mut records = Vec::new();
        let sum = context.trace(receiver, Some(&mut |record| records.push(record)));
        records.sort_by(|a, b| b.power_dbm.total_cmp(&a.power_dbm));
        (records, self.power_of(&sum))
    }

    fn power_of(&self, sum: &FieldSum) -> Dbm {
        Dbm::from_milliwatts(if self.coherent { sum.amplitude.norm_sqr() } else { sum.power_mw })
    }

    /// Parameters recorded in reports.
    pub fn parameters(&self) -> serde_json::Value {
        serde_json::json!({
            "method": "2.5D image method: wall images pruned by visibility wedges, floor/ceiling bounces by vertical unfolding, vaults as planar facets (first order)",
            "max_reflections": self.max_reflections,
            "sum": if self.coherent { "coherent" } else { "incoherent" },
            "vault_facets": VAULT_FACETS,
            "cutoff": format!("noise floor - {CUTOFF_MARGIN_DB} dB"),
            "wall_model": "ITU-R P.2040-3 single-layer slab: R and T, TE on walls, TM on floors, ceilings and vaults",
        })
    }
}

/// Per wall of the scene: an upper bound of the power a crossing keeps
/// (tree nodes list their walls most opaque first), and the most a crossing
/// of its slab keeps where it stands floor to ceiling, else 1 (see
/// [`images::TreeInputs`]).
fn wall_bounds(lookup: &SlabLookup, scene: &Scene) -> (Vec<Real>, Vec<Real>) {
    let walls = &scene.optics.walls;
    let bounds = walls.iter().map(|wall| lookup.max_wall_transmission_power(wall)).collect();
    let opaque = walls
        .iter()
        .map(|wall| if wall.full_height { lookup.max_transmission_power(&wall.slab) } else { 1.0 })
        .collect();
    (bounds, opaque)
}

/// Per wall of the scene, the most power a crossing of its slab keeps at
/// plan incidence cosines up to each of [`images::COS_STEPS`] evenly
/// spaced ones (1 for a wall that does not fill its storey): see
/// [`images::TreeInputs::opaque_by_cos`].
fn opaque_by_cos(lookup: &SlabLookup, scene: &Scene) -> Vec<Real> {
    let steps = images::COS_STEPS;
    let mut table = Vec::with_capacity(scene.optics.walls.len() * steps);
    for wall in &scene.optics.walls {
        table.extend((0..steps).map(|k| {
            if wall.full_height {
                let cos = k as Real / (steps - 1) as Real;
                lookup.max_transmission_power_to(&wall.slab, cos).clamp(MIN_TRANSMISSION_POWER, 1.0)
            } else {
                1.0
            }
        }));
    }
    table
}

/// [`wall_bounds`] at their largest over every frequency the scene's APs
/// use in `ap`'s band, from `ap`'s own (`own`): bounds that hold for each of
/// those channels, so that the band's APs can share the edge trees built
/// with them (a tree per channel would cost a plan with seven channels
/// seven times the memory).
fn band_bounds(scene: &Scene, ap: &AccessPoint, own: (&[Real], &[Real])) -> (Vec<Real>, Vec<Real>) {
    let mut frequencies: Vec<crate::units::Frequency> = scene
        .aps
        .iter()
        .filter(|other| other.band == ap.band && other.frequency != ap.frequency)
        .map(|other| other.frequency)
        .collect();
    frequencies.sort_by(|a, b| a.hz().total_cmp(&b.hz()));
    frequencies.dedup();
    let mut band = (own.0.to_vec(), own.1.to_vec());
    for &frequency in &frequencies {
        let (bounds, opaque) = wall_bounds(&SlabLookup::new(scene, frequency), scene);
        band.0.iter_mut().zip(bounds).for_each(|(band, b)| *band = band.max(b));
        band.1.iter_mut().zip(opaque).for_each(|(band, o)| *band = band.max(o));
    }
    band
}

struct RayField<'a> {
    model: RayTrace,
    context: TraceContext<'a>,
    /// Where the storey's edge trees are shared, if they are.
    share: Option<&'a StoreyShare>,
}

impl ApField for RayField<'_> {
    /// Keeps the image tree (a tenth of the three-storey school's time to
    /// build) without its last legs or their slots; the diffracting
    /// edges' incident paths and the scattering tiles (more memory than
    /// the tree, built in a few milliseconds) are dropped.
    fn set_aside(&mut self) -> usize {
        self.context.tree.set_aside();
        self.context.diffraction = None;
        self.context.scattering = None;
        self.context.tree.heap_bytes()
    }

    fn take_up(&mut self) {
        self.context.tree.take_up();
        let (_, opaque) = wall_bounds(&self.context.lookup, self.context.scene);
        self.model.prepare_secondary(&mut self.context, &opaque, self.share);
    }

    fn received_power(&self, receiver: Point3) -> Dbm {
        self.model.power_of(&self.context.trace(receiver, None))
    }

    fn received_power_above(&self, receiver: Point3, floor: Real) -> Dbm {
        self.model.power_of(&self.context.trace_above(receiver, floor, None))
    }

    fn received_power_row(&self, y: Real, xs: &[Real], z: Real, skip: &[bool], floors: &[f32], out: &mut [f32]) {
        self.received_power_rows(&[y], xs, z, skip, floors, out);
    }

    fn received_power_rows(&self, ys: &[Real], xs: &[Real], z: Real, skip: &[bool], floors: &[f32], out: &mut [f32]) {
        let mut sums: Vec<FieldSum> =
            floors.iter().map(|&floor| FieldSum::above(Dbm(floor as Real).to_milliwatts())).collect();
        self.context.trace_rows(ys, xs, z, skip, &mut sums);
        for ((value, sum), &skipped) in out.iter_mut().zip(&sums).zip(skip) {
            if !skipped {
                *value = self.model.power_of(sum).value() as f32;
            }
        }
    }
}

impl PropagationModel for RayTrace {
    fn name(&self) -> &'static str {
        "raytrace"
    }

    fn uses_relevance_floor(&self) -> bool {
        true
    }

    fn field<'a>(&'a self, scene: &'a Scene, ap: &'a AccessPoint, receiver_floor: usize) -> Box<dyn ApField + 'a> {
        Box::new(RayField { model: *self, context: self.context(scene, ap, receiver_floor), share: None })
    }

    fn field_sharing<'a>(
        &'a self,
        scene: &'a Scene,
        ap: &'a AccessPoint,
        receiver_floor: usize,
        share: &'a StoreyShare,
    ) -> Box<dyn ApField + 'a> {
        let context = self.context_sharing(scene, ap, receiver_floor, Some(share));
        Box::new(RayField { model: *self, context, share: Some(share) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One storey of the generated school (1 m stone shell, brick
    /// partitions, APs on four 5 GHz channels), loaded as a plan file is.
    pub(crate) fn one_storey_school() -> Scene {
        let spec = crate::synthetic::SchoolSpec { storeys: 1, ..crate::synthetic::SchoolSpec::default() };
        let text = crate::floorplan::to_toml(&crate::synthetic::school(&spec)).expect("serialises");
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("school.toml");
        std::fs::write(&path, text).expect("writes");
        crate::pipeline::load_scene(&path, None).expect("loads").1
    }

    #[test]
    fn tabulated_reflection_bounds_are_those_of_each_slab() {
        // Doors and windows in the walls: segments with several slabs.
        let scene = one_storey_school();
        let context = RayTrace::default().context(&scene, &scene.aps[0], 0);
        assert!(context.reflectors.iter().any(|slabs| slabs.len() > 1), "the test needs walls with leaves");
        assert!(context.specular_shares.iter().any(|&share| share < 1.0), "the test needs diffuse scattering");
        for (segment, slabs) in context.reflectors.iter().enumerate() {
            for k in 0..=200 {
                let cos = k as Real / 200.0;
                let each = slabs
                    .iter()
                    .map(|slab| context.lookup.max_reflection_power_from(slab, cos) * context.specular_share(slab))
                    .fold(0.0, Real::max)
                    .min(1.0);
                assert_eq!(context.reflector_bound(segment as u32, cos), each, "segment {segment} at cos {cos}");
            }
        }
    }

    #[test]
    fn a_bands_shared_bounds_hold_for_each_of_its_channels() {
        let scene = one_storey_school();
        let channels: std::collections::BTreeSet<u64> =
            scene.aps.iter().map(|ap| ap.frequency.hz().to_bits()).collect();
        assert!(channels.len() > 1, "the test needs several channels");
        // Every AP's shared bounds hold for every channel of its band, and
        // are not looser than the loosest of them.
        for ap in &scene.aps {
            let own = wall_bounds(&SlabLookup::for_ap(&scene, ap), &scene);
            let (band_walls, band_opaque) = band_bounds(&scene, ap, (&own.0, &own.1));
            let mut loosest = (vec![0.0; band_walls.len()], vec![0.0; band_opaque.len()]);
            for other in scene.aps.iter().filter(|other| other.band == ap.band) {
                let (walls, opaque) = wall_bounds(&SlabLookup::for_ap(&scene, other), &scene);
                assert!(band_walls.iter().zip(&walls).all(|(band, own)| band >= own));
                assert!(band_opaque.iter().zip(&opaque).all(|(band, own)| band >= own));
                loosest.0.iter_mut().zip(&walls).for_each(|(l, &w)| *l = Real::max(*l, w));
                loosest.1.iter_mut().zip(&opaque).for_each(|(l, &o)| *l = Real::max(*l, o));
            }
            assert_eq!((band_walls, band_opaque), loosest);
        }
    }
}
