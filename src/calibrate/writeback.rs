//! `calibrated.toml`: the plan with its fitted materials written back as
//! `[materials.NAME]` entries that cite the survey.
//!
//! A TOML plan is edited in place (`toml_edit`), so its comments, order and
//! layout stay as the user wrote them: a fitted material the plan already
//! defines gets new `permittivity`, `conductivity` and `description` and
//! keeps its other keys (`itu`, `thickness`); a built-in gets an override
//! based on itself (`itu = "concrete"`). A JSON plan is written out as
//! TOML. The result is parsed and validated again before anyone writes
//! it, and each fitted material must come out with exactly the fitted
//! coefficients.

use toml_edit::{value, Array, DocumentMut, Item, Table};

use super::{Calibration, MaterialReport};
use crate::error::{Error, Result};
use crate::floorplan::{self, MaterialSpec, PlanFormat, PlanSource};
use crate::materials::MaterialModel;

/// The text of `calibrated.toml` for the plan `source` (whose file text is
/// `original`).
pub fn calibrated_plan(original: &str, source: &PlanSource, calibration: &Calibration) -> Result<String> {
    let header = header(calibration);
    let edited = match source.format {
        PlanFormat::Toml => edit_toml(original, calibration).or_else(|| rewrite(source, calibration).ok()),
        PlanFormat::Json => None,
    };
    let body = match edited {
        Some(text) => text,
        None => rewrite(source, calibration)?,
    };
    let text = format!("{header}{body}");
    check(&text, calibration)?;
    Ok(text)
}

/// The comment heading the file.
fn header(c: &Calibration) -> String {
    let surveys: Vec<String> = c.surveys.iter().map(|s| format!("`{}`", s.file)).collect();
    let fitted: Vec<&str> = c.fitted().map(|m| m.name.as_str()).collect();
    let cv = c
        .cross_validation
        .as_ref()
        .map_or_else(String::new, |cv| format!(", cross-validated {:.1} dB", cv.errors.rmse_db));
    format!(
        "# Calibrated by `wifiplan calibrate` from `{}` and the survey {} ({} measurements, {} model, {} GHz).\n\
         # Fitted materials: {}. RMSE on the survey {:.1} dB before, {:.1} dB after{cv}; see calibration.md.\n",
        c.file,
        surveys.join(", "),
        c.measurements,
        c.model,
        c.frequency_ghz,
        if fitted.is_empty() { "none".to_owned() } else { fitted.join(", ") },
        c.before.rmse_db,
        c.after.rmse_db,
    )
}

/// The `description` of a fitted material.
fn description(c: &Calibration, m: &MaterialReport) -> String {
    let surveys: Vec<&str> = c.surveys.iter().map(|s| s.file.as_str()).collect();
    match (&m.prior, &m.fitted) {
        (Some(p), Some(f)) => format!(
            "calibrated to survey {} ({} measurements, {} GHz): eps' {:.3}, {:.1} dB/m (plan: eps' {:.3}, {:.1} dB/m)",
            surveys.join(", "),
            c.measurements,
            c.frequency_ghz,
            f.permittivity,
            f.loss_db_per_m,
            p.permittivity,
            p.loss_db_per_m
        ),
        _ => format!("calibrated to survey {}", surveys.join(", ")),
    }
}

fn pair(a: f64, b: f64) -> Item {
    let mut array = Array::new();
    array.push(a);
    array.push(b);
    value(array)
}

/// Edits the TOML text; `None` if it cannot (then the plan is rewritten).
fn edit_toml(original: &str, c: &Calibration) -> Option<String> {
    let mut doc: DocumentMut = original.parse().ok()?;
    let fitted: Vec<&MaterialReport> = c.fitted().collect();
    if fitted.is_empty() {
        return Some(doc.to_string());
    }
    let root = doc.as_table_mut();
    if !root.contains_key("materials") {
        let mut table = Table::new();
        table.set_implicit(true);
        root.insert("materials", Item::Table(table));
    }
    let materials = root.get_mut("materials")?.as_table_like_mut()?;
    for m in fitted {
        let key = m.plan_key.as_deref()?;
        let coefficients = m.fitted.as_ref()?.coefficients;
        match materials.get_mut(key) {
            Some(entry) => {
                let entry = entry.as_table_like_mut()?;
                entry.insert("permittivity", pair(coefficients.a, coefficients.b));
                entry.insert("conductivity", pair(coefficients.c, coefficients.d));
                entry.insert("description", value(description(c, m)));
            }
            None => {
                let mut table = Table::new();
                table.insert("itu", value(m.name.clone()));
                table.insert("permittivity", pair(coefficients.a, coefficients.b));
                table.insert("conductivity", pair(coefficients.c, coefficients.d));
                table.insert("description", value(description(c, m)));
                table.decor_mut().set_prefix(format!(
                    "\n# `{}` fitted to the survey; the built-in's other properties are kept.\n",
                    m.name
                ));
                materials.insert(key, Item::Table(table));
            }
        }
    }
    Some(doc.to_string())
}

/// The whole plan serialised, with the fitted materials.
fn rewrite(source: &PlanSource, c: &Calibration) -> Result<String> {
    let mut plan = source.plan.clone();
    for m in c.fitted() {
        let (Some(key), Some(f)) = (&m.plan_key, &m.fitted) else { continue };
        let mut spec: MaterialSpec = plan
            .materials
            .get(key)
            .cloned()
            .unwrap_or_else(|| MaterialSpec { itu: Some(m.name.clone()), ..MaterialSpec::default() });
        spec.permittivity = Some([f.coefficients.a, f.coefficients.b]);
        spec.conductivity = Some([f.coefficients.c, f.coefficients.d]);
        spec.description = Some(description(c, m));
        plan.materials.insert(key.clone(), spec);
    }
    floorplan::to_toml(&plan).map_err(|e| Error::usage(format!("cannot write calibrated.toml ({e})")))
}

/// The text must be a valid plan with exactly the fitted coefficients.
fn check(text: &str, c: &Calibration) -> Result<()> {
    let source = floorplan::parse_str("calibrated.toml", text, PlanFormat::Toml)?;
    let table = floorplan::validate::validate(&source).map_err(|problems| Error::InvalidPlan { problems })?;
    for m in c.fitted() {
        let Some(f) = &m.fitted else { continue };
        let want = f.coefficients;
        let got = table.id(&m.name).map(|id| &table.get(id).model);
        if got != Some(&MaterialModel::Itu { a: want.a, b: want.b, c: want.c, d: want.d }) {
            return Err(Error::usage(format!(
                "calibrated.toml does not give `{}` its fitted coefficients (found {got:?})\n  hint: this is a bug; \
                 please report it with the plan",
                m.name
            )));
        }
    }
    Ok(())
}
