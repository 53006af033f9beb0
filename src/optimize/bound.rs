//! A lower bound on the AP count: an LP relaxation of the covering
//! problem, solved with `good_lp` over the pure-Rust `microlp` simplex.
//!
//! Variables: `x_j ∈ [0, 1]` per candidate (fixed APs at 1). Two families
//! of constraints, each implied by any AP set that meets the requirement,
//! so the LP optimum is at most the best count and `⌈LP⌉` is a lower bound:
//!
//! * **Room totals.** A room needs `need_r` covered cells and a cell is
//!   covered by at least `k` chosen APs (k = 1, or 2 for secondary
//!   coverage), so `Σ_j a_rj·x_j ≥ k·need_r`, where `a_rj` is the number of
//!   the room's cells candidate `j` covers.
//! * **Hardest cells.** Of any subset `H_r` of a room's cells, at least
//!   `need_r − (cells_r − |H_r|)` must be covered. `H_r` is the room's
//!   cells with the fewest covering candidates (far corners, cells behind
//!   thick walls), as many as fit in [`NON_ZEROS_PER_ROOM`]. Cells with the same covering set are one
//!   variable `y_g ∈ [0, w_g]` with `k·y_g ≤ w_g·Σ_{j covers g} x_j`.
//!
//! * **Capacity.** Each room's clients are split over the candidates that
//!   cover some of its cells, `Σ_j f_rj = clients_r`, with `f_rj ≤
//!   clients_r·x_j` and `Σ_r f_rj ≤ limit·x_j` per candidate: the room-level
//!   relaxation of the assignment the search solves per cell
//!   ([`crate::capacity`]). A hall of 90 clients at 30 per AP gets a bound
//!   of 3 whatever the coverage says.
//!
//! The full cell-by-cell LP is a little tighter but, on a plan where every
//! candidate covers most of a storey, has millions of non-zeros and takes
//! minutes; this one takes well under a second. The bound holds over this
//! candidate set and grid (not over every point of the building: the
//! candidates are a discretisation, which the report says).

use std::collections::HashMap;

use good_lp::{constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel};

use super::matrix::CoverageMatrix;
use crate::units::Real;

/// What the relaxation says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// The LP optimum, and its ceiling: a lower bound on the AP count.
    Value {
        /// LP optimum.
        relaxation: Real,
        /// ⌈relaxation⌉.
        lower_bound: usize,
    },
    /// Even every candidate together cannot meet the requirement.
    Infeasible,
    /// The solver failed (reported, never guessed).
    Unavailable,
}

/// Solves the relaxation.
pub fn lower_bound(matrix: &CoverageMatrix, coverage_depth: u8, max_clients_per_ap: u32) -> Bound {
    let k = coverage_depth as f64;
    // Which columns cover each cell.
    let mut covering: Vec<Vec<u32>> = vec![Vec::new(); matrix.cells.len()];
    for (j, column) in matrix.columns.iter().enumerate() {
        for &(cell, _) in column {
            covering[cell as usize].push(j as u32);
        }
    }
    let mut cells_of: Vec<Vec<usize>> = vec![Vec::new(); matrix.requirements.len()];
    for (index, cell) in matrix.cells.iter().enumerate() {
        cells_of[cell.requirement].push(index);
    }

    let mut vars = ProblemVariables::new();
    let x: Vec<_> = (0..matrix.len())
        .map(|j| vars.add(if j < matrix.fixed { variable().min(1.0).max(1.0) } else { variable().min(0.0).max(1.0) }))
        .collect();
    let objective: Expression = x.iter().copied().sum();

    // Hardest cells per room, grouped by (room, covering set), taken while
    // the room's groups stay within the non-zero budget.
    let mut groups: Vec<(usize, &[u32], usize)> = Vec::new();
    let mut group_of: HashMap<(usize, &[u32]), usize> = HashMap::new();
    let mut hard_need = vec![0usize; matrix.requirements.len()];
    for (r, requirement) in matrix.requirements.iter().enumerate() {
        if requirement.need == 0 {
            continue;
        }
        let mut cells = cells_of[r].clone();
        cells.sort_by_key(|&c| (covering[c].len(), c));
        let first_group = groups.len();
        let mut non_zeros = 0;
        let mut kept = 0;
        for &c in &cells {
            let key = (r, covering[c].as_slice());
            match group_of.get(&key) {
                Some(&g) => groups[g].2 += 1,
                None => {
                    if non_zeros + covering[c].len() > NON_ZEROS_PER_ROOM {
                        break;
                    }
                    non_zeros += covering[c].len() + 1;
                    group_of.insert(key, groups.len());
                    groups.push((r, covering[c].as_slice(), 1));
                }
            }
            kept += 1;
        }
        let dropped = cells.len() - kept;
        if requirement.need > dropped {
            hard_need[r] = requirement.need - dropped;
        } else {
            // The kept cells constrain nothing: drop their groups.
            for (_, list, _) in groups.drain(first_group..) {
                group_of.remove(&(r, list));
            }
        }
    }
    let y: Vec<_> = groups.iter().map(|&(_, _, w)| vars.add(variable().min(0.0).max(w as f64))).collect();
    // Flow variables: clients of room r served by candidate j, for every
    // candidate that covers a cell of a room with clients to cover.
    let flow_vars: Vec<Vec<(usize, good_lp::Variable)>> = matrix
        .requirements
        .iter()
        .enumerate()
        .map(|(r, requirement)| {
            if requirement.clients == 0 || requirement.need == 0 {
                return Vec::new();
            }
            let mut reaching: Vec<usize> =
                cells_of[r].iter().flat_map(|&c| covering[c].iter().map(|&j| j as usize)).collect();
            reaching.sort_unstable();
            reaching.dedup();
            reaching.into_iter().map(|j| (j, vars.add(variable().min(0.0).max(requirement.clients as f64)))).collect()
        })
        .collect();

    let mut problem = vars.minimise(objective.clone()).using(microlp);
    for (g, &(_, list, w)) in groups.iter().enumerate() {
        let supply: Expression = list.iter().map(|&j| x[j as usize]).sum();
        problem.add_constraint(constraint!(k * y[g] <= w as f64 * supply));
    }
    for (r, requirement) in matrix.requirements.iter().enumerate() {
        if requirement.need == 0 {
            continue;
        }
        if hard_need[r] > 0 {
            let covered: Expression = groups.iter().enumerate().filter(|(_, g)| g.0 == r).map(|(g, _)| y[g]).sum();
            problem.add_constraint(constraint!(covered >= hard_need[r] as f64));
        }
        let mut per_column = vec![0usize; matrix.len()];
        for &c in &cells_of[r] {
            for &j in &covering[c] {
                per_column[j as usize] += 1;
            }
        }
        let total: Expression =
            per_column.iter().enumerate().filter(|(_, &a)| a > 0).map(|(j, &a)| a as f64 * x[j]).sum();
        problem.add_constraint(constraint!(total >= k * requirement.need as f64));
    }
    // Capacity: each room's clients are served by candidates that cover
    // some of its cells, none above the limit (the room-level relaxation of
    // the assignment the search solves exactly per cell).
    let limit = max_clients_per_ap.max(1) as f64;
    let mut load: Vec<Expression> = vec![Expression::from(0.0); matrix.len()];
    let mut any_flow = false;
    for (flows, requirement) in flow_vars.iter().zip(&matrix.requirements) {
        if flows.is_empty() {
            continue;
        }
        let clients = requirement.clients as f64;
        let served: Expression = flows.iter().map(|&(_, f)| f).sum();
        problem.add_constraint(constraint!(served == clients));
        for &(j, f) in flows {
            problem.add_constraint(constraint!(f <= clients * x[j]));
            load[j] += f;
            any_flow = true;
        }
    }
    if any_flow {
        for (j, l) in load.into_iter().enumerate() {
            if flow_vars.iter().any(|flows| flows.iter().any(|&(k, _)| k == j)) {
                problem.add_constraint(constraint!(l <= limit * x[j]));
            }
        }
    }
    let clients: u64 = matrix.total_clients();
    if clients > 0 {
        let needed = clients.div_ceil(max_clients_per_ap.max(1) as u64) as f64;
        problem.add_constraint(constraint!(objective.clone() >= needed));
    }
    match problem.solve() {
        Ok(solution) => {
            let relaxation = solution.eval(&objective);
            Bound::Value { relaxation, lower_bound: (relaxation - 1e-6).ceil().max(0.0) as usize }
        }
        Err(good_lp::ResolutionError::Infeasible) => Bound::Infeasible,
        Err(_) => Bound::Unavailable,
    }
}

/// Non-zeros per room in the hardest-cells constraints. Where walls confine
/// each candidate to its room, cells share few covering sets and every cell
/// fits (the LP is then the full cell-by-cell relaxation); where every
/// candidate covers whole storeys, the budget keeps the LP to a second or
/// two of simplex.
pub const NON_ZEROS_PER_ROOM: usize = 20_000;
