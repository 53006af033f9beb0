//! The fit: robust, regularised least squares over the material
//! parameters, solved with argmin.
//!
//! The objective, over the fitted coordinates `θ` (logarithms of `ε′` and
//! of the bulk attenuation `L` of each fitted material, see
//! [`super::params`]):
//!
//! ```text
//! F(θ) = Σᵢ ρ((Pᵢ(θ) − Mᵢ)/s) + ½ Σⱼ ((θⱼ − θ⁰ⱼ)/σⱼ)²
//! ```
//!
//! * `Pᵢ` the model's prediction and `Mᵢ` the measurement at survey point
//!   `i`, `s` the expected scatter of a survey reading around a good model
//!   (fading, the surveyor's body, furniture: [`DEFAULT_SCATTER_DB`]);
//! * `ρ` the Huber loss (Huber, "Robust estimation of a location
//!   parameter", Ann. Math. Statist. 35(1), 1964), quadratic up to
//!   `k = 1.345` and linear beyond, the constant that keeps 95 % of the
//!   least-squares efficiency under Gaussian errors (Holland & Welsch,
//!   Commun. Statist. A6(9), 1977): a reading 30 dB off (a closed metal
//!   door, a misplaced point) pulls like a few ordinary ones, not like
//!   a hundred;
//! * the second sum a Gaussian prior centred on the plan's material
//!   (`θ⁰`), with the widths of [`super::params`]: a small survey moves a
//!   material only as far as its data justify.
//!
//! Bounds hold exactly through the `tanh` map of [`Bounded`]. The solver
//! is argmin's Newton-CG with a backtracking (Armijo) line search, given
//! the Gauss-Newton approximation of the Hessian with the Huber weights
//! (iteratively reweighted least squares): `Σᵢ wᵢ JᵢJᵢᵀ/s² + diag(1/σⱼ²)`,
//! positive definite thanks to the prior. The Jacobian `J = ∂P/∂θ` is taken
//! by forward differences over the model (one trial per coordinate, run in
//! parallel), and every trial's predictions are cached by parameter
//! vector, so the cost at a point and the gradient there share their
//! evaluation. A Gauss-Newton step is nearly exact here: behind a thick
//! wall the prediction in dB is linear in `L`, so the fit converges in a
//! handful of iterations of (coordinates + 1) model evaluations each.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use argmin::core::{CostFunction, Executor, Gradient, Hessian, State, TerminationReason};
use argmin::solver::linesearch::condition::ArmijoCondition;
use argmin::solver::linesearch::BacktrackingLineSearch;
use argmin::solver::newton::NewtonCG;
use rayon::prelude::*;

use super::model::Evaluator;
use super::params::{Bounded, Coefficients};
use crate::error::{Error, Result, BUG_HINT};
use crate::units::{Frequency, Real};

/// Expected scatter of a survey reading around a good site-specific
/// model, dB: the residual scale `s` of the robust loss.
pub const DEFAULT_SCATTER_DB: Real = 4.0;

/// Huber's constant, in units of the scatter.
pub const HUBER_K: Real = 1.345;

/// Forward-difference step in `θ` (a 0.1 % change of `ε′` or `L`).
const STEP: Real = 1e-3;

/// Iterations at most; the fit stops earlier when an iteration lowers the
/// objective by less than [`TOLERANCE`].
const MAX_ITERATIONS: u64 = 30;

/// Smallest decrease of the objective (in units of one squared scatter)
/// worth another iteration.
const TOLERANCE: Real = 1e-3;

/// Which parameter of a material a coordinate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `ln ε′`.
    Permittivity,
    /// `ln L`, L in dB/m.
    Loss,
}

/// One fitted coordinate.
#[derive(Clone, Debug, PartialEq)]
pub struct Coordinate {
    /// The material (index into the evaluator's slots).
    pub slot: usize,
    /// Which parameter.
    pub kind: Kind,
    /// Its bounds (in `θ`).
    pub bounds: Bounded,
    /// The prior value `θ⁰` (the plan's material).
    pub prior: Real,
    /// The prior standard deviation of `θ`.
    pub sd: Real,
}

/// The fitted coordinates and how they make coefficients.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The coordinates, in order.
    pub coordinates: Vec<Coordinate>,
    /// The plan's coefficients of every slot.
    pub prior: Vec<Coefficients>,
    /// The frequency the parameters are taken at.
    pub frequency: Frequency,
}

impl Layout {
    /// The coefficients of every slot for coordinates `theta`; slots
    /// without coordinates keep the plan's.
    pub fn coefficients(&self, theta: &[Real]) -> Vec<Coefficients> {
        let mut out = self.prior.clone();
        for (slot, prior) in self.prior.iter().enumerate() {
            let mine: Vec<(Kind, Real)> =
                self.coordinates.iter().zip(theta).filter(|(c, _)| c.slot == slot).map(|(c, &t)| (c.kind, t)).collect();
            if mine.is_empty() {
                continue;
            }
            let optics = prior.at(self.frequency);
            let mut permittivity = optics.permittivity;
            let mut loss = optics.loss_db_per_m;
            for (kind, t) in mine {
                match kind {
                    Kind::Permittivity => permittivity = t.exp(),
                    Kind::Loss => loss = t.exp(),
                }
            }
            out[slot] = prior.with_optics(permittivity, loss, self.frequency);
        }
        out
    }

    /// The coordinates of the given coefficients.
    pub fn theta_of(&self, coefficients: &[Coefficients]) -> Vec<Real> {
        self.coordinates
            .iter()
            .map(|c| {
                let optics = coefficients[c.slot].at(self.frequency);
                match c.kind {
                    Kind::Permittivity => optics.permittivity.ln(),
                    Kind::Loss => optics.loss_db_per_m.ln(),
                }
            })
            .collect()
    }

    /// The prior coordinates.
    pub fn prior_theta(&self) -> Vec<Real> {
        self.coordinates.iter().map(|c| c.prior).collect()
    }
}

/// Predictions at a trial and, once computed, their Jacobian.
#[derive(Clone, Debug)]
pub struct Linearisation {
    /// Predictions, dBm, one per point of the subset.
    pub predictions: Vec<Real>,
    /// `∂Pᵢ/∂θⱼ`, dB per unit of `θ`: one row per point.
    pub jacobian: Vec<Vec<Real>>,
}

/// Predictions and forward-difference Jacobian at `theta` for the points
/// `subset`: `coordinates + 1` trials, evaluated in parallel.
pub fn linearise(evaluator: &Evaluator, layout: &Layout, theta: &[Real], subset: &[usize]) -> Result<Linearisation> {
    let trials: Vec<Vec<Real>> = (0..=theta.len())
        .map(|j| {
            let mut t = theta.to_vec();
            if j > 0 {
                t[j - 1] += STEP;
            }
            t
        })
        .collect();
    let predictions: Vec<Vec<Real>> =
        trials.par_iter().map(|t| evaluator.predict(&layout.coefficients(t), subset)).collect::<Result<_>>()?;
    let base = &predictions[0];
    let jacobian =
        (0..subset.len()).map(|i| predictions[1..].iter().map(|p| (p[i] - base[i]) / STEP).collect()).collect();
    Ok(Linearisation { predictions: base.clone(), jacobian })
}

/// The robust loss settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Robust {
    /// The scatter `s`, dB.
    pub scatter_db: Real,
    /// Huber's `k`, in units of `s`.
    pub k: Real,
}

impl Robust {
    /// `ρ(z)`.
    pub fn rho(&self, z: Real) -> Real {
        if z.abs() <= self.k {
            0.5 * z * z
        } else {
            self.k * z.abs() - 0.5 * self.k * self.k
        }
    }

    /// `ψ(z) = ρ′(z)`.
    pub fn psi(&self, z: Real) -> Real {
        z.clamp(-self.k, self.k)
    }

    /// The IRLS weight `ψ(z)/z` (1 at 0).
    pub fn weight(&self, z: Real) -> Real {
        if z.abs() <= self.k {
            1.0
        } else {
            self.k / z.abs()
        }
    }
}

/// A fit's result.
#[derive(Clone, Debug, PartialEq)]
pub struct FitResult {
    /// The fitted coordinates.
    pub theta: Vec<Real>,
    /// Newton iterations taken.
    pub iterations: u64,
    /// Whether it stopped because the objective stopped improving (rather
    /// than at the iteration limit).
    pub converged: bool,
}

/// The objective over a subset of the survey, as argmin sees it.
struct Objective<'a> {
    evaluator: &'a Evaluator<'a>,
    layout: &'a Layout,
    subset: &'a [usize],
    measured: Vec<Real>,
    robust: Robust,
    cache: Mutex<HashMap<Vec<u64>, Arc<Linearisation>>>,
    predictions: Mutex<HashMap<Vec<u64>, Arc<Vec<Real>>>>,
}

fn key(u: &[Real]) -> Vec<u64> {
    u.iter().map(|v| v.to_bits()).collect()
}

/// A library error as argmin's error type, and back.
fn to_argmin(error: Error) -> argmin::core::Error {
    argmin::core::Error::new(error)
}

impl Objective<'_> {
    fn theta(&self, u: &[Real]) -> Vec<Real> {
        self.layout.coordinates.iter().zip(u).map(|(c, &u)| c.bounds.value(u)).collect()
    }

    fn slopes(&self, u: &[Real]) -> Vec<Real> {
        self.layout.coordinates.iter().zip(u).map(|(c, &u)| c.bounds.slope(u)).collect()
    }

    fn predictions(&self, u: &[Real]) -> Result<Arc<Vec<Real>>> {
        let k = key(u);
        if let Some(l) = self.cache.lock().ok().and_then(|c| c.get(&k).cloned()) {
            return Ok(Arc::new(l.predictions.clone()));
        }
        if let Some(p) = self.predictions.lock().ok().and_then(|c| c.get(&k).cloned()) {
            return Ok(p);
        }
        let p = Arc::new(self.evaluator.predict(&self.layout.coefficients(&self.theta(u)), self.subset)?);
        if let Ok(mut cache) = self.predictions.lock() {
            cache.insert(k, p.clone());
        }
        Ok(p)
    }

    fn linearisation(&self, u: &[Real]) -> Result<Arc<Linearisation>> {
        let k = key(u);
        if let Some(l) = self.cache.lock().ok().and_then(|c| c.get(&k).cloned()) {
            return Ok(l);
        }
        let l = Arc::new(linearise(self.evaluator, self.layout, &self.theta(u), self.subset)?);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(k, l.clone());
        }
        Ok(l)
    }

    fn residuals(&self, predictions: &[Real]) -> Vec<Real> {
        predictions.iter().zip(&self.measured).map(|(p, m)| (p - m) / self.robust.scatter_db).collect()
    }

    fn prior_cost(&self, theta: &[Real]) -> Real {
        self.layout.coordinates.iter().zip(theta).map(|(c, t)| 0.5 * ((t - c.prior) / c.sd).powi(2)).sum()
    }
}

impl CostFunction for Objective<'_> {
    type Param = Vec<Real>;
    type Output = Real;

    fn cost(&self, u: &Self::Param) -> std::result::Result<Real, argmin::core::Error> {
        let predictions = self.predictions(u).map_err(to_argmin)?;
        let data: Real = self.residuals(&predictions).iter().map(|&z| self.robust.rho(z)).sum();
        Ok(data + self.prior_cost(&self.theta(u)))
    }
}

impl Gradient for Objective<'_> {
    type Param = Vec<Real>;
    type Gradient = Vec<Real>;

    fn gradient(&self, u: &Self::Param) -> std::result::Result<Vec<Real>, argmin::core::Error> {
        let l = self.linearisation(u).map_err(to_argmin)?;
        let z = self.residuals(&l.predictions);
        let theta = self.theta(u);
        let slopes = self.slopes(u);
        Ok(self
            .layout
            .coordinates
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let data: Real = z.iter().zip(&l.jacobian).map(|(&z, row)| self.robust.psi(z) * row[j]).sum::<Real>()
                    / self.robust.scatter_db;
                (data + (theta[j] - c.prior) / (c.sd * c.sd)) * slopes[j]
            })
            .collect())
    }
}

impl Hessian for Objective<'_> {
    type Param = Vec<Real>;
    type Hessian = Vec<Vec<Real>>;

    fn hessian(&self, u: &Self::Param) -> std::result::Result<Vec<Vec<Real>>, argmin::core::Error> {
        let l = self.linearisation(u).map_err(to_argmin)?;
        let z = self.residuals(&l.predictions);
        let slopes = self.slopes(u);
        let weights: Vec<Real> = z.iter().map(|&z| self.robust.weight(z)).collect();
        Ok(information(&l.jacobian, &weights, self.layout, self.robust)
            .into_iter()
            .enumerate()
            .map(|(j, row)| row.into_iter().enumerate().map(|(m, h)| h * slopes[j] * slopes[m]).collect())
            .collect())
    }
}

/// The Gauss-Newton information matrix in `θ`:
/// `Σᵢ wᵢ JᵢJᵢᵀ/s² + diag(1/σⱼ²)`.
pub fn information(jacobian: &[Vec<Real>], weights: &[Real], layout: &Layout, robust: Robust) -> Vec<Vec<Real>> {
    let n = layout.coordinates.len();
    let s2 = robust.scatter_db * robust.scatter_db;
    (0..n)
        .map(|j| {
            (0..n)
                .map(|m| {
                    let data: Real =
                        jacobian.iter().zip(weights).map(|(row, w)| w * row[j] * row[m]).sum::<Real>() / s2;
                    let prior = if j == m { 1.0 / layout.coordinates[j].sd.powi(2) } else { 0.0 };
                    data + prior
                })
                .collect()
        })
        .collect()
}

/// Where a fit starts: coordinates, and the linearisation there over the
/// fitted points if it is known (it saves its trials).
#[derive(Clone, Debug)]
pub struct Start {
    /// Coordinates `θ`.
    pub theta: Vec<Real>,
    /// Predictions and Jacobian at `theta` over the fitted points.
    pub linearisation: Option<Linearisation>,
}

/// Fits the coordinates to the measurements `subset` (indices into the
/// survey, increasing) from `start`. The objective does not depend on the
/// start; a start near the optimum only saves iterations.
pub fn fit(
    evaluator: &Evaluator,
    layout: &Layout,
    subset: &[usize],
    robust: Robust,
    start: Start,
) -> Result<FitResult> {
    if layout.coordinates.is_empty() || subset.is_empty() {
        return Ok(FitResult { theta: start.theta, iterations: 0, converged: true });
    }
    let measured = subset.iter().map(|&i| evaluator.survey().measurements[i].rssi_dbm).collect();
    let objective = Objective {
        evaluator,
        layout,
        subset,
        measured,
        robust,
        cache: Mutex::new(HashMap::new()),
        predictions: Mutex::new(HashMap::new()),
    };
    let u0: Vec<Real> = layout.coordinates.iter().zip(&start.theta).map(|(c, &t)| c.bounds.coordinate(t)).collect();
    if let (Some(l), Ok(mut cache)) = (start.linearisation, objective.cache.lock()) {
        // Linearisations are kept per unit of θ, whatever the map to u.
        cache.insert(key(&u0), Arc::new(l));
    }
    // The objective's own errors pass through; anything else the solver
    // reports is a misuse of it, not a problem with the survey.
    let failed = |e: argmin::core::Error| match e.downcast::<Error>() {
        Ok(error) => error,
        Err(other) => Error::internal(format!(
            "internal error: the calibration fit failed ({other})\n  hint: {BUG_HINT} and the survey"
        )),
    };
    let line_search =
        BacktrackingLineSearch::new(ArmijoCondition::new(1e-4).map_err(failed)?).rho(0.5).map_err(failed)?;
    let solver = NewtonCG::new(line_search).with_tolerance(TOLERANCE).map_err(failed)?;
    let result = Executor::new(objective, solver)
        .configure(|state| state.param(u0.clone()).max_iters(MAX_ITERATIONS))
        .run()
        .map_err(failed)?;
    let state = result.state();
    let converged = matches!(state.get_termination_reason(), Some(TerminationReason::SolverConverged));
    let best = state.get_best_param().cloned().unwrap_or(u0);
    let theta = layout.coordinates.iter().zip(&best).map(|(c, &u)| c.bounds.value(u)).collect();
    Ok(FitResult { theta, iterations: state.get_iter(), converged })
}

/// Posterior standard deviation of each coordinate (Laplace
/// approximation: the inverse of the information matrix at the fit).
pub fn posterior_sd(l: &Linearisation, measured: &[Real], layout: &Layout, robust: Robust) -> Vec<Real> {
    let n = layout.coordinates.len();
    let weights: Vec<Real> =
        l.predictions.iter().zip(measured).map(|(p, m)| robust.weight((p - m) / robust.scatter_db)).collect();
    let info = information(&l.jacobian, &weights, layout, robust);
    let matrix = nalgebra::DMatrix::from_fn(n, n, |j, m| info[j][m]);
    match matrix.try_inverse() {
        Some(cov) => (0..n).map(|j| cov[(j, j)].max(0.0).sqrt()).collect(),
        None => layout.coordinates.iter().map(|c| c.sd).collect(),
    }
}

/// Splits `n` points into `k` folds, shuffled with a seeded SplitMix64:
/// same seed, same folds. Each fold's indices are increasing.
pub fn folds(n: usize, k: usize, seed: u64) -> Vec<Vec<usize>> {
    let k = k.min(n).max(1);
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = crate::optimize::search::SplitMix64::new(seed);
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut out = vec![Vec::new(); k];
    for (position, &i) in order.iter().enumerate() {
        out[position % k].push(i);
    }
    for fold in &mut out {
        fold.sort_unstable();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huber_pieces_join_smoothly() {
        let r = Robust { scatter_db: 4.0, k: HUBER_K };
        for z in [-5.0, -1.345, -0.3, 0.0, 0.7, 1.345, 9.0] {
            let h = 1e-6;
            let numeric = (r.rho(z + h) - r.rho(z - h)) / (2.0 * h);
            assert!((numeric - r.psi(z)).abs() < 1e-5, "{z}");
            assert!((r.weight(z) * z - r.psi(z)).abs() < 1e-12);
        }
        assert_eq!(r.rho(10.0), HUBER_K * 10.0 - 0.5 * HUBER_K * HUBER_K);
    }

    #[test]
    fn folds_partition_and_repeat() {
        let f = folds(23, 5, 7);
        assert_eq!(f.len(), 5);
        let mut all: Vec<usize> = f.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..23).collect::<Vec<_>>());
        assert!(f.iter().all(|fold| fold.len() == 4 || fold.len() == 5));
        assert_eq!(f, folds(23, 5, 7));
        assert_ne!(f, folds(23, 5, 8));
        assert_eq!(folds(3, 5, 1).len(), 3);
    }
}
