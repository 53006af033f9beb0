//! The comparison as Markdown, fit for a pull-request comment
//! (`compare.md`, `--format markdown`).

use std::fmt::Write as _;

use crate::report::comparison::{Change, Comparison, CountDelta, Delta, RoomStatus, Verdict};
use crate::units::Real;

/// A table cell: `|` escaped, line breaks flattened.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A signed change with one decimal; "0.0" for changes that round to zero.
fn signed(value: Real) -> String {
    if value.abs() < 0.05 {
        "0.0".to_owned()
    } else {
        format!("{value:+.1}")
    }
}

/// `a → b` or just `a` when both are the same, with a unit.
fn pair(d: &Delta, unit: &str) -> String {
    let one = |v: Option<Real>| v.map_or_else(|| "no signal".to_owned(), |v| format!("{v:.1}{unit}"));
    if d.is_zero() {
        one(d.base)
    } else {
        format!("{} → {}", one(d.base), one(d.candidate))
    }
}

/// The change column: bold when judged and beyond the tolerance.
fn change(d: &Delta, tolerance: Option<Real>) -> String {
    let text = match (d.base, d.candidate, d.delta) {
        (_, _, Some(v)) => signed(v),
        (Some(_), None, _) => "lost".to_owned(),
        (None, Some(_), _) => "new".to_owned(),
        _ => "–".to_owned(),
    };
    match tolerance {
        Some(t) if d.drops(t) || d.rises(t) => format!("**{text}**"),
        _ => text,
    }
}

fn count_change(d: &CountDelta) -> String {
    if d.delta == 0 {
        "0".to_owned()
    } else {
        format!("{:+}", d.delta)
    }
}

/// The model in a few words: `raytrace (3 reflections, incoherent)`.
fn model_text(comparison: &Comparison) -> String {
    let p = &comparison.model_parameters;
    match (p.get("max_reflections"), p.get("sum").and_then(|s| s.as_str())) {
        (Some(n), Some(sum)) => format!("{} ({n} reflections, {sum})", comparison.model),
        _ => comparison.model.clone(),
    }
}

/// One bullet per building, storey or room that moved beyond tolerance.
fn change_bullets(md: &mut String, changes: &[Change], limit: usize) {
    let mut groups: Vec<(String, Vec<&Change>)> = Vec::new();
    for change in changes {
        let label = match (&change.floor, &change.room) {
            (Some(floor), Some(room)) => format!("**{}** on `{floor}`", cell(room)),
            (Some(floor), None) => format!("storey `{floor}`"),
            _ => "whole building".to_owned(),
        };
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, list)) => list.push(change),
            None => groups.push((label, vec![change])),
        }
    }
    for (label, list) in groups.iter().take(limit) {
        let parts: Vec<String> = list
            .iter()
            .map(|c| match c.metric {
                "coverage_pct" => {
                    format!("coverage {} ({} pts)", pair(&c.values, "%"), change(&c.values, None))
                }
                "met_pct" => {
                    format!("coverage with SINR {} ({} pts)", pair(&c.values, "%"), change(&c.values, None))
                }
                "requirement" => {
                    let now = if c.values.candidate == Some(1.0) { "met" } else { "NOT met" };
                    let before = if c.values.base == Some(1.0) { "met" } else { "NOT met" };
                    let why =
                        c.note.as_deref().filter(|_| now == "NOT met").map_or_else(String::new, |n| format!(", {n}"));
                    format!("requirement {before} → **{now}**{why}")
                }
                "ap_count" => {
                    format!("APs {} → {}", -c.values.base.unwrap_or(0.0), -c.values.candidate.unwrap_or(0.0),)
                }
                _ => format!("median {} ({} dB)", pair(&c.values, " dBm"), change(&c.values, None)),
            })
            .collect();
        let _ = writeln!(md, "- {label}: {}", parts.join(", "));
    }
    if groups.len() > limit {
        let _ = writeln!(md, "- … and {} more (see the tables below)", groups.len() - limit);
    }
}

/// Most bullets in each of the regression and improvement lists.
const MAX_BULLETS: usize = 25;

/// The comparison as Markdown, fit for a pull-request comment: verdict,
/// key figures, what regressed and improved, then one table per storey.
/// With `embed_images`, the difference heatmaps are embedded (for
/// `compare.md` beside them); otherwise they are named.
pub fn markdown(comparison: &Comparison, embed_images: bool) -> String {
    let c = comparison;
    let t = c.tolerances;
    let mut md = String::new();
    let headline = match c.verdict {
        Verdict::Regressed => "❌ Wi-Fi coverage regresses",
        Verdict::Improved => "✅ Wi-Fi coverage improves",
        Verdict::Unchanged => "✅ Wi-Fi coverage unchanged (within tolerances)",
    };
    let _ = writeln!(md, "### {headline}\n");
    let _ = writeln!(
        md,
        "`{}` (base) → `{}` (candidate) · {} · {} m grid · tolerances: {} percentage point{} of room coverage, {} more AP{}, {}\n",
        c.base.file,
        c.candidate.file,
        model_text(c),
        c.resolution_m,
        t.pct,
        if t.pct == 1.0 { "" } else { "s" },
        t.aps,
        if t.aps == 1 { "" } else { "s" },
        t.db.map_or_else(|| "median signal shown, not judged".to_owned(), |db| format!("{db} dB of median signal")),
    );
    let _ = writeln!(md, "| | base | candidate | change |");
    let _ = writeln!(md, "|---|---:|---:|---:|");
    let _ = writeln!(
        md,
        "| building covered | {:.1}% | {:.1}% | {} pts |",
        c.coverage_pct.base.unwrap_or(0.0),
        c.coverage_pct.candidate.unwrap_or(0.0),
        change(&c.coverage_pct, None)
    );
    let _ = writeln!(
        md,
        "| rooms meeting their target | {} | {} | {} |",
        c.rooms_meeting_target.base,
        c.rooms_meeting_target.candidate,
        count_change(&c.rooms_meeting_target)
    );
    let _ = writeln!(
        md,
        "| access points | {} | {} | {} |",
        c.ap_count.base,
        c.ap_count.candidate,
        count_change(&c.ap_count)
    );

    if !c.regressions.is_empty() {
        let _ = writeln!(md, "\n**Regressions** (beyond the tolerances):\n");
        change_bullets(&mut md, &c.regressions, MAX_BULLETS);
    }
    if !c.improvements.is_empty() {
        let _ = writeln!(md, "\n**Improvements**:\n");
        change_bullets(&mut md, &c.improvements, MAX_BULLETS);
    }

    for floor in &c.floors {
        let _ = writeln!(
            md,
            "\n#### Storey `{}`: {} covered ({} pts), median {} ({} dB), APs {}\n",
            floor.id,
            pair(&floor.coverage_pct, "%"),
            change(&floor.coverage_pct, None),
            pair(&floor.median_dbm, " dBm"),
            change(&floor.median_dbm, t.db),
            if floor.ap_count.delta == 0 {
                floor.ap_count.base.to_string()
            } else {
                format!("{} → {}", floor.ap_count.base, floor.ap_count.candidate)
            }
        );
        if embed_images {
            let _ = writeln!(md, "![{0}]({0})\n", floor.image);
        }
        if floor.rooms.is_empty() {
            let _ = writeln!(md, "(no rooms in common: the storey's required area is compared above)");
        } else {
            let _ =
                writeln!(md, "| room | coverage | Δ pts | with SINR | Δ pts | median (dBm) | Δ dB | min (dBm) | Δ dB | serving APs | |");
            let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
            for room in &floor.rooms {
                let judged = room.status != RoomStatus::Excluded;
                let aps = room.serving_aps.text();
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {}{} |",
                    cell(&room.name),
                    pair(&room.coverage_pct, "%"),
                    change(&room.coverage_pct, judged.then_some(t.pct)),
                    pair(&room.met_pct, "%"),
                    change(&room.met_pct, judged.then_some(t.pct)),
                    pair(&room.median_dbm, ""),
                    change(&room.median_dbm, t.db.filter(|_| judged)),
                    pair(&room.min_dbm, ""),
                    change(&room.min_dbm, None),
                    cell(&aps),
                    status_label(room.status),
                    if judged && !room.meets_target[1] {
                        format!(" (requirement not met: {})", room.limited_by.name())
                    } else {
                        String::new()
                    }
                );
            }
        }
        let list = |names: &[String]| names.iter().map(|n| format!("`{}`", cell(n))).collect::<Vec<_>>().join(", ");
        if !floor.rooms_only_in_base.is_empty() {
            let _ = writeln!(md, "\nRooms only in the base (not compared): {}", list(&floor.rooms_only_in_base));
        }
        if !floor.rooms_only_in_candidate.is_empty() {
            let _ =
                writeln!(md, "\nRooms only in the candidate (not compared): {}", list(&floor.rooms_only_in_candidate));
        }
    }
    let storeys = |ids: &[String]| ids.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    if !c.floors_only_in_base.is_empty() {
        let _ = writeln!(md, "\nStoreys only in the base (not compared): {}", storeys(&c.floors_only_in_base));
    }
    if !c.floors_only_in_candidate.is_empty() {
        let _ =
            writeln!(md, "\nStoreys only in the candidate (not compared): {}", storeys(&c.floors_only_in_candidate));
    }
    if !c.notes.is_empty() {
        let _ = writeln!(md, "\nNotes:");
        for note in &c.notes {
            let _ = writeln!(md, "- {note}");
        }
    }
    if !embed_images && !c.images.is_empty() {
        let names: Vec<String> = c.images.iter().map(|i| format!("`{i}`")).collect();
        let _ = writeln!(
            md,
            "\nDifference heatmaps (candidate − base, blue stronger, red weaker): {} in the output folder.",
            names.join(", ")
        );
    }
    let _ = writeln!(
        md,
        "\n<sub>Judged: what the requirement judges — each room's coverage (signal, and signal with SINR), its verdict (signal, SINR, capacity), the AP count; median RSSI only with --tolerance-db. Building and storey coverage, minimum RSSI and serving APs are shown, not judged. Generated by wifiplan compare.</sub>"
    );
    md
}

/// A room's status in the tables.
fn status_label(status: RoomStatus) -> &'static str {
    match status {
        RoomStatus::Regressed => "❌ regressed",
        RoomStatus::Improved => "⬆️ improved",
        RoomStatus::WithinTolerance => "within tolerance",
        RoomStatus::Unchanged => "unchanged",
        RoomStatus::Excluded => "excluded",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_changes_read_well() {
        assert_eq!(signed(-0.01), "0.0");
        assert_eq!(signed(2.345), "+2.3");
        assert_eq!(signed(-12.0), "-12.0");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
