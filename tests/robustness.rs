//! No input makes the program panic: the example plans, mutated line by
//! line (deleted, duplicated, numbers replaced by odd values), go through
//! parsing, validation and, when valid, a coarse simulation; every outcome
//! must be a result, never a panic.

use wifiplan::floorplan::{self, PlanFormat};
use wifiplan::propagation::{engine, MultiWall, RayTrace};
use wifiplan::scene::Scene;

use crate::util::example_text;

const ODD_NUMBERS: [&str; 6] = ["0", "-1", "1e9", "nan", "-0.0", "1e-12"];

/// Mutations of `text`, deterministic: each line deleted, each line
/// duplicated, and in each line the first number replaced by odd values.
fn mutations(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for i in 0..lines.len() {
        let mut deleted = lines.clone();
        deleted.remove(i);
        out.push(deleted.join("\n"));
        let mut doubled = lines.clone();
        doubled.insert(i, lines[i]);
        out.push(doubled.join("\n"));
        if let Some(start) = lines[i].find(|c: char| c.is_ascii_digit()) {
            let end = lines[i][start..]
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .map_or(lines[i].len(), |e| start + e);
            for odd in ODD_NUMBERS {
                let mut changed = lines.clone();
                let line = format!("{}{}{}", &lines[i][..start], odd, &lines[i][end..]);
                changed[i] = &line;
                out.push(changed.join("\n"));
            }
        }
    }
    out
}

fn run(text: &str) {
    let Ok(source) = floorplan::parse_str("fuzz.toml", text, PlanFormat::Toml) else { return };
    let Ok(materials) = floorplan::validate::validate(&source) else { return };
    let scene = Scene::build(&source, materials);
    // A coarse grid keeps this fast; an oversized grid is a usage error.
    let _ = engine::simulate(&scene, &MultiWall, 1.0, &|_, _| {});
    let _ = engine::simulate(&scene, &RayTrace::with_reflections(1), 2.0, &|_, _| {});
}

#[test]
fn mutated_plans_never_panic() {
    let mut tried = 0;
    for name in ["single_room.toml", "wall_between_points.toml", "office_small.toml"] {
        for mutated in mutations(&example_text(name)) {
            let outcome = std::panic::catch_unwind(|| run(&mutated));
            assert!(outcome.is_ok(), "{name}: this mutation panicked:\n{mutated}");
            tried += 1;
        }
    }
    assert!(tried > 500, "only {tried} mutations");
}
