//! Physics through the whole engine, against closed forms computed here,
//! independently of the library's own formulas.

use wifiplan::geometry::{Point2, Point3};
use wifiplan::propagation::engine::{self, powers_at};
use wifiplan::propagation::{MultiWall, PropagationModel};

use crate::util::reference::{friis_db as friis, open_scene, transmission_loss_db, BRICK, CONCRETE};
use crate::util::{example_text, scene_from_toml};

#[test]
fn free_space_equals_friis_at_several_distances_and_bands() {
    // (band, channel, centre frequency in Hz from the IEEE numbering)
    let cases = [("2.4", 1, 2.412e9), ("2.4", 11, 2.462e9), ("5", 36, 5.18e9), ("5", 100, 5.5e9), ("6", 37, 6.135e9)];
    for (band, channel, f) in cases {
        let aps = format!(
            "[[aps]]\nid = \"A\"\nposition = [0.0, 0.0]\nheight = 1.5\nband = \"{band}\"\nchannel = {channel}\ntx_power_dbm = 17\nantenna_gain_dbi = 2\n"
        );
        let scene = scene_from_toml(&open_scene("", &aps));
        for d in [0.5, 1.0, 3.0, 10.0, 25.0, 50.0] {
            let p = powers_at(&scene, &MultiWall, 0, Point2::new(d * 0.6, d * 0.8))[0];
            let expected = 19.0 - friis(d, f);
            assert!((p - expected).abs() < 1e-9, "{band} GHz ch {channel} at {d} m: {p} vs {expected}");
        }
    }
}

fn one_wall_scene(material: &str, thickness: f64) -> wifiplan::scene::Scene {
    let walls =
        format!("[[floors.walls]]\npoints = [[0, -50], [0, 50]]\nmaterial = \"{material}\"\nthickness = {thickness}\n");
    let aps =
        "[[aps]]\nid = \"A\"\nposition = [-4.0, 0.0]\nheight = 1.5\nband = \"5\"\nchannel = 36\ntx_power_dbm = 20\n";
    scene_from_toml(&open_scene(&walls, aps))
}

#[test]
fn wall_loss_matches_the_p2040_slab_at_its_angle() {
    let f = 5.18e9;
    for (material, coefficients, thickness) in
        [("concrete", CONCRETE, 0.2), ("brick", BRICK, 0.3), ("concrete", CONCRETE, 0.1)]
    {
        let scene = one_wall_scene(material, thickness);
        for (x, y) in [(6.0, 0.0), (4.0, 4.0), (3.0, 9.0), (1.0, -20.0)] {
            let p = powers_at(&scene, &MultiWall, 0, Point2::new(x, y))[0];
            let d = ((x + 4.0f64).powi(2) + y * y).sqrt();
            let theta = (y / (x + 4.0)).atan().abs();
            let expected = 20.0 - friis(d, f) - transmission_loss_db(coefficients, f, thickness, theta.cos(), true);
            assert!(
                (p - expected).abs() < 0.01,
                "{material} {thickness} m, receiver ({x}, {y}), θ = {:.1}°: engine {p:.3} dBm, reference {expected:.3} dBm",
                theta.to_degrees()
            );
        }
    }
}

#[test]
fn thicker_walls_lose_more() {
    for material in ["concrete", "brick", "stone_masonry", "plasterboard", "wood"] {
        let mut previous = f64::INFINITY;
        for thickness in [0.05, 0.1, 0.2, 0.4, 0.6, 0.9, 1.2] {
            let scene = one_wall_scene(material, thickness);
            let p = powers_at(&scene, &MultiWall, 0, Point2::new(5.0, 1.0))[0];
            assert!(p < previous, "{material}: {thickness} m gives {p:.2} dBm, not below {previous:.2}");
            previous = p;
        }
    }
    let thin = powers_at(&one_wall_scene("stone_masonry", 0.2), &MultiWall, 0, Point2::new(5.0, 0.0))[0];
    let thick = powers_at(&one_wall_scene("stone_masonry", 1.2), &MultiWall, 0, Point2::new(5.0, 0.0))[0];
    assert!(thin - thick > 30.0, "1.2 m of stone should be far more opaque than 0.2 m: {thin:.1} vs {thick:.1} dBm");
}

#[test]
fn floor_slab_loss_follows_the_tm_slab_at_its_angle() {
    let text = r#"format = 1
[defaults]
receiver_height = 1.0
[[floors]]
id = "low"
elevation = 0.0
height = 3.0
slab = "none"
ceiling = "flat"
[[floors.rooms]]
name = "low"
polygon = [[-20, -20], [20, -20], [20, 20], [-20, 20]]
[[floors]]
id = "high"
elevation = 3.3
height = 3.0
slab = { material = "concrete", thickness = 0.3 }
roof = "none"
[[floors.rooms]]
name = "high"
polygon = [[-20, -20], [20, -20], [20, 20], [-20, 20]]
[[aps]]
id = "A"
floor = "high"
position = [0.0, 0.0]
height = 2.0
band = "5"
channel = 36
tx_power_dbm = 20
"#;
    let scene = scene_from_toml(text);
    let f = 5.18e9;
    for x in [0.0, 2.0, 5.0] {
        let p = powers_at(&scene, &MultiWall, 0, Point2::new(x, 0.0))[0];
        let dz: f64 = (3.3 + 2.0) - 1.0;
        let d = (x * x + dz * dz).sqrt();
        let theta = (x / dz).atan();
        let expected = 20.0 - friis(d, f) - transmission_loss_db(CONCRETE, f, 0.3, theta.cos(), false);
        assert!((p - expected).abs() < 0.01, "x = {x}: engine {p:.3}, reference {expected:.3}");
    }
}

/// A small plan with walls, openings and rooms, and its mirror image x → −x.
fn asymmetric_plan(sign: f64) -> String {
    let x = |v: f64| v * sign;
    format!(
        r#"format = 1
[defaults]
resolution = 0.5
[[floors]]
id = "f"
height = 3.0
[[floors.walls]]
id = "shell"
points = [[{a}, 0], [{b}, 0], [{b}, 10], [{a}, 10], [{a}, 0]]
material = "concrete"
thickness = 0.25
[[floors.walls]]
id = "mid"
points = [[{c}, 0], [{c}, 10]]
material = "brick"
thickness = 0.2
[[floors.walls]]
points = [[{c}, 6], [{b}, 6]]
material = "plasterboard"
thickness = 0.1
[[floors.openings]]
wall = "mid"
at = [[{c}, 2], [{c}, 3]]
kind = "door"
[[floors.openings]]
wall = "shell"
at = [[{d}, 0], [{e}, 0]]
kind = "window"
[[aps]]
id = "A"
position = [{f}, 4.0]
channel = 36
[[aps]]
id = "B"
position = [{g}, 8.0]
channel = 36
"#,
        a = x(0.0),
        b = x(14.0),
        c = x(6.0),
        d = x(2.0),
        e = x(3.5),
        f = x(2.5),
        g = x(11.0),
    )
}

#[test]
fn a_mirrored_plan_gives_a_mirrored_map() {
    let plan = scene_from_toml(&asymmetric_plan(1.0));
    let mirror = scene_from_toml(&asymmetric_plan(-1.0));
    // A deterministic scatter of receivers over the building.
    let mut state = 12345u64;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..300 {
        let (x, y) = (0.3 + 13.4 * next(), 0.3 + 9.4 * next());
        let a = powers_at(&plan, &MultiWall, 0, Point2::new(x, y));
        let b = powers_at(&mirror, &MultiWall, 0, Point2::new(-x, y));
        for ap in 0..2 {
            assert!((a[ap] - b[ap]).abs() < 1e-9, "({x:.2}, {y:.2}) AP {ap}: {} vs mirrored {}", a[ap], b[ap]);
        }
    }
}

/// The lycée plans with their APs replaced by one AP in the middle of
/// classroom S102 (x 8.1–15.1, y 0.6–8.6) on the ground floor.
fn lycee_with_one_classroom_ap(name: &str) -> wifiplan::scene::Scene {
    let text = example_text(name);
    let without_aps = text.split("[[aps]]").next().unwrap().to_owned();
    let plan = format!(
        "{without_aps}[[aps]]\nid = \"S102\"\nfloor = \"rdc\"\nposition = [11.6, 4.6]\nheight = 2.6\nband = \"5\"\nchannel = 36\ntx_power_dbm = 20\nantenna_gain_dbi = 3\n"
    );
    scene_from_toml(&plan)
}

/// Received power over the far half of classroom S103 (x 19.1–22.6).
fn far_half_of_next_classroom(scene: &wifiplan::scene::Scene) -> Vec<f64> {
    let z = scene.floors[0].elevation + scene.settings.receiver_height;
    let mut values = Vec::new();
    let mut x = 19.2;
    while x < 22.5 {
        let mut y = 0.7;
        while y < 8.5 {
            values.push(MultiWall.received_power(scene, &scene.aps[0], 0, Point3::new(x, y, z)).value());
            y += 0.25;
        }
        x += 0.25;
    }
    values
}

#[test]
fn thick_stone_walls_need_an_ap_per_classroom_plasterboard_does_not() {
    let stone = far_half_of_next_classroom(&lycee_with_one_classroom_ap("lycee_darche.toml"));
    let modern = far_half_of_next_classroom(&lycee_with_one_classroom_ap("lycee_moderne.toml"));
    let stone_max = stone.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let modern_min = modern.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(stone_max < -67.0, "stone school: the far half of S103 peaks at {stone_max:.1} dBm, expected below −67");
    assert!(modern_min >= -67.0, "modern school: the far half of S103 dips to {modern_min:.1} dBm, expected ≥ −67");
}

#[test]
fn grid_values_equal_point_evaluations() {
    let scene = lycee_with_one_classroom_ap("lycee_darche.toml");
    let coverage = engine::simulate(&scene, &MultiWall, 0.5, &|_, _| {}).unwrap();
    let fc = &coverage.floors[0];
    let grid = fc.mask.grid;
    for (column, row) in [(10, 10), (30, 5), (grid.width / 2, grid.height / 2)] {
        let i = row * grid.width + column;
        if fc.mask.in_wall[i] {
            continue;
        }
        let p = grid.cell_centre(column, row);
        let direct = powers_at(&scene, &MultiWall, 0, p)[0];
        assert!((fc.rssi.values[i] as f64 - direct).abs() < 1e-3);
    }
}
