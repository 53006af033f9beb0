//! Diffuse scattering from walls: the fill light of rooms behind
//! apertures.
//!
//! The effective-roughness model of Degli-Esposti et al. ("Measurement
//! and modelling of scattering from buildings", IEEE Trans. AP-55(1),
//! 2007), first order (AP → wall → receiver), Lambertian: a wall element of
//! area `dA` lit with power density `Sᵢ` at incidence `θᵢ` re-radiates
//! `S²·|Γ|²·Sᵢ·dA·cos θᵢ` with the intensity pattern `cos θₛ / π`, where
//! `S` is the scattering coefficient and `Γ` the P.2040 slab reflection
//! coefficient; the specular reflection keeps `(1 − S²)` of its power
//! (the same split as the reference ray tracer, Sionna RT). A receiver
//! with an isotropic antenna (effective area `λ²/4π`) at distance `rₛ`
//! then receives
//!
//! ```text
//! P = S² |Γ|² · EIRP |Tᵢ|² / (4π rᵢ²) · dA cos θᵢ · cos θₛ / (π rₛ²) · λ²/(4π) · |Tₛ|²
//! ```
//!
//! with `Tᵢ`, `Tₛ` the transmission of the walls on either leg. Walls are
//! cut into [`TILE_WIDTH`] strips of their height; each strip is one
//! element at its centre (the field is smooth on that scale, and diffuse
//! power adds without phase). Only the receiver's own storey scatters, and
//! only for APs on it.
//!
//! `S` is the material's (`Material::scattering`: 0 for glass and metal,
//! 0.1 for boards, 0.2 for masonry; the built-in values and their sources
//! are in `materials::builtin::scattering_coefficient`; a plan's material
//! may set its own `scattering`): measurements on building walls and
//! indoor partitions give S ≈ 0.2–0.5 from 1 to 60 GHz (Degli-Esposti et
//! al. 2007; Vitucci et al., IEEE Trans. AP-60(2), 2012), with the lower
//! values for plastered indoor walls at the Wi-Fi bands.

use super::images::{OwnCone, RowCone};
use super::trace::{block_lowest, traced_span, Bounce, Explain, FieldSum, PathRecord, Reflection};
use super::TraceContext;
use crate::geometry::{Point2, Point3, Vector2};
use crate::materials::Polarization;
use crate::propagation::crossing::{cross_wall, index_range, row_interval, Leg, Shadow, MIN_TRANSMISSION_POWER};
use crate::propagation::multiwall::{for_each_crossing, loss_of};
use crate::units::{Db, Real};

/// Width of the wall strips, m.
pub const TILE_WIDTH: Real = 1.0;

/// Diffuse paths this far under the field already found at a receiver
/// are left out: the fill matters where the field is weak.
pub const RELATIVE_DB: Real = 20.0;
const RELATIVE: Real = 1e-2;

/// Cells of a row tested together.
const BLOCK: usize = 16;

/// One lit strip of wall, as a secondary source.
#[derive(Clone, Debug)]
pub struct Tile {
    /// Centre, absolute.
    pub point: Point3,
    /// Unit normal of the face, towards the side it scatters into.
    pub normal: Vector2,
    /// Wall segment index in the storey, and face side.
    pub wall: u32,
    /// Face side (+1/−1).
    pub side: i8,
    /// The scattering coefficient `S` of what the strip is made of.
    pub coefficient: Real,
    /// Scattered power times `λ²/(4π²)`: what a receiver gets is this times
    /// `cos θₛ / rₛ²` times the transmission of the way there, mW·m².
    pub strength: Real,
    /// Walls the leg to a receiver may cross, with their shadows.
    pub candidates: Vec<(u32, Shadow)>,
    /// Opaque walls certainly crossed, by direction (pruning).
    pub cones: Vec<OwnCone>,
}

impl TraceContext<'_> {
    /// The lit strips of the storey's walls, for this AP.
    pub(super) fn prepare_scattering(&self, opaque: &[Real]) -> Vec<Tile> {
        let walls = &self.scene.optics.walls;
        let storey_walls = self.optics.walls.clone();
        let wavelength = self.ap.frequency.wavelength();
        let source = self.ap.position;
        let mut tiles = Vec::new();
        for face in &self.optics.faces {
            let wall = &walls[storey_walls.start + face.wall as usize];
            let front = face.height_above(source.xy());
            if front <= 1e-6 {
                continue;
            }
            let length = (face.p1 - face.p0).norm();
            let count = (length / TILE_WIDTH).ceil().max(1.0) as usize;
            let (bottom, top) = (wall.z.0.max(self.optics.planes.floor_z), wall.z.1.min(self.optics.planes.ceiling_z));
            if top <= bottom {
                continue;
            }
            for i in 0..count {
                let along = (i as Real + 0.5) / count as Real;
                let plan = face.p0 + (face.p1 - face.p0) * along;
                let z = 0.5 * (bottom + top);
                // What the strip is made of at its centre (a leaf, or a hole
                // that scatters nothing).
                let centre_along = (plan - wall.a).dot(&wall.along) / wall.length;
                let Some(slab) = wall.material_at(centre_along, z) else { continue };
                let coefficient = self.scene.materials.get(slab.slab.material).scattering;
                if coefficient <= 0.0 {
                    continue;
                }
                let point = Point3::new(plan.x, plan.y, z);
                let incident = point - source;
                let distance = incident.norm();
                if distance <= 0.0 {
                    continue;
                }
                let cos_incident = (front / distance).clamp(0.0, 1.0);
                let reflectance = self.lookup.power(&slab, cos_incident, Polarization::Te).0;
                // The way in: every wall but the strip's own.
                let mut through: Real = 1.0;
                let toward = Point3::new(plan.x + face.normal.x * 1e-3, plan.y + face.normal.y * 1e-3, z);
                for_each_crossing(self.scene, &self.lookup, &Leg::new(source, toward), |crossing| {
                    through *= 10f64.powf(-crossing.loss.value() / 10.0);
                });
                let area = (length / count as Real) * (top - bottom);
                // The antenna pattern towards the strip (the path's
                // departure direction).
                let antenna_gain = self.ap.relative_gain(&incident);
                let density =
                    self.eirp_mw * antenna_gain / (4.0 * std::f64::consts::PI * distance * distance) * through;
                let scattered = coefficient * coefficient * reflectance * density * area * cos_incident;
                let strength =
                    scattered / std::f64::consts::PI * wavelength * wavelength / (4.0 * std::f64::consts::PI);
                // Worth keeping if it could reach the cutoff half a metre away.
                if strength / 0.25 < self.cutoff_mw {
                    continue;
                }
                let candidates: Vec<(u32, Shadow)> = storey_walls
                    .clone()
                    .filter(|&w| w != storey_walls.start + face.wall as usize)
                    .map(|w| (w as u32, Shadow::of(&walls[w], plan)))
                    .collect();
                let cones = candidates
                    .iter()
                    .filter(|&&(w, _)| opaque.get(w as usize).is_some_and(|&b| b < super::images::OPAQUE))
                    .flat_map(|&(w, _)| {
                        let wall = &walls[w as usize];
                        let far = super::images::far_side(wall, plan);
                        super::images::certain_cones(wall, plan, &[Some(face)])
                            .into_iter()
                            .map(move |(low, high)| {
                                let [left, right] = super::images::cone_sides(plan, low, high);
                                OwnCone { planes: [left, right, far], bound: opaque[w as usize] }
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect();
                tiles.push(Tile {
                    point,
                    normal: face.normal,
                    wall: face.wall,
                    side: face.side,
                    coefficient,
                    strength,
                    candidates,
                    cones,
                });
            }
        }
        tiles
    }

    /// Every diffuse path to the receivers of a row (after the specular and
    /// diffracted ones: the cutoff is relative to them).
    pub(super) fn scatter_row(&self, y: Real, xs: &[Real], z: Real, skip: &[bool], sums: &mut [FieldSum]) {
        let Some(tiles) = &self.scattering else { return };
        let Some(span) = traced_span(skip) else { return };
        // The lowest cutoff of each aligned block of cells, found once for
        // the row and again for a block when a tile adds paths to it (they
        // only rise), and of the whole row (left as found: lower is safe).
        let block_cutoff = |sums: &[FieldSum], block: usize| -> Real {
            block_lowest((sums, skip), (block, BLOCK), |sum| cutoff(sum, self.cutoff_mw))
        };
        let mut cutoffs: Vec<Real> = (0..xs.len().div_ceil(BLOCK)).map(|block| block_cutoff(sums, block)).collect();
        let row_cutoff = cutoffs.iter().copied().fold(Real::INFINITY, Real::min);
        if row_cutoff.is_infinite() {
            return;
        }
        for tile in tiles {
            // In front of the face only.
            let t = tile.point.xy();
            let front = [[tile.normal.x, tile.normal.y, -tile.normal.dot(&t.coords)]];
            let (start, end) = index_range(xs, row_interval(&front, y));
            let (start, end) = (start.max(span.0), end.min(span.1));
            if start >= end {
                continue;
            }
            let rise = z - tile.point.z;
            // The most any cell from `first` to `last` can get in free
            // space (the scattering cosine at most 1).
            let free_bound = |first: usize, last: usize| {
                let (a, b) = (Point2::new(xs[first], y), Point2::new(xs[last], y));
                let nearest = crate::geometry::point_segment_distance(t, a, b).0;
                tile.strength / (nearest * nearest + rise * rise).max(0.01)
            };
            if free_bound(start, end - 1) < row_cutoff {
                continue;
            }
            // The tile's cones cut to the row, when a block first needs
            // them: a block inside one (convex: both ends inside) certainly
            // crosses its wall.
            let mut row_cones: Option<Vec<RowCone>> = None;
            let blocks = start / BLOCK..(end - 1) / BLOCK + 1;
            for (aligned, cutoff) in cutoffs.iter_mut().enumerate().take(blocks.end).skip(blocks.start) {
                let (block, block_end) = ((aligned * BLOCK).max(start), ((aligned + 1) * BLOCK).min(end));
                if cutoff.is_infinite() {
                    continue;
                }
                let mut bound = free_bound(block, block_end - 1);
                if bound < *cutoff {
                    continue;
                }
                if !tile.cones.is_empty() {
                    let cones =
                        row_cones.get_or_insert_with(|| tile.cones.iter().filter_map(|c| c.on_row(y)).collect());
                    let (a, b) = (xs[block], xs[block_end - 1]);
                    for cone in cones.iter().filter(|cone| cone.holds(a, b)) {
                        bound *= cone.bound;
                    }
                    if bound < *cutoff {
                        continue;
                    }
                }
                let mut added = false;
                for i in block..block_end {
                    if !skip[i] {
                        let before = sums[i].paths;
                        self.scatter(tile, Point3::new(xs[i], y, z), &mut sums[i], &mut None);
                        added |= sums[i].paths != before;
                    }
                }
                if added {
                    *cutoff = block_cutoff(sums, aligned);
                }
            }
        }
    }

    /// Every diffuse path to one receiver.
    pub(super) fn scatter_point(&self, receiver: Point3, sum: &mut FieldSum, explain: &mut Explain) {
        let Some(tiles) = &self.scattering else { return };
        for tile in tiles {
            self.scatter(tile, receiver, sum, explain);
        }
    }

    fn scatter(&self, tile: &Tile, receiver: Point3, sum: &mut FieldSum, explain: &mut Explain) {
        let c = receiver.xy();
        let t = tile.point.xy();
        let front = (c - t).dot(&tile.normal);
        if front <= 0.0 {
            return;
        }
        let way = receiver - tile.point;
        let distance2 = way.norm_squared();
        if distance2 <= 0.0 {
            return;
        }
        let cos_scattered = front / distance2.sqrt();
        let limit = cutoff(sum, self.cutoff_mw);
        let mut power = tile.strength * cos_scattered / distance2.max(0.01);
        if power < limit {
            return;
        }
        for cone in &tile.cones {
            if cone.contains(c) {
                power *= cone.bound;
                if power < limit {
                    return;
                }
            }
        }
        // Exact transmissions of the way out.
        let walls = &self.scene.optics.walls;
        let leg = Leg::new(tile.point, receiver);
        let mut through: Real = 1.0;
        for &(wall, shadow) in &tile.candidates {
            if shadow.contains(c) {
                if let Some(crossing) = cross_wall(&walls[wall as usize], &leg) {
                    through *= self.lookup.transmission_power(&crossing.slab, crossing.cos, Polarization::Te);
                }
            }
        }
        let power = tile.strength * cos_scattered / distance2.max(0.01) * through.max(MIN_TRANSMISSION_POWER);
        if power < limit {
            return;
        }
        sum.power_mw += power;
        sum.paths += 1;
        if let Some(explain) = explain.as_mut() {
            let length = (tile.point - self.ap.position).norm() + distance2.sqrt();
            let antenna = Db(self.ap.antenna.attenuation_db(&(tile.point - self.ap.position)));
            explain(PathRecord {
                length,
                free_space: Db(-10.0 * (power / self.eirp_mw).log10() - antenna.value()),
                reflections: vec![Reflection {
                    bounce: Bounce::Scatter { wall: tile.wall, side: tile.side },
                    point: tile.point,
                    incidence_deg: cos_scattered.clamp(0.0, 1.0).acos().to_degrees(),
                    loss: loss_of(num_complex::Complex64::new(tile.coefficient, 0.0)),
                }],
                transmission: Db(-10.0 * through.max(MIN_TRANSMISSION_POWER).log10()),
                crossings: Vec::new(),
                power_dbm: 10.0 * power.log10(),
                antenna,
            });
        }
    }
}

/// The cutoff for diffuse paths at a receiver: the specular cutoff, or
/// [`RELATIVE_DB`] under the field found so far.
#[inline]
fn cutoff(sum: &FieldSum, absolute_mw: Real) -> Real {
    sum.cutoff_mw(absolute_mw).max(sum.power_mw * RELATIVE)
}
