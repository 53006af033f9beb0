//! Physical units as small `Copy` newtypes.
//!
//! Radio arithmetic mixes absolute levels (dBm) and ratios (dB); mixing them
//! up is the classic planning-tool bug. Only the operations that make sense
//! are implemented: `Dbm ± Db = Dbm`, `Dbm − Dbm = Db`, `Db ± Db = Db`.
//! `Dbm + Dbm` deliberately does not exist: powers add in milliwatts
//! ([`Dbm::to_milliwatts`]).

use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

/// The one float width used for geometry and physics.
pub type Real = f64;

/// Speed of light in vacuum, m/s (exact, SI definition).
pub const SPEED_OF_LIGHT: Real = 299_792_458.0;

/// Rounds to 0.01 for stable, readable output (reports, pages, plans).
pub fn round2(value: Real) -> Real {
    (value * 100.0).round() / 100.0
}

/// An absolute power level in dBm (decibels relative to 1 mW).
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Dbm(pub Real);

/// A power ratio (gain or loss) in dB.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Db(pub Real);

/// A frequency. Stored in hertz; constructed from GHz or MHz.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Frequency(Real);

impl Dbm {
    /// Converts a power in milliwatts to dBm. Zero power gives −∞.
    pub fn from_milliwatts(mw: Real) -> Self {
        Dbm(10.0 * mw.log10())
    }

    /// The power in milliwatts.
    pub fn to_milliwatts(self) -> Real {
        10f64.powf(self.0 / 10.0)
    }

    /// The value in dBm.
    pub fn value(self) -> Real {
        self.0
    }
}

impl Db {
    /// Converts a linear power ratio to dB.
    pub fn from_power_ratio(ratio: Real) -> Self {
        Db(10.0 * ratio.log10())
    }

    /// The linear power ratio.
    pub fn to_power_ratio(self) -> Real {
        10f64.powf(self.0 / 10.0)
    }

    /// The value in dB.
    pub fn value(self) -> Real {
        self.0
    }
}

impl Frequency {
    /// A frequency given in GHz.
    pub fn from_ghz(ghz: Real) -> Self {
        Frequency(ghz * 1e9)
    }

    /// A frequency given in MHz.
    pub fn from_mhz(mhz: Real) -> Self {
        Frequency(mhz * 1e6)
    }

    /// The frequency in Hz.
    pub fn hz(self) -> Real {
        self.0
    }

    /// The frequency in GHz (the unit of the P.2040 material formulas).
    pub fn ghz(self) -> Real {
        self.0 / 1e9
    }

    /// The free-space wavelength in metres.
    pub fn wavelength(self) -> Real {
        SPEED_OF_LIGHT / self.0
    }
}

impl Add<Db> for Dbm {
    type Output = Dbm;
    fn add(self, rhs: Db) -> Dbm {
        Dbm(self.0 + rhs.0)
    }
}

impl Sub<Db> for Dbm {
    type Output = Dbm;
    fn sub(self, rhs: Db) -> Dbm {
        Dbm(self.0 - rhs.0)
    }
}

impl Sub for Dbm {
    type Output = Db;
    fn sub(self, rhs: Dbm) -> Db {
        Db(self.0 - rhs.0)
    }
}

impl Add for Db {
    type Output = Db;
    fn add(self, rhs: Db) -> Db {
        Db(self.0 + rhs.0)
    }
}

impl Sub for Db {
    type Output = Db;
    fn sub(self, rhs: Db) -> Db {
        Db(self.0 - rhs.0)
    }
}

impl AddAssign for Db {
    fn add_assign(&mut self, rhs: Db) {
        self.0 += rhs.0;
    }
}

impl SubAssign<Db> for Dbm {
    fn sub_assign(&mut self, rhs: Db) {
        self.0 -= rhs.0;
    }
}

impl Neg for Db {
    type Output = Db;
    fn neg(self) -> Db {
        Db(-self.0)
    }
}

impl fmt::Display for Dbm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} dBm", self.0)
    }
}

impl fmt::Display for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} dB", self.0)
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} GHz", self.ghz())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn dbm_milliwatt_round_trip() {
        assert_relative_eq!(Dbm(20.0).to_milliwatts(), 100.0, epsilon = 1e-9);
        assert_relative_eq!(Dbm::from_milliwatts(1.0).value(), 0.0, epsilon = 1e-12);
    }

    #[test]
    fn level_minus_level_is_ratio() {
        let margin: Db = Dbm(-60.0) - Dbm(-67.0);
        assert_relative_eq!(margin.value(), 7.0);
        assert_relative_eq!((Dbm(20.0) - Db(3.0)).value(), 17.0);
    }

    #[test]
    fn wavelength_at_five_ghz() {
        assert_relative_eq!(Frequency::from_ghz(5.0).wavelength(), 0.059958, epsilon = 1e-6);
    }
}
