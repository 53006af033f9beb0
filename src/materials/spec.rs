//! The `[materials]` entries of a plan file, as written: a user material or
//! an override of a built-in one. The plan file format (`floorplan`) holds
//! these entries, and [`super::MaterialTable::with_plan_materials`] turns
//! them into materials; the type lives here so that the material library
//! does not depend on the file format above it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A user material, or an override of a built-in one.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialSpec {
    /// Name of the built-in material this one starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub itu: Option<String>,
    /// P.2040 real relative permittivity `[a, b]`: ε' = a·f^b (f in GHz).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permittivity: Option<[f64; 2]>,
    /// P.2040 conductivity `[c, d]`: σ = c·f^d S/m (f in GHz).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conductivity: Option<[f64; 2]>,
    /// Measured loss in dB at normal incidence per band (`"2.4"`, `"5"`,
    /// `"6"`, or a frequency in GHz), for `reference_thickness`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss_db: Option<BTreeMap<String, f64>>,
    /// Thickness the measured `loss_db` applies to, m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_thickness: Option<f64>,
    /// Typical thickness, m (used by `wifiplan materials` and as a default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thickness: Option<f64>,
    /// Diffuse scattering coefficient `S`, 0–1 (default: the `itu`
    /// material's, else 0.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scattering: Option<f64>,
    /// Free text: where the numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
