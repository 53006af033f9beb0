//! Paths from one AP to one receiver: every image-tree node and vertical
//! bounce pattern is checked exactly against the receiver, and each valid
//! path gets its free-space loss over the unfolded length, the P.2040
//! reflection coefficient of every bounce and the P.2040 transmission
//! coefficient of everything each leg crosses.

use num_complex::Complex64;

use super::faces::{Face, Facet, Planes};
use super::images::ImageTree;
use crate::geometry::{segment_intersection, Point2, Point3, Vector3};
use crate::materials::Polarization;
use crate::propagation::multiwall::{for_each_crossing, loss_of, Crossing};
use crate::scene::{AccessPoint, Scene, SceneFloor, Slab};
use crate::units::{Db, Real, SPEED_OF_LIGHT};

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
}

/// Everything fixed for one AP and one receiver storey.
pub struct TraceContext<'a> {
    /// The scene.
    pub scene: &'a Scene,
    /// The AP.
    pub ap: &'a AccessPoint,
    /// The receiver storey.
    pub storey: &'a SceneFloor,
    /// Index of the receiver storey.
    pub floor: usize,
    /// AP and receiver share this storey: floor and ceiling bounces and
    /// vault reflections are traced.
    pub same_storey: bool,
    /// Faces of the receiver storey's walls.
    pub faces: Vec<Face>,
    /// The AP's image tree over `faces`.
    pub tree: ImageTree,
    /// Floor and flat ceiling.
    pub planes: Planes,
    /// Vault facets.
    pub facets: Vec<Facet>,
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
}

impl FieldSum {
    /// The power below which a reflected path is dropped: the absolute
    /// cutoff, or [`RELATIVE_CUTOFF_DB`] under the direct path. Tied to the
    /// direct path (not the strongest so far) so that the set of paths kept
    /// does not depend on the order they are found in, and more reflections
    /// can only add paths.
    #[inline]
    fn cutoff(&self, absolute_mw: Real) -> Real {
        absolute_mw.max(self.direct_mw * RELATIVE_CUTOFF)
    }
}

/// Reflected paths this far below the direct path at the same receiver are
/// dropped: even a hundred of them change the sum by under 0.002 dB.
pub const RELATIVE_CUTOFF_DB: Real = 50.0;
const RELATIVE_CUTOFF: Real = 1e-5;

/// A path under construction: its points and bounces in order, each bounce
/// with its incidence cosine and reflection coefficient.
struct Route {
    points: [Point3; 2 * MAX_ORDER + 2],
    bounces: [(Bounce, Real, Complex64); 2 * MAX_ORDER],
    count: usize,
}

impl Route {
    fn starting_at(source: Point3) -> Self {
        Route {
            points: [source; 2 * MAX_ORDER + 2],
            bounces: [(Bounce::Floor, 0.0, Complex64::new(1.0, 0.0)); 2 * MAX_ORDER],
            count: 0,
        }
    }

    fn push(&mut self, point: Point3, bounce: (Bounce, Real, Complex64)) {
        self.bounces[self.count] = bounce;
        self.count += 1;
        self.points[self.count] = point;
    }
}

impl TraceContext<'_> {
    /// Traces every path to `receiver`, adding them to the sum; `explain`
    /// (when given) receives each path's record.
    pub fn trace(&self, receiver: Point3, mut explain: Option<&mut dyn FnMut(PathRecord)>) -> FieldSum {
        let mut sum = FieldSum::default();
        let source = self.ap.position;
        let r2 = receiver.xy();
        let mut points2 = [Point2::origin(); MAX_ORDER + 2];
        let mut faces_on_path = [0u32; MAX_ORDER];
        for node_index in 0..self.tree.nodes.len() {
            let node = &self.tree.nodes[node_index];
            let depth = node.depth as usize;
            // Walk back from the receiver: each image's segment to the
            // current point must cross its face.
            let mut current = r2;
            let mut index = node_index as u32;
            let mut valid = true;
            for slot in (1..=depth).rev() {
                let n = &self.tree.nodes[index as usize];
                let face = &self.faces[n.face as usize];
                match segment_intersection(n.image, current, face.p0, face.p1) {
                    Some((t, _)) if t > 0.0 && t < 1.0 => {
                        current = n.image + (current - n.image) * t;
                        points2[slot] = current;
                        faces_on_path[slot - 1] = n.face;
                        index = n.parent;
                    }
                    _ => {
                        valid = false;
                        break;
                    }
                }
            }
            if !valid {
                continue;
            }
            debug_assert_eq!(index, 0);
            points2[0] = source.xy();
            points2[depth + 1] = r2;
            self.vertical_patterns(&points2[..depth + 2], &faces_on_path[..depth], receiver, &mut sum, &mut explain);
        }
        if self.same_storey {
            self.vault_paths(receiver, &mut sum, &mut explain);
        }
        sum
    }

    /// For one 2D path, every sequence of floor/ceiling bounces that keeps
    /// the total within the reflection limit.
    fn vertical_patterns(
        &self,
        points2: &[Point2],
        faces: &[u32],
        receiver: Point3,
        sum: &mut FieldSum,
        explain: &mut Option<&mut dyn FnMut(PathRecord)>,
    ) {
        let walls = faces.len();
        let budget = if self.same_storey { self.max_reflections - walls } else { 0 };
        // (first bounce is on the ceiling, number of bounces)
        self.add_path(points2, faces, receiver, None, sum, explain);
        for bounces in 1..=budget {
            for ceiling_first in [false, true] {
                self.add_path(points2, faces, receiver, Some((ceiling_first, bounces)), sum, explain);
            }
        }
    }

    /// Builds, checks and sums one path.
    #[allow(clippy::too_many_arguments)]
    fn add_path(
        &self,
        points2: &[Point2],
        faces: &[u32],
        receiver: Point3,
        vertical: Option<(bool, usize)>,
        sum: &mut FieldSum,
        explain: &mut Option<&mut dyn FnMut(PathRecord)>,
    ) {
        let source = self.ap.position;
        let planes = &self.planes;
        // Horizontal unfolded length and where each wall bounce sits on it.
        let mut cumulative = [0.0; MAX_ORDER + 2];
        for i in 1..points2.len() {
            cumulative[i] = cumulative[i - 1] + (points2[i] - points2[i - 1]).norm();
        }
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
        let spreading =
            (wavelength / (4.0 * std::f64::consts::PI * length.max(crate::propagation::MIN_DISTANCE))).powi(2);
        let power = self.eirp_mw * spreading;
        let is_direct = faces.is_empty() && bounces == 0;
        if !is_direct && power < sum.cutoff(self.cutoff_mw) {
            return;
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
        let position_at = |distance: Real| -> Point2 {
            for i in 1..points2.len() {
                if distance <= cumulative[i] || i == points2.len() - 1 {
                    let leg = cumulative[i] - cumulative[i - 1];
                    let t = if leg > 0.0 { ((distance - cumulative[i - 1]) / leg).clamp(0.0, 1.0) } else { 0.0 };
                    return points2[i - 1] + (points2[i] - points2[i - 1]) * t;
                }
            }
            points2[points2.len() - 1]
        };

        // Merge wall and plane bounces in path order.
        let mut route = Route::starting_at(source);
        let mut amplitude = Complex64::new(1.0, 0.0);
        let cos_plane = if length > 0.0 { vertical_distance.abs() / length } else { 1.0 };
        let horizontal_share = if length > 0.0 { horizontal / length } else { 0.0 };
        let (mut wall_slot, mut plane_slot) = (0, 0);
        let mut vertical_so_far = 0.0;
        let mut z_prev = source.z;
        while wall_slot < faces.len() || plane_slot < bounces {
            let wall_fraction = if wall_slot < faces.len() && horizontal > 0.0 {
                cumulative[wall_slot + 1] / horizontal
            } else {
                Real::INFINITY
            };
            let plane_fraction = if plane_slot < bounces && vertical_distance.abs() > 0.0 {
                (vertical_so_far + (plane_z[plane_slot] - z_prev).abs()) / vertical_distance.abs()
            } else {
                Real::INFINITY
            };
            let (point, reflection) = if wall_fraction <= plane_fraction {
                let face = &self.faces[faces[wall_slot] as usize];
                let wall = &self.storey.walls[face.wall as usize];
                let p2 = points2[wall_slot + 1];
                let z = height_at(wall_fraction);
                let along = (p2 - face.p0).dot(&(face.p1 - face.p0)) / (face.p1 - face.p0).norm_squared();
                let Some(slab) = wall.material_at(along, z) else { return };
                let incoming = (points2[wall_slot + 1] - points2[wall_slot]).normalize();
                let cos = horizontal_share * incoming.dot(&face.normal).abs();
                let r = self.reflection(slab, cos, Polarization::Te);
                wall_slot += 1;
                let bounce = Bounce::Wall { wall: face.wall, side: face.side, opening: slab != wall.slab };
                (Point3::new(p2.x, p2.y, z), (bounce, cos, r))
            } else {
                let distance = plane_fraction * horizontal;
                let p2 = position_at(distance);
                if !self.storey.covers(p2) {
                    return;
                }
                let (bounce, Some(slab)) = plane_bounce[plane_slot] else { return };
                let z = plane_z[plane_slot];
                let r = self.reflection(slab, cos_plane, Polarization::Tm);
                vertical_so_far += (z - z_prev).abs();
                z_prev = z;
                plane_slot += 1;
                (Point3::new(p2.x, p2.y, z), (bounce, cos_plane, r))
            };
            amplitude *= reflection.2;
            route.push(point, reflection);
            if !is_direct && power * amplitude.norm_sqr() < sum.cutoff(self.cutoff_mw) {
                return;
            }
        }
        route.points[route.count + 1] = receiver;
        self.finish(&route, length, power, amplitude, is_direct, sum, explain);
    }

    /// First-order reflections on vault facets.
    fn vault_paths(&self, receiver: Point3, sum: &mut FieldSum, explain: &mut Option<&mut dyn FnMut(PathRecord)>) {
        let source = self.ap.position;
        for facet in &self.facets {
            let h_source = (source - facet.origin).dot(&facet.normal);
            let h_receiver = (receiver - facet.origin).dot(&facet.normal);
            if h_source <= 0.0 || h_receiver <= 0.0 {
                continue;
            }
            let image = source - facet.normal * (2.0 * h_source);
            let Some(point) = facet.hit(image, receiver) else { continue };
            let length = (receiver - image).norm();
            let wavelength = self.ap.frequency.wavelength();
            let power = self.eirp_mw * (wavelength / (4.0 * std::f64::consts::PI * length)).powi(2);
            if power < sum.cutoff(self.cutoff_mw) {
                continue;
            }
            let incoming: Vector3 = (point - source).normalize();
            let cos = incoming.dot(&facet.normal).abs();
            let r = self.reflection(facet.slab, cos, Polarization::Tm);
            let mut route = Route::starting_at(source);
            route.push(point, (Bounce::Vault, cos, r));
            route.points[2] = receiver;
            self.finish(&route, length, power, r, false, sum, explain);
        }
    }

    /// Adds the transmission of every leg and sums the path.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        route: &Route,
        length: Real,
        power: Real,
        mut amplitude: Complex64,
        is_direct: bool,
        sum: &mut FieldSum,
        explain: &mut Option<&mut dyn FnMut(PathRecord)>,
    ) {
        let mut crossings = Vec::new();
        for leg in 0..=route.count {
            let (a, b) = (route.points[leg], route.points[leg + 1]);
            for_each_crossing(self.scene, self.ap.frequency, a, b, |what, slab, (at, cos), t| {
                amplitude *= t;
                // Only explanations pay for recording (an allocation).
                if explain.is_some() {
                    let incidence_deg = cos.clamp(0.0, 1.0).acos().to_degrees();
                    crossings.push((leg, Crossing { what, slab, incidence_deg, loss: loss_of(t), at }));
                }
            });
            if !is_direct && power * amplitude.norm_sqr() < sum.cutoff(self.cutoff_mw) {
                return;
            }
        }
        let path_power = power * amplitude.norm_sqr();
        sum.power_mw += path_power;
        sum.paths += 1;
        if is_direct {
            sum.direct_mw = path_power;
        }
        if self.coherent {
            // Phase: free-space delay over the unfolded length, times the
            // complex reflection and transmission coefficients.
            let phase = Complex64::from_polar(1.0, -self.wavenumber * length);
            sum.amplitude += phase * amplitude * power.sqrt();
        }
        if let Some(explain) = explain.as_mut() {
            let reflections = (0..route.count)
                .map(|i| {
                    let (bounce, cos, r) = route.bounces[i];
                    Reflection {
                        bounce,
                        point: route.points[i + 1],
                        incidence_deg: cos.clamp(0.0, 1.0).acos().to_degrees(),
                        loss: loss_of(r),
                    }
                })
                .collect();
            let reflection_loss: Real = route.bounces[..route.count].iter().map(|b| loss_of(b.2).value()).sum();
            let total = -10.0 * (path_power / power).log10();
            let transmission = Db((total - reflection_loss).clamp(0.0, crate::materials::MAX_LOSS_DB));
            explain(PathRecord {
                length,
                free_space: Db(-10.0 * (power / self.eirp_mw).log10()),
                reflections,
                transmission,
                crossings,
                power_dbm: 10.0 * path_power.log10(),
            });
        }
    }

    /// The slab's reflection coefficient at an incidence cosine.
    #[inline]
    fn reflection(&self, slab: Slab, cos: Real, polarization: Polarization) -> Complex64 {
        self.scene.slab_response(slab, self.ap.frequency, cos, polarization).reflection
    }
}

/// 2π/λ for the AP's frequency.
pub fn wavenumber(ap: &AccessPoint) -> Real {
    2.0 * std::f64::consts::PI * ap.frequency.hz() / SPEED_OF_LIGHT
}
