//! The named requirements a plan's `requirement` key (and `--requirement`)
//! may give; what each means and where its figures come from is in
//! [`crate::requirement`], which resolves them.

use serde::Serialize;

use crate::units::Real;

/// A named requirement: a threshold and a minimum SINR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Voice over Wi-Fi: −67 dBm, 25 dB.
    Voice,
    /// Data: −70 dBm, 20 dB.
    Data,
    /// Sensors and other low-rate devices: −75 dBm, 10 dB.
    Iot,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 3] = [Preset::Voice, Preset::Data, Preset::Iot];

    /// Name in plans and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Voice => "voice",
            Preset::Data => "data",
            Preset::Iot => "iot",
        }
    }

    /// Parses a preset name (any case).
    pub fn parse(text: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(text.trim()))
    }

    /// Signal threshold, dBm.
    pub fn threshold_dbm(self) -> Real {
        match self {
            Preset::Voice => -67.0,
            Preset::Data => -70.0,
            Preset::Iot => -75.0,
        }
    }

    /// Minimum SINR, dB.
    pub fn min_sinr_db(self) -> Real {
        match self {
            Preset::Voice => 25.0,
            Preset::Data => 20.0,
            Preset::Iot => 10.0,
        }
    }

    /// Where the pair comes from.
    pub fn source(self) -> &'static str {
        match self {
            Preset::Voice => "Cisco Voice over Wireless LAN 4.1 Design Guide: -67 dBm, 25 dB SNR",
            Preset::Data => "IEEE Std 802.11-2020 Table 19-23: HT-MCS 4 (16-QAM 3/4) sensitivity -70 dBm, ~20 dB over a -91 dBm noise floor",
            Preset::Iot => "IEEE Std 802.11-2020 Table 19-23: HT-MCS 0-1 (-82/-79 dBm, 9-12 dB) with fade margin",
        }
    }
}
