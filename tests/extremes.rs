//! Extreme numbers never panic: generated plans whose every number may be
//! huge, tiny, negative, zero, infinite or NaN go through parsing,
//! validation and, when valid, both models at a coarse resolution. Every
//! outcome must be a result (an error is fine), never a panic.
//!
//! This is the stable-toolchain twin of the fuzz target in `fuzz/`:
//! proptest explores the numbers, the fuzzer the syntax.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use wifiplan::floorplan::{self, PlanFormat};
use wifiplan::propagation::{engine, MultiWall, RayTrace};
use wifiplan::scene::Scene;

/// Numbers at and past every edge: the limits of `f64`, the validation
/// ranges and their neighbours, signs, zeros and non-finite values (TOML
/// spells them `nan` and `inf`).
const EXTREMES: [&str; 24] = [
    "0",
    "-0.0",
    "1e-300",
    "-1e-300",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "nan",
    "inf",
    "-inf",
    "1e9",
    "-1e9",
    "10000",
    "-10000",
    "10000.001",
    "9999.999",
    "-500",
    "-500.001",
    "4.999",
    "5.0",
    "5.001",
    "0.01",
    "0.0099",
    "1e-12",
];

/// Unsigned integer fields: zero, one, the edges of `u32` and of the
/// validation ranges.
const COUNTS: [&str; 6] = ["0", "1", "4294967295", "4294967296", "-1", "10001"];

/// Every number of the plan template with its typical value; `true` marks
/// an unsigned integer.
const FIELDS: [(&str, &str, bool); 39] = [
    ("resolution", "0.5", false),
    ("receiver", "1.0", false),
    ("ap_height", "2.6", false),
    ("threshold", "-67", false),
    ("target", "95", false),
    ("noise", "-95", false),
    ("power", "20", false),
    ("gain", "0", false),
    ("width", "20", true),
    ("permittivity", "4.0", false),
    ("conductivity", "0.02", false),
    ("elevation", "0.0", false),
    ("height", "3.0", false),
    ("slab", "0.3", false),
    ("vault", "1.0", false),
    ("elevation2", "3.5", false),
    ("slab2", "0.25", false),
    ("x0", "0", false),
    ("x1", "12", false),
    ("y1", "8", false),
    ("xm", "6", false),
    ("thickness", "0.2", false),
    ("wall_height", "2.5", false),
    ("o0", "3", false),
    ("o1", "4", false),
    ("leaf", "0.04", false),
    ("bottom", "0.9", false),
    ("top", "2.2", false),
    ("r0", "0.2", false),
    ("r1", "5.8", false),
    ("r2", "7.8", false),
    ("room_threshold", "-70", false),
    ("room_target", "90", false),
    ("clients", "30", true),
    ("ax", "3", false),
    ("ay", "4", false),
    ("a_height", "2.5", false),
    ("a_power", "18", false),
    ("ax2", "9", false),
];

/// The plan template: a two-storey plan with a shell, a partition with a
/// door and a window, two rooms (one excluded), a vault, candidates and
/// two APs; `{name}` stands for each number of [`FIELDS`].
const TEMPLATE: &str = r#"format = 1
name = "extremes"

[defaults]
resolution = {resolution}
receiver_height = {receiver}
ap_height = {ap_height}
threshold_dbm = {threshold}
target_coverage = {target}
noise_floor_dbm = {noise}
tx_power_dbm = {power}
antenna_gain_dbi = {gain}
channel_width = {width}

[materials.odd]
permittivity = [{permittivity}, 0.0]
conductivity = [{conductivity}, 0.0]

[[floors]]
id = "f0"
elevation = {elevation}
height = {height}
slab = { material = "concrete", thickness = {slab} }
ceiling = { vault = {vault} }

[[floors.walls]]
id = "shell"
points = [[{x0}, 0], [{x1}, 0], [{x1}, {y1}], [{x0}, {y1}], [{x0}, 0]]
material = "brick"
thickness = {thickness}

[[floors.walls]]
id = "mid"
points = [[{xm}, 0], [{xm}, {y1}]]
material = "odd"
thickness = 0.1
height = {wall_height}

[[floors.openings]]
wall = "mid"
at = [[{xm}, {o0}], [{xm}, {o1}]]
kind = "door"
thickness = {leaf}

[[floors.openings]]
wall = "shell"
at = [[{o0}, 0], [{o1}, 0]]
kind = "window"
bottom = {bottom}
top = {top}

[[floors.rooms]]
name = "East"
polygon = [[6.2, 0.2], [11.8, 0.2], [11.8, 7.8], [6.2, 7.8]]
exclude = true

[[floors.rooms]]
name = "West"
polygon = [[{r0}, {r0}], [{r1}, {r0}], [{r1}, {r2}], [{r0}, {r2}]]
threshold_dbm = {room_threshold}
target_coverage = {room_target}
clients = {clients}

[[floors.candidates]]
points = [[{ax}, {ay}], [9, 4]]

[[floors]]
id = "f1"
elevation = {elevation2}
height = 3.0
slab = { material = "concrete", thickness = {slab2} }

[[floors.walls]]
points = [[0, 0], [12, 0], [12, 8]]
material = "concrete"
thickness = 0.3

[[aps]]
id = "AP1"
floor = "f0"
position = [{ax}, {ay}]
height = {a_height}
channel = 36
tx_power_dbm = {a_power}

[[aps]]
id = "AP2"
floor = "f1"
position = [{ax2}, 4.0]
"#;

/// Factors applied to a typical value: zero, far smaller, far larger, the
/// other sign. Most give values that are valid but unusual, so the
/// engines see them.
const SCALES: [f64; 10] = [0.0, 1e-9, 1e-3, 0.5, 2.0, 10.0, 100.0, 1e3, 1e6, -1.0];

/// The template with every field typical but one to three, which take an
/// extreme value, a typical one scaled by one of [`SCALES`], or any
/// number within ±10⁵.
fn plan() -> impl Strategy<Value = String> {
    let replacement = (0..FIELDS.len(), any::<prop::sample::Index>(), -1e5f64..1e5, 0..4u8);
    prop::collection::vec(replacement, 1..=3).prop_map(|changes| {
        let mut values: Vec<String> = FIELDS.iter().map(|(_, typical, _)| (*typical).to_owned()).collect();
        for (field, pick, random, kind) in changes {
            let (_, typical, unsigned) = FIELDS[field];
            values[field] = match (unsigned, kind) {
                (true, _) => pick.get(&COUNTS).to_string(),
                (false, 0) => format!("{random:?}"),
                (false, 1) => pick.get(&EXTREMES).to_string(),
                (false, _) => format!("{:?}", typical.parse::<f64>().unwrap_or(1.0) * pick.get(&SCALES)),
            };
        }
        FIELDS
            .iter()
            .zip(values)
            .fold(TEMPLATE.to_owned(), |text, ((name, _, _), value)| text.replace(&format!("{{{name}}}"), &value))
    })
}

/// Parses, validates and, if valid, simulates with both models at a
/// resolution coarse enough for about 2,000 cells per storey; returns
/// whether the plan was valid.
fn run(text: &str) -> bool {
    let Ok(source) = floorplan::parse_str("extremes.toml", text, PlanFormat::Toml) else { return false };
    let Ok(materials) = floorplan::validate::validate(&source) else { return false };
    let scene = Scene::build(&source, materials);
    let area = scene.floors.iter().map(|f| f.bounds.extent().x * f.bounds.extent().y).fold(1.0, f64::max);
    let resolution = (area / 2000.0).sqrt().max(0.5);
    let _ = engine::simulate(&scene, &MultiWall, resolution, &|_, _| {});
    let raytrace = RayTrace { max_reflections: 1, ..RayTrace::default() };
    let _ = engine::simulate(&scene, &raytrace, resolution, &|_, _| {});
    true
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn extreme_numbers_never_panic(text in plan()) {
        run(&text);
    }
}

/// The template itself is valid, and a good share of the generated plans
/// reach the engines (a generator that only fed the validator would test
/// nothing downstream).
#[test]
fn the_generator_reaches_the_engines() {
    let typical =
        FIELDS.iter().fold(TEMPLATE.to_owned(), |text, (name, value, _)| text.replace(&format!("{{{name}}}"), value));
    assert!(run(&typical), "the template with typical values must validate:\n{typical}");
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut simulated, total) = (0, 200);
    for _ in 0..total {
        let text = plan().new_tree(&mut runner).unwrap().current();
        simulated += usize::from(run(&text));
    }
    assert!(simulated * 10 >= total, "only {simulated} of {total} generated plans were valid");
}

/// The numbers that once panicked, and their neighbours at the range
/// edges, are located errors.
#[test]
fn the_elevation_that_panicked_is_a_located_error() {
    for elevation in ["1e308", "-1e308", "10000.5", "-500.5"] {
        let text = format!(
            "format = 1\n[[floors]]\nid = \"a\"\nelevation = {elevation}\n[[floors.walls]]\npoints = [[0, 0], [5, 0], [5, 5], [0, 5], [0, 0]]\nmaterial = \"brick\"\nthickness = 0.2\n[[aps]]\nid = \"x\"\nposition = [2, 2]\n"
        );
        let source = floorplan::parse_str("e.toml", &text, PlanFormat::Toml).unwrap();
        let problems = floorplan::validate::validate(&source).expect_err(elevation);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].column), (4, 13), "{problems:?}");
        assert!(problems[0].message.contains("elevation") && problems[0].hint.is_some(), "{problems:?}");
    }
    // The edges themselves are valid, and simulate.
    for elevation in ["10000", "-500"] {
        let text = format!(
            "format = 1\n[[floors]]\nid = \"a\"\nelevation = {elevation}\n[[floors.walls]]\npoints = [[0, 0], [5, 0], [5, 5], [0, 5], [0, 0]]\nmaterial = \"brick\"\nthickness = 0.2\n[[aps]]\nid = \"x\"\nposition = [2, 2]\n"
        );
        run(&text);
        let source = floorplan::parse_str("e.toml", &text, PlanFormat::Toml).unwrap();
        assert!(floorplan::validate::validate(&source).is_ok(), "{elevation}");
    }
}
