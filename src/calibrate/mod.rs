//! Survey calibration: fit the materials of a plan to a site survey, so
//! that walls nobody can see inside (1.2 m of rubble stone, brick behind
//! plaster, a concrete lintel) get the numbers the building really has.
//!
//! `wifiplan calibrate PLAN SURVEY.csv… --out DIR` reads walk-survey
//! measurements ([`survey`]: `x,y,floor,ap,rssi_dbm`), predicts each one
//! with the same model and scene as `simulate` ([`model`]), fits the
//! materials the survey sees ([`fit`]) and writes `calibrated.toml` (the
//! plan with the fitted materials as `[materials]` entries that cite the
//! survey, [`writeback`]), `calibration.json` and `calibration.md`
//! ([`report`]) and a residual map per storey ([`residual_map`]).
//!
//! # What is fitted, and why
//!
//! Per material, two numbers at the survey's frequency: the relative
//! permittivity `ε′` and the bulk attenuation `L` (dB per metre of
//! material at normal incidence). A survey on one band cannot tell the
//! P.2040 frequency exponents `b`, `d` from the coefficients `a`, `c`, so
//! the exponents stay the plan's and `(ε′, L)` are turned back into
//! `(a, c)` exactly ([`params`]). `(ε′, L)` rather than `(ε′, σ)` because
//! they separate what a survey sees: `L` sets the loss through walls
//! (linearly in dB, `L` × thickness), `ε′` the reflections off them.
//!
//! Parameters are per material, as the plan names them: every wall, door
//! or window leaf and floor slab of that material shares them (a material
//! is one physical substance). To let a survey correct one wall alone,
//! give it a material of its own (`[materials.corridor_wall] itu =
//! "concrete"`).
//!
//! A material is fitted when the survey sees it: when an e-fold change of
//! its `ε′` or `L` moves some surveyed prediction by at least
//! [`SEEN_DB`] (a path crosses it or reflects off it). The others stay as
//! they are and the report says why. Metals (opaque whatever their
//! numbers), lossless materials and measured `loss_db` materials are not
//! fitted.
//!
//! # How well it did
//!
//! The report gives the RMSE, median and mean error (predicted − measured)
//! on the survey before and after, but a fit always looks good on its own
//! data. The honest figure is the k-fold cross-validated RMSE: the survey
//! is split into `k` seeded folds, each predicted by a fit to the others.
//! A posterior uncertainty (Laplace approximation) says for each fitted
//! number whether the survey determined it or it stayed near the prior.

pub mod fit;
pub mod model;
pub mod params;
pub mod report;
pub mod residual_map;
pub mod survey;
pub mod writeback;

use std::time::Instant;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::floorplan::PlanSource;
use crate::materials::{complex_permittivity, slab_response, MaterialId, MaterialModel, Polarization};
use crate::pipeline::{self, Model};
use crate::scene::Scene;
use crate::units::{Frequency, Real};
use fit::{Coordinate, Kind, Layout, Linearisation, Robust, Start};
pub use model::Role;
use model::{Evaluator, Slot};
use params::{Bounded, Coefficients, Optics};
pub use survey::{Measurement, Survey};

/// A material is seen by the survey when an e-fold change of one of its
/// parameters moves some surveyed prediction by at least this, dB.
pub const SEEN_DB: Real = 0.1;

/// Significant digits of the fitted `a` and `c` written to the plan.
pub const DIGITS: usize = 5;

/// Default number of cross-validation folds.
pub const DEFAULT_FOLDS: usize = 5;

/// A calibration request.
#[derive(Clone, Debug)]
pub struct CalibrationConfig {
    /// The propagation model (as `simulate`'s `--model`).
    pub model: Model,
    /// Cross-validation folds (0: none; at most one per measurement).
    pub folds: usize,
    /// Seed of the fold split.
    pub seed: u64,
    /// Fit only these materials (empty: every material the survey sees).
    pub materials: Vec<String>,
    /// Expected scatter of a reading around a good model, dB.
    pub scatter_db: Real,
}

impl CalibrationConfig {
    /// The defaults with this model.
    pub fn new(model: Model) -> Self {
        CalibrationConfig {
            model,
            folds: DEFAULT_FOLDS,
            seed: 1,
            materials: Vec::new(),
            scatter_db: fit::DEFAULT_SCATTER_DB,
        }
    }
}

/// Error statistics of predictions against measurements (error =
/// predicted − measured, dB).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorStats {
    /// Points counted.
    pub points: usize,
    /// Root mean square error, dB.
    pub rmse_db: Real,
    /// Median absolute error, dB.
    pub median_abs_error_db: Real,
    /// Mean error (bias), dB: positive when the model is optimistic.
    pub mean_error_db: Real,
    /// Largest absolute error, dB.
    pub max_abs_error_db: Real,
}

impl ErrorStats {
    /// Statistics of `predicted − measured`.
    pub fn of(predicted: &[Real], measured: &[Real]) -> ErrorStats {
        let errors: Vec<Real> = predicted.iter().zip(measured).map(|(p, m)| p - m).collect();
        let n = errors.len();
        if n == 0 {
            return ErrorStats {
                points: 0,
                rmse_db: 0.0,
                median_abs_error_db: 0.0,
                mean_error_db: 0.0,
                max_abs_error_db: 0.0,
            };
        }
        let mut abs: Vec<Real> = errors.iter().map(|e| e.abs()).collect();
        abs.sort_by(|a, b| a.total_cmp(b));
        let median = if n % 2 == 1 { abs[n / 2] } else { (abs[n / 2 - 1] + abs[n / 2]) / 2.0 };
        ErrorStats {
            points: n,
            rmse_db: round3((errors.iter().map(|e| e * e).sum::<Real>() / n as Real).sqrt()),
            median_abs_error_db: round3(median),
            mean_error_db: round3(errors.iter().sum::<Real>() / n as Real),
            max_abs_error_db: round3(abs[n - 1]),
        }
    }
}

/// Rounds to 0.001 for stable, readable output.
pub fn round3(v: Real) -> Real {
    (v * 1000.0).round() / 1000.0
}

/// A material's parameters at the survey frequency and as P.2040
/// coefficients.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MaterialParameters {
    /// Relative permittivity ε′.
    pub permittivity: Real,
    /// Conductivity σ, S/m.
    pub conductivity_s_per_m: Real,
    /// Bulk attenuation at normal incidence, dB/m.
    pub loss_db_per_m: Real,
    /// ITU-R P.2040 `a, b, c, d`.
    pub coefficients: Coefficients,
}

impl MaterialParameters {
    fn of(c: Coefficients, f: Frequency) -> Self {
        let o: Optics = c.at(f);
        MaterialParameters {
            permittivity: round4(o.permittivity),
            conductivity_s_per_m: params::significant(o.conductivity_s_per_m, 4),
            loss_db_per_m: round3(o.loss_db_per_m),
            coefficients: c,
        }
    }
}

fn round4(v: Real) -> Real {
    (v * 10_000.0).round() / 10_000.0
}

/// The loss through the material's walls of one thickness, at normal
/// incidence (TE), before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThicknessLoss {
    /// Thickness, m.
    pub thickness_m: Real,
    /// Wall segments, leaves or slabs of this thickness.
    pub count: usize,
    /// Loss with the plan's material, dB.
    pub prior_db: Real,
    /// Loss with the fitted material, dB (the plan's when not fitted).
    pub fitted_db: Real,
}

/// How sure the fit is of a fitted material.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Uncertainty {
    /// One standard deviation of ε′, as a factor (1.10 = ±10 %).
    pub permittivity_factor: Real,
    /// One standard deviation of the bulk attenuation, as a factor.
    pub loss_factor: Real,
    /// Whether the survey, not the prior, set ε′ (posterior spread under
    /// half the prior's).
    pub permittivity_from_survey: bool,
    /// Whether the survey set the bulk attenuation.
    pub loss_from_survey: bool,
}

/// What happened to a material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialStatus {
    /// Fitted to the survey; written to `calibrated.toml`.
    Fitted,
    /// Left as the plan has it (see the note).
    Unchanged,
}

/// One material of the plan in the calibration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MaterialReport {
    /// Name, as the plan uses it.
    pub name: String,
    /// Which of its uses this is: walls (with doors and windows) or floor
    /// slabs and roof; a material used by both has one entry for each.
    pub role: Role,
    /// Fitted or unchanged.
    pub status: MaterialStatus,
    /// Why, in a sentence.
    pub note: String,
    /// Wall segments of this material (role `walls`).
    pub walls: usize,
    /// Door and window leaves of this material.
    pub leaves: usize,
    /// Floor slabs and roofs of this material.
    pub slabs: usize,
    /// Largest change of a surveyed prediction for an e-fold change of
    /// ε′ or L, dB (absent for materials that cannot be fitted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity_db: Option<Real>,
    /// The plan's parameters (absent for measured and hole materials).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prior: Option<MaterialParameters>,
    /// The fitted parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fitted: Option<MaterialParameters>,
    /// One standard deviation of the fitted numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Uncertainty>,
    /// Loss of each thickness the plan uses, before and after.
    pub thicknesses: Vec<ThicknessLoss>,
    /// The `[materials]` key `calibrated.toml` writes it under (absent
    /// when it is not written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written_as: Option<String>,
    /// `calibrated.toml` points this material's floor slabs and roof to
    /// `written_as`.
    #[serde(skip)]
    pub repoint_slabs: bool,
}

/// The cross-validated errors.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossValidation {
    /// Folds.
    pub folds: usize,
    /// Seed of the split.
    pub seed: u64,
    /// Errors of every point predicted by the fit that did not see it.
    pub errors: ErrorStats,
    /// RMSE of each fold, dB.
    pub fold_rmse_db: Vec<Real>,
}

/// Errors per AP.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApErrors {
    /// AP id.
    pub ap: String,
    /// Measurements of it.
    pub measurements: usize,
    /// RMSE with the plan's materials, dB.
    pub rmse_before_db: Real,
    /// RMSE with the fitted materials, dB.
    pub rmse_after_db: Real,
}

/// One measurement with its predictions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointReport {
    /// Survey file.
    pub file: String,
    /// Line in it.
    pub line: usize,
    /// Position, m.
    pub x: Real,
    /// Position, m.
    pub y: Real,
    /// Storey id.
    pub floor: String,
    /// AP id.
    pub ap: String,
    /// Measured, dBm.
    pub measured_dbm: Real,
    /// Predicted with the plan's materials, dBm.
    pub before_dbm: Real,
    /// Predicted with the fitted materials, dBm.
    pub after_dbm: Real,
    /// Predicted by the cross-validation fit that did not see it, dBm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_validated_dbm: Option<Real>,
}

/// How the fit was made.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FitReport {
    /// What is fitted.
    pub parameters: String,
    /// The robust loss.
    pub loss: String,
    /// Expected scatter of a reading, dB.
    pub scatter_db: Real,
    /// Errors beyond this count linearly, dB.
    pub huber_threshold_db: Real,
    /// Prior standard deviation of ε′, as a factor.
    pub prior_permittivity_factor: Real,
    /// Prior standard deviation of the bulk attenuation, as a factor.
    pub prior_loss_factor: Real,
    /// Bounds of ε′.
    pub permittivity_range: (Real, Real),
    /// Bounds of the bulk attenuation, dB/m.
    pub loss_range_db_per_m: (Real, Real),
    /// The optimiser.
    pub solver: String,
    /// Newton iterations of the fit to the whole survey.
    pub iterations: u64,
    /// Whether it stopped on convergence.
    pub converged: bool,
    /// Model evaluations over the surveyed points, cross-validation included.
    pub model_evaluations: usize,
}

/// A survey file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurveyFileReport {
    /// Path as given.
    pub file: String,
    /// Measurements in it.
    pub measurements: usize,
}

/// Everything a calibration found: `calibration.json` is this, serialised.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    /// Plan name.
    pub plan: String,
    /// Plan file.
    pub file: String,
    /// Model name (`raytrace`, `multiwall`).
    pub model: String,
    /// Model parameters, as in `report.json`.
    pub model_parameters: serde_json::Value,
    /// Frequency the material parameters are given at, GHz (the median
    /// of the measured APs' centre frequencies).
    pub frequency_ghz: Real,
    /// Survey files.
    pub surveys: Vec<SurveyFileReport>,
    /// Measurements in all.
    pub measurements: usize,
    /// Every material the plan's walls, leaves and slabs use.
    pub materials: Vec<MaterialReport>,
    /// Errors with the plan's materials.
    pub before: ErrorStats,
    /// Errors with the fitted materials (as written to the plan).
    pub after: ErrorStats,
    /// Cross-validated errors (absent with fewer than two measurements or
    /// `--folds 0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_validation: Option<CrossValidation>,
    /// Errors per AP.
    pub aps: Vec<ApErrors>,
    /// How the fit was made.
    pub fit: FitReport,
    /// Every measurement with its predictions.
    pub points: Vec<PointReport>,
    /// Residual maps written (file names).
    pub residual_maps: Vec<String>,
    /// Run time, s.
    pub run_time_s: Real,
}

impl Calibration {
    /// The materials written to `calibrated.toml`.
    pub fn fitted(&self) -> impl Iterator<Item = &MaterialReport> {
        self.materials.iter().filter(|m| m.status == MaterialStatus::Fitted)
    }
}

/// How a plan uses a material in one role.
#[derive(Clone, Debug, Default)]
struct Use {
    walls: usize,
    leaves: usize,
    slabs: usize,
    /// Thickness → count.
    thicknesses: Vec<(Real, usize)>,
}

/// Every (material, role) of the scene's walls, leaves, floor slabs and
/// roof (the top storey's), in material id then role order.
fn material_uses(scene: &Scene) -> Vec<(MaterialId, Role, Use)> {
    let mut records: Vec<(MaterialId, u8, Real)> = Vec::new();
    let top = scene.floors.len().saturating_sub(1);
    for (k, floor) in scene.floors.iter().enumerate() {
        for wall in &floor.walls {
            records.push((wall.slab.material, 0, wall.slab.thickness));
            for leaf in wall.openings.iter().filter_map(|o| o.leaf) {
                records.push((leaf.material, 1, leaf.thickness));
            }
        }
        let roof = if k == top { floor.roof } else { None };
        for slab in [floor.slab, roof].into_iter().flatten() {
            records.push((slab.material, 2, slab.thickness));
        }
    }
    let mut uses: Vec<(MaterialId, Role, Use)> = Vec::new();
    for (id, what, thickness) in records {
        let role = if what == 2 { Role::Slabs } else { Role::Walls };
        let i = match uses.iter().position(|(m, r, _)| *m == id && *r == role) {
            Some(i) => i,
            None => {
                uses.push((id, role, Use::default()));
                uses.len() - 1
            }
        };
        let u = &mut uses[i].2;
        match what {
            0 => u.walls += 1,
            1 => u.leaves += 1,
            _ => u.slabs += 1,
        }
        match u.thicknesses.iter_mut().find(|(x, _)| *x == thickness) {
            Some((_, n)) => *n += 1,
            None => u.thicknesses.push((thickness, 1)),
        }
    }
    uses.sort_by_key(|(id, role, _)| (*id, *role));
    for (_, _, u) in &mut uses {
        u.thicknesses.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    uses
}

/// Normal-incidence loss of a slab of `c` at `f`, dB (TE; at normal
/// incidence TE and TM are equal).
fn slab_loss(c: &Coefficients, thickness: Real, f: Frequency) -> Real {
    let eta = complex_permittivity(c.a, c.b, c.c, c.d, f);
    round3(slab_response(eta, thickness, f, 1.0, Polarization::Te).transmission_loss().value())
}

/// Lower-case, trimmed, `-` and spaces as `_`: how material names compare.
pub(crate) fn normalized(name: &str) -> String {
    name.trim().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() }).collect()
}

/// Why a material cannot be fitted, if it cannot.
fn unfittable(model: &MaterialModel, f: Frequency) -> Option<String> {
    match model {
        MaterialModel::Measured { .. } => Some(
            "a measured material (`loss_db`): its loss is the measurement; calibrate P.2040 materials \
             (`itu`, or `permittivity` and `conductivity`)"
                .to_owned(),
        ),
        MaterialModel::Hole => Some("nothing there (an empty opening)".to_owned()),
        MaterialModel::Itu { a, b, c, d } => {
            let coefficients = Coefficients { a: *a, b: *b, c: *c, d: *d };
            let o = coefficients.at(f);
            if o.conductivity_s_per_m.is_nan() || o.conductivity_s_per_m <= 0.0 {
                Some("lossless (σ = 0): nothing to fit".to_owned())
            } else if o.loss_db_per_m > params::LOSS_RANGE_DB_PER_M.1 {
                Some(format!("a conductor ({:.0} dB/m): opaque whatever its numbers, nothing to fit", o.loss_db_per_m))
            } else {
                None
            }
        }
    }
}

/// A `[materials]` key like `wanted` that neither the plan nor the
/// material library uses yet.
fn free_key(scene: &Scene, source: &PlanSource, wanted: &str) -> String {
    let taken = |key: &str| {
        scene.materials.id(key).is_some() || source.plan.materials.keys().any(|k| normalized(k) == normalized(key))
    };
    let mut key = wanted.to_owned();
    let mut n = 2;
    while taken(&key) {
        key = format!("{wanted}_{n}");
        n += 1;
    }
    key
}

/// Calibrates the plan `source` to `survey` (read against the same plan).
/// `progress` is told each stage.
pub fn calibrate(
    source: &PlanSource,
    survey: &Survey,
    config: &CalibrationConfig,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Calibration> {
    let started = Instant::now();
    if !(config.scatter_db.is_finite() && config.scatter_db > 0.0) {
        return Err(Error::usage("--scatter-db must be a positive number of dB"));
    }
    let (_, scene) = pipeline::scene_from_source(source.clone(), None)?;
    if survey.measurements.is_empty() {
        return Err(Error::usage("the survey has no measurements"));
    }
    let frequency = survey_frequency(&scene, survey);

    // Every material in use, by role, and the groups that can be fitted.
    let uses = material_uses(&scene);
    let selected = select_materials(&scene, &uses, &config.materials, frequency)?;
    let mut slots = Vec::new();
    let mut slot_of = vec![None; uses.len()];
    for (k, (id, role, _)) in uses.iter().enumerate() {
        let material = scene.materials.get(*id);
        if !selected[k] || unfittable(&material.model, frequency).is_some() {
            continue;
        }
        let MaterialModel::Itu { a, b, c, d } = material.model else { continue };
        let entry = source.plan.materials.iter().find(|(key, _)| normalized(key) == normalized(&material.name));
        let plan_key = entry.map_or_else(|| material.name.clone(), |(key, _)| key.clone());
        let shared = *role == Role::Slabs && uses.iter().any(|(m, r, _)| m == id && *r == Role::Walls);
        slot_of[k] = Some(slots.len());
        slots.push(Slot {
            name: material.name.clone(),
            role: *role,
            key: if shared { free_key(&scene, source, &format!("{plan_key}_slab")) } else { plan_key },
            entry: entry.map(|(_, spec)| spec.clone()),
            prior: Coefficients { a, b, c, d },
            repoint: shared,
        });
    }
    let evaluator = Evaluator::new(source, config.model, survey, slots);
    let prior: Vec<Coefficients> = evaluator.slots().iter().map(|s| s.prior).collect();
    let all: Vec<usize> = (0..survey.measurements.len()).collect();
    let measured: Vec<Real> = survey.measurements.iter().map(|m| m.rssi_dbm).collect();
    let robust = Robust { scatter_db: config.scatter_db, k: fit::HUBER_K };

    // Which groups the survey sees: the Jacobian at the plan's values over
    // both parameters of every candidate.
    progress("finding the materials the survey sees");
    let candidates = layout_for(&prior, frequency, &(0..prior.len()).collect::<Vec<_>>());
    let screen = fit::linearise(&evaluator, &candidates, &candidates.prior_theta(), &all)?;
    let sensitivity: Vec<Real> = (0..prior.len())
        .map(|slot| {
            let columns: Vec<usize> =
                candidates.coordinates.iter().enumerate().filter(|(_, c)| c.slot == slot).map(|(j, _)| j).collect();
            screen.jacobian.iter().flat_map(|row| columns.iter().map(move |&j| row[j].abs())).fold(0.0, Real::max)
        })
        .collect();
    let seen: Vec<usize> = (0..prior.len()).filter(|&s| sensitivity[s] >= SEEN_DB).collect();
    let layout = layout_for(&prior, frequency, &seen);
    let columns: Vec<usize> =
        candidates.coordinates.iter().enumerate().filter(|(_, c)| seen.contains(&c.slot)).map(|(j, _)| j).collect();
    let at_prior = |subset: &[usize]| Start {
        theta: layout.prior_theta(),
        linearisation: Some(Linearisation {
            predictions: subset.iter().map(|&i| screen.predictions[i]).collect(),
            jacobian: subset.iter().map(|&i| columns.iter().map(|&j| screen.jacobian[i][j]).collect()).collect(),
        }),
    };

    // The fit to the whole survey, rounded as it will be written.
    progress("fitting the materials to the survey");
    let whole = fit::fit(&evaluator, &layout, &all, robust, at_prior(&all))?;
    let mut fitted: Vec<Coefficients> = layout
        .coefficients(&whole.theta)
        .iter()
        .zip(&prior)
        .enumerate()
        .map(|(s, (f, p))| if seen.contains(&s) { f.rounded(DIGITS) } else { *p })
        .collect();
    progress("checking the fitted plan");
    let fitted_all = fitted.clone();
    let at_fit = fit::linearise(&evaluator, &layout, &layout.theta_of(&fitted_all), &all)?;
    let spread =
        if layout.coordinates.is_empty() { Vec::new() } else { fit::posterior_sd(&at_fit, &measured, &layout, robust) };
    // A group the survey sees but does not determine (neither number's
    // spread under half the prior's) stays as the plan has it.
    let mut determined = vec![false; prior.len()];
    for &s in &seen {
        let u = uncertainty_of(&layout, &spread, s);
        determined[s] = u.permittivity_from_survey || u.loss_from_survey;
        if !determined[s] {
            fitted[s] = prior[s];
        }
    }
    let after_values = if seen.iter().all(|&s| determined[s]) {
        at_fit.predictions.clone()
    } else {
        evaluator.predict(&fitted, &all)?
    };

    // Cross-validation: each fold predicted by a fit to the others. The
    // fold fits start from the whole survey's optimum (their objective
    // does not see the fold; the start only saves iterations).
    let theta_fit = layout.theta_of(&fitted_all);
    let near_fit = |subset: &[usize]| Start {
        theta: theta_fit.clone(),
        linearisation: Some(Linearisation {
            predictions: subset.iter().map(|&i| at_fit.predictions[i]).collect(),
            jacobian: subset.iter().map(|&i| at_fit.jacobian[i].clone()).collect(),
        }),
    };
    let mut cross = None;
    if config.folds >= 2 && survey.measurements.len() >= 2 {
        let folds = fit::folds(survey.measurements.len(), config.folds, config.seed);
        let mut predicted = vec![Real::NAN; survey.measurements.len()];
        let mut fold_rmse = Vec::new();
        for (k, fold) in folds.iter().enumerate() {
            progress(&format!("cross-validation, fold {} of {}", k + 1, folds.len()));
            let train: Vec<usize> = all.iter().copied().filter(|i| fold.binary_search(i).is_err()).collect();
            let result = fit::fit(&evaluator, &layout, &train, robust, near_fit(&train))?;
            let values = evaluator.predict(&layout.coefficients(&result.theta), fold)?;
            let held: Vec<Real> = fold.iter().map(|&i| measured[i]).collect();
            fold_rmse.push(ErrorStats::of(&values, &held).rmse_db);
            for (&i, v) in fold.iter().zip(values) {
                predicted[i] = v;
            }
        }
        cross = Some((folds.len(), predicted, fold_rmse));
    }

    // The report.
    let before_values = &screen.predictions;
    let is_fitted = |slot: Option<usize>| slot.is_some_and(|s| seen.contains(&s) && determined[s]);
    let materials = uses
        .iter()
        .enumerate()
        .map(|(k, (id, role, usage))| {
            let material = scene.materials.get(*id);
            let slot = slot_of[k];
            let prior_c = slot.map(|s| prior[s]).or(match material.model {
                MaterialModel::Itu { a, b, c, d } => Some(Coefficients { a, b, c, d }),
                _ => None,
            });
            let fitted_here = is_fitted(slot);
            let fitted_c = slot.filter(|_| fitted_here).map(|s| fitted[s]);
            let n = survey.measurements.len();
            let note = match slot {
                Some(_) if fitted_here => format!("fitted to {n} measurement{}", if n == 1 { "" } else { "s" }),
                Some(s) if seen.contains(&s) => format!(
                    "seen by the survey (an e-fold change moves a surveyed value by up to {:.2} dB) but not \
                     determined by it (the spread of both numbers stays over half the prior's); unchanged",
                    sensitivity[s]
                ),
                Some(s) => format!(
                    "not seen by the survey: no surveyed path crosses or reflects off it (an e-fold change \
                     moves no surveyed value by {SEEN_DB} dB; largest {:.3} dB); unchanged",
                    sensitivity[s]
                ),
                None if !selected[k] => "not selected (--material); unchanged".to_owned(),
                None => format!(
                    "{}; unchanged",
                    unfittable(&material.model, frequency).unwrap_or_else(|| "not fitted".to_owned())
                ),
            };
            // Where calibrated.toml writes it: a fitted group under its key;
            // the slabs of a material whose walls were fitted keep the
            // plan's numbers under a name of their own.
            let written_as = slot.and_then(|s| {
                let mine = &evaluator.slots()[s];
                let sibling_fitted = mine.repoint
                    && uses.iter().enumerate().any(|(j, (m, r, _))| m == id && *r == Role::Walls && is_fitted(slot_of[j]));
                (fitted_here || sibling_fitted).then(|| mine.key.clone())
            });
            let repoint = slot.is_some_and(|s| evaluator.slots()[s].repoint);
            let note = match (&written_as, fitted_here, repoint) {
                (Some(key), false, true) => {
                    format!("{note}; kept for the floor slabs and roof as material `{key}`, since the walls' `{}` was fitted", material.name)
                }
                (Some(key), true, true) => format!("{note}; written as material `{key}`, which the floor slabs and roof now use"),
                _ => note,
            };
            let uncertainty = slot.filter(|_| fitted_here).map(|s| uncertainty_of(&layout, &spread, s));
            let thicknesses = usage
                .thicknesses
                .iter()
                .filter_map(|&(t, count)| {
                    let p = prior_c?;
                    Some(ThicknessLoss {
                        thickness_m: t,
                        count,
                        prior_db: slab_loss(&p, t, frequency),
                        fitted_db: slab_loss(&fitted_c.unwrap_or(p), t, frequency),
                    })
                })
                .collect();
            MaterialReport {
                name: material.name.clone(),
                role: *role,
                status: if fitted_here { MaterialStatus::Fitted } else { MaterialStatus::Unchanged },
                note,
                walls: usage.walls,
                leaves: usage.leaves,
                slabs: usage.slabs,
                sensitivity_db: slot.map(|s| round3(sensitivity[s])),
                prior: prior_c.map(|c| MaterialParameters::of(c, frequency)),
                fitted: fitted_c.map(|c| MaterialParameters::of(c, frequency)),
                uncertainty,
                thicknesses,
                written_as,
                repoint_slabs: repoint,
            }
        })
        .collect();

    let file_name = |m: &Measurement| survey.files.get(m.file).map_or_else(String::new, |f| f.path.clone());
    let points: Vec<PointReport> = survey
        .measurements
        .iter()
        .enumerate()
        .map(|(i, m)| PointReport {
            file: file_name(m),
            line: m.line,
            x: m.point.x,
            y: m.point.y,
            floor: scene.floors[m.floor].id.clone(),
            ap: scene.aps[m.ap].id.clone(),
            measured_dbm: m.rssi_dbm,
            before_dbm: round3(before_values[i]),
            after_dbm: round3(after_values[i]),
            cross_validated_dbm: cross.as_ref().map(|(_, p, _)| round3(p[i])),
        })
        .collect();
    let aps = survey
        .aps()
        .into_iter()
        .map(|ap| {
            let mine: Vec<usize> = all.iter().copied().filter(|&i| survey.measurements[i].ap == ap).collect();
            let pick = |v: &[Real]| mine.iter().map(|&i| v[i]).collect::<Vec<_>>();
            ApErrors {
                ap: scene.aps[ap].id.clone(),
                measurements: mine.len(),
                rmse_before_db: ErrorStats::of(&pick(before_values), &pick(&measured)).rmse_db,
                rmse_after_db: ErrorStats::of(&pick(&after_values), &pick(&measured)).rmse_db,
            }
        })
        .collect();
    let cross_validation = cross.map(|(folds, predicted, fold_rmse_db)| CrossValidation {
        folds,
        seed: config.seed,
        errors: ErrorStats::of(&predicted, &measured),
        fold_rmse_db,
    });
    let model = config.model;
    // The ray tracer's parameters with the path kinds it traced, so the
    // report says which model the materials were fitted under.
    let mut model_parameters = model.parameters();
    if let (Model::RayTrace(raytrace), Some(map)) = (model, model_parameters.as_object_mut()) {
        map.insert("diffraction".into(), raytrace.diffraction.into());
        map.insert("scattering".into(), raytrace.scattering.into());
    }
    Ok(Calibration {
        plan: scene.name.clone(),
        file: source.file.clone(),
        model: model.propagation().name().to_owned(),
        model_parameters,
        frequency_ghz: round4(frequency.ghz()),
        surveys: survey
            .files
            .iter()
            .map(|f| SurveyFileReport { file: f.path.clone(), measurements: f.measurements })
            .collect(),
        measurements: survey.measurements.len(),
        materials,
        before: ErrorStats::of(before_values, &measured),
        after: ErrorStats::of(&after_values, &measured),
        cross_validation,
        aps,
        fit: FitReport {
            parameters: "per material and role (walls, doors and windows; floor slabs and roof): relative \
                         permittivity and bulk attenuation (dB/m) at the survey frequency; the plan's P.2040 \
                         frequency exponents b and d kept"
                .to_owned(),
            loss: format!("Huber (k = {} scatter) with a Gaussian prior on the plan's material", fit::HUBER_K),
            scatter_db: config.scatter_db,
            huber_threshold_db: round3(fit::HUBER_K * config.scatter_db),
            prior_permittivity_factor: params::PRIOR_PERMITTIVITY_FACTOR,
            prior_loss_factor: params::PRIOR_LOSS_FACTOR,
            permittivity_range: params::PERMITTIVITY_RANGE,
            loss_range_db_per_m: params::LOSS_RANGE_DB_PER_M,
            solver: "argmin Newton-CG, Gauss-Newton Hessian with Huber weights, backtracking Armijo line search; \
                     forward-difference Jacobian"
                .to_owned(),
            iterations: whole.iterations,
            converged: whole.converged,
            model_evaluations: evaluator.evaluations(),
        },
        points,
        residual_maps: Vec::new(),
        run_time_s: crate::units::round2(started.elapsed().as_secs_f64()),
    })
}

/// The frequency the parameters are given at: the median (lower middle)
/// of the measured APs' centre frequencies.
fn survey_frequency(scene: &Scene, survey: &Survey) -> Frequency {
    let mut ghz: Vec<Real> =
        survey.measurements.iter().filter_map(|m| scene.aps.get(m.ap)).map(|ap| ap.frequency.ghz()).collect();
    ghz.sort_by(|a, b| a.total_cmp(b));
    Frequency::from_ghz(ghz.get(ghz.len().saturating_sub(1) / 2).copied().unwrap_or(5.18))
}

/// Coordinates `(ln ε′, ln L)` of the slots `fitted`.
fn layout_for(prior: &[Coefficients], frequency: Frequency, fitted: &[usize]) -> Layout {
    let mut coordinates = Vec::new();
    for &slot in fitted {
        let o = prior[slot].at(frequency);
        coordinates.push(Coordinate {
            slot,
            kind: Kind::Permittivity,
            bounds: Bounded::logarithmic(params::PERMITTIVITY_RANGE, o.permittivity),
            prior: o.permittivity.ln(),
            sd: params::PRIOR_PERMITTIVITY_FACTOR.ln(),
        });
        coordinates.push(Coordinate {
            slot,
            kind: Kind::Loss,
            bounds: Bounded::logarithmic(params::LOSS_RANGE_DB_PER_M, o.loss_db_per_m),
            prior: o.loss_db_per_m.ln(),
            sd: params::PRIOR_LOSS_FACTOR.ln(),
        });
    }
    Layout { coordinates, prior: prior.to_vec(), frequency }
}

fn uncertainty_of(layout: &Layout, spread: &[Real], slot: usize) -> Uncertainty {
    let find = |kind: Kind| {
        layout.coordinates.iter().zip(spread).find(|(c, _)| c.slot == slot && c.kind == kind).map(|(c, &s)| (s, c.sd))
    };
    let (pe, pe0) = find(Kind::Permittivity).unwrap_or((0.0, 1.0));
    let (pl, pl0) = find(Kind::Loss).unwrap_or((0.0, 1.0));
    Uncertainty {
        permittivity_factor: round3(pe.exp()),
        loss_factor: round3(pl.exp()),
        permittivity_from_survey: pe < 0.5 * pe0,
        loss_from_survey: pl < 0.5 * pl0,
    }
}

/// Which used materials `--material` selects (all when it is empty);
/// names that are not in use, or cannot be fitted, are errors.
fn select_materials(
    scene: &Scene,
    uses: &[(MaterialId, Role, Use)],
    names: &[String],
    frequency: Frequency,
) -> Result<Vec<bool>> {
    if names.is_empty() {
        return Ok(vec![true; uses.len()]);
    }
    let mut selected = vec![false; uses.len()];
    for name in names {
        let used: Vec<&str> = uses.iter().map(|(id, _, _)| scene.materials.get(*id).name.as_str()).collect();
        let Some(k) = used.iter().position(|u| normalized(u) == normalized(name)) else {
            let hint = match crate::suggest::closest(name, used.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the plan's walls, doors, windows and slabs use: {}", used.join(", ")),
            };
            return Err(Error::usage(format!("--material `{name}` is not used by the plan\n  hint: {hint}")));
        };
        if let Some(why) = unfittable(&scene.materials.get(uses[k].0).model, frequency) {
            return Err(Error::usage(format!(
                "--material `{name}` cannot be fitted: {why}\n  hint: choose a P.2040 material"
            )));
        }
        for (j, u) in used.iter().enumerate() {
            if normalized(u) == normalized(name) {
                selected[j] = true;
            }
        }
    }
    Ok(selected)
}
