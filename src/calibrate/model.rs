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
use serde::Serialize;

use crate::floorplan::{FloorPlan, PlanSource, SlabLayer, SlabSpec};
use crate::geometry::Point3;
use crate::materials::MaterialSpec;
use crate::pipeline::{self, Model};
use crate::scene::Scene;
use crate::units::Real;

/// Predictions are clamped to at least this, dBm: nothing below is
/// measurable, and the fit needs finite numbers (a model may return −∞
/// where no path reaches).
pub const PREDICTION_FLOOR_DBM: Real = -200.0;

/// What a fitted group of a material is made of: its walls (with door and
/// window leaves, vertical, TE), or its floor slabs and roof (horizontal,
/// TM). A material used by both is fitted as two groups: a survey on a
/// storey mostly sees walls, and a wall guessed "concrete" says nothing
/// about the concrete floor slab (also the default one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Walls, doors and windows.
    Walls,
    /// Floor slabs and the roof.
    Slabs,
}

/// The slab and roof a plan floor gets when it names none: 0.30 m of
/// concrete (SPEC.md, "Floor plan file").
pub const DEFAULT_SLAB: (&str, Real) = ("concrete", 0.30);

/// A group of a material whose coefficients a trial may replace.
#[derive(Clone, Debug)]
pub struct Slot {
    /// The material's name in the plan.
    pub name: String,
    /// Walls or slabs.
    pub role: Role,
    /// The key written under `[materials]`: the plan's own key for the
    /// material (or the built-in's name); for the slabs of a material
    /// that walls use too, a key of their own (`concrete_slab`).
    pub key: String,
    /// The plan's entry for the material, if it has one (kept, with its
    /// coefficients replaced).
    pub entry: Option<MaterialSpec>,
    /// Coefficients in the plan.
    pub prior: Coefficients,
    /// The slabs and roof of this material are re-pointed to `key`.
    pub repoint: bool,
}

impl Slot {
    /// The `[materials]` entry giving this group `coefficients`.
    pub fn spec(&self, coefficients: &Coefficients, description: Option<String>) -> MaterialSpec {
        let mut spec = self.entry.clone().unwrap_or_default();
        if self.entry.is_none() {
            // A built-in: based on itself, so its typical thickness and
            // description stay.
            spec.itu = Some(self.name.clone());
        }
        spec.permittivity = Some([coefficients.a, coefficients.b]);
        spec.conductivity = Some([coefficients.c, coefficients.d]);
        if description.is_some() {
            spec.description = description;
        }
        spec
    }
}

/// Where the plan's floor slabs and roof of material `name` are: (plan
/// floor index, `"slab"` or `"roof"`, thickness). The roof counts on the
/// top storey only (elsewhere the storey above is the ceiling); a floor
/// that names no slab or roof has the default one.
pub fn slabs_of(plan: &FloorPlan, name: &str) -> Vec<(usize, &'static str, Real)> {
    let top = plan
        .floors
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.elevation.total_cmp(&b.1.elevation).then(a.0.cmp(&b.0)))
        .map(|(i, _)| i);
    let resolve = |spec: &Option<SlabSpec>| match spec {
        None => Some((DEFAULT_SLAB.0.to_owned(), DEFAULT_SLAB.1)),
        Some(SlabSpec::Slab(layer)) => Some((layer.material.clone(), layer.thickness)),
        Some(SlabSpec::Keyword(_)) => None,
    };
    let mut out = Vec::new();
    for (i, floor) in plan.floors.iter().enumerate() {
        let mut parts = vec![("slab", &floor.slab)];
        if Some(i) == top {
            parts.push(("roof", &floor.roof));
        }
        for (what, spec) in parts {
            if let Some((material, thickness)) = resolve(spec) {
                if super::normalized(&material) == super::normalized(name) {
                    out.push((i, what, thickness));
                }
            }
        }
    }
    out
}

/// Points the plan's slabs and roof of material `name` to material `key`.
pub fn repoint_slabs(plan: &mut FloorPlan, name: &str, key: &str) {
    for (i, what, thickness) in slabs_of(plan, name) {
        let spec = Some(SlabSpec::Slab(SlabLayer { material: key.to_owned(), thickness }));
        match what {
            "slab" => plan.floors[i].slab = spec,
            _ => plan.floors[i].roof = spec,
        }
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
            if slot.repoint {
                repoint_slabs(&mut source.plan, &slot.name, &slot.key);
            }
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
        let model = self.model.propagation();
        // Groups in parallel (per-AP work once per group), and the points
        // of each in parallel; every value is computed on its own and
        // collected in order.
        let computed: Vec<(Vec<usize>, Vec<Real>)> = self
            .groups
            .par_iter()
            .filter_map(|group| {
                let points: Vec<usize> = group.points.iter().copied().filter(|&i| wanted[i]).collect();
                let (Some(ap), Some(storey)) = (scene.aps.get(group.ap), scene.floors.get(group.floor)) else {
                    return None;
                };
                if points.is_empty() {
                    return None;
                }
                let z = storey.elevation + scene.settings.receiver_height;
                let field = model.field(scene, ap, group.floor);
                let powers = points
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
                Some((points, powers))
            })
            .collect();
        let mut values = vec![Real::NAN; self.survey.measurements.len()];
        for (points, powers) in computed {
            for (i, power) in points.into_iter().zip(powers) {
                values[i] = power;
            }
        }
        subset.iter().map(|&i| values.get(i).copied().unwrap_or(PREDICTION_FLOOR_DBM)).collect()
    }
}
