//! Does the import look like a building? A drawing read at the wrong
//! scale gives a plan kilometres wide with walls metres thick (an SVG in
//! centimetres read as metres), or a few centimetres wide; a DXF without
//! a layer map turns every door and window block into a concrete wall.
//! [`check`] refuses such imports (exit 2) with one message that says
//! what was found, and a hint with the likely fix (`--scale 0.01`,
//! `--layer-map`, `--list-layers`), unless `--force` is given.

use std::path::Path;

use super::{import_error, Drawing};
use crate::error::Result;

/// Smallest and largest extent of a building's walls, m: one small room
/// to a large campus wing.
pub const EXTENT_RANGE: (f64, f64) = (3.0, 1000.0);
/// Thickest wall that is still ordinary, m (old stone walls reach 1.5 m).
pub const MAX_THICKNESS: f64 = 2.0;
/// Share of the drawn wall length that may be thicker than
/// [`MAX_THICKNESS`] (a tower or a fortified wall) before the unit is taken
/// to be wrong. A scan read at a tenth of its pixels per metre has its
/// facade ten times too thick while text and hatching keep the median
/// ordinary, so the median alone would pass it.
pub const MAX_THICK_SHARE: f64 = 0.25;

/// How drawing units became metres.
#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    /// Vector sources: metres per drawing unit. Raster: pixels per metre.
    pub value: f64,
    /// Where it came from.
    pub source: ScaleSource,
}

/// Where a scale came from.
#[derive(Clone, Debug, PartialEq)]
pub enum ScaleSource {
    /// `--scale` or `--calibrate` on the command line.
    Option,
    /// The file's own units (`$INSUNITS`, an SVG `width` in mm), described.
    File(String),
    /// Nothing said: one drawing unit is one metre.
    Assumed,
    /// A raster's pixels per metre (always from the command line).
    Pixels,
}

/// Units a vector drawing may be in: metres per unit and their name.
const UNITS: [(f64, &str); 6] = [
    (0.001, "millimetres"),
    (0.01, "centimetres"),
    (0.0254, "inches"),
    (0.1, "decimetres (or a 1:100 plot in millimetres)"),
    (0.3048, "feet"),
    (1.0, "metres"),
];

/// Median wall thickness a building plausibly has, m: 7 cm plasterboard
/// partitions to 1.2 m stone walls (thinner or thicker medians mean the
/// unit is wrong).
const THICKNESS_RANGE: (f64, f64) = (0.07, 1.2);

/// The unit among [`UNITS`] that makes the drawing most building-like:
/// its extent within [`EXTENT_RANGE`] and nearest 50 m (on a log scale),
/// plus, when the drawing gives thicknesses, twice the log distance of its
/// median wall to [`THICKNESS_RANGE`] (zero inside: a 10 cm partition and
/// a 60 cm wall are both ordinary, but a 1 cm or 3 m median is not).
/// `extent` and `thickness` are in metres at the current
/// `metres_per_unit`.
fn likely_unit(extent: f64, thickness: Option<f64>, metres_per_unit: f64) -> Option<(f64, &'static str)> {
    let score = |unit: f64| {
        let ratio = unit / metres_per_unit;
        let size = extent * ratio;
        if !(EXTENT_RANGE.0..=EXTENT_RANGE.1).contains(&size) {
            return None;
        }
        let thick = thickness.map_or(0.0, |t| {
            let t = t * ratio;
            2.0 * (THICKNESS_RANGE.0 / t).ln().max((t / THICKNESS_RANGE.1).ln()).max(0.0)
        });
        Some((size / 50.0).ln().abs() + thick)
    };
    UNITS
        .iter()
        .filter_map(|&(unit, name)| score(unit).map(|s| (s, unit, name)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, unit, name)| (unit, name))
}

/// The thickness at half the total length of `drawn` (thickness, length)
/// pairs: the thickness of most of the walls, whatever the text and
/// hatching that became short walls.
fn weighted_median(drawn: &[(f64, f64)]) -> Option<f64> {
    let mut sorted: Vec<(f64, f64)> = drawn.iter().copied().filter(|d| d.1 > 0.0).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = sorted.iter().map(|d| d.1).sum::<f64>() / 2.0;
    let mut run = 0.0;
    sorted
        .into_iter()
        .find(|d| {
            run += d.1;
            run >= half
        })
        .map(|d| d.0)
}

/// A number in the fewest digits that keep it exact enough.
fn metres(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 1.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// Refuses a drawing that does not look like a building (see the module
/// documentation). Walls must be cleaned already.
pub fn check(path: &Path, drawing: &Drawing) -> Result<()> {
    scale(path, drawing)?;
    blocks(path, drawing)
}

fn scale(path: &Path, drawing: &Drawing) -> Result<()> {
    let Some((lo, hi)) = super::walls::bounds(&drawing.walls) else { return Ok(()) };
    let (width, depth) = (hi[0] - lo[0], hi[1] - lo[1]);
    let extent = width.max(depth);
    let thickness = weighted_median(&drawing.drawn);
    let total: f64 = drawing.drawn.iter().map(|d| d.1).sum();
    let thick: f64 = drawing.drawn.iter().filter(|d| d.0 > MAX_THICKNESS).map(|d| d.1).sum();
    let too_thick = total > 0.0 && thick > MAX_THICK_SHARE * total;
    if (EXTENT_RANGE.0..=EXTENT_RANGE.1).contains(&extent) && !too_thick {
        return Ok(());
    }
    let mut found = format!("the walls span {} × {} m", metres(width), metres(depth));
    if too_thick {
        let thickest = drawing.drawn.iter().map(|d| d.0).fold(0.0, f64::max);
        found.push_str(&format!(
            ", {:.0} % of their length is over {MAX_THICKNESS} m thick (up to {} m)",
            100.0 * thick / total,
            metres(thickest)
        ));
    } else if let Some(t) = thickness {
        found.push_str(&format!(" and are {} m thick", metres(t)));
    }
    let force = "or --force to import it as it is";
    let Some(scale) = &drawing.scale else {
        return Err(import_error(
            path,
            format!("{found}: not a building"),
            &format!("check the drawing's units, {force}"),
        ));
    };
    let (read, hint) = match &scale.source {
        ScaleSource::Pixels => (
            format!("at {} pixels per metre", scale.value),
            format!(
                "check --scale, in pixels per metre (a 1:100 plan scanned at 300 dpi is 118 px/m), or give \
                 --calibrate x1,y1,x2,y2,METRES with two pixels a known distance apart; {force}"
            ),
        ),
        source => {
            let read = match source {
                ScaleSource::Option => format!("at --scale {}", scale.value),
                ScaleSource::File(units) => format!("in its own units ({units})"),
                _ => "as metres (the file gives no unit)".to_owned(),
            };
            let hint = match likely_unit(extent, thickness, scale.value) {
                Some((unit, name)) if (unit - scale.value).abs() > 1e-12 => format!(
                    "the drawing looks like it is in {name}: give --scale {unit} (metres per drawing unit), {force}"
                ),
                _ => format!(
                    "give --scale in metres per drawing unit (0.001 for millimetres, 0.01 for centimetres), {force}"
                ),
            };
            (read, hint)
        }
    };
    Err(import_error(path, format!("read {read}, {found}: not a building"), &hint))
}

fn blocks(path: &Path, drawing: &Drawing) -> Result<()> {
    let total: usize = drawing.block_walls.values().sum();
    if total == 0 {
        return Ok(());
    }
    let layers: Vec<String> = drawing.block_walls.iter().map(|(layer, n)| format!("{layer} ({n})")).collect();
    Err(import_error(
        path,
        format!(
            "{total} block symbol{} (INSERT) would become concrete walls, on layer{} {}: blocks are usually doors, windows or furniture",
            if total == 1 { "" } else { "s" },
            if layers.len() == 1 { "" } else { "s" },
            layers.join(", ")
        ),
        &format!(
            "run `wifiplan import {} --list-layers`, then give --layer-map LAYER=MATERIAL:THICKNESS for the wall layers \
             (only mapped layers become walls) and --door-layer/--window-layer for the openings; or --force to keep \
             the blocks as walls",
            path.display()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_likely_unit_fits_size_and_thickness() {
        // A 38 m school drawn in centimetres with 30 cm walls, read as m.
        assert_eq!(likely_unit(3820.0, Some(30.0), 1.0).map(|u| u.0), Some(0.01));
        // The same in millimetres (DXF without $INSUNITS).
        assert_eq!(likely_unit(38_200.0, Some(300.0), 1.0).map(|u| u.0), Some(0.001));
        // A 200 m campus in centimetres: size alone would say millimetres,
        // its 20 cm walls say centimetres.
        assert_eq!(likely_unit(20_000.0, Some(20.0), 1.0).map(|u| u.0), Some(0.01));
        // Relative to a scale already applied: read as mm, really in m.
        assert_eq!(likely_unit(0.0382, None, 0.001).map(|u| u.0), Some(1.0));
        // The modern lycée's SVG: 38 m in centimetres, 10 cm partitions
        // (the median). Inches would give a 97 m building with 25 cm
        // walls: a thickness target of 25 cm picks inches, a range of
        // ordinary thicknesses leaves the choice to the size.
        assert_eq!(likely_unit(3820.0, Some(10.0), 1.0).map(|u| u.0), Some(0.01));
    }

    #[test]
    fn the_median_thickness_is_weighted_by_length() {
        // 400 short blobs of text at 0.25 m, 500 m of 3 m facade and
        // 200 m of 1 m partitions: most of the length is 3 m thick.
        let mut drawn = vec![(0.25, 0.5); 400];
        drawn.extend([(3.0, 500.0), (1.0, 200.0)]);
        assert_eq!(weighted_median(&drawn), Some(3.0));
        assert_eq!(weighted_median(&[]), None);
    }
}
