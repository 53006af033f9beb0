//! The two numbers fitted per material, and the map between them and the
//! ITU-R P.2040 coefficients written back into the plan.
//!
//! A P.2040 material is `ε′ = a·f^b`, `σ = c·f^d` (f in GHz, σ in S/m).
//! A survey at one band sees the material at one frequency, where only
//! `ε′(f)` and `σ(f)` act: the exponents `b` and `d` are not identifiable
//! from it and are kept from the prior material. Of the two that are, the
//! fit does not use `(ε′, σ)` themselves but
//!
//! * `ε′`, the relative permittivity: it sets the reflection coefficient
//!   of the wall faces (Fresnel) and the refraction angle inside;
//! * `L`, the bulk attenuation in dB per metre of material at normal
//!   incidence, `L = (20/ln 10)·k₀·κ` with `k₀ = 2πf/c` and
//!   `κ = −Im √η`, `η = ε′ − j·17.98·σ/f` (ITU-R P.2040-3 §2.1; the
//!   propagation constant of a plane wave in a lossy medium, e.g. Pozar,
//!   *Microwave Engineering*, 4th ed., ch. 1).
//!
//! Why: the loss through a wall of thickness `t` is `L·t` plus the two
//! interface losses, so what a survey behind a thick wall measures is `L`
//! almost directly (a 1.2 m wall turns a factor 2 in `L` into tens of dB),
//! while `ε′` shows mostly in reflections. In `(ε′, σ)` the two effects
//! are mixed (`L ≈ 1636·σ/√ε′` dB/m for a low-loss material), which makes
//! the fit ill-conditioned; in `(ε′, L)` they are nearly separate. Both are
//! fitted as logarithms: they are positive, and a prior uncertainty is
//! naturally a factor ("concrete or brick" is a factor 4.6 in `L` at
//! 5 GHz, 119 against 26 dB/m).
//!
//! Going back is exact: with `κ = L / ((20/ln 10)·k₀)`, `√η = n − jκ` gives
//! `n = √(ε′ + κ²)`, `η″ = 2nκ` and `σ = η″·f/17.98`; then
//! `a = ε′/f^b`, `c = σ/f^d`.

use num_complex::Complex64;
use serde::Serialize;

use crate::materials::SIGMA_TO_IMAG_GHZ;
use crate::units::{Frequency, Real};

/// dB per neper, `20/ln 10`.
pub const DB_PER_NEPER: Real = 8.685_889_638_065_037;

/// Range of `ε′` the fit may use: from just above air (mineral-fibre
/// ceiling board is 1.48 in P.2040-3 Table 3) to wet masonry (water-
/// saturated building materials stay below ~20; P.2040-3's wet ground,
/// a soil, is 30).
pub const PERMITTIVITY_RANGE: (Real, Real) = (1.2, 20.0);

/// Range of the bulk attenuation the fit may use, dB/m at the survey
/// frequency: from 0.5 dB/m (dry light timber) to 1000 dB/m (1 dB/mm,
/// beyond wet reinforced concrete; P.2040-3 concrete is 119 dB/m at
/// 5.18 GHz). Conductors (metal, σ ≈ 10⁷ S/m) are far above it: they are
/// opaque whatever their numbers and are not fitted.
pub const LOSS_RANGE_DB_PER_M: (Real, Real) = (0.5, 1000.0);

/// Prior standard deviation of `ln ε′`: a factor 1.5. Building materials
/// span ε′ ≈ 1.5–7 in P.2040-3 Table 3, and a planner's guess of the
/// material class is rarely off by more than that factor.
pub const PRIOR_PERMITTIVITY_FACTOR: Real = 1.5;

/// Prior standard deviation of `ln L`: a factor 3. Masonry of the same
/// look differs by that much (P.2040-3 brick 26 dB/m against concrete
/// 119 dB/m at 5.18 GHz), and moisture changes σ several-fold.
pub const PRIOR_LOSS_FACTOR: Real = 3.0;

/// The P.2040 coefficients of a material.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Coefficients {
    /// `ε′` at 1 GHz.
    pub a: Real,
    /// Frequency exponent of `ε′`.
    pub b: Real,
    /// `σ` at 1 GHz, S/m.
    pub c: Real,
    /// Frequency exponent of `σ`.
    pub d: Real,
}

/// What a material is at one frequency.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Optics {
    /// Relative permittivity `ε′`.
    pub permittivity: Real,
    /// Conductivity `σ`, S/m.
    pub conductivity_s_per_m: Real,
    /// Bulk attenuation at normal incidence, dB/m.
    pub loss_db_per_m: Real,
}

/// Wavenumber in vacuum `k₀ = 2πf/c`, rad/m.
fn wavenumber(f: Frequency) -> Real {
    2.0 * std::f64::consts::PI / f.wavelength()
}

/// Bulk attenuation (dB/m, normal incidence) of a material of permittivity
/// `ε′` and conductivity `σ` (S/m) at `f`.
pub fn attenuation_db_per_m(permittivity: Real, conductivity: Real, f: Frequency) -> Real {
    let eta = Complex64::new(permittivity, -SIGMA_TO_IMAG_GHZ * conductivity / f.ghz());
    DB_PER_NEPER * wavenumber(f) * eta.sqrt().im.abs()
}

/// The conductivity (S/m) that gives a bulk attenuation of
/// `loss_db_per_m` at `f` with permittivity `ε′` (exact inverse of
/// [`attenuation_db_per_m`]).
pub fn conductivity_for(permittivity: Real, loss_db_per_m: Real, f: Frequency) -> Real {
    let kappa = loss_db_per_m / (DB_PER_NEPER * wavenumber(f));
    let n = (permittivity + kappa * kappa).sqrt();
    2.0 * n * kappa * f.ghz() / SIGMA_TO_IMAG_GHZ
}

impl Coefficients {
    /// `ε′`, `σ` and the bulk attenuation at `f`.
    pub fn at(&self, f: Frequency) -> Optics {
        let ghz = f.ghz();
        let permittivity = self.a * ghz.powf(self.b);
        let conductivity_s_per_m = self.c * ghz.powf(self.d);
        Optics {
            permittivity,
            conductivity_s_per_m,
            loss_db_per_m: attenuation_db_per_m(permittivity, conductivity_s_per_m, f),
        }
    }

    /// The coefficients with this material's exponents `b`, `d` that give
    /// `ε′` and a bulk attenuation `loss_db_per_m` at `f`.
    pub fn with_optics(&self, permittivity: Real, loss_db_per_m: Real, f: Frequency) -> Coefficients {
        let ghz = f.ghz();
        let sigma = conductivity_for(permittivity, loss_db_per_m, f);
        Coefficients { a: permittivity / ghz.powf(self.b), b: self.b, c: sigma / ghz.powf(self.d), d: self.d }
    }

    /// `a` and `c` rounded to `digits` significant digits (the exponents
    /// are the prior's and stay as they are), so that the plan file reads
    /// well; the report is computed with the rounded values.
    pub fn rounded(&self, digits: usize) -> Coefficients {
        Coefficients { a: significant(self.a, digits), b: self.b, c: significant(self.c, digits), d: self.d }
    }
}

/// `v` rounded to `digits` significant digits.
pub fn significant(v: Real, digits: usize) -> Real {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let text = format!("{:.*e}", digits.saturating_sub(1), v);
    text.parse().unwrap_or(v)
}

/// A parameter known as a logarithm within bounds, seen by the optimiser
/// as an unbounded coordinate `u`: `θ = mid + half·tanh(u)`. The bounds
/// hold exactly whatever step the optimiser takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounded {
    /// Lower bound of `θ`.
    pub low: Real,
    /// Upper bound of `θ`.
    pub high: Real,
}

impl Bounded {
    /// Bounds `[ln low, ln high]`, widened to hold `ln prior` with a margin
    /// (a plan material outside the usual range is kept reachable).
    pub fn logarithmic(range: (Real, Real), prior: Real) -> Bounded {
        let low = range.0.min(prior / 1.5).ln();
        let high = range.1.max(prior * 1.5).ln();
        Bounded { low, high }
    }

    fn mid_half(&self) -> (Real, Real) {
        ((self.low + self.high) / 2.0, (self.high - self.low) / 2.0)
    }

    /// `θ` of a coordinate.
    pub fn value(&self, u: Real) -> Real {
        let (mid, half) = self.mid_half();
        // `mid + half` can round past `high`: clamp so the bound holds.
        (mid + half * u.tanh()).clamp(self.low, self.high)
    }

    /// `dθ/du`.
    pub fn slope(&self, u: Real) -> Real {
        let (_, half) = self.mid_half();
        let t = u.tanh();
        half * (1.0 - t * t)
    }

    /// The coordinate of `θ` (clamped just inside the bounds).
    pub fn coordinate(&self, theta: Real) -> Real {
        let (mid, half) = self.mid_half();
        let limit = 1.0 - 1e-9;
        ((theta - mid) / half).clamp(-limit, limit).atanh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    const CONCRETE: Coefficients = Coefficients { a: 5.24, b: 0.0, c: 0.0462, d: 0.7822 };
    const BRICK: Coefficients = Coefficients { a: 3.91, b: 0.0, c: 0.0238, d: 0.16 };

    #[test]
    fn attenuation_of_p2040_masonry_at_5_ghz() {
        let f = Frequency::from_ghz(5.18);
        // Concrete: σ = 0.0462·5.18^0.7822 = 0.1673 S/m, η″ = 0.581;
        // κ = 0.1268, k₀ = 108.6 rad/m: 13.77 Np/m = 119.6 dB/m.
        let concrete = CONCRETE.at(f);
        assert_relative_eq!(concrete.conductivity_s_per_m, 0.16734, max_relative = 1e-3);
        assert_relative_eq!(concrete.loss_db_per_m, 119.6, max_relative = 2e-3);
        // Brick: σ = 0.03098 S/m, 25.6 dB/m. The low-loss approximation
        // 1636·σ/√ε′ agrees within a fraction of a percent.
        let brick = BRICK.at(f);
        assert_relative_eq!(brick.loss_db_per_m, 25.63, max_relative = 2e-3);
        assert_relative_eq!(
            brick.loss_db_per_m,
            1636.0 * brick.conductivity_s_per_m / 3.91f64.sqrt(),
            max_relative = 1e-2
        );
    }

    #[test]
    fn attenuation_matches_the_slab_model_of_a_thick_wall() {
        // Two thicknesses of the same wall differ by L·Δt (the interfaces
        // cancel, and internal reflections are negligible in thick walls).
        let table = crate::materials::MaterialTable::builtin();
        let concrete = table.get(table.id("concrete").unwrap());
        let f = Frequency::from_ghz(5.18);
        let pol = crate::materials::Polarization::Te;
        let d1 = concrete.transmission_loss(f, 0.4, 1.0, pol).value();
        let d2 = concrete.transmission_loss(f, 0.6, 1.0, pol).value();
        assert_relative_eq!((d2 - d1) / 0.2, CONCRETE.at(f).loss_db_per_m, max_relative = 1e-3);
    }

    #[test]
    fn optics_round_trip_keeps_the_exponents() {
        let f = Frequency::from_ghz(5.18);
        for (eps, loss) in [(3.91, 25.63), (5.24, 119.6), (1.3, 0.6), (15.0, 900.0)] {
            let c = CONCRETE.with_optics(eps, loss, f);
            assert_eq!((c.b, c.d), (CONCRETE.b, CONCRETE.d));
            let back = c.at(f);
            assert_relative_eq!(back.permittivity, eps, max_relative = 1e-12);
            assert_relative_eq!(back.loss_db_per_m, loss, max_relative = 1e-9);
        }
        // Brick's own optics give brick's own coefficients back.
        let o = BRICK.at(f);
        let c = BRICK.with_optics(o.permittivity, o.loss_db_per_m, f);
        assert_relative_eq!(c.a, BRICK.a, max_relative = 1e-12);
        assert_relative_eq!(c.c, BRICK.c, max_relative = 1e-9);
    }

    #[test]
    fn bounded_coordinates() {
        let b = Bounded::logarithmic(LOSS_RANGE_DB_PER_M, 119.6);
        assert_relative_eq!(b.low, 0.5f64.ln());
        for theta in [0.0, 119.6f64.ln(), 6.9] {
            assert_relative_eq!(b.value(b.coordinate(theta)), theta, epsilon = 1e-12, max_relative = 1e-9);
        }
        assert!(b.value(1e9) <= b.high && b.value(-1e9) >= b.low);
        let u = 0.3;
        assert_relative_eq!(b.slope(u), (b.value(u + 1e-6) - b.value(u - 1e-6)) / 2e-6, max_relative = 1e-6);
        // A prior beyond the range widens it.
        assert!(Bounded::logarithmic(PERMITTIVITY_RANGE, 30.0).high > 30f64.ln());
        assert_eq!(significant(0.0251234, 3), 0.0251);
        assert_eq!(significant(123456.0, 2), 120000.0);
    }
}
