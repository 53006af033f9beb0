//! The `wifiplan antennas` listing.

use std::fmt::Write as _;
use std::sync::Arc;

use super::{Pattern, PatternSource};
use crate::units::Real;

/// The text printed by `wifiplan antennas`: one row per pattern with its
/// name, peak gain (dBi), the half-power (−3 dB) beamwidths of the
/// horizontal and vertical cuts (`omni` when a cut stays within 3 dB), the
/// depression of the vertical cut's peak (degrees below the horizon), the
/// front-to-back ratio and what it is. Columns are aligned like
/// `wifiplan materials`.
pub fn antennas_table_text(patterns: &[Arc<Pattern>]) -> String {
    let header = ["name", "gain dBi", "H 3dB", "V 3dB", "V peak", "F/B dB", "pattern"];
    let width = |w: Option<Real>| w.map_or_else(|| "omni".to_owned(), |w| format!("{w:.0}°"));
    let rows: Vec<[String; 7]> = patterns
        .iter()
        .map(|p| {
            let peak = p.vertical.peak_angle();
            // The vertical peak as a depression: 350° is 10° up.
            let down = peak.to_radians().sin().asin().to_degrees();
            let what = match &p.source {
                PatternSource::Builtin => p.description.clone(),
                PatternSource::File(path) => {
                    let mut what = path.display().to_string();
                    for extra in [p.make.as_deref(), p.frequency_mhz.map(|f| format!("{f} MHz")).as_deref()]
                        .into_iter()
                        .flatten()
                    {
                        let _ = write!(what, ", {extra}");
                    }
                    if !p.description.is_empty() {
                        let _ = write!(what, ": {}", p.description);
                    }
                    what
                }
            };
            [
                p.name.clone(),
                format!("{:.2}", p.gain_dbi),
                width(p.horizontal.half_power_width()),
                width(p.vertical.half_power_width()),
                format!("{down:.0}°"),
                format!("{:.1}", p.front_to_back_db()),
                what,
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let _ = writeln!(text, "Antenna patterns: peak gain, half-power beamwidths of the horizontal and vertical cuts,");
    let _ = writeln!(text, "the vertical peak's angle below the horizon and the front-to-back ratio.\n");
    let mut line = |cells: &[String]| {
        let mut out = String::new();
        for (column, (cell, &w)) in cells.iter().zip(&widths).enumerate() {
            if column > 0 {
                out.push_str("  ");
            }
            let pad = w.saturating_sub(cell.chars().count());
            match column {
                0 => {
                    out.push_str(cell);
                    out.push_str(&" ".repeat(pad));
                }
                6 => out.push_str(cell),
                _ => {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                }
            }
        }
        let _ = writeln!(text, "{}", out.trim_end());
    };
    line(&header.map(str::to_owned));
    line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>());
    for row in &rows {
        line(row);
    }
    let _ = writeln!(
        text,
        "\nUse one on an AP with antenna = \"NAME\", or a Planet/MSI file with antenna = \"patterns/vendor.msi\"\n\
         (relative to the plan file); aim it with azimuth (degrees clockwise from north) and downtilt\n\
         (degrees below the horizontal). `wifiplan antennas FILE.msi` checks and lists pattern files."
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_built_in_pattern_aligned() {
        let text = antennas_table_text(super::super::catalogue::all());
        for name in super::super::catalogue::names() {
            assert!(text.lines().any(|l| l.starts_with(name)), "{name} missing:\n{text}");
        }
        let dipole = text.lines().find(|l| l.starts_with("dipole")).unwrap();
        assert!(dipole.contains("2.15") && dipole.contains("omni") && dipole.contains("78°"), "{dipole}");
        // The last column starts at the same place on every row.
        let starts: Vec<usize> = super::super::catalogue::all()
            .iter()
            .map(|p| {
                let row = text.lines().find(|l| l.starts_with(&p.name)).unwrap();
                row.chars().count() - p.description.chars().count()
            })
            .collect();
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{text}");
    }
}
