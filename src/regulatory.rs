//! Regulatory domains: which Wi-Fi channels a country allows, which of them
//! need DFS (radar detection), and the highest EIRP on each.
//!
//! A domain is a list of frequency ranges, each with its EIRP limit (and a
//! power-spectral-density limit where the rule has one), whether it needs
//! DFS, and its source. A channel of any width is allowed when the spectrum
//! it occupies ([`radio::occupied_band`]) lies inside the domain's ranges;
//! its limit is the lowest limit of the ranges it touches, and it needs DFS
//! when any of them does. Channels may not straddle a short-range-device
//! range and a Wi-Fi (RLAN) range: they are different regimes. 2.4 GHz
//! channels are listed explicitly (1–13 in Europe, 1–11 in North America),
//! because the band's edges, not its ranges, decide there.
//!
//! The tables (EIRP limits are those for devices with transmit power
//! control, as enterprise APs have; without TPC the ETSI limits of the DFS
//! ranges are 3 dB lower):
//!
//! | domain | 2.4 GHz | 5150–5250 | 5250–5350 (DFS) | 5470–5725 (DFS) | 5725–5850/5875 | 6 GHz (indoor) |
//! |---|---|---|---|---|---|---|
//! | EU/CEPT, CH | 1–13, 20 dBm | 23 dBm, indoor | 23 dBm, indoor | 30 dBm | 149–173 as SRD, 14 dBm | 5945–6425, 23 dBm |
//! | GB | 1–13, 20 dBm | 23 dBm, indoor | 23 dBm, indoor | 30 dBm | 149–165, 23 dBm, indoor | 5925–6425, 24 dBm |
//! | US | 1–11, 36 dBm | 36 dBm | 30 dBm | 30 dBm (to 144) | 149–165, 36 dBm | 5925–7125, 5 dBm/MHz, ≤ 30 dBm |
//! | CA | 1–11, 36 dBm | 23 dBm, indoor | 30 dBm | 30 dBm (to 144) | 149–165, 36 dBm | 5925–7125, 5 dBm/MHz, ≤ 30 dBm |
//!
//! Sources, per range in the tables below: ETSI EN 300 328 and ERC/REC
//! 70-03 Annex 3 (2.4 GHz in CEPT), ECC/DEC/(04)08, Commission Decision
//! 2005/513/EC (amended by 2007/90/EC) and ETSI EN 301 893 (5 GHz RLAN in
//! CEPT), ERC/REC 70-03 Annex 1 and ETSI EN 300 440 (5725–5875 MHz
//! short-range devices, 25 mW), ECC/DEC/(20)01 and Commission
//! Implementing Decision (EU) 2021/1067 (6 GHz), Ofcom IR 2030 (GB),
//! OFCOM/BAKOM RIR1010-05 and RIR1010-11 (CH), 47 CFR §15.247 and §15.407
//! (US), ISED RSS-247 and RSS-248 (CA).
//!
//! Without a country, `plan` uses only what every one of these domains
//! allows: 2.4 GHz channels 1, 6 and 11 at 20 dBm and 5 GHz channels 36–48
//! at 23 dBm, and no 6 GHz channel; placed APs are then not checked.
//! U-NII-4 (5850–5895 MHz, channels 169–177 in the US and Canada) is not in
//! the tables: few clients use it and its rules are for indoor use under
//! conditions this tool does not model.

use std::fmt::Write as _;

use crate::radio;
use crate::radio::Band;
use crate::units::Real;

/// One frequency range of a regulatory domain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrequencyRange {
    /// Lower edge, MHz.
    pub low_mhz: Real,
    /// Upper edge, MHz.
    pub high_mhz: Real,
    /// Highest EIRP, dBm.
    pub max_eirp_dbm: Real,
    /// Highest EIRP density, dBm/MHz, where the rule has one.
    pub psd_dbm_per_mhz: Option<Real>,
    /// Transmitters must detect radars and leave the channel (DFS).
    pub dfs: bool,
    /// Indoor use only.
    pub indoor_only: bool,
    /// Short-range-device rules rather than Wi-Fi (RLAN) rules.
    pub srd: bool,
    /// Where the numbers come from.
    pub source: &'static str,
}

impl FrequencyRange {
    /// The EIRP limit for a channel `width_mhz` wide, dBm: the range's
    /// limit, or its density limit over the width when that is lower.
    pub fn limit_dbm(&self, width_mhz: u32) -> Real {
        match self.psd_dbm_per_mhz {
            Some(psd) => self.max_eirp_dbm.min(psd + 10.0 * (width_mhz.max(20) as Real).log10()),
            None => self.max_eirp_dbm,
        }
    }
}

/// A regulatory domain: the rules of one country or group of countries.
#[derive(Debug, PartialEq)]
pub struct Domain {
    /// Short name: `EU/CEPT`, `GB`, `CH`, `US`, `CA`.
    pub name: &'static str,
    /// The highest 2.4 GHz channel (13 in Europe, 11 in North America).
    pub highest_2_4_channel: u32,
    /// The ranges, in frequency order.
    pub ranges: &'static [FrequencyRange],
}

const fn range(
    low_mhz: Real,
    high_mhz: Real,
    max_eirp_dbm: Real,
    dfs: bool,
    indoor_only: bool,
    source: &'static str,
) -> FrequencyRange {
    FrequencyRange { low_mhz, high_mhz, max_eirp_dbm, psd_dbm_per_mhz: None, dfs, indoor_only, srd: false, source }
}

const CEPT_24: &str = "ETSI EN 300 328, ERC/REC 70-03 Annex 3: 100 mW e.i.r.p.";
const CEPT_5_LOW: &str = "ECC/DEC/(04)08, Decision 2005/513/EC, ETSI EN 301 893: 200 mW e.i.r.p., indoor";
const CEPT_5_MID: &str = "ECC/DEC/(04)08, Decision 2005/513/EC, ETSI EN 301 893: 200 mW e.i.r.p. with TPC, DFS, indoor";
const CEPT_5_HIGH: &str = "ECC/DEC/(04)08, Decision 2005/513/EC, ETSI EN 301 893: 1 W e.i.r.p. with TPC, DFS";
const CEPT_SRD: &str = "ERC/REC 70-03 Annex 1, ETSI EN 300 440: non-specific short-range devices, 25 mW e.i.r.p.";
const CEPT_6: &str = "ECC/DEC/(20)01, Decision (EU) 2021/1067, ETSI EN 303 687: 200 mW e.i.r.p., 10 dBm/MHz, indoor";

/// The EU/EEA countries and the other CEPT administrations that apply the
/// same harmonised decisions (ECC/DEC/(04)08, ECC/DEC/(20)01).
pub const EU_CEPT: Domain = Domain {
    name: "EU/CEPT",
    highest_2_4_channel: 13,
    ranges: &[
        range(2400.0, 2483.5, 20.0, false, false, CEPT_24),
        range(5150.0, 5250.0, 23.0, false, true, CEPT_5_LOW),
        range(5250.0, 5350.0, 23.0, true, true, CEPT_5_MID),
        range(5470.0, 5725.0, 30.0, true, false, CEPT_5_HIGH),
        FrequencyRange { srd: true, ..range(5725.0, 5875.0, 14.0, false, false, CEPT_SRD) },
        FrequencyRange { psd_dbm_per_mhz: Some(10.0), ..range(5945.0, 6425.0, 23.0, false, true, CEPT_6) },
    ],
};

/// Switzerland (and Liechtenstein): OFCOM's interface regulations, which
/// follow the CEPT decisions.
pub const CH: Domain = Domain {
    name: "CH",
    highest_2_4_channel: 13,
    ranges: &[
        range(
            2400.0,
            2483.5,
            20.0,
            false,
            false,
            "OFCOM RIR1010 (2.4 GHz wideband data), ETSI EN 300 328: 100 mW e.i.r.p.",
        ),
        range(5150.0, 5250.0, 23.0, false, true, "OFCOM RIR1010-05: 200 mW e.i.r.p., indoor"),
        range(5250.0, 5350.0, 23.0, true, true, "OFCOM RIR1010-05: 200 mW e.i.r.p. with TPC, DFS, indoor"),
        range(
            5470.0,
            5725.0,
            30.0,
            true,
            false,
            "OFCOM RIR1010 (5470–5725 MHz), ECC/DEC/(04)08: 1 W e.i.r.p. with TPC, DFS",
        ),
        FrequencyRange {
            srd: true,
            ..range(
                5725.0,
                5875.0,
                14.0,
                false,
                false,
                "OFCOM RIR (ERC/REC 70-03 Annex 1): short-range devices, 25 mW e.i.r.p.",
            )
        },
        FrequencyRange {
            psd_dbm_per_mhz: Some(10.0),
            ..range(5945.0, 6425.0, 23.0, false, true, "OFCOM RIR1010-11, ECC/DEC/(20)01: 200 mW e.i.r.p. LPI, indoor")
        },
    ],
};

/// The United Kingdom: Ofcom IR 2030 (licence-exempt short-range devices).
pub const GB: Domain = Domain {
    name: "GB",
    highest_2_4_channel: 13,
    ranges: &[
        range(2400.0, 2483.5, 20.0, false, false, "Ofcom IR 2030, ETSI EN 300 328: 100 mW e.i.r.p."),
        range(5150.0, 5250.0, 23.0, false, true, "Ofcom IR 2030: 200 mW e.i.r.p., indoor"),
        range(5250.0, 5350.0, 23.0, true, true, "Ofcom IR 2030: 200 mW e.i.r.p. with TPC, DFS, indoor"),
        range(5470.0, 5725.0, 30.0, true, false, "Ofcom IR 2030: 1 W e.i.r.p. with TPC, DFS"),
        range(
            5725.0,
            5850.0,
            23.0,
            false,
            true,
            "Ofcom IR 2030 (5.8 GHz, since 2017, DFS lifted 2021): 200 mW e.i.r.p., indoor",
        ),
        FrequencyRange {
            psd_dbm_per_mhz: Some(11.0),
            ..range(5925.0, 6425.0, 24.0, false, true, "Ofcom IR 2030 (lower 6 GHz, 2020): 250 mW e.i.r.p., indoor")
        },
    ],
};

/// The United States: FCC 47 CFR Part 15.
pub const US: Domain = Domain {
    name: "US",
    highest_2_4_channel: 11,
    ranges: &[
        range(2400.0, 2483.5, 36.0, false, false, "47 CFR §15.247(b)(3), (c)(1): 1 W conducted, 6 dBi"),
        range(5150.0, 5250.0, 36.0, false, false, "47 CFR §15.407(a)(1) (U-NII-1): 1 W conducted, 6 dBi"),
        range(5250.0, 5350.0, 30.0, true, false, "47 CFR §15.407(a)(2), (h) (U-NII-2A): 250 mW conducted, 6 dBi, DFS"),
        range(5470.0, 5725.0, 30.0, true, false, "47 CFR §15.407(a)(2), (h) (U-NII-2C): 250 mW conducted, 6 dBi, DFS"),
        range(5725.0, 5850.0, 36.0, false, false, "47 CFR §15.407(a)(3) (U-NII-3): 1 W conducted, 6 dBi"),
        FrequencyRange {
            psd_dbm_per_mhz: Some(5.0),
            ..range(
                5925.0,
                7125.0,
                30.0,
                false,
                true,
                "47 CFR §15.407(a)(5) (U-NII-5 to 8, low-power indoor): 5 dBm/MHz, 30 dBm",
            )
        },
    ],
};

/// Canada: ISED RSS-247 (2.4 and 5 GHz) and RSS-248 (6 GHz).
pub const CA: Domain = Domain {
    name: "CA",
    highest_2_4_channel: 11,
    ranges: &[
        range(2400.0, 2483.5, 36.0, false, false, "ISED RSS-247: 4 W e.i.r.p."),
        range(5150.0, 5250.0, 23.0, false, true, "ISED RSS-247: 200 mW e.i.r.p., indoor"),
        range(5250.0, 5350.0, 30.0, true, false, "ISED RSS-247: 1 W e.i.r.p. with TPC, DFS"),
        range(5470.0, 5725.0, 30.0, true, false, "ISED RSS-247: 1 W e.i.r.p. with TPC, DFS"),
        range(5725.0, 5850.0, 36.0, false, false, "ISED RSS-247: 1 W conducted, 6 dBi"),
        FrequencyRange {
            psd_dbm_per_mhz: Some(5.0),
            ..range(5925.0, 7125.0, 30.0, false, true, "ISED RSS-248 (low-power indoor): 5 dBm/MHz, 30 dBm")
        },
    ],
};

/// ISO 3166 alpha-2 codes of the countries that apply [`EU_CEPT`]: the 27
/// EU member states and Iceland, Liechtenstein and Norway (EEA).
pub const EU_CEPT_COUNTRIES: [&str; 30] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT",
    "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// The domain of a country code (upper case, ISO 3166 alpha-2).
pub fn domain(code: &str) -> Option<&'static Domain> {
    match code {
        "GB" => Some(&GB),
        "CH" => Some(&CH),
        "US" => Some(&US),
        "CA" => Some(&CA),
        _ if EU_CEPT_COUNTRIES.contains(&code) => Some(&EU_CEPT),
        _ => None,
    }
}

/// The rules a plan is held to.
#[derive(Clone, Debug, PartialEq)]
pub enum Rules {
    /// No country given: only what every domain here allows.
    Everywhere,
    /// A country's rules.
    Country {
        /// ISO 3166 alpha-2 code, upper case.
        code: String,
        /// Its domain.
        domain: &'static Domain,
    },
}

/// What a domain says about one channel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChannelRule {
    /// Highest EIRP, dBm.
    pub max_eirp_dbm: Real,
    /// Needs DFS.
    pub dfs: bool,
    /// Indoor use only.
    pub indoor_only: bool,
    /// Allowed only under short-range-device rules.
    pub srd: bool,
    /// The source of the tightest range the channel touches.
    pub source: &'static str,
}

/// Reads a country code as written (any case, surrounding spaces).
/// `Err` holds the message and a hint.
pub fn parse_country(text: &str) -> Result<Rules, (String, String)> {
    let code = text.trim().to_ascii_uppercase();
    match domain(&code) {
        Some(domain) => Ok(Rules::Country { code, domain }),
        None => {
            let hint = match code.as_str() {
                "UK" => "the ISO 3166 code of the United Kingdom is GB".to_owned(),
                "EU" => "give the country, e.g. FR or DE: every EU country has the same rules here".to_owned(),
                "EL" => "the ISO 3166 code of Greece is GR".to_owned(),
                _ => format!("known countries: {}, GB, CH, US, CA", EU_CEPT_COUNTRIES.join(", ")),
            };
            Err((format!("country `{}` is not in wifiplan's regulatory tables", text.trim()), hint))
        }
    }
}

impl Rules {
    /// The rules of a plan's `country` (none, or not in the tables:
    /// [`Rules::Everywhere`]).
    pub fn of_country(country: Option<&str>) -> Rules {
        country.and_then(|c| parse_country(c).ok()).unwrap_or(Rules::Everywhere)
    }

    /// The country code, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Rules::Everywhere => None,
            Rules::Country { code, .. } => Some(code),
        }
    }

    /// What these rules say about `channel` (the primary 20 MHz channel)
    /// at `width_mhz` in `band`; `None` when it is not allowed.
    pub fn channel(&self, band: Band, channel: u32, width_mhz: u32) -> Option<ChannelRule> {
        if !radio::is_valid_channel(band, channel) {
            return None;
        }
        let (low, high) = radio::occupied_band(band, channel, width_mhz);
        match self {
            Rules::Everywhere => everywhere(band, channel, width_mhz, low, high),
            Rules::Country { domain, .. } => {
                if band == Band::Ghz2_4 && !(1..=domain.highest_2_4_channel).contains(&channel) {
                    return None;
                }
                // The secondary channel of a 40 MHz 2.4 GHz channel must be
                // a channel of the domain too.
                if band == Band::Ghz2_4 && width_mhz > 20 {
                    let lowest = radio::centre_frequency(band, 1).hz() / 1e6 - 10.0;
                    let highest = radio::centre_frequency(band, domain.highest_2_4_channel).hz() / 1e6 + 10.0;
                    if low < lowest - 1e-6 || high > highest + 1e-6 {
                        return None;
                    }
                }
                covered(domain.ranges, low, high, width_mhz)
            }
        }
    }

    /// The allowed channels of `band` at `width_mhz` (the first 20 MHz
    /// channel of each allowed block; in 2.4 GHz the primary channels
    /// 1, 6, 11 and, in Europe, 13), with DFS channels only when `dfs`.
    pub fn channels(&self, band: Band, width_mhz: u32, dfs: bool) -> Vec<(u32, ChannelRule)> {
        let list: Vec<u32> = match band {
            Band::Ghz2_4 => vec![1, 6, 11, 13],
            _ => radio::channels(band)
                .into_iter()
                .filter(|&c| {
                    let (low, _) = radio::occupied_band(band, c, width_mhz);
                    (radio::centre_frequency(band, c).hz() / 1e6 - 10.0 - low).abs() < 1e-6
                })
                .collect(),
        };
        list.into_iter()
            .filter_map(|c| self.channel(band, c, width_mhz).map(|rule| (c, rule)))
            .filter(|(_, rule)| dfs || !rule.dfs)
            .collect()
    }

    /// The channels of `band` at `width_mhz` these rules allow, grouped:
    /// `36–48: 23 dBm; 52–64 (DFS): 23 dBm; …` (for hints and reports).
    pub fn describe(&self, band: Band, width_mhz: u32) -> String {
        let all: Vec<(u32, ChannelRule)> = radio::channels(band)
            .into_iter()
            .filter_map(|c| self.channel(band, c, width_mhz).map(|rule| (c, rule)))
            .collect();
        if all.is_empty() {
            return format!("no {band} channel at {width_mhz} MHz");
        }
        let mut groups: Vec<(u32, u32, ChannelRule)> = Vec::new();
        for (channel, rule) in all {
            let step = if band == Band::Ghz2_4 { 1 } else { 4 };
            match groups.last_mut() {
                Some((_, last, r))
                    if *last + step == channel
                        && r.dfs == rule.dfs
                        && r.srd == rule.srd
                        && r.max_eirp_dbm == rule.max_eirp_dbm =>
                {
                    *last = channel
                }
                _ => groups.push((channel, channel, rule)),
            }
        }
        let mut text = String::new();
        for (i, (first, last, rule)) in groups.iter().enumerate() {
            if i > 0 {
                text.push_str("; ");
            }
            if first == last {
                let _ = write!(text, "{first}");
            } else {
                let _ = write!(text, "{first}–{last}");
            }
            let tags: Vec<&str> = [(rule.dfs, "DFS"), (rule.srd, "SRD"), (rule.indoor_only, "indoor")]
                .iter()
                .filter(|(on, _)| *on)
                .map(|&(_, tag)| tag)
                .collect();
            if !tags.is_empty() {
                let _ = write!(text, " ({})", tags.join(", "));
            }
            let _ = write!(text, ": {} dBm", rule.max_eirp_dbm);
        }
        text
    }

    /// One sentence for reports: which rules apply.
    pub fn note(&self, dfs: bool) -> String {
        match self {
            Rules::Everywhere => "no country given: `plan` uses only the channels allowed everywhere (2.4 GHz 1, 6, 11 at 20 dBm e.i.r.p.; 5 GHz 36–48 at 23 dBm), and placed APs are not checked against any country's rules; set `country` in [defaults] or --country".to_owned(),
            Rules::Country { code, domain } => format!(
                "country {code} ({} rules); DFS channels {} for `plan`",
                domain.name,
                if dfs { "allowed (--dfs)" } else { "not used (add --dfs to use them)" }
            ),
        }
    }

    /// The sources of the ranges these rules use.
    pub fn sources(&self) -> Vec<&'static str> {
        match self {
            Rules::Everywhere => {
                vec!["the intersection of the EU/CEPT, GB, CH, US and CA tables of wifiplan::regulatory"]
            }
            Rules::Country { domain, .. } => domain.ranges.iter().map(|r| r.source).collect(),
        }
    }
}

/// The channels allowed everywhere: 2.4 GHz 1/6/11 (20 dBm), 5 GHz 36–48
/// (23 dBm).
fn everywhere(band: Band, channel: u32, width_mhz: u32, low: Real, high: Real) -> Option<ChannelRule> {
    let source = "allowed in every domain of wifiplan::regulatory";
    let rule = |max_eirp_dbm| ChannelRule { max_eirp_dbm, dfs: false, indoor_only: false, srd: false, source };
    match band {
        Band::Ghz2_4 => ([1, 6, 11].contains(&channel) && low >= 2401.0 && high <= 2473.0).then(|| rule(20.0)),
        Band::Ghz5 => (low >= 5170.0 - 1e-6 && high <= 5250.0 + 1e-6 && width_mhz <= 80)
            .then(|| ChannelRule { indoor_only: true, ..rule(23.0) }),
        Band::Ghz6 => None,
    }
}

/// Whether `[low, high]` MHz lies inside `ranges` without mixing RLAN and
/// SRD ranges, and the rule it gets.
fn covered(ranges: &[FrequencyRange], low: Real, high: Real, width_mhz: u32) -> Option<ChannelRule> {
    const EPS: Real = 1e-6;
    let touching: Vec<&FrequencyRange> =
        ranges.iter().filter(|r| r.high_mhz > low + EPS && r.low_mhz < high - EPS).collect();
    let first = touching.first()?;
    if touching.iter().any(|r| r.srd != first.srd) {
        return None;
    }
    // The touching ranges must cover [low, high] without a gap.
    let mut reach = low;
    for r in &touching {
        if r.low_mhz > reach + EPS {
            return None;
        }
        reach = reach.max(r.high_mhz);
    }
    if reach < high - EPS {
        return None;
    }
    let tightest = touching.iter().min_by(|a, b| a.limit_dbm(width_mhz).total_cmp(&b.limit_dbm(width_mhz)))?;
    Some(ChannelRule {
        max_eirp_dbm: tightest.limit_dbm(width_mhz),
        dfs: touching.iter().any(|r| r.dfs),
        indoor_only: touching.iter().any(|r| r.indoor_only),
        srd: first.srd,
        source: tightest.source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr() -> Rules {
        parse_country("fr").unwrap()
    }

    #[test]
    fn france_has_no_wifi_in_unii_3_at_wifi_powers() {
        let rules = fr();
        // 36–48: 23 dBm, no DFS.
        let c36 = rules.channel(Band::Ghz5, 36, 20).unwrap();
        assert_eq!((c36.max_eirp_dbm, c36.dfs), (23.0, false));
        // 149–173 only as short-range devices at 25 mW (14 dBm).
        for c in [149, 153, 157, 161, 165, 169, 173] {
            let rule = rules.channel(Band::Ghz5, c, 20).unwrap();
            assert!(rule.srd && rule.max_eirp_dbm == 14.0, "{c}: {rule:?}");
        }
        // 177 is beyond 5875 MHz; 144 would straddle RLAN and SRD rules.
        assert!(rules.channel(Band::Ghz5, 177, 20).is_none());
        assert!(rules.channel(Band::Ghz5, 144, 20).is_none());
        // DFS channels are allowed, and flagged.
        assert!(rules.channel(Band::Ghz5, 100, 20).unwrap().dfs);
        // Without --dfs, a 20 dBm + 3 dBi plan has only 36–48 to use.
        let usable: Vec<u32> = rules
            .channels(Band::Ghz5, 20, false)
            .into_iter()
            .filter(|(_, r)| r.max_eirp_dbm >= 23.0)
            .map(|(c, _)| c)
            .collect();
        assert_eq!(usable, vec![36, 40, 44, 48]);
    }

    #[test]
    fn widths_need_every_sub_channel() {
        let rules = fr();
        // 80 MHz at 132 would include 144 (5710–5730 MHz): not in the EU.
        assert!(rules.channel(Band::Ghz5, 132, 80).is_none());
        assert!(rules.channel(Band::Ghz5, 100, 80).is_some());
        let us = parse_country("US").unwrap();
        assert!(us.channel(Band::Ghz5, 132, 80).unwrap().dfs);
        assert_eq!(us.channel(Band::Ghz5, 144, 20).unwrap().max_eirp_dbm, 30.0);
        assert_eq!(us.channel(Band::Ghz5, 149, 80).unwrap().max_eirp_dbm, 36.0);
        // 2.4 GHz: channel 13 in Europe, not in North America.
        assert!(rules.channel(Band::Ghz2_4, 13, 20).is_some());
        assert!(us.channel(Band::Ghz2_4, 13, 20).is_none());
        assert!(us.channel(Band::Ghz2_4, 12, 20).is_none());
    }

    #[test]
    fn six_ghz_limits_follow_the_density_rule() {
        let us = parse_country("US").unwrap();
        // 5 dBm/MHz: 18 dBm at 20 MHz, 24 dBm at 80 MHz, 30 dBm cap.
        assert!((us.channel(Band::Ghz6, 1, 20).unwrap().max_eirp_dbm - 18.01).abs() < 0.01);
        assert!((us.channel(Band::Ghz6, 1, 80).unwrap().max_eirp_dbm - 24.03).abs() < 0.01);
        assert!(us.channel(Band::Ghz6, 233, 20).is_some());
        let fr = fr();
        assert_eq!(fr.channel(Band::Ghz6, 1, 20).unwrap().max_eirp_dbm, 23.0);
        // The EU's 6 GHz band ends at 6425 MHz: channel 93 (6405–6425) is the last.
        assert!(fr.channel(Band::Ghz6, 93, 20).is_some());
        assert!(fr.channel(Band::Ghz6, 97, 20).is_none());
        assert!(Rules::Everywhere.channel(Band::Ghz6, 1, 20).is_none());
    }

    #[test]
    fn without_a_country_only_what_everyone_allows() {
        let rules = Rules::Everywhere;
        let two: Vec<u32> = rules.channels(Band::Ghz2_4, 20, true).into_iter().map(|(c, _)| c).collect();
        assert_eq!(two, vec![1, 6, 11]);
        let five: Vec<u32> = rules.channels(Band::Ghz5, 20, true).into_iter().map(|(c, _)| c).collect();
        assert_eq!(five, vec![36, 40, 44, 48]);
        assert_eq!(rules.channel(Band::Ghz5, 36, 20).unwrap().max_eirp_dbm, 23.0);
        assert!(rules.channel(Band::Ghz5, 52, 20).is_none());
        assert!(rules.note(false).contains("no country given"));
    }

    #[test]
    fn gb_allows_5_8_ghz_indoors_at_200_mw() {
        let gb = parse_country("GB").unwrap();
        let c149 = gb.channel(Band::Ghz5, 149, 20).unwrap();
        assert_eq!((c149.max_eirp_dbm, c149.dfs, c149.srd), (23.0, false, false));
        assert!(gb.channel(Band::Ghz5, 169, 20).is_none());
        // 144 spans 5710–5730: both ranges are Wi-Fi ranges in GB.
        let c144 = gb.channel(Band::Ghz5, 144, 20).unwrap();
        assert_eq!((c144.max_eirp_dbm, c144.dfs), (23.0, true));
        assert_eq!(gb.describe(Band::Ghz5, 20).split("; ").next(), Some("36–48 (indoor): 23 dBm"));
    }

    #[test]
    fn country_codes_are_checked_with_hints() {
        assert!(matches!(parse_country(" de "), Ok(Rules::Country { domain, .. }) if domain.name == "EU/CEPT"));
        let (message, hint) = parse_country("UK").unwrap_err();
        assert!(message.contains("`UK`") && hint.contains("GB"), "{message} / {hint}");
        assert!(parse_country("XX").unwrap_err().1.contains("FR"));
    }
}
