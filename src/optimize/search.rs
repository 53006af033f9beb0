//! The search for a small AP set: randomised greedy construction, then
//! local search (drop redundant APs, replace two APs by one), repeated from
//! several seeded starts; the best set found wins.
//!
//! Feasible means: every requirement has at least `need` cells covered
//! (by one AP, or by two with secondary coverage), and every client can be
//! placed on an AP that reaches the room's threshold where the client sits
//! with no AP above the client limit: an assignment (flow) problem solved
//! exactly by [`crate::capacity`], not "each cell to its strongest AP",
//! which would need a fourth AP where three can share a hall.

use std::time::Instant;

use rayon::prelude::*;

use super::matrix::CoverageMatrix;
use crate::capacity::{assign, balanced, Demand};
use crate::units::Real;

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014). Written out so that a seed gives the same
/// plan whatever version of a random-number crate is in use.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `[0, 1)`.
    pub fn next_unit(&mut self) -> Real {
        (self.next_u64() >> 11) as Real / (1u64 << 53) as Real
    }
}

/// What the search must respect.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    /// APs that must cover a cell for it to count (1, or 2 for secondary
    /// coverage).
    pub coverage_depth: u8,
    /// Client limit per AP.
    pub max_clients_per_ap: u32,
    /// Stop adding APs at this count (the requirement may then be unmet).
    pub max_aps: Option<usize>,
}

/// The coverage state of a set of selected columns.
#[derive(Clone, Debug)]
pub struct State<'a> {
    matrix: &'a CoverageMatrix,
    rules: Rules,
    /// Whether each column is selected.
    pub selected: Vec<bool>,
    depth: Vec<u8>,
    covered: Vec<usize>,
}

impl<'a> State<'a> {
    /// The state with only the fixed APs selected.
    pub fn new(matrix: &'a CoverageMatrix, rules: Rules) -> Self {
        let mut state = State {
            matrix,
            rules,
            selected: vec![false; matrix.len()],
            depth: vec![0; matrix.cells.len()],
            covered: vec![0; matrix.requirements.len()],
        };
        for j in 0..matrix.fixed {
            state.add(j);
        }
        state
    }

    /// Selects column `j`.
    pub fn add(&mut self, j: usize) {
        debug_assert!(!self.selected[j]);
        self.selected[j] = true;
        for &(cell, _) in &self.matrix.columns[j] {
            let depth = &mut self.depth[cell as usize];
            *depth = depth.saturating_add(1);
            if *depth == self.rules.coverage_depth {
                self.covered[self.matrix.cells[cell as usize].requirement] += 1;
            }
        }
    }

    /// Deselects column `j`.
    pub fn remove(&mut self, j: usize) {
        debug_assert!(self.selected[j]);
        self.selected[j] = false;
        for &(cell, _) in &self.matrix.columns[j] {
            let depth = &mut self.depth[cell as usize];
            if *depth == self.rules.coverage_depth {
                self.covered[self.matrix.cells[cell as usize].requirement] -= 1;
            }
            *depth -= 1;
        }
    }

    /// Cells still missing, summed over requirements.
    pub fn deficit(&self) -> usize {
        self.matrix.requirements.iter().zip(&self.covered).map(|(r, &c)| r.need.saturating_sub(c)).sum()
    }

    /// Cells still missing in requirement `r`.
    pub fn deficit_of(&self, r: usize) -> usize {
        self.matrix.requirements[r].need.saturating_sub(self.covered[r])
    }

    /// Share of requirement `r`'s cells covered, %.
    pub fn coverage_pct(&self, r: usize) -> Real {
        let cells = self.matrix.requirements[r].cells;
        if cells == 0 {
            100.0
        } else {
            100.0 * self.covered[r] as Real / cells as Real
        }
    }

    /// How much closer adding `j` brings the requirements: the cells it
    /// covers that still lack an AP of the depth (one step each), capped
    /// per requirement at its missing cells times the depth. With depth 1
    /// that is the missing cells it covers. Counting only cells one AP
    /// short, as before, gave every AP a gain of 0 on an empty plan with
    /// `--secondary`, and the greedy stopped at 0 APs. `scratch` is a
    /// zeroed buffer of one entry per requirement, left zeroed.
    pub fn gain(&self, j: usize, scratch: &mut [usize]) -> usize {
        let depth = self.rules.coverage_depth;
        let mut touched: Vec<usize> = Vec::new();
        for &(cell, _) in &self.matrix.columns[j] {
            if self.depth[cell as usize] < depth {
                let r = self.matrix.cells[cell as usize].requirement;
                if scratch[r] == 0 {
                    touched.push(r);
                }
                scratch[r] += 1;
            }
        }
        let mut gain = 0;
        for r in touched {
            gain += scratch[r].min(self.deficit_of(r) * depth as usize);
            scratch[r] = 0;
        }
        gain
    }

    /// Selected columns.
    pub fn chosen(&self) -> Vec<usize> {
        (0..self.selected.len()).filter(|&j| self.selected[j]).collect()
    }

    /// The capacity demands of the selection: per requirement with
    /// clients (and a coverage need), its covered cells grouped by the
    /// selected columns that cover them, each group carrying its share of
    /// the clients; with the cells of each group.
    fn demands(&self) -> (Vec<Demand>, Vec<Vec<u32>>) {
        let matrix = self.matrix;
        if matrix.total_clients() == 0 {
            return (Vec::new(), Vec::new());
        }
        // The selected columns covering each counted cell, as one flat
        // array (cell `c`'s are `members[start[c]..start[c + 1]]`, in
        // column order): this runs at every capacity check of the search,
        // so no vector per cell.
        let chosen = self.chosen();
        let mut start = vec![0u32; matrix.cells.len() + 1];
        for &j in &chosen {
            for &(cell, _) in &matrix.columns[j] {
                if self.counts_clients(cell) {
                    start[cell as usize + 1] += 1;
                }
            }
        }
        for c in 0..matrix.cells.len() {
            start[c + 1] += start[c];
        }
        let mut members = vec![0u32; start[matrix.cells.len()] as usize];
        let mut next = start.clone();
        for &j in &chosen {
            for &(cell, _) in &matrix.columns[j] {
                if self.counts_clients(cell) {
                    members[next[cell as usize] as usize] = j as u32;
                    next[cell as usize] += 1;
                }
            }
        }
        let list = |cell: u32| &members[start[cell as usize] as usize..start[cell as usize + 1] as usize];
        // Groups of cells with the same requirement and covering columns
        // (the key), in key order, each group's cells ascending.
        type Key<'k> = (usize, &'k [u32]);
        // PERF: foldhash, not SipHash: hashing the keys was a sixth of a
        // large plan's search (the map's order is never used).
        let mut index: foldhash::HashMap<Key, usize> = foldhash::HashMap::default();
        let mut groups: Vec<(Key, Vec<u32>)> = Vec::new();
        for cell in 0..matrix.cells.len() as u32 {
            let columns = list(cell);
            if columns.is_empty() {
                continue;
            }
            let key = (matrix.cells[cell as usize].requirement, columns);
            let group = *index.entry(key).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            });
            groups[group].1.push(cell);
        }
        groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut covered = vec![0usize; matrix.requirements.len()];
        for ((r, _), cells) in &groups {
            covered[*r] += cells.len();
        }
        let mut demands = Vec::with_capacity(groups.len());
        let mut cells_of = Vec::with_capacity(groups.len());
        for ((r, list), cells) in groups {
            let clients = matrix.requirements[r].clients as Real * cells.len() as Real / covered[r] as Real;
            demands.push(Demand { aps: list.iter().map(|&j| j as usize).collect(), clients });
            cells_of.push(cells);
        }
        (demands, cells_of)
    }

    /// Whether a cell's requirement has clients to place.
    fn counts_clients(&self, cell: u32) -> bool {
        let requirement = &self.matrix.requirements[self.matrix.cells[cell as usize].requirement];
        requirement.clients > 0 && requirement.need > 0
    }

    /// Whether the selection carries every client within the limit, and
    /// the cells where it cannot (the demands on the source side of a
    /// minimum cut: only more APs there help).
    pub fn capacity(&self) -> (bool, Vec<u32>) {
        let (demands, cells_of) = self.demands();
        if demands.is_empty() {
            return (true, Vec::new());
        }
        let assignment = assign(&demands, self.matrix.len(), self.rules.max_clients_per_ap as Real);
        let short = assignment.short.iter().flat_map(|&d| cells_of[d].iter().copied()).collect();
        (assignment.feasible, short)
    }

    /// Clients each selected AP serves, with the busiest as light as it can
    /// be ([`crate::capacity::balanced`]).
    pub fn loads(&self) -> Vec<(usize, Real)> {
        let (demands, _) = self.demands();
        let spread = balanced(&demands, self.matrix.len());
        self.chosen().into_iter().map(|j| (j, spread.load.get(j).copied().unwrap_or(0.0))).collect()
    }

    /// Coverage met and every client placed within the limit.
    pub fn feasible(&self) -> bool {
        let selected = self.selected.iter().filter(|&&s| s).count();
        self.deficit() == 0 && self.aps_can_carry_every_client(selected) && self.capacity().0
    }

    /// A necessary condition of [`State::capacity`], in O(1): `aps` APs
    /// can carry every client of the covered requirements together. With
    /// coverage met, every requirement that has clients is covered, so its
    /// clients are all to be placed; the search's drop and 2-for-1 moves
    /// fail here at once where capacity binds (a school of full
    /// classrooms) instead of solving a flow for every candidate.
    fn aps_can_carry_every_client(&self, aps: usize) -> bool {
        self.matrix.total_clients() <= aps as u64 * u64::from(self.rules.max_clients_per_ap)
    }
}

/// The result of the search.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchResult {
    /// Selected columns (fixed APs included).
    pub chosen: Vec<usize>,
    /// The selection meets every requirement.
    pub feasible: bool,
    /// Starts tried.
    pub starts: usize,
    /// The time limit cut the search short.
    pub time_limit_hit: bool,
}

/// Builds a feasible set by randomised greedy: at each step one of the
/// columns whose gain is within `greediness` of the best is taken at
/// random (GRASP, Feo & Resende 1995); `greediness = 0` is pure greedy
/// with ties to the lowest index.
fn construct<'a>(matrix: &'a CoverageMatrix, rules: Rules, rng: &mut SplitMix64, greediness: Real) -> State<'a> {
    let mut state = State::new(matrix, rules);
    let mut scratch = vec![0usize; matrix.requirements.len()];
    let strength: Vec<Real> = (0..matrix.len()).map(|j| matrix.strength(j)).collect();
    let under_limit = |state: &State| rules.max_aps.is_none_or(|m| state.chosen().len() < m);
    // Lazy greedy (Minoux 1978): a column's gain never grows as others are
    // added (cells only get deeper, deficits only shrink), so last step's
    // gain bounds this step's. Columns are evaluated in order of that
    // bound until no unevaluated one can reach the pool: the pool, and
    // so the plan, is the one evaluating every column would give.
    let mut bounds: Vec<(usize, usize)> = (matrix.fixed..matrix.len()).map(|j| (usize::MAX, j)).collect();
    while state.deficit() > 0 && under_limit(&state) {
        bounds.retain(|&(bound, j)| bound > 0 && !state.selected[j]);
        bounds.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut best = 0;
        let mut evaluated = 0;
        for entry in bounds.iter_mut() {
            let floor = (best as Real * (1.0 - greediness)).ceil() as usize;
            if entry.0 < floor.max(1) {
                break;
            }
            entry.0 = state.gain(entry.1, &mut scratch);
            best = best.max(entry.0);
            evaluated += 1;
        }
        if best == 0 {
            break;
        }
        let floor = (best as Real * (1.0 - greediness)).ceil() as usize;
        let mut pool: Vec<usize> =
            bounds[..evaluated].iter().filter(|&&(g, _)| g >= floor.max(1)).map(|&(_, j)| j).collect();
        pool.sort_unstable();
        let pick = if greediness > 0.0 {
            pool[(rng.next_u64() % pool.len() as u64) as usize]
        } else {
            // Among equal gains, the strongest mount: in a room walled off
            // by stone every point covers it, and the centre covers it best.
            *pool.iter().max_by(|&&a, &&b| strength[a].total_cmp(&strength[b]).then(b.cmp(&a))).unwrap_or(&pool[0])
        };
        state.add(pick);
    }
    // Capacity: while some clients cannot be placed, add the column that
    // covers most of the cells where APs are short (the strongest on ties,
    // as above).
    loop {
        if state.deficit() > 0 || !under_limit(&state) {
            break;
        }
        let (fits, short) = state.capacity();
        if fits {
            break;
        }
        let Some(relief) = best_relief(&state, &short, &strength) else { break };
        state.add(relief);
    }
    state
}

/// The unselected column that covers the most of the `short` cells.
fn best_relief(state: &State, short: &[u32], strength: &[Real]) -> Option<usize> {
    let matrix = state.matrix;
    let mut wanted = vec![false; matrix.cells.len()];
    for &cell in short {
        wanted[cell as usize] = true;
    }
    (matrix.fixed..matrix.len())
        .filter(|&j| !state.selected[j])
        .map(|j| (j, matrix.columns[j].iter().filter(|&&(c, _)| wanted[c as usize]).count()))
        .filter(|&(_, taken)| taken > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then(strength[a.0].total_cmp(&strength[b.0])).then(b.0.cmp(&a.0)))
        .map(|(j, _)| j)
}

/// Drops every AP whose removal keeps the set feasible, weakest first.
fn drop_redundant(state: &mut State) -> bool {
    let mut improved = false;
    let mut order: Vec<usize> = state.chosen().into_iter().filter(|&j| j >= state.matrix.fixed).collect();
    order.sort_by_key(|&j| (state.matrix.columns[j].len(), j));
    for j in order {
        state.remove(j);
        if state.feasible() {
            improved = true;
        } else {
            state.add(j);
        }
    }
    improved
}

/// Replaces two selected APs by one candidate when that stays feasible;
/// sets `cut` when the deadline stops it before every pair was tried.
fn two_for_one(state: &mut State, deadline: Instant, cut: &mut bool) -> bool {
    let matrix = state.matrix;
    // One AP fewer cannot carry every client: no move can be feasible, so
    // none is tried (a school of full classrooms, where capacity binds).
    let selected = state.selected.iter().filter(|&&s| s).count();
    if !state.aps_can_carry_every_client(selected.saturating_sub(1)) {
        return false;
    }
    let chosen: Vec<usize> = state.chosen().into_iter().filter(|&j| j >= matrix.fixed).collect();
    for (i, &a) in chosen.iter().enumerate() {
        for &b in &chosen[i + 1..] {
            if Instant::now() > deadline {
                *cut = true;
                return false;
            }
            let (pa, pb) = (matrix.aps[a].position, matrix.aps[b].position);
            // Only neighbours can be merged: one AP cannot cover cells as
            // far apart as two distant ones.
            if (pa - pb).norm() > 25.0 {
                continue;
            }
            state.remove(a);
            state.remove(b);
            let needed = state.deficit();
            let mut scratch = vec![0usize; matrix.requirements.len()];
            let replacement = (matrix.fixed..matrix.len()).find(|&c| {
                if state.selected[c] || c == a || c == b || state.gain(c, &mut scratch) < needed {
                    return false;
                }
                state.add(c);
                let ok = state.feasible();
                state.remove(c);
                ok
            });
            match replacement {
                Some(c) => {
                    state.add(c);
                    return true;
                }
                None => {
                    state.add(a);
                    state.add(b);
                }
            }
        }
    }
    false
}

/// Margin above threshold counted by [`quality`], dB. Margin is what keeps
/// a room covered when a door closes or a classroom fills (bodies absorb
/// 3–10 dB at 5 GHz); beyond 40 dB (only within a metre or two of an AP)
/// more signal makes no better plan. The cap must exceed the margin an AP
/// at a classroom's edge still leaves in its far corner (about 25 dB in a
/// 7 × 8 m room), or every position in the room would score the same.
const MARGIN_CAP_DB: f32 = 40.0;

/// How robustly a selection covers: over every covered cell, the best
/// server's margin above the threshold, capped at [`MARGIN_CAP_DB`]; with
/// the per-cell margins it sums.
fn quality(matrix: &CoverageMatrix, chosen: impl Iterator<Item = usize>) -> (Real, Vec<f32>) {
    let mut best = vec![0.0f32; matrix.cells.len()];
    for j in chosen {
        for &(cell, power) in &matrix.columns[j] {
            let margin = margin_at(matrix, cell, power);
            if margin > best[cell as usize] {
                best[cell as usize] = margin;
            }
        }
    }
    (best.iter().map(|&m| m as Real).sum(), best)
}

/// A cell's margin above its threshold with `power`, capped.
fn margin_at(matrix: &CoverageMatrix, cell: u32, power: f32) -> f32 {
    let threshold = matrix.requirements[matrix.cells[cell as usize].requirement].threshold_dbm as f32;
    (power - threshold).min(MARGIN_CAP_DB)
}

/// Moves each AP to the candidate that covers its area most robustly
/// (higher [`quality`]) while the set stays feasible: the search decides
/// how many APs, this decides where in their rooms they go (towards the
/// middle, away from walls). Candidates that share no cell with the AP are
/// not tried.
///
/// A candidate's quality depends only on the other APs, so every
/// candidate of an AP is scored at once (in parallel, from the others'
/// margins: what the candidate adds over them), then scanned in order as
/// one at a time would: the first that beats the best so far and keeps the
/// set feasible is taken. Only those are checked for feasibility. Returns
/// whether the deadline stopped it.
fn polish(state: &mut State, deadline: Instant) -> bool {
    let matrix = state.matrix;
    for j in state.chosen().into_iter().filter(|&j| j >= matrix.fixed) {
        if Instant::now() > deadline {
            return true;
        }
        let mut mine = vec![false; matrix.cells.len()];
        for &(cell, _) in &matrix.columns[j] {
            mine[cell as usize] = true;
        }
        let (others_quality, others) = quality(matrix, state.chosen().into_iter().filter(|&k| k != j));
        let with = |c: usize| -> Real {
            let added: Real = matrix.columns[c]
                .iter()
                .map(|&(cell, power)| (margin_at(matrix, cell, power) - others[cell as usize]).max(0.0) as Real)
                .sum();
            others_quality + added
        };
        let candidates: Vec<usize> = (matrix.fixed..matrix.len())
            .filter(|&c| {
                !state.selected[c]
                    && matrix.aps[c].floor == matrix.aps[j].floor
                    && matrix.columns[c].iter().any(|&(cell, _)| mine[cell as usize])
            })
            .collect();
        let scores: Vec<Real> = candidates.par_iter().map(|&c| with(c)).collect();
        let mut current = j;
        let mut best_quality = with(j);
        for (&c, &q) in candidates.iter().zip(&scores) {
            if q <= best_quality + 1e-9 {
                continue;
            }
            state.remove(current);
            state.add(c);
            if state.feasible() {
                best_quality = q;
                current = c;
            } else {
                state.remove(c);
                state.add(current);
            }
        }
    }
    false
}

/// Runs `starts` seeded starts (the first pure greedy) with local search,
/// within the time limit, and keeps the smallest feasible set (ties: the
/// earliest found).
pub fn search(
    matrix: &CoverageMatrix,
    rules: Rules,
    seed: u64,
    starts: usize,
    time_limit: std::time::Duration,
) -> SearchResult {
    let started = Instant::now();
    let deadline = started + time_limit;
    let mut rng = SplitMix64::new(seed);
    let mut time_limit_hit = false;
    // The starts are built in turn (they share the random stream, so each
    // start's draws do not depend on the thread count), then improved in
    // parallel: local search draws nothing.
    let mut states = Vec::with_capacity(starts.max(1));
    for start in 0..starts.max(1) {
        if start > 0 && Instant::now() > deadline {
            time_limit_hit = true;
            break;
        }
        let greediness = if start == 0 { 0.0 } else { 0.15 };
        states.push(construct(matrix, rules, &mut rng, greediness));
    }
    let tried = states.len();
    let searched: Vec<((Vec<usize>, bool), bool)> = states
        .into_par_iter()
        .map(|mut state| {
            let mut cut = false;
            if state.feasible() {
                loop {
                    let dropped = drop_redundant(&mut state);
                    let merged = two_for_one(&mut state, deadline, &mut cut);
                    if !dropped && !merged {
                        break;
                    }
                }
            }
            ((state.chosen(), state.feasible()), cut)
        })
        .collect();
    // A start stopped by the deadline makes the result depend on the
    // machine's speed: the report must say so.
    time_limit_hit |= searched.iter().any(|(_, cut)| *cut);
    let candidates = searched.into_iter().map(|(candidate, _)| candidate);
    // Feasible first, then fewer APs; ties go to the earliest start.
    let mut best: Option<(Vec<usize>, bool)> = None;
    for candidate in candidates {
        let better = match &best {
            None => true,
            Some((chosen, feasible)) => {
                (candidate.1 && !feasible) || (candidate.1 == *feasible && candidate.0.len() < chosen.len())
            }
        };
        if better {
            best = Some(candidate);
        }
    }
    let (mut chosen, feasible) = best.unwrap_or_default();
    if feasible {
        let mut state = State::new(matrix, rules);
        for &j in chosen.iter().filter(|&&j| j >= matrix.fixed) {
            state.add(j);
        }
        time_limit_hit |= polish(&mut state, deadline);
        chosen = state.chosen();
    }
    SearchResult { chosen, feasible, starts: tried, time_limit_hit }
}
