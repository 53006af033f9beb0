//! `wifiplan import`: architects' drawings (SVG, DXF, scanned PNG/JPEG)
//! into a plan file (format = 1) for the user to finish.
//!
//! Each importer turns its source into a [`Drawing`]: centreline
//! [`WallSegment`]s in metres (x east, y north), openings, what it could
//! not use, and the source's own lines for the preview. [`build_plan`]
//! then cleans the walls ([`walls::clean`]), gives ids to the walls that
//! carry openings, writes one storey `rdc` and checks that the result
//! parses and validates like any plan file.
//!
//! * [`svg`]: lines, polylines, polygons, rects and paths (curves
//!   flattened), group transforms, stroke width as thickness, colours and
//!   classes mapped to materials.
//! * [`dxf`]: LINE, LWPOLYLINE, POLYLINE, ARC, INSERT, `$INSUNITS`,
//!   layers mapped to materials, doubled outlines merged, doors and
//!   windows from their layers.
//! * [`raster`]: PNG/JPEG scans, horizontal and vertical ink bands,
//!   thickness classes to materials.
//! * [`preview`]: the walls found, drawn over the source.
//! * [`sample`]: synthetic drawings for the benches and tests.

pub mod dxf;
pub mod preview;
pub mod raster;
pub mod sample;
pub mod sanity;
pub mod svg;
pub mod walls;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

pub use walls::{Affine, WallSegment};

use crate::error::{Error, Result, BUG_HINT};
use crate::floorplan::{self, Defaults, Floor, FloorPlan, Opening, OpeningKind, PlanFormat, PlanPoint, Wall};

/// Material of walls that nothing maps.
pub const DEFAULT_MATERIAL: &str = "concrete";

/// The kinds of source the importer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    /// An SVG drawing.
    Svg,
    /// An AutoCAD DXF drawing.
    Dxf,
    /// A PNG or JPEG scan.
    Raster,
}

impl SourceFormat {
    /// The format of `path`, by extension.
    pub fn detect(path: &Path) -> Result<SourceFormat> {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("svg") => Ok(SourceFormat::Svg),
            Some("dxf") => Ok(SourceFormat::Dxf),
            Some("png" | "jpg" | "jpeg") => Ok(SourceFormat::Raster),
            other => Err(import_error(
                path,
                format!("unsupported drawing format `{}`", other.unwrap_or("(no extension)")),
                "import reads .svg, .dxf, .png, .jpg and .jpeg files",
            )),
        }
    }
}

/// What the user asked for, units converted (built by the CLI).
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Vector sources: metres per drawing unit, overriding the file's own
    /// units. Raster sources: pixels per metre.
    pub scale: Option<f64>,
    /// Storey height, m.
    pub height: f64,
    /// SVG: stroke colour (`#rrggbb`) or class → material.
    pub svg_map: Vec<(String, String)>,
    /// DXF: layer → (material, thickness m if given).
    pub layer_map: Vec<(String, String, Option<f64>)>,
    /// DXF: layers whose entities are doors.
    pub door_layers: Vec<String>,
    /// DXF: layers whose entities are windows.
    pub window_layers: Vec<String>,
    /// Walls shorter than this are dropped, m.
    pub min_length: f64,
    /// Raster: two pixels and their distance, `[x1, y1, x2, y2, metres]`.
    pub calibrate: Option<[f64; 5]>,
    /// Raster: (thickness m, material); walls take the nearest class.
    pub thickness_classes: Vec<(f64, String)>,
    /// Import a drawing that does not look like a building (implausible
    /// extent or wall thickness, DXF blocks that would become walls).
    pub force: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            scale: None,
            height: 3.0,
            svg_map: Vec::new(),
            layer_map: Vec::new(),
            door_layers: Vec::new(),
            window_layers: Vec::new(),
            min_length: 0.05,
            calibrate: None,
            thickness_classes: Vec::new(),
            force: false,
        }
    }
}

/// A door or window found in the source, before it is attached to a wall.
#[derive(Clone, Debug, PartialEq)]
pub struct OpeningSpan {
    /// Points of the opening's symbol (leaf, swing, frame), metres.
    pub points: Vec<PlanPoint>,
    /// Door or window.
    pub kind: OpeningKind,
}

/// What an importer extracted from a source, in plan metres.
#[derive(Clone, Debug, Default)]
pub struct Drawing {
    /// Wall centrelines.
    pub walls: Vec<WallSegment>,
    /// Doors and windows.
    pub openings: Vec<OpeningSpan>,
    /// Elements or entities that were skipped, by kind, with counts.
    pub unsupported: BTreeMap<String, usize>,
    /// Every line of the source (walls or not), for the preview.
    pub source_lines: Vec<[PlanPoint; 2]>,
    /// Raster sources: the image, for the preview.
    pub background: Option<raster::Background>,
    /// How drawing units became metres (checked by [`sanity`]).
    pub scale: Option<sanity::Scale>,
    /// The walls whose thickness the drawing gives (stroke widths,
    /// outline gaps, bands of ink): (thickness, length), m. A wrong unit
    /// shows in them before any material or class is applied.
    pub drawn: Vec<(f64, f64)>,
    /// DXF without `--layer-map`: block INSERTs that became walls, by
    /// layer (doors, windows and furniture are usually blocks).
    pub block_walls: BTreeMap<String, usize>,
    /// What the importer decided on its own, for the summary (layers read
    /// as doors or windows by their names, …).
    pub notes: Vec<String>,
}

impl Drawing {
    /// Counts one skipped element of `kind`.
    pub fn skip(&mut self, kind: &str) {
        *self.unsupported.entry(kind.to_owned()).or_default() += 1;
    }
}

/// The result of an import: the plan, the cleaned drawing and a summary.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The plan, validated.
    pub plan: FloorPlan,
    /// The plan as TOML text.
    pub toml: String,
    /// The drawing with cleaned walls (those written to the plan).
    pub drawing: Drawing,
    /// Counts for the user.
    pub summary: Summary,
}

/// What was found, for the summary on stderr.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Number of walls written.
    pub walls: usize,
    /// Their total centreline length, m.
    pub total_length: f64,
    /// (material, thickness m, count, length m), by material then thickness.
    pub classes: Vec<(String, f64, usize, f64)>,
    /// Openings attached to walls.
    pub openings: usize,
    /// Openings with no wall near enough.
    pub openings_dropped: usize,
    /// Skipped elements by kind.
    pub unsupported: BTreeMap<String, usize>,
    /// Width and depth of the walls' bounding box, m.
    pub extent: [f64; 2],
    /// What the importer decided on its own.
    pub notes: Vec<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} walls, {:.1} m in total, over {:.1} × {:.1} m",
            self.walls, self.total_length, self.extent[0], self.extent[1]
        )?;
        for (material, thickness, count, length) in &self.classes {
            writeln!(f, "  {material:<16} {thickness:>5.2} m thick: {count:>4} walls, {length:>7.1} m")?;
        }
        if self.openings > 0 || self.openings_dropped > 0 {
            write!(f, "{} openings attached to walls", self.openings)?;
            if self.openings_dropped > 0 {
                write!(f, " ({} dropped: no wall within 1 m)", self.openings_dropped)?;
            }
            writeln!(f)?;
        }
        if !self.unsupported.is_empty() {
            let list: Vec<String> = self.unsupported.iter().map(|(k, n)| format!("{n} {k}")).collect();
            writeln!(f, "skipped (not walls or not supported): {}", list.join(", "))?;
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        let largest = self.extent[0].max(self.extent[1]);
        if !(3.0..=1000.0).contains(&largest) {
            writeln!(f, "warning: the walls span {largest:.1} m, unusual for a building")?;
            writeln!(f, "  hint: check the drawing's units, or give --scale")?;
        }
        Ok(())
    }
}

/// An input error about `path` with a hint.
pub fn import_error(path: &Path, message: impl fmt::Display, hint: &str) -> Error {
    Error::usage(format!("cannot import `{}`: {message}\n  hint: {hint}", path.display()))
}

/// Reads `path` as a drawing of its format.
pub fn read_drawing(path: &Path, options: &ImportOptions) -> Result<Drawing> {
    match SourceFormat::detect(path)? {
        SourceFormat::Svg => svg::read(path, options),
        SourceFormat::Dxf => dxf::read(path, options),
        SourceFormat::Raster => raster::read(path, options),
    }
}

/// Imports `path`: reads the drawing, builds and validates the plan.
pub fn import_file(path: &Path, options: &ImportOptions) -> Result<Imported> {
    let drawing = read_drawing(path, options)?;
    build_plan(path, drawing, options)
}

/// Cleans a drawing's walls, attaches its openings and writes the plan
/// (one storey `rdc`), which must then parse and validate.
pub fn build_plan(path: &Path, mut drawing: Drawing, options: &ImportOptions) -> Result<Imported> {
    drawing.walls = walls::clean(std::mem::take(&mut drawing.walls), options.min_length);
    if !options.force {
        sanity::check(path, &drawing)?;
    }
    if drawing.walls.is_empty() {
        return Err(Error::usage(format!(
            "no walls found in `{}`\n  hint: {}",
            path.display(),
            "walls are stroked lines, polylines, rects and paths (SVG) or lines, polylines and arcs on wall \
             layers (DXF); check --scale, --layer-map and that walls are longer than the minimum length"
        )));
    }
    let mut floor_walls: Vec<Wall> = drawing
        .walls
        .iter()
        .map(|w| Wall {
            id: None,
            points: vec![w.a.map(walls::round_mm), w.b.map(walls::round_mm)],
            material: w.material.clone(),
            thickness: walls::round_mm(w.thickness).max(walls::MIN_THICKNESS),
            height: None,
        })
        .collect();
    let mut openings = Vec::new();
    let mut dropped = 0;
    for opening in &drawing.openings {
        match attach_opening(&drawing.walls, opening) {
            Some((index, at)) => {
                let id = format!("w{}", index + 1);
                floor_walls[index].id = Some(id.clone());
                openings.push(Opening {
                    wall: id,
                    at: at.map(|p| p.map(walls::round_mm)),
                    kind: opening.kind,
                    material: None,
                    thickness: None,
                    bottom: None,
                    top: None,
                });
            }
            None => dropped += 1,
        }
    }
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let plan = FloorPlan {
        format: 1,
        name,
        defaults: Defaults::default(),
        materials: BTreeMap::new(),
        floors: vec![Floor {
            id: "rdc".into(),
            name: None,
            elevation: 0.0,
            height: options.height,
            slab: None,
            ceiling: None,
            roof: None,
            walls: floor_walls,
            openings,
            rooms: Vec::new(),
            candidates: Vec::new(),
        }],
        aps: Vec::new(),
    };
    let body = crate::floorplan::to_toml(&plan).map_err(|e| {
        Error::internal(format!("internal error: cannot write the imported plan ({e})\n  hint: {BUG_HINT}"))
    })?;
    let toml = format!(
        "# Imported from {} by `wifiplan import`: check the walls and their\n\
         # materials, then add rooms ([[floors.rooms]]) and APs ([[aps]]).\n{body}",
        path.display()
    );
    let source = floorplan::parse_str(&path.display().to_string(), &toml, PlanFormat::Toml)?;
    // Locations would point into text the user has not seen: list the
    // messages and point at the options that produce them.
    floorplan::validate::validate(&source).map_err(|problems| {
        // One line per distinct message, with its count: a wrong unit
        // makes every wall wrong the same way.
        let mut counted: Vec<(&str, usize)> = Vec::new();
        for problem in &problems {
            match counted.iter_mut().find(|(m, _)| *m == problem.message) {
                Some((_, n)) => *n += 1,
                None => counted.push((&problem.message, 1)),
            }
        }
        let messages: Vec<String> =
            counted.iter().map(|(m, n)| if *n > 1 { format!("  {m} (×{n})") } else { format!("  {m}") }).collect();
        Error::usage(format!(
            "the plan imported from `{}` does not validate:\n{}\n  hint: check --scale, and the materials given to --map, \
             --layer-map and --thickness-class (`wifiplan materials` lists the built-in ones)",
            path.display(),
            messages.join("\n")
        ))
    })?;
    let summary = summarise(&drawing, plan.floors[0].openings.len(), dropped);
    Ok(Imported { plan, toml, drawing, summary })
}

/// The wall an opening belongs to (nearest to its symbol's centre, within
/// 1 m) and its span on that wall's centreline.
fn attach_opening(walls: &[WallSegment], opening: &OpeningSpan) -> Option<(usize, [PlanPoint; 2])> {
    if opening.points.is_empty() {
        return None;
    }
    let n = opening.points.len() as f64;
    let centre =
        [opening.points.iter().map(|p| p[0]).sum::<f64>() / n, opening.points.iter().map(|p| p[1]).sum::<f64>() / n];
    let (index, dist) = walls::nearest_wall(walls, centre)?;
    if dist > 1.0 {
        return None;
    }
    let wall = &walls[index];
    let ts = opening.points.iter().map(|&p| walls::project(wall.a, wall.b, p).clamp(0.0, 1.0));
    let (lo, hi) = ts.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| (lo.min(t), hi.max(t)));
    if (hi - lo) * wall.length() < 0.05 {
        return None;
    }
    Some((index, [walls::lerp(wall.a, wall.b, lo), walls::lerp(wall.a, wall.b, hi)]))
}

fn summarise(drawing: &Drawing, openings: usize, openings_dropped: usize) -> Summary {
    let mut classes: BTreeMap<(String, i64), (usize, f64)> = BTreeMap::new();
    for wall in &drawing.walls {
        let key = (wall.material.clone(), (wall.thickness * 100.0).round() as i64);
        let entry = classes.entry(key).or_default();
        entry.0 += 1;
        entry.1 += wall.length();
    }
    Summary {
        walls: drawing.walls.len(),
        total_length: drawing.walls.iter().map(WallSegment::length).sum(),
        classes: classes.into_iter().map(|((m, t), (n, l))| (m, t as f64 / 100.0, n, l)).collect(),
        openings,
        openings_dropped,
        unsupported: drawing.unsupported.clone(),
        extent: walls::bounds(&drawing.walls).map_or([0.0; 2], |(lo, hi)| [hi[0] - lo[0], hi[1] - lo[1]]),
        notes: drawing.notes.clone(),
    }
}
