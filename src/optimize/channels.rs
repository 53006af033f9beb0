//! Channel assignment: give each AP a channel so that APs whose cells
//! overlap share as little spectrum as possible, among the channels the
//! country allows at the AP's power ([`allowed_plan`], [`crate::regulatory`]).
//!
//! The cost of a pair is the area (m²) where both are heard above the
//! clear-channel-assessment level, times the share of spectrum their
//! channels share ([`radio::spectral_overlap`]). Channels are given in order
//! of decreasing total overlap (the DSatur idea, Brélaz 1979), each AP
//! taking the cheapest channel, preferring non-DFS 5 GHz channels (no
//! radar-detection outages) and, on ties, the lowest number; then single
//! changes are applied while any lowers the total cost.

use crate::radio;
use crate::radio::Band;
use crate::regulatory::Rules;
use crate::scene::AccessPoint;
use crate::units::Real;

/// Received level above which an AP defers to another on its channel:
/// −82 dBm, the 802.11 preamble-detection threshold for a 20 MHz channel
/// (IEEE Std 802.11-2020, §17.3.10.6, "CCA requirements").
pub const CCA_DBM: Real = -82.0;

/// The channels an AP of `band` and `width` may use, preferred first:
/// 2.4 GHz 1/6/11 (the only non-overlapping 20 MHz set); 5 GHz non-DFS
/// (UNII-1, UNII-3) before DFS (UNII-2, UNII-2e); 6 GHz preferred scanning
/// channels (PSC: 5, 21, 37, …) first. Wide channels use the first
/// channel of each aligned block.
pub fn channel_plan(band: Band, width: u32) -> Vec<u32> {
    match band {
        Band::Ghz2_4 => vec![1, 6, 11],
        Band::Ghz5 => {
            let blocks = |channels: &[u32]| -> Vec<u32> {
                channels.iter().copied().filter(|&c| is_block_start(Band::Ghz5, c, width)).collect()
            };
            let non_dfs: Vec<u32> =
                radio::channels(Band::Ghz5).into_iter().filter(|&c| !radio::is_dfs(band, c)).collect();
            let dfs: Vec<u32> = radio::channels(Band::Ghz5).into_iter().filter(|&c| radio::is_dfs(band, c)).collect();
            let mut list = blocks(&non_dfs);
            list.extend(blocks(&dfs));
            list
        }
        Band::Ghz6 => {
            let all: Vec<u32> = (1..=233).step_by(4).filter(|&c| is_block_start(Band::Ghz6, c, width)).collect();
            let (psc, other): (Vec<u32>, Vec<u32>) = all.into_iter().partition(|c| (c + 11) % 16 == 0);
            psc.into_iter().chain(other).collect()
        }
    }
}

/// The channels a new AP of `band` and `width` radiating `eirp_dbm` may
/// use under `rules`, preferred first ([`channel_plan`]'s order): allowed
/// there, DFS only with `dfs`, and with an EIRP limit at or above the AP's.
pub fn allowed_plan(rules: &Rules, band: Band, width: u32, dfs: bool, eirp_dbm: Real) -> Vec<u32> {
    channel_plan(band, width)
        .into_iter()
        .filter(|&c| {
            rules.channel(band, c, width).is_some_and(|rule| (dfs || !rule.dfs) && rule.max_eirp_dbm >= eirp_dbm - 1e-9)
        })
        .collect()
}

/// The channel choices of an AP under `rules`: those of
/// [`allowed_plan`] at its EIRP, or, when its EIRP is above every allowed
/// channel's limit (a fixed AP the plan keeps as it is), every allowed
/// channel.
pub fn choices_for(rules: &Rules, dfs: bool, ap: &AccessPoint) -> Vec<u32> {
    let at_power = allowed_plan(rules, ap.band, ap.channel_width, dfs, ap.eirp_dbm());
    if at_power.is_empty() {
        allowed_plan(rules, ap.band, ap.channel_width, dfs, Real::NEG_INFINITY)
    } else {
        at_power
    }
}

/// Whether `channel` is the lowest 20 MHz channel of its `width` block.
fn is_block_start(band: Band, channel: u32, width: u32) -> bool {
    let (low, _) = radio::occupied_band(band, channel, width);
    (radio::centre_frequency(band, channel).hz() / 1e6 - 10.0 - low).abs() < 1e-6
}

/// Assigns channels. `overlap[a][b]` is the area where both APs are heard
/// above [`CCA_DBM`]; `fixed[a]` keeps AP `a`'s current channel;
/// `choices(ap)` lists the channels an AP may take, preferred first.
pub fn assign(
    aps: &mut [AccessPoint],
    overlap: &[Vec<Real>],
    fixed: &[bool],
    choices: &dyn Fn(&AccessPoint) -> Vec<u32>,
) {
    let n = aps.len();
    let cost = |aps: &[AccessPoint], a: usize, channel: u32| -> Real {
        let band = radio::occupied_band(aps[a].band, channel, aps[a].channel_width);
        (0..n)
            .filter(|&b| b != a && aps[b].band == aps[a].band)
            .map(|b| overlap[a][b] * radio::spectral_overlap(band, aps[b].occupied_band()))
            .sum()
    };
    let mut order: Vec<usize> = (0..n).filter(|&a| !fixed[a]).collect();
    order.sort_by(|&a, &b| {
        let (wa, wb): (Real, Real) = (overlap[a].iter().sum(), overlap[b].iter().sum());
        wb.total_cmp(&wa).then(a.cmp(&b))
    });
    // Only APs that already have their channel count against the next one.
    let mut assigned = fixed.to_vec();
    for &a in &order {
        let options = choices(&aps[a]);
        let best = options
            .iter()
            .enumerate()
            .map(|(rank, &channel)| {
                let c: Real = (0..n)
                    .filter(|&b| assigned[b] && b != a && aps[b].band == aps[a].band)
                    .map(|b| {
                        let band = radio::occupied_band(aps[a].band, channel, aps[a].channel_width);
                        overlap[a][b] * radio::spectral_overlap(band, aps[b].occupied_band())
                    })
                    .sum();
                (c, rank, channel)
            })
            .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        if let Some((_, _, channel)) = best {
            set_channel(&mut aps[a], channel);
        }
        assigned[a] = true;
    }
    // Single changes while any lowers the total (each strictly lowers a
    // finite sum, so this ends).
    for _ in 0..100 {
        let mut improved = false;
        for &a in &order {
            let current = cost(aps, a, aps[a].channel);
            let options = choices(&aps[a]);
            if let Some(&channel) = options.iter().find(|&&c| cost(aps, a, c) < current - 1e-9) {
                set_channel(&mut aps[a], channel);
                improved = true;
            }
        }
        if !improved {
            break;
        }
    }
}

fn set_channel(ap: &mut AccessPoint, channel: u32) {
    ap.channel = channel;
    ap.frequency = radio::centre_frequency(ap.band, channel);
}

/// Total co-channel cost of an assignment (m² of overlap × shared spectrum).
pub fn total_cost(aps: &[AccessPoint], overlap: &[Vec<Real>]) -> Real {
    let mut total = 0.0;
    for a in 0..aps.len() {
        for b in a + 1..aps.len() {
            if aps[a].band == aps[b].band {
                total += overlap[a][b] * radio::spectral_overlap(aps[a].occupied_band(), aps[b].occupied_band());
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_plans() {
        assert_eq!(channel_plan(Band::Ghz2_4, 20), vec![1, 6, 11]);
        let five = channel_plan(Band::Ghz5, 20);
        assert_eq!(&five[..4], &[36, 40, 44, 48]);
        assert!(five.iter().position(|&c| c == 149).unwrap() < five.iter().position(|&c| c == 52).unwrap());
        assert_eq!(&channel_plan(Band::Ghz5, 80)[..2], &[36, 149]);
        assert_eq!(channel_plan(Band::Ghz6, 20)[0], 5);
    }

    #[test]
    fn plans_keep_to_the_country() {
        let fr = crate::regulatory::parse_country("FR").unwrap();
        // 20 dBm + 3 dBi in France without DFS: 36–48 only (149–173 are
        // short-range-device channels at 14 dBm).
        assert_eq!(allowed_plan(&fr, Band::Ghz5, 20, false, 23.0), vec![36, 40, 44, 48]);
        let with_dfs = allowed_plan(&fr, Band::Ghz5, 20, true, 23.0);
        assert!(with_dfs.contains(&100) && !with_dfs.contains(&144) && !with_dfs.contains(&169), "{with_dfs:?}");
        assert!(allowed_plan(&fr, Band::Ghz5, 20, false, 14.0).contains(&149));
        assert_eq!(allowed_plan(&Rules::Everywhere, Band::Ghz5, 20, true, 23.0), vec![36, 40, 44, 48]);
        assert!(allowed_plan(&Rules::Everywhere, Band::Ghz5, 20, true, 24.0).is_empty());
        let us = crate::regulatory::parse_country("US").unwrap();
        assert_eq!(&allowed_plan(&us, Band::Ghz5, 20, false, 23.0)[..6], &[36, 40, 44, 48, 149, 153]);
    }
}
