//! The building-scale engine against its brute-force definition: on a
//! generated school, the multiwall grid (shadow filters, certain-crossing
//! fast path, row scatter) gives the values of the rule that tests every
//! wall of the building for every cell and AP.

use wifiplan::geometry::Point3;
use wifiplan::propagation::engine;
use wifiplan::propagation::multiwall::brute_force_loss;
use wifiplan::propagation::MultiWall;
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
