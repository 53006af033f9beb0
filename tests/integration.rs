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
