//! The floor plan file: the schema as plain serde structs.
//!
//! A plan is TOML (or the same schema in JSON). Units are metres, dBm, dB and
//! GHz; x points east, y north, z up, one origin for all floors. Unknown keys
//! are errors. A minimal plan:
//!
//! ```toml
//! format = 1
//! name = "One room"
//!
//! [[floors]]
//! id = "f0"
//! elevation = 0.0
//! height = 3.0
//!
//! [[floors.walls]]
//! points = [[0, 0], [8, 0], [8, 6], [0, 6], [0, 0]]
//! material = "brick"
//! thickness = 0.2
//!
//! [[aps]]
//! id = "AP1"
//! position = [4.0, 3.0]
//! ```
//!
//! Every field, with its unit and default:
//!
//! * `format` (required, `1`), `name` (defaults to the file stem).
//! * `[defaults]`: `resolution` (grid cell, m, 0.25), `receiver_height`
//!   (m above the floor, 1.0), `ap_height` (m above the floor, 2.6),
//!   `threshold_dbm` (−67), `target_coverage` (%, 95), `noise_floor_dbm`
//!   (−95), `band` (`"2.4"`, `"5"` or `"6"`, default `"5"`), `tx_power_dbm`
//!   (20), `antenna_gain_dbi` (0), `channel_width` (MHz, 20), `country`
//!   (ISO 3166 alpha-2, e.g. `"FR"`: channel and power rules, see
//!   [`crate::regulatory`]), `dfs` (`plan` may use DFS channels, false),
//!   `requirement` (`"voice"`, `"data"` or `"iot"`), `min_sinr_db` (dB, 20),
//!   `max_clients_per_ap` (30); see [`crate::requirement`].
//! * `[materials.NAME]`: a user material or an override of a built-in one:
//!   `itu = "concrete"` (based on a built-in), or `permittivity = [a, b]` and
//!   `conductivity = [c, d]` (ITU-R P.2040 `ε' = a·f^b`, `σ = c·f^d`, f in
//!   GHz), or measured `loss_db = { "2.4" = 18, "5" = 30 }` for
//!   `reference_thickness` metres; `thickness` gives its typical thickness,
//!   `scattering` its diffuse scattering coefficient S (0–1, default the
//!   `itu` material's, else 0.2).
//! * `[[floors]]`: `id`, `name` (shown in titles), `elevation` (m, floor level), `height` (m,
//!   floor-to-ceiling), `slab` (the floor under this storey: `{ material,
//!   thickness }` or `"none"`), `ceiling` (`"flat"`, `"none"` or `{ vault =
//!   RISE }`), `roof` (top storey only, default concrete 0.30 m).
//! * `[[floors.walls]]`: `id` (optional), `points` (centreline polyline),
//!   `material`, `thickness` (m, centred on the line), `height` (m, default
//!   the floor height).
//! * `[[floors.openings]]`: `wall`, `at` (two points of the span on the wall
//!   centreline), `kind` (`door`, `window`, `opening`), `material` and
//!   `thickness` (defaults per kind), `bottom`/`top` (m above the floor;
//!   doors 0–2.1, windows 0.9–2.2, openings the full wall).
//! * `[[floors.rooms]]`: `name`, `polygon`, optional `threshold_dbm`,
//!   `target_coverage`, `min_sinr_db`, `clients`, `exclude`.
//! * `[[floors.candidates]]`: `points = [[x, y], …]` or `polygon`.
//! * `[[aps]]`: `id`, `floor` (default the first), `position`, `height`,
//!   `band`, `channel`, `tx_power_dbm`, `antenna_gain_dbi`, `channel_width`,
//!   `fixed` (for `plan`: `true` keeps the AP, `false` makes it a proposal
//!   the optimiser may drop; default `true`), `antenna` (a built-in
//!   pattern name or a Planet/MSI file relative to the plan; its gain
//!   replaces `antenna_gain_dbi`), `azimuth` (degrees clockwise from north,
//!   default 0) and `downtilt` (degrees below the horizontal, default 0);
//!   see [`crate::antenna`].
//!
//! The parsed structs keep exactly what the user wrote; [`crate::scene`]
//! resolves defaults, materials and geometry after [`validate`] has accepted
//! the plan.

mod mistakes;
mod parse;
mod preset;
pub mod ranges;
mod rules;
mod schema;
mod sniff;
mod source_map;
mod syntax;
pub mod validate;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

pub use parse::{load, parse_str, PlanSource};
pub use preset::Preset;
pub use source_map::{Location, SourceMap};
pub use syntax::PlanFormat;

use crate::materials::MaterialSpec;
use crate::radio::Band;

/// Writes a plan as TOML that people can read and edit: one table per
/// floor, wall, room and AP, points inline (`[[0.0, 0.0], [8.0, 0.0]]`).
/// Used for `planned.toml` and by `import`.
pub fn to_toml(plan: &FloorPlan) -> Result<String, toml::ser::Error> {
    toml::to_string(plan)
}

/// A 2D point on the plan, metres.
pub type PlanPoint = [f64; 2];

/// A whole floor plan file.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FloorPlan {
    /// File format version; must be 1.
    pub format: u32,
    /// Display name of the building; defaults to the file stem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Plan-wide defaults.
    #[serde(default)]
    pub defaults: Defaults,
    /// User materials and overrides of built-in ones, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub materials: BTreeMap<String, MaterialSpec>,
    /// Storeys, bottom to top by convention (any order is accepted).
    #[serde(default)]
    pub floors: Vec<Floor>,
    /// Placed (simulate) or fixed (plan) access points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aps: Vec<ApSpec>,
}

/// Plan-wide defaults; every field has a documented default.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Defaults {
    /// Grid cell size, m.
    pub resolution: f64,
    /// Receiver height above the floor, m.
    pub receiver_height: f64,
    /// AP mounting height above the floor, m.
    pub ap_height: f64,
    /// Coverage threshold, dBm (−67 dBm: the usual voice-over-Wi-Fi grade).
    pub threshold_dbm: f64,
    /// Share of the required area at or above the threshold, %.
    pub target_coverage: f64,
    /// Receiver noise floor, dBm.
    pub noise_floor_dbm: f64,
    /// Default band of APs that give none.
    pub band: Band,
    /// Default AP transmit power, dBm.
    pub tx_power_dbm: f64,
    /// Default AP antenna gain, dBi.
    pub antenna_gain_dbi: f64,
    /// Default channel width, MHz (20, 40, 80 or 160).
    pub channel_width: u32,
    /// Regulatory domain: ISO 3166 alpha-2 country code (`"FR"`, `"GB"`,
    /// `"US"`, …); see [`crate::regulatory`]. `None`: only the channels
    /// allowed everywhere are planned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `plan` may use DFS (radar detection) channels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dfs: Option<bool>,
    /// Requirement preset (`"voice"`, `"data"`, `"iot"`): a threshold and
    /// a minimum SINR; see [`crate::requirement`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    /// Minimum SINR at the serving AP, dB (default 20, or the preset's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_sinr_db: Option<f64>,
    /// Most clients one AP may serve (default 30).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_clients_per_ap: Option<u32>,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            resolution: 0.25,
            receiver_height: 1.0,
            ap_height: 2.6,
            threshold_dbm: -67.0,
            target_coverage: 95.0,
            noise_floor_dbm: -95.0,
            band: Band::Ghz5,
            tx_power_dbm: 20.0,
            antenna_gain_dbi: 0.0,
            channel_width: 20,
            country: None,
            dfs: None,
            requirement: None,
            min_sinr_db: None,
            max_clients_per_ap: None,
        }
    }
}

/// One storey.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    /// Storey id, unique in the plan; names the output images.
    pub id: String,
    /// Display name (`"Rez-de-chaussée"`), shown in titles; defaults to
    /// the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Floor level of this storey, m.
    #[serde(default)]
    pub elevation: f64,
    /// Floor-to-ceiling height, m (at the crown of a vault).
    #[serde(default = "default_floor_height")]
    pub height: f64,
    /// The floor slab under this storey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slab: Option<SlabSpec>,
    /// The ceiling shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<CeilingSpec>,
    /// The roof over the top storey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roof: Option<SlabSpec>,
    /// Walls of this storey.
    #[serde(default)]
    pub walls: Vec<Wall>,
    /// Doors, windows and openings cut into walls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub openings: Vec<Opening>,
    /// Rooms: the zones that must be covered (or are excluded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rooms: Vec<Room>,
    /// Where the optimiser may mount APs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<CandidateSpec>,
}

fn default_floor_height() -> f64 {
    3.0
}

/// A horizontal slab: `{ material, thickness }` or the keyword `"none"`.
#[derive(Clone, Debug, PartialEq)]
pub enum SlabSpec {
    /// A keyword; only `"none"` is valid (checked by validation so that a
    /// misspelt keyword is reported with its location).
    Keyword(String),
    /// A slab of a material.
    Slab(SlabLayer),
}

/// Material and thickness of a floor slab or roof.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SlabLayer {
    /// Material name.
    pub material: String,
    /// Thickness, m.
    pub thickness: f64,
}

/// A ceiling: `"flat"`, `"none"` or `{ vault = RISE }`.
#[derive(Clone, Debug, PartialEq)]
pub enum CeilingSpec {
    /// A keyword: `"flat"` or `"none"` (checked by validation).
    Keyword(String),
    /// A barrel vault.
    Vault(VaultSpec),
}

/// A barrel vault that rises `vault` metres from its springing line to the
/// crown, along the long axis of each room (of the storey where it has no
/// rooms). The storey `height` is measured at the crown.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VaultSpec {
    /// Rise of the vault, m.
    pub vault: f64,
}

/// Points with exactly two coordinates. Serde's fixed-size array impl lets
/// TOML's deserializer drop extra elements silently (`[4, 3, 2.6]` would
/// read as `[4, 3]`), so points are read as lists and their length checked.
mod exact {
    use serde::de::{self, Deserialize, Deserializer};

    use super::PlanPoint;

    fn to_point<E: de::Error>(values: Vec<f64>) -> Result<PlanPoint, E> {
        match values.as_slice() {
            &[x, y] => Ok([x, y]),
            _ => Err(E::invalid_length(values.len(), &"a point [x, y] of two numbers")),
        }
    }

    pub fn point<'de, D: Deserializer<'de>>(deserializer: D) -> Result<PlanPoint, D::Error> {
        to_point(Vec::<f64>::deserialize(deserializer)?)
    }

    pub fn points<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<PlanPoint>, D::Error> {
        Vec::<Vec<f64>>::deserialize(deserializer)?.into_iter().map(to_point).collect()
    }

    pub fn optional_points<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<PlanPoint>>, D::Error> {
        points(deserializer).map(Some)
    }

    pub fn span<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[PlanPoint; 2], D::Error> {
        let list = points(deserializer)?;
        match list.as_slice() {
            &[a, b] => Ok([a, b]),
            _ => Err(de::Error::invalid_length(list.len(), &"a span [[x1, y1], [x2, y2]] of two points")),
        }
    }
}

/// Deserializes "either a keyword string or a table" without serde's
/// untagged enums, whose errors ("data did not match any variant") do not
/// tell the user what is wrong.
macro_rules! keyword_or_table {
    ($ty:ident, $table:ident, $variant:ident, $expecting:literal) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct KeywordOrTable;
                impl<'de> Visitor<'de> for KeywordOrTable {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                        Ok($ty::Keyword(v.to_owned()))
                    }
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<$ty, A::Error> {
                        $table::deserialize(de::value::MapAccessDeserializer::new(map)).map($ty::$variant)
                    }
                }
                deserializer.deserialize_any(KeywordOrTable)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $ty::Keyword(keyword) => serializer.serialize_str(keyword),
                    $ty::$variant(table) => table.serialize(serializer),
                }
            }
        }
    };
}

keyword_or_table!(SlabSpec, SlabLayer, Slab, "`\"none\"` or a table `{ material, thickness }`");
keyword_or_table!(CeilingSpec, VaultSpec, Vault, "`\"flat\"`, `\"none\"` or a table `{ vault = RISE }`");

/// A wall: a vertical prism of `thickness` centred on a polyline.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Wall {
    /// Optional id, needed to attach openings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Centreline polyline, at least two points.
    #[serde(deserialize_with = "exact::points")]
    pub points: Vec<PlanPoint>,
    /// Material name (built-in or from `[materials]`).
    pub material: String,
    /// Full thickness, m.
    pub thickness: f64,
    /// Height above the floor, m; defaults to the storey height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<f64>,
}

/// What an opening is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OpeningKind {
    /// A door: wood by default, 0–2.1 m.
    Door,
    /// A window: glass by default, 0.9–2.2 m.
    Window,
    /// An empty opening (archway, passage): a hole, full wall height.
    Opening,
}

/// A door, window or opening cut into a wall.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// Id of the wall it is cut into.
    pub wall: String,
    /// The span along the wall centreline: two points.
    #[serde(deserialize_with = "exact::span")]
    pub at: [PlanPoint; 2],
    /// Door, window or empty opening.
    #[serde(default = "default_opening_kind")]
    pub kind: OpeningKind,
    /// Material of the leaf; default per kind (door: wood, window: glass,
    /// opening: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub material: Option<String>,
    /// Thickness of the leaf, m; default per kind (door 0.04, window 0.01).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thickness: Option<f64>,
    /// Bottom of the opening above the floor, m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bottom: Option<f64>,
    /// Top of the opening above the floor, m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<f64>,
}

fn default_opening_kind() -> OpeningKind {
    OpeningKind::Door
}

/// A room: a zone that must be covered, or is excluded.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Room {
    /// Room name, unique on its floor.
    pub name: String,
    /// Outline, a simple polygon (closing point optional).
    #[serde(deserialize_with = "exact::points")]
    pub polygon: Vec<PlanPoint>,
    /// Coverage threshold override, dBm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_dbm: Option<f64>,
    /// Target coverage override, %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_coverage: Option<f64>,
    /// Minimum SINR override, dB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_sinr_db: Option<f64>,
    /// Expected simultaneous clients (capacity planning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<u32>,
    /// `true`: never counted (stairwell, plant room).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exclude: bool,
}

/// Candidate AP mounting positions.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateSpec {
    /// Explicit points.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "exact::optional_points")]
    pub points: Option<Vec<PlanPoint>>,
    /// A polygon in which the optimiser may mount APs anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "exact::optional_points")]
    pub polygon: Option<Vec<PlanPoint>>,
}

/// An access point.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApSpec {
    /// AP id, unique in the plan.
    pub id: String,
    /// Floor id; defaults to the first floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<String>,
    /// Position on the plan, m.
    #[serde(deserialize_with = "exact::point")]
    pub position: PlanPoint,
    /// Mounting height above the floor, m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<f64>,
    /// Band; defaults to `defaults.band`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<Band>,
    /// IEEE 802.11 channel number; defaults to the band's default channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<u32>,
    /// Conducted transmit power, dBm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_power_dbm: Option<f64>,
    /// Antenna gain, dBi.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub antenna_gain_dbi: Option<f64>,
    /// Channel width, MHz.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_width: Option<u32>,
    /// Antenna pattern: a built-in name (`wifiplan antennas`) or the path
    /// of a Planet/MSI file (`.msi`, `.pln`) relative to the plan file;
    /// isotropic when absent. With a pattern, the gain is the pattern's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub antenna: Option<String>,
    /// Bearing of the antenna's boresight, degrees clockwise from north
    /// (+y); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azimuth: Option<f64>,
    /// Tilt of the boresight below the horizontal, degrees; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downtilt: Option<f64>,
    /// For `plan`: `true` (the default) keeps this AP as installed;
    /// `false` marks a proposal the optimiser may drop (its position is
    /// still offered as a candidate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<bool>,
}
