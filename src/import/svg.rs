//! SVG drawings: every stroked line, polyline, polygon, rect and path is a
//! wall whose thickness is its `stroke-width`.
//!
//! Units: user units are metres unless the root `<svg>` gives `width` in
//! absolute units (mm, cm, in, pt, pc) together with a `viewBox`, in which
//! case one user unit is `width / viewBox-width`; `--scale` (metres per
//! user unit) overrides both. Group and element `transform`s are applied.
//! SVG's y axis points down: the plan's y is flipped so that north is up,
//! with the bottom of the viewBox (or of the drawing) at y = 0.
//!
//! Materials: an element's classes (and its ancestors'), then its stroke
//! colour, looked up in `--map`; otherwise [`super::DEFAULT_MATERIAL`].
//! `<use>` places the referenced element or symbol at its x, y.
//! A rect with a fill and no stroke is a solid wall: its long axis is the
//! centreline and its short side the thickness. A stroke without a
//! `stroke-width` is 0.2 m thick.

use std::path::Path;
use std::str::FromStr;

use svgtypes::{SimplePathSegment, SimplifyingPathParser};

use super::sanity::{Scale, ScaleSource};
use super::walls::{Affine, WallSegment};
use super::{import_error, Drawing, ImportOptions, DEFAULT_MATERIAL};
use crate::error::{Error, Result};
use crate::floorplan::PlanPoint;

/// Thickness of a stroke with no `stroke-width`, m.
const DEFAULT_THICKNESS: f64 = 0.2;

/// Reads an SVG file.
pub fn read(path: &Path, options: &ImportOptions) -> Result<Drawing> {
    let text =
        std::fs::read_to_string(path).map_err(|source| Error::Io { action: "read", path: path.to_owned(), source })?;
    parse(path, &text, options)
}

/// Paint and classes inherited down the tree.
#[derive(Clone, Debug)]
struct Style {
    stroke: Option<String>,
    stroke_width: Option<f64>,
    fill: Option<String>,
    classes: Vec<String>,
}

/// A wall in SVG user space, before units and the y flip.
struct RawWall {
    a: PlanPoint,
    b: PlanPoint,
    thickness_units: f64,
    material: String,
}

/// Parses SVG text; `path` names the file in messages.
pub fn parse(path: &Path, text: &str, options: &ImportOptions) -> Result<Drawing> {
    let document = roxmltree::Document::parse(text).map_err(|e| {
        import_error(path, format!("not a valid SVG file ({e})"), "check that the file is SVG (XML) text")
    })?;
    let root = document.root_element();
    if root.tag_name().name() != "svg" {
        return Err(import_error(path, "the root element is not <svg>", "check that the file is an SVG drawing"));
    }
    let view_box = root.attribute("viewBox").and_then(|v| {
        let numbers: Vec<f64> = v.split([' ', ',']).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
        (numbers.len() == 4 && numbers[2] > 0.0 && numbers[3] > 0.0)
            .then(|| [numbers[0], numbers[1], numbers[2], numbers[3]])
    });
    let (metres_per_unit, source) = match (options.scale, units_from_width(root.attribute("width"), view_box)) {
        (Some(scale), _) => (scale, ScaleSource::Option),
        (None, Some(from_width)) => (
            from_width,
            ScaleSource::File(format!("width=\"{}\" over the viewBox", root.attribute("width").unwrap_or_default())),
        ),
        (None, None) => (1.0, ScaleSource::Assumed),
    };
    let mut raw = Vec::new();
    let mut drawing = Drawing::default();
    let style = Style { stroke: None, stroke_width: None, fill: None, classes: Vec::new() };
    let context = Context { path, options, metres_per_unit, use_depth: std::cell::Cell::new(0) };
    walk(&context, root, Affine::IDENTITY, &style, &mut raw, &mut drawing)?;

    // The flip: the bottom of the viewBox (else of the drawing) is y = 0.
    let (left, bottom) = match view_box {
        Some([x, y, _, h]) => (x, y + h),
        None => {
            let points =
                raw.iter().flat_map(|w| [w.a, w.b]).chain(drawing.source_lines.iter().flat_map(|l| [l[0], l[1]]));
            points.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, b), p| (l.min(p[0]), b.max(p[1])))
        }
    };
    let (left, bottom) = if left.is_finite() { (left, bottom) } else { (0.0, 0.0) };
    let to_plan = |p: PlanPoint| [(p[0] - left) * metres_per_unit, (bottom - p[1]) * metres_per_unit];
    drawing.source_lines = drawing.source_lines.iter().map(|l| [to_plan(l[0]), to_plan(l[1])]).collect();
    drawing.drawn = raw
        .iter()
        .map(|w| {
            let length = (w.b[0] - w.a[0]).hypot(w.b[1] - w.a[1]) * metres_per_unit;
            (w.thickness_units * metres_per_unit, length)
        })
        .filter(|(t, l)| t.is_finite() && l.is_finite())
        .collect();
    drawing.scale = Some(Scale { value: metres_per_unit, source });
    drawing.walls = raw
        .into_iter()
        .map(|w| WallSegment {
            a: to_plan(w.a),
            b: to_plan(w.b),
            // Strokes without a width get the default thickness.
            thickness: if w.thickness_units.is_nan() { DEFAULT_THICKNESS } else { w.thickness_units * metres_per_unit },
            material: w.material,
        })
        .collect();
    Ok(drawing)
}

/// Metres per user unit from `width="210mm"` and the viewBox width.
fn units_from_width(width: Option<&str>, view_box: Option<[f64; 4]>) -> Option<f64> {
    let length = svgtypes::Length::from_str(width?.trim()).ok()?;
    let metres = match length.unit {
        svgtypes::LengthUnit::Mm => length.number * 0.001,
        svgtypes::LengthUnit::Cm => length.number * 0.01,
        svgtypes::LengthUnit::In => length.number * 0.0254,
        svgtypes::LengthUnit::Pt => length.number * 0.0254 / 72.0,
        svgtypes::LengthUnit::Pc => length.number * 0.0254 / 6.0,
        _ => return None,
    };
    Some(metres / view_box?[2])
}

/// Reads `name` from the element's attribute or its `style` declarations.
fn property<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<String> {
    if let Some(style) = node.attribute("style") {
        for declaration in style.split(';') {
            if let Some((key, value)) = declaration.split_once(':') {
                if key.trim() == name {
                    return Some(value.trim().to_owned());
                }
            }
        }
    }
    node.attribute(name).map(|v| v.trim().to_owned())
}

/// What stays the same over the whole walk.
struct Context<'a> {
    path: &'a Path,
    options: &'a ImportOptions,
    metres_per_unit: f64,
    /// How many `<use>` references deep the walk is (cycles stop at 16).
    use_depth: std::cell::Cell<usize>,
}

fn walk(
    context: &Context,
    node: roxmltree::Node,
    parent: Affine,
    inherited: &Style,
    raw: &mut Vec<RawWall>,
    drawing: &mut Drawing,
) -> Result<()> {
    let (path, options, metres_per_unit) = (context.path, context.options, context.metres_per_unit);
    let name = node.tag_name().name();
    if matches!(name, "defs" | "title" | "desc" | "metadata" | "style" | "symbol" | "clipPath" | "mask" | "pattern") {
        return Ok(());
    }
    let transform = match node.attribute("transform") {
        Some(text) => {
            let t = svgtypes::Transform::from_str(text).map_err(|e| {
                import_error(path, format!("bad transform `{text}` ({e})"), "use translate, scale, rotate or matrix")
            })?;
            parent.then_inner(&Affine([t.a, t.b, t.c, t.d, t.e, t.f]))
        }
        None => parent,
    };
    let mut style = inherited.clone();
    if let Some(stroke) = property(node, "stroke") {
        style.stroke = Some(stroke);
    }
    if let Some(width) = property(node, "stroke-width") {
        style.stroke_width = svgtypes::Length::from_str(&width).ok().map(|l| l.number);
    }
    if let Some(fill) = property(node, "fill") {
        style.fill = Some(fill);
    }
    if let Some(class) = node.attribute("class") {
        let mut classes: Vec<String> = class.split_whitespace().map(str::to_owned).collect();
        classes.append(&mut style.classes);
        style.classes = classes;
    }
    let number =
        |attr: &str| node.attribute(attr).and_then(|v| svgtypes::Length::from_str(v).ok()).map_or(0.0, |l| l.number);
    let mut polylines: Vec<Vec<PlanPoint>> = Vec::new();
    match name {
        "svg" | "g" | "a" | "switch" => {
            for child in node.children().filter(|c| c.is_element()) {
                walk(context, child, transform, &style, raw, drawing)?;
            }
            return Ok(());
        }
        "use" => {
            let xlink = ("http://www.w3.org/1999/xlink", "href");
            let href = node.attribute("href").or_else(|| node.attribute(xlink));
            let target = href
                .and_then(|h| h.strip_prefix('#'))
                .and_then(|id| node.document().descendants().find(|n| n.attribute("id") == Some(id)));
            let depth = context.use_depth.get();
            let Some(target) = target.filter(|_| depth < 16) else {
                drawing.skip("<use> of a missing element");
                return Ok(());
            };
            // The referenced content, moved by x, y; a symbol's children.
            let moved = transform.then_inner(&Affine::translate(number("x"), number("y")));
            context.use_depth.set(depth + 1);
            let result = if target.tag_name().name() == "symbol" {
                target
                    .children()
                    .filter(|c| c.is_element())
                    .try_for_each(|c| walk(context, c, moved, &style, raw, drawing))
            } else {
                walk(context, target, moved, &style, raw, drawing)
            };
            context.use_depth.set(depth);
            return result;
        }
        "line" => polylines.push(vec![[number("x1"), number("y1")], [number("x2"), number("y2")]]),
        "polyline" | "polygon" => {
            let mut points: Vec<PlanPoint> =
                svgtypes::PointsParser::from(node.attribute("points").unwrap_or("")).map(|(x, y)| [x, y]).collect();
            if name == "polygon" && points.len() > 2 {
                points.push(points[0]);
            }
            polylines.push(points);
        }
        "rect" => {
            let (x, y, w, h) = (number("x"), number("y"), number("width"), number("height"));
            let stroked = style.stroke.as_deref().is_some_and(|s| s != "none");
            let filled = style.fill.as_deref().is_some_and(|f| f != "none");
            if !stroked && filled && w > 0.0 && h > 0.0 {
                // A solid wall: centreline along the long side.
                let (a, b, thickness) = if w >= h {
                    ([x, y + h / 2.0], [x + w, y + h / 2.0], h)
                } else {
                    ([x + w / 2.0, y], [x + w / 2.0, y + h], w)
                };
                let material = material_for(&style, options);
                let (a, b) = (transform.apply(a), transform.apply(b));
                drawing.source_lines.push([a, b]);
                raw.push(RawWall { a, b, thickness_units: thickness * transform.length_scale(), material });
                return Ok(());
            }
            polylines.push(vec![[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]);
        }
        "path" => {
            let data = node.attribute("d").unwrap_or("");
            let tolerance = 0.25 / metres_per_unit.max(1e-12) / transform.length_scale().max(1e-12);
            polylines = flatten_path(data, tolerance);
        }
        _ => {
            drawing.skip(&format!("<{name}>"));
            return Ok(());
        }
    }
    let stroked = style.stroke.as_deref().is_some_and(|s| s != "none");
    for line in &polylines {
        for pair in line.windows(2) {
            let (a, b) = (transform.apply(pair[0]), transform.apply(pair[1]));
            drawing.source_lines.push([a, b]);
            if stroked {
                let thickness = style.stroke_width.unwrap_or(f64::NAN) * transform.length_scale();
                raw.push(RawWall { a, b, thickness_units: thickness, material: material_for(&style, options) });
            }
        }
    }
    if !stroked && !polylines.is_empty() {
        drawing.skip(&format!("unstroked <{name}>"));
    }
    Ok(())
}

/// The material of an element: a mapped class, else its mapped stroke
/// colour, else the default.
fn material_for(style: &Style, options: &ImportOptions) -> String {
    for class in &style.classes {
        if let Some((_, material)) = options.svg_map.iter().find(|(key, _)| key == class) {
            return material.clone();
        }
    }
    if let Some(colour) = style.stroke.as_deref().and_then(normalise_colour) {
        if let Some((_, material)) =
            options.svg_map.iter().find(|(key, _)| normalise_colour(key).as_deref() == Some(&colour))
        {
            return material.clone();
        }
    }
    DEFAULT_MATERIAL.to_owned()
}

/// `#RGB`, `#rrggbb`, `black`, `rgb(…)` → `#rrggbb`.
pub fn normalise_colour(text: &str) -> Option<String> {
    let colour = svgtypes::Color::from_str(text.trim()).ok()?;
    Some(format!("#{:02x}{:02x}{:02x}", colour.red, colour.green, colour.blue))
}

/// Path data to polylines, curves cut into pieces no longer than about
/// `tolerance` user units of control polygon (at least 4, at most 64).
fn flatten_path(data: &str, tolerance: f64) -> Vec<Vec<PlanPoint>> {
    let mut lines: Vec<Vec<PlanPoint>> = Vec::new();
    let mut current: Vec<PlanPoint> = Vec::new();
    let mut start = [0.0, 0.0];
    let pieces = |control: f64| ((control / tolerance).ceil() as usize).clamp(4, 64);
    for segment in SimplifyingPathParser::from(data) {
        // A path with an error draws up to the error (SVG's rule).
        let Ok(segment) = segment else { break };
        let last = current.last().copied().unwrap_or(start);
        match segment {
            SimplePathSegment::MoveTo { x, y } => {
                if current.len() > 1 {
                    lines.push(std::mem::take(&mut current));
                }
                current.clear();
                start = [x, y];
                current.push(start);
            }
            SimplePathSegment::LineTo { x, y } => {
                if current.is_empty() {
                    current.push(last);
                }
                current.push([x, y]);
            }
            SimplePathSegment::CurveTo { x1, y1, x2, y2, x, y } => {
                if current.is_empty() {
                    current.push(last);
                }
                let (p0, p1, p2, p3) = (last, [x1, y1], [x2, y2], [x, y]);
                let control = dist(p0, p1) + dist(p1, p2) + dist(p2, p3);
                let n = pieces(control);
                for i in 1..=n {
                    let t = i as f64 / n as f64;
                    let u = 1.0 - t;
                    let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
                    current.push([
                        w[0] * p0[0] + w[1] * p1[0] + w[2] * p2[0] + w[3] * p3[0],
                        w[0] * p0[1] + w[1] * p1[1] + w[2] * p2[1] + w[3] * p3[1],
                    ]);
                }
            }
            SimplePathSegment::Quadratic { x1, y1, x, y } => {
                if current.is_empty() {
                    current.push(last);
                }
                let (p0, p1, p2) = (last, [x1, y1], [x, y]);
                let n = pieces(dist(p0, p1) + dist(p1, p2));
                for i in 1..=n {
                    let t = i as f64 / n as f64;
                    let u = 1.0 - t;
                    let w = [u * u, 2.0 * u * t, t * t];
                    current
                        .push([w[0] * p0[0] + w[1] * p1[0] + w[2] * p2[0], w[0] * p0[1] + w[1] * p1[1] + w[2] * p2[1]]);
                }
            }
            SimplePathSegment::ClosePath => {
                if !current.is_empty() {
                    current.push(start);
                    lines.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if current.len() > 1 {
        lines.push(current);
    }
    lines
}

fn dist(p: PlanPoint, q: PlanPoint) -> f64 {
    super::walls::distance(p, q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(text: &str, options: &ImportOptions) -> Drawing {
        parse(Path::new("t.svg"), text, options).unwrap()
    }

    #[test]
    fn a_line_in_user_units_is_a_wall_in_metres_with_y_up() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><line x1="0" y1="0" x2="10" y2="0" stroke="#000" stroke-width="0.2"/></svg>"##;
        let d = import(svg, &ImportOptions::default());
        assert_eq!(d.walls.len(), 1);
        let w = &d.walls[0];
        assert_eq!((w.a, w.b), ([0.0, 10.0], [10.0, 10.0]));
        assert!((w.thickness - 0.2).abs() < 1e-12);
        assert_eq!(w.material, "concrete");
    }

    #[test]
    fn millimetre_width_sets_the_unit_and_transforms_apply() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1000mm" height="1000mm" viewBox="0 0 100 100">
            <g transform="translate(10 0) scale(2)"><path d="M0 0 H10 V5" stroke="black" stroke-width="1" class="partition"/></g>
        </svg>"##;
        let options =
            ImportOptions { svg_map: vec![("partition".into(), "plasterboard".into())], ..Default::default() };
        let d = import(svg, &options);
        assert_eq!(d.walls.len(), 2);
        // 1 unit = 10 mm → the 20-unit scaled segment is 0.2 m long.
        assert!((d.walls[0].length() - 0.2).abs() < 1e-9);
        assert!((d.walls[0].thickness - 0.02).abs() < 1e-9);
        assert_eq!(d.walls[0].material, "plasterboard");
    }

    #[test]
    fn use_places_symbols_and_stops_on_cycles() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 20 10">
            <defs><symbol id="pier"><line x1="0" y1="0" x2="2" y2="0" stroke="black" stroke-width="0.3"/></symbol>
                  <g id="loop"><use href="#loop"/></g></defs>
            <use xlink:href="#pier" x="5" y="1"/><use href="#pier" x="10" y="1"/><use href="#loop"/></svg>"##;
        let d = import(svg, &ImportOptions::default());
        assert_eq!(d.walls.len(), 2, "{:?}", d.walls);
        assert_eq!((d.walls[0].a, d.walls[0].b), ([5.0, 9.0], [7.0, 9.0]));
        assert_eq!(d.unsupported.get("<use> of a missing element"), Some(&1));
    }

    #[test]
    fn arcs_are_flattened_onto_their_circle() {
        // A half circle of radius 5 about (5, 5), drawn with A.
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
            <path d="M0 5 A5 5 0 0 1 10 5" stroke="black" stroke-width="0.2"/></svg>"##;
        let d = import(svg, &ImportOptions::default());
        assert!(d.walls.len() >= 4, "{:?}", d.walls);
        let length: f64 = d.walls.iter().map(WallSegment::length).sum();
        assert!((length - 5.0 * std::f64::consts::PI).abs() < 0.1, "{length}");
        for w in &d.walls {
            // Plan y = 10 − SVG y: the centre is at (5, 5) either way.
            assert!((super::super::walls::distance(w.a, [5.0, 5.0]) - 5.0).abs() < 0.05, "{w:?}");
        }
    }

    #[test]
    fn curves_are_flattened_and_colours_map() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
            <path d="M0 5 Q5 0 10 5" stroke="#FF0000" stroke-width="0.1"/>
            <circle cx="1" cy="1" r="1"/></svg>"##;
        let options = ImportOptions { svg_map: vec![("red".into(), "glass".into())], ..Default::default() };
        let d = import(svg, &options);
        assert!(d.walls.len() >= 4);
        assert!(d.walls.iter().all(|w| w.material == "glass"));
        assert_eq!(d.unsupported.get("<circle>"), Some(&1));
    }
}
