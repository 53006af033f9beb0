//! The uniform theory of diffraction (UTD) for a wedge: the diffraction
//! coefficient of Kouyoumjian & Pathak (Proc. IEEE 62(11), 1974) with
//! Luebbers' extension to lossy faces (IEEE Trans. AP-32(1), 1984), as
//! ITU-R P.526 and the reference ray tracers use it, and the transition
//! function it needs.
//!
//! Time convention `e^{jωt}`: a path of length `s` carries `e^{−jks}`.
//!
//! For a wedge whose exterior (the air around it) spans `nπ` (n = 2 for a
//! thin screen's free edge, 1.5 for a right-angled corner), with the
//! incident direction at angle `φ′` and the diffracted direction at `φ`,
//! both measured from the lit "0-face" across the exterior,
//!
//! ```text
//! D = −e^{−jπ/4} / (2n √(2πk) sin β₀) · [ J (d₁ + d₂) + R₀ d₄ + Rₙ d₃ ]
//! d₁,₂ = cot((π ± (φ − φ′)) / 2n) · F(kL a±(φ − φ′))
//! d₃,₄ = cot((π ± (φ + φ′)) / 2n) · F(kL a±(φ + φ′))
//! a±(β) = 2 cos²((2nπN± − β) / 2),  N± the integer nearest (β ± π)/(2nπ)
//! ```
//!
//! `R₀` and `Rₙ` are the faces' reflection coefficients (Luebbers; −1 and
//! −1 give the perfectly conducting soft wedge), `L = s s′ sin²β₀ / (s + s′)`
//! for spherical waves. The factor `J` on the incident shadow boundary
//! terms is the jump of the direct field there: `1 − T` for a screen that
//! lets `T` of the field through (Burnside & Burgener, IEEE Trans. AP-31(1),
//! 1983, for thin dielectric half-planes), `T_leaf − T` beside a door or
//! window leaf, so the total field stays continuous across that boundary
//! for penetrable walls and apertures too; for an opaque wall beside air
//! (J = 1) it is Luebbers' coefficient.

use num_complex::Complex64;

use crate::units::Real;

const PI: Real = std::f64::consts::PI;

/// `∫_z^∞ e^{−jτ²} dτ` for real `z ≥ 0`.
///
/// Small `z`: the Maclaurin series of `∫₀^z e^{−jτ²} dτ`, subtracted from
/// the whole integral `(√π / 2) e^{−jπ/4}`. Large `z`: the complementary
/// error function of `w = e^{jπ/4} z`, `(√π/2) e^{−jπ/4} erfc(w)`, by its
/// continued fraction (Abramowitz & Stegun 7.1.14), which converges fast
/// for `|w| > 3`.
pub fn fresnel_tail(z: Real) -> Complex64 {
    let z = z.max(0.0);
    let whole = Complex64::from_polar(PI.sqrt() / 2.0, -PI / 4.0);
    if z < 3.0 {
        // Σ (−j)^m z^{2m+1} / (m! (2m + 1)).
        let mut term = Complex64::new(z, 0.0); // (−j)^m z^{2m+1} / m!
        let mut sum = term;
        let z2 = z * z;
        for m in 1..200 {
            term *= Complex64::new(0.0, -z2 / m as Real);
            let contribution = term / (2 * m + 1) as Real;
            sum += contribution;
            if contribution.norm() < 1e-17 * sum.norm().max(1e-300) {
                break;
            }
        }
        whole - sum
    } else {
        // erfc(w) = e^{−w²}/√π · 1/(w + (1/2)/(w + 1/(w + (3/2)/(w + …)))),
        // evaluated from the tail of the fraction.
        let w = Complex64::from_polar(z, PI / 4.0);
        let mut fraction = w;
        for k in (1..60).rev() {
            fraction = w + (k as Real / 2.0) / fraction;
        }
        let erfc = (-(w * w)).exp() / PI.sqrt() / fraction;
        whole * erfc
    }
}

/// The UTD transition function `F(x) = 2j √x e^{jx} ∫_{√x}^∞ e^{−jτ²} dτ`
/// for `x ≥ 0`: 0 at 0, → 1 for large `x`.
///
/// PERF: the hot path of diffraction. Below x = 30 it is
/// interpolated in a table over `√x` (F is smooth there; the error is under
/// 1e-7), above it the asymptotic series (Kouyoumjian & Pathak 1974,
/// eq. 25) `1 + j/(2x) − 3/(4x²) − 15j/(8x³) + 105/(16x⁴)`, whose next
/// term is under 1e-4 there.
pub fn transition(x: Real) -> Complex64 {
    let x = x.max(0.0);
    if x >= ASYMPTOTIC_FROM {
        let inverse = 1.0 / x;
        let i2 = inverse * inverse;
        return Complex64::new(1.0 - 0.75 * i2 + 105.0 / 16.0 * i2 * i2, 0.5 * inverse - 15.0 / 8.0 * i2 * inverse);
    }
    let table = transition_table();
    let position = x.sqrt() / ASYMPTOTIC_FROM.sqrt() * TABLE_STEPS as Real;
    let i = (position as usize).min(TABLE_STEPS - 1);
    let fraction = position - i as Real;
    table[i] + (table[i + 1] - table[i]) * fraction
}

/// Where [`transition`] switches to its asymptotic series.
const ASYMPTOTIC_FROM: Real = 30.0;

/// Intervals of the table of [`transition`] over `√x`.
const TABLE_STEPS: usize = 8192;

/// `F` tabulated at evenly spaced `√x` from 0 to `√ASYMPTOTIC_FROM`.
fn transition_table() -> &'static [Complex64] {
    static TABLE: std::sync::OnceLock<Vec<Complex64>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..=TABLE_STEPS)
            .map(|i| transition_exact((i as Real / TABLE_STEPS as Real * ASYMPTOTIC_FROM.sqrt()).powi(2)))
            .collect()
    })
}

/// [`transition`] computed from the Fresnel integral.
pub fn transition_exact(x: Real) -> Complex64 {
    let x = x.max(0.0);
    let root = x.sqrt();
    Complex64::new(0.0, 2.0 * root) * Complex64::from_polar(1.0, x) * fresnel_tail(root)
}

/// `N±`: the integer nearest to `(β ± π) / (2nπ)`.
fn winding(beta: Real, n: Real, sign: Real) -> Real {
    ((beta + sign * PI) / (2.0 * n * PI)).round()
}

/// One term `cot((π + σβ)/2n) · F(kL a_σ(β))` of the coefficient, with its
/// finite limit on the shadow or reflection boundary where the cotangent
/// has a pole (`F` has a zero there): `n √(2πkL) e^{jπ/4} sign(ε)`.
/// `(sin, cos)` are those of `(π + σβ)/2n` (see [`four_angles`]).
fn term(beta: Real, n: Real, sign: Real, kl: Real, (sin, cos): (Real, Real)) -> Complex64 {
    let big_n = winding(beta, n, sign);
    let angle = (PI + sign * beta) / (2.0 * n);
    let a = 2.0 * ((2.0 * n * PI * big_n - beta) / 2.0).cos().powi(2);
    // Distance from the pole of the cotangent (a multiple of π).
    let epsilon = angle - (angle / PI).round() * PI;
    if epsilon.abs() < 1e-9 {
        let limit = n * (2.0 * PI * kl).sqrt();
        return Complex64::from_polar(limit, PI / 4.0) * if epsilon < 0.0 { -1.0 } else { 1.0 };
    }
    transition(kl * a) * (cos / sin)
}

/// Sines and cosines of the four angles `(π ± β)/2n` of the coefficient,
/// `β = φ − φ′` then `φ + φ′`, in the order (−, +1), (−, −1), (+, +1),
/// (+, −1), with one `sin_cos`: they are `π/2n ± (φ/2n ∓ φ′/2n)`, whose
/// sines and cosines follow from those of `π/2n` and `φ′/2n` (fixed by
/// the incident direction, `trig`) and of `φ/2n` by the addition formulas.
fn four_angles(trig: &IncidentTrig, n: Real, phi: Real) -> [(Real, Real); 4] {
    let (s_a, c_a) = trig.edge;
    let (s_q, c_q) = trig.incident;
    let (s_p, c_p) = (phi / (2.0 * n)).sin_cos();
    // φ/2n − φ′/2n and φ/2n + φ′/2n.
    let minus = (s_p * c_q - c_p * s_q, c_p * c_q + s_p * s_q);
    let plus = (s_p * c_q + c_p * s_q, c_p * c_q - s_p * s_q);
    let shifted = |(s, c): (Real, Real), sign: Real| (s_a * c + sign * c_a * s, c_a * c - sign * s_a * s);
    [shifted(minus, 1.0), shifted(minus, -1.0), shifted(plus, 1.0), shifted(plus, -1.0)]
}

/// What the coefficient needs about a wedge and a pair of directions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WedgeGeometry {
    /// Exterior angle over π (2 for a free edge of a thin screen).
    pub n: Real,
    /// Angle of the incident direction (towards the source) from the
    /// 0-face, rad, in `[0, nπ]`.
    pub phi_incident: Real,
    /// Angle of the diffracted direction from the 0-face, rad, in `[0, nπ]`.
    pub phi: Real,
    /// Sine of the angle between the rays and the edge.
    pub sin_beta: Real,
    /// Distance parameter `L` (m), `s s′ sin²β₀ / (s + s′)`.
    pub distance: Real,
    /// Wavenumber, rad/m.
    pub k: Real,
}

/// The faces' material response for the coefficient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WedgeFaces {
    /// Reflection coefficient of the 0-face at the incident ray's angle.
    pub r0: Complex64,
    /// Reflection coefficient of the n-face at the diffracted ray's angle.
    pub rn: Complex64,
    /// The jump of the direct field across the incident shadow boundary,
    /// as a share of the field without any wall: `1` for an opaque wedge
    /// beside air, `T_aperture − T_wall` where the wall lets `T_wall`
    /// through and the aperture beside the edge (a door leaf, say) lets
    /// `T_aperture` through.
    pub transmission: Complex64,
}

/// The UTD diffraction coefficient (Luebbers' form, see the module doc).
pub fn coefficient(geometry: &WedgeGeometry, faces: &WedgeFaces) -> Complex64 {
    coefficient_with(&IncidentTrig::new(geometry.n, geometry.phi_incident), geometry, faces)
}

/// [`coefficient`] with what the incident direction fixes computed once
/// (`trig` must be made with `geometry.phi_incident`).
pub fn coefficient_with(trig: &IncidentTrig, geometry: &WedgeGeometry, faces: &WedgeFaces) -> Complex64 {
    let WedgeGeometry { n, phi_incident, phi, sin_beta, distance, k } = *geometry;
    let kl = k * distance;
    let minus = phi - phi_incident;
    let plus = phi + phi_incident;
    let [x1, x2, x3, x4] = four_angles(trig, n, phi);
    let d1 = term(minus, n, 1.0, kl, x1);
    let d2 = term(minus, n, -1.0, kl, x2);
    let d3 = term(plus, n, 1.0, kl, x3);
    let d4 = term(plus, n, -1.0, kl, x4);
    let prefactor = -Complex64::from_polar(1.0, -PI / 4.0) / (2.0 * n * (2.0 * PI * k).sqrt() * sin_beta.max(1e-9));
    prefactor * (faces.transmission * (d1 + d2) + faces.r0 * d4 + faces.rn * d3)
}

/// The sines and cosines one incident direction fixes for
/// [`coefficient_with`] and [`coefficient_bound_with`]: of `π/2n` and of
/// `φ′/2n`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IncidentTrig {
    edge: (Real, Real),
    incident: (Real, Real),
}

impl IncidentTrig {
    /// For a wedge `n` and an incident angle `φ′` (from the 0-face).
    pub fn new(n: Real, phi_incident: Real) -> Self {
        IncidentTrig { edge: (PI / (2.0 * n)).sin_cos(), incident: (phi_incident / (2.0 * n)).sin_cos() }
    }
}

/// An upper bound of `|D|` without the transition functions: each term
/// `cot(x)·F(kLa)` is at most `1.2·|cot x|` (|F| ≤ 1.2) and at most its
/// limit on the boundary, `1.2·n√(2πkL)`; `coefficients` bounds the
/// magnitudes of `J`, `R₀` and `Rₙ`. `trig` holds what the incident
/// direction fixes (it must be made with `geometry.phi_incident`), so a
/// call costs one `sin_cos` instead of four tangents.
pub fn coefficient_bound_with(trig: &IncidentTrig, geometry: &WedgeGeometry, coefficients: (Real, Real, Real)) -> Real {
    let WedgeGeometry { n, phi, sin_beta, distance, k, .. } = *geometry;
    let ceiling = 1.2 * n * (2.0 * PI * k * distance).sqrt();
    // min(1.2 |cot x|, ceiling), without dividing by a zero sine.
    let bound = |(sin, cos): (Real, Real)| -> Real {
        let (sin, cos) = (sin.abs(), cos.abs());
        if 1.2 * cos >= ceiling * sin {
            ceiling
        } else {
            1.2 * cos / sin
        }
    };
    let [x1, x2, x3, x4] = four_angles(trig, n, phi);
    let (through, r0, rn) = coefficients;
    let sum = through * (bound(x1) + bound(x2)) + r0 * bound(x4) + rn * bound(x3);
    sum / (2.0 * n * (2.0 * PI * k).sqrt() * sin_beta.max(1e-9))
}

/// An upper bound of `|D| · sin β₀` over every diffracted direction `φ` in
/// `phi_range` (a block of receivers seen from the edge), for any
/// `L ≤ max_distance`: between two poles `|cot|` is largest at an end of
/// the interval, and a pole inside it gives the boundary limit. `trig`
/// holds what the incident direction fixes (made with `phi_incident`): the
/// ends' cotangents cost two `sin_cos` instead of eight tangents.
pub fn coefficient_bound_over(
    trig: &IncidentTrig,
    (n, phi_incident): (Real, Real),
    phi_range: (Real, Real),
    max_distance: Real,
    k: Real,
    coefficients: (Real, Real, Real),
) -> Real {
    let ceiling = 1.2 * n * (2.0 * PI * k * max_distance).sqrt();
    let (low, high) = phi_range;
    // The four angles (see `four_angles`) at both ends.
    let ends = [four_angles(trig, n, low), four_angles(trig, n, high)];
    // The term of angle `x = (π + σβ)/2n` (β = φ ∓ φ′ as `incident` is
    // −1 or +1) over the interval: the boundary limit if a pole of the
    // cotangent lies inside, else the larger end.
    let term = |index: usize, incident: Real, sign: Real| -> Real {
        let angle = |phi: Real| (PI + sign * (phi + incident * phi_incident)) / (2.0 * n);
        let (a, b) = (angle(low), angle(high));
        let (first, last) = (a.min(b), a.max(b));
        if (first / PI).ceil() * PI <= last {
            return ceiling;
        }
        let cot = |(sin, cos): (Real, Real)| cos.abs() / sin.abs();
        (1.2 * cot(ends[0][index]).max(cot(ends[1][index]))).min(ceiling)
    };
    let (through, r0, rn) = coefficients;
    let sum = through * (term(0, -1.0, 1.0) + term(1, -1.0, -1.0)) + r0 * term(3, 1.0, -1.0) + rn * term(2, 1.0, 1.0);
    sum / (2.0 * n * (2.0 * PI * k).sqrt())
}

/// How close a pair of directions is to the incident or reflection shadow
/// boundaries: the smallest `kL·a` of the four terms. Beyond about 10 the
/// transition functions are within 5 % of 1 and the diffracted field is
/// the plain geometrical-theory value, tens of dB under the direct field.
pub fn boundary_closeness(geometry: &WedgeGeometry) -> Real {
    let WedgeGeometry { n, phi_incident, phi, k, distance, .. } = *geometry;
    let kl = k * distance;
    [(phi - phi_incident, 1.0), (phi - phi_incident, -1.0), (phi + phi_incident, 1.0), (phi + phi_incident, -1.0)]
        .iter()
        .map(|&(beta, sign)| {
            let big_n = winding(beta, n, sign);
            kl * 2.0 * ((2.0 * n * PI * big_n - beta) / 2.0).cos().powi(2)
        })
        .fold(Real::INFINITY, Real::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_bound_by_addition_formulas_equals_the_tangent_form() {
        // The interval bound written with the eight tangents.
        let by_tangents = |n: Real, phi_incident: Real, (low, high): (Real, Real), ceiling: Real| -> Real {
            let bound = |a: Real, b: Real| -> Real {
                let (first, last) = (a.min(b), a.max(b));
                if (first / PI).ceil() * PI <= last {
                    return ceiling;
                }
                (1.2 * (1.0 / first.tan().abs()).max(1.0 / last.tan().abs())).min(ceiling)
            };
            let term = |beta: (Real, Real), sign: Real| {
                bound((PI + sign * beta.0) / (2.0 * n), (PI + sign * beta.1) / (2.0 * n))
            };
            let minus = (low - phi_incident, high - phi_incident);
            let plus = (low + phi_incident, high + phi_incident);
            let sum = 2.0 * (term(minus, 1.0) + term(minus, -1.0)) + term(plus, -1.0) + 0.5 * term(plus, 1.0);
            sum / (2.0 * n * (2.0 * PI * 108.6_f64).sqrt())
        };
        for n in [2.0, 1.75, 1.5] {
            for i in 1..30 {
                let phi_incident = n * PI * i as Real / 60.0;
                for j in 0..40 {
                    for width in [1e-3, 0.05, 0.4] {
                        let low = n * PI * j as Real / 40.0 + 1e-4;
                        let range = (low, (low + width).min(n * PI));
                        for distance in [0.05, 1.0, 30.0] {
                            let ceiling = 1.2 * n * (2.0 * PI * 108.6 * distance).sqrt();
                            let slow = by_tangents(n, phi_incident, range, ceiling);
                            let trig = IncidentTrig::new(n, phi_incident);
                            let fast = coefficient_bound_over(
                                &trig,
                                (n, phi_incident),
                                range,
                                distance,
                                108.6,
                                (2.0, 1.0, 0.5),
                            );
                            assert!(
                                (fast / slow - 1.0).abs() < 1e-9,
                                "n {n}, φ′ {phi_incident}, φ {range:?}: {fast} vs {slow}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn bound_by_addition_formulas_equals_the_tangent_form() {
        // The bound written with the tangents themselves.
        let by_tangents = |g: &WedgeGeometry, (through, r0, rn): (Real, Real, Real)| -> Real {
            let ceiling = 1.2 * g.n * (2.0 * PI * g.k * g.distance).sqrt();
            let bound = |beta: Real, sign: Real| (1.2 / ((PI + sign * beta) / (2.0 * g.n)).tan().abs()).min(ceiling);
            let (minus, plus) = (g.phi - g.phi_incident, g.phi + g.phi_incident);
            let sum =
                through * (bound(minus, 1.0) + bound(minus, -1.0)) + r0 * bound(plus, -1.0) + rn * bound(plus, 1.0);
            sum / (2.0 * g.n * (2.0 * PI * g.k).sqrt() * g.sin_beta)
        };
        // Wedges from a thin screen to a right-angle corner, every pair of
        // directions on a 61 × 61 lattice, near and far.
        for n in [2.0, 1.75, 1.5] {
            for i in 1..60 {
                for j in 1..60 {
                    let phi_incident = n * PI * i as Real / 60.0;
                    let phi = n * PI * j as Real / 60.0 + 1e-3;
                    for distance in [0.05, 1.0, 30.0] {
                        let g = WedgeGeometry { n, phi_incident, phi, sin_beta: 0.9, distance, k: 108.6 };
                        let slow = by_tangents(&g, (2.0, 1.0, 0.5));
                        let fast = coefficient_bound_with(&IncidentTrig::new(n, phi_incident), &g, (2.0, 1.0, 0.5));
                        assert!(
                            (fast / slow - 1.0).abs() < 1e-9,
                            "n {n}, φ′ {phi_incident}, φ {phi}: {fast} vs {slow}"
                        );
                    }
                }
            }
        }
    }

    /// `∫_z^Z e^{−jτ²} dτ` by Simpson's rule on a fine grid, plus the tail
    /// beyond `Z` from its leading asymptotic term `e^{−jZ²}/(2jZ)`.
    fn tail_by_quadrature(z: Real) -> Complex64 {
        let upper = z + 60.0;
        let steps = 600_000;
        let h = (upper - z) / steps as Real;
        let f = |t: Real| Complex64::from_polar(1.0, -t * t);
        let mut sum = f(z) + f(upper);
        for i in 1..steps {
            let t = z + i as Real * h;
            sum += f(t) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        let integral = sum * (h / 3.0);
        let beyond = Complex64::from_polar(1.0, -upper * upper) / Complex64::new(0.0, 2.0 * upper);
        integral + beyond
    }

    #[test]
    fn fresnel_tail_matches_quadrature_on_both_sides_of_the_switch() {
        for z in [0.0, 0.1, 0.5, 1.0, 2.0, 2.99, 3.01, 4.0, 7.0] {
            let (fast, slow) = (fresnel_tail(z), tail_by_quadrature(z));
            assert!((fast - slow).norm() < 2e-6, "z = {z}: {fast} vs {slow}");
        }
        // The whole integral is √π/2 · e^{−jπ/4}.
        assert!((fresnel_tail(0.0) - Complex64::from_polar(PI.sqrt() / 2.0, -PI / 4.0)).norm() < 1e-12);
    }

    #[test]
    fn transition_function_limits() {
        assert_eq!(transition(0.0), Complex64::new(0.0, 0.0));
        // Small x: F(x) ≈ (√(πx) − 2x e^{jπ/4}) e^{jπ/4} (Kouyoumjian &
        // Pathak 1974, eq. 24).
        let x = 1e-6;
        let expected = (Complex64::new((PI * x).sqrt(), 0.0) - Complex64::from_polar(2.0 * x, PI / 4.0))
            * Complex64::from_polar(1.0, PI / 4.0);
        let small = transition_exact(x);
        assert!((small - expected).norm() < 1e-8, "{small} vs {expected}");
        // Large x: F(x) ≈ 1 + j/(2x).
        for x in [50.0, 1e3, 1e5, 2e6] {
            let f = transition(x);
            assert!((f - Complex64::new(1.0, 0.5 / x)).norm() < 2.0 / (x * x) + 1e-9, "x = {x}: {f}");
        }
        // The table and the series agree with the integral everywhere,
        // across the switch included.
        for i in 0..3000 {
            let x = i as Real * 0.0137;
            let (fast, exact) = (transition(x), transition_exact(x));
            assert!((fast - exact).norm() < 2e-4, "x = {x}: {fast} vs {exact}");
        }
    }

    /// The exact total field of a perfectly conducting half-plane (soft,
    /// E parallel to the edge) lit by a plane wave from `φ′`, at distance
    /// `r` and angle `φ` (Sommerfeld 1896; e.g. Born & Wolf §11.5):
    /// `u = U(σ₋) e^{jkr cos(φ−φ′)} − U(σ₊) e^{jkr cos(φ+φ′)}` with
    /// `σ∓ = √(2kr) cos((φ ∓ φ′)/2)` and `U(σ) = (e^{jπ/4}/√π) ∫_{−∞}^{σ}
    /// e^{−jt²} dt`.
    fn sommerfeld(kr: Real, phi: Real, phi_incident: Real) -> Complex64 {
        let u = |sigma: Real| -> Complex64 {
            let whole = Complex64::from_polar(PI.sqrt(), -PI / 4.0);
            let integral = if sigma >= 0.0 { whole - fresnel_tail(sigma) } else { fresnel_tail(-sigma) };
            Complex64::from_polar(1.0 / PI.sqrt(), PI / 4.0) * integral
        };
        let minus = (2.0 * kr).sqrt() * ((phi - phi_incident) / 2.0).cos();
        let plus = (2.0 * kr).sqrt() * ((phi + phi_incident) / 2.0).cos();
        u(minus) * Complex64::from_polar(1.0, kr * (phi - phi_incident).cos())
            - u(plus) * Complex64::from_polar(1.0, kr * (phi + phi_incident).cos())
    }

    #[test]
    fn the_conducting_half_plane_matches_sommerfeld_everywhere() {
        // A plane wave (s′ → ∞: L = r) on a PEC screen, R₀ = Rₙ = −1: the
        // UTD field (geometrical optics plus the diffracted ray) against
        // the exact solution, lit region, both shadow boundaries and shadow.
        let phi_incident = PI / 4.0;
        let kr = 2.0 * PI * 10.0; // ten wavelengths from the edge
        let faces = WedgeFaces {
            r0: Complex64::new(-1.0, 0.0),
            rn: Complex64::new(-1.0, 0.0),
            transmission: Complex64::new(1.0, 0.0),
        };
        let mut worst: Real = 0.0;
        for degrees in (2..359).step_by(3) {
            let phi = (degrees as Real).to_radians();
            let geometry = WedgeGeometry { n: 2.0, phi_incident, phi, sin_beta: 1.0, distance: kr, k: 1.0 };
            // Geometrical optics: incident where φ < π + φ′, reflected off
            // the 0-face where φ < π − φ′.
            let mut utd = Complex64::new(0.0, 0.0);
            if phi < PI + phi_incident {
                utd += Complex64::from_polar(1.0, kr * (phi - phi_incident).cos());
            }
            if phi < PI - phi_incident {
                utd -= Complex64::from_polar(1.0, kr * (phi + phi_incident).cos());
            }
            // Diffracted: D e^{−jkr}/√r with unit incident field at the edge.
            utd += coefficient(&geometry, &faces) * Complex64::from_polar(1.0 / kr.sqrt(), -kr);
            let exact = sommerfeld(kr, phi, phi_incident);
            let error_db = (20.0 * (utd.norm() / exact.norm()).log10()).abs();
            worst = worst.max(error_db);
            assert!(
                error_db < 0.15,
                "φ = {degrees}°: UTD {:.4} vs exact {:.4} ({error_db:.3} dB)",
                utd.norm(),
                exact.norm()
            );
        }
        assert!(worst > 0.0);
    }

    #[test]
    fn the_coefficient_is_finite_on_the_shadow_boundaries() {
        let faces = WedgeFaces {
            r0: Complex64::new(-0.5, 0.1),
            rn: Complex64::new(-0.4, 0.0),
            transmission: Complex64::new(0.9, -0.05),
        };
        for (phi, phi_incident) in [(PI + PI / 4.0, PI / 4.0), (PI - PI / 3.0, PI / 3.0), (1.5 * PI, 0.5 * PI)] {
            for n in [2.0, 1.5] {
                let geometry = WedgeGeometry { n, phi_incident, phi, sin_beta: 1.0, distance: 2.0, k: 108.0 };
                assert!(coefficient(&geometry, &faces).is_finite());
                let nearby = WedgeGeometry { phi: phi + 1e-7, ..geometry };
                // Across the boundary the coefficient jumps by a finite
                // amount, never blows up.
                assert!(coefficient(&nearby, &faces).norm() < 100.0);
            }
        }
    }
}
