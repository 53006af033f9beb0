//! The one integration test binary (compiled once; see Cargo.toml).

/// Helpers: run the binary, temporary directories, plan fixtures.
mod util;

/// Every broken plan in tests/data/bad/ gives exit 2 and a located message.
mod bad_plans;
/// Exit codes, error and hint text, output files, JSON report shape.
mod cli;
/// Closed-form physics: Friis, slab losses through the engine, symmetry,
/// monotonicity, and the field experience on the two lycée plans.
mod physics;
/// The ray tracer: two-ray, slab transmission, corridor, monotonicity,
/// and agreement with a brute-force image method.
mod raytrace;
