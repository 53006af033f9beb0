//! Plan fixtures for the `compare`, `check` and many-plans tests: three
//! rooms in a row on one storey. West holds AP1; Middle is lit by AP1
//! through a 0.2 m brick wall; East sits behind 0.6 m of concrete and is
//! dead, and AP2 waits in a concrete closet beyond it, where it lights no
//! room. Small grids and the multiwall model keep every run well under a
//! second.

use std::path::{Path, PathBuf};

use crate::util::{transcript, wifiplan};

/// The base plan.
pub const BASE: &str = r#"format = 1
name = "CI fixture"

[defaults]
resolution = 0.5
band = "5"

[[floors]]
id = "f0"
height = 3.0

[[floors.walls]]
id = "shell"
points = [[0, 0], [20, 0], [20, 6], [0, 6], [0, 0]]
material = "concrete"
thickness = 0.2

[[floors.walls]]
id = "w1"
points = [[6, 0], [6, 6]]
material = "brick"
thickness = 0.2

[[floors.walls]]
id = "w2"
points = [[12, 0], [12, 6]]
material = "concrete"
thickness = 0.6

[[floors.walls]]
id = "closet"
points = [[18, 0], [18, 6]]
material = "concrete"
thickness = 0.6

[[floors.rooms]]
name = "West"
polygon = [[0.2, 0.2], [5.8, 0.2], [5.8, 5.8], [0.2, 5.8]]

[[floors.rooms]]
name = "Middle"
polygon = [[6.2, 0.2], [11.8, 0.2], [11.8, 5.8], [6.2, 5.8]]

[[floors.rooms]]
name = "East"
polygon = [[12.4, 0.2], [17.6, 0.2], [17.6, 5.8], [12.4, 5.8]]

[[aps]]
id = "AP1"
floor = "f0"
position = [3.0, 3.0]
channel = 36
tx_power_dbm = 20

[[aps]]
id = "AP2"
floor = "f0"
position = [19.0, 3.0]
channel = 44
tx_power_dbm = 20
"#;

/// `BASE` with one exact piece of text replaced (panics if it is absent,
/// so a fixture edit cannot silently stop changing anything).
pub fn variant(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "fixture text `{from}` not found");
    BASE.replacen(from, to, 1)
}

/// The brick wall between West and Middle made 1 m thick.
pub fn thicker_wall() -> String {
    variant("material = \"brick\"\nthickness = 0.2", "material = \"brick\"\nthickness = 1.0")
}

/// AP2 moved from its closet into the dead East room.
pub fn ap_in_dead_room() -> String {
    variant("position = [19.0, 3.0]", "position = [15.0, 3.0]")
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path
}

/// The fast model options used by every CI test.
pub const FAST: [&str; 4] = ["--model", "multiwall", "--resolution", "0.5"];

/// Runs wifiplan with `args` followed by [`FAST`]; returns the exit code,
/// stdout and the transcript for messages.
pub fn run_fast(args: &[&str]) -> (Option<i32>, String, String) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(FAST);
    let output = wifiplan(&all);
    (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned(), transcript(&output))
}

/// A path as a `&str` (the tests' temporary paths are UTF-8).
pub fn s(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}
