//! `calibration.json` (the [`Calibration`] serialised), `calibration.md`
//! and the terminal summary.
//!
//! `calibration.json` keys: `plan`, `file`, `model`, `model_parameters`,
//! `frequency_ghz`, `surveys` [{`file`, `measurements`}], `measurements`,
//! `materials` [{`name`, `status` (`fitted` | `unchanged`), `note`,
//! `walls`, `leaves`, `slabs`, `sensitivity_db`, `prior` and `fitted`
//! {`permittivity`, `conductivity_s_per_m`, `loss_db_per_m`,
//! `coefficients` {`a`, `b`, `c`, `d`}}, `uncertainty`
//! {`permittivity_factor`, `loss_factor`, `permittivity_from_survey`,
//! `loss_from_survey`}, `thicknesses` [{`thickness_m`, `count`,
//! `prior_db`, `fitted_db`}]}], `before` and `after` {`points`,
//! `rmse_db`, `median_abs_error_db`, `mean_error_db`, `max_abs_error_db`},
//! `cross_validation` {`folds`, `seed`, `errors`, `fold_rmse_db`}, `aps`
//! [{`ap`, `measurements`, `rmse_before_db`, `rmse_after_db`}], `fit`
//! (how), `points` [{`file`, `line`, `x`, `y`, `floor`, `ap`,
//! `measured_dbm`, `before_dbm`, `after_dbm`, `cross_validated_dbm`}],
//! `residual_maps`, `run_time_s`. Errors are predicted − measured, dB.

use std::fmt::Write as _;

use super::{Calibration, MaterialReport, MaterialStatus, Role};

/// `concrete (walls)`, `concrete (slabs)`.
pub fn label(m: &MaterialReport) -> String {
    let role = match m.role {
        Role::Walls => "walls",
        Role::Slabs => "slabs",
    };
    format!("{} ({role})", m.name)
}

/// The calibration as the JSON text of `calibration.json`.
pub fn json(calibration: &Calibration) -> String {
    serde_json::to_string_pretty(calibration).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn factor(f: f64) -> String {
    format!("×/÷ {f:.2}")
}

/// `calibration.md`.
pub fn markdown(calibration: &Calibration) -> String {
    let c = calibration;
    let mut md = String::new();
    let _ = writeln!(md, "# Survey calibration: {}\n", c.plan);
    let surveys: Vec<String> = if c.surveys.len() == 1 {
        c.surveys.iter().map(|s| format!("`{}`", s.file)).collect()
    } else {
        c.surveys.iter().map(|s| format!("`{}` ({})", s.file, s.measurements)).collect()
    };
    let flag = |key: &str| c.model_parameters.get(key).and_then(|v| v.as_bool());
    let paths = match (flag("diffraction"), flag("scattering")) {
        (Some(d), Some(s)) => format!(
            " ({}, {})",
            if d { "with diffraction" } else { "no diffraction" },
            if s { "with diffuse scattering" } else { "no scattering" }
        ),
        _ => String::new(),
    };
    let _ = writeln!(
        md,
        "Plan `{}`, {} measurements from {}. Model: {}{}, material parameters at {} GHz. Errors are \
         predicted − measured.\n",
        c.file,
        c.measurements,
        surveys.join(", "),
        c.model,
        paths,
        c.frequency_ghz
    );
    let _ = writeln!(md, "## Errors on the survey\n");
    let _ = writeln!(md, "| | RMSE (dB) | median abs. error (dB) | mean error (dB) | max abs. error (dB) |");
    let _ = writeln!(md, "|---|---:|---:|---:|---:|");
    let mut row = |name: &str, e: &super::ErrorStats| {
        let _ = writeln!(
            md,
            "| {name} | {:.2} | {:.2} | {:+.2} | {:.2} |",
            e.rmse_db, e.median_abs_error_db, e.mean_error_db, e.max_abs_error_db
        );
    };
    row("before (the plan's materials)", &c.before);
    row("after (fitted, on the same points)", &c.after);
    if let Some(cv) = &c.cross_validation {
        row(&format!("**cross-validated** ({} folds)", cv.folds), &cv.errors);
    }
    let _ = writeln!(md);
    match &c.cross_validation {
        Some(cv) => {
            let _ = writeln!(
                md,
                "The cross-validated figure is the honest one: each measurement is predicted by a fit that did \
                 not see it ({} folds, seed {}; RMSE per fold: {}).\n",
                cv.folds,
                cv.seed,
                cv.fold_rmse_db.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>().join(", ")
            );
        }
        None => {
            let _ = writeln!(md, "No cross-validation (`--folds 0`, or fewer than two measurements).\n");
        }
    }
    let _ = writeln!(md, "## Materials\n");
    let _ = writeln!(
        md,
        "| material | status | ε′ plan → fitted | loss (dB/m) plan → fitted | σ (S/m) plan → fitted | uncertainty (1 σ) | walls / leaves / slabs |"
    );
    let _ = writeln!(md, "|---|---|---:|---:|---:|---|---:|");
    for m in &c.materials {
        let status = match m.status {
            MaterialStatus::Fitted => "**fitted**",
            MaterialStatus::Unchanged => "unchanged",
        };
        let (eps, loss, sigma) = match (&m.prior, &m.fitted) {
            (Some(p), Some(f)) => (
                format!("{:.3} → **{:.3}**", p.permittivity, f.permittivity),
                format!("{:.1} → **{:.1}**", p.loss_db_per_m, f.loss_db_per_m),
                format!("{:.4} → **{:.4}**", p.conductivity_s_per_m, f.conductivity_s_per_m),
            ),
            (Some(p), None) => (
                format!("{:.3}", p.permittivity),
                format!("{:.1}", p.loss_db_per_m),
                format!("{:.4}", p.conductivity_s_per_m),
            ),
            _ => ("–".to_owned(), "–".to_owned(), "–".to_owned()),
        };
        let uncertainty = m.uncertainty.as_ref().map_or_else(
            || "–".to_owned(),
            |u| {
                let from = |survey: bool| if survey { "survey" } else { "mostly prior" };
                format!(
                    "ε′ {} ({}), loss {} ({})",
                    factor(u.permittivity_factor),
                    from(u.permittivity_from_survey),
                    factor(u.loss_factor),
                    from(u.loss_from_survey)
                )
            },
        );
        let _ = writeln!(
            md,
            "| `{}` ({}) | {status} | {eps} | {loss} | {sigma} | {uncertainty} | {} / {} / {} |",
            m.name,
            match m.role {
                Role::Walls => "walls",
                Role::Slabs => "slabs",
            },
            m.walls,
            m.leaves,
            m.slabs
        );
    }
    let _ = writeln!(md);
    for m in &c.materials {
        let _ = writeln!(md, "* {}: {}.", label(m), m.note);
        for t in &m.thicknesses {
            if m.status == MaterialStatus::Fitted {
                let _ = writeln!(
                    md,
                    "  * {} m (×{}): {:.1} dB → {:.1} dB at normal incidence",
                    t.thickness_m, t.count, t.prior_db, t.fitted_db
                );
            }
        }
    }
    let _ = writeln!(md);
    if c.aps.len() > 1 {
        let _ = writeln!(md, "## Per AP\n");
        let _ = writeln!(md, "| AP | measurements | RMSE before (dB) | RMSE after (dB) |");
        let _ = writeln!(md, "|---|---:|---:|---:|");
        for a in &c.aps {
            let _ =
                writeln!(md, "| {} | {} | {:.2} | {:.2} |", a.ap, a.measurements, a.rmse_before_db, a.rmse_after_db);
        }
        let _ = writeln!(md);
    }
    if !c.residual_maps.is_empty() {
        let _ = writeln!(md, "## Residual maps\n");
        for image in &c.residual_maps {
            let _ = writeln!(md, "![{image}]({image})\n");
        }
    }
    let f = &c.fit;
    let _ = writeln!(md, "## Method\n");
    let _ = writeln!(
        md,
        "Fitted: {}. Loss: {}; scatter {} dB (errors beyond {} dB count linearly); prior widths ×/÷ {} on ε′ and \
         ×/÷ {} on the loss per metre; bounds ε′ {}–{}, loss {}–{} dB/m. Solver: {}. {} iterations ({}), {} model \
         evaluations at the surveyed points, {:.2} s.\n",
        f.parameters,
        f.loss,
        f.scatter_db,
        f.huber_threshold_db,
        f.prior_permittivity_factor,
        f.prior_loss_factor,
        f.permittivity_range.0,
        f.permittivity_range.1,
        f.loss_range_db_per_m.0,
        f.loss_range_db_per_m.1,
        f.solver,
        f.iterations,
        if f.converged { "converged" } else { "stopped at the iteration limit" },
        f.model_evaluations,
        c.run_time_s
    );
    let _ =
        writeln!(md, "`calibrated.toml` is the plan with the fitted materials; `calibration.json` has every point.");
    md
}

/// The short terminal summary.
pub fn summary(calibration: &Calibration) -> String {
    let c = calibration;
    let mut out = String::new();
    let _ = writeln!(out, "{}: {} measurements, {} model at {} GHz", c.plan, c.measurements, c.model, c.frequency_ghz);
    for m in &c.materials {
        match (&m.prior, &m.fitted) {
            (Some(p), Some(f)) => {
                let _ = writeln!(
                    out,
                    "  fitted     {:<24} ε′ {:.2} → {:.2}, loss {:.1} → {:.1} dB/m",
                    label(m),
                    p.permittivity,
                    f.permittivity,
                    p.loss_db_per_m,
                    f.loss_db_per_m
                );
            }
            _ => {
                let _ = writeln!(out, "  unchanged  {:<24} {}", label(m), m.note);
            }
        }
    }
    let cv = c
        .cross_validation
        .as_ref()
        .map_or_else(String::new, |cv| format!(", cross-validated {:.2} dB", cv.errors.rmse_db));
    let _ =
        writeln!(out, "  RMSE on the survey: {:.2} dB before, {:.2} dB after{cv}", c.before.rmse_db, c.after.rmse_db);
    out
}
