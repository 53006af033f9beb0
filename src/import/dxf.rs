//! DXF drawings (read with the `dxf` crate): LINE, LWPOLYLINE, POLYLINE
//! (bulges flattened), ARC (cut into segments) and INSERT of blocks (the
//! insert's position, scale and rotation applied, nested inserts too).
//!
//! Units: `$INSUNITS` (mm → ×0.001, cm, m, inches, feet, …); a unitless
//! drawing is read as metres; `--scale` (metres per unit) overrides both.
//!
//! Layers: with `--layer-map LAYER=material:thickness`, only mapped layers
//! are walls; without, every layer but the door and window layers is, in
//! [`super::DEFAULT_MATERIAL`]. Entities of a block on layer `0` take the
//! layer of their INSERT (the DXF rule). Door and window layers are the
//! `--door-layer`/`--window-layer` ones, else those whose names say so
//! (`PORTES`, `A-DOOR`, `FENETRES`, `A-GLAZ`, …); INSERTs of blocks named
//! like doors or windows are openings wherever they lie. Without a layer
//! map, other blocks that would become walls (furniture, unnamed door
//! symbols) make the import refuse, unless forced.
//!
//! Walls drawn as two parallel outlines at most 1.5 m apart become one
//! centreline wall as thick as the gap ([`walls::merge_doubled`]); walls
//! drawn as single lines get the layer's thickness (0.2 m by default);
//! lines that only close a merged wall (end caps, door jambs) are dropped.
//! Wall ends that stop at the face of another wall are extended to its
//! centreline ([`walls::snap_ends`]). Every entity (or INSERT) on a door
//! or window layer becomes an opening on the nearest wall.

use std::collections::BTreeMap;
use std::path::Path;

use dxf::entities::EntityType;
use dxf::enums::Units;

use super::sanity::{Scale, ScaleSource};
use super::walls::{self, Affine, WallSegment};
use super::{import_error, Drawing, ImportOptions, OpeningSpan, DEFAULT_MATERIAL};
use crate::error::{Error, Result};
use crate::floorplan::{OpeningKind, PlanPoint};

/// Thickness of walls drawn as single lines on layers without one, m.
const DEFAULT_THICKNESS: f64 = 0.2;
/// Widest gap between two outlines that still makes one wall, m.
const MAX_DOUBLED_THICKNESS: f64 = 1.5;
/// Deepest nesting of INSERTs followed (guards against cyclic blocks).
const MAX_DEPTH: usize = 16;

/// Loads a DXF file, naming it in errors.
pub fn load(path: &Path) -> Result<dxf::Drawing> {
    std::fs::metadata(path).map_err(|source| Error::Io { action: "read", path: path.to_owned(), source })?;
    dxf::Drawing::load_file(path).map_err(|e| {
        import_error(
            path,
            format!("not a readable DXF file ({e})"),
            "export the drawing as ASCII or binary DXF (R12 or later)",
        )
    })
}

/// Reads a DXF file.
pub fn read(path: &Path, options: &ImportOptions) -> Result<Drawing> {
    let drawing = load(path)?;
    Ok(from_dxf(&drawing, options))
}

/// The layers of a drawing with the number of top-level entities on each
/// (an INSERT counts once, on its own layer; empty layers are listed).
pub fn layer_counts(drawing: &dxf::Drawing) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = drawing.layers().map(|l| (l.name.clone(), 0)).collect();
    for entity in drawing.entities() {
        *counts.entry(entity.common.layer.clone()).or_default() += 1;
    }
    counts
}

/// Metres per drawing unit from `$INSUNITS`.
fn metres_per_unit(units: Units) -> f64 {
    match units {
        Units::Millimeters => 0.001,
        Units::Centimeters => 0.01,
        Units::Decimeters => 0.1,
        Units::Meters => 1.0,
        Units::Kilometers => 1000.0,
        Units::Inches | Units::USSurveyInch => 0.0254,
        Units::Feet | Units::USSurveyFeet => 0.3048,
        Units::Yards | Units::USSurveyYard => 0.9144,
        Units::Microns => 1e-6,
        _ => 1.0,
    }
}

/// Whether a layer or block name says door or window, in the usual
/// languages and CAD layer standards: `DOOR`, `A-DOOR`, `PORTES`,
/// `Puerta`, `Tür`, `deur`; `WINDOW`, `A-GLAZ`, `FENETRES`, `Fenster`,
/// `ventana`, `finestra`, `raam`, `vitrage`. Names are cut into words at
/// anything but letters and digits (accents folded, case ignored), and a
/// word must be a door or window word, perhaps plural or numbered
/// (`DOORS`, `DOOR90`, `Türen`): `OUTDOOR` is not a door, nor is
/// `MUR_PORTEUR` (French for load-bearing wall).
pub fn opening_kind_of_name(name: &str) -> Option<OpeningKind> {
    const DOOR: [&str; 7] = ["door", "porte", "puerta", "porta", "deur", "tuer", "tur"];
    const WINDOW: [&str; 12] = [
        "window", "wndw", "fenetre", "fenster", "ventana", "finestra", "finestre", "glaz", "glazing", "vitrage",
        "raam", "ramen",
    ];
    let folded: String = name
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'í' | 'Î' | 'Ï' | 'Í' => 'i',
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' | 'Ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => 'u',
            other => other.to_ascii_lowercase(),
        })
        .collect();
    let words: Vec<&str> = folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    // A word is the stem, then perhaps a plural ending (`Türen` folds to
    // `turen`), then perhaps a number (a symbol's width).
    let is = |stems: &[&str]| {
        words.iter().any(|word| {
            stems.iter().any(|stem| {
                word.strip_prefix(stem).is_some_and(|rest| {
                    matches!(rest.trim_end_matches(|c: char| c.is_ascii_digit()), "" | "s" | "es" | "e" | "n" | "en")
                })
            })
        })
    };
    if is(&WINDOW) {
        Some(OpeningKind::Window)
    } else if is(&DOOR) {
        Some(OpeningKind::Door)
    } else {
        None
    }
}

/// One flattened entity: its lines in metres, its effective layer, the
/// top-level entity it came from (an INSERT is one group), and the
/// innermost door or window block it lies in, if any (an INSERT number
/// and the kind its block's name says).
struct Piece {
    layer: String,
    group: usize,
    lines: Vec<[PlanPoint; 2]>,
    opening: Option<(usize, OpeningKind)>,
    from_insert: bool,
}

/// What the flattening walk carries.
struct Walk<'a> {
    drawing: &'a dxf::Drawing,
    pieces: Vec<Piece>,
    skipped: BTreeMap<String, usize>,
    /// INSERTs met so far (numbers them).
    inserts: usize,
}

/// Where an entity sits: its parent INSERT's layer, its top-level group,
/// the door or window block around it, and how deep.
#[derive(Clone, Copy)]
struct Within<'a> {
    layer: Option<&'a str>,
    group: usize,
    opening: Option<(usize, OpeningKind)>,
    depth: usize,
}

impl Walk<'_> {
    fn entity(&mut self, entity: &dxf::entities::Entity, transform: Affine, within: Within<'_>) {
        let Within { layer: parent_layer, group, depth, .. } = within;
        let layer = match parent_layer {
            Some(parent) if entity.common.layer == "0" => parent.to_owned(),
            _ => entity.common.layer.clone(),
        };
        let mut points: Vec<Vec<PlanPoint>> = Vec::new();
        match &entity.specific {
            EntityType::Line(line) => points.push(vec![[line.p1.x, line.p1.y], [line.p2.x, line.p2.y]]),
            EntityType::LwPolyline(poly) => {
                let vertices: Vec<(PlanPoint, f64)> = poly.vertices.iter().map(|v| ([v.x, v.y], v.bulge)).collect();
                points.push(polyline_points(&vertices, poly.is_closed()));
            }
            EntityType::Polyline(poly) => {
                let vertices: Vec<(PlanPoint, f64)> =
                    poly.vertices().map(|v| ([v.location.x, v.location.y], v.bulge)).collect();
                points.push(polyline_points(&vertices, poly.is_closed()));
            }
            EntityType::Arc(arc) => {
                let (start, mut end) = (arc.start_angle.to_radians(), arc.end_angle.to_radians());
                if end <= start {
                    end += std::f64::consts::TAU;
                }
                points.push(arc_points([arc.center.x, arc.center.y], arc.radius, start, end));
            }
            EntityType::Insert(insert) => {
                if depth >= MAX_DEPTH {
                    *self.skipped.entry("INSERT nested too deep".into()).or_default() += 1;
                    return;
                }
                let Some(block) = self.drawing.blocks().find(|b| b.name == insert.name) else {
                    *self.skipped.entry(format!("INSERT of missing block {}", insert.name)).or_default() += 1;
                    return;
                };
                // Block space → insert: minus base point, scale, rotate, move.
                let (sx, sy) = (nonzero(insert.x_scale_factor), nonzero(insert.y_scale_factor));
                let local = Affine::translate(insert.location.x, insert.location.y)
                    .then_inner(&Affine::rotate_degrees(insert.rotation))
                    .then_inner(&Affine::scale(sx, sy))
                    .then_inner(&Affine::translate(-block.base_point.x, -block.base_point.y));
                let inner = transform.then_inner(&local);
                self.inserts += 1;
                let opening = opening_kind_of_name(&insert.name).map(|kind| (self.inserts, kind)).or(within.opening);
                let inside = Within { layer: Some(&layer), group, opening, depth: depth + 1 };
                for child in &block.entities {
                    self.entity(child, inner, inside);
                }
                return;
            }
            other => {
                let name = format!("{other:?}");
                let kind = name.split(['(', ' ', '{']).next().unwrap_or("entity").to_uppercase();
                *self.skipped.entry(kind).or_default() += 1;
                return;
            }
        }
        let lines = points
            .iter()
            .flat_map(|line| line.windows(2).map(|w| [transform.apply(w[0]), transform.apply(w[1])]))
            .collect();
        self.pieces.push(Piece { layer, group, lines, opening: within.opening, from_insert: depth > 0 });
    }
}

fn nonzero(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        1.0
    } else {
        v
    }
}

/// Points of an arc from `start` to `end` radians, about 10° a segment.
fn arc_points(centre: PlanPoint, radius: f64, start: f64, end: f64) -> Vec<PlanPoint> {
    let n = (((end - start).abs() / 10f64.to_radians()).ceil() as usize).clamp(1, 72);
    (0..=n)
        .map(|i| {
            let a = start + (end - start) * i as f64 / n as f64;
            [centre[0] + radius * a.cos(), centre[1] + radius * a.sin()]
        })
        .collect()
}

/// A polyline's points with its bulges (arc segments) flattened.
fn polyline_points(vertices: &[(PlanPoint, f64)], closed: bool) -> Vec<PlanPoint> {
    let mut out = Vec::new();
    let count = vertices.len();
    let segments = if closed { count } else { count.saturating_sub(1) };
    if let Some(first) = vertices.first() {
        out.push(first.0);
    }
    for i in 0..segments {
        let (p, bulge) = vertices[i];
        let q = vertices[(i + 1) % count].0;
        if bulge.abs() > 1e-9 {
            // bulge = tan(θ/4), θ the arc's signed sweep.
            let sweep = 4.0 * bulge.atan();
            let chord = walls::distance(p, q);
            let radius = chord / (2.0 * (sweep / 2.0).sin().abs());
            let mid = [(p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0];
            let normal = [-(q[1] - p[1]) / chord, (q[0] - p[0]) / chord];
            // The centre is r·cos(θ/2) from the chord's midpoint: to the
            // left of p → q for a counter-clockwise sweep under π, and the
            // signs of cos and θ move it across otherwise.
            let h = radius * (sweep / 2.0).cos() * sweep.signum();
            let centre = [mid[0] + normal[0] * h, mid[1] + normal[1] * h];
            let start = (p[1] - centre[1]).atan2(p[0] - centre[0]);
            let arc = arc_points(centre, radius, start, start + sweep);
            out.extend_from_slice(&arc[1..]);
        } else {
            out.push(q);
        }
    }
    out
}

/// The layers of `pieces` whose names say `kind`, unless the user named
/// the layers of that kind, or mapped the layer as walls.
fn layers_named(pieces: &[Piece], kind: OpeningKind, options: &ImportOptions) -> Vec<String> {
    let given = match kind {
        OpeningKind::Door => &options.door_layers,
        _ => &options.window_layers,
    };
    if !given.is_empty() {
        return given.clone();
    }
    let mut layers: Vec<String> = pieces
        .iter()
        .map(|p| p.layer.as_str())
        .filter(|l| opening_kind_of_name(l) == Some(kind) && !options.layer_map.iter().any(|(m, _, _)| m == l))
        .map(str::to_owned)
        .collect();
    layers.sort();
    layers.dedup();
    layers
}

/// Turns a parsed DXF drawing into walls and openings, in metres.
///
/// Doors and windows: entities on the `--door-layer`/`--window-layer`
/// layers, else on layers whose names say door or window
/// ([`opening_kind_of_name`]), and block INSERTs whose block name says
/// so, on any layer. Without `--layer-map`, other INSERTs that become
/// walls are counted in [`Drawing::block_walls`] (the import refuses
/// them unless forced: see [`super::sanity`]).
pub fn from_dxf(dxf: &dxf::Drawing, options: &ImportOptions) -> Drawing {
    let units = dxf.header.default_drawing_units;
    let (scale, source) = match options.scale {
        Some(scale) => (scale, ScaleSource::Option),
        None if metres_per_unit(units) != 1.0 || units == Units::Meters => {
            (metres_per_unit(units), ScaleSource::File(format!("$INSUNITS = {}", format!("{units:?}").to_lowercase())))
        }
        None => (1.0, ScaleSource::Assumed),
    };
    let mut walk = Walk { drawing: dxf, pieces: Vec::new(), skipped: BTreeMap::new(), inserts: 0 };
    for (group, entity) in dxf.entities().enumerate() {
        let top = Within { layer: None, group, opening: None, depth: 0 };
        walk.entity(entity, Affine::scale(scale, scale), top);
    }
    let mut drawing = Drawing {
        unsupported: std::mem::take(&mut walk.skipped),
        scale: Some(Scale { value: scale, source }),
        ..Default::default()
    };
    let door_layers = layers_named(&walk.pieces, OpeningKind::Door, options);
    let window_layers = layers_named(&walk.pieces, OpeningKind::Window, options);
    for (given, found, what, option) in [
        (&options.door_layers, &door_layers, "doors", "--door-layer"),
        (&options.window_layers, &window_layers, "windows", "--window-layer"),
    ] {
        if given.is_empty() && !found.is_empty() {
            drawing.notes.push(format!(
                "layer{} {} read as {what} by {} name ({option} chooses others)",
                if found.len() == 1 { "" } else { "s" },
                found.join(", "),
                if found.len() == 1 { "its" } else { "their" }
            ));
        }
    }
    let mut by_layer: BTreeMap<&str, Vec<WallSegment>> = BTreeMap::new();
    // Openings by (from a block?, INSERT or group number, door?).
    let mut opening_groups: BTreeMap<(bool, usize, bool), Vec<PlanPoint>> = BTreeMap::new();
    let mut block_walls: BTreeMap<String, std::collections::BTreeSet<usize>> = BTreeMap::new();
    for piece in &walk.pieces {
        drawing.source_lines.extend_from_slice(&piece.lines);
        let is_door = door_layers.iter().any(|l| l == &piece.layer);
        let is_window = window_layers.iter().any(|l| l == &piece.layer);
        let key = match (is_door || is_window, piece.opening) {
            (true, _) => Some((false, piece.group, is_door)),
            (false, Some((insert, kind))) => Some((true, insert, kind == OpeningKind::Door)),
            (false, None) => None,
        };
        if let Some(key) = key {
            opening_groups.entry(key).or_default().extend(piece.lines.iter().flatten().copied());
            continue;
        }
        let (material, thickness) = if options.layer_map.is_empty() {
            (DEFAULT_MATERIAL.to_owned(), DEFAULT_THICKNESS)
        } else if let Some((_, material, thickness)) = options.layer_map.iter().find(|(l, _, _)| l == &piece.layer) {
            (material.clone(), thickness.unwrap_or(DEFAULT_THICKNESS))
        } else {
            *drawing.unsupported.entry(format!("entities on unmapped layer {}", piece.layer)).or_default() += 1;
            continue;
        };
        if options.layer_map.is_empty() && piece.from_insert && !piece.lines.is_empty() {
            block_walls.entry(piece.layer.clone()).or_default().insert(piece.group);
        }
        let lines = by_layer.entry(&piece.layer).or_default();
        lines.extend(piece.lines.iter().map(|l| WallSegment {
            a: l[0],
            b: l[1],
            thickness,
            material: material.clone(),
        }));
    }
    let blocks = opening_groups.keys().filter(|(from_block, _, _)| *from_block).count();
    if blocks > 0 {
        drawing.notes.push(format!(
            "{blocks} door and window block{} recognised by their names",
            if blocks == 1 { "" } else { "s" }
        ));
    }
    drawing.block_walls = block_walls.into_iter().map(|(layer, groups)| (layer, groups.len())).collect();
    for (_, lines) in by_layer {
        // Collinear pieces first, so an outline drawn in pieces pairs whole.
        let lines = walls::clean(lines, 0.0);
        let (merged, single) = walls::merge_doubled(lines, MAX_DOUBLED_THICKNESS);
        let single = walls::drop_caps(&merged, single);
        drawing.drawn.extend(merged.iter().map(|w| (w.thickness, w.length())));
        drawing.walls.extend(merged);
        drawing.walls.extend(single);
    }
    drawing.walls = walls::snap_ends(std::mem::take(&mut drawing.walls), walls::SNAP_SLACK);
    drawing.openings = opening_groups
        .into_iter()
        .map(|((_, _, is_door), points)| OpeningSpan {
            points,
            kind: if is_door { OpeningKind::Door } else { OpeningKind::Window },
        })
        .collect();
    drawing
}

#[cfg(test)]
mod tests {
    #[test]
    fn door_and_window_names_are_words_not_prefixes() {
        use super::opening_kind_of_name as kind;
        use crate::floorplan::OpeningKind::{Door, Window};
        for name in ["DOOR", "A-DOOR", "A-DOOR-900", "DOORS", "door90", "PORTES", "Porte_intérieure", "Türen", "DEUREN"]
        {
            assert_eq!(kind(name), Some(Door), "{name}");
        }
        for name in ["WINDOW", "A-GLAZ", "FENÊTRES", "Fenster", "VENTANAS", "finestre", "PORTE-FENETRE", "Ramen"] {
            assert_eq!(kind(name), Some(Window), "{name}");
        }
        for name in ["OUTDOOR", "MUR_PORTEUR", "PORTAIL", "MUR", "A-WALL", "0", "TURM", "Windowsill"] {
            assert_eq!(kind(name), None, "{name}");
        }
    }

    use super::*;

    #[test]
    fn bulges_make_arcs_through_the_right_points() {
        // A half circle from (0,0) to (2,0), bulge 1 (counter-clockwise).
        let points = polyline_points(&[([0.0, 0.0], 1.0), ([2.0, 0.0], 0.0)], false);
        assert!(points.len() > 10);
        for p in &points {
            assert!((walls::distance(*p, [1.0, 0.0]) - 1.0).abs() < 1e-9, "{p:?}");
        }
        assert!(points.iter().all(|p| p[1] <= 1e-9), "counter-clockwise from (0,0) to (2,0) goes below");
        let last = points.last().unwrap();
        assert!(walls::distance(*last, [2.0, 0.0]) < 1e-9);
    }

    #[test]
    fn arcs_and_scaled_inserts_become_walls_in_metres() {
        use dxf::entities::{Arc, Entity, Insert, Line};
        let mut drawing = dxf::Drawing::new();
        drawing.header.version = dxf::enums::AcadVersion::R2000;
        drawing.header.default_drawing_units = Units::Centimeters;
        // A quarter arc of radius 500 cm: 7.85 m of curved wall.
        drawing.add_entity(Entity::new(EntityType::Arc(Arc::new(dxf::Point::new(0.0, 0.0, 0.0), 500.0, 0.0, 90.0))));
        let mut block = dxf::Block { name: "B".into(), ..Default::default() };
        let line = Line::new(dxf::Point::new(0.0, 0.0, 0.0), dxf::Point::new(100.0, 0.0, 0.0));
        block.entities.push(Entity::new(EntityType::Line(line)));
        drawing.add_block(block);
        let insert = Insert {
            name: "B".into(),
            location: dxf::Point::new(1000.0, 0.0, 0.0),
            rotation: 90.0,
            x_scale_factor: 3.0,
            ..Default::default()
        };
        drawing.add_entity(Entity::new(EntityType::Insert(insert)));
        let d = from_dxf(&drawing, &ImportOptions::default());
        let arc: f64 = d.walls.iter().filter(|w| w.a[0] < 9.0).map(WallSegment::length).sum();
        assert!((arc - 2.5 * std::f64::consts::PI).abs() < 0.05, "{arc}");
        let inserted = d.walls.iter().find(|w| w.a[0] > 9.0).unwrap();
        assert!(walls::distance(inserted.a, [10.0, 0.0]) < 1e-9 && walls::distance(inserted.b, [10.0, 3.0]) < 1e-9);
    }

    #[test]
    fn units_follow_insunits() {
        assert_eq!(metres_per_unit(Units::Millimeters), 0.001);
        assert_eq!(metres_per_unit(Units::Unitless), 1.0);
    }
}
