//! The one integration test binary (compiled once; see Cargo.toml).

/// Helpers: run the binary, temporary directories, plan fixtures.
mod util;

/// Antenna patterns: a held-out directional MSI file aimed east gives
/// P_tx + G − attenuation − Friis at every probe, with both models;
/// malformed pattern files are located; `wifiplan antennas`.
mod antennas;
/// Dependencies point one way: no cycle among the crate's modules, nor
/// among the files of each top-level module (read from `src/`).
mod architecture;
/// Every broken plan in tests/data/bad/ gives exit 2 and a located message.
mod bad_plans;
/// `calibrate`: a held-out check of a misguessed wall fitted to a noisy
/// survey, the CLI end to end, bad surveys, thread-count independence.
mod calibrate;
/// `check`: a verdict per room, exit codes, overrides, JUnit XML that parses.
mod check;
/// Plan fixtures for the CI commands (three rooms, one dead).
mod ci_plans;
/// Exit codes, error and hint text, output files, JSON report shape.
mod cli;
/// `compare`: regressions, improvements, zero deltas, what the plans share.
mod compare;
/// Diffraction and scattering: knife edge, shadow boundary, reciprocity,
/// no cliffs behind a doorway.
mod diffraction;
/// Extreme numbers (huge, tiny, non-finite) through parse, validate and
/// both models: errors, never panics (proptest).
mod extremes;
/// `report.html`: opened in headless Chromium (skipped without it outside
/// CI), no script error, every storey and room, hovered values equal the
/// grids; no network reference in any page.
mod html;
/// `import`: sample SVG/DXF drawings give the known walls, the plans
/// validate and simulate, bad drawings exit 2 naming the file.
mod import;
/// Many plans at once: directories, summaries, combined exit codes, shards.
mod many;
/// Mistakes that used to pass silently: no APs, schema errors one at a
/// time, CSVs and drawings given as plans, `validate DIR` and its JSON.
mod mistakes;
/// Closed-form physics: Friis, slab losses through the engine, symmetry,
/// monotonicity, and the field experience on the two lycée plans.
mod physics;
/// `plan`: known optima, bounds, planned files, determinism, the lycées.
mod plan;
/// The ray tracer: two-ray, slab transmission, corridor, monotonicity,
/// and agreement with a brute-force image method.
mod raytrace;
/// No input panics: example plans mutated line by line.
mod robustness;
/// The building-scale multiwall engine equals its every-wall definition.
mod scale;
/// Verdicts a planner can trust: country rules, one requirement with SINR
/// and capacity, each AP's reason, the hall of issue 15, per-band maps.
mod verdicts;
