//! The propagation model at the surveyed points, for trial material
//! parameters.
//!
//! A trial is the plan with some materials' P.2040 coefficients replaced
//! (as `[materials.NAME]` overrides, exactly what `calibrated.toml` will
//! say), compiled into a scene by the same [`pipeline::scene_from_source`]
//! that `simulate` uses, and evaluated with the same model, only at the
//! surveyed points. Points are grouped by AP and storey so that per-AP
//! work (the ray tracer's image tree) is done once per trial and group;
//! the points of a group run in parallel (rayon, results collected in
//! order, so they do not depend on the thread count).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::params::Coefficients;
use super::survey::Survey;
use crate::error::Result;
use crate::floorplan::{MaterialSpec, PlanSource};
use crate::geometry::Point3;
use crate::pipeline::{self, Model};
use crate::scene::Scene;
use crate::units::Real;

/// Predictions are clamped to at least this, dBm: nothing below is
/// measurable, and the fit needs finite numbers (a model may return −∞
/// where no path reaches).
pub const PREDICTION_FLOOR_DBM: Real = -200.0;

/// A material whose coefficients a trial may replace.
#[derive(Clone, Debug)]
pub struct Slot {
    /// The key written under `[materials]`: the plan's own key when the
    /// plan defines the material, else the built-in's name.
    pub key: String,
    /// The plan's entry, if it has one (kept, with its coefficients
    /// replaced).
    pub entry: Option<MaterialSpec>,
    /// Coefficients in the plan.
    pub prior: Coefficients,
}

impl Slot {
    /// The `[materials]` entry giving this material `coefficients`.
    pub fn spec(&self, coefficients: &Coefficients, description: Option<String>) -> MaterialSpec {
        let mut spec = self.entry.clone().unwrap_or_default();
        if spec.itu.is_none() && self.entry.is_none() {
            // Overriding a built-in: based on itself, so its typical
            // thickness and description stay.
            spec.itu = Some(self.key.clone());
        }
        spec.permittivity = Some([coefficients.a, coefficients.b]);
        spec.conductivity = Some([coefficients.c, coefficients.d]);
        if description.is_some() {
            spec.description = description;
        }
        spec
    }
}

/// Survey points grouped by AP and storey.
#[derive(Clone, Debug)]
struct Group {
    ap: usize,
    floor: usize,
    /// Indices into the survey's measurements, increasing.
    points: Vec<usize>,
}

/// Evaluates the model at the survey points for trial coefficients.
pub struct Evaluator<'a> {
    source: &'a PlanSource,
    model: Model,
    survey: &'a Survey,
    slots: Vec<Slot>,
    groups: Vec<Group>,
    evaluations: AtomicUsize,
}

impl<'a> Evaluator<'a> {
    /// An evaluator of `model` on the plan `source` at the points of
    /// `survey`; trials give coefficients for `slots`, in order.
    pub fn new(source: &'a PlanSource, model: Model, survey: &'a Survey, slots: Vec<Slot>) -> Self {
        let mut by_key: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for (i, m) in survey.measurements.iter().enumerate() {
            by_key.entry((m.ap, m.floor)).or_default().push(i);
        }
        let groups = by_key.into_iter().map(|((ap, floor), points)| Group { ap, floor, points }).collect();
        Evaluator { source, model, survey, slots, groups, evaluations: AtomicUsize::new(0) }
    }

    /// The slots, in trial order.
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// The survey.
    pub fn survey(&self) -> &Survey {
        self.survey
    }

    /// How many trials have been evaluated.
    pub fn evaluations(&self) -> usize {
        self.evaluations.load(Ordering::Relaxed)
    }

    /// The plan with these coefficients for the slots.
    pub fn plan_with(&self, coefficients: &[Coefficients]) -> PlanSource {
        let mut source = self.source.clone();
        for (slot, c) in self.slots.iter().zip(coefficients) {
            source.plan.materials.insert(slot.key.clone(), slot.spec(c, None));
        }
        source
    }

    /// The compiled scene of a trial.
    pub fn scene(&self, coefficients: &[Coefficients]) -> Result<Scene> {
        pipeline::scene_from_source(self.plan_with(coefficients), None).map(|(_, scene)| scene)
    }

    /// Predicted received power (dBm) at the measurements `subset`
    /// (indices into the survey, increasing), in that order.
    pub fn predict(&self, coefficients: &[Coefficients], subset: &[usize]) -> Result<Vec<Real>> {
        self.evaluations.fetch_add(1, Ordering::Relaxed);
        let scene = self.scene(coefficients)?;
        Ok(self.predict_in(&scene, subset))
    }

    /// [`Evaluator::predict`] in a compiled scene of the same plan.
    pub fn predict_in(&self, scene: &Scene, subset: &[usize]) -> Vec<Real> {
        let mut wanted = vec![false; self.survey.measurements.len()];
        for &i in subset {
            if let Some(w) = wanted.get_mut(i) {
                *w = true;
            }
        }
        let mut values = vec![Real::NAN; self.survey.measurements.len()];
        let model = self.model.propagation();
        for group in &self.groups {
            let points: Vec<usize> = group.points.iter().copied().filter(|&i| wanted[i]).collect();
            let (Some(ap), Some(storey)) = (scene.aps.get(group.ap), scene.floors.get(group.floor)) else { continue };
            if points.is_empty() {
                continue;
            }
            let z = storey.elevation + scene.settings.receiver_height;
            // Per-AP work once per group; then every point of it in
            // parallel, collected in order.
            let field = model.field(scene, ap, group.floor);
            let powers: Vec<Real> = points
                .par_iter()
                .map(|&i| {
                    let p = self.survey.measurements[i].point;
                    let dbm = field.received_power(Point3::new(p.x, p.y, z)).value();
                    if dbm.is_nan() {
                        PREDICTION_FLOOR_DBM
                    } else {
                        dbm.max(PREDICTION_FLOOR_DBM)
                    }
                })
                .collect();
            for (&i, power) in points.iter().zip(powers) {
                values[i] = power;
            }
        }
        subset.iter().map(|&i| values.get(i).copied().unwrap_or(PREDICTION_FLOOR_DBM)).collect()
    }
}
