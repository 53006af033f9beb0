//! Wall, floor and opening materials, and how a slab of one reflects and
//! transmits a radio wave.
//!
//! This module owns:
//!
//! * the physics of a homogeneous slab ([`slab_response`]): ITU-R P.2040-3
//!   (08/2023) Annex 1 §2.1 (complex permittivity `η = ε′ − j·17.98·σ/f` from
//!   the `a, b, c, d` power laws of §2.1.4) and §2.2 (Fresnel coefficients of
//!   the air/material interface, then the single-layer slab of §2.2.2.2 with
//!   every internal reflection summed). Thickness and angle of incidence
//!   enter through the phase `q = (2π d/λ)·√(η − sin²θ)`, so a 1.2 m wall is
//!   far more opaque than a 0.2 m one because the field decays
//!   exponentially inside it, not because of a per-wall constant;
//! * the material library ([`MaterialTable::builtin`]): every row of
//!   P.2040-3 Table 3 (§3) plus practical constructions (stone masonry,
//!   reinforced concrete, coated glass, elevator shafts, metal doors), each
//!   with its source (see `builtin.rs`);
//! * user materials from a plan's `[materials]` table
//!   ([`MaterialTable::with_plan_materials`]), checked all at once into
//!   [`MaterialProblem`]s;
//! * the `wifiplan materials` listing ([`materials_table_text`]).
//!
//! Materials are referred to by [`MaterialId`], a `u16` index, so the
//! propagation inner loop never touches strings.
//!
//! # Models
//!
//! * [`MaterialModel::Itu`]: the P.2040 slab of `η(a, b, c, d, f)`.
//! * [`MaterialModel::Measured`]: a measured loss per metre (dB/m at normal
//!   incidence, interpolated in log-frequency) for `|T|`, and a P.2040
//!   permittivity for the reflection and the refraction angle. See
//!   [`Material::slab`].
//! * [`MaterialModel::Hole`]: nothing there.
//!
//! ```
//! use wifiplan::materials::{MaterialTable, Polarization};
//! use wifiplan::units::Frequency;
//!
//! let table = MaterialTable::builtin();
//! let stone = table.get(table.id("stone_masonry").unwrap());
//! let f = Frequency::from_ghz(5.18);
//! let thin = stone.transmission_loss(f, 0.2, 1.0, Polarization::Te).value();
//! let thick = stone.transmission_loss(f, 1.2, 1.0, Polarization::Te).value();
//! assert!(thick > thin + 40.0);
//! ```

#![warn(missing_docs)]

mod builtin;
mod slab;
pub mod slab_tables;
mod spec;
mod text;
mod user;

use std::collections::HashMap;
use std::fmt;

use num_complex::Complex64;
use serde::Serialize;

use crate::units::{Db, Frequency, Real};

pub use slab::{
    complex_permittivity, refraction_cos, slab_response, Polarization, SlabResponse, MAX_LOSS_DB, SIGMA_TO_IMAG_GHZ,
};
pub use slab_tables::Slab;
pub use spec::MaterialSpec;
pub use text::materials_table_text;
pub use user::{band_frequency_ghz, BAND_FREQUENCIES_GHZ};

/// Index of a material in a [`MaterialTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct MaterialId(pub u16);

/// How a material's slab response is computed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum MaterialModel {
    /// ITU-R P.2040-3 model: `ε′ = a·f^b`, `σ = c·f^d` S/m (f in GHz).
    Itu {
        /// Real relative permittivity at 1 GHz.
        a: Real,
        /// Frequency exponent of the permittivity.
        b: Real,
        /// Conductivity at 1 GHz, S/m.
        c: Real,
        /// Frequency exponent of the conductivity.
        d: Real,
    },
    /// Measured penetration loss, scaled by the path length in the material.
    Measured {
        /// Loss in dB per metre of material at normal incidence, sorted by
        /// frequency.
        loss_db_per_m: Vec<(Frequency, Real)>,
        /// P.2040 `(a, b, c, d)` used for the reflection coefficient and the
        /// refraction angle.
        eta_for_reflection: (Real, Real, Real, Real),
    },
    /// Nothing there (an empty opening): `T = 1`, `R = 0`.
    Hole,
}

/// A named material with its model and where its numbers come from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Material {
    /// Name used in plan files (`brick`, `stone_masonry`, …).
    pub name: String,
    /// One line for humans.
    pub description: String,
    /// Citation of the numbers.
    pub source: String,
    /// Thickness this material usually comes in, m (used by
    /// `wifiplan materials` and as a default).
    pub typical_thickness: Real,
    /// How the slab response is computed.
    pub model: MaterialModel,
    /// Frequency range (GHz) the source's fit was derived for, if it states
    /// one; outside it the model is extrapolated.
    pub valid_range_ghz: Option<(Real, Real)>,
    /// Effective-roughness scattering coefficient `S` (field, 0–1): a
    /// wall of this material scatters `S²` of the power it reflects
    /// diffusely and keeps `1 − S²` specular (Degli-Esposti et al., IEEE
    /// Trans. AP-55(1), 2007; see `propagation::raytrace::scattering`).
    pub scattering: Real,
}

impl Material {
    /// Reflection and transmission of a slab of this material, `thickness`
    /// metres thick, hit at `cos_incidence` (cosine of the angle to the
    /// slab normal) with polarisation `pol`.
    ///
    /// * `Itu`: the P.2040-3 single-layer slab ([`slab_response`]).
    /// * `Measured`: `|T|` is the measured loss per metre (interpolated
    ///   linearly in log-frequency, held constant outside the measured
    ///   range) times the path length in the material,
    ///   `thickness / cos θt`, where `θt` is the refraction angle given by
    ///   the reflection permittivity ([`refraction_cos`], Snell's law for a
    ///   low-loss material). The phase of `T` is the single-pass excess phase
    ///   of that permittivity. `R` is the P.2040 slab reflection of
    ///   `eta_for_reflection`, scaled down if needed so that
    ///   `|R|² + |T|² ≤ 1`. This keeps a measured material's loss exactly
    ///   equal to the measurement at normal incidence and the typical
    ///   thickness, while angle and thickness still act through the path
    ///   length, and reflections stay physical.
    /// * `Hole`: `T = 1`, `R = 0`.
    pub fn slab(&self, f: Frequency, thickness: Real, cos_incidence: Real, pol: Polarization) -> SlabResponse {
        match &self.model {
            MaterialModel::Itu { a, b, c, d } => {
                slab_response(complex_permittivity(*a, *b, *c, *d, f), thickness, f, cos_incidence, pol)
            }
            MaterialModel::Measured { loss_db_per_m, eta_for_reflection } => {
                measured_slab(loss_db_per_m, *eta_for_reflection, f, thickness, cos_incidence, pol)
            }
            MaterialModel::Hole => SlabResponse::TRANSPARENT,
        }
    }

    /// Transmission loss `−20·log10|T|` of [`Material::slab`], dB.
    pub fn transmission_loss(&self, f: Frequency, thickness: Real, cos_incidence: Real, pol: Polarization) -> Db {
        self.slab(f, thickness, cos_incidence, pol).transmission_loss()
    }

    /// `(ε′, σ)` at `f` for a P.2040 model, `None` otherwise.
    pub fn permittivity_conductivity(&self, f: Frequency) -> Option<(Real, Real)> {
        match self.model {
            MaterialModel::Itu { a, b, c, d } => {
                let eta = complex_permittivity(a, b, c, d, f);
                Some((eta.re, -eta.im * f.ghz() / SIGMA_TO_IMAG_GHZ))
            }
            _ => None,
        }
    }

    /// Whether `f` is inside the source's stated frequency range (always
    /// true when it states none).
    pub fn in_valid_range(&self, f: Frequency) -> bool {
        self.valid_range_ghz.is_none_or(|(low, high)| (low..=high).contains(&f.ghz()))
    }

    /// The P.2040 `(a, b, c, d)` standing for this material's reflection:
    /// its own for `Itu`, `eta_for_reflection` for `Measured`, vacuum for a
    /// hole.
    pub fn reflection_coefficients(&self) -> (Real, Real, Real, Real) {
        match &self.model {
            MaterialModel::Itu { a, b, c, d } => (*a, *b, *c, *d),
            MaterialModel::Measured { eta_for_reflection, .. } => *eta_for_reflection,
            MaterialModel::Hole => (1.0, 0.0, 0.0, 0.0),
        }
    }
}

/// The `Measured` model of [`Material::slab`].
fn measured_slab(
    loss_db_per_m: &[(Frequency, Real)],
    (a, b, c, d): (Real, Real, Real, Real),
    f: Frequency,
    thickness: Real,
    cos_incidence: Real,
    pol: Polarization,
) -> SlabResponse {
    if thickness.is_nan() || thickness <= 0.0 {
        return SlabResponse::TRANSPARENT;
    }
    let eta = complex_permittivity(a, b, c, d, f);
    let reflected = slab_response(eta, thickness, f, cos_incidence, pol);

    // Path length in the material: thickness / cos θt. A floor on cos θt
    // keeps the grazing limit finite (the loss is clamped anyway).
    let cos_t = refraction_cos(eta, cos_incidence).max(1e-9);
    let loss = (interpolate_log_frequency(loss_db_per_m, f) * thickness / cos_t).clamp(0.0, MAX_LOSS_DB);
    let magnitude = if loss >= MAX_LOSS_DB { 0.0 } else { 10f64.powf(-loss / 20.0) };

    // Phase: the excess electrical length of one pass, Re(q − q₀).
    let cos = slab::clean_cos(cos_incidence);
    let kd = 2.0 * std::f64::consts::PI * thickness / f.wavelength();
    let excess = (slab::normal_wavenumber(eta, cos).re - cos) * kd;
    let excess = if excess.is_finite() { excess } else { 0.0 };
    let transmission = Complex64::from_polar(magnitude, -excess);

    // Keep the pair passive: |R|² ≤ 1 − |T|².
    let room = (1.0 - magnitude * magnitude).max(0.0);
    let reflectance = reflected.reflection.norm_sqr();
    let reflection =
        if reflectance > room { reflected.reflection * (room / reflectance).sqrt() } else { reflected.reflection };
    SlabResponse { reflection, transmission }
}

/// Linear interpolation of `points` (sorted by frequency) in `ln f`, held
/// constant outside their range; no points means no loss.
fn interpolate_log_frequency(points: &[(Frequency, Real)], f: Frequency) -> Real {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return 0.0;
    };
    let x = f.hz();
    if x.is_nan() || x <= first.0.hz() {
        return first.1;
    }
    if x >= last.0.hz() {
        return last.1;
    }
    for pair in points.windows(2) {
        let [(f0, v0), (f1, v1)] = [pair[0], pair[1]];
        if x <= f1.hz() {
            let span = (f1.hz() / f0.hz()).ln();
            if span <= 0.0 || !span.is_finite() {
                return v1;
            }
            let t = (x / f0.hz()).ln() / span;
            return v0 + t * (v1 - v0);
        }
    }
    last.1
}

/// Every material a plan can name, indexed by [`MaterialId`].
#[derive(Clone, Debug)]
pub struct MaterialTable {
    materials: Vec<Material>,
    /// Normalised name (and alias) → id.
    by_name: HashMap<String, MaterialId>,
}

/// Alternative names: `air` is `vacuum`.
const ALIASES: [(&str, &str); 1] = [("air", "vacuum")];

/// Most materials a table can hold (ids are `u16`).
const MAX_MATERIALS: usize = u16::MAX as usize;

/// Lower-case, trimmed, with `-` and spaces turned into `_`: the form names
/// are compared in.
fn normalize(name: &str) -> String {
    name.trim().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() }).collect()
}

impl MaterialTable {
    /// Every built-in material: ITU-R P.2040-3 Table 3 and the practical ones.
    pub fn builtin() -> MaterialTable {
        let mut table = MaterialTable { materials: Vec::new(), by_name: HashMap::new() };
        for material in builtin::builtin_materials() {
            // Built-in names are distinct and few; this cannot fail.
            let _ = table.push(material);
        }
        for (alias, target) in ALIASES {
            if let Some(id) = table.id(target) {
                table.by_name.insert(alias.to_owned(), id);
            }
        }
        table
    }

    /// The built-ins plus a plan's `[materials]`: new materials are added,
    /// and a key naming a built-in overrides it in place (keeping its id).
    ///
    /// Problems are returned instead of stopping at the first, so
    /// validation can report them all. A material with problems is still
    /// added, on a best-effort model (its `itu` base, else concrete), so that
    /// walls naming it do not produce a second, misleading "unknown
    /// material" error; callers must treat any problem as fatal.
    pub fn with_plan_materials(
        specs: &std::collections::BTreeMap<String, MaterialSpec>,
    ) -> (MaterialTable, Vec<MaterialProblem>) {
        user::with_plan_materials(specs)
    }

    /// Adds a material, or replaces the one with the same normalised name.
    /// `None` when the table is full.
    fn push(&mut self, material: Material) -> Option<MaterialId> {
        let key = normalize(&material.name);
        if let Some(&id) = self.by_name.get(&key) {
            self.materials[id.0 as usize] = material;
            return Some(id);
        }
        if self.materials.len() >= MAX_MATERIALS {
            return None;
        }
        let id = MaterialId(self.materials.len() as u16);
        self.materials.push(material);
        self.by_name.insert(key, id);
        Some(id)
    }

    /// The id of a material by name: exact, or ignoring case and with `-` or
    /// spaces for `_` (`"Stone-Masonry"` finds `stone_masonry`). `air` is an
    /// alias of `vacuum`.
    pub fn id(&self, name: &str) -> Option<MaterialId> {
        self.by_name.get(&normalize(name)).copied()
    }

    /// The material with this id.
    ///
    /// # Panics
    ///
    /// If `id` did not come from this table (a programming error; ids are
    /// only made by the table). Use [`MaterialTable::try_get`] otherwise.
    pub fn get(&self, id: MaterialId) -> &Material {
        &self.materials[id.0 as usize]
    }

    /// The material with this id, if the table has it.
    pub fn try_get(&self, id: MaterialId) -> Option<&Material> {
        self.materials.get(id.0 as usize)
    }

    /// Every material with its id, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (MaterialId, &Material)> {
        self.materials.iter().enumerate().map(|(i, m)| (MaterialId(i as u16), m))
    }

    /// Number of materials.
    pub fn len(&self) -> usize {
        self.materials.len()
    }

    /// Whether the table is empty (never, for a table built here).
    pub fn is_empty(&self) -> bool {
        self.materials.is_empty()
    }

    /// Material names in id order.
    pub fn names(&self) -> Vec<&str> {
        self.materials.iter().map(|m| m.name.as_str()).collect()
    }

    /// The known name (or alias) nearest to `name` by edit distance, if it
    /// is close enough to be a typo: at most `max(2, len/3)` edits. For
    /// "unknown material `brik`; did you mean `brick`?".
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let wanted = normalize(name);
        let length = wanted.chars().count();
        if length == 0 {
            return None;
        }
        let limit = (length / 3).max(2);
        let mut best: Option<(usize, &str)> = None;
        // Materials first (in id order, so ties are deterministic), then
        // aliases.
        let candidates = self.materials.iter().map(|m| m.name.as_str()).chain(ALIASES.iter().map(|(alias, _)| *alias));
        for candidate in candidates {
            let distance = crate::suggest::edit_distance(&wanted, &normalize(candidate));
            if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
                best = Some((distance, candidate));
            }
        }
        best.map(|(_, name)| name)
    }
}

impl Default for MaterialTable {
    fn default() -> Self {
        MaterialTable::builtin()
    }
}

/// Something wrong with one entry of a plan's `[materials]` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MaterialProblem {
    /// The key in `[materials]`.
    pub material: String,
    /// The field at fault (`"itu"`, `"permittivity"`, `"loss_db"`, …), or
    /// `None` for the entry as a whole.
    pub field: Option<&'static str>,
    /// What is wrong (lowercase, no trailing period).
    pub message: String,
    /// How to fix it, when known.
    pub hint: Option<String>,
}

impl fmt::Display for MaterialProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(field) => write!(f, "material `{}`, field `{field}`: {}", self.material, self.message)?,
            None => write!(f, "material `{}`: {}", self.material, self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn names_resolve_exactly_and_loosely() {
        let table = MaterialTable::builtin();
        let vacuum = table.id("vacuum").unwrap();
        assert_eq!(table.id("air"), Some(vacuum));
        assert_eq!(table.id("AIR"), Some(vacuum));
        let board = table.id("ceiling_board").unwrap();
        assert_eq!(table.id("Ceiling Board"), Some(board));
        assert_eq!(table.id("ceiling-board"), Some(board));
        assert_eq!(table.id(" ceiling_board "), Some(board));
        assert_eq!(table.id("stonne"), None);
        assert_eq!(table.get(board).name, "ceiling_board");
        assert!(table.try_get(MaterialId(u16::MAX)).is_none());
    }

    #[test]
    fn builtin_names_are_complete_and_ids_dense() {
        let table = MaterialTable::builtin();
        let names = table.names();
        for name in [
            "vacuum",
            "concrete",
            "brick",
            "plasterboard",
            "wood",
            "glass",
            "ceiling_board",
            "chipboard",
            "plywood",
            "marble",
            "floorboard",
            "metal",
            "very_dry_ground",
            "medium_dry_ground",
            "wet_ground",
            "stone_masonry",
            "reinforced_concrete",
            "coated_glass",
            "elevator_shaft",
        ] {
            assert!(names.contains(&name), "{name} missing");
        }
        for (i, (id, m)) in table.iter().enumerate() {
            assert_eq!(id, MaterialId(i as u16));
            assert_eq!(table.id(&m.name), Some(id));
            assert!(!m.source.is_empty() && !m.description.is_empty());
            assert!(m.typical_thickness >= 0.0);
        }
        assert_eq!(table.len(), names.len());
        assert!(!table.is_empty());
    }

    #[test]
    fn suggestions_catch_typos_only() {
        let table = MaterialTable::builtin();
        assert_eq!(table.suggest("brik"), Some("brick"));
        assert_eq!(table.suggest("concret"), Some("concrete"));
        assert_eq!(table.suggest("Plaster board"), Some("plasterboard"));
        assert_eq!(table.suggest("stone_masnry"), Some("stone_masonry"));
        assert_eq!(table.suggest("ari"), Some("air"));
        assert_eq!(table.suggest("unobtainium"), None);
        assert_eq!(table.suggest(""), None);
    }

    #[test]
    fn log_frequency_interpolation() {
        let points = [(Frequency::from_ghz(2.0), 10.0), (Frequency::from_ghz(8.0), 30.0)];
        assert_eq!(interpolate_log_frequency(&points, Frequency::from_ghz(1.0)), 10.0);
        assert_eq!(interpolate_log_frequency(&points, Frequency::from_ghz(9.0)), 30.0);
        // 4 GHz is half-way between 2 and 8 in log-frequency.
        assert_relative_eq!(interpolate_log_frequency(&points, Frequency::from_ghz(4.0)), 20.0, max_relative = 1e-12);
        assert_eq!(interpolate_log_frequency(&[], Frequency::from_ghz(4.0)), 0.0);
    }

    #[test]
    fn measured_model_reproduces_its_data_and_scales_with_path() {
        let material = Material {
            scattering: 0.0,
            name: "test".into(),
            description: "test".into(),
            source: "test".into(),
            typical_thickness: 0.3,
            model: MaterialModel::Measured {
                loss_db_per_m: vec![(Frequency::from_ghz(2.437), 60.0), (Frequency::from_ghz(5.18), 100.0)],
                eta_for_reflection: builtin::CONCRETE,
            },
            valid_range_ghz: None,
        };
        let f = Frequency::from_ghz(5.18);
        let normal = material.transmission_loss(f, 0.3, 1.0, Polarization::Te).value();
        assert_relative_eq!(normal, 30.0, max_relative = 1e-9);
        // Oblique: longer path, by 1/cos θt with Snell in ε′ = 5.24.
        let cos = 45f64.to_radians().cos();
        let cos_t = (1.0 - 0.5 / 5.24_f64).sqrt();
        let oblique = material.transmission_loss(f, 0.3, cos, Polarization::Te).value();
        assert_relative_eq!(oblique, 30.0 / cos_t, max_relative = 1e-3);
        // Thickness 0 is nothing.
        assert_eq!(material.slab(f, 0.0, 1.0, Polarization::Te), SlabResponse::TRANSPARENT);
        // Passive.
        for i in 0..=10 {
            let r = material.slab(f, 0.01 * i as Real, i as Real / 10.0, Polarization::Tm);
            assert!(r.reflectance() + r.transmittance() <= 1.0 + 1e-12);
        }
    }

    #[test]
    fn permittivity_and_range_helpers() {
        let table = MaterialTable::builtin();
        let concrete = table.get(table.id("concrete").unwrap());
        let (eps, sigma) = concrete.permittivity_conductivity(Frequency::from_ghz(5.0)).unwrap();
        assert_relative_eq!(eps, 5.24);
        assert_relative_eq!(sigma, 0.0462 * 5f64.powf(0.7822), max_relative = 1e-12);
        let floorboard = table.get(table.id("floorboard").unwrap());
        assert!(!floorboard.in_valid_range(Frequency::from_ghz(5.0)));
        assert!(concrete.in_valid_range(Frequency::from_ghz(5.0)));
    }
}
