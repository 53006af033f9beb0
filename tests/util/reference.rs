//! Closed-form references written here, independently of the library:
//! Friis and the ITU-R P.2040-3 (2023) §3 single-layer slab (η from the
//! Table 3 coefficients, the interface coefficients, q and the slab R and
//! T), so the engine is checked against a second implementation.

use num_complex::Complex64;

/// Speed of light, m/s.
pub const C: f64 = 299_792_458.0;

/// P.2040-3 Table 3 `(a, c, d)` (b = 0) of the materials the tests use.
pub const CONCRETE: (f64, f64, f64) = (5.24, 0.0462, 0.7822);
/// Brick, P.2040-3 Table 3.
pub const BRICK: (f64, f64, f64) = (3.91, 0.0238, 0.16);

/// Friis free-space loss, dB.
pub fn friis_db(d: f64, f_hz: f64) -> f64 {
    20.0 * (4.0 * std::f64::consts::PI * d * f_hz / C).log10()
}

/// dBm of a power in mW.
pub fn db(mw: f64) -> f64 {
    10.0 * mw.log10()
}

/// mW of a power in dBm.
pub fn mw(dbm: f64) -> f64 {
    10f64.powf(dbm / 10.0)
}

/// The slab's `(R, T)` for material `(a, c, d)`, TE or TM.
pub fn slab(material: (f64, f64, f64), f_hz: f64, thickness: f64, cos_theta: f64, te: bool) -> (Complex64, Complex64) {
    let (a, c, d) = material;
    let f_ghz = f_hz / 1e9;
    let eta = Complex64::new(a, -17.98 * c * f_ghz.powf(d) / f_ghz);
    let sin2 = 1.0 - cos_theta * cos_theta;
    let cos = Complex64::new(cos_theta, 0.0);
    let root = (eta - sin2).sqrt();
    let r = if te { (cos - root) / (cos + root) } else { (eta * cos - root) / (eta * cos + root) };
    let q = 2.0 * std::f64::consts::PI * thickness * f_hz / C * root;
    let j = Complex64::i();
    let e2 = (-j * 2.0 * q).exp();
    let denominator = 1.0 - r * r * e2;
    (r * (1.0 - e2) / denominator, (1.0 - r * r) * (-j * q).exp() / denominator)
}

/// `−20·log10|T|` of [`slab`], dB.
pub fn transmission_loss_db(material: (f64, f64, f64), f_hz: f64, thickness: f64, cos_theta: f64, te: bool) -> f64 {
    -20.0 * slab(material, f_hz, thickness, cos_theta, te).1.norm().log10()
}

/// An open storey (no slab, ceiling or roof) with one big required room,
/// plus the given walls and APs (TOML text).
pub fn open_scene(walls: &str, aps: &str) -> String {
    format!(
        r#"format = 1
[defaults]
receiver_height = 1.5
resolution = 0.5
[[floors]]
id = "f0"
height = 3.0
slab = "none"
ceiling = "none"
roof = "none"
[[floors.rooms]]
name = "all"
polygon = [[-60, -60], [60, -60], [60, 60], [-60, 60]]
{walls}
{aps}"#
    )
}
