//! The built-in generic patterns (`wifiplan antennas` lists them).
//!
//! They stand for the antenna families a Wi-Fi planner meets, when the
//! vendor's own file is not at hand. Each is defined by closed-form cuts,
//! sampled every degree as an MSI file would be, and its gain is the
//! directivity of the 3D pattern this tool reconstructs from those cuts
//! (a lossless antenna; `tests` checks each against
//! [`Pattern::directivity_dbi`]):
//!
//! | name | pattern | gain |
//! |---|---|---|
//! | `isotropic` | the same in every direction (the default) | 0 dBi |
//! | `dipole` | vertical half-wave dipole: omni, 78° vertical beam | 2.15 dBi |
//! | `ceiling_ap` | ceiling AP: omni, lobe 60° below the horizon | 3.2 dBi |
//! | `patch_60` | 60° × 60° patch, 25 dB front-to-back | 10.4 dBi |
//! | `sector_120` | 120° × 30° wall-mounted sector, 25 dB front-to-back | 10.05 dBi |
//! | `panel_30` | 30° × 30° panel for long corridors and halls, 30 dB front-to-back | 16.0 dBi |
//!
//! The directional ones follow the parabolic element of 3GPP TR 38.901
//! V17.0.0 Table 7.3-1, `A(x) = min(12·(x/x₃dB)², A_m)` in each cut, with
//! the beamwidths and front-to-back ratios of typical Wi-Fi patch, sector
//! and panel antennas.

use std::sync::{Arc, OnceLock};

use super::{Cut, Pattern};
use crate::units::Real;

/// Name of the flat pattern.
pub const ISOTROPIC: &str = "isotropic";

/// One catalogue entry.
struct Entry {
    name: &'static str,
    description: &'static str,
    gain_dbi: Real,
    horizontal: fn(Real) -> Real,
    vertical: fn(Real) -> Real,
}

/// Depression below the horizon (degrees, −90…90) of a vertical-cut angle
/// (0 = horizon in front, 90 = down, 180 = horizon behind, 270 = up).
fn depression(theta: Real) -> Real {
    theta.to_radians().sin().asin().to_degrees()
}

/// Signed horizontal angle (−180…180) of a horizontal-cut angle.
fn signed(phi: Real) -> Real {
    if phi > 180.0 {
        phi - 360.0
    } else {
        phi
    }
}

/// 3GPP TR 38.901 Table 7.3-1 parabola: `min(12·(x/width)², cap)`, dB.
fn parabola(x: Real, width: Real, cap: Real) -> Real {
    (12.0 * (x / width).powi(2)).min(cap)
}

/// A directional vertical cut: the parabola in front, the front-to-back
/// ratio behind (the 3GPP element seen in its vertical plane).
fn directional_vertical(theta: Real, width: Real, cap: Real) -> Real {
    if theta.to_radians().cos() >= 0.0 {
        parabola(depression(theta), width, cap)
    } else {
        cap
    }
}

/// Half-wave dipole along z: field `cos(π/2·cos ζ)/sin ζ` with ζ from the
/// axis (Balanis, *Antenna Theory*, 4th ed., 2016, §4.6, eq. 4-84);
/// `cos ζ = sin ε`. The nulls on the axis are capped at 40 dB.
fn dipole_vertical(theta: Real) -> Real {
    let eps = depression(theta).to_radians();
    let field = (std::f64::consts::FRAC_PI_2 * eps.sin()).cos() / eps.cos().max(1e-12);
    if field <= 1e-2 {
        40.0
    } else {
        (-20.0 * field.log10()).clamp(0.0, 40.0)
    }
}

const ENTRIES: [Entry; 6] = [
    Entry {
        name: ISOTROPIC,
        description: "the same gain in every direction: what an AP without `antenna` uses (with its antenna_gain_dbi)",
        gain_dbi: 0.0,
        horizontal: |_| 0.0,
        vertical: |_| 0.0,
    },
    Entry {
        name: "dipole",
        description: "vertical half-wave dipole: omni in azimuth, doughnut in elevation, nulls straight up and down (Balanis §4.6)",
        gain_dbi: 2.15,
        horizontal: |_| 0.0,
        vertical: dipole_vertical,
    },
    Entry {
        name: "ceiling_ap",
        description: "ceiling-mounted AP: omni in azimuth, lobe 60° below the horizon, 3.6 dB down on the horizon, 20 dB towards the ceiling",
        gain_dbi: 3.2,
        horizontal: |_| 0.0,
        vertical: |theta| parabola(depression(theta) - 60.0, 110.0, 20.0),
    },
    Entry {
        name: "patch_60",
        description: "wall or ceiling patch: 60° x 60° beam, 25 dB front-to-back (3GPP TR 38.901 parabolic cuts)",
        gain_dbi: 10.4,
        horizontal: |phi| parabola(signed(phi), 60.0, 25.0),
        vertical: |theta| directional_vertical(theta, 60.0, 25.0),
    },
    Entry {
        name: "sector_120",
        description: "wall-mounted sector for halls and courtyards: 120° x 30° beam, 25 dB front-to-back",
        gain_dbi: 10.05,
        horizontal: |phi| parabola(signed(phi), 120.0, 25.0),
        vertical: |theta| directional_vertical(theta, 30.0, 25.0),
    },
    Entry {
        name: "panel_30",
        description: "narrow panel for long corridors, halls and gyms: 30° x 30° beam, 30 dB front-to-back",
        gain_dbi: 16.0,
        horizontal: |phi| parabola(signed(phi), 30.0, 30.0),
        vertical: |theta| directional_vertical(theta, 30.0, 30.0),
    },
];

fn built() -> &'static [Arc<Pattern>] {
    static PATTERNS: OnceLock<Vec<Arc<Pattern>>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        ENTRIES
            .iter()
            .map(|entry| {
                let mut pattern = Pattern::new(
                    entry.name,
                    entry.gain_dbi,
                    Cut::from_fn(entry.horizontal),
                    Cut::from_fn(entry.vertical),
                );
                pattern.make = Some("wifiplan (generic)".into());
                pattern.description = entry.description.into();
                Arc::new(pattern)
            })
            .collect()
    })
}

/// Every built-in pattern, in catalogue order.
pub fn all() -> &'static [Arc<Pattern>] {
    built()
}

/// The names of the built-in patterns, in catalogue order.
pub fn names() -> impl Iterator<Item = &'static str> {
    ENTRIES.iter().map(|entry| entry.name)
}

/// The built-in pattern with this name (case-insensitive).
pub fn get(name: &str) -> Option<Arc<Pattern>> {
    built().iter().find(|pattern| pattern.name.eq_ignore_ascii_case(name.trim())).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn gains_are_the_directivity_of_the_reconstructed_pattern() {
        for pattern in all() {
            let directivity = pattern.directivity_dbi(0.5);
            assert!(
                (directivity - pattern.gain_dbi).abs() < 0.05,
                "{}: gain {} dBi, directivity {directivity:.3} dBi",
                pattern.name,
                pattern.gain_dbi
            );
        }
    }

    #[test]
    fn dipole_has_its_textbook_beamwidth_and_gain() {
        let dipole = get("dipole").unwrap();
        // Half-wave dipole: 78° half-power beamwidth, 2.15 dBi (Balanis §4.6).
        let width = dipole.vertical.half_power_width().unwrap();
        assert!((width - 78.0).abs() < 0.5, "{width}");
        assert!(dipole.horizontal.half_power_width().is_none());
        assert_relative_eq!(dipole.directivity_dbi(0.25), 2.15, epsilon = 0.02);
    }

    #[test]
    fn directional_cuts_have_their_widths() {
        for (name, h, v) in [("patch_60", 60.0, 60.0), ("sector_120", 120.0, 30.0), ("panel_30", 30.0, 30.0)] {
            let p = get(name).unwrap();
            // 12·(x/w)² = 3 dB at x = w/2.
            assert!((p.horizontal.half_power_width().unwrap() - h).abs() < 0.3, "{name}");
            assert!((p.vertical.half_power_width().unwrap() - v).abs() < 0.3, "{name}");
        }
        let ceiling = get("ceiling_ap").unwrap();
        assert_relative_eq!(ceiling.vertical.peak_angle(), 60.0, epsilon = 1e-9);
        assert!(get("Patch_60").is_some());
        assert!(get("nothing").is_none());
    }
}
