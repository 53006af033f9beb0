//! The multi-wall model: the direct path, with Friis free-space loss plus
//! the ITU-R P.2040-3 §3 slab transmission loss of everything it crosses.
//!
//! Each wall crossed costs `−20·log10|T|` of its slab at the real 3D angle
//! of incidence, TE polarisation (vertical antennas, vertical walls). A
//! wall is the prism of its full thickness and height: a path that goes in
//! one face and out the other crosses the whole thickness; one that clips a
//! wall's end or enters its top through the slab above is charged the
//! thickness it really crosses (length inside × cos θ). Each
//! floor slab crossed costs the same with TM polarisation (SPEC.md,
//! "Physics"). A door, window or empty opening replaces the wall where the
//! path passes through it, in plan and in height. This is the COST 231
//! multi-wall model (COST Action 231 final report, 1999, §4.7) with the
//! constant per-wall losses replaced by physics, so a 1.2 m stone wall is
//! far more opaque than a 0.2 m one. The AP's antenna pattern
//! ([`crate::antenna`]) weights the path by its gain towards the receiver.
//!
//! # Cost
//!
//! A grid is evaluated row by row ([`ApField::received_power_row`]): for
//! each wall, the row's cells that can lie in its shadow as seen from the AP
//! come from three half-planes ([`Shadow`]), and only those cells test the
//! wall exactly. The work per row is one interval per wall plus one exact
//! test per cell a wall may shadow, instead of a wall query per cell; a
//! point is a row of one cell, so a probe and the grid agree to the bit.
//! Transmission factors multiply as powers (one `log10` per receiver).

use num_complex::Complex64;

use super::crossing::{
    cross_wall, for_each_slab, index_range, row_interval_strict, Leg, Shadow, SlabLookup, MIN_TRANSMISSION_POWER,
};
use super::{ApField, PropagationModel, MIN_DISTANCE};
use crate::geometry::Point3;
use crate::materials::{Polarization, Slab, MAX_LOSS_DB};
use crate::scene::optics::WallOptics;
use crate::scene::{AccessPoint, Scene};
use crate::units::{Db, Dbm, Real};

/// The multi-wall model (no parameters: everything comes from the scene).
#[derive(Clone, Copy, Debug, Default)]
pub struct MultiWall;

/// One thing the direct path went through.
#[derive(Clone, Debug, PartialEq)]
pub struct Crossing {
    /// What it was: `wall 3 of rdc`, `slab of etage1`, …
    pub what: CrossingKind,
    /// The slab crossed.
    pub slab: Slab,
    /// Angle of incidence from the surface normal, degrees.
    pub incidence_deg: Real,
    /// Transmission loss, dB.
    pub loss: Db,
    /// Where, absolute.
    pub at: Point3,
}

/// What kind of obstacle a crossing is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CrossingKind {
    /// A wall (storey index, plan wall index), or a door/window leaf in it.
    Wall {
        /// Storey.
        floor: usize,
        /// Index of the wall in the plan's storey.
        wall: usize,
        /// `true` when the path went through an opening's leaf.
        opening: bool,
    },
    /// The floor slab under a storey.
    FloorSlab {
        /// Storey whose slab it is.
        floor: usize,
    },
}

/// Every loss on the direct path, for explanations and tests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PathBreakdown {
    /// 3D length of the path, m.
    pub distance: Real,
    /// Free-space loss.
    pub free_space: Db,
    /// Everything crossed, in order from the AP.
    pub crossings: Vec<Crossing>,
    /// The AP antenna's attenuation towards the receiver, below its peak
    /// gain (0 for an isotropic antenna).
    pub antenna: Db,
}

impl PathBreakdown {
    /// Total loss from the peak EIRP: free space, every crossing and the
    /// antenna pattern.
    pub fn total_loss(&self) -> Db {
        self.crossings.iter().fold(self.free_space + self.antenna, |acc, c| acc + c.loss)
    }
}

impl PropagationModel for MultiWall {
    fn name(&self) -> &'static str {
        "multiwall"
    }

    fn field<'a>(&'a self, scene: &'a Scene, ap: &'a AccessPoint, floor: usize) -> Box<dyn ApField + 'a> {
        Box::new(DirectField::new(scene, ap, floor))
    }
}

/// The walls a straight path from a source to receivers on one storey can
/// cross: those of every storey between the source's height and the
/// receivers', each with its shadow filter from the source.
pub(crate) fn direct_candidates(scene: &Scene, source: Point3, floor: usize) -> Vec<(u32, Shadow)> {
    let receiver_z = scene.floors[floor].elevation + scene.settings.receiver_height;
    let (low, high) = if source.z <= receiver_z { (source.z, receiver_z) } else { (receiver_z, source.z) };
    scene
        .optics
        .floors
        .iter()
        .filter(|storey| storey.volume.0 <= high && storey.volume.1 >= low)
        .flat_map(|storey| storey.walls.clone())
        .map(|index| (index as u32, Shadow::of(&scene.optics.walls[index], source.xy())))
        .collect()
}

/// The direct path of one AP to receivers on one storey.
pub(crate) struct DirectField<'a> {
    scene: &'a Scene,
    ap: &'a AccessPoint,
    lookup: SlabLookup<'a>,
    candidates: Vec<(u32, Shadow)>,
    /// Per candidate, where the path certainly crosses the wall's whole
    /// footprint in plan (whether its height range holds the crossing is
    /// checked per receiver).
    certain: Vec<Option<[[Real; 3]; 3]>>,
}

impl<'a> DirectField<'a> {
    pub(crate) fn new(scene: &'a Scene, ap: &'a AccessPoint, floor: usize) -> Self {
        let candidates = direct_candidates(scene, ap.position, floor);
        let certain = candidates
            .iter()
            .map(|&(index, _)| Shadow::certain(&scene.optics.walls[index as usize], ap.position.xy()))
            .collect();
        DirectField { scene, ap, lookup: SlabLookup::for_ap(scene, ap), candidates, certain }
    }

    /// The direct path's power, mW, at `(xs[i], y, z)` wherever `skip[i]`
    /// is false. `wall_power[i]` is a scratch buffer of the row's length.
    pub(crate) fn row_mw(&self, y: Real, xs: &[Real], z: Real, skip: &[bool], out: &mut [Real]) {
        let walls = &self.scene.optics.walls;
        let source = self.ap.position;
        // Transmission products per cell; factors below 1e-200 are moved
        // into `extra_db` so that many opaque walls never underflow.
        for (value, &skipped) in out.iter_mut().zip(skip) {
            *value = if skipped { 0.0 } else { 1.0 };
        }
        let mut extra_db = vec![0.0; xs.len()];
        // Per cell: the horizontal offset from the AP and the inverse
        // length of the whole 3D path (shared by every wall).
        let inverse_length: Vec<Real> = xs
            .iter()
            .map(|&x| {
                let d = Point3::new(x, y, z) - source;
                let length = d.norm();
                if length > 0.0 {
                    1.0 / length
                } else {
                    0.0
                }
            })
            .collect();
        for (&(index, shadow), certain) in self.candidates.iter().zip(&self.certain) {
            let wall = &walls[index as usize];
            let (start, end) = index_range(xs, shadow.row_interval(y));
            let (sure_start, sure_end) = match certain {
                Some(planes) => {
                    let (low, high) = index_range(xs, row_interval_strict(planes, y));
                    (low.clamp(start, end), high.clamp(start, end).max(low.clamp(start, end)))
                }
                None => (start, start),
            };
            let mut multiply = |i: usize, factor: Real| {
                out[i] *= factor;
                if out[i] < 1e-200 {
                    extra_db[i] += -10.0 * out[i].log10();
                    out[i] = 1.0;
                }
            };
            let exact = |i: usize| {
                let leg = Leg::new(source, Point3::new(xs[i], y, z));
                cross_wall(wall, &leg).map(|crossing| (crossing.slab, crossing.cos))
            };
            for i in (start..sure_start).chain(sure_end..end) {
                if !skip[i] {
                    if let Some((slab, cos)) = exact(i) {
                        multiply(i, self.lookup.transmission_power(&slab, cos, Polarization::Te));
                    }
                }
            }
            // Where the plan crossing is certain and both faces are met
            // within the wall's height, only the height at the centreline
            // (doors and windows) and the angle remain to be found.
            let offset = (wall.a - source.xy()).dot(&wall.normal);
            let (bottom, top) = wall.crossable;
            for i in sure_start..sure_end {
                if skip[i] {
                    continue;
                }
                let (dx, dy, dz) = (xs[i] - source.x, y - source.y, z - source.z);
                let rate = dx * wall.normal.x + dy * wall.normal.y;
                let t = offset / rate;
                let spread = (wall.half / rate).abs();
                let (z_mid, z_side) = (source.z + dz * t, (dz * spread).abs());
                let found = if z_mid + z_side < bottom || z_mid - z_side > top {
                    // Wholly above or below the wall (a path to another
                    // storey).
                    None
                } else if z_mid - z_side > bottom && z_mid + z_side < top {
                    let (px, py) = (source.x + dx * t - wall.a.x, source.y + dy * t - wall.a.y);
                    let along = (px * wall.along.x + py * wall.along.y) / wall.length;
                    wall.material_at(along, z_mid).map(|slab| (slab, rate.abs() * inverse_length[i]))
                } else {
                    exact(i)
                };
                if let Some((slab, cos)) = found {
                    multiply(i, self.lookup.transmission_power(&slab, cos, Polarization::Te));
                }
            }
        }
        let eirp_mw = Dbm(self.ap.eirp_dbm()).to_milliwatts();
        let wavelength = self.ap.frequency.wavelength();
        let directional = !self.ap.antenna.is_isotropic();
        for i in 0..xs.len() {
            if skip[i] {
                continue;
            }
            let receiver = Point3::new(xs[i], y, z);
            let leg = Leg::new(source, receiver);
            for_each_slab(self.scene, &leg, |crossing| {
                out[i] *= self.lookup.transmission_power(&crossing.slab, crossing.cos, Polarization::Tm);
            });
            let spreading = (wavelength / (4.0 * std::f64::consts::PI * leg.length.max(MIN_DISTANCE))).powi(2);
            out[i] *= eirp_mw * spreading;
            if directional {
                // The antenna pattern towards the receiver (the direct
                // path's departure direction).
                out[i] *= self.ap.relative_gain(&(receiver - source));
            }
            if extra_db[i] > 0.0 {
                out[i] *= 10f64.powf(-extra_db[i] / 10.0);
            }
        }
    }
}

impl ApField for DirectField<'_> {
    fn received_power(&self, receiver: Point3) -> Dbm {
        let mut out = [0.0];
        self.row_mw(receiver.y, &[receiver.x], receiver.z, &[false], &mut out);
        Dbm::from_milliwatts(out[0])
    }

    fn received_power_row(&self, y: Real, xs: &[Real], z: Real, skip: &[bool], _floors: &[f32], out: &mut [f32]) {
        let mut power = vec![0.0; xs.len()];
        self.row_mw(y, xs, z, skip, &mut power);
        for ((value, &p), &skipped) in out.iter_mut().zip(&power).zip(skip) {
            if !skipped {
                *value = Dbm::from_milliwatts(p).value() as f32;
            }
        }
    }
}

/// Loss of the direct path: Friis plus every crossing's slab loss.
pub fn direct_path_loss(scene: &Scene, ap: &AccessPoint, receiver: Point3) -> Db {
    let floor = floor_of(scene, receiver.z);
    Dbm(ap.eirp_dbm()) - DirectField::new(scene, ap, floor).received_power(receiver)
}

/// The storey whose volume holds height `z` (the lowest for anything below).
fn floor_of(scene: &Scene, z: Real) -> usize {
    scene.optics.floors.iter().rposition(|f| f.volume.0 <= z).unwrap_or(0)
}

/// The direct path's loss by the brute-force rule: every wall of every
/// storey tested for every receiver, no filter. The reference the benches
/// measure the fast evaluation against (same physics, same values).
pub fn brute_force_loss(scene: &Scene, ap: &AccessPoint, receiver: Point3) -> Db {
    let lookup = SlabLookup::for_ap(scene, ap);
    let leg = Leg::new(ap.position, receiver);
    let mut loss = super::free_space_loss(leg.length, ap.frequency).value();
    loss += ap.antenna.attenuation_db(&(receiver - ap.position));
    for wall in &scene.optics.walls {
        if let Some(crossing) = cross_wall(wall, &leg) {
            loss += -10.0 * lookup.transmission_power(&crossing.slab, crossing.cos, Polarization::Te).log10();
        }
    }
    for_each_slab(scene, &leg, |crossing| {
        loss += -10.0 * lookup.transmission_power(&crossing.slab, crossing.cos, Polarization::Tm).log10();
    });
    Db(loss)
}

/// `−20·log10|T|`, clamped to [`MAX_LOSS_DB`] for an opaque slab.
#[inline]
pub fn loss_of(transmission: Complex64) -> Db {
    let magnitude = transmission.norm();
    Db(if magnitude > 0.0 { (-20.0 * magnitude.log10()).min(MAX_LOSS_DB) } else { MAX_LOSS_DB })
}

impl MultiWall {
    /// The full breakdown of the direct path (slower: it records every
    /// crossing).
    pub fn breakdown(&self, scene: &Scene, ap: &AccessPoint, receiver: Point3) -> PathBreakdown {
        let distance = (receiver - ap.position).norm();
        let lookup = SlabLookup::for_ap(scene, ap);
        let mut crossings = Vec::new();
        for_each_crossing(scene, &lookup, &Leg::new(ap.position, receiver), |crossing| crossings.push(crossing));
        let antenna = Db(ap.antenna.attenuation_db(&(receiver - ap.position)));
        PathBreakdown { distance, free_space: super::free_space_loss(distance, ap.frequency), crossings, antenna }
    }
}

/// Calls `visit` with every wall, opening leaf and floor slab the leg
/// crosses, in order from its start, with the transmission loss at the
/// lookup's frequency. For explanations and single legs (it queries each
/// storey's wall BVH); the grid evaluations use [`Shadow`] filters.
pub fn for_each_crossing(scene: &Scene, lookup: &SlabLookup, leg: &Leg, mut visit: impl FnMut(Crossing)) {
    let mut found: Vec<(Real, Crossing)> = Vec::new();
    let (a, b) = (leg.from.xy(), leg.to().xy());
    for (index, storey) in scene.optics.floors.iter().enumerate() {
        let (low, high) = if leg.from.z <= leg.to().z { (leg.from.z, leg.to().z) } else { (leg.to().z, leg.from.z) };
        if storey.volume.0 > high || storey.volume.1 < low || a == b {
            continue;
        }
        scene.floors[index].wall_bvh.for_each_on_segment(a, b, |segment| {
            let wall: &WallOptics = &scene.optics.walls[storey.walls.start + segment];
            if let Some(crossing) = cross_wall(wall, leg) {
                let t = lookup.transmission_power(&crossing.slab, crossing.cos, Polarization::Te);
                found.push((
                    (crossing.at - leg.from).norm(),
                    Crossing {
                        what: CrossingKind::Wall { floor: index, wall: wall.wall_index, opening: crossing.opening },
                        slab: crossing.slab.slab,
                        incidence_deg: crossing.cos.clamp(0.0, 1.0).acos().to_degrees(),
                        loss: transmission_loss(t),
                        at: crossing.at,
                    },
                ));
            }
        });
    }
    for_each_slab(scene, leg, |crossing| {
        let t = lookup.transmission_power(&crossing.slab, crossing.cos, Polarization::Tm);
        found.push((
            (crossing.at - leg.from).norm(),
            Crossing {
                what: CrossingKind::FloorSlab { floor: crossing.floor },
                slab: crossing.slab.slab,
                incidence_deg: crossing.cos.clamp(0.0, 1.0).acos().to_degrees(),
                loss: transmission_loss(t),
                at: crossing.at,
            },
        ));
    });
    found.sort_by(|x, y| x.0.total_cmp(&y.0));
    for (_, crossing) in found {
        visit(crossing);
    }
}

/// The loss of a power transmission factor (at least
/// [`MIN_TRANSMISSION_POWER`], as in the power products).
fn transmission_loss(power: Real) -> Db {
    Db(-10.0 * power.max(MIN_TRANSMISSION_POWER).log10())
}
