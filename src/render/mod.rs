//! Heatmap images of a storey: pure functions from a scene and its coverage
//! to an [`image::RgbImage`]; the CLI saves them (no file I/O here).
//!
//! * [`rssi_map`]: best-server received power.
//! * [`sinr_map`]: signal to interference plus noise at the serving AP.
//! * [`server_map`]: which AP serves each cell.
//! * [`scalar_map`]: any per-cell map on any [`ColorScale`] (differences
//!   between two runs, channels, …).
//!
//! Every image shows the storey north up and to scale at
//! [`RenderOptions::pixels_per_metre`]: the heatmap (nearest cell per
//! pixel), walls as their real footprint coloured by material class, doors
//! (brown), windows (light blue with a centreline) and empty openings (a
//! gap), room outlines and names, the APs of that storey with id and
//! channel, a colour bar or AP key, a key of plan symbols, a scale bar with
//! a north arrow, a title and a footer stating the colour scale.
//!
//! # Colour scales
//!
//! Fixed, so that images from two runs compare:
//! * RSSI: −95 dBm → −30 dBm on Turbo (dark blue-purple → cyan → green →
//!   yellow → dark red), the threshold (`threshold_dbm`, −67 dBm by
//!   default) marked on the bar. Cells below their room's threshold are
//!   desaturated, darkened and hatched (rising lines).
//! * SINR: −5 dB → 40 dB on viridis, marks at 0, 10 and 25 dB.
//! * Serving AP: 12 qualitative colours ([`colormap::AP_PALETTE`]),
//!   assigned so that neighbouring service areas differ; cells below the
//!   threshold darkened and hatched.
//! * Differences: ColorBrewer RdBu centred on 0 dB ([`ColorScale::delta_db`]).
//!
//! In every map, cells inside walls take the colour of a neighbour (the
//! wall is drawn over them), cells outside the building and every room are
//! faded toward white, and excluded rooms are hatched grey. Sources of the
//! ramps are in [`colormap`].
//!
//! # Size
//!
//! The plan is at most 2000 × 2000 pixels (the scale shrinks to fit), the
//! side panel 300 pixels wide, so no image exceeds about 2400 pixels across.

pub mod colormap;
pub mod legend;
pub mod overlay;
pub mod paint;
pub mod polar;

pub use colormap::{ColorScale, Rgb};
pub use overlay::PlanView;

use image::RgbImage;
use plotters::prelude::*;

use crate::geometry::{Aabb2, Point2};
use crate::propagation::engine::{FloorCoverage, NO_SERVER};
use crate::propagation::grid::{CoverageMap, GridSpec};
use crate::propagation::mask::NO_ROOM;
use crate::scene::{Scene, SceneFloor};
use crate::units::Real;
use colormap::{format_db, AP_PALETTE};
use legend::{BarGeometry, Font, KeyEntry, TextAnchor, ROW};
use overlay::CellInfo;
use paint::{CellPaint, Raster, EXCLUDED, VOID};

/// Target width of the plan drawing, pixels, when choosing a scale.
const TARGET_PLAN_WIDTH: f64 = 1400.0;
/// Range of the default scale, pixels per metre.
pub(crate) const DEFAULT_PPM_RANGE: (f64, f64) = (8.0, 60.0);
/// Largest plan drawing, pixels, in either direction.
pub(crate) const MAX_PLAN_PX: f64 = 2000.0;
/// Outer margin, pixels.
pub(crate) const MARGIN: i32 = 24;
/// Height of the title band, pixels.
pub(crate) const TITLE_BAND: i32 = 56;
/// Gap between the plan and the side panel, pixels.
const PANEL_GAP: i32 = 40;
/// Width of the side panel, pixels.
pub(crate) const PANEL_WIDTH: i32 = 300;
/// Narrowest plan box (small plans are centred in it), pixels.
const MIN_PLAN_BOX: i32 = 420;
/// Most AP rows in the serving-AP key; the rest are counted.
const MAX_AP_ROWS: usize = 40;
/// Line height of the footer, pixels.
const FOOTER_LINE: i32 = 20;
/// Width of the colour bar, pixels.
pub(crate) const BAR_WIDTH: i32 = 28;

/// How to draw a storey.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderOptions {
    /// Scale. [`RenderOptions::for_floor`] picks it from the plan's widest
    /// storey so that it is ~1400 px wide, clamped to 8–60 px/m and
    /// rounded down to a whole number: it depends only on the walls, so two
    /// runs of a plan draw at the same scale. Any value is accepted; the
    /// renderer shrinks it so that the plan fits in 2000 × 2000 pixels.
    pub pixels_per_metre: f64,
    /// Title line, e.g. "Lycée Darche — rdc — RSSI (best server), multiwall,
    /// 5 GHz". Empty: the plan name and storey id.
    pub title: String,
    /// Coverage threshold, dBm, for rooms that do not set their own: marked
    /// on the RSSI colour bar; cells below it are hatched.
    pub threshold_dbm: f64,
    /// The colour of every AP of the scene (scene order), used for its
    /// marker on every map and its area on the serving-AP map, so that an
    /// AP keeps one colour on every storey and map ([`ap_colours`]).
    /// Empty: colours chosen per image.
    pub ap_colours: Vec<Rgb>,
    /// Per room of the storey: a line drawn under its name (its coverage
    /// and verdict), `None` for none.
    pub room_marks: Vec<Option<RoomMark>>,
    /// Minimum SINR for rooms without their own, dB (the class map).
    pub min_sinr_db: f64,
    /// Minimum SINR per room of the storey, dB (the class map).
    pub room_min_sinr_db: Vec<f64>,
}

/// A room's result, written under its name.
#[derive(Clone, Debug, PartialEq)]
pub struct RoomMark {
    /// The text: `96 % ok`, `71 % — signal`.
    pub text: String,
    /// The room meets its requirement (green) or not (red).
    pub met: bool,
}

impl RenderOptions {
    /// The default options for storey `floor` of `scene`, with this title:
    /// the plan's scale (shared by all its storeys, so they compare) and
    /// the plan's coverage threshold.
    pub fn for_floor(scene: &Scene, floor: usize, title: impl Into<String>) -> Self {
        RenderOptions {
            pixels_per_metre: default_pixels_per_metre(scene, floor),
            title: title.into(),
            threshold_dbm: scene.settings.threshold_dbm,
            ap_colours: Vec::new(),
            room_marks: Vec::new(),
            min_sinr_db: crate::requirement::DEFAULT_MIN_SINR_DB,
            room_min_sinr_db: Vec::new(),
        }
    }
}

/// The default scale of a plan: 1400 px across the widest storey's walls
/// plus a metre each side (the grid margin), clamped and rounded down. A
/// storey without walls uses its grid bounds.
fn default_pixels_per_metre(scene: &Scene, floor: usize) -> f64 {
    let width = |f: &SceneFloor| {
        if f.footprint.is_empty() {
            if f.bounds.is_empty() {
                0.0
            } else {
                f.bounds.extent().x
            }
        } else {
            f.footprint.extent().x + 2.0
        }
    };
    let widest = scene.floors.iter().map(width).filter(|w| w.is_finite()).fold(0.0, Real::max);
    let widest = if widest > 0.0 { widest } else { scene.floors.get(floor).map_or(10.0, width).max(1.0) };
    (TARGET_PLAN_WIDTH / widest).floor().clamp(DEFAULT_PPM_RANGE.0, DEFAULT_PPM_RANGE.1)
}

/// Best-server received power on the fixed RSSI scale, the threshold
/// marked; cells below their room's threshold hatched.
pub fn rssi_map(scene: &Scene, coverage: &FloorCoverage, options: &RenderOptions) -> RgbImage {
    rssi_frame(scene, coverage, options).map_or_else(|| blank(options), |frame| frame.draw(options))
}

fn rssi_frame<'a>(scene: &'a Scene, coverage: &FloorCoverage, options: &RenderOptions) -> Option<Frame<'a>> {
    let floor = scene.floors.get(coverage.floor)?;
    let grid = coverage.rssi.grid;
    let info = coverage_info(floor, coverage);
    let scale = ColorScale::rssi(options.threshold_dbm);
    let thresholds = room_thresholds(scene, floor);
    let paints = cell_paints(floor, &grid, &info, |i| {
        let v = value_at(&coverage.rssi, i);
        if v.is_nan() {
            return VOID;
        }
        let c = scale.color(v);
        if (v as Real) < threshold_of(&thresholds, &info, i, options) {
            paint::below_paint(c)
        } else {
            CellPaint::Flat(c)
        }
    });
    let mut keys = plan_key(scene, floor, &info);
    keys.insert(0, KeyEntry { paint: paint::below_paint(scale.color(-75.0)), label: "below threshold".into() });
    let footer = format!(
        "{} Hatched, darkened cells are below their room's threshold ({} dBm unless the room sets its own).",
        scale_note(&scale, "Colour scale fixed for every run"),
        format_db(options.threshold_dbm as f32),
    );
    Some(Frame {
        scene,
        floor_index: coverage.floor,
        grid,
        paints,
        panel: Panel::Bar(scale),
        keys,
        footer,
        ap_dots: Vec::new(),
    })
}

/// SINR at the serving AP on the fixed SINR scale (marks at 0, 10, 25 dB).
pub fn sinr_map(scene: &Scene, coverage: &FloorCoverage, options: &RenderOptions) -> RgbImage {
    sinr_frame(scene, coverage).map_or_else(|| blank(options), |frame| frame.draw(options))
}

fn sinr_frame<'a>(scene: &'a Scene, coverage: &FloorCoverage) -> Option<Frame<'a>> {
    let floor = scene.floors.get(coverage.floor)?;
    let info = coverage_info(floor, coverage);
    let scale = ColorScale::sinr();
    let grid = coverage.sinr.grid;
    let paints = flat_paints(floor, &coverage.sinr, &info, &scale);
    let keys = plan_key(scene, floor, &info);
    let footer = format!(
        "{} Interference counts every other AP on an overlapping channel; noise is the plan's noise floor.",
        scale_note(&scale, "Colour scale fixed for every run")
    );
    Some(Frame {
        scene,
        floor_index: coverage.floor,
        grid,
        paints,
        panel: Panel::Bar(scale),
        keys,
        footer,
        ap_dots: Vec::new(),
    })
}

/// Which AP serves each cell, one colour per AP (neighbouring areas never
/// share a colour while fewer than 12 APs border one another); cells below
/// their room's threshold darkened and hatched.
pub fn server_map(scene: &Scene, coverage: &FloorCoverage, options: &RenderOptions) -> RgbImage {
    server_frame(scene, coverage, options).map_or_else(|| blank(options), |frame| frame.draw(options))
}

fn server_frame<'a>(scene: &'a Scene, coverage: &FloorCoverage, options: &RenderOptions) -> Option<Frame<'a>> {
    let grid = coverage.rssi.grid;
    let colours = if options.ap_colours.len() == scene.aps.len() && !scene.aps.is_empty() {
        options.ap_colours.clone()
    } else {
        server_colours(scene, coverage, grid)
    };
    let mut shown = vec![false; scene.aps.len()];
    for &s in &coverage.server {
        if let Some(flag) = shown.get_mut(s as usize) {
            *flag = true;
        }
    }
    let mut legend: Vec<(String, Rgb)> = Vec::new();
    for (index, ap) in scene.aps.iter().enumerate() {
        if ap.floor == coverage.floor || shown[index] {
            let other = if ap.floor == coverage.floor { "" } else { ", other storey" };
            legend.push((format!("{} (ch {}{other})", ap.id, ap.channel), colours[index]));
        }
    }
    let footer = format!(
        "Each colour is the AP received strongest there (best server); {} Hatched, darker cells are below their room's threshold ({} dBm unless the room sets its own).",
        if options.ap_colours.len() == scene.aps.len() {
            "an AP has the same colour on every storey and map (its marker's centre)."
        } else {
            "colours are assigned per image, so read them from the key."
        },
        format_db(options.threshold_dbm as f32),
    );
    categorical_frame(scene, coverage, options, colours, ("Serving AP", legend), footer)
}

/// A map of storey cells coloured by their serving AP's colour in
/// `colours` (one per AP), with `legend` (heading, entries) as the key.
fn categorical_frame<'a>(
    scene: &'a Scene,
    coverage: &FloorCoverage,
    options: &RenderOptions,
    colours: Vec<Rgb>,
    legend: (&'static str, Vec<(String, Rgb)>),
    footer: String,
) -> Option<Frame<'a>> {
    let floor = scene.floors.get(coverage.floor)?;
    let grid = coverage.rssi.grid;
    let info = coverage_info(floor, coverage);
    let thresholds = room_thresholds(scene, floor);
    let paints = cell_paints(floor, &grid, &info, |i| {
        let server = coverage.server.get(i).copied().unwrap_or(NO_SERVER);
        let v = value_at(&coverage.rssi, i);
        let Some(&c) = colours.get(server as usize) else {
            return if v.is_nan() { VOID } else { CellPaint::Flat([196, 196, 196]) };
        };
        if !v.is_nan() && (v as Real) < threshold_of(&thresholds, &info, i, options) {
            paint::dark_server_paint(c)
        } else {
            CellPaint::Flat(c)
        }
    });
    let mut keys = plan_key(scene, floor, &info);
    keys.insert(
        0,
        KeyEntry { paint: paint::dark_server_paint(AP_PALETTE[0]), label: "below threshold (darker)".into() },
    );
    Some(Frame {
        scene,
        floor_index: coverage.floor,
        grid,
        paints,
        panel: Panel::Servers(legend.0, legend.1),
        keys,
        footer,
        ap_dots: colours,
    })
}

/// Which channel serves each cell: cells coloured by their best server's
/// channel (one colour per channel in use, in channel order), so
/// neighbouring cells of the same colour share spectrum.
pub fn channel_map(scene: &Scene, coverage: &FloorCoverage, options: &RenderOptions) -> RgbImage {
    let (colours, legend) = channel_colours(scene);
    let footer = "Each colour is the channel of the AP received strongest there; two areas of one colour that touch share a channel (co-channel interference). Hatched, darker cells are below their room's threshold.".to_owned();
    categorical_frame(scene, coverage, options, colours, ("Channel", legend), footer)
        .map_or_else(|| blank(options), |frame| frame.draw(options))
}

/// The colour of each AP's channel (one palette colour per channel in
/// use, in band and channel order) and the key: one entry per channel
/// with the APs on it. Shared by [`channel_map`] and the HTML report.
pub fn channel_colours(scene: &Scene) -> (Vec<Rgb>, Vec<(String, Rgb)>) {
    let mut channels: Vec<(crate::radio::Band, u32)> = scene.aps.iter().map(|ap| (ap.band, ap.channel)).collect();
    channels.sort_unstable();
    channels.dedup();
    let colour_of = |ap: &crate::scene::AccessPoint| {
        let rank = channels.iter().position(|&c| c == (ap.band, ap.channel)).unwrap_or(0);
        AP_PALETTE[rank % AP_PALETTE.len()]
    };
    let colours: Vec<Rgb> = scene.aps.iter().map(colour_of).collect();
    let legend: Vec<(String, Rgb)> = channels
        .iter()
        .enumerate()
        .map(|(rank, &(band, channel))| {
            let users: Vec<&str> = scene
                .aps
                .iter()
                .filter(|ap| ap.band == band && ap.channel == channel)
                .map(|ap| ap.id.as_str())
                .collect();
            (format!("{band} ch {channel}: {}", users.join(", ")), AP_PALETTE[rank % AP_PALETTE.len()])
        })
        .collect();
    (colours, legend)
}

/// Any per-cell map of storey `floor` on `scale`: differences between two
/// runs ([`ColorScale::delta_db`]), channels, … `NaN` cells are not
/// coloured; the wall and room classification is recomputed from the
/// storey's geometry.
pub fn scalar_map(
    scene: &Scene,
    floor: usize,
    map: &CoverageMap,
    scale: &ColorScale,
    options: &RenderOptions,
) -> RgbImage {
    scalar_frame(scene, floor, map, scale).map_or_else(|| blank(options), |frame| frame.draw(options))
}

/// Every cell in the plain colour of its value on `scale` (walls void).
fn flat_paints(floor: &SceneFloor, map: &CoverageMap, info: &CellInfo, scale: &ColorScale) -> Vec<CellPaint> {
    cell_paints(floor, &map.grid, info, |i| {
        let v = value_at(map, i);
        if v.is_nan() {
            VOID
        } else {
            CellPaint::Flat(scale.color(v))
        }
    })
}

/// "`lead`: SINR −5 to 40 dB on viridis (…); values beyond are clamped."
fn scale_note(scale: &ColorScale, lead: &str) -> String {
    format!(
        "{lead}: {} {} to {} {} on {}; values beyond are clamped.",
        scale.label,
        format_db(scale.min),
        format_db(scale.max),
        scale.unit,
        scale.ramp,
    )
}

fn scalar_frame<'a>(scene: &'a Scene, floor: usize, map: &CoverageMap, scale: &ColorScale) -> Option<Frame<'a>> {
    let storey = scene.floors.get(floor)?;
    let grid = map.grid;
    let info = CellInfo::from_floor(storey, &grid, &map.values);
    let paints = flat_paints(storey, map, &info, scale);
    let keys = plan_key(scene, storey, &info);
    let footer = scale_note(scale, "Colour scale");
    Some(Frame {
        scene,
        floor_index: floor,
        grid,
        paints,
        panel: Panel::Bar(scale.clone()),
        keys,
        footer,
        ap_dots: Vec::new(),
    })
}

/// The value of cell `i`, `NaN` when out of range.
fn value_at(map: &CoverageMap, i: usize) -> f32 {
    map.values.get(i).copied().unwrap_or(f32::NAN)
}

/// The engine's classification when it matches the map's grid, else one
/// recomputed from the geometry.
fn coverage_info(floor: &SceneFloor, coverage: &FloorCoverage) -> CellInfo {
    let grid = coverage.rssi.grid;
    let mask = &coverage.mask;
    if mask.grid == grid && mask.room.len() == grid.len() && mask.in_wall.len() == grid.len() {
        CellInfo::new(&grid, mask.room.clone(), mask.in_wall.clone())
    } else {
        CellInfo::from_floor(floor, &grid, &coverage.rssi.values)
    }
}

/// Per room: its threshold where it overrides the plan's default, else
/// `None` (the options' threshold applies).
fn room_thresholds(scene: &Scene, floor: &SceneFloor) -> Vec<Option<Real>> {
    floor
        .rooms
        .iter()
        .map(|r| {
            (r.threshold_dbm != scene.settings.threshold_dbm && r.threshold_dbm.is_finite()).then_some(r.threshold_dbm)
        })
        .collect()
}

fn threshold_of(thresholds: &[Option<Real>], info: &CellInfo, i: usize, options: &RenderOptions) -> Real {
    let room = info.room.get(i).copied().unwrap_or(NO_ROOM);
    thresholds.get(room as usize).copied().flatten().unwrap_or(options.threshold_dbm)
}

/// Paints every cell: walls (filled from a neighbour afterwards), excluded
/// rooms, the map's own paint `f`, faded outside the building.
fn cell_paints(floor: &SceneFloor, grid: &GridSpec, info: &CellInfo, f: impl Fn(usize) -> CellPaint) -> Vec<CellPaint> {
    let n = grid.len();
    let mut paints: Vec<CellPaint> = (0..n)
        .map(|i| {
            if info.in_wall.get(i).copied().unwrap_or(true) {
                return VOID;
            }
            let room = info.room.get(i).copied().unwrap_or(NO_ROOM);
            if floor.rooms.get(room as usize).is_some_and(|r| r.exclude) {
                return EXCLUDED;
            }
            let paint = f(i);
            if info.outside.get(i).copied().unwrap_or(false) {
                paint::fade_paint(paint)
            } else {
                paint
            }
        })
        .collect();
    // Wall cells take the paint of the nearest open cell (breadth-first,
    // 4-neighbours): the drawn wall covers the cells' centres but not their
    // whole squares, and this keeps a grey fringe from showing along walls
    // and in openings.
    let (w, h) = (grid.width, grid.height);
    let mut filled: Vec<bool> = (0..n).map(|i| !info.in_wall.get(i).copied().unwrap_or(true)).collect();
    let mut queue: std::collections::VecDeque<usize> = (0..n).filter(|&i| filled[i]).collect();
    while let Some(i) = queue.pop_front() {
        let (column, row) = (i % w, i / w);
        let neighbours = [
            (column > 0).then(|| i - 1),
            (column + 1 < w).then(|| i + 1),
            (row > 0).then(|| i - w),
            (row + 1 < h).then(|| i + w),
        ];
        for j in neighbours.into_iter().flatten() {
            if !filled[j] {
                filled[j] = true;
                paints[j] = paints[i];
                queue.push_back(j);
            }
        }
    }
    paints
}

/// One colour per AP for the whole plan: APs whose service areas touch on
/// any storey get different colours (greedy in AP order, as
/// [`server_colours`] does for one storey), so an AP is drawn in the same
/// colour on every storey and every map of a run.
pub fn ap_colours(scene: &Scene, coverage: &crate::propagation::engine::Coverage) -> Vec<Rgb> {
    let n = scene.aps.len();
    let mut touching = vec![Vec::<usize>::new(); n];
    for fc in &coverage.floors {
        touching_servers(&fc.server, fc.rssi.grid, &mut touching);
    }
    colour_greedily(&touching)
}

/// Adds to `touching` every pair of APs that serve neighbouring cells.
fn touching_servers(server: &[u16], grid: GridSpec, touching: &mut [Vec<usize>]) {
    let n = touching.len();
    let (w, h) = (grid.width, grid.height);
    if server.len() != grid.len() {
        return;
    }
    let mut link = |a: u16, b: u16| {
        let (a, b) = (a as usize, b as usize);
        if a != b && a < n && b < n && !touching[a].contains(&b) {
            touching[a].push(b);
            touching[b].push(a);
        }
    };
    for row in 0..h {
        for column in 0..w {
            let i = row * w + column;
            if column + 1 < w {
                link(server[i], server[i + 1]);
            }
            if row + 1 < h {
                link(server[i], server[i + w]);
            }
        }
    }
}

/// Greedy colouring: each AP from palette entry `index mod 12`, skipping
/// the colours of the APs it touches.
fn colour_greedily(touching: &[Vec<usize>]) -> Vec<Rgb> {
    let n = touching.len();
    let mut chosen: Vec<Option<usize>> = vec![None; n];
    for ap in 0..n {
        let used: Vec<usize> = touching[ap].iter().filter_map(|&other| chosen[other]).collect();
        let pick = (0..AP_PALETTE.len()).map(|k| (ap + k) % AP_PALETTE.len()).find(|c| !used.contains(c));
        chosen[ap] = Some(pick.unwrap_or(ap % AP_PALETTE.len()));
    }
    chosen.into_iter().map(|c| AP_PALETTE[c.unwrap_or(0)]).collect()
}

/// Colours of the three classes of [`class_map`]: good, marginal, poor
/// (colour-blind safe: blue-green, amber, vermilion of Okabe & Ito 2008).
pub const CLASS_COLOURS: [Rgb; 3] = [[0, 158, 115], [230, 159, 0], [213, 94, 0]];

/// How far below the threshold a cell is still "marginal", dB: the margin
/// a closed door or a full classroom takes (bodies absorb 3–10 dB at
/// 5 GHz).
pub const MARGINAL_DB: f64 = 5.0;

/// The class of one cell: 0 good (signal and SINR), 1 marginal (the
/// signal within [`MARGINAL_DB`] below the threshold, or the SINR short),
/// 2 poor.
pub fn cell_class(rssi: f64, sinr: f64, threshold: f64, min_sinr: f64) -> u8 {
    if rssi >= threshold && sinr >= min_sinr {
        0
    } else if rssi >= threshold - MARGINAL_DB {
        1
    } else {
        2
    }
}

/// Good / marginal / poor per cell against each room's requirement
/// ([`cell_class`]), for readers who want a verdict rather than a scale.
pub fn class_map(scene: &Scene, coverage: &FloorCoverage, options: &RenderOptions) -> RgbImage {
    class_frame(scene, coverage, options).map_or_else(|| blank(options), |frame| frame.draw(options))
}

fn class_frame<'a>(scene: &'a Scene, coverage: &FloorCoverage, options: &RenderOptions) -> Option<Frame<'a>> {
    let floor = scene.floors.get(coverage.floor)?;
    let grid = coverage.rssi.grid;
    let info = coverage_info(floor, coverage);
    let thresholds = room_thresholds(scene, floor);
    let paints = cell_paints(floor, &grid, &info, |i| {
        let v = value_at(&coverage.rssi, i);
        if v.is_nan() {
            return VOID;
        }
        if info.outside.get(i).copied().unwrap_or(false) {
            return VOID;
        }
        let room = info.room.get(i).copied().unwrap_or(NO_ROOM);
        let min_sinr = options.room_min_sinr_db.get(room as usize).copied().unwrap_or(options.min_sinr_db);
        let sinr = value_at(&coverage.sinr, i) as f64;
        let class = cell_class(v as f64, sinr, threshold_of(&thresholds, &info, i, options), min_sinr);
        CellPaint::Flat(CLASS_COLOURS[class as usize])
    });
    let legend = vec![
        ("good: signal and SINR".to_owned(), CLASS_COLOURS[0]),
        (format!("marginal: within {MARGINAL_DB} dB, or SINR short"), CLASS_COLOURS[1]),
        ("poor".to_owned(), CLASS_COLOURS[2]),
    ];
    let keys = plan_key(scene, floor, &info);
    let footer = format!(
        "Good: at or above the room's threshold ({} dBm unless the room sets its own) with the SINR it needs ({} dB unless set per room). Marginal: the signal up to {MARGINAL_DB} dB short, or the SINR short. Poor: the rest.",
        format_db(options.threshold_dbm as f32),
        options.min_sinr_db
    );
    Some(Frame {
        scene,
        floor_index: coverage.floor,
        grid,
        paints,
        panel: Panel::Classes(legend),
        keys,
        footer,
        ap_dots: Vec::new(),
    })
}

/// Colours of the serving APs on one storey: greedy, in AP order, each AP
/// starting from palette entry `index mod 12` and skipping colours of APs
/// whose service areas touch its own. Shared by [`server_map`] and the
/// HTML report, so both show an AP in the same colour.
pub fn server_colours(scene: &Scene, coverage: &FloorCoverage, grid: GridSpec) -> Vec<Rgb> {
    let mut touching = vec![Vec::<usize>::new(); scene.aps.len()];
    touching_servers(&coverage.server, grid, &mut touching);
    colour_greedily(&touching)
}

/// Key entries for the plan symbols present on this storey.
fn plan_key(scene: &Scene, floor: &SceneFloor, info: &CellInfo) -> Vec<KeyEntry> {
    let mut entries = Vec::new();
    let mut classes: Vec<(Rgb, &'static str)> = Vec::new();
    for wall in &floor.walls {
        let name = scene.materials.try_get(wall.slab.material).map_or("", |m| m.name.as_str());
        let class = overlay::wall_colour(name);
        if !classes.contains(&class) {
            classes.push(class);
        }
    }
    for (colour, name) in classes {
        entries.push(KeyEntry { paint: CellPaint::Flat(colour), label: format!("wall: {name}") });
    }
    let kinds = |kind| floor.walls.iter().any(|w| w.openings.iter().any(|o| o.kind == kind));
    if kinds(crate::floorplan::OpeningKind::Door) {
        entries.push(KeyEntry { paint: CellPaint::Flat(overlay::DOOR), label: "door".into() });
    }
    if kinds(crate::floorplan::OpeningKind::Window) {
        entries.push(KeyEntry { paint: CellPaint::Flat(overlay::WINDOW), label: "window".into() });
    }
    if floor.rooms.iter().any(|r| r.exclude) {
        entries.push(KeyEntry { paint: EXCLUDED, label: "excluded room".into() });
    }
    if info.outside.iter().any(|&o| o) {
        entries.push(KeyEntry {
            paint: CellPaint::Flat(colormap::faded([120, 120, 120])),
            label: "outside the building (faded)".into(),
        });
    }
    entries
}

/// What the side panel shows above the key.
enum Panel {
    /// A colour bar.
    Bar(ColorScale),
    /// Serving APs (or their channels): the key's heading, and each
    /// entry's label and colour.
    Servers(&'static str, Vec<(String, Rgb)>),
    /// The classes of [`class_map`]: label and colour.
    Classes(Vec<(String, Rgb)>),
}

/// One image being composed.
struct Frame<'a> {
    scene: &'a Scene,
    floor_index: usize,
    grid: GridSpec,
    paints: Vec<CellPaint>,
    panel: Panel,
    keys: Vec<KeyEntry>,
    footer: String,
    /// Centre colour of each AP's marker, by AP index (dark grey if absent).
    ap_dots: Vec<Rgb>,
}

/// Pixel positions of the parts of an image.
struct Layout {
    width: u32,
    height: u32,
    view: PlanView,
    panel_x: i32,
    bar: Option<BarGeometry>,
    servers_top: i32,
    key_top: i32,
    scale_y: i32,
    footer_top: i32,
    footer: Vec<String>,
    title: String,
}

/// Usable extent of a grid: its bounds, or a 1 m box at the origin when the
/// grid is degenerate.
fn grid_world(grid: &GridSpec) -> Aabb2 {
    let b = grid.bounds();
    let e = b.extent();
    if b.min.x.is_finite() && b.min.y.is_finite() && e.x.is_finite() && e.y.is_finite() && e.x > 0.0 && e.y > 0.0 {
        b
    } else {
        Aabb2::from_points(Point2::new(0.0, 0.0), Point2::new(1.0, 1.0))
    }
}

/// The scale actually used: the requested one (or 20 px/m if it is not a
/// positive number), shrunk so the plan fits in [`MAX_PLAN_PX`].
fn effective_ppm(requested: f64, world: &Aabb2) -> f64 {
    let e = world.extent();
    let ppm = if requested.is_finite() && requested > 0.0 { requested } else { 20.0 };
    ppm.min(MAX_PLAN_PX / e.x).min(MAX_PLAN_PX / e.y)
}

impl Frame<'_> {
    fn layout(&self, options: &RenderOptions) -> Layout {
        let world = grid_world(&self.grid);
        let ppm = effective_ppm(options.pixels_per_metre, &world);
        let e = world.extent();
        let pw = ((e.x * ppm).ceil() as i32).clamp(1, MAX_PLAN_PX as i32);
        let ph = ((e.y * ppm).ceil() as i32).clamp(1, MAX_PLAN_PX as i32);
        let box_w = pw.max(MIN_PLAN_BOX);

        // Side panel, top to bottom: colour bar or AP key, then plan key.
        let mut y = TITLE_BAND + 28;
        let (bar, servers_top) = match &self.panel {
            Panel::Bar(_) => {
                let height = ((ph as f64 * 0.55) as i32).clamp(260, 420);
                let bar = BarGeometry { x: 0, top: y, width: BAR_WIDTH, height };
                y += height + 24;
                (Some(bar), 0)
            }
            Panel::Servers(_, list) | Panel::Classes(list) => {
                let top = y;
                let rows = list.len().min(MAX_AP_ROWS) + usize::from(list.len() > MAX_AP_ROWS);
                y += rows.max(1) as i32 * ROW + 24;
                (None, top)
            }
        };
        let key_top = y + ROW;
        let panel_bottom = key_top + self.keys.len() as i32 * ROW;
        let box_h = ph.max(panel_bottom - TITLE_BAND);

        let width = MARGIN + box_w + PANEL_GAP + PANEL_WIDTH + MARGIN;
        let scale_y = TITLE_BAND + box_h + 22;
        let footer_top = scale_y + 52;
        let storey = self.scene.floors.get(self.floor_index);
        let mut footer_text = self.footer.clone();
        footer_text.push_str(&format!(
            " Plan north up, {} px/m, grid cells {} m; walls to scale, coloured by material.",
            trim_number(ppm),
            trim_number(self.grid.resolution),
        ));
        let footer = legend::wrap(&footer_text, Font::FOOTER, width - 2 * MARGIN);
        let height = footer_top + footer.len() as i32 * FOOTER_LINE + 10;
        let title = if options.title.trim().is_empty() {
            format!("{} \u{2014} {}", self.scene.name, storey.map_or("?", |s| s.id.as_str()))
        } else {
            options.title.clone()
        };
        let title = legend::fit(&title, Font::TITLE, width - 2 * MARGIN);
        let panel_x = MARGIN + box_w + PANEL_GAP;
        let view = PlanView {
            world,
            pixels_per_metre: ppm,
            left: (MARGIN + (box_w - pw) / 2) as f64,
            top: TITLE_BAND as f64,
            width: pw as u32,
            height: ph as u32,
        };
        let bar = bar.map(|b| BarGeometry { x: panel_x, ..b });
        Layout {
            width: width as u32,
            height: height as u32,
            view,
            panel_x,
            bar,
            servers_top,
            key_top,
            scale_y,
            footer_top,
            footer,
            title,
        }
    }

    /// Composes the image. Pixels first (heatmap, colour bar, swatches),
    /// then room outlines, then walls over them, then markers and text.
    fn draw(&self, options: &RenderOptions) -> RgbImage {
        legend::ensure_fonts();
        let layout = self.layout(options);
        let (w, h) = (layout.width, layout.height);
        let mut data = vec![255u8; w as usize * h as usize * 3];
        let view = layout.view;
        let grid = self.grid;
        let storey = self.scene.floors.get(self.floor_index);
        {
            let mut raster = Raster { data: &mut data, width: w, height: h };
            overlay::paint_heatmap(&mut raster, &view, &grid, &self.paints);
            match (&self.panel, &layout.bar) {
                (Panel::Bar(scale), Some(bar)) => legend::paint_colour_bar(&mut raster, bar, scale),
                (Panel::Servers(_, list) | Panel::Classes(list), _) => {
                    legend::paint_key(&mut raster, layout.panel_x, layout.servers_top, &server_entries(list));
                }
                _ => {}
            }
            legend::paint_key(&mut raster, layout.panel_x, layout.key_top, &self.keys);
        }
        if let Some(storey) = storey {
            let area = BitMapBackend::with_buffer(&mut data, (w, h)).into_drawing_area();
            overlay::draw_room_outlines(&area, &view, storey);
        }
        if let Some(storey) = storey {
            let mut raster = Raster { data: &mut data, width: w, height: h };
            let paints = &self.paints;
            let heat = |x: u32, y: u32| {
                let p = view.to_world(x, y);
                grid.cell_of(p)
                    .and_then(|(c, r)| paints.get(r * grid.width + c))
                    .map_or(overlay::BACKGROUND, |paint| paint.at(x, y))
            };
            overlay::paint_walls(&mut raster, &view, self.scene, storey, heat);
        }
        let area = BitMapBackend::with_buffer(&mut data, (w, h)).into_drawing_area();
        let frame = [
            (view.left as i32 - 1, view.top as i32 - 1),
            (view.left as i32 + view.width as i32, view.top as i32 + view.height as i32),
        ];
        let _ = area.draw(&Rectangle::new(frame, RGBColor(150, 150, 150).stroke_width(1)));
        if let Some(storey) = storey {
            let aps = overlay::ApMarks::layout(self.scene, self.floor_index, &view);
            overlay::draw_room_names(&area, &view, storey, &aps, &options.room_marks);
            let dots = if self.ap_dots.is_empty() { &options.ap_colours } else { &self.ap_dots };
            aps.draw(&area, |ap| dots.get(ap).copied().unwrap_or([20, 20, 20]));
        }
        legend::text(&area, &layout.title, (MARGIN, TITLE_BAND / 2 - 4), Font::TITLE, TextAnchor::Left);
        match (&self.panel, &layout.bar) {
            (Panel::Bar(scale), Some(bar)) => legend::draw_colour_bar(&area, bar, scale),
            (Panel::Classes(list), _) => {
                let entries = server_entries(list);
                legend::draw_key(&area, layout.panel_x, layout.servers_top, "Class", &entries, PANEL_WIDTH);
            }
            (Panel::Servers(heading, list), _) => {
                let entries = server_entries(list);
                legend::draw_key(&area, layout.panel_x, layout.servers_top, heading, &entries, PANEL_WIDTH);
                if list.len() > MAX_AP_ROWS {
                    let y = layout.servers_top + MAX_AP_ROWS as i32 * ROW + ROW / 2;
                    let more = format!("\u{2026} and {} more", list.len() - MAX_AP_ROWS);
                    legend::text(&area, &more, (layout.panel_x, y), Font::LABEL, TextAnchor::Left);
                }
            }
            _ => {}
        }
        if !self.keys.is_empty() {
            legend::draw_key(&area, layout.panel_x, layout.key_top, "Plan", &self.keys, PANEL_WIDTH);
        }
        let metres = legend::scale_bar_metres(view.pixels_per_metre, (view.width as f64 * 0.3).max(80.0));
        legend::draw_scale_bar(&area, MARGIN + 8, layout.scale_y, metres, view.pixels_per_metre);
        for (k, line) in layout.footer.iter().enumerate() {
            let y = layout.footer_top + k as i32 * FOOTER_LINE;
            legend::text(&area, line, (MARGIN, y), Font::FOOTER, TextAnchor::Left);
        }
        drop(area);
        RgbImage::from_raw(w, h, data).unwrap_or_else(|| RgbImage::new(w.max(1), h.max(1)))
    }
}

/// Key entries of the serving-AP key (at most [`MAX_AP_ROWS`]).
fn server_entries(list: &[(String, Rgb)]) -> Vec<KeyEntry> {
    list.iter()
        .take(MAX_AP_ROWS)
        .map(|(label, c)| KeyEntry { paint: CellPaint::Flat(*c), label: label.clone() })
        .collect()
}

/// A number without trailing zeros (`35`, `0.25`, `6.67`).
fn trim_number(v: f64) -> String {
    let text = format!("{:.2}", v);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The image for a storey that does not exist: the title on white.
fn blank(options: &RenderOptions) -> RgbImage {
    legend::ensure_fonts();
    let (w, h) = (640u32, 120u32);
    let mut data = vec![255u8; (w * h * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut data, (w, h)).into_drawing_area();
        let title = legend::fit(&options.title, Font::TITLE, w as i32 - 2 * MARGIN);
        legend::text(&area, &title, (MARGIN, 30), Font::TITLE, TextAnchor::Left);
        legend::text(&area, "no such storey", (MARGIN, 70), Font::LABEL, TextAnchor::Left);
    }
    RgbImage::from_raw(w, h, data).unwrap_or_else(|| RgbImage::new(w, h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::floorplan::{parse_str, PlanFormat};
    use crate::propagation::engine::{simulate, Coverage};
    use crate::propagation::MultiWall;

    /// Two 6 × 6 m rooms side by side, a concrete wall with a door between
    /// them, one AP in each room; the east room's AP is in the north-east.
    const PLAN: &str = r#"
format = 1
name = "Render test"

[defaults]
resolution = 0.25
threshold_dbm = -67

[[floors]]
id = "f0"
walls = [
  { id = "outer", points = [[0, 0], [12, 0], [12, 6], [0, 6], [0, 0]], material = "brick", thickness = 0.3 },
  { id = "middle", points = [[6, 0], [6, 6]], material = "concrete", thickness = 0.4 },
]
openings = [
  { wall = "middle", at = [[6, 2.5], [6, 3.5]], kind = "door" },
  { wall = "outer", at = [[2, 0], [4, 0]], kind = "window" },
]
rooms = [
  { name = "West", polygon = [[0.15, 0.15], [5.8, 0.15], [5.8, 5.85], [0.15, 5.85]] },
  { name = "East", polygon = [[6.2, 0.15], [11.85, 0.15], [11.85, 5.85], [6.2, 5.85]] },
]

[[aps]]
id = "A"
position = [3, 3]
channel = 36

[[aps]]
id = "B"
position = [10, 4.5]
channel = 44
"#;

    fn scene_from(text: &str) -> Scene {
        let source = parse_str("t.toml", text, PlanFormat::Toml).expect("test plan parses");
        let materials = crate::floorplan::validate::validate(&source).expect("test plan is valid");
        Scene::build(&source, materials)
    }

    fn simulated(text: &str) -> (Scene, Coverage) {
        let scene = scene_from(text);
        let coverage = simulate(&scene, &MultiWall, 0.25, &|_, _| {}).expect("simulation runs");
        (scene, coverage)
    }

    fn pixel(image: &RgbImage, view: &PlanView, p: Point2) -> Rgb {
        let (x, y) = view.pixel_of(p);
        image.get_pixel(x as u32, y as u32).0
    }

    /// Where the plan lands in the RSSI image.
    fn rssi_view(scene: &Scene, coverage: &FloorCoverage, options: &RenderOptions) -> (Layout, PlanView) {
        let layout = rssi_frame(scene, coverage, options).expect("storey exists").layout(options);
        let view = layout.view;
        (layout, view)
    }

    /// The cell centre nearest `p` (probing at centres avoids cell edges).
    fn centre_near(grid: &GridSpec, p: Point2) -> Point2 {
        let (column, row) = grid.cell_of(p).expect("inside the grid");
        grid.cell_centre(column, row)
    }

    #[test]
    fn default_scale_is_fixed_by_the_walls() {
        let scene = scene_from(PLAN);
        let options = RenderOptions::for_floor(&scene, 0, "t");
        // Walls span 12.3 m; plus 2 m: 1400 / 14.3 = 97.9, clamped to 60.
        assert_eq!(options.pixels_per_metre, 60.0);
        assert_eq!(options.threshold_dbm, -67.0);
        // A storey index out of range still gives options.
        assert_eq!(RenderOptions::for_floor(&scene, 7, "t").pixels_per_metre, 60.0);
    }

    #[test]
    fn image_size_and_walls_where_the_plan_puts_them() {
        let (scene, coverage) = simulated(PLAN);
        let fc = &coverage.floors[0];
        let options = RenderOptions::for_floor(&scene, 0, "Render test \u{2014} f0 \u{2014} RSSI");
        let image = rssi_map(&scene, fc, &options);
        let (layout, view) = rssi_view(&scene, fc, &options);
        assert_eq!((image.width(), image.height()), (layout.width, layout.height));
        // The grid is the walls' box (12.3 × 6.3 m) plus 1 m all round:
        // 14.5 × 8.5 m at 0.25 m = 58 × 34 cells, 870 × 510 px at 60 px/m.
        assert_eq!((fc.rssi.grid.width, fc.rssi.grid.height), (58, 34));
        assert_eq!((view.width, view.height), (870, 510));
        assert_eq!(image.width(), (MARGIN + 870 + PANEL_GAP + PANEL_WIDTH + MARGIN) as u32);
        // The plan area's top-left corner is the grid's north-west corner.
        let world = fc.rssi.grid.bounds();
        assert_eq!(view.to_pixel(Point2::new(world.min.x, world.max.y)), (view.left, view.top));
        // Wall pixels: the brick façade and the concrete middle wall.
        let masonry = overlay::wall_class::MASONRY.0;
        assert_eq!(pixel(&image, &view, Point2::new(9.0, 0.0)), masonry, "south façade");
        assert_eq!(pixel(&image, &view, Point2::new(12.0, 3.0)), masonry, "east façade");
        assert_eq!(pixel(&image, &view, Point2::new(6.0, 1.0)), masonry, "middle wall");
        assert_eq!(pixel(&image, &view, Point2::new(6.15, 5.0)), masonry, "middle wall, off its centreline");
        // Door and window spans.
        assert_eq!(pixel(&image, &view, Point2::new(6.1, 3.0)), overlay::DOOR);
        assert_eq!(pixel(&image, &view, Point2::new(3.0, 0.1)), overlay::WINDOW);
        // A room interior away from walls and labels is heatmap, not wall.
        let inside = pixel(&image, &view, Point2::new(1.0, 1.0));
        assert_ne!(inside, masonry);
        assert_ne!(inside, colormap::NO_DATA);
    }

    #[test]
    fn heatmap_is_north_up_and_matches_the_grid() {
        let (scene, coverage) = simulated(PLAN);
        let fc = &coverage.floors[0];
        let grid = fc.rssi.grid;
        let options = RenderOptions::for_floor(&scene, 0, "t");
        let image = rssi_map(&scene, fc, &options);
        let (_, view) = rssi_view(&scene, fc, &options);
        let scale = ColorScale::rssi(options.threshold_dbm);
        // The east room near its AP (north) and far from it (south): each
        // pixel has its cell's colour, and the north one is stronger.
        let north = centre_near(&grid, Point2::new(11.0, 5.3));
        let south = centre_near(&grid, Point2::new(8.0, 0.8));
        let value = |p: Point2| {
            let (column, row) = grid.cell_of(p).unwrap();
            fc.rssi.get(column, row)
        };
        for p in [north, south] {
            let v = value(p);
            let c = scale.color(v);
            let (x, y) = view.pixel_of(p);
            let found: Vec<Rgb> = (0..3).map(|dx| image.get_pixel(x as u32 + dx, y as u32).0).collect();
            if v as f64 >= options.threshold_dbm {
                assert!(found.iter().all(|&f| f == c), "{p:?}: {v} dBm, expected {c:?}, found {found:?}");
            } else {
                // Hatched: some pixels are fill, none is the plain colour.
                let (fill, line) = colormap::below_threshold(c);
                assert!(found.iter().all(|&f| f == fill || f == line), "{p:?}: {v} dBm, found {found:?}");
            }
        }
        assert!(value(north) > value(south) + 3.0);
        assert!(view.pixel_of(north).1 < view.pixel_of(south).1, "north is up");
    }

    #[test]
    fn server_map_gives_two_aps_two_colours() {
        let (scene, coverage) = simulated(PLAN);
        let fc = &coverage.floors[0];
        let options = RenderOptions::for_floor(&scene, 0, "t");
        let image = server_map(&scene, fc, &options);
        let (_, view) = rssi_view(&scene, fc, &options);
        let west = pixel(&image, &view, centre_near(&fc.rssi.grid, Point2::new(1.5, 1.5)));
        let east = pixel(&image, &view, centre_near(&fc.rssi.grid, Point2::new(10.5, 1.5)));
        assert_ne!(west, east);
        let colours = server_colours(&scene, fc, fc.rssi.grid);
        assert_ne!(colours[0], colours[1]);
        // Both rooms are covered near their AP: plain AP colours.
        assert_eq!(west, colours[0]);
        assert_eq!(east, colours[1]);
    }

    #[test]
    fn rendering_is_deterministic() {
        let (scene, coverage) = simulated(PLAN);
        let options = RenderOptions::for_floor(&scene, 0, "t");
        let a = sinr_map(&scene, &coverage.floors[0], &options);
        let b = sinr_map(&scene, &coverage.floors[0], &options);
        assert!(a == b);
    }

    #[test]
    fn odd_inputs_never_panic() {
        let (scene, coverage) = simulated(PLAN);
        let fc = &coverage.floors[0];
        // NaN everywhere, no server anywhere.
        let mut nan = fc.clone();
        nan.rssi.values.fill(f32::NAN);
        nan.sinr.values.fill(f32::NAN);
        nan.server.fill(NO_SERVER);
        let options = RenderOptions::for_floor(&scene, 0, "");
        for draw in [rssi_map, sinr_map, server_map] {
            let image = draw(&scene, &nan, &options);
            assert!(image.width() > 0 && image.width() <= 2400 && image.height() <= 2400);
        }
        // Mismatched lengths, silly scales, a storey that does not exist.
        let mut short = fc.clone();
        short.server.truncate(3);
        short.rssi.values.truncate(5);
        for ppm in [f64::NAN, 0.0, -3.0, 1e-6, 1e9, f64::INFINITY] {
            let options = RenderOptions {
                pixels_per_metre: ppm,
                title: "x".repeat(500),
                threshold_dbm: f64::NAN,
                ..RenderOptions::for_floor(&scene, 0, "")
            };
            let image = server_map(&scene, &short, &options);
            assert!(image.width() <= 2400 && image.height() <= 2400, "{ppm}");
            let _ = rssi_map(&scene, &short, &options);
        }
        let mut elsewhere = fc.clone();
        elsewhere.floor = 9;
        assert!(rssi_map(&scene, &elsewhere, &options).width() > 0);
        let map = CoverageMap::filled(fc.rssi.grid, f32::NAN);
        let _ = scalar_map(&scene, 0, &map, &ColorScale::delta_db(10.0), &options);
        let _ = scalar_map(&scene, 5, &map, &ColorScale::delta_db(10.0), &options);
    }

    #[test]
    fn empty_scenes_and_huge_plans_are_bounded() {
        // No walls, rooms or APs.
        let (scene, coverage) = simulated("format = 1\n[[floors]]\nid = \"empty\"\n");
        let options = RenderOptions::for_floor(&scene, 0, "empty");
        let image = rssi_map(&scene, &coverage.floors[0], &options);
        assert!(image.width() > 0 && image.height() > 0);
        // A 3 km long wall: the plan shrinks to fit.
        let (scene, coverage) = {
            let text = "format = 1\n[defaults]\nresolution = 4.0\n[[floors]]\nid = \"long\"\nwalls = [{ points = [[0, 0], [3000, 0]], material = \"brick\", thickness = 0.2 }]\n";
            simulated(text)
        };
        let options = RenderOptions::for_floor(&scene, 0, "long");
        assert_eq!(options.pixels_per_metre, 8.0);
        let image = server_map(&scene, &coverage.floors[0], &options);
        assert!(image.width() <= 2400 && image.height() <= 2400);
    }

    #[test]
    fn an_ap_keeps_its_colour_on_every_storey() {
        // Two storeys, 14 APs: more than the 12 palette colours, so colours
        // chosen per image would differ between storeys.
        let mut text = String::from("format = 1\n[defaults]\nresolution = 0.5\n");
        for (level, id) in ["f0", "f1"].iter().enumerate() {
            text += &format!(
                "[[floors]]\nid = \"{id}\"\nelevation = {}\nheight = 3.0\nwalls = [{{ points = [[0, 0], [42, 0], [42, 6], [0, 6], [0, 0]], material = \"brick\", thickness = 0.2 }}]\n",
                3.3 * level as f64
            );
        }
        for i in 0..14 {
            let floor = if i < 7 { "f0" } else { "f1" };
            let x = 3.0 + 6.0 * (i % 7) as f64 + if i < 7 { 0.0 } else { 1.0 };
            text += &format!("[[aps]]\nid = \"A{i}\"\nfloor = \"{floor}\"\nposition = [{x}, 3.0]\ntx_power_dbm = 5\n");
        }
        let (scene, coverage) = simulated(&text);
        let colours = ap_colours(&scene, &coverage);
        for fc in &coverage.floors {
            let mut options = RenderOptions::for_floor(&scene, fc.floor, "t");
            options.ap_colours = colours.clone();
            let image = server_map(&scene, fc, &options);
            let (_, view) = rssi_view(&scene, fc, &options);
            for (a, ap) in scene.aps.iter().enumerate().filter(|(_, ap)| ap.floor == fc.floor) {
                // A cell beside the AP (the marker covers the AP itself).
                let p = centre_near(&fc.rssi.grid, Point2::new(ap.position.x, ap.position.y - 2.0));
                let cell = fc.rssi.grid.cell_of(p).map(|(c, r)| r * fc.rssi.grid.width + c).unwrap();
                assert_eq!(fc.server[cell] as usize, a, "{} serves beside itself", ap.id);
                assert_eq!(pixel(&image, &view, p), colours[a], "{} on {}", ap.id, scene.floors[fc.floor].id);
            }
        }
        // APs whose areas touch on any storey differ.
        let mut touching = vec![Vec::new(); scene.aps.len()];
        for fc in &coverage.floors {
            touching_servers(&fc.server, fc.rssi.grid, &mut touching);
        }
        for (a, list) in touching.iter().enumerate() {
            assert!(list.iter().all(|&b| colours[a] != colours[b]), "A{a} shares a colour with a neighbour");
        }
    }

    #[test]
    fn three_classes_follow_the_requirement() {
        assert_eq!(cell_class(-60.0, 25.0, -67.0, 20.0), 0);
        assert_eq!(cell_class(-60.0, 12.0, -67.0, 20.0), 1, "signal but SINR short: marginal");
        assert_eq!(cell_class(-70.0, 30.0, -67.0, 20.0), 1, "3 dB short: marginal");
        assert_eq!(cell_class(-75.0, 30.0, -67.0, 20.0), 2);
        let (scene, coverage) = simulated(PLAN);
        let fc = &coverage.floors[0];
        let options = RenderOptions::for_floor(&scene, 0, "t");
        let image = class_map(&scene, fc, &options);
        let (_, view) = rssi_view(&scene, fc, &options);
        let near_a = centre_near(&fc.rssi.grid, Point2::new(2.0, 2.0));
        assert_eq!(pixel(&image, &view, near_a), CLASS_COLOURS[0]);
    }

    #[test]
    fn labels_never_overlap_each_other_or_the_markers() {
        // Four APs a metre apart in one small room, and a room name where
        // they are: every label finds its own place.
        let mut text = PLAN.replace("id = \"B\"\nposition = [10, 4.5]", "id = \"B\"\nposition = [4, 3]");
        for (i, x) in [(3, 3.5), (4, 2.5)] {
            text += &format!("[[aps]]\nid = \"Long-name-AP-{i}\"\nposition = [{x}, 3.2]\nchannel = 40\n");
        }
        let scene = scene_from(&text);
        let floor = &scene.floors[0];
        let options = RenderOptions::for_floor(&scene, 0, "t");
        let frame =
            rssi_frame(&scene, &simulate(&scene, &MultiWall, 0.25, &|_, _| {}).unwrap().floors[0], &options).unwrap();
        let view = frame.layout(&options).view;
        let aps = overlay::ApMarks::layout(&scene, 0, &view);
        let marks = vec![Some(RoomMark { text: "100 % ok".into(), met: true }); floor.rooms.len()];
        let rooms = overlay::room_labels(&view, floor, &aps, &marks);
        let mut boxes: Vec<overlay::PixelBox> = aps.label_boxes();
        boxes.extend(rooms.iter().map(|r| r.bbox));
        let apart = |a: overlay::PixelBox, b: overlay::PixelBox| a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
        for (i, &a) in boxes.iter().enumerate() {
            for &b in &boxes[i + 1..] {
                assert!(apart(a, b), "{a:?} overlaps {b:?}");
            }
        }
        // No label covers a marker but its own.
        let markers: Vec<overlay::PixelBox> = aps.boxes().step_by(2).collect();
        for label in rooms.iter().map(|r| r.bbox).chain(aps.label_boxes()) {
            assert!(markers.iter().all(|&m| apart(label, m)), "{label:?} covers a marker");
        }
        assert!(rooms.iter().all(|r| r.mark.as_ref().is_some_and(|(t, _)| t.contains('%'))));
    }

    #[test]
    fn excluded_rooms_are_hatched_grey() {
        let text = PLAN.replace(r#"{ name = "East", polygon"#, r#"{ name = "East", exclude = true, polygon"#);
        let (scene, coverage) = simulated(&text);
        let fc = &coverage.floors[0];
        let options = RenderOptions::for_floor(&scene, 0, "t");
        let image = rssi_map(&scene, fc, &options);
        let (_, view) = rssi_view(&scene, fc, &options);
        let (x, y) = view.pixel_of(centre_near(&fc.rssi.grid, Point2::new(8.0, 1.0)));
        let found: Vec<Rgb> = (0..7).map(|dx| image.get_pixel(x as u32 + dx, y as u32).0).collect();
        assert!(found.iter().all(|c| *c == EXCLUDED.at(0, 1) || *c == EXCLUDED.at(0, 0)), "{found:?}");
    }
}
