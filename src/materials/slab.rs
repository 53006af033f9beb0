//! The ITU-R P.2040-3 single-layer slab: complex permittivity, Fresnel
//! coefficients of the air/material interface, and the slab's reflection and
//! transmission coefficients with all internal reflections summed.
//!
//! Everything here is a pure function of `(η, d, f, θ, polarisation)`; the
//! material library ([`super::Material`]) only decides which `η` to use.
//!
//! # Numerical robustness
//!
//! The closed forms of P.2040 are evaluated so that no input produces NaN or
//! infinity:
//!
//! * `1 − R′²` is computed as the product `(1 − R′)(1 + R′)` written in terms
//!   of the interface admittances, so it does not cancel to zero for metals
//!   (`R′ ≈ −1`).
//! * The square root `√(η − sin²θ)` is taken on the branch with a
//!   non-positive imaginary part, so `e^{−jq}` decays inside the slab and
//!   `e^{−j2q}` underflows to `0` for thick lossy walls instead of
//!   overflowing.
//! * Thickness `0` (or negative, or NaN) gives `T = 1, R = 0`; a vacuum slab
//!   gives the same at every angle, grazing included; an infinite thickness
//!   gives the single-interface reflection and `T = 0`.

use std::f64::consts::PI;

use num_complex::Complex64;

use crate::units::{Db, Frequency, Real};

/// Loss reported for a coefficient of (numerically) zero magnitude, in dB.
///
/// 300 dB is far beyond any receiver's dynamic range (a 20 dBm AP would be
/// received at −280 dBm), so clamping there changes no coverage result while
/// keeping every later sum finite.
pub const MAX_LOSS_DB: Real = 300.0;

/// `1 / (2π · 1 GHz · ε₀)`: the factor in `η = ε′ − j·17.98·σ/f` with `f` in
/// GHz (ITU-R P.2040-3 §2.1.2; ε₀ = 8.854 187 8128 pF/m, CODATA 2018).
pub const SIGMA_TO_IMAG_GHZ: Real = 17.98;

/// Lowest frequency the permittivity model is evaluated at, GHz (the lower
/// limit of the P.2040-3 Table 3 ranges). Lower or invalid frequencies are
/// raised to it so that `σ/f` stays finite.
const MIN_FREQUENCY_GHZ: Real = 1e-3;

/// Polarisation of the incident field relative to the plane of incidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Polarization {
    /// Transverse electric: E perpendicular to the plane of incidence. A
    /// vertically polarised antenna seen through a vertical wall.
    Te,
    /// Transverse magnetic: E parallel to the plane of incidence. A
    /// vertically polarised antenna seen through a floor or ceiling.
    Tm,
}

/// Reflection and transmission of a slab: field (amplitude) coefficients as
/// in ITU-R P.2040-3 §2.2.2.
///
/// `transmission` is referenced to the field that would be there without the
/// slab (the `e^{jq₀}` factor of P.2040), so a slab of air gives exactly `1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlabResponse {
    /// Reflected field over incident field, at the front face.
    pub reflection: Complex64,
    /// Transmitted field over the field without the slab.
    pub transmission: Complex64,
}

impl SlabResponse {
    /// Nothing there: all of the field goes through, nothing comes back.
    pub const TRANSPARENT: SlabResponse =
        SlabResponse { reflection: Complex64::new(0.0, 0.0), transmission: Complex64::new(1.0, 0.0) };

    /// Transmission loss `−20·log10|T|`, positive for a loss, at most
    /// [`MAX_LOSS_DB`].
    pub fn transmission_loss(&self) -> Db {
        Db(loss_db(self.transmission.norm()))
    }

    /// Reflection loss `−20·log10|R|`, positive for a loss, at most
    /// [`MAX_LOSS_DB`].
    pub fn reflection_loss(&self) -> Db {
        Db(loss_db(self.reflection.norm()))
    }

    /// Fraction of the incident power transmitted, `|T|²`.
    pub fn transmittance(&self) -> Real {
        self.transmission.norm_sqr()
    }

    /// Fraction of the incident power reflected, `|R|²`.
    pub fn reflectance(&self) -> Real {
        self.reflection.norm_sqr()
    }
}

/// `−20·log10(magnitude)`, clamped to `[.., MAX_LOSS_DB]`; NaN counts as
/// opaque.
fn loss_db(magnitude: Real) -> Real {
    let loss = -20.0 * magnitude.log10();
    if loss.is_nan() {
        MAX_LOSS_DB
    } else {
        loss.min(MAX_LOSS_DB)
    }
}

/// Complex relative permittivity of a P.2040 material at `f`.
///
/// ITU-R P.2040-3 §2.1.4, eqs. for the frequency dependence:
/// `ε′ = a·f^b`, `σ = c·f^d` S/m, and `η = ε′ − j·17.98·σ/f`, with `f` in
/// GHz. Frequencies below 1 MHz, or NaN, are evaluated at 1 MHz.
///
/// ```
/// use wifiplan::materials::complex_permittivity;
/// use wifiplan::units::Frequency;
/// // P.2040-3 concrete at 5 GHz: ε′ = 5.24, σ = 0.0462·5^0.7822 ≈ 0.1627 S/m,
/// // so η″ = 17.98·σ/5 ≈ 0.585.
/// let eta = complex_permittivity(5.24, 0.0, 0.0462, 0.7822, Frequency::from_ghz(5.0));
/// assert!((eta.re - 5.24).abs() < 1e-12);
/// assert!((eta.im + 0.585).abs() < 1e-3);
/// ```
pub fn complex_permittivity(a: Real, b: Real, c: Real, d: Real, f: Frequency) -> Complex64 {
    let f_ghz = clamp_frequency_ghz(f);
    let real = a * f_ghz.powf(b);
    let sigma = c * f_ghz.powf(d);
    Complex64::new(real, -SIGMA_TO_IMAG_GHZ * sigma / f_ghz)
}

/// The frequency in GHz, raised to [`MIN_FREQUENCY_GHZ`] when lower or NaN.
fn clamp_frequency_ghz(f: Frequency) -> Real {
    let ghz = f.ghz();
    if ghz.is_finite() && ghz > MIN_FREQUENCY_GHZ {
        ghz
    } else if ghz == Real::INFINITY {
        Real::MAX
    } else {
        MIN_FREQUENCY_GHZ
    }
}

/// `|cos θ|` clamped to `[0, 1]`; NaN is taken as normal incidence.
pub(crate) fn clean_cos(cos_incidence: Real) -> Real {
    if cos_incidence.is_nan() {
        1.0
    } else {
        cos_incidence.abs().min(1.0)
    }
}

/// `sin²θ` from `cos θ`, as `(1 − c)(1 + c)` (no cancellation near normal
/// incidence).
fn sin_squared(cos: Real) -> Real {
    (1.0 - cos) * (1.0 + cos)
}

/// Normal component of the (relative) wave vector inside the material,
/// `√(η − sin²θ)`, on the branch whose imaginary part is `≤ 0` so that the
/// wave decays into a passive slab.
pub(crate) fn normal_wavenumber(eta: Complex64, cos: Real) -> Complex64 {
    let root = (eta - sin_squared(cos)).sqrt();
    if root.im > 0.0 {
        -root
    } else {
        root
    }
}

/// Cosine of the refraction angle inside a material, for a plane wave
/// arriving from air at `cos_incidence`.
///
/// For a lossy medium the refracted wave is inhomogeneous; its phase front
/// travels along `(sin θ, Re√(η − sin²θ))`, so this returns
/// `Re s / √((Re s)² + sin²θ)` with `s = √(η − sin²θ)`. For a low-loss
/// dielectric it is Snell's law, `√(1 − sin²θ/ε′)`; for a good conductor it
/// tends to `1` (the wave goes straight in); for air it is `cos θ`.
pub fn refraction_cos(eta: Complex64, cos_incidence: Real) -> Real {
    let cos = clean_cos(cos_incidence);
    let normal = normal_wavenumber(eta, cos).re.abs();
    let sin2 = sin_squared(cos);
    let len = (normal * normal + sin2).sqrt();
    if len > 0.0 && len.is_finite() {
        normal / len
    } else if len.is_finite() {
        // η = sin²θ exactly: the wave skims along the interface.
        0.0
    } else {
        1.0
    }
}

/// The Fresnel reflection coefficient of the air → material interface and
/// `1 − R′²`, ITU-R P.2040-3 §2.2.1.5 (incident wave in air):
///
/// * TE: `R′ = (cos θ − s) / (cos θ + s)`
/// * TM: `R′ = (η cos θ − s) / (η cos θ + s)`
///
/// with `s = √(η − sin²θ)`. With this (P.2040) sign convention TE and TM
/// differ in sign at normal incidence; magnitudes and `T` are equal there.
///
/// `1 − R′² = 4·Y₀·Y₁ / (Y₀ + Y₁)²` with `(Y₀, Y₁) = (cos θ, s)` for TE and
/// `(η cos θ, s)` for TM, which stays accurate when `R′ → −1`.
fn interface(eta: Complex64, cos: Real, s: Complex64, pol: Polarization) -> (Complex64, Complex64) {
    let y0 = match pol {
        Polarization::Te => Complex64::new(cos, 0.0),
        Polarization::Tm => eta * cos,
    };
    let sum = y0 + s;
    if sum.norm() == 0.0 || !sum.is_finite() {
        // Grazing incidence on a material indistinguishable from air, or an
        // infinite permittivity: treat as a perfect mirror.
        return (Complex64::new(-1.0, 0.0), Complex64::new(0.0, 0.0));
    }
    let r = (y0 - s) / sum;
    let one_minus_r2 = 4.0 * y0 * s / (sum * sum);
    (r, one_minus_r2)
}

/// Reflection and transmission coefficients of a single homogeneous slab in
/// air, with all internal reflections summed (ITU-R P.2040-3 §2.2.2.2,
/// simplified method for a single-layer slab):
///
/// ```text
/// q  = (2π d / λ) · √(η − sin²θ)        q₀ = (2π d / λ) · cos θ
/// R  = R′ (1 − e^{−j2q}) / (1 − R′² e^{−j2q})
/// T  = (1 − R′²) e^{−j(q − q₀)} / (1 − R′² e^{−j2q})
/// ```
///
/// `eta` is the complex relative permittivity ([`complex_permittivity`]),
/// `thickness_m` the slab thickness `d` in metres, `cos_incidence` the cosine
/// of the angle between the ray and the slab normal (its absolute value is
/// used, clamped to `[0, 1]`).
///
/// Never returns NaN or infinite coefficients: thickness `≤ 0` or NaN gives
/// [`SlabResponse::TRANSPARENT`], an infinite thickness the single-interface
/// reflection with `T = 0`.
///
/// ```
/// use wifiplan::materials::{complex_permittivity, slab_response, Polarization};
/// use wifiplan::units::Frequency;
/// let f = Frequency::from_ghz(5.18);
/// let concrete = complex_permittivity(5.24, 0.0, 0.0462, 0.7822, f);
/// let wall = slab_response(concrete, 0.2, f, 1.0, Polarization::Te);
/// let loss = wall.transmission_loss().value();
/// assert!(loss > 24.0 && loss < 27.0, "{loss}");
/// ```
pub fn slab_response(
    eta: Complex64,
    thickness_m: Real,
    f: Frequency,
    cos_incidence: Real,
    pol: Polarization,
) -> SlabResponse {
    if thickness_m.is_nan() || thickness_m <= 0.0 || eta.is_nan() {
        // No slab, or no meaningful material: let the wave through rather
        // than poison every later sum (validation keeps such materials and
        // thicknesses out of scenes).
        return SlabResponse::TRANSPARENT;
    }
    if !eta.is_finite() {
        // Infinite permittivity or conductivity: a perfect mirror.
        return SlabResponse { reflection: Complex64::new(-1.0, 0.0), transmission: Complex64::new(0.0, 0.0) };
    }
    if (eta - 1.0).norm() <= 1e-12 {
        // Air: q = q₀ and R′ = 0 exactly, at every angle (grazing included,
        // where the general formula is 0/0).
        return SlabResponse::TRANSPARENT;
    }
    let cos = clean_cos(cos_incidence);
    let s = normal_wavenumber(eta, cos);
    let (r_prime, one_minus_r2) = interface(eta, cos, s, pol);
    let r2 = r_prime * r_prime;

    if thickness_m == Real::INFINITY {
        return SlabResponse { reflection: finite_or(r_prime, -1.0), transmission: Complex64::new(0.0, 0.0) };
    }

    let k0 = 2.0 * PI * clamp_frequency_ghz(f) * 1e9 / crate::units::SPEED_OF_LIGHT;
    let kd = k0 * thickness_m;
    let q = s * kd;
    let q0 = cos * kd;
    let minus_j = Complex64::new(0.0, -1.0);
    // Im q ≤ 0, so both exponentials have a non-positive real exponent:
    // they can only underflow (to 0), never overflow.
    let round_trip = (minus_j * 2.0 * q).exp();
    let single_pass = (minus_j * (q - q0)).exp();
    let round_trip = finite_or(round_trip, 0.0);
    let single_pass = finite_or(single_pass, 0.0);

    let denominator = 1.0 - r2 * round_trip;
    if denominator.norm() < 1e-300 {
        // |R′| = 1 on a lossless resonance: total reflection, nothing
        // transmitted (the physical limit of the 0/0 form).
        return SlabResponse { reflection: finite_or(r_prime, -1.0), transmission: Complex64::new(0.0, 0.0) };
    }
    let reflection = r_prime * (1.0 - round_trip) / denominator;
    let transmission = one_minus_r2 * single_pass / denominator;
    SlabResponse { reflection: finite_or(reflection, 0.0), transmission: finite_or(transmission, 0.0) }
}

/// `value` if finite, else `fallback` (a real number).
fn finite_or(value: Complex64, fallback: Real) -> Complex64 {
    if value.is_finite() {
        value
    } else {
        Complex64::new(fallback, 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::{assert_abs_diff_eq, assert_relative_eq};
    use proptest::prelude::*;

    const CONCRETE: (Real, Real, Real, Real) = (5.24, 0.0, 0.0462, 0.7822);
    const GLASS: (Real, Real, Real, Real) = (6.31, 0.0, 0.0036, 1.3394);
    const METAL: (Real, Real, Real, Real) = (1.0, 0.0, 1e7, 0.0);

    fn eta(m: (Real, Real, Real, Real), ghz: Real) -> Complex64 {
        complex_permittivity(m.0, m.1, m.2, m.3, Frequency::from_ghz(ghz))
    }

    fn assert_finite(r: &SlabResponse) {
        assert!(r.reflection.is_finite() && r.transmission.is_finite(), "{r:?}");
        assert!(r.transmission_loss().value().is_finite() && r.reflection_loss().value().is_finite());
    }

    #[test]
    fn zero_thickness_is_transparent() {
        let f = Frequency::from_ghz(5.18);
        for m in [CONCRETE, GLASS, METAL] {
            for pol in [Polarization::Te, Polarization::Tm] {
                for cos in [1.0, 0.5, 0.0] {
                    let r = slab_response(eta(m, 5.18), 0.0, f, cos, pol);
                    assert_eq!(r, SlabResponse::TRANSPARENT);
                    assert_abs_diff_eq!(r.transmission_loss().value(), 0.0);
                    assert_eq!(r.reflection_loss().value(), MAX_LOSS_DB);
                }
            }
        }
        // Negative and NaN thicknesses are treated as absent, not as errors.
        for t in [-1.0, Real::NAN] {
            assert_eq!(slab_response(eta(CONCRETE, 5.18), t, f, 1.0, Polarization::Te), SlabResponse::TRANSPARENT);
        }
    }

    #[test]
    fn vacuum_is_lossless_at_every_angle() {
        let vacuum = complex_permittivity(1.0, 0.0, 0.0, 0.0, Frequency::from_ghz(5.0));
        for i in 0..=100 {
            let cos = i as Real / 100.0;
            for pol in [Polarization::Te, Polarization::Tm] {
                let r = slab_response(vacuum, 0.3, Frequency::from_ghz(5.0), cos, pol);
                assert_abs_diff_eq!(r.transmission.re, 1.0, epsilon = 1e-12);
                assert_abs_diff_eq!(r.transmission.im, 0.0, epsilon = 1e-12);
                assert_abs_diff_eq!(r.reflection.norm(), 0.0, epsilon = 1e-12);
            }
        }
    }

    /// Independent closed form of the air → material Fresnel coefficients,
    /// written with the refraction angle (Born & Wolf §1.5.2):
    /// `n = √η`, `cos θt = √(1 − sin²θ/η)`,
    /// `r_s = (cos θ − n cos θt)/(cos θ + n cos θt)`,
    /// `r_p = (n cos θ − cos θt)/(n cos θ + cos θt)`.
    fn fresnel_magnitude(eta: Complex64, cos: Real, pol: Polarization) -> Real {
        let n = eta.sqrt();
        let sin2 = 1.0 - cos * cos;
        let cos_t = (1.0 - sin2 / eta).sqrt();
        match pol {
            Polarization::Te => ((cos - n * cos_t) / (cos + n * cos_t)).norm(),
            Polarization::Tm => ((n * cos - cos_t) / (n * cos + cos_t)).norm(),
        }
    }

    #[test]
    fn thick_lossy_slab_reflects_like_a_single_interface() {
        let f = 5.18;
        let concrete = eta(CONCRETE, f);
        for deg in [0.0, 20.0, 45.0, 70.0, 85.0] {
            let cos = (deg as Real).to_radians().cos();
            for pol in [Polarization::Te, Polarization::Tm] {
                // 3 m of concrete: the internal echo comes back 2·3·119 dB down.
                let r = slab_response(concrete, 3.0, Frequency::from_ghz(f), cos, pol);
                assert_relative_eq!(r.reflection.norm(), fresnel_magnitude(concrete, cos, pol), max_relative = 1e-9);
                assert!(r.transmission_loss().value() > 300.0 - 1e-9);
            }
        }
    }

    #[test]
    fn normal_incidence_te_equals_tm() {
        let f = Frequency::from_ghz(2.437);
        for m in [CONCRETE, GLASS, METAL] {
            for t in [0.005, 0.05, 0.2, 1.0] {
                let te = slab_response(eta(m, 2.437), t, f, 1.0, Polarization::Te);
                let tm = slab_response(eta(m, 2.437), t, f, 1.0, Polarization::Tm);
                // P.2040's TM convention flips the sign of R at normal
                // incidence; everything observable is equal.
                assert!((te.transmission - tm.transmission).norm() <= 1e-12 * te.transmission.norm().max(1e-300));
                assert!((te.reflection + tm.reflection).norm() <= 1e-12 * te.reflection.norm().max(1e-300));
            }
        }
    }

    #[test]
    fn tm_has_a_brewster_minimum_for_glass() {
        let f = Frequency::from_ghz(5.18);
        let glass = eta(GLASS, 5.18);
        let brewster = glass.re.sqrt().atan().to_degrees(); // 68.3°
        for thickness in [0.006, 0.01, 0.5] {
            let (mut best_deg, mut best) = (0.0, Real::INFINITY);
            for i in 0..900 {
                let deg = i as Real * 0.1;
                let r = slab_response(glass, thickness, f, deg.to_radians().cos(), Polarization::Tm).reflection.norm();
                if r < best {
                    (best_deg, best) = (deg, r);
                }
            }
            assert!((best_deg - brewster).abs() < 1.0, "minimum at {best_deg}°, Brewster {brewster}°");
            assert!(best < 0.02, "|R| at the minimum {best}");
            // TE has no such minimum: at the same angle it reflects strongly.
            let te = slab_response(glass, thickness, f, brewster.to_radians().cos(), Polarization::Te);
            assert!(te.reflection.norm() > 0.3);
        }
    }

    #[test]
    fn metal_and_extremes_stay_finite() {
        let f = Frequency::from_ghz(5.18);
        for m in [METAL, CONCRETE, GLASS] {
            for t in [1e-12, 1e-6, 0.002, 1.0, 1e3, 1e12, Real::INFINITY] {
                for cos in [0.0, 1e-12, 0.3, 1.0, -0.5, 2.0, Real::NAN] {
                    for pol in [Polarization::Te, Polarization::Tm] {
                        let r = slab_response(eta(m, 5.18), t, f, cos, pol);
                        assert_finite(&r);
                        assert!(r.reflectance() + r.transmittance() <= 1.0 + 1e-9, "{m:?} {t} {cos} {r:?}");
                    }
                }
            }
        }
        // 2 mm of metal is opaque; its reflection is total.
        let sheet = slab_response(eta(METAL, 5.18), 0.002, f, 1.0, Polarization::Te);
        assert_eq!(sheet.transmission_loss().value(), MAX_LOSS_DB);
        assert_relative_eq!(sheet.reflection.norm(), 1.0, max_relative = 1e-3);
        // Odd frequencies do not produce NaN either.
        for ghz in [0.0, -5.0, Real::NAN, Real::INFINITY, 1e-9] {
            let e = complex_permittivity(5.24, 0.0, 0.0462, 0.7822, Frequency::from_ghz(ghz));
            assert!(e.is_finite(), "{ghz}: {e}");
            assert_finite(&slab_response(e, 0.2, Frequency::from_ghz(ghz), 1.0, Polarization::Te));
        }
    }

    #[test]
    fn grazing_incidence_reflects_everything() {
        let f = Frequency::from_ghz(2.437);
        for pol in [Polarization::Te, Polarization::Tm] {
            let r = slab_response(eta(CONCRETE, 2.437), 0.2, f, 0.0, pol);
            assert_relative_eq!(r.reflection.norm(), 1.0, max_relative = 1e-9);
            assert_eq!(r.transmission.norm(), 0.0);
        }
    }

    #[test]
    fn lossless_slab_conserves_energy_exactly() {
        let f = Frequency::from_ghz(5.18);
        let lossless = Complex64::new(4.0, 0.0);
        for i in 0..=20 {
            let cos = i as Real / 20.0;
            for t in [0.003, 0.0137, 0.1, 0.71] {
                for pol in [Polarization::Te, Polarization::Tm] {
                    let r = slab_response(lossless, t, f, cos, pol);
                    assert_relative_eq!(r.reflectance() + r.transmittance(), 1.0, max_relative = 1e-9);
                }
            }
        }
        // A half-wave slab at normal incidence is transparent (Fabry–Pérot):
        // d = λ/(2√ε′) → q = π, e^{−j2q} = 1, R = 0.
        let half_wave = f.wavelength() / (2.0 * 2.0);
        let r = slab_response(lossless, half_wave, f, 1.0, Polarization::Te);
        assert_abs_diff_eq!(r.reflection.norm(), 0.0, epsilon = 1e-9);
        assert_relative_eq!(r.transmission.norm(), 1.0, max_relative = 1e-9);
    }

    #[test]
    fn refraction_angle_follows_snell_and_skin_effect() {
        let cos = 60f64.to_radians().cos();
        let lossless = Complex64::new(4.0, 0.0);
        // sin θt = sin 60° / 2.
        let expected = (1.0 - (60f64.to_radians().sin() / 2.0).powi(2)).sqrt();
        assert_relative_eq!(refraction_cos(lossless, cos), expected, max_relative = 1e-12);
        assert_relative_eq!(refraction_cos(Complex64::new(1.0, 0.0), cos), cos, max_relative = 1e-12);
        assert!(refraction_cos(eta(METAL, 5.0), 0.0) > 0.999_999);
    }

    proptest! {
        #[test]
        fn never_nan(
            re in 1.0f64..100.0,
            im in -1e8f64..0.0,
            t in 0.0f64..5.0,
            cos in -1.5f64..1.5,
            ghz in 0.1f64..100.0,
            te in any::<bool>(),
        ) {
            let pol = if te { Polarization::Te } else { Polarization::Tm };
            let r = slab_response(Complex64::new(re, im), t, Frequency::from_ghz(ghz), cos, pol);
            prop_assert!(r.reflection.is_finite() && r.transmission.is_finite());
            prop_assert!(r.reflectance() + r.transmittance() <= 1.0 + 1e-9);
            prop_assert!(r.transmission_loss().value() >= -1e-9);
        }
    }
}
