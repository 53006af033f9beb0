//! User materials: a plan's `[materials]` table turned into materials, with
//! every problem reported at once.
//!
//! The rules (SPEC.md, "Floor plan file"):
//!
//! * `itu = "name"` starts from a built-in material (any of them, not only
//!   P.2040 rows). A key naming a built-in overrides it, and may use its own
//!   name as base: `[materials.concrete]` with `itu = "concrete"`.
//! * `permittivity = [a, b]` and `conductivity = [c, d]` make a P.2040
//!   material; both are required unless `itu` supplies the missing one.
//! * `loss_db = { "2.4" = 18, "5" = 30 }` with `reference_thickness` makes a
//!   measured material. Keys are band names (`"2.4"`, `"5"`, `"6"`, taken at
//!   [`BAND_FREQUENCIES_GHZ`]) or frequencies in GHz (`"5.5"`). Its
//!   reflection permittivity is the `itu` base's, or concrete's (P.2040-3)
//!   when there is no `itu`: most measured walls are masonry, and
//!   concrete's moderate `ε′ = 5.24` gives a middle-of-the-road reflection.
//! * `thickness` is the typical thickness; default the base's, else 0.2 m.

use std::collections::{BTreeMap, HashMap};

use super::builtin::CONCRETE;
use super::{normalize, Material, MaterialModel, MaterialProblem, MaterialSpec, MaterialTable};
use crate::units::{Frequency, Real};

/// Frequency (GHz) each band name stands for in `loss_db` keys and in
/// `wifiplan materials`: the centre of each band's default channel
/// (SPEC.md: 2.4 GHz ch 6 = 2.437, 5 GHz ch 36 = 5.180, 6 GHz ch 37 =
/// 6.135; see `crate::radio::default_channel`).
pub const BAND_FREQUENCIES_GHZ: [(&str, Real); 3] = [("2.4", 2.437), ("5", 5.18), ("6", 6.135)];

/// Typical thickness of a user material with no base and no `thickness`, m.
const DEFAULT_THICKNESS: Real = 0.2;

/// Frequencies a `loss_db` key may name, GHz: the span of P.2040-3 Table 3.
const KEY_RANGE_GHZ: (Real, Real) = (0.1, 100.0);

/// Largest `|b|`, `|d|` accepted: P.2040-3 Table 3 never exceeds 7.4, and a
/// larger exponent would overflow `f^b` over the Wi-Fi bands.
const MAX_EXPONENT: Real = 10.0;

/// The frequency in GHz of a `loss_db` key: a band name (`"2.4"`, `"5"`,
/// `"6"`, optionally followed by `GHz`) or a number of GHz (`"5.5"`).
pub fn band_frequency_ghz(key: &str) -> Option<Real> {
    let trimmed = key.trim();
    let trimmed = trimmed
        .strip_suffix("GHz")
        .or_else(|| trimmed.strip_suffix("ghz"))
        .or_else(|| trimmed.strip_suffix("Ghz"))
        .unwrap_or(trimmed)
        .trim();
    if let Some((_, ghz)) = BAND_FREQUENCIES_GHZ.iter().find(|(band, _)| *band == trimmed) {
        return Some(*ghz);
    }
    trimmed.parse::<Real>().ok().filter(|ghz| ghz.is_finite())
}

/// Problems of one entry, collected while it is read.
struct Checker<'a> {
    key: &'a str,
    problems: Vec<MaterialProblem>,
}

impl Checker<'_> {
    fn report(&mut self, field: Option<&'static str>, message: String, hint: Option<String>) {
        self.problems.push(MaterialProblem { material: self.key.to_owned(), field, message, hint });
    }

    /// A `[coefficient, exponent]` pair: the coefficient must be finite and
    /// at least `min`, the exponent finite and moderate.
    fn pair(&mut self, field: &'static str, value: [f64; 2], min: Real, what: &str) -> bool {
        let [coefficient, exponent] = value;
        let mut ok = true;
        if !coefficient.is_finite() || !exponent.is_finite() {
            self.report(Some(field), format!("{field} must be finite numbers (got {coefficient}, {exponent})"), None);
            return false;
        }
        if coefficient < min {
            let hint = if min == 1.0 {
                "ε′ = a·f^b is relative to vacuum, whose permittivity is 1; building materials are 1.5–10"
            } else {
                "conductivity cannot be negative; use 0 for a lossless material"
            };
            self.report(Some(field), format!("{what} `{coefficient}` must be at least {min}"), Some(hint.to_owned()));
            ok = false;
        }
        if exponent.abs() > MAX_EXPONENT {
            self.report(
                Some(field),
                format!("frequency exponent `{exponent}` is out of range (-{MAX_EXPONENT} to {MAX_EXPONENT})"),
                Some("ITU-R P.2040-3 Table 3 exponents lie between -0.4 and 7.4".to_owned()),
            );
            ok = false;
        }
        ok
    }
}

/// See [`MaterialTable::with_plan_materials`].
pub(super) fn with_plan_materials(specs: &BTreeMap<String, MaterialSpec>) -> (MaterialTable, Vec<MaterialProblem>) {
    let builtins = MaterialTable::builtin();
    let mut table = builtins.clone();
    let mut problems = Vec::new();
    // Normalised key → first key spelling, to catch `Stone` and `stone`.
    let mut seen: HashMap<String, &str> = HashMap::new();

    for (key, spec) in specs {
        let mut checker = Checker { key, problems: Vec::new() };
        if key.trim().is_empty() {
            checker.report(None, "material name is empty".to_owned(), None);
        }
        if let Some(first) = seen.insert(normalize(key), key) {
            checker.report(
                None,
                format!("material `{key}` is defined twice (also as `{first}`)"),
                Some("names are compared ignoring case, `-` and spaces; keep one".to_owned()),
            );
        }
        let material = build(&builtins, key, spec, &mut checker);
        problems.extend(checker.problems);
        if table.push(material).is_none() {
            problems.push(MaterialProblem {
                material: key.clone(),
                field: None,
                message: format!("too many materials (at most {})", super::MAX_MATERIALS),
                hint: None,
            });
        }
    }
    (table, problems)
}

/// Builds one user material, reporting what is wrong with it. Always returns
/// a usable material (see [`MaterialTable::with_plan_materials`]).
fn build(builtins: &MaterialTable, key: &str, spec: &MaterialSpec, checker: &mut Checker<'_>) -> Material {
    let base = match &spec.itu {
        Some(name) => match builtins.id(name) {
            Some(id) => Some(builtins.get(id)),
            None => {
                let hint = match builtins.suggest(name) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!(
                        "`itu` names a built-in material; `wifiplan materials` lists them ({})",
                        builtins.names().join(", ")
                    ),
                };
                checker.report(Some("itu"), format!("unknown material `{name}`"), Some(hint));
                None
            }
        },
        None => None,
    };
    let itu_given = spec.itu.is_some();

    if !itu_given && spec.permittivity.is_none() && spec.conductivity.is_none() && spec.loss_db.is_none() {
        checker.report(
            None,
            "defines no material properties".to_owned(),
            Some(
                "give `itu = \"concrete\"` (start from a built-in), `permittivity` and `conductivity` \
                 (ITU-R P.2040 a, b, c, d), or `loss_db` with `reference_thickness`"
                    .to_owned(),
            ),
        );
    }

    let thickness = match spec.thickness {
        Some(t) if t.is_finite() && t > 0.0 => t,
        Some(t) => {
            checker.report(Some("thickness"), format!("thickness `{t}` must be a positive number of metres"), None);
            base.map_or(DEFAULT_THICKNESS, |m| m.typical_thickness)
        }
        None => base.map_or(DEFAULT_THICKNESS, |m| m.typical_thickness),
    };

    let inherited_scattering = base.map_or(super::builtin::DEFAULT_SCATTERING, |m| m.scattering);
    let scattering = match spec.scattering {
        Some(s) if (0.0..=1.0).contains(&s) => s,
        Some(s) => {
            checker.report(
                Some("scattering"),
                format!("scattering `{s}` must be between 0 and 1"),
                Some(
                    "`scattering` is the share S of the reflected field scattered diffusely: 0 for glass \
                     or metal, 0.2 for plastered walls, 0.4 for rough stone"
                        .to_owned(),
                ),
            );
            inherited_scattering
        }
        None => inherited_scattering,
    };

    let base_coefficients = base.map(Material::reflection_coefficients);
    let model = if let Some(losses) = &spec.loss_db {
        for (field, given) in
            [("permittivity", spec.permittivity.is_some()), ("conductivity", spec.conductivity.is_some())]
        {
            if given {
                checker.report(
                    Some(field),
                    format!("both `{field}` and `loss_db` are given"),
                    Some(
                        "use `permittivity` + `conductivity` for an ITU-R P.2040 model or `loss_db` for a \
                         measured one, not both (with `loss_db`, `itu` sets the reflection)"
                            .to_owned(),
                    ),
                );
            }
        }
        measured_model(losses, spec.reference_thickness, base_coefficients, checker)
    } else if spec.permittivity.is_some() || spec.conductivity.is_some() {
        itu_model(spec, base_coefficients, checker)
    } else {
        match base {
            Some(m) => m.model.clone(),
            None => fallback(),
        }
    };

    let description = spec
        .description
        .clone()
        .or_else(|| base.map(|m| format!("{} (from `{}`)", m.description, m.name)))
        .unwrap_or_else(|| "user material".to_owned());
    let source = match (&spec.itu, &model) {
        (_, MaterialModel::Measured { .. }) => "plan file (measured loss)".to_owned(),
        (Some(_), _) if spec.permittivity.is_none() && spec.conductivity.is_none() => {
            base.map_or_else(|| "plan file".to_owned(), |m| m.source.clone())
        }
        _ => "plan file".to_owned(),
    };
    // A pure copy keeps the base's validity range; anything edited has none.
    let valid_range_ghz = match (base, &model) {
        (Some(m), model) if *model == m.model => m.valid_range_ghz,
        _ => None,
    };
    Material {
        name: key.trim().to_owned(),
        description,
        source,
        typical_thickness: thickness,
        model,
        valid_range_ghz,
        scattering,
    }
}

/// The model a broken entry gets so that walls naming it still resolve.
fn fallback() -> MaterialModel {
    let (a, b, c, d) = CONCRETE;
    MaterialModel::Itu { a, b, c, d }
}

/// `permittivity` / `conductivity`, completed from the base.
fn itu_model(spec: &MaterialSpec, base: Option<(Real, Real, Real, Real)>, checker: &mut Checker<'_>) -> MaterialModel {
    let (base_a, base_b, base_c, base_d) = base.unwrap_or(CONCRETE);
    let (mut a, mut b, mut c, mut d) = (base_a, base_b, base_c, base_d);
    let mut ok = true;
    match spec.permittivity {
        Some(pair) => {
            if checker.pair("permittivity", pair, 1.0, "relative permittivity a") {
                [a, b] = pair;
            } else {
                ok = false;
            }
        }
        None if base.is_none() && spec.itu.is_none() => {
            checker.report(
                Some("permittivity"),
                "`conductivity` is given without `permittivity`".to_owned(),
                Some(
                    "add `permittivity = [a, b]` (ε′ = a·f^b, f in GHz), or `itu = \"…\"` to take it from a built-in"
                        .to_owned(),
                ),
            );
            ok = false;
        }
        None => {}
    }
    match spec.conductivity {
        Some(pair) => {
            if checker.pair("conductivity", pair, 0.0, "conductivity c") {
                [c, d] = pair;
            } else {
                ok = false;
            }
        }
        None if base.is_none() && spec.itu.is_none() => {
            checker.report(
                Some("conductivity"),
                "`permittivity` is given without `conductivity`".to_owned(),
                Some("add `conductivity = [c, d]` (σ = c·f^d S/m, f in GHz), or `itu = \"…\"` to take it from a built-in".to_owned()),
            );
            ok = false;
        }
        None => {}
    }
    if ok {
        MaterialModel::Itu { a, b, c, d }
    } else {
        let (a, b, c, d) = base.unwrap_or(CONCRETE);
        MaterialModel::Itu { a, b, c, d }
    }
}

/// `loss_db` + `reference_thickness` → loss per metre.
fn measured_model(
    losses: &BTreeMap<String, f64>,
    reference_thickness: Option<f64>,
    base: Option<(Real, Real, Real, Real)>,
    checker: &mut Checker<'_>,
) -> MaterialModel {
    let eta_for_reflection = base.unwrap_or(CONCRETE);
    let reference = match reference_thickness {
        Some(t) if t.is_finite() && t > 0.0 => Some(t),
        Some(t) => {
            checker.report(
                Some("reference_thickness"),
                format!("reference_thickness `{t}` must be a positive number of metres"),
                Some("it is the thickness of the wall the `loss_db` values were measured on".to_owned()),
            );
            None
        }
        None => {
            checker.report(
                Some("reference_thickness"),
                "`loss_db` needs `reference_thickness`".to_owned(),
                Some(
                    "add the thickness of the wall the losses were measured on, e.g. `reference_thickness = 0.3`"
                        .to_owned(),
                ),
            );
            None
        }
    };
    if losses.is_empty() {
        checker.report(
            Some("loss_db"),
            "`loss_db` is empty".to_owned(),
            Some("give at least one band, e.g. `loss_db = { \"5\" = 30.0 }`".to_owned()),
        );
    }

    let mut points: Vec<(Frequency, Real)> = Vec::new();
    let mut keys_at: Vec<(Real, &str)> = Vec::new();
    for (key, &loss) in losses {
        let Some(ghz) = band_frequency_ghz(key) else {
            checker.report(
                Some("loss_db"),
                format!("`{key}` is not a band or a frequency"),
                Some("use \"2.4\", \"5\", \"6\" or a frequency in GHz such as \"5.5\"".to_owned()),
            );
            continue;
        };
        if !(KEY_RANGE_GHZ.0..=KEY_RANGE_GHZ.1).contains(&ghz) {
            checker.report(
                Some("loss_db"),
                format!("frequency `{key}` is out of range ({} to {} GHz)", KEY_RANGE_GHZ.0, KEY_RANGE_GHZ.1),
                Some("keys are in GHz: \"5.5\" means 5.5 GHz".to_owned()),
            );
            continue;
        }
        if let Some((_, other)) = keys_at.iter().find(|(f, _)| (f - ghz).abs() < 1e-9) {
            checker.report(Some("loss_db"), format!("`{key}` and `{other}` name the same frequency"), None);
            continue;
        }
        if !loss.is_finite() || loss < 0.0 {
            checker.report(
                Some("loss_db"),
                format!("loss `{loss}` dB at `{key}` must be a finite, non-negative number"),
                Some("losses are positive dB: 20 means the wall takes 20 dB off the signal".to_owned()),
            );
            continue;
        }
        keys_at.push((ghz, key));
        if let Some(t) = reference {
            points.push((Frequency::from_ghz(ghz), loss / t));
        }
    }
    if reference.is_none() || points.len() != losses.len() {
        // Broken entry: keep a usable stand-in (see `with_plan_materials`).
        let (a, b, c, d) = eta_for_reflection;
        return MaterialModel::Itu { a, b, c, d };
    }
    points.sort_by(|x, y| x.0.hz().total_cmp(&y.0.hz()));
    MaterialModel::Measured { loss_db_per_m: points, eta_for_reflection }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::materials::{MaterialId, Polarization};
    use approx::assert_relative_eq;

    fn plan(entries: &[(&str, MaterialSpec)]) -> (MaterialTable, Vec<MaterialProblem>) {
        let specs: BTreeMap<String, MaterialSpec> = entries.iter().map(|(k, s)| (k.to_string(), s.clone())).collect();
        MaterialTable::with_plan_materials(&specs)
    }

    fn fields(problems: &[MaterialProblem]) -> Vec<Option<&'static str>> {
        problems.iter().map(|p| p.field).collect()
    }

    #[test]
    fn itu_base_copies_a_builtin() {
        let spec = MaterialSpec { itu: Some("concrete".into()), thickness: Some(0.5), ..Default::default() };
        let (table, problems) = plan(&[("stone", spec)]);
        assert!(problems.is_empty(), "{problems:?}");
        let stone = table.get(table.id("stone").unwrap());
        let concrete = table.get(table.id("concrete").unwrap());
        assert_eq!(stone.model, concrete.model);
        assert_eq!(stone.typical_thickness, 0.5);
        assert_eq!(stone.source, concrete.source);
        assert_eq!(table.len(), MaterialTable::builtin().len() + 1);
    }

    #[test]
    fn override_keeps_the_builtin_id() {
        let before = MaterialTable::builtin().id("concrete").unwrap();
        let spec = MaterialSpec { itu: Some("concrete".into()), permittivity: Some([6.0, 0.0]), ..Default::default() };
        let (table, problems) = plan(&[("concrete", spec)]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.id("concrete"), Some(before));
        assert_eq!(table.len(), MaterialTable::builtin().len());
        // Permittivity replaced, conductivity kept from the base.
        assert_eq!(table.get(before).model, MaterialModel::Itu { a: 6.0, b: 0.0, c: 0.0462, d: 0.7822 });
        assert_eq!(table.get(before).typical_thickness, 0.2);
    }

    #[test]
    fn permittivity_and_conductivity_define_a_material() {
        let spec =
            MaterialSpec { permittivity: Some([4.0, 0.0]), conductivity: Some([0.02, 0.5]), ..Default::default() };
        let (table, problems) = plan(&[("tuff", spec)]);
        assert!(problems.is_empty());
        let tuff = table.get(table.id("tuff").unwrap());
        assert_eq!(tuff.model, MaterialModel::Itu { a: 4.0, b: 0.0, c: 0.02, d: 0.5 });
        assert_eq!(tuff.typical_thickness, DEFAULT_THICKNESS);
        assert_eq!(tuff.source, "plan file");
    }

    #[test]
    fn measured_loss_is_reproduced_at_the_reference_thickness() {
        let losses = BTreeMap::from([("2.4".to_string(), 18.0), ("5".to_string(), 30.0), ("6GHz".to_string(), 33.0)]);
        let spec = MaterialSpec { loss_db: Some(losses), reference_thickness: Some(0.3), ..Default::default() };
        let (table, problems) = plan(&[("old_wall", spec)]);
        assert!(problems.is_empty(), "{problems:?}");
        let wall = table.get(table.id("old_wall").unwrap());
        let MaterialModel::Measured { loss_db_per_m, eta_for_reflection } = &wall.model else { panic!() };
        assert_eq!(*eta_for_reflection, CONCRETE);
        assert_eq!(loss_db_per_m.len(), 3);
        for (ghz, expected) in [(2.437, 18.0), (5.18, 30.0), (6.135, 33.0)] {
            let got = wall.transmission_loss(Frequency::from_ghz(ghz), 0.3, 1.0, Polarization::Te).value();
            assert_relative_eq!(got, expected, max_relative = 1e-9);
        }
        // Twice as thick, twice the loss (it is a loss per metre).
        let double = wall.transmission_loss(Frequency::from_ghz(5.18), 0.6, 1.0, Polarization::Te).value();
        assert_relative_eq!(double, 60.0, max_relative = 1e-9);
    }

    #[test]
    fn measured_with_itu_takes_its_reflection() {
        let losses = BTreeMap::from([("5.5".to_string(), 12.0)]);
        let spec = MaterialSpec {
            itu: Some("brick".into()),
            loss_db: Some(losses),
            reference_thickness: Some(0.1),
            ..Default::default()
        };
        let (table, problems) = plan(&[("hollow", spec)]);
        assert!(problems.is_empty());
        let m = table.get(table.id("hollow").unwrap());
        let MaterialModel::Measured { eta_for_reflection, .. } = &m.model else { panic!() };
        assert_eq!(*eta_for_reflection, (3.91, 0.0, 0.0238, 0.16));
        assert_eq!(m.typical_thickness, 0.2); // brick's
    }

    #[test]
    fn every_problem_is_reported() {
        let nan = f64::NAN;
        let entries = [
            ("a_unknown", MaterialSpec { itu: Some("brik".into()), ..Default::default() }),
            ("b_empty", MaterialSpec::default()),
            (
                "c_negative",
                MaterialSpec { permittivity: Some([0.5, 0.0]), conductivity: Some([-1.0, 0.0]), ..Default::default() },
            ),
            (
                "d_nan",
                MaterialSpec { permittivity: Some([nan, 0.0]), conductivity: Some([0.1, 0.0]), ..Default::default() },
            ),
            (
                "e_badkey",
                MaterialSpec {
                    loss_db: Some(BTreeMap::from([("five".to_string(), 3.0), ("5".to_string(), -2.0)])),
                    reference_thickness: Some(0.2),
                    ..Default::default()
                },
            ),
            ("f_noref", MaterialSpec { loss_db: Some(BTreeMap::from([("5".to_string(), 3.0)])), ..Default::default() }),
            (
                "g_zeroref",
                MaterialSpec {
                    loss_db: Some(BTreeMap::from([("5".to_string(), 3.0)])),
                    reference_thickness: Some(0.0),
                    ..Default::default()
                },
            ),
            (
                "h_both",
                MaterialSpec {
                    permittivity: Some([4.0, 0.0]),
                    loss_db: Some(BTreeMap::from([("2.4".to_string(), 3.0)])),
                    reference_thickness: Some(0.1),
                    ..Default::default()
                },
            ),
            ("i_half", MaterialSpec { permittivity: Some([4.0, 0.0]), ..Default::default() }),
            ("j_thick", MaterialSpec { itu: Some("brick".into()), thickness: Some(-0.1), ..Default::default() }),
            ("k_rough", MaterialSpec { itu: Some("brick".into()), scattering: Some(1.5), ..Default::default() }),
        ];
        let (table, problems) = plan(&entries);
        let of = |key: &str| problems.iter().filter(|p| p.material == key).collect::<Vec<_>>();

        let unknown = of("a_unknown");
        assert_eq!(fields(&unknown.iter().map(|p| (*p).clone()).collect::<Vec<_>>()), vec![Some("itu")]);
        assert_eq!(unknown[0].message, "unknown material `brik`");
        assert_eq!(unknown[0].hint.as_deref(), Some("did you mean `brick`?"));

        assert_eq!(of("b_empty").len(), 1);
        assert_eq!(of("b_empty")[0].field, None);

        let negative = of("c_negative");
        assert_eq!(negative.len(), 2);
        assert!(negative.iter().any(|p| p.field == Some("permittivity") && p.message.contains("at least 1")));
        assert!(negative.iter().any(|p| p.field == Some("conductivity")));

        assert_eq!(of("d_nan")[0].field, Some("permittivity"));

        let badkey = of("e_badkey");
        assert_eq!(badkey.len(), 2, "{badkey:?}");
        assert!(badkey.iter().any(|p| p.message == "`five` is not a band or a frequency"));
        assert!(badkey.iter().any(|p| p.message.contains("non-negative")));

        assert_eq!(of("f_noref")[0].field, Some("reference_thickness"));
        assert_eq!(of("g_zeroref")[0].field, Some("reference_thickness"));
        assert_eq!(of("h_both")[0].field, Some("permittivity"));
        assert_eq!(of("i_half")[0].field, Some("conductivity"));
        assert_eq!(of("j_thick")[0].field, Some("thickness"));
        let rough = of("k_rough");
        assert_eq!((rough.len(), rough[0].field), (1, Some("scattering")));
        assert!(rough[0].hint.as_deref().unwrap().contains("0.4 for rough stone"));
        // The bad value is replaced by the base's (brick: 0.2).
        assert_eq!(table.get(table.id("k_rough").unwrap()).scattering, 0.2);

        // Every entry is still in the table, on a usable model.
        for (key, _) in &entries {
            let id: MaterialId = table.id(key).expect(key);
            let r = table.get(id).slab(Frequency::from_ghz(5.18), 0.2, 0.7, Polarization::Te);
            assert!(r.transmission.is_finite() && r.reflection.is_finite());
        }
        // Messages follow the style guide: lowercase start, no period.
        for p in &problems {
            assert!(!p.message.ends_with('.'), "{p}");
            assert!(!p.message.starts_with(char::is_uppercase), "{p}");
        }
    }

    #[test]
    fn names_differing_only_in_case_are_duplicates() {
        let spec = MaterialSpec { itu: Some("brick".into()), ..Default::default() };
        let (_, problems) = plan(&[("Stone", spec.clone()), ("stone", spec)]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("defined twice"));
    }

    #[test]
    fn band_keys() {
        assert_eq!(band_frequency_ghz("2.4"), Some(2.437));
        assert_eq!(band_frequency_ghz(" 5 "), Some(5.18));
        assert_eq!(band_frequency_ghz("6 GHz"), Some(6.135));
        assert_eq!(band_frequency_ghz("5.5"), Some(5.5));
        assert_eq!(band_frequency_ghz("x"), None);
        assert_eq!(band_frequency_ghz("inf"), None);
    }

    #[test]
    fn problem_display() {
        let (_, problems) = plan(&[("x", MaterialSpec { itu: Some("concret".into()), ..Default::default() })]);
        assert_eq!(
            problems[0].to_string(),
            "material `x`, field `itu`: unknown material `concret`\n  hint: did you mean `concrete`?"
        );
    }
}
