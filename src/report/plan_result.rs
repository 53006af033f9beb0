//! The `result` block of a `plan` run's report: the AP count, the lower
//! bound that says how close to optimal it is, and how the search went.
//! [`crate::optimize`] fills it; it lives with the report it is part of.

use serde::Serialize;

use crate::units::Real;

/// The answer of `plan`: how many APs, how close to optimal, how they were
/// found.
#[derive(Clone, Debug, Serialize)]
pub struct PlanResult {
    /// APs in the plan (fixed ones included).
    pub ap_count: usize,
    /// ⌈LP relaxation⌉: no set of these candidates meets the requirement
    /// with fewer APs (null when the requirement cannot be met at all).
    pub lower_bound: Option<usize>,
    /// The LP relaxation's value.
    pub relaxation: Option<Real>,
    /// `ap_count == lower_bound`: proved optimal over these candidates.
    pub optimal: bool,
    /// The requirement is met by the chosen APs (multiwall, optimiser grid).
    pub requirement_met: bool,
    /// APs that were in the plan and kept.
    pub fixed_aps: usize,
    /// Candidate mounting points considered.
    pub candidates: usize,
    /// Search starts run.
    pub starts: usize,
    /// The search stopped at the time limit (the result may then depend on
    /// the machine's speed).
    pub time_limit_hit: bool,
    /// Co-channel overlap left after channel assignment, m² (area heard by
    /// two APs above −82 dBm on overlapping channels).
    pub cochannel_overlap_m2: Real,
    /// Seed used.
    pub seed: u64,
    /// New APs' e.i.r.p., dBm: the plan's power and gain, lowered to the
    /// highest limit among the channels allowed.
    pub eirp_dbm: Real,
    /// The channels new APs were given from, preferred first.
    pub channels: Vec<u32>,
    /// New APs needed for coverage (signal), for capacity (clients), and
    /// added for SINR.
    pub needed_for: NeededFor,
}

/// How many of the new APs each part of the requirement needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NeededFor {
    /// The fewest of them that meet coverage at the threshold on their own.
    pub coverage: usize,
    /// The others, without which some clients could not be placed.
    pub capacity: usize,
    /// Added after channel assignment to lift the SINR.
    pub sinr: usize,
}
