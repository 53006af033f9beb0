//! Bands, channels and their centre frequencies (IEEE 802.11 numbering).
//!
//! The centre frequency of a 20 MHz channel is `start + 5 MHz × n`, with
//! start 2407 MHz (2.4 GHz band, channel 14 excepted), 5000 MHz (5 GHz) and
//! 5950 MHz (6 GHz), per IEEE Std 802.11-2020 §E.1 (Annex E, "Country
//! elements and operating classes"). Wider channels bond 20 MHz channels in
//! the fixed blocks of that annex; interference between two APs is weighted
//! by how much of the interferer's occupied spectrum falls in the victim's.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::units::Frequency;

/// A Wi-Fi band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Band {
    /// 2.4 GHz (channels 1–14).
    Ghz2_4,
    /// 5 GHz (channels 32–177).
    Ghz5,
    /// 6 GHz (channels 1–233).
    Ghz6,
}

impl Band {
    /// All bands, in frequency order.
    pub const ALL: [Band; 3] = [Band::Ghz2_4, Band::Ghz5, Band::Ghz6];

    /// The name used in plan files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Band::Ghz2_4 => "2.4",
            Band::Ghz5 => "5",
            Band::Ghz6 => "6",
        }
    }

    /// Parses `"2.4"`, `"5"` or `"6"` (also with a trailing `GHz`).
    pub fn from_name(name: &str) -> Option<Band> {
        let trimmed = name.trim().trim_end_matches("GHz").trim_end_matches("ghz").trim();
        match trimmed {
            "2.4" | "2,4" => Some(Band::Ghz2_4),
            "5" => Some(Band::Ghz5),
            "6" => Some(Band::Ghz6),
            _ => None,
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} GHz", self.name())
    }
}

impl Serialize for Band {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Band {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BandVisitor;
        impl Visitor<'_> for BandVisitor {
            type Value = Band;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a band: \"2.4\", \"5\" or \"6\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Band, E> {
                Band::from_name(v)
                    .ok_or_else(|| E::custom(format!("unknown band `{v}`; expected \"2.4\", \"5\" or \"6\"")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Band, E> {
                if (v - 2.4).abs() < 1e-9 {
                    Ok(Band::Ghz2_4)
                } else if v == 5.0 {
                    Ok(Band::Ghz5)
                } else if v == 6.0 {
                    Ok(Band::Ghz6)
                } else {
                    Err(E::custom(format!("unknown band `{v}`; expected \"2.4\", \"5\" or \"6\"")))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Band, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Band, E> {
                self.visit_f64(v as f64)
            }
        }
        deserializer.deserialize_any(BandVisitor)
    }
}

/// The 20 MHz channel used when an AP gives none: 2.4 GHz ch 6, 5 GHz ch 36,
/// 6 GHz ch 37 (SPEC.md, "Physics").
pub fn default_channel(band: Band) -> u32 {
    match band {
        Band::Ghz2_4 => 6,
        Band::Ghz5 => 36,
        Band::Ghz6 => 37,
    }
}

/// Whether `channel` is a valid 20 MHz channel number in `band`.
pub fn is_valid_channel(band: Band, channel: u32) -> bool {
    match band {
        Band::Ghz2_4 => (1..=14).contains(&channel),
        Band::Ghz5 => five_ghz_channels().any(|c| c == channel),
        Band::Ghz6 => (1..=233).contains(&channel) && channel % 4 == 1,
    }
}

/// The 5 GHz 20 MHz channels (UNII-1 to UNII-4).
fn five_ghz_channels() -> impl Iterator<Item = u32> {
    (36..=64).step_by(4).chain((100..=144).step_by(4)).chain((149..=177).step_by(4))
}

/// The valid 20 MHz channels of a band, for hints and the optimiser.
pub fn channels(band: Band) -> Vec<u32> {
    match band {
        Band::Ghz2_4 => (1..=13).collect(),
        Band::Ghz5 => five_ghz_channels().collect(),
        Band::Ghz6 => (1..=233).step_by(4).collect(),
    }
}

/// Whether a 5 GHz channel needs DFS (radar detection): UNII-2 and UNII-2e,
/// channels 52–144 (ETSI EN 301 893).
pub fn is_dfs(band: Band, channel: u32) -> bool {
    band == Band::Ghz5 && (52..=144).contains(&channel)
}

/// The band a channel number would belong to, for hints on a mismatch.
pub fn bands_with_channel(channel: u32) -> Vec<Band> {
    Band::ALL.into_iter().filter(|&b| is_valid_channel(b, channel)).collect()
}

/// Centre frequency of a 20 MHz channel. The caller has checked validity.
pub fn centre_frequency(band: Band, channel: u32) -> Frequency {
    let mhz = match band {
        Band::Ghz2_4 if channel == 14 => 2484.0,
        Band::Ghz2_4 => 2407.0 + 5.0 * channel as f64,
        Band::Ghz5 => 5000.0 + 5.0 * channel as f64,
        Band::Ghz6 => 5950.0 + 5.0 * channel as f64,
    };
    Frequency::from_mhz(mhz)
}

/// The spectrum an AP occupies, MHz, as `(low, high)`.
///
/// In the 5 and 6 GHz bands a 40/80/160 MHz channel is the aligned block of
/// 20 MHz channels that contains the primary; in 2.4 GHz a 40 MHz channel
/// extends upwards (channels 1–7 as primary) or downwards (8–13).
pub fn occupied_band(band: Band, channel: u32, width_mhz: u32) -> (f64, f64) {
    let centre = centre_frequency(band, channel).hz() / 1e6;
    let width = width_mhz.max(20) as f64;
    if width <= 20.0 {
        return (centre - 10.0, centre + 10.0);
    }
    match band {
        Band::Ghz2_4 => {
            if channel <= 7 {
                (centre - 10.0, centre - 10.0 + width)
            } else {
                (centre + 10.0 - width, centre + 10.0)
            }
        }
        Band::Ghz5 | Band::Ghz6 => {
            // Blocks start at the band's first channel edge: 5170 MHz for
            // 5 GHz (channel 36 low edge), restarting at 5735 MHz for UNII-3
            // (channel 149), and 5945 MHz for 6 GHz (channel 1).
            let origin = match band {
                Band::Ghz5 if channel >= 149 => 5735.0,
                Band::Ghz5 => 5170.0,
                _ => 5945.0,
            };
            let low_edge = centre - 10.0;
            let block = ((low_edge - origin) / width).floor();
            let low = origin + block * width;
            (low, low + width)
        }
    }
}

/// Share (0–1) of the interferer's power that falls in the victim's band,
/// assuming a flat spectrum over the occupied width.
pub fn spectral_overlap(victim: (f64, f64), interferer: (f64, f64)) -> f64 {
    let overlap = (victim.1.min(interferer.1) - victim.0.max(interferer.0)).max(0.0);
    let width = interferer.1 - interferer.0;
    if width <= 0.0 {
        0.0
    } else {
        (overlap / width).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn centre_frequencies_follow_ieee_numbering() {
        assert_relative_eq!(centre_frequency(Band::Ghz2_4, 1).ghz(), 2.412);
        assert_relative_eq!(centre_frequency(Band::Ghz2_4, 6).ghz(), 2.437);
        assert_relative_eq!(centre_frequency(Band::Ghz5, 36).ghz(), 5.180);
        assert_relative_eq!(centre_frequency(Band::Ghz6, 1).ghz(), 5.955);
        assert_relative_eq!(centre_frequency(Band::Ghz6, 37).ghz(), 6.135);
    }

    #[test]
    fn channel_validity() {
        assert!(is_valid_channel(Band::Ghz5, 36));
        assert!(!is_valid_channel(Band::Ghz5, 37));
        assert!(!is_valid_channel(Band::Ghz2_4, 36));
        assert!(is_valid_channel(Band::Ghz6, 37));
        assert_eq!(bands_with_channel(36), vec![Band::Ghz5]);
    }

    #[test]
    fn non_overlapping_2_4_ghz_channels() {
        let ch1 = occupied_band(Band::Ghz2_4, 1, 20);
        let ch6 = occupied_band(Band::Ghz2_4, 6, 20);
        let ch3 = occupied_band(Band::Ghz2_4, 3, 20);
        assert_eq!(spectral_overlap(ch1, ch6), 0.0);
        assert_relative_eq!(spectral_overlap(ch1, ch3), 0.5);
    }

    #[test]
    fn bonded_5_ghz_blocks() {
        assert_eq!(occupied_band(Band::Ghz5, 36, 40), (5170.0, 5210.0));
        assert_eq!(occupied_band(Band::Ghz5, 40, 40), (5170.0, 5210.0));
        assert_eq!(occupied_band(Band::Ghz5, 48, 80), (5170.0, 5250.0));
        assert_eq!(occupied_band(Band::Ghz5, 157, 80), (5735.0, 5815.0));
        assert_eq!(occupied_band(Band::Ghz5, 153, 40), (5735.0, 5775.0));
        let a = occupied_band(Band::Ghz5, 36, 80);
        let b = occupied_band(Band::Ghz5, 44, 20);
        assert_relative_eq!(spectral_overlap(a, b), 1.0);
        assert_relative_eq!(spectral_overlap(b, a), 0.25);
    }
}
