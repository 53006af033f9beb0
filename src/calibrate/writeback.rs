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

use toml_edit::{value, Array, DocumentMut, InlineTable, Item, Table, TableLike};

use super::model::{repoint_slabs, slabs_of};
use super::params::Coefficients;
use super::{normalized, Calibration, MaterialReport, Role};
use crate::error::{Error, Result, BUG_HINT};
use crate::floorplan::{self, PlanFormat, PlanSource};
use crate::materials::{MaterialModel, MaterialSpec};

/// The text of `calibrated.toml` for the plan `source` (whose file text is
/// `original`).
pub fn calibrated_plan(original: &str, source: &PlanSource, calibration: &Calibration) -> Result<String> {
    let header = header(calibration);
    let edited = match source.format {
        PlanFormat::Toml => edit_toml(original, source, calibration),
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
    let fitted: Vec<String> = c.fitted().map(|m| format!("{} ({})", m.name, role_text(m))).collect();
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

fn role_text(m: &MaterialReport) -> &'static str {
    match m.role {
        Role::Walls => "walls",
        Role::Slabs => "floor slabs",
    }
}

/// The `description` of a written material.
fn description(c: &Calibration, m: &MaterialReport) -> String {
    let surveys: Vec<&str> = c.surveys.iter().map(|s| s.file.as_str()).collect();
    match (&m.prior, &m.fitted) {
        (Some(p), Some(f)) => format!(
            "{} calibrated to survey {} ({} measurements, {} GHz): eps' {:.3}, {:.1} dB/m (plan: eps' {:.3}, {:.1} dB/m)",
            role_text(m),
            surveys.join(", "),
            c.measurements,
            c.frequency_ghz,
            f.permittivity,
            f.loss_db_per_m,
            p.permittivity,
            p.loss_db_per_m
        ),
        _ => format!("the plan's `{}` for the floor slabs and roof (the survey fitted its walls)", m.name),
    }
}

/// What `calibrated.toml` writes: the groups with a key, with their
/// coefficients (fitted, or the plan's for slabs kept apart).
fn written(c: &Calibration) -> Vec<(&MaterialReport, &str, Coefficients)> {
    c.materials
        .iter()
        .filter_map(|m| {
            let key = m.written_as.as_deref()?;
            let coefficients = m.fitted.as_ref().or(m.prior.as_ref())?.coefficients;
            Some((m, key, coefficients))
        })
        .collect()
}

fn pair(a: f64, b: f64) -> Item {
    let mut array = Array::new();
    array.push(a);
    array.push(b);
    value(array)
}

fn set_coefficients(entry: &mut dyn TableLike, coefficients: Coefficients, description: String) {
    entry.insert("permittivity", pair(coefficients.a, coefficients.b));
    entry.insert("conductivity", pair(coefficients.c, coefficients.d));
    entry.insert("description", value(description));
}

/// Edits the TOML text; `None` if it cannot (then the plan is rewritten).
fn edit_toml(original: &str, source: &PlanSource, c: &Calibration) -> Option<String> {
    let mut doc: DocumentMut = original.parse().ok()?;
    let written = written(c);
    if written.is_empty() {
        return Some(doc.to_string());
    }
    let root = doc.as_table_mut();
    if !root.contains_key("materials") {
        let mut table = Table::new();
        table.set_implicit(true);
        root.insert("materials", Item::Table(table));
    }
    for (m, key, coefficients) in &written {
        let materials = root.get_mut("materials")?.as_table_like_mut()?;
        let own = materials
            .iter()
            .find(|(k, _)| normalized(k) == normalized(&m.name))
            .map(|(k, item)| (k.to_owned(), item.clone()));
        if let Some(entry) = materials.get_mut(key) {
            set_coefficients(entry.as_table_like_mut()?, *coefficients, description(c, m));
        } else {
            // A new entry: a copy of the plan's own entry for the material
            // (slabs kept apart), else an override of the built-in.
            let mut table = match own {
                Some((_, Item::Table(t))) => t,
                Some((_, Item::Value(toml_edit::Value::InlineTable(t)))) => t.into_table(),
                Some(_) => return None,
                None => {
                    let mut t = Table::new();
                    t.insert("itu", value(m.name.clone()));
                    t
                }
            };
            table.set_implicit(false);
            set_coefficients(&mut table, *coefficients, description(c, m));
            let why = if m.fitted.is_some() {
                format!("`{}` ({}) fitted to the survey", m.name, role_text(m))
            } else {
                format!("`{}` as planned, for the floor slabs and roof", m.name)
            };
            table.decor_mut().set_prefix(format!("\n# {why}; its other properties are kept.\n"));
            materials.insert(key, Item::Table(table));
        }
        if m.repoint_slabs {
            for (i, what, thickness) in slabs_of(&source.plan, &m.name) {
                let mut slab = InlineTable::new();
                slab.insert("material", (*key).into());
                slab.insert("thickness", thickness.into());
                floor_table(root, i)?.insert(what, value(slab));
            }
        }
    }
    Some(doc.to_string())
}

/// The `i`-th `[[floors]]` entry, as a table or an inline table.
fn floor_table(root: &mut Table, i: usize) -> Option<&mut dyn TableLike> {
    match root.get_mut("floors")? {
        Item::ArrayOfTables(tables) => tables.get_mut(i).map(|t| t as &mut dyn TableLike),
        Item::Value(toml_edit::Value::Array(array)) => {
            array.get_mut(i)?.as_inline_table_mut().map(|t| t as &mut dyn TableLike)
        }
        _ => None,
    }
}

/// The whole plan serialised, with the written materials.
fn rewrite(source: &PlanSource, c: &Calibration) -> Result<String> {
    let mut plan = source.plan.clone();
    for (m, key, coefficients) in written(c) {
        let own = plan.materials.iter().find(|(k, _)| normalized(k) == normalized(&m.name)).map(|(_, s)| s.clone());
        let mut spec: MaterialSpec = plan
            .materials
            .get(key)
            .cloned()
            .or(own)
            .unwrap_or_else(|| MaterialSpec { itu: Some(m.name.clone()), ..MaterialSpec::default() });
        spec.permittivity = Some([coefficients.a, coefficients.b]);
        spec.conductivity = Some([coefficients.c, coefficients.d]);
        spec.description = Some(description(c, m));
        plan.materials.insert(key.to_owned(), spec);
        if m.repoint_slabs {
            repoint_slabs(&mut plan, &m.name, key);
        }
    }
    floorplan::to_toml(&plan)
        .map_err(|e| Error::internal(format!("internal error: cannot write calibrated.toml ({e})\n  hint: {BUG_HINT}")))
}

/// The text must be a valid plan with exactly the written coefficients,
/// and slabs kept apart must point to their own material.
fn check(text: &str, c: &Calibration) -> Result<()> {
    let source = floorplan::parse_str("calibrated.toml", text, PlanFormat::Toml)?;
    let table = floorplan::validate::validate(&source).map_err(|problems| Error::InvalidPlan { problems })?;
    for (m, key, want) in written(c) {
        let got = table.id(key).map(|id| &table.get(id).model);
        let slabs_moved = !m.repoint_slabs || slabs_of(&source.plan, &m.name).is_empty();
        if got != Some(&MaterialModel::Itu { a: want.a, b: want.b, c: want.c, d: want.d }) || !slabs_moved {
            return Err(Error::internal(format!(
                "internal error: calibrated.toml does not give `{key}` its calibrated coefficients (found {got:?})\n  hint: this is \
                 a bug; please report it with the plan"
            )));
        }
    }
    Ok(())
}
