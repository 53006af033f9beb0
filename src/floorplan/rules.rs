//! Checks of the plan keys that refer to rules kept elsewhere: the
//! `country`, and each AP's channel and e.i.r.p. against that country's
//! regulatory tables ([`crate::regulatory`]); the requirement keys (the
//! preset name, the SINR and client limits; [`crate::requirement`]).
//!
//! The regulatory tables sit below the plan format and the requirement's
//! resolution above it (it needs the scene), so these checks, which read
//! the plan, live here, where [`super::validate`] runs them with its own.

use super::{FloorPlan, Preset};
use crate::radio;
use crate::regulatory::parse_country;
use crate::units::Real;

/// A problem with a plan's rules: the path of the value to change, the
/// message and a hint.
type Problem = (String, String, Option<String>);

/// Checks the plan's `country` and, when it names one, every AP's channel
/// (given or default) and EIRP against its rules.
pub fn regulatory_problems(plan: &FloorPlan) -> Vec<Problem> {
    let mut problems = Vec::new();
    let Some(text) = plan.defaults.country.as_deref() else { return problems };
    let rules = match parse_country(text) {
        Ok(rules) => rules,
        Err((message, hint)) => {
            problems.push(("defaults.country".to_owned(), message, Some(hint)));
            return problems;
        }
    };
    let code = rules.code().unwrap_or_default().to_owned();
    let d = &plan.defaults;
    for (i, ap) in plan.aps.iter().enumerate() {
        let band = ap.band.unwrap_or(d.band);
        let channel = ap.channel.unwrap_or_else(|| radio::default_channel(band));
        let width = ap.channel_width.unwrap_or(d.channel_width);
        if !radio::is_valid_channel(band, channel) || ![20, 40, 80, 160].contains(&width) {
            continue; // reported by the band and width checks
        }
        let channel_path = if ap.channel.is_some() { format!("aps[{i}].channel") } else { format!("aps[{i}].id") };
        let Some(rule) = rules.channel(band, channel, width) else {
            let (low, high) = radio::occupied_band(band, channel, width);
            let hint = format!("{band} channels allowed in {code} at {width} MHz: {}", rules.describe(band, width));
            problems.push((
                channel_path,
                format!(
                    "AP `{}`: {band} channel {channel} at {width} MHz ({low:.0}–{high:.0} MHz) is not allowed in {code}",
                    ap.id
                ),
                Some(hint),
            ));
            continue;
        };
        let power = ap.tx_power_dbm.unwrap_or(d.tx_power_dbm);
        let gain = ap.antenna_gain_dbi.unwrap_or(d.antenna_gain_dbi);
        let eirp = power + gain;
        if eirp.is_finite() && eirp > rule.max_eirp_dbm + 1e-9 {
            // Point at what the AP itself sets: its power, its antenna,
            // else its channel (a channel with a low limit).
            let path = if ap.tx_power_dbm.is_some() {
                format!("aps[{i}].tx_power_dbm")
            } else if ap.antenna_gain_dbi.is_some() {
                format!("aps[{i}].antenna_gain_dbi")
            } else {
                channel_path
            };
            problems.push((
                path,
                format!(
                    "AP `{}`: e.i.r.p. {} dBm ({} dBm + {} dBi) on {band} channel {channel} is above the {} dBm {code} allows there",
                    ap.id, eirp, power, gain, rule.max_eirp_dbm
                ),
                Some(format!(
                    "set tx_power_dbm = {} or less ({}); {band} channels in {code}: {}",
                    rule.max_eirp_dbm - gain,
                    rule.source,
                    rules.describe(band, width)
                )),
            ));
        }
    }
    problems
}

/// Checks the requirement keys of a plan: the preset name and the ranges
/// of the SINR and client limits (the path of the value, the message and a
/// hint).
pub fn requirement_problems(plan: &FloorPlan) -> Vec<Problem> {
    let mut problems = Vec::new();
    let d = &plan.defaults;
    if let Some(name) = &d.requirement {
        if Preset::parse(name).is_none() {
            problems.push((
                "defaults.requirement".to_owned(),
                format!("unknown requirement `{name}`"),
                Some(
                    "use \"voice\" (-67 dBm, 25 dB), \"data\" (-70 dBm, 20 dB) or \"iot\" (-75 dBm, 10 dB)".to_owned(),
                ),
            ));
        }
    }
    let sinr = |path: String, value: Real, problems: &mut Vec<Problem>| {
        if !(value.is_finite() && (-10.0..=60.0).contains(&value)) {
            problems.push((
                path,
                format!("min_sinr_db is {value} dB, outside the sensible range -10 to 60 dB"),
                Some("give the minimum SINR in dB, e.g. 20 for data, 25 for voice".to_owned()),
            ));
        }
    };
    if let Some(v) = d.min_sinr_db {
        sinr("defaults.min_sinr_db".to_owned(), v, &mut problems);
    }
    if d.max_clients_per_ap == Some(0) {
        problems.push((
            "defaults.max_clients_per_ap".to_owned(),
            "max_clients_per_ap must be at least 1".to_owned(),
            Some("a classroom AP typically serves 25-50 clients".to_owned()),
        ));
    }
    for (f, floor) in plan.floors.iter().enumerate() {
        if floor.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            problems.push((
                format!("floors[{f}].name"),
                "storey name is empty".to_owned(),
                Some("leave `name` out to show the id, or write e.g. \"Rez-de-chaussée\"".to_owned()),
            ));
        }
        for (r, room) in floor.rooms.iter().enumerate() {
            if let Some(v) = room.min_sinr_db {
                sinr(format!("floors[{f}].rooms[{r}].min_sinr_db"), v, &mut problems);
            }
        }
    }
    problems
}
