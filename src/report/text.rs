//! The short summary printed on the terminal.

use std::fmt::Write;

use super::Report;

/// A compact table: one line per storey, one per room below target, and the
/// probes.
pub fn summary_table(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} model, {} AP{}, {:.1}% of the building at or above {} dBm ({})",
        report.plan,
        report.model,
        report.aps.len(),
        if report.aps.len() == 1 { "" } else { "s" },
        report.coverage_pct,
        report.threshold_dbm,
        if report.requirement_met { "requirement met" } else { "requirement NOT met" }
    );
    let _ = writeln!(out, "  requirement: {}; {}", report.requirement.summary(), report.regulatory.note);
    let _ = writeln!(
        out,
        "  {:<14} {:>9} {:>12} {:>7}  below target (limited by)",
        "floor", "coverage", "median dBm", "rooms"
    );
    for floor in &report.floors {
        let below: Vec<String> = floor
            .rooms
            .iter()
            .filter(|r| !r.meets_target)
            .map(|r| format!("{} ({})", r.name, r.limited_by.name()))
            .collect();
        let _ = writeln!(
            out,
            "  {:<14} {:>8.1}% {:>12} {:>7}  {}",
            floor.id,
            floor.coverage_pct,
            floor.median_dbm.map_or_else(|| "–".into(), |m| format!("{m:.1}")),
            floor.rooms.len(),
            if below.is_empty() { "none".to_owned() } else { below.join(", ") }
        );
    }
    for band in &report.bands {
        let below: Vec<String> = band
            .floors
            .iter()
            .flat_map(|f| {
                f.rooms
                    .iter()
                    .filter(|r| !r.meets_target)
                    .map(move |r| format!("{}/{} ({})", f.id, r.name, r.limited_by.name()))
            })
            .collect();
        let _ = writeln!(
            out,
            "  {} GHz alone: {} AP{}, {:.1}% covered, {}",
            band.band,
            band.ap_count,
            if band.ap_count == 1 { "" } else { "s" },
            band.coverage_pct,
            if below.is_empty() {
                "every room meets the requirement".to_owned()
            } else {
                format!("below target: {}", below.join(", "))
            }
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    for probe in &report.probes {
        let _ = writeln!(
            out,
            "  probe ({}, {}) on {}: {} from {}, SINR {}",
            probe.x,
            probe.y,
            probe.floor,
            probe.rssi_dbm.map_or_else(|| "no signal".into(), |v| format!("{v:.1} dBm")),
            probe.server.as_deref().unwrap_or("no AP"),
            probe.sinr_db.map_or_else(|| "–".into(), |v| format!("{v:.1} dB"))
        );
        for (rank, path) in probe.paths.iter().enumerate() {
            let _ = writeln!(
                out,
                "    {:>2}. {:.1} dBm from {}: {:.2} m, free space −{:.1} dB, reflections −{:.1} dB, walls and slabs −{:.1} dB{}",
                rank + 1,
                path.power_dbm,
                path.ap,
                path.length_m,
                path.free_space_db,
                path.reflection_db,
                path.transmission_db,
                path.antenna_db.map_or_else(String::new, |a| format!(", antenna pattern −{a:.1} dB"))
            );
            for interaction in &path.interactions {
                let _ = writeln!(out, "          {interaction}");
            }
        }
    }
    out
}
