//! Diffraction and diffuse scattering in the ray tracer against closed
//! forms (the knife edge of ITU-R P.526, the half field on a half-plane's
//! shadow boundary), reciprocity, and the smooth heatmap behind a doorway
//! that the specular model cannot give.

use wifiplan::geometry::{Point2, Point3};
use wifiplan::propagation::engine::{self, powers_at};
use wifiplan::propagation::{PropagationModel, RayTrace, StoreyShare};
use wifiplan::scene::Scene;

use crate::util::reference::{self, open_scene};
use crate::util::scene_from_toml;

const F: f64 = 5.18e9;

/// Direct paths and diffraction only (no reflection, no scattering).
fn diffraction_only() -> RayTrace {
    RayTrace { scattering: false, ..RayTrace::with_reflections(1) }
}

fn ap(id: &str, x: f64, y: f64) -> String {
    format!(
        "[[aps]]\nid = \"{id}\"\nposition = [{x}, {y}]\nheight = 1.5\nband = \"5\"\nchannel = 36\ntx_power_dbm = 20\n"
    )
}

/// A metal screen on the line x = 5 from y = −40 up to its free edge at
/// y = 0, the AP at the origin: a receiver at (10, y) is `y / 2` below the
/// line of sight over the edge.
fn screen(ap_at: (f64, f64)) -> Scene {
    let walls = "[[floors.walls]]\npoints = [[5, -40], [5, 0]]\nmaterial = \"metal\"\nthickness = 0.002\n";
    scene_from_toml(&open_scene(walls, &ap("A", ap_at.0, ap_at.1)))
}

fn received_dbm(scene: &Scene, model: &RayTrace, x: f64, y: f64) -> f64 {
    powers_at(scene, model, 0, Point2::new(x, y))[0]
}

/// ITU-R P.526-15 eq. (31): the knife-edge loss `J(ν)` in dB, for ν > −0.78.
fn knife_edge_db(nu: f64) -> f64 {
    6.9 + 20.0 * (((nu - 0.1).powi(2) + 1.0).sqrt() + nu - 0.1).log10()
}

#[test]
fn behind_a_metal_screen_the_field_follows_the_knife_edge_loss() {
    let scene = screen((0.0, 0.0));
    let model = diffraction_only();
    let wavelength = 299_792_458.0 / F;
    let mut worst: f64 = 0.0;
    // The knife-edge formula is Kirchhoff's paraxial approximation: it
    // holds for small diffraction angles (here up to 11°); deeper, the
    // exact soft half-plane (checked against Sommerfeld's solution in the
    // unit tests of `utd`) falls faster than it.
    for depth in [0.25, 0.5, 0.75, 1.0] {
        // Receiver at (10, −depth): the edge stands h above the line of
        // sight from the AP, with d1 = d2 = 5 m along it.
        let (x, y) = (10.0, -depth);
        let h = depth / 2.0;
        let (d1, d2) = (5.0_f64.hypot(h), 5.0_f64.hypot(depth - h));
        let nu = h * (2.0 * (d1 + d2) / (wavelength * d1 * d2)).sqrt();
        let direct = (x * x + y * y).sqrt();
        let expected = 20.0 - reference::friis_db(direct, F) - knife_edge_db(nu);
        let got = received_dbm(&scene, &model, x, y);
        println!("depth {depth}: nu {nu:.2}, knife edge {expected:.2} dBm, model {got:.2} dBm");
        worst = worst.max((got - expected).abs());
    }
    assert!(worst < 1.0, "worst difference from P.526's knife edge: {worst:.2} dB");
}

#[test]
fn on_the_shadow_boundary_the_field_is_half_the_direct_field() {
    // Sommerfeld's half-plane: on the incident shadow boundary the total
    // field is half the incident one (−6.02 dB), whatever the distances.
    let scene = screen((0.0, 0.0));
    let model = diffraction_only();
    for x in [8.0, 12.0, 20.0] {
        let free = 20.0 - reference::friis_db(x, F);
        let got = received_dbm(&scene, &model, x, 0.0);
        println!("x {x}: free {free:.2}, model {got:.2}, step {:.2}", got - free);
        assert!((got - free + 6.02).abs() < 0.5, "x = {x}: {:.2} dB from free space", got - free);
    }
}

#[test]
fn the_field_is_continuous_across_the_shadow_boundary() {
    let scene = screen((0.0, 0.0));
    let model = diffraction_only();
    let step = 0.05;
    let jump = largest_step((-40..=40).map(|k| received_dbm(&scene, &model, 10.0, k as f64 * step)));
    // Specular only, the same 5 cm step across the boundary is a cliff.
    let specular = RayTrace::with_reflections(1).specular();
    let cliff = (received_dbm(&scene, &specular, 10.0, 0.02) - received_dbm(&scene, &specular, 10.0, -0.02)).abs();
    println!("largest 5 cm step: {jump:.2} dB with diffraction, {cliff:.1} dB specular");
    assert!(cliff > 40.0, "the specular model should have a cliff here: {cliff:.1} dB");
    // The true field falls about 13 dB/m across the boundary at 10 m from
    // the edge (ν grows 1.9 per metre there): under 1 dB per 5 cm.
    assert!(jump < 1.5, "largest 5 cm step across the shadow boundary: {jump:.2} dB");
}

/// Two rooms split by a 0.2 m concrete wall along y = 0 with a full-height
/// 1 m doorway at 4.5 ≤ x ≤ 5.5, as in the diffraction issue's check.
fn doorway_rooms(aps: &str) -> Scene {
    doorway_rooms_of("concrete", aps)
}

fn doorway_rooms_of(material: &str, aps: &str) -> Scene {
    let toml = format!(
        r#"format = 1
[defaults]
receiver_height = 1.5
resolution = 0.1
[[floors]]
id = "f0"
height = 3.0
slab = "none"
ceiling = "none"
roof = "none"
[[floors.rooms]]
name = "south"
polygon = [[0, -6], [10, -6], [10, -0.1], [0, -0.1]]
[[floors.rooms]]
name = "north"
polygon = [[0, 0.1], [10, 0.1], [10, 6], [0, 6]]
[[floors.walls]]
id = "middle"
points = [[0, 0], [10, 0]]
material = "{material}"
thickness = 0.2
[[floors.openings]]
wall = "middle"
at = [[4.5, 0], [5.5, 0]]
kind = "opening"
bottom = 0.0
top = 3.0
{aps}"#
    );
    scene_from_toml(&toml)
}

#[test]
fn swapping_ap_and_receiver_gives_the_same_power() {
    // AP off axis in the south room, receivers in the doorway's shadow in
    // the north room and back: reflections before and after the edge swap.
    // With metal walls every coefficient is reciprocal (R = −1 on both
    // faces, no transmission), so any difference would be the tracer's.
    // With concrete, Luebbers' lossy-face coefficient takes each face's
    // reflection at its own angle (R₀ at φ′, Rₙ at nπ − φ), which swapping
    // the ends changes: reciprocal only to within a dB.
    let pairs =
        [((2.0, -2.0), (7.5, 3.0)), ((3.0, -4.0), (8.0, 1.5)), ((6.5, -1.5), (2.0, 4.0)), ((9.0, -5.0), (1.0, 5.0))];
    for (material, tolerance) in [("metal", 0.05), ("concrete", 1.0)] {
        for reflections in [1, 2] {
            let model = RayTrace { scattering: false, ..RayTrace::with_reflections(reflections) };
            for (a, b) in pairs {
                let forward = received_dbm(&doorway_rooms_of(material, &ap("A", a.0, a.1)), &model, b.0, b.1);
                let backward = received_dbm(&doorway_rooms_of(material, &ap("A", b.0, b.1)), &model, a.0, a.1);
                println!(
                    "{material}, {reflections} interactions, {a:?} -> {b:?}: {forward:.2} dBm, back {backward:.2} dBm"
                );
                assert!(
                    (forward - backward).abs() < tolerance,
                    "{material}, {reflections} interactions, {a:?} <-> {b:?}: {forward:.2} vs {backward:.2} dBm"
                );
            }
        }
    }
}

/// The largest difference between neighbouring cells of the north room
/// (away from the walls), dB.
fn largest_neighbour_jump(scene: &Scene, model: &RayTrace) -> f64 {
    let coverage = engine::simulate(scene, model, 0.1, &|_, _| {}).expect("simulates");
    let floor = &coverage.floors[0];
    let grid = &floor.rssi.grid;
    let inside = |column: usize, row: usize| {
        let p = grid.cell_centre(column, row);
        // Beyond a metre from the doorway's wall: right at a jamb the true
        // field changes by several dB within a few centimetres.
        (0.5..=9.5).contains(&p.x) && (1.0..=5.5).contains(&p.y)
    };
    let mut worst: f64 = 0.0;
    for row in 0..grid.height {
        for column in 0..grid.width {
            if !inside(column, row) {
                continue;
            }
            let here = floor.rssi.get(column, row) as f64;
            for (dc, dr) in [(1, 0), (0, 1)] {
                if column + dc < grid.width && row + dr < grid.height && inside(column + dc, row + dr) {
                    worst = worst.max((floor.rssi.get(column + dc, row + dr) as f64 - here).abs());
                }
            }
        }
    }
    worst
}

#[test]
fn a_room_lit_through_its_door_has_no_cliffs() {
    let scene = doorway_rooms(&ap("A", 2.0, -2.0));
    let specular = largest_neighbour_jump(&scene, &RayTrace::default().specular());
    let full = largest_neighbour_jump(&scene, &RayTrace::default());
    println!("largest step between 10 cm neighbours in the far room: specular {specular:.1} dB, with diffraction and scattering {full:.1} dB");
    assert!(specular > 15.0, "the specular map should show the doorway's beam edges: {specular:.1} dB");
    // What is left is where the thick wall's corners and the thin-screen
    // edge on its centreline put the shadow boundary a few centimetres
    // apart.
    assert!(full < 4.0, "neighbouring cells differ by {full:.1} dB");
}

#[test]
fn every_grid_cell_gets_what_its_point_alone_gets() {
    // The grid is traced row block by row block, nodes and edges tested
    // over spans, blocks, groups and columns of groups of cells at once;
    // a point alone is traced with none of that. At 5 cm the doorway
    // rooms are 200 cells wide: two columns of groups of diffraction
    // blocks, so whole columns get left out.
    let scene = doorway_rooms(&format!("{}{}", ap("A", 2.0, -2.0), ap("B", 8.5, 4.0)));
    let coverage = engine::simulate(&scene, &RayTrace::default(), 0.05, &|_, _| {}).expect("simulates");
    let floor = &coverage.floors[0];
    let grid = floor.rssi.grid;
    assert!(grid.width > 128, "{} cells across", grid.width);
    let mut compared = 0;
    for row in (0..grid.height).step_by(11) {
        for column in (0..grid.width).step_by(7) {
            let cell = row * grid.width + column;
            if floor.mask.in_wall[cell] {
                continue;
            }
            let alone = powers_at(&scene, &RayTrace::default(), 0, grid.cell_centre(column, row));
            for (ap, map) in floor.per_ap.iter().enumerate() {
                let (on_grid, by_point) = (map.values[cell] as f64, alone[ap]);
                assert!(
                    (on_grid - by_point).abs() < 1e-3,
                    "AP {ap}, cell ({column}, {row}): grid {on_grid:.4} dBm, alone {by_point:.4} dBm"
                );
            }
            compared += 1;
        }
    }
    println!("{compared} cells compared");
    assert!(compared > 400, "only {compared} cells compared");
}

#[test]
fn a_field_set_aside_and_taken_up_gives_what_it_gave() {
    // What the second pass of the relevance floors does with each AP's
    // field: its image tree kept, its last legs, diffracting edges and
    // scattering tiles dropped, then built again.
    let scene = doorway_rooms(&ap("A", 2.0, -2.0));
    let model = RayTrace::default();
    let share = StoreyShare::default();
    let mut field = model.field_sharing(&scene, &scene.aps[0], 0, &share);
    let receivers: Vec<Point3> =
        (0..60).map(|i| Point3::new(0.3 + 0.16 * i as f64, -5.5 + 0.19 * i as f64, 1.5)).collect();
    let before: Vec<f64> = receivers.iter().map(|&r| field.received_power(r).value()).collect();
    let kept = field.set_aside();
    assert!(kept > 0, "a ray-traced field set aside keeps its image tree");
    field.take_up();
    let after: Vec<f64> = receivers.iter().map(|&r| field.received_power(r).value()).collect();
    assert_eq!(before, after);
}

/// A 0.2 m wall of a concrete with scattering coefficient `s` along
/// y = 0 from x = −10 to 10, the AP 2 m in front of it, and a metal
/// screen on x = 3 from y = 1.5 up, which hides the receiver at (6, 6)
/// from the AP and from the wall's specular reflection, but not the
/// strips of wall beyond x = 3 from either.
fn rough_wall(material: &str, s: Option<f64>) -> Scene {
    let walls = format!(
        "[[floors.walls]]\npoints = [[-10, 0], [10, 0]]\nmaterial = \"{material}\"\nthickness = 0.2\n\
         [[floors.walls]]\npoints = [[3, 1.5], [3, 20]]\nmaterial = \"metal\"\nthickness = 0.002\n"
    );
    let scattering = s.map_or(String::new(), |s| format!("scattering = {s}\n"));
    let materials = format!("[materials.rough]\nitu = \"concrete\"\n{scattering}");
    scene_from_toml(&open_scene(&walls, &format!("{}{materials}", ap("A", 0.0, 2.0))))
}

/// The power (mW) of the path with one wall reflection at (−6, 2), in
/// view of the AP, and each scattered strip's power by its point at
/// (6, 6), behind the screen.
fn reflection_and_scattering(scene: &Scene) -> (f64, Vec<([f64; 3], f64)>) {
    use wifiplan::geometry::Point3;
    use wifiplan::propagation::raytrace::Bounce;
    let model = RayTrace::with_reflections(1);
    let mw = |dbm: f64| 10f64.powf(dbm / 10.0);
    let (paths, _) = model.explain(scene, &scene.aps[0], 0, Point3::new(-6.0, 2.0, 1.5));
    let reflected = paths
        .iter()
        .filter(|p| {
            // On the rough wall (not the screen).
            p.reflections.len() == 1
                && matches!(p.reflections[0].bounce, Bounce::Wall { .. })
                && p.reflections[0].point.y < 0.5
        })
        .map(|p| mw(p.power_dbm))
        .sum();
    let (paths, _) = model.explain(scene, &scene.aps[0], 0, Point3::new(6.0, 6.0, 1.5));
    let scattered = paths
        .iter()
        .filter(|p| matches!(p.reflections.first().map(|r| r.bounce), Some(Bounce::Scatter { .. })))
        .map(|p| {
            let at = p.reflections[0].point;
            ([at.x, at.y, at.z], mw(p.power_dbm))
        })
        .collect();
    (reflected, scattered)
}

#[test]
fn each_material_scatters_with_its_own_coefficient() {
    // The effective-roughness model: a strip scatters S² of what it
    // reflects and the specular reflection keeps 1 − S², so between
    // S = 0.4 and S = 0.1 every scattered path gains exactly 16× and the
    // reflection loses (1 − 0.16)/(1 − 0.01).
    let (rough_reflected, rough) = reflection_and_scattering(&rough_wall("rough", Some(0.4)));
    let (smooth_reflected, smooth) = reflection_and_scattering(&rough_wall("rough", Some(0.1)));
    assert!(rough_reflected > 0.0 && smooth_reflected > 0.0);
    let expected = (1.0 - 0.16) / (1.0 - 0.01);
    assert!((rough_reflected / smooth_reflected / expected - 1.0).abs() < 1e-9);
    let mut common = 0;
    for (point, power) in &smooth {
        if let Some((_, rough_power)) = rough.iter().find(|(p, _)| p == point) {
            assert!((rough_power / power / 16.0 - 1.0).abs() < 1e-9, "strip at {point:?}");
            common += 1;
        }
    }
    println!("{} rough strips, {} smooth", rough.len(), smooth.len());
    assert!(common >= 3, "only {common} strips scatter in both");
    // Without `scattering`, a material based on concrete keeps concrete's
    // S = 0.2; glass is smooth (S = 0) and scatters nothing.
    let (_, inherited) = reflection_and_scattering(&rough_wall("rough", None));
    let (point, power) = smooth[0];
    let (_, inherited_power) = inherited.iter().find(|(p, _)| *p == point).expect("same strip");
    assert!((inherited_power / power / 4.0 - 1.0).abs() < 1e-9);
    let (glass_reflected, glass) = reflection_and_scattering(&rough_wall("glass", None));
    assert!(glass.is_empty() && glass_reflected > 0.0);
}

/// A metal wall on x = 5 across the storey, cut by a 60 m wide opening
/// from the floor up to `top`: its lintel is a horizontal knife edge, the
/// jambs 30 m away. The AP at `(x, y)` is `ap_height` up, receivers
/// `receiver_height` up; no floor or ceiling to bounce on.
fn lintel_scene(top: f64, ap: (f64, f64, f64), receiver_height: f64) -> Scene {
    lintel_scene_with(top, ap, receiver_height, "")
}

/// [`lintel_scene`] with more walls (TOML text).
fn lintel_scene_with(top: f64, (x, y, ap_height): (f64, f64, f64), receiver_height: f64, walls: &str) -> Scene {
    let toml = format!(
        r#"format = 1
[defaults]
receiver_height = {receiver_height}
resolution = 0.5
[[floors]]
id = "f0"
height = 6.0
slab = "none"
ceiling = "none"
roof = "none"
[[floors.rooms]]
name = "all"
polygon = [[-60, -60], [60, -60], [60, 60], [-60, 60]]
[[floors.walls]]
id = "screen"
points = [[5, -40], [5, 40]]
material = "metal"
thickness = 0.002
[[floors.openings]]
wall = "screen"
at = [[5, -30], [5, 30]]
kind = "opening"
bottom = 0.0
top = {top}
{walls}
[[aps]]
id = "A"
position = [{x}, {y}]
height = {ap_height}
band = "5"
channel = 36
tx_power_dbm = 20
"#
    );
    scene_from_toml(&toml)
}

/// The largest difference between consecutive values, dB.
fn largest_step(values: impl Iterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.collect();
    values.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f64::max)
}

#[test]
fn under_a_metal_lintel_the_field_follows_the_knife_edge_loss() {
    // The vertical test's geometry turned on its side: the lintel at
    // 1 m, the receiver 10 m away at 1 m, the AP `depth` higher, so the
    // line of sight passes `depth / 2` above the edge, 5 m from each end.
    let model = diffraction_only();
    let wavelength = 299_792_458.0 / F;
    let mut worst: f64 = 0.0;
    for depth in [0.25, 0.5, 0.75, 1.0] {
        let scene = lintel_scene(1.0, (0.0, 0.0, 1.0 + depth), 1.0);
        let h = depth / 2.0;
        let (d1, d2) = (5.0_f64.hypot(h), 5.0_f64.hypot(depth - h));
        let nu = h * (2.0 * (d1 + d2) / (wavelength * d1 * d2)).sqrt();
        let direct = 10.0_f64.hypot(depth);
        let expected = 20.0 - reference::friis_db(direct, F) - knife_edge_db(nu);
        let got = received_dbm(&scene, &model, 10.0, 0.0);
        println!("depth {depth}: nu {nu:.2}, knife edge {expected:.2} dBm, model {got:.2} dBm");
        worst = worst.max((got - expected).abs());
    }
    assert!(worst < 1.0, "worst difference from P.526's knife edge: {worst:.2} dB");
}

#[test]
fn across_a_lintels_shadow_boundary_the_field_is_continuous() {
    // AP 2 m up, lintel 1.5 m, receivers 1 m up: the line of sight grazes
    // the lintel for the receiver at x = 10; nearer ones see through the
    // opening, further ones are behind the metal.
    let scene = lintel_scene(1.5, (0.0, 0.0, 2.0), 1.0);
    let free = 20.0 - reference::friis_db(10.0_f64.hypot(1.0), F);
    let on_boundary = received_dbm(&scene, &diffraction_only(), 10.0, 0.0);
    println!("on the boundary: {:.2} dB from free space", on_boundary - free);
    assert!((on_boundary - free + 6.02).abs() < 0.5, "{:.2} dB from free space", on_boundary - free);
    let profile =
        |model: &RayTrace| largest_step((0..=40).map(|i| received_dbm(&scene, model, 9.0 + 0.05 * i as f64, 0.0)));
    let (specular, full) = (profile(&RayTrace::with_reflections(1).specular()), profile(&diffraction_only()));
    println!("largest 5 cm step across the boundary: specular {specular:.1} dB, with the lintel {full:.2} dB");
    assert!(specular > 20.0, "the specular field should fall off the metal's cliff: {specular:.1} dB");
    assert!(full < 0.5, "neighbouring receivers differ by {full:.2} dB");
}

#[test]
fn over_a_lintel_swapping_ap_and_receiver_gives_the_same_power() {
    // Metal: every coefficient is reciprocal. The AP and the receiver
    // trade places and heights (the receiver height is the scene's).
    let model = diffraction_only();
    for (a, b) in [((0.0, 0.0, 2.2), (7.5, 2.0, 1.0)), ((1.0, -3.0, 1.2), (9.0, 1.0, 1.9))] {
        let forward = received_dbm(&lintel_scene(1.5, a, b.2), &model, b.0, b.1);
        let backward = received_dbm(&lintel_scene(1.5, b, a.2), &model, a.0, a.1);
        println!("{a:?} -> {b:?}: {forward:.3} dBm, back {backward:.3} dBm");
        assert!((forward - backward).abs() < 0.05, "{a:?} <-> {b:?}: {forward:.3} vs {backward:.3} dBm");
    }
}

#[test]
fn over_a_lintel_a_wall_reflection_before_the_edge_returns_as_one_after_it() {
    // A metal wall along y = 3 on both sides of the lintel's screen: the
    // path reflected on it before the lintel one way is reflected after
    // it the other way, with the same coefficients.
    let wall = "[[floors.walls]]\npoints = [[-10, 3], [20, 3]]\nmaterial = \"metal\"\nthickness = 0.002\n";
    let model = RayTrace { scattering: false, ..RayTrace::with_reflections(2) };
    for (a, b) in [((0.0, 0.0, 2.2), (7.5, 1.0, 1.0)), ((1.0, -3.0, 1.2), (9.0, 2.0, 1.9))] {
        let forward = received_dbm(&lintel_scene_with(1.5, a, b.2, wall), &model, b.0, b.1);
        let backward = received_dbm(&lintel_scene_with(1.5, b, a.2, wall), &model, a.0, a.1);
        let without = received_dbm(&lintel_scene(1.5, a, b.2), &model, b.0, b.1);
        println!("{a:?} -> {b:?}: {forward:.3} dBm, back {backward:.3} dBm (no wall: {without:.3} dBm)");
        assert!((forward - backward).abs() < 0.05, "{a:?} <-> {b:?}: {forward:.3} vs {backward:.3} dBm");
    }
}

#[test]
fn a_room_lit_over_its_door_has_no_step_at_the_lintel() {
    // The lycée's case: a 2.1 m door in a 0.2 m concrete wall, the AP 2 m
    // in front of it and 3 m up, a corridor's far wall 1 m behind it.
    // Along the room behind, the straight path and the one reflected off
    // the corridor's wall pass under the lintel, then through the wall
    // above the door, each at its own distance.
    let toml = r#"format = 1
[defaults]
receiver_height = 1.0
resolution = 0.25
[[floors]]
id = "f0"
height = 3.5
slab = { material = "concrete", thickness = 0.3 }
ceiling = "none"
roof = "none"
[[floors.rooms]]
name = "south"
polygon = [[0, -2.9], [10, -2.9], [10, -0.1], [0, -0.1]]
[[floors.rooms]]
name = "north"
polygon = [[0, 0.1], [10, 0.1], [10, 8], [0, 8]]
[[floors.walls]]
id = "middle"
points = [[0, 0], [10, 0]]
material = "concrete"
thickness = 0.2
[[floors.openings]]
wall = "middle"
at = [[4.5, 0], [5.5, 0]]
kind = "opening"
bottom = 0.0
top = 2.1
[[floors.walls]]
id = "corridor"
points = [[0, -3], [10, -3]]
material = "concrete"
thickness = 0.2
[[floors.walls]]
id = "far"
points = [[0, 8.1], [10, 8.1]]
material = "concrete"
thickness = 0.2
[[aps]]
id = "A"
position = [5.0, -2.0]
height = 3.0
band = "5"
channel = 36
tx_power_dbm = 20
"#;
    let scene = scene_from_toml(toml);
    let along_the_room =
        |model: &RayTrace| largest_step((0..=60).map(|i| received_dbm(&scene, model, 5.0, 0.5 + 0.1 * i as f64)));
    let specular = along_the_room(&RayTrace { scattering: false, ..RayTrace::default().specular() });
    let full = along_the_room(&RayTrace { scattering: false, ..RayTrace::default() });
    println!("largest 10 cm step along the room: specular {specular:.1} dB, with diffraction {full:.1} dB");
    assert!(specular > 6.0, "the specular field should step at the lintel: {specular:.1} dB");
    assert!(full < 2.0, "neighbouring receivers differ by {full:.1} dB");
}
