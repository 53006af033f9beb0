//! Diffraction at horizontal edges: the lintel over a door, the sill and
//! lintel of a window, the top of a partial-height wall.
//!
//! An AP a metre or two in front of a door, above its lintel, lights the
//! room behind through the door only down to the line from the AP over
//! the lintel: further in, the straight path crosses the wall above the
//! door, and without this edge the field drops there by the difference
//! between the door leaf and the wall (about 10 dB behind a stone wall in
//! `lycee_darche.toml`, a step across the whole room).
//!
//! **Geometry.** The edge is a segment at height `z_e` along its wall's
//! centreline, the edge of a thin screen in the wall's plane above it (a
//! lintel) or below it (a sill, a wall's top), as for vertical edges
//! ([`crate::scene::optics::HorizontalEdge`]). In the frame of the edge
//! (`a` along it, `ρ` the distance from its line), Keller's cone puts the
//! diffraction point where the unfolded path is straight:
//! `a_P = a_S + (a_R − a_S) ρ_S / (ρ_S + ρ_R)` (Keller 1962, "Geometrical
//! theory of diffraction", J. Opt. Soc. Am. 52(2)); the path exists when
//! that point is on the edge. The angles `φ′, φ` are measured round the
//! edge from the screen's face on the source's side, in the plane across
//! the edge, and the coefficient is the same UTD half-plane coefficient
//! (n = 2) as for jambs ([`super::utd`]), the faces' reflection
//! coefficients taken for the field in the plane of incidence (TM: a
//! vertical antenna's field meets a horizontal edge's screen that way),
//! the jump across the shadow boundary for the direct field through the
//! leaf and through the wall as the specular paths compute it (TE).
//!
//! **Scope.** One reflection besides the edge, before it (the AP's image
//! in the floor, the ceiling or a wall face as the source) or after it
//! (the receiver's image as the target), the diffraction counting as one
//! of the path's interactions like a jamb's; reflections are found by
//! unfolding, each image's straight line meeting its plane or face. The
//! target is on the far side of the screen from the source (where the
//! edge's shadow lies), and the AP on the edge's storey. The near side's
//! boundary is a reflection's, off the wall above a door instead of off
//! the door: a much smaller step, left as it is. The companion rule at
//! the shadow boundary is the jambs' ([`super::diffraction`]).

use num_complex::Complex64;

use super::diffraction::{companion_weight, cutoff, edge_reflection, BOUND, RELATIVE, SPECULAR_KEPT};
use super::images::segments_max;
use super::trace::{Amplitude, Bounce, Explain, FieldSum, Reflection, TraceContext};
use super::utd::{coefficient_bound_with, coefficient_with, IncidentTrig, WedgeFaces, WedgeGeometry};
use crate::geometry::{point_segment_distance, segment_intersection, Point2, Point3, Vector2, Vector3};
use crate::materials::Polarization;
use crate::propagation::crossing::{cross_wall, index_range, Leg};
use crate::propagation::multiwall::{loss_of, Crossing, CrossingKind};
use crate::scene::optics::{HorizontalEdge, KeyedSlab};
use crate::units::{Db, Real};

/// A floor or ceiling bounce, with the plane's slab.
type PlaneBounce = (Bounce, KeyedSlab);

/// A reflection on a path besides its horizontal edge, before or after it.
#[derive(Clone, Copy, Debug)]
enum Reflector {
    /// On the floor or the ceiling.
    Plane(PlaneBounce),
    /// On a wall face of the storey (index into the storey's faces).
    Wall(u32),
}

/// What one horizontal edge needs of the AP, found once per AP.
#[derive(Clone, Debug)]
pub struct HorizontalSource {
    /// Index of the edge in its storey's
    /// [`crate::scene::optics::FloorOptics::horizontal_edges`].
    pub edge: u32,
    /// Where the field comes from: the AP, or its image in the floor,
    /// the ceiling or a wall (a reflection there before the edge).
    image: Point3,
    /// The reflection before the edge, if any.
    bounce: Option<Reflector>,
    /// The storey's wall faces a path from this source may reflect on
    /// after the edge (on its far side, facing it, within reach): only
    /// for a source without a reflection before the edge.
    after_faces: Vec<u32>,
    /// The side of the screen the source (`image`) is on: the sign of its
    /// offset along the wall's normal.
    side: Real,
    /// The source's position along the edge from its start, m.
    along: Real,
    /// The source's distance from the edge's line, m.
    rho: Real,
    /// Angle of the incident direction (towards the source) from the
    /// screen's face on its side, in `(0, π)`.
    phi_incident: Real,
    /// What the coefficient needs of the incident direction.
    trig: IncidentTrig,
    /// A bound of the edge's `|J|` (see [`WedgeFaces::transmission`]).
    jump: Real,
    /// The most power the path keeps before the edge: through the walls
    /// a wall image's first leg certainly crosses (its beam), else 1.
    through: Real,
}

/// The edge-frame coordinates of a point: along the edge from its start,
/// across it along the wall's normal, and up from it towards the screen.
#[inline]
fn edge_frame(edge: &HorizontalEdge, (along, normal): (Vector2, Vector2), p: Point3) -> (Real, Real, Real) {
    let d = p.xy() - edge.start;
    let up = if edge.screen_above { p.z - edge.z } else { edge.z - p.z };
    (d.dot(&along), d.dot(&normal), up)
}

impl TraceContext<'_> {
    /// The horizontal edges of the storey this AP can diffract on, with
    /// each source that can reach them: the AP, and when a reflection is
    /// allowed besides the edge, its images in the floor, the ceiling and
    /// the wall faces through which they see the edge. Edges of walls
    /// opaque enough to cast a shadow ([`super::diffraction::SCREEN_LOSS`]),
    /// sources whose free-space bound (times what a wall image's beam
    /// keeps) can reach the cutoff.
    pub(super) fn prepare_horizontal(&self) -> Vec<HorizontalSource> {
        let walls = &self.scene.optics.walls;
        let wavelength = self.ap.frequency.wavelength();
        let mut out = Vec::new();
        let planes = &self.optics.planes;
        let mirrored = |z: Real| Point3::new(self.ap.position.x, self.ap.position.y, 2.0 * z - self.ap.position.z);
        // A bounce counts as a reflection, the diffraction as another.
        let bounces = if self.max_reflections >= 2 {
            [
                planes.floor.map(|slab| (mirrored(planes.floor_z), (Bounce::Floor, slab))),
                planes.ceiling.map(|slab| (mirrored(planes.ceiling_z), (Bounce::Ceiling, slab))),
            ]
        } else {
            [None, None]
        };
        // The AP's first-order images in the storey's wall faces, with
        // the wedge through which they see.
        let wall_images =
            self.tree.nodes.iter().filter(|node| node.depth == 1 && self.max_reflections >= 2).map(|node| {
                let beam = &self.tree.beam[node.beam.start as usize..node.beam.end as usize];
                let image = Point3::new(node.image.x, node.image.y, self.ap.position.z);
                (
                    image,
                    Some((Reflector::Wall(node.face), &node.wedge)),
                    segments_max(beam, Real::NEG_INFINITY, Real::INFINITY),
                )
            });
        let images = std::iter::once((self.ap.position, None, 1.0))
            .chain(bounces.into_iter().flatten().map(|(p, b)| (p, Some((Reflector::Plane(b), &NO_WEDGE)), 1.0)))
            .chain(wall_images);
        for ((image, before, beam_through), (e, edge)) in
            images.flat_map(|i| std::iter::repeat(i).zip(self.optics.horizontal_edges.iter().enumerate()))
        {
            if self.lookup.power(&edge.slab, 1.0, Polarization::Te).1 > super::diffraction::SCREEN_LOSS {
                continue;
            }
            let wall = &walls[edge.wall as usize];
            let bounce = before.map(|(before, _)| before);
            if let Some((Reflector::Wall(face), wedge)) = before {
                // The image sees the edge only through its face, and the
                // edge's own wall does not reflect into its edge.
                let end = edge.start + wall.along * edge.length;
                if self.optics.faces[face as usize].wall as usize + self.optics.walls.start == edge.wall as usize
                    || !wedge_meets_segment(wedge, edge.start, end)
                {
                    continue;
                }
            }
            let (along, across, up) = edge_frame(edge, (wall.along, wall.normal), image);
            // An AP in the screen's plane lights both sides alike.
            if across.abs() < 1e-6 {
                continue;
            }
            let rho = across.hypot(up);
            let nearest = {
                let beyond = (-along).max(along - edge.length).max(0.0);
                rho.hypot(beyond)
            };
            let through = match before {
                Some((Reflector::Wall(_), _)) => beam_through,
                _ => 1.0,
            };
            let best = BOUND * self.eirp_mw * (wavelength / (4.0 * std::f64::consts::PI * nearest.max(1e-3))).powi(2);
            if best * through < self.cutoff_mw {
                continue;
            }
            let phi_incident = across.abs().atan2(up);
            let aperture = edge.aperture.map_or(1.0, |leaf| self.lookup.max_transmission_power(&leaf));
            let jump = aperture.sqrt() + self.lookup.max_transmission_power(&edge.slab).sqrt();
            let side = across.signum();
            let after_faces = if bounce.is_none() && self.max_reflections >= 2 {
                self.faces_after(edge, side, nearest)
            } else {
                Vec::new()
            };
            out.push(HorizontalSource {
                edge: e as u32,
                image,
                bounce,
                after_faces,
                side,
                along,
                rho,
                phi_incident,
                trig: IncidentTrig::new(2.0, phi_incident),
                jump,
                through,
            });
        }
        out
    }

    /// The wall faces of the storey a path from a source on the `side` of
    /// `edge`'s screen, `distance` from the edge, may reflect on after it:
    /// faces of other walls that face some of the edge and reach its far
    /// side, near enough that free space over the distance to them leaves
    /// the path above the cutoff.
    fn faces_after(&self, edge: &HorizontalEdge, side: Real, distance: Real) -> Vec<u32> {
        let wall = &self.scene.optics.walls[edge.wall as usize];
        let end = edge.start + wall.along * edge.length;
        let far = |p: Point2| side * (p - edge.start).dot(&wall.normal) < 0.0;
        let wavelength = self.ap.frequency.wavelength();
        let mut out = Vec::new();
        for (index, face) in self.optics.faces.iter().enumerate() {
            if self.optics.walls.start + face.wall as usize == edge.wall as usize
                || (face.height_above(edge.start) <= 0.0 && face.height_above(end) <= 0.0)
                || !(far(face.p0) || far(face.p1))
            {
                continue;
            }
            // The distance between the two segments: 0 where they cross,
            // else the least from an end of one to the other.
            let gap = if segment_intersection(face.p0, face.p1, edge.start, end).is_some() {
                0.0
            } else {
                [
                    point_segment_distance(face.p0, edge.start, end).0,
                    point_segment_distance(face.p1, edge.start, end).0,
                    point_segment_distance(edge.start, face.p0, face.p1).0,
                    point_segment_distance(end, face.p0, face.p1).0,
                ]
                .into_iter()
                .fold(Real::INFINITY, Real::min)
            };
            let length = (distance + gap).max(1e-3);
            if BOUND * self.eirp_mw * (wavelength / (4.0 * std::f64::consts::PI * length)).powi(2) >= self.cutoff_mw {
                out.push(index as u32);
            }
        }
        out
    }

    /// Every path diffracted by a horizontal edge to the receivers of the
    /// rows `ys` (`skip` and `sums` row after row), after every other path
    /// (the cutoff is relative to them): per source, target (the receivers
    /// or their images in the floor, the ceiling or a wall face after the
    /// edge) and row, only the cells whose diffraction point falls
    /// on the edge ([`keller_cells`]), in the order [`TraceContext::diffract_horizontal`]
    /// takes them at one receiver.
    pub(super) fn diffract_horizontal_rows(
        &self,
        sources: &[HorizontalSource],
        (ys, xs, z): (&[Real], &[Real], Real),
        skip: &[bool],
        sums: &mut [FieldSum],
    ) {
        let width = xs.len();
        let afters = self.bounces_after(z);
        let wavelength = self.ap.frequency.wavelength();
        let free = self.eirp_mw * (wavelength / (4.0 * std::f64::consts::PI)).powi(2);
        // Each row's lowest cutoff, from a bound under every cell's that
        // holds while diffracted paths are added (a path's interference
        // term may lower a cell's power, never under a quarter of its
        // specular power).
        let row_cutoffs: Vec<Real> = (0..ys.len())
            .map(|row| {
                (row * width..(row + 1) * width)
                    .filter(|&i| !skip[i])
                    .map(|i| sums[i].cutoff_mw(self.cutoff_mw).max(SPECULAR_KEPT * RELATIVE * sums[i].specular_mw))
                    .fold(Real::INFINITY, Real::min)
            })
            .collect();
        let mut ranges = Vec::new();
        for source in sources {
            let edge = &self.optics.horizontal_edges[source.edge as usize];
            let wall = &self.scene.optics.walls[edge.wall as usize];
            let variants = if source.bounce.is_none() { &afters[..] } else { &afters[..1] };
            let targets = variants.iter().flatten().map(|&(target_z, plane)| (target_z, plane.map(Reflector::Plane)));
            let targets = targets.chain(source.after_faces.iter().map(|&face| (z, Some(Reflector::Wall(face)))));
            for (target_z, after) in targets {
                // The row's targets: the receivers, or their images in
                // the floor, the ceiling or a wall face (a line too).
                let face = match after {
                    Some(Reflector::Wall(face)) => Some(&self.optics.faces[face as usize]),
                    _ => None,
                };
                let mirror = |p: Point2| face.map_or(p, |face| face.mirror(p));
                let direction = mirror(Point2::new(1.0, 0.0)) - mirror(Point2::origin());
                for (row, &y) in ys.iter().enumerate() {
                    let origin = mirror(Point2::new(0.0, y));
                    // The farthest the source's free-space bound carries
                    // above the row's cutoff: the unfolded path is at least
                    // the straight line from the image to the target.
                    let reach_squared = BOUND * free * source.through / row_cutoffs[row];
                    let offset = source.image.xy() - origin;
                    let middle = offset.dot(&direction);
                    let aside = offset - direction * middle;
                    let dz = target_z - source.image.z;
                    let left = reach_squared - aside.norm_squared() - dz * dz;
                    if left.is_nan() || left < 0.0 {
                        continue;
                    }
                    let half = left.sqrt();
                    let line = (origin, direction, target_z);
                    keller_cells(
                        source,
                        edge,
                        (wall.along, wall.normal),
                        (xs, line),
                        (middle - half, middle + half),
                        &mut ranges,
                    );
                    let cells = row * width..(row + 1) * width;
                    let (skip, sums) = (&skip[cells.clone()], &mut sums[cells]);
                    for &(low, high) in &ranges {
                        for i in low..high {
                            if !skip[i] {
                                let receiver = Point3::new(xs[i], y, z);
                                let target = mirror(receiver.xy());
                                let after = after.map(|bounce| (Point3::new(target.x, target.y, target_z), bounce));
                                self.horizontal_path(source, (receiver, after), &mut sums[i], &mut None);
                            }
                        }
                    }
                }
            }
        }
    }

    /// The receiver heights a path over a horizontal edge may end at, with
    /// the bounce after the edge that makes it: the receiver's own, then
    /// its images in the floor and the ceiling when the storey has them
    /// and a bounce is allowed besides the diffraction.
    fn bounces_after(&self, z: Real) -> [Option<(Real, Option<PlaneBounce>)>; 3] {
        let planes = &self.optics.planes;
        let mirrored = |plane_z: Real, slab: Option<KeyedSlab>, bounce: Bounce| {
            slab.filter(|_| self.max_reflections >= 2).map(|slab| (2.0 * plane_z - z, Some((bounce, slab))))
        };
        [
            Some((z, None)),
            mirrored(planes.floor_z, planes.floor, Bounce::Floor),
            mirrored(planes.ceiling_z, planes.ceiling, Bounce::Ceiling),
        ]
    }

    /// The paths from `source` over its edge to `receiver` that exist and
    /// reach the cutoff: straight, or reflected once after the edge.
    pub(super) fn diffract_horizontal(
        &self,
        source: &HorizontalSource,
        receiver: Point3,
        sum: &mut FieldSum,
        explain: &mut Explain,
    ) {
        let afters = self.bounces_after(receiver.z);
        let variants = if source.bounce.is_none() { &afters[..] } else { &afters[..1] };
        for &(target_z, after) in variants.iter().flatten() {
            let after = after.map(|bounce| (Point3::new(receiver.x, receiver.y, target_z), Reflector::Plane(bounce)));
            self.horizontal_path(source, (receiver, after), sum, explain);
        }
        for &face in &source.after_faces {
            let image = self.optics.faces[face as usize].mirror(receiver.xy());
            let after = Some((Point3::new(image.x, image.y, receiver.z), Reflector::Wall(face)));
            self.horizontal_path(source, (receiver, after), sum, explain);
        }
    }

    /// The path from `source` over its edge to the receiver, with the
    /// receiver's image in the floor, the ceiling or a wall face when the
    /// path reflects there after the edge.
    fn horizontal_path(
        &self,
        source: &HorizontalSource,
        (receiver, after): (Point3, Option<(Point3, Reflector)>),
        sum: &mut FieldSum,
        explain: &mut Explain,
    ) {
        let pi = std::f64::consts::PI;
        let edge = &self.optics.horizontal_edges[source.edge as usize];
        let wall = &self.scene.optics.walls[edge.wall as usize];
        let target = after.map_or(receiver, |(image, _)| image);
        let (along, across, up) = edge_frame(edge, (wall.along, wall.normal), target);
        if across * source.side >= 0.0 {
            return;
        }
        let rho = across.hypot(up);
        let share = source.rho / (source.rho + rho);
        let at = source.along + (along - source.along) * share;
        if at < 0.0 || at > edge.length {
            return;
        }
        // The unfolded path: straight in the (along, ρ) plane.
        let total = (along - source.along).hypot(source.rho + rho);
        let (s_in, s_out) = (total * share, total * (1.0 - share));
        if s_in <= 0.0 || s_out <= 0.0 {
            return;
        }
        let wavelength = self.ap.frequency.wavelength();
        let free = self.eirp_mw * (wavelength / (4.0 * pi)).powi(2);
        let limit = cutoff(sum, self.cutoff_mw);
        if BOUND * free / (total * total) < limit {
            return;
        }
        let sin_beta = (source.rho + rho) / total;
        // Round the edge from the source side's face: the far side is
        // between π and 2π.
        let phi = (source.side * across).atan2(up) + 2.0 * pi;
        if phi >= 2.0 * pi - 1e-9 {
            return;
        }
        let k = 2.0 * pi / wavelength;
        let distance = s_in * s_out * sin_beta * sin_beta / total;
        let geometry = WedgeGeometry { n: 2.0, phi_incident: source.phi_incident, phi, sin_beta, distance, k };
        let spread = (s_in * s_out * total).sqrt();
        let d_bound = coefficient_bound_with(&source.trig, &geometry, (source.jump, 1.0, 1.0));
        if free * (d_bound / spread).powi(2) < limit {
            return;
        }
        let point = edge.start + wall.along * at;
        let edge_point = Point3::new(point.x, point.y, edge.z);
        let mut common = Complex64::new(1.0, 0.0);
        let mut reflections: Vec<Reflection> = Vec::new();
        let explaining = explain.is_some();
        // Each reflection's coefficient, with its record when explaining.
        let mut reflect = |reflection: Complex64, record: Reflection| {
            common *= reflection;
            if explaining {
                reflections.push(record);
            }
        };
        let record = |bounce: Bounce, point: Point3, cos: Real, reflection: Complex64| Reflection {
            bounce,
            point,
            incidence_deg: if explaining { cos.clamp(0.0, 1.0).acos().to_degrees() } else { 0.0 },
            loss: if explaining { loss_of(reflection) } else { Db(0.0) },
        };
        // A floor or ceiling bounce: where the unfolded line between the
        // edge and the image meets the plane, midway between the image
        // and what it mirrors.
        let bounce_on = |(image, real): (Point3, Point3), (bounce, slab): PlaneBounce| {
            let plane_z = 0.5 * (image.z + real.z);
            let rise = edge_point - image;
            let at = image + rise * ((plane_z - image.z) / rise.z);
            let cos = (rise.z / rise.norm()).abs();
            let reflection = self.lookup.response(&slab, cos, Polarization::Tm).reflection;
            (at, reflection, record(bounce, at, cos, reflection))
        };
        // A wall reflection: where the unfolded segment `a → b` (plan
        // straight through the mirror) crosses the face, at its height
        // there, on the wall's own material (not an opening's leaf).
        let wall_bounce = |face_index: u32, (a, b): (Point3, Point3)| -> Option<(Point3, Complex64, Reflection)> {
            let face = &self.optics.faces[face_index as usize];
            let t = match segment_intersection(a.xy(), b.xy(), face.p0, face.p1) {
                Some((t, _)) if t > 0.0 && t < 1.0 => t,
                _ => return None,
            };
            let at = a + (b - a) * t;
            let reflector = &self.scene.optics.walls[self.optics.walls.start + face.wall as usize];
            let along = (at.xy() - reflector.a).dot(&reflector.along) / reflector.length;
            let slab = reflector.material_at(along, at.z)?;
            let cos = ((b - a).xy().dot(&face.normal) / (b - a).norm()).abs();
            let reflection = self.lookup.response(&slab, cos, Polarization::Te).reflection;
            let bounce = Bounce::Wall { wall: face.wall, side: face.side, opening: slab.slab != reflector.slab.slab };
            Some((at, reflection * self.specular_share(&slab).sqrt(), record(bounce, at, cos, reflection)))
        };
        // The legs, and which of them start or end on a reflecting wall.
        let (legs, leg_count, reflecting) = match (source.bounce, after) {
            (Some(Reflector::Wall(face)), _) => {
                let Some((at, reflection, record)) = wall_bounce(face, (source.image, edge_point)) else { return };
                reflect(reflection, record);
                let wall = self.optics.walls.start + self.optics.faces[face as usize].wall as usize;
                ([(self.ap.position, at), (at, edge_point), (edge_point, receiver)], 3, Some((wall, 0..2)))
            }
            (Some(Reflector::Plane(bounce)), _) => {
                let (at, reflection, record) = bounce_on((source.image, self.ap.position), bounce);
                reflect(reflection, record);
                ([(self.ap.position, at), (at, edge_point), (edge_point, receiver)], 3, None)
            }
            (None, Some((image, Reflector::Wall(face)))) => {
                // The real receiver faces the wall the path reflects on.
                if self.optics.faces[face as usize].height_above(receiver.xy()) <= 0.0 {
                    return;
                }
                let Some((at, reflection, record)) = wall_bounce(face, (edge_point, image)) else { return };
                reflect(reflection, record);
                let wall = self.optics.walls.start + self.optics.faces[face as usize].wall as usize;
                ([(self.ap.position, edge_point), (edge_point, at), (at, receiver)], 3, Some((wall, 1..3)))
            }
            (None, Some((image, Reflector::Plane(bounce)))) => {
                let (at, reflection, record) = bounce_on((image, receiver), bounce);
                reflect(reflection, record);
                ([(self.ap.position, edge_point), (edge_point, at), (at, receiver)], 3, None)
            }
            (None, None) => ([(self.ap.position, edge_point), (edge_point, receiver), (edge_point, receiver)], 2, None),
        };
        // The walls every leg crosses, stopping once the path is under the
        // cutoff; the edge's own wall left out of the two legs that meet
        // at the edge (it is their tip), a reflecting wall out of the two
        // that meet on its face.
        let mut crossings: Vec<(usize, Crossing)> = Vec::new();
        let storey = &self.scene.floors[self.floor];
        let at_edge = if source.bounce.is_some() { 1..3 } else { 0..2 };
        for (index, &(from, to)) in legs[..leg_count].iter().enumerate() {
            let leg = Leg::new(from, to);
            let mut alive = true;
            let touching = reflecting.as_ref().filter(|(_, legs)| legs.contains(&index)).map(|&(wall, _)| wall);
            let tip = at_edge.contains(&index).then_some(edge.wall as usize);
            storey.wall_bvh.for_each_on_segment(from.xy(), to.xy(), |segment| {
                let w = self.optics.walls.start + segment;
                if !alive || Some(w) == tip || Some(w) == touching {
                    return;
                }
                let other = &self.scene.optics.walls[w];
                if let Some(crossing) = cross_wall(other, &leg) {
                    common = common.transmit(&self.lookup, &crossing.slab, crossing.cos, Polarization::Te);
                    if explain.is_some() {
                        let what = CrossingKind::Wall {
                            floor: other.floor,
                            wall: other.wall_index,
                            opening: crossing.opening,
                        };
                        let record = (what, crossing.slab, crossing.cos, Polarization::Te, crossing.at);
                        crossings.push((index, self.crossing_record(&record)));
                    }
                    alive = free * common.norm_sqr() * (d_bound / spread).powi(2) >= limit;
                }
            });
            if !alive {
                return;
            }
        }
        let departure: Vector3 = legs[0].1 - self.ap.position;
        let antenna_gain = self.ap.relative_gain(&departure);
        let free = free * antenna_gain;
        let cos0 = source.phi_incident.sin().abs() * sin_beta;
        let cosn = (2.0 * pi - phi).sin().abs() * sin_beta;
        let wall_through = self.lookup.transmission(&edge.slab, cos0, Polarization::Te);
        let aperture = edge
            .aperture
            .map_or(Complex64::new(1.0, 0.0), |leaf| self.lookup.transmission(&leaf, cos0, Polarization::Te));
        let faces = WedgeFaces {
            r0: self.lookup.response(&edge.slab_tm, cos0, Polarization::Tm).reflection,
            rn: self.lookup.response(&edge.slab_tm, cosn, Polarization::Tm).reflection,
            transmission: aperture - wall_through,
        };
        let d = coefficient_with(&source.trig, &geometry, &faces);
        let amplitude = common * d * Complex64::from_polar(1.0, -k * total) / spread;
        let power = free * amplitude.norm_sqr();
        if power < limit {
            return;
        }
        // Lit when the straight path meets the wall's plane in the
        // opening, by the specular paths' own test (so that on the
        // boundary itself both sides agree): at or away from the screen's
        // side of the edge.
        let source_across = source.side * source.rho * source.phi_incident.sin();
        let source_up = source.rho * source.phi_incident.cos();
        let crossing_up = source_up + (up - source_up) * source_across / (source_across - across);
        let lit = crossing_up <= 0.0;
        let mut companion = None;
        if !self.coherent {
            // The straight path, through the leaf (lit) or the wall.
            let direct = (target - source.image).norm();
            let weight = companion_weight(lit, k * (total - direct));
            if weight > 0.0 {
                let through = if lit { aperture } else { wall_through };
                companion = Some((common * through * Complex64::from_polar(1.0 / direct, -k * direct), weight));
            }
        }
        self.add_diffracted(sum, (amplitude, free), companion);
        if let Some(explain) = explain.as_mut() {
            let diffracted = (d / spread).norm_sqr() * total * total;
            // After the bounce before the edge, before the one after it.
            let edge_record = reflections.len() - usize::from(after.is_some());
            let bounce = Bounce::Edge { edge: source.edge, kind: edge.kind };
            reflections.insert(edge_record, edge_reflection(bounce, edge_point, source.phi_incident, diffracted));
            explain(self.diffracted_record((total, antenna_gain, power), reflections, crossings));
        }
    }
}

/// The cells of a row (centres `xs`, sorted) whose targets lie on the line
/// `origin + x · direction` at height `z` (the receivers themselves, or
/// their images in a plane or a wall), between the abscissae `reach`,
/// whose path from `source` over `edge`
/// (wall direction and normal `frame`) has its diffraction point on the
/// edge, on the far side of the screen, into `out`: at most three ranges of
/// cell indices, a cell wider on each side than the exact set (each cell
/// is tested exactly again).
///
/// Along the row `x`, the receiver's coordinates in the edge's frame are
/// `a(x)` (along the edge) and `u(x)` (across the wall), both linear, and
/// `ρ(x) = √(u² + v²)`. The point `a_P = (a_S ρ + a ρ_S)/(ρ_S + ρ)` is on
/// the edge when `g₀ = a_S ρ + a ρ_S ≥ 0` and `g₁ = (ℓ − a_S) ρ + (ℓ − a)
/// ρ_S ≥ 0`; each `g = c ρ(x) + p + q x` changes sign only where
/// `c² ρ² = (p + q x)²`, a quadratic in `x`.
fn keller_cells(
    source: &HorizontalSource,
    edge: &HorizontalEdge,
    (along, normal): (Vector2, Vector2),
    (xs, (origin, direction, z)): (&[Real], (Point2, Vector2, Real)),
    reach: (Real, Real),
    out: &mut Vec<(usize, usize)>,
) {
    out.clear();
    let (Some(&first), Some(&last)) = (xs.first(), xs.last()) else { return };
    // a(x) = a0 + ma x, u(x) = u0 + mu x.
    let offset = origin - edge.start;
    let (a0, ma) = (offset.dot(&along), direction.dot(&along));
    let (u0, mu) = (offset.dot(&normal), direction.dot(&normal));
    // The far side, within reach and the row.
    let (mut from, mut to) = (first.max(reach.0), last.min(reach.1));
    let side_rate = source.side * mu;
    let side_at = source.side * u0;
    if side_rate.abs() < 1e-12 {
        if side_at >= 0.0 {
            return;
        }
    } else if side_rate > 0.0 {
        to = to.min(-side_at / side_rate);
    } else {
        from = from.max(-side_at / side_rate);
    }
    if from > to {
        return;
    }
    if xs.len() == 1 {
        out.push((0, 1));
        return;
    }
    let v = z - edge.z;
    let rho = |x: Real| (u0 + mu * x).hypot(v);
    let (a_s, rho_s, l) = (source.along, source.rho, edge.length);
    // (c, p, q) of g₀ and g₁.
    let gs = [(a_s, a0 * rho_s, ma * rho_s), (l - a_s, (l - a0) * rho_s, -ma * rho_s)];
    let inside = |x: Real| gs.iter().all(|&(c, p, q)| c * rho(x) + p + q * x >= 0.0);
    // Where either condition may change sign: the quadratics' roots.
    let mut breaks = [0.0; 6];
    let mut count = 0;
    let mut add = |x: Real| {
        if x > from && x < to {
            breaks[count] = x;
            count += 1;
        }
    };
    for &(c, p, q) in &gs {
        let (qa, qb, qc) =
            (c * c * mu * mu - q * q, 2.0 * (c * c * u0 * mu - p * q), c * c * (u0 * u0 + v * v) - p * p);
        if qa.abs() > 1e-12 {
            let discriminant = qb * qb - 4.0 * qa * qc;
            if discriminant >= 0.0 {
                let root = discriminant.sqrt();
                add((-qb - root) / (2.0 * qa));
                add((-qb + root) / (2.0 * qa));
            }
        } else if qb.abs() > 1e-12 {
            add(-qc / qb);
        }
    }
    let mut points = [0.0; 8];
    points[0] = from;
    points[1..=count].copy_from_slice(&breaks[..count]);
    points[count + 1] = to;
    let points = &mut points[..count + 2];
    points.sort_by(Real::total_cmp);
    let step = (last - first) / (xs.len() - 1) as Real;
    for pair in points.windows(2) {
        if pair[1] >= pair[0] && inside(0.5 * (pair[0] + pair[1])) {
            let (low, high) = index_range(xs, (pair[0] - step, pair[1] + step));
            match out.last_mut() {
                Some(last) if last.1 >= low => last.1 = last.1.max(high),
                _ => out.push((low, high)),
            }
        }
    }
}

/// The wedge of a source that sees everything.
const NO_WEDGE: [[Real; 3]; 3] = [[0.0, 0.0, 1.0]; 3];

/// Whether some of the segment `a → b` is inside the wedge (half-planes
/// `p·x + q·y + r ≥ 0`, with a micrometre's slack).
fn wedge_meets_segment(wedge: &[[Real; 3]; 3], a: Point2, b: Point2) -> bool {
    super::images::clip_segment(a, b, wedge.iter().map(|&[p, q, r]| (Vector2::new(p, q), r + 1e-6))).is_some()
}
