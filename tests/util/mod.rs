pub mod reference;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wifiplan::floorplan::{self, PlanFormat};
use wifiplan::scene::Scene;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `floorplans/`.
pub fn example(name: &str) -> PathBuf {
    root().join("floorplans").join(name)
}

/// Runs the `wifiplan` binary with `args`.
pub fn wifiplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wifiplan")).args(args).output().expect("the wifiplan binary runs")
}

/// Stdout and stderr of a run, for assertion messages.
pub fn transcript(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Builds a scene from plan text (TOML), panicking with the located
/// problems if it does not validate.
pub fn scene_from_toml(text: &str) -> Scene {
    let source = floorplan::parse_str("test.toml", text, PlanFormat::Toml).unwrap_or_else(|e| panic!("{e}"));
    let materials = floorplan::validate::validate(&source)
        .unwrap_or_else(|problems| panic!("{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")));
    Scene::build(&source, materials)
}

/// Reads a file under `floorplans/`.
pub fn example_text(name: &str) -> String {
    std::fs::read_to_string(example(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
}

/// A fresh temporary directory.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Whether `path` exists and is a non-empty file.
pub fn non_empty(path: &Path) -> bool {
    std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false)
}
