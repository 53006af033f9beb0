//! The ray tracer against closed forms and against a brute-force image
//! method written here, independently of the library.

use num_complex::Complex64;
use wifiplan::geometry::{Point2, Point3};
use wifiplan::propagation::engine::powers_at;
use wifiplan::propagation::{MultiWall, PropagationModel, RayTrace};
use wifiplan::scene::Scene;

use crate::util::reference::{self, db, mw, open_scene, C, CONCRETE};
use crate::util::{example, scene_from_toml};

const F: f64 = 5.18e9;

fn friis_db(d: f64) -> f64 {
    reference::friis_db(d, F)
}

/// The concrete slab's `(R, T)` at 5.18 GHz, TE.
fn concrete_te(thickness: f64, cos_theta: f64) -> (Complex64, Complex64) {
    reference::slab(CONCRETE, F, thickness, cos_theta, true)
}

fn open_plan(walls: &str, ap: (f64, f64)) -> String {
    let aps = format!(
        "[[aps]]\nid = \"A\"\nposition = [{}, {}]\nheight = 1.5\nband = \"5\"\nchannel = 36\ntx_power_dbm = 20\n",
        ap.0, ap.1
    );
    open_scene(walls, &aps)
}

fn raytrace(max_reflections: usize) -> RayTrace {
    RayTrace::with_reflections(max_reflections).specular()
}

fn power(scene: &Scene, model: &dyn PropagationModel, x: f64, y: f64) -> f64 {
    powers_at(scene, model, 0, Point2::new(x, y))[0]
}

#[test]
fn free_space_equals_friis() {
    let scene = scene_from_toml(&open_plan("", (0.0, 0.0)));
    for d in [1.0, 4.0, 15.0, 40.0] {
        let p = power(&scene, &raytrace(3), d * 0.8, d * 0.6);
        assert!((p - (20.0 - friis_db(d))).abs() < 1e-9, "{d} m: {p}");
    }
}

const LONG_WALL: &str = "[[floors.walls]]\npoints = [[0, -500], [0, 500]]\nmaterial = \"concrete\"\nthickness = 0.3\n";

#[test]
fn one_wall_gives_the_direct_and_the_p2040_reflected_path() {
    // The wall's west face is at x = −0.15; the AP at x = −3 is mirrored to
    // x = 2.7. Receivers on the AP's side get the direct path plus one
    // reflection whose power follows |R_TE(θ)|².
    let scene = scene_from_toml(&open_plan(LONG_WALL, (-3.0, 0.0)));
    for (x, y) in [(-1.0, 0.0), (-2.0, 4.0), (-0.5, 10.0), (-5.0, -7.0)] {
        let direct = ((x + 3.0f64).powi(2) + y * y).sqrt();
        let unfolded = ((x - 2.7f64).powi(2) + y * y).sqrt();
        let cos_theta = (2.7 - x).abs() / unfolded;
        let (r, _) = concrete_te(0.3, cos_theta);
        let expected = db(mw(20.0 - friis_db(direct)) + mw(20.0 - friis_db(unfolded)) * r.norm_sqr());
        for order in [1, 3] {
            let p = power(&scene, &raytrace(order), x, y);
            assert!(
                (p - expected).abs() < 0.5,
                "order {order}, receiver ({x}, {y}): {p:.3} dBm, two-ray reference {expected:.3} dBm"
            );
            assert!((p - expected).abs() < 0.01, "the two-ray case is exact: {p:.4} vs {expected:.4}");
        }
    }
}

#[test]
fn a_receiver_behind_the_wall_gets_the_slab_transmission() {
    let scene = scene_from_toml(&open_plan(LONG_WALL, (-3.0, 0.0)));
    for (x, y) in [(2.0, 0.0), (4.0, 3.0), (1.0, -6.0)] {
        let d = ((x + 3.0f64).powi(2) + y * y).sqrt();
        let cos_theta = (x + 3.0) / d;
        let (_, t) = concrete_te(0.3, cos_theta);
        let expected = 20.0 - friis_db(d) + 20.0 * t.norm().log10();
        let p = power(&scene, &raytrace(3), x, y);
        assert!((p - expected).abs() < 0.01, "({x}, {y}): {p:.3} vs {expected:.3}");
    }
}

#[test]
fn a_corridor_carries_more_than_free_space_along_its_axis() {
    let walls = "[[floors.walls]]\npoints = [[-5, -1.5], [60, -1.5]]\nmaterial = \"concrete\"\nthickness = 0.2\n\
                 [[floors.walls]]\npoints = [[-5, 1.5], [60, 1.5]]\nmaterial = \"concrete\"\nthickness = 0.2\n";
    let scene = scene_from_toml(&open_plan(walls, (0.0, 0.0)));
    let mut previous_gain = 0.0;
    for d in [5.0, 10.0, 20.0, 40.0] {
        let p = power(&scene, &raytrace(3), d, 0.0);
        let gain = p - (20.0 - friis_db(d));
        assert!(gain > 1.0, "{d} m along the corridor: {gain:.2} dB over free space");
        // The guiding gets stronger with distance: reflections arrive at
        // ever more grazing angles, where |R| tends to 1.
        assert!(gain > previous_gain, "{d} m: gain {gain:.2} dB not above {previous_gain:.2} dB");
        previous_gain = gain;
    }
    // Convergence with the order: each order adds less power than the one
    // before it.
    let sums: Vec<f64> = (0..=6).map(|n| mw(power(&scene, &raytrace(n), 20.0, 0.3))).collect();
    for n in 2..sums.len() {
        assert!(sums[n] - sums[n - 1] < sums[n - 1] - sums[n - 2], "order {n}: {sums:?}");
    }
}

#[test]
fn more_reflections_never_lower_the_incoherent_sum() {
    for plan in ["lycee_darche.toml", "lycee_moderne.toml", "office_small.toml"] {
        let (_, scene) = wifiplan::pipeline::load_scene(&example(plan), None).unwrap();
        let points = [Point2::new(11.6, 4.6), Point2::new(4.0, 18.0), Point2::new(20.0, 11.0), Point2::new(3.0, 3.0)];
        for p in points {
            let sums: Vec<f64> = (0..=4).map(|n| powers_at(&scene, &raytrace(n), 0, p)[0]).collect();
            for n in 1..sums.len() {
                assert!(
                    sums[n] >= sums[n - 1] - 1e-9,
                    "{plan} at {p:?}: order {n} gives {} < {}",
                    sums[n],
                    sums[n - 1]
                );
            }
        }
    }
}

#[test]
fn raytrace_is_never_below_multiwall() {
    let (_, scene) = wifiplan::pipeline::load_scene(&example("lycee_darche.toml"), None).unwrap();
    let model = RayTrace::default();
    for ap in &scene.aps {
        for floor in 0..scene.floors.len() {
            let traced = model.field(&scene, ap, floor);
            let direct = MultiWall.field(&scene, ap, floor);
            for p in [(3.0, 3.0), (20.0, 11.0), (33.0, 18.0)] {
                let z = scene.floors[floor].elevation + 1.0;
                let receiver = Point3::new(p.0, p.1, z);
                let (a, b) = (traced.received_power(receiver).value(), direct.received_power(receiver).value());
                assert!(a >= b - 1e-9, "{} floor {floor} at {p:?}: raytrace {a} < multiwall {b}", ap.id);
            }
        }
    }
}

/// A wall as its two end points.
type Segment = ((f64, f64), (f64, f64));

/// Brute-force image method over the inner and outer faces of a few long
/// walls: every sequence of faces up to `order`, no pruning, paths checked
/// by walking back from the receiver. Returns (total power mW, path count).
fn brute_force(walls: &[Segment], thickness: f64, ap: Point2, rx: Point2, order: usize) -> (f64, usize) {
    #[derive(Clone, Copy)]
    struct Face {
        p0: Point2,
        p1: Point2,
        n: wifiplan::geometry::Vector2,
    }
    let mut faces = Vec::new();
    for &((x0, y0), (x1, y1)) in walls {
        let (a, b) = (Point2::new(x0, y0), Point2::new(x1, y1));
        let d = (b - a).normalize();
        let n = wifiplan::geometry::Vector2::new(-d.y, d.x);
        for s in [1.0, -1.0] {
            faces.push(Face { p0: a + n * (s * thickness / 2.0), p1: b + n * (s * thickness / 2.0), n: n * s });
        }
    }
    let crossings = |a: Point2, b: Point2| -> f64 {
        // Product of |T|² of every wall whose centreline a→b crosses.
        let mut product = 1.0;
        for &((x0, y0), (x1, y1)) in walls {
            if wifiplan::geometry::segment_intersection(a, b, Point2::new(x0, y0), Point2::new(x1, y1)).is_some() {
                let wall = (Point2::new(x1, y1) - Point2::new(x0, y0)).normalize();
                let cos = ((b - a).normalize().perp(&wall)).abs();
                product *= concrete_te(thickness, cos).1.norm_sqr();
            }
        }
        product
    };
    let mut total = 0.0;
    let mut count = 0;
    let mut sequence: Vec<usize> = Vec::new();
    fn visit(faces_len: usize, order: usize, sequence: &mut Vec<usize>, f: &mut dyn FnMut(&[usize])) {
        f(sequence);
        if sequence.len() == order {
            return;
        }
        for face in 0..faces_len {
            if sequence.last() == Some(&face) {
                continue;
            }
            sequence.push(face);
            visit(faces_len, order, sequence, f);
            sequence.pop();
        }
    }
    visit(faces.len(), order, &mut sequence, &mut |seq: &[usize]| {
        // Images of the AP.
        let mut images = vec![ap];
        for &i in seq {
            let last = *images.last().unwrap();
            let face = faces[i];
            images.push(last - face.n * (2.0 * (last - face.p0).dot(&face.n)));
        }
        // Walk back from the receiver.
        let mut points = vec![rx];
        let mut current = rx;
        for k in (0..seq.len()).rev() {
            let face = faces[seq[k]];
            let image = images[k + 1];
            if (images[k] - face.p0).dot(&face.n) <= 0.0 {
                return;
            }
            match wifiplan::geometry::segment_intersection(image, current, face.p0, face.p1) {
                Some((t, _)) if t > 0.0 && t < 1.0 => {
                    current = image + (current - image) * t;
                    points.push(current);
                }
                _ => return,
            }
        }
        points.push(ap);
        points.reverse();
        let length = (images.last().unwrap() - rx).norm();
        let mut p = mw(20.0 - friis_db(length));
        for k in 0..seq.len() {
            let face = faces[seq[k]];
            let incoming = (points[k + 1] - points[k]).normalize();
            p *= concrete_te(thickness, incoming.dot(&face.n).abs()).0.norm_sqr();
        }
        for leg in points.windows(2) {
            p *= crossings(leg[0], leg[1]);
        }
        total += p;
        count += 1;
    });
    (total, count)
}

#[test]
fn agrees_with_a_brute_force_image_method() {
    // A U-shaped set of long concrete walls plus a short stub, open scene.
    let walls = [
        ((-20.0, -4.0), (30.0, -4.0)),
        ((-20.0, 5.0), (30.0, 5.0)),
        ((12.0, -4.0), (12.0, 1.5)),
        ((-8.0, -10.0), (-8.0, 12.0)),
    ];
    let toml_walls: String = walls
        .iter()
        .map(|((x0, y0), (x1, y1))| {
            format!(
                "[[floors.walls]]\npoints = [[{x0}, {y0}], [{x1}, {y1}]]\nmaterial = \"concrete\"\nthickness = 0.2\n"
            )
        })
        .collect();
    let ap = Point2::new(0.0, 0.0);
    let scene = scene_from_toml(&open_plan(&toml_walls, (ap.x, ap.y)));
    for order in [1, 2, 3] {
        for rx in [Point2::new(6.0, 2.0), Point2::new(20.0, -1.0), Point2::new(-12.0, 3.0), Point2::new(14.0, 3.5)] {
            let (reference_mw, reference_paths) = brute_force(&walls, 0.2, ap, rx, order);
            let context = raytrace(order).context(&scene, &scene.aps[0], 0);
            let sum = context.trace(Point3::new(rx.x, rx.y, 1.5), None);
            let (traced, reference) = (db(sum.power_mw), db(reference_mw));
            assert!(
                (traced - reference).abs() < 0.05,
                "order {order} at {rx:?}: traced {traced:.3} dBm ({} paths), brute force {reference:.3} dBm ({reference_paths} paths)",
                sum.paths
            );
            assert!(sum.paths as usize <= reference_paths, "more paths than exist: {} > {reference_paths}", sum.paths);
        }
    }
}

/// The concrete slab's R at 5.18 GHz, TM (floors).
fn concrete_tm_reflection(thickness: f64, cos_theta: f64) -> Complex64 {
    reference::slab(CONCRETE, F, thickness, cos_theta, false).0
}

#[test]
fn a_concrete_floor_gives_the_tm_ground_reflection() {
    // One storey with a concrete floor slab and no ceiling: the direct path
    // plus the floor bounce (AP 2.5 m, receiver 1.0 m above the floor).
    let plan = open_plan("", (0.0, 0.0))
        .replace("slab = \"none\"", "slab = { material = \"concrete\", thickness = 0.3 }")
        .replace("height = 1.5\nband", "height = 2.5\nband")
        .replace("receiver_height = 1.5", "receiver_height = 1.0");
    let scene = scene_from_toml(&plan);
    for d in [2.0, 6.0, 20.0] {
        let direct = (d * d + 1.5f64 * 1.5).sqrt();
        let unfolded = (d * d + 3.5f64 * 3.5).sqrt();
        let r = concrete_tm_reflection(0.3, 3.5 / unfolded);
        let expected = db(mw(20.0 - friis_db(direct)) + mw(20.0 - friis_db(unfolded)) * r.norm_sqr());
        let p = power(&scene, &raytrace(1), d, 0.0);
        assert!((p - expected).abs() < 0.01, "{d} m: {p:.3} vs {expected:.3}");
    }
}

#[test]
fn the_coherent_sum_shows_two_ray_interference() {
    let scene = scene_from_toml(&open_plan(LONG_WALL, (-3.0, 0.0)));
    let k = 2.0 * std::f64::consts::PI * F / C;
    let model = RayTrace { coherent: true, ..RayTrace::with_reflections(1).specular() };
    let mut values = Vec::new();
    for i in 0..40 {
        // Receivers every λ/8 along a line parallel to the wall.
        let (x, y) = (-1.0, 2.0 + i as f64 * C / F / 8.0);
        let direct = ((x + 3.0f64).powi(2) + y * y).sqrt();
        let unfolded = ((x - 2.7f64).powi(2) + y * y).sqrt();
        let (r, _) = concrete_te(0.3, (2.7 - x) / unfolded);
        let amplitude = |d: f64| mw(20.0 - friis_db(d)).sqrt();
        let field = Complex64::from_polar(amplitude(direct), -k * direct)
            + r * Complex64::from_polar(amplitude(unfolded), -k * unfolded);
        let expected = db(field.norm_sqr());
        let p = power(&scene, &model, x, y);
        assert!((p - expected).abs() < 0.05, "({x}, {y:.3}): coherent {p:.3} vs {expected:.3}");
        values.push(p);
    }
    // Fast fading: peaks and nulls several dB apart within a few λ.
    let spread =
        values.iter().copied().fold(f64::NEG_INFINITY, f64::max) - values.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(spread > 3.0, "coherent two-ray fading spread {spread:.2} dB");
}

#[test]
fn a_vaulted_room_reflects_off_its_vault() {
    let plan = r#"format = 1
[[floors]]
id = "f0"
height = 4.5
ceiling = { vault = 1.5 }
[[floors.walls]]
points = [[0, 0], [12, 0], [12, 7], [0, 7], [0, 0]]
material = "brick"
thickness = 0.5
[[floors.rooms]]
name = "salle"
polygon = [[0.25, 0.25], [11.75, 0.25], [11.75, 6.75], [0.25, 6.75]]
[[aps]]
id = "A"
position = [3.0, 3.5]
height = 2.6
band = "5"
channel = 36
"#;
    let scene = scene_from_toml(plan);
    let (paths, _) = RayTrace::default().explain(&scene, &scene.aps[0], 0, Point3::new(9.0, 2.0, 1.0));
    let vault = paths
        .iter()
        .find(|p| p.reflections.len() == 1 && p.reflections[0].bounce == wifiplan::propagation::raytrace::Bounce::Vault)
        .expect("a first-order vault reflection");
    // The bounce point is on the vault surface: between the springing
    // line (3.0 m) and the crown (4.5 m), inside the room.
    let point = vault.reflections[0].point;
    assert!(point.z > 3.0 && point.z <= 4.5 + 1e-9, "{point:?}");
    assert!(point.x > 3.0 && point.x < 9.0, "{point:?}");
    // No flat-ceiling bounce in a vaulted room.
    assert!(paths
        .iter()
        .all(|p| p.reflections.iter().all(|r| r.bounce != wifiplan::propagation::raytrace::Bounce::Ceiling)));
}
