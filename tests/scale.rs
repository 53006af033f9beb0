//! The building-scale engine against its brute-force definition: on a
//! generated school, the multiwall grid (shadow filters, certain-crossing
//! fast path, row scatter) gives the values of the rule that tests every
//! wall of the building for every cell and AP; and the ray tracer's
//! relevance floors, which leave out what cannot matter, against the same
//! trace with every path.

use wifiplan::geometry::Point3;
use wifiplan::propagation::engine;
use wifiplan::propagation::multiwall::brute_force_loss;
use wifiplan::propagation::{ApField, MultiWall, PropagationModel, RayTrace};
use wifiplan::scene::{AccessPoint, Scene};
use wifiplan::synthetic::{school, SchoolSpec};

use crate::util::scene_from_toml;

#[test]
fn the_multiwall_grid_equals_the_every_wall_rule_on_a_generated_school() {
    let spec = SchoolSpec { storeys: 2, rooms_per_row: 3, ..SchoolSpec::default() };
    let scene = scene_from_toml(&wifiplan::floorplan::to_toml(&school(&spec)).expect("serialises"));
    let coverage = engine::simulate(&scene, &MultiWall, scene.settings.resolution, &|_, _| {}).expect("simulates");
    let mut differences = Vec::new();
    for floor in &coverage.floors {
        let grid = &floor.rssi.grid;
        let z = scene.floors[floor.floor].elevation + scene.settings.receiver_height;
        for (index, ap) in scene.aps.iter().enumerate() {
            // Every 13th cell (coprime with the row length: all columns).
            for cell in (0..grid.len()).step_by(13) {
                let (column, row) = (cell % grid.width, cell / grid.width);
                let fast = floor.per_ap[index].get(column, row) as f64;
                if !fast.is_finite() {
                    continue; // inside a wall
                }
                let p = grid.cell_centre(column, row);
                let exact = ap.eirp_dbm() - brute_force_loss(&scene, ap, Point3::new(p.x, p.y, z)).value();
                // Under the relevance floor the engine may stop early (the
                // AP cannot matter there): it must still be no stronger.
                if fast < exact - 1e-3 {
                    assert!(exact < -95.0, "cell {p:?}, AP {}: {fast:.2} vs {exact:.2} dBm", ap.id);
                    continue;
                }
                differences.push((fast - exact).abs());
            }
        }
    }
    differences.sort_by(f64::total_cmp);
    let median = differences[differences.len() / 2];
    let worst = differences[differences.len() - 1];
    println!("{} cell·AP pairs: median |difference| {median:.4} dB, worst {worst:.4} dB", differences.len());
    assert!(differences.len() > 10_000, "only {} pairs compared", differences.len());
    assert!(median <= 0.01, "median difference {median:.3} dB");
    assert!(worst <= 0.5, "worst difference {worst:.3} dB");
}

/// The ray tracer with every relevance floor switched off: every path
/// above the absolute cutoff counts, for every AP in every cell.
struct EveryPath(RayTrace);

impl PropagationModel for EveryPath {
    fn name(&self) -> &'static str {
        "raytrace, every path"
    }

    fn field<'a>(&'a self, scene: &'a Scene, ap: &'a AccessPoint, floor: usize) -> Box<dyn ApField + 'a> {
        self.0.field(scene, ap, floor)
    }
}

#[test]
fn the_relevance_floors_leave_the_best_server_and_its_sinr_as_every_path_gives_them() {
    // Twelve APs on four channels: every AP has co-channel interferers.
    let spec = SchoolSpec { storeys: 1, rooms_per_row: 6, ..SchoolSpec::default() };
    let scene = scene_from_toml(&wifiplan::floorplan::to_toml(&school(&spec)).expect("serialises"));
    let resolution = 0.5;
    let floored = engine::simulate(&scene, &RayTrace::default(), resolution, &|_, _| {}).expect("simulates");
    let exact = engine::simulate(&scene, &EveryPath(RayTrace::default()), resolution, &|_, _| {}).expect("simulates");
    let (floored, exact) = (&floored.floors[0], &exact.floors[0]);
    let (mut rssi, mut sinr, mut cells, mut flips) = (Vec::new(), Vec::new(), 0, 0);
    for i in (0..exact.rssi.values.len()).filter(|&i| !exact.mask.in_wall[i]) {
        cells += 1;
        if floored.server[i] != exact.server[i] {
            flips += 1;
            continue;
        }
        rssi.push((floored.rssi.values[i] - exact.rssi.values[i]).abs());
        sinr.push((floored.sinr.values[i] - exact.sinr.values[i]).abs());
    }
    let quantile = |v: &mut Vec<f32>, q: f64| {
        v.sort_by(f32::total_cmp);
        v[((v.len() - 1) as f64 * q) as usize]
    };
    let (rssi_max, sinr_p99, sinr_max) =
        (quantile(&mut rssi, 1.0), quantile(&mut sinr, 0.99), quantile(&mut sinr, 1.0));
    println!("{cells} cells: RSSI worst {rssi_max:.4} dB, SINR p99 {sinr_p99:.3} dB, worst {sinr_max:.3} dB, {flips} server changes");
    assert!(cells > 2_000, "only {cells} cells");
    assert!(rssi_max <= 0.01, "RSSI moved by {rssi_max} dB");
    assert!(sinr_p99 <= 0.15 && sinr_max <= 0.5, "SINR p99 {sinr_p99} dB, worst {sinr_max} dB");
    assert!(flips * 1000 <= cells, "{flips} server changes in {cells} cells");
}

#[test]
fn an_interferer_is_traced_down_to_the_margin_under_noise_plus_known_interference() {
    // A and B share channel 36; C is on channel 40. At the receiver A is
    // the only likely server (B and C are more than 10 dB weaker).
    let mut scene = scene_from_toml(&crate::util::reference::open_scene(
        "",
        "[[aps]]\nid = \"A\"\nposition = [0.0, 0.0]\nband = \"5\"\nchannel = 36\n\
         [[aps]]\nid = \"B\"\nposition = [5.0, 0.0]\nband = \"5\"\nchannel = 36\n\
         [[aps]]\nid = \"C\"\nposition = [9.0, 0.0]\nband = \"5\"\nchannel = 40\n",
    ));
    scene.settings.noise_floor_dbm = -95.0;
    let relevance = engine::Relevance::new(&scene);
    let mut floors = [0.0f32; 3];
    relevance.floors_at(&[-50.0, -80.0, -70.0], &mut floors);
    // A: its own paths to 60 dB under the strongest.
    assert!((floors[0] - -110.0).abs() < 1e-4, "{floors:?}");
    // B: 30 dB under A's noise plus B's known interference.
    let known = 10.0 * (10f64.powf(-9.5) + 10f64.powf(-8.0)).log10() - 30.0;
    assert!((floors[1] as f64 - known).abs() < 1e-3, "{floors:?} vs {known}");
    // C: neither a likely server nor an interferer of one: 40 dB under.
    assert!((floors[2] - -90.0).abs() < 1e-4, "{floors:?}");
    // Nothing reaches: no floor.
    relevance.floors_at(&[f32::NEG_INFINITY; 3], &mut floors);
    assert!(floors.iter().all(|f| *f == f32::NEG_INFINITY));
}

#[test]
fn one_more_ap_reuses_the_others_maps_and_gives_the_whole_simulation() {
    let spec = SchoolSpec { storeys: 2, rooms_per_row: 3, ..SchoolSpec::default() };
    let scene = scene_from_toml(&wifiplan::floorplan::to_toml(&school(&spec)).expect("serialises"));
    let resolution = 0.5;
    let mut fewer = scene.clone();
    fewer.aps.pop();
    let previous = engine::simulate(&fewer, &MultiWall, resolution, &|_, _| {}).expect("simulates");
    let whole = engine::simulate(&scene, &MultiWall, resolution, &|_, _| {}).expect("simulates");
    let reused = engine::simulate_one_more(&scene, &MultiWall, resolution, &previous).expect("simulates");
    for (a, b) in whole.floors.iter().zip(&reused.floors) {
        let bits =
            |m: &wifiplan::propagation::grid::CoverageMap| m.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a.rssi), bits(&b.rssi));
        assert_eq!(bits(&a.sinr), bits(&b.sinr));
        assert_eq!(a.server, b.server);
        assert_eq!(a.per_ap.len(), b.per_ap.len());
    }
}
