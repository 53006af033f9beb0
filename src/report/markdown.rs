//! `report.md`: the report as a readable Markdown document.

use std::fmt::Write;

use super::Report;

fn dbm(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

/// Renders the report as Markdown.
pub fn markdown(report: &Report, images: &[String]) -> String {
    let mut md = String::new();
    let verdict = if report.requirement_met { "met" } else { "NOT met" };
    let _ = writeln!(md, "# Wi-Fi coverage: {}\n", report.plan);
    let _ = writeln!(md, "- plan file: `{}`", report.file);
    let _ = writeln!(md, "- model: `{}` {}", report.model, report.model_parameters);
    let _ = writeln!(
        md,
        "- grid: {} m cells, receivers {} m above the floor",
        report.resolution_m, report.receiver_height_m
    );
    let _ = writeln!(md, "- requirement: {} (room overrides apply): **{verdict}**", report.requirement.summary());
    let _ = writeln!(md, "- requirement from: {}", report.requirement.origin);
    let _ = writeln!(md, "- channel rules: {}", report.regulatory.note);
    if let Some(band) = &report.band {
        let _ = writeln!(md, "- judged on the {band} GHz APs alone (the plan has several bands; see below)");
    }
    let _ = writeln!(md, "- whole building: **{:.1}%** covered", report.coverage_pct);
    let _ = writeln!(md, "- run time: {:.2} s\n", report.run_time_s);

    let _ = writeln!(md, "## Access points\n");
    let _ = writeln!(
        md,
        "| AP | floor | x (m) | y (m) | z (m) | band | channel | width (MHz) | power (dBm) | gain (dBi) | clients | needed for |"
    );
    let _ = writeln!(md, "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|");
    for ap in &report.aps {
        let _ = writeln!(
            md,
            "| {} | {} | {:.2} | {:.2} | {:.2} | {} GHz | {} | {} | {:.1} | {:.1} | {:.1} | {} |",
            ap.id,
            ap.floor,
            ap.x,
            ap.y,
            ap.z,
            ap.band,
            ap.channel,
            ap.channel_width_mhz,
            ap.tx_power_dbm,
            ap.antenna_gain_dbi,
            ap.clients,
            if ap.needed_for.is_empty() { "–".to_owned() } else { ap.needed_for.join(", ") }
        );
    }
    if report.aps.is_empty() {
        let _ = writeln!(md, "| (none) | | | | | | | | | | | |");
    }
    if let Some(result) = &report.result {
        let n = result.needed_for;
        let _ = writeln!(
            md,
            "\nNew APs: {} for coverage, {} for capacity (at most {} clients per AP), {} for SINR; {} fixed. Channels offered: {}; e.i.r.p. {} dBm.",
            n.coverage,
            n.capacity,
            report.requirement.max_clients_per_ap,
            n.sinr,
            result.fixed_aps,
            result.channels.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
            result.eirp_dbm
        );
    }
    if !report.notes.is_empty() {
        let _ = writeln!(md, "\n## Notes\n");
        for note in &report.notes {
            let _ = writeln!(md, "- {note}");
        }
    }

    for floor in &report.floors {
        let title =
            if floor.name == floor.id { format!("`{}`", floor.id) } else { format!("{} (`{}`)", floor.name, floor.id) };
        let _ = writeln!(
            md,
            "\n## Floor {title}: {:.1}% of {:.0} m² covered (median {} dBm)\n",
            floor.coverage_pct,
            floor.required_area_m2,
            dbm(floor.median_dbm)
        );
        for image in images.iter().filter(|i| i.starts_with(&format!("{}-", floor.id))) {
            let _ = writeln!(md, "![{image}]({image})");
        }
        if floor.rooms.is_empty() {
            let _ = writeln!(md, "\n(no rooms: the area inside the outer walls is required)");
            continue;
        }
        let _ = writeln!(
            md,
            "\n| room | coverage | with SINR | target | median (dBm) | min (dBm) | serving APs | clients (per AP) | limited by | |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---|---|---|---|");
        for room in &floor.rooms {
            let status = if room.excluded {
                "excluded"
            } else if room.meets_target {
                "ok"
            } else {
                "**below target**"
            };
            let shares: Vec<String> =
                room.clients_per_ap.iter().map(|c| format!("{} {:.1}", c.ap, c.clients)).collect();
            let clients = if shares.is_empty() {
                room.clients.to_string()
            } else {
                format!("{} ({})", room.clients, shares.join(", "))
            };
            let _ = writeln!(
                md,
                "| {} | {:.1}% | {:.1}% | {:.0}% ≥ {} dBm, SINR ≥ {} dB | {} | {} | {} | {clients}{} | {} | {status} |",
                room.name,
                room.coverage_pct,
                room.met_pct,
                room.target_coverage_pct,
                room.threshold_dbm,
                room.min_sinr_db,
                dbm(room.median_dbm),
                dbm(room.min_dbm),
                room.serving_aps.join(", "),
                if room.capacity_ok { "" } else { " — do not fit" },
                if room.excluded { "–" } else { room.limited_by.name() },
            );
        }
    }

    for band in &report.bands {
        let _ = writeln!(
            md,
            "\n## {} GHz alone: {} AP{}, {:.1}% covered, requirement {}\n",
            band.band,
            band.ap_count,
            if band.ap_count == 1 { "" } else { "s" },
            band.coverage_pct,
            if band.requirement_met { "met" } else { "NOT met" }
        );
        let _ = writeln!(md, "| storey | room | coverage | with SINR | limited by | |");
        let _ = writeln!(md, "|---|---|---:|---:|---|---|");
        for floor in &band.floors {
            for room in floor.rooms.iter().filter(|r| !r.excluded) {
                let _ = writeln!(
                    md,
                    "| {} | {} | {:.1}% | {:.1}% | {} | {} |",
                    floor.id,
                    room.name,
                    room.coverage_pct,
                    room.met_pct,
                    room.limited_by.name(),
                    if room.meets_target { "ok" } else { "**below target**" }
                );
            }
        }
    }

    if !report.probes.is_empty() {
        let _ = writeln!(md, "\n## Probes\n");
        for probe in &report.probes {
            let _ = writeln!(
                md,
                "- ({}, {}) on `{}` at z = {} m: **{} dBm** from {}, SINR {} dB",
                probe.x,
                probe.y,
                probe.floor,
                probe.z,
                dbm(probe.rssi_dbm),
                probe.server.as_deref().unwrap_or("no AP"),
                dbm(probe.sinr_db)
            );
            for ap in &probe.per_ap {
                let _ = write!(md, "  - {}: {:.1} dBm", ap.id, ap.rssi_dbm);
                if let Some(path) = &ap.direct_path {
                    let _ =
                        write!(md, " = direct path {:.2} m, free space −{:.1} dB", path.distance_m, path.free_space_db);
                    if let Some(antenna) = path.antenna_db {
                        let _ = write!(md, ", antenna pattern −{antenna:.1} dB");
                    }
                    for c in &path.crossings {
                        let _ = write!(md, ", {} −{:.1} dB at {:.0}°", c.what, c.loss_db, c.incidence_deg);
                    }
                }
                let _ = writeln!(md);
            }
            if !probe.paths.is_empty() {
                let _ = writeln!(md, "\n  | # | AP | power (dBm) | length (m) | free space (dB) | reflections (dB) | walls, slabs (dB) | interactions |");
                let _ = writeln!(md, "  |---:|---|---:|---:|---:|---:|---:|---|");
                for (rank, path) in probe.paths.iter().enumerate() {
                    let _ = writeln!(
                        md,
                        "  | {} | {} | {:.1} | {:.2} | {:.1} | {:.1} | {:.1} | {} |",
                        rank + 1,
                        path.ap,
                        path.power_dbm,
                        path.length_m,
                        path.free_space_db,
                        path.reflection_db,
                        path.transmission_db,
                        path.antenna_db.map_or_else(
                            || path.interactions.join("; "),
                            |a| format!("antenna pattern −{a:.1} dB; {}", path.interactions.join("; "))
                        )
                    );
                }
            }
        }
    }
    md
}
