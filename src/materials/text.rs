//! The `wifiplan materials` listing.

use std::fmt::Write as _;

use super::{MaterialModel, MaterialTable, Polarization, BAND_FREQUENCIES_GHZ, MAX_LOSS_DB};
use crate::units::{Frequency, Real};

/// Frequency at which `ε′` and `σ` are shown, GHz (5 GHz channel 36).
const PROPERTY_FREQUENCY_GHZ: Real = 5.18;

/// The text printed by `wifiplan materials`: one row per material with its
/// name, `ε′` and `σ` at 5.18 GHz (or `measured`/`none`), typical thickness,
/// the loss at normal incidence through that thickness at 2.437, 5.180 and
/// 6.135 GHz, the diffuse scattering coefficient `S` and the source. Columns are aligned; a `*` marks a value
/// outside the frequency range its source was fitted on (extrapolated), and
/// `opaque` a loss at the [`MAX_LOSS_DB`] clamp.
pub fn materials_table_text(table: &MaterialTable) -> String {
    let property_f = Frequency::from_ghz(PROPERTY_FREQUENCY_GHZ);
    let header: Vec<String> = ["name", "eps'", "sigma S/m", "thick m"]
        .into_iter()
        .map(str::to_owned)
        .chain(BAND_FREQUENCIES_GHZ.iter().map(|(_, ghz)| format!("{ghz:.3}")))
        .chain(["S".to_owned(), "source".to_owned()])
        .collect();

    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut any_extrapolated = false;
    for (_, material) in table.iter() {
        let (eps, sigma) = match (&material.model, material.permittivity_conductivity(property_f)) {
            (_, Some((eps, sigma))) => {
                let mark = if material.in_valid_range(property_f) { "" } else { "*" };
                any_extrapolated |= !mark.is_empty();
                (format!("{eps:.2}{mark}"), format_sigma(sigma, mark))
            }
            (MaterialModel::Measured { .. }, _) => ("measured".to_owned(), String::new()),
            _ => ("none".to_owned(), String::new()),
        };
        let mut row = vec![material.name.clone(), eps, sigma, format!("{:.4}", material.typical_thickness)];
        for (_, ghz) in BAND_FREQUENCIES_GHZ {
            let f = Frequency::from_ghz(ghz);
            let loss = material.transmission_loss(f, material.typical_thickness, 1.0, Polarization::Te).value();
            let mark = if material.in_valid_range(f) { "" } else { "*" };
            any_extrapolated |= !mark.is_empty();
            // NOTE: `−20·log10(1)` is −0.0; print it as 0.0.
            let loss = if loss <= 0.0 { 0.0 } else { loss };
            row.push(if loss >= MAX_LOSS_DB { "opaque".to_owned() } else { format!("{loss:.1}{mark}") });
        }
        row.push(format!("{:.1}", material.scattering));
        row.push(material.source.clone());
        rows.push(row);
    }

    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }

    let mut text = String::new();
    let bands: Vec<String> =
        BAND_FREQUENCIES_GHZ.iter().map(|(band, ghz)| format!("{ghz:.3} GHz ({band} GHz band)")).collect();
    let _ = writeln!(text, "Materials: loss in dB through the typical thickness at normal incidence, at");
    let _ = writeln!(text, "  {}.", bands.join(", "));
    let _ = writeln!(
        text,
        "eps' and sigma (S/m) at {PROPERTY_FREQUENCY_GHZ:.2} GHz from ITU-R P.2040-3: eps' = a*f^b, sigma = c*f^d."
    );
    let _ = writeln!(text, "S: share of the reflected field a wall scatters diffusely (raytrace).\n");
    // Numbers right-aligned, text left-aligned; the last column is not padded.
    let numeric = |column: usize| (1..columns - 1).contains(&column);
    let mut line = |cells: &[String]| {
        let mut out = String::new();
        for (column, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if column > 0 {
                out.push_str("  ");
            }
            if column == columns - 1 {
                out.push_str(cell);
            } else if numeric(column) {
                let _ = write!(out, "{cell:>width$}");
            } else {
                let _ = write!(out, "{cell:<width$}");
            }
        }
        let _ = writeln!(text, "{}", out.trim_end());
    };
    line(&header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&rule);
    for row in &rows {
        line(row);
    }
    if any_extrapolated {
        let _ = writeln!(text, "\n* outside the frequency range of the source's fit (extrapolated)");
    }
    let _ = writeln!(
        text,
        "opaque: at least {MAX_LOSS_DB:.0} dB. Override or add materials in the plan's [materials] table \
         (itu, permittivity + conductivity, or loss_db + reference_thickness; scattering)."
    );
    text
}

/// Conductivity with enough significant digits for both 1e-4 and 1e7 S/m.
fn format_sigma(sigma: Real, mark: &str) -> String {
    if sigma != 0.0 && (sigma.abs() >= 1e4 || sigma.abs() < 1e-3) {
        format!("{sigma:.2e}{mark}")
    } else {
        format!("{sigma:.4}{mark}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_material_in_aligned_columns() {
        let table = MaterialTable::builtin();
        let text = materials_table_text(&table);
        for name in table.names() {
            assert!(text.lines().any(|l| l.starts_with(name)), "{name} missing:\n{text}");
        }
        assert!(text.contains("2.437") && text.contains("5.180") && text.contains("6.135"));
        // Columns line up: the source column starts at the same place in
        // every table row.
        let rows: Vec<&str> = text.lines().filter(|l| l.contains("P.2040-3 (2023) Table 3")).collect();
        let starts: Vec<usize> = rows.iter().map(|l| l.find("ITU-R").unwrap()).collect();
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{text}");
        assert!(text.contains("opaque"));
        assert!(text.contains("measured"));
        // The floorboard fit is 50–100 GHz: flagged.
        let floorboard = text.lines().find(|l| l.starts_with("floorboard")).unwrap();
        assert!(floorboard.contains('*'));
    }
}
