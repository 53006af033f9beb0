//! The plan on the raster: the world → pixel mapping, the heatmap fill, the
//! walls with their openings, room outlines and names, and the AP markers.
//!
//! Heatmap and walls are written pixel by pixel into the RGB buffer (each
//! pixel asks "which cell am I in" and "am I inside a wall's body"), so the
//! two use exactly the same mapping and cannot drift apart. A wall's body is
//! the set of points within half its thickness of its centreline, the test
//! [`crate::scene::SceneFloor::inside_wall`] uses to blank cells, so walls
//! cover the cells the engine left `NaN`. Lines, markers and text go on top
//! through plotters.

use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

use super::colormap::Rgb;
use super::legend::{self, Font, TextAnchor};
use super::paint::{CellPaint, Raster};
use crate::floorplan::OpeningKind;
use crate::geometry::{point_in_polygon, polygon_signed_area, Aabb2, Point2};
use crate::propagation::grid::GridSpec;
use crate::propagation::mask::{classify, reachable_from_border, NO_ROOM};
use crate::scene::{Scene, SceneFloor, WallSegment};

/// Door leaves.
pub const DOOR: Rgb = [176, 112, 48];
/// Window panes.
pub const WINDOW: Rgb = [168, 216, 244];
/// The line drawn along a window's centreline.
pub const WINDOW_LINE: Rgb = [60, 120, 170];
/// Background of the image and of the plan outside the grid.
pub const BACKGROUND: Rgb = [255, 255, 255];

/// Wall colours by material class, darkest for the heaviest.
pub mod wall_class {
    use super::Rgb;
    /// Masonry, concrete, brick, stone and anything unrecognised.
    pub const MASONRY: (Rgb, &str) = ([62, 62, 62], "masonry / concrete");
    /// Metal, elevator shafts, metal doors.
    pub const METAL: (Rgb, &str) = ([44, 58, 84], "metal");
    /// Plasterboard and ceiling board partitions.
    pub const LIGHT: (Rgb, &str) = ([128, 128, 128], "plasterboard");
    /// Timber, plywood, chipboard.
    pub const WOOD: (Rgb, &str) = ([122, 96, 70], "wood");
    /// Glass partitions and glazed façades.
    pub const GLASS: (Rgb, &str) = ([92, 148, 184], "glass");
}

/// The colour and legend name of a wall material, by its name: the built-in
/// library's names (and user names built from them, such as
/// `reinforced_concrete`) fall into five classes.
pub fn wall_colour(material_name: &str) -> (Rgb, &'static str) {
    let name = material_name.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["glass", "glazing", "window"]) {
        wall_class::GLASS
    } else if has(&["metal", "steel", "elevator", "alumin", "iron"]) {
        wall_class::METAL
    } else if has(&["plaster", "gypsum", "ceiling_board", "drywall"]) {
        wall_class::LIGHT
    } else if has(&["wood", "timber", "plywood", "chipboard", "floorboard"]) {
        wall_class::WOOD
    } else {
        wall_class::MASONRY
    }
}

/// Where the plan lands in the image: `pixels_per_metre` and the pixel
/// position of the world box's north-west corner. North is up: pixel y
/// grows southward.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanView {
    /// The world box drawn (the grid's extent).
    pub world: Aabb2,
    /// Scale, pixels per metre.
    pub pixels_per_metre: f64,
    /// Pixel x of the world box's west edge.
    pub left: f64,
    /// Pixel y of the world box's north edge.
    pub top: f64,
    /// Width of the plan area, pixels.
    pub width: u32,
    /// Height of the plan area, pixels.
    pub height: u32,
}

impl PlanView {
    /// Pixel coordinates (x right, y down, continuous: pixel `(i, j)`
    /// spans `[i, i+1) × [j, j+1)`) of a world point.
    pub fn to_pixel(&self, p: Point2) -> (f64, f64) {
        (
            self.left + (p.x - self.world.min.x) * self.pixels_per_metre,
            self.top + (self.world.max.y - p.y) * self.pixels_per_metre,
        )
    }

    /// The world point at the centre of pixel `(column, row)`.
    pub fn to_world(&self, column: u32, row: u32) -> Point2 {
        Point2::new(
            self.world.min.x + (column as f64 + 0.5 - self.left) / self.pixels_per_metre,
            self.world.max.y - (row as f64 + 0.5 - self.top) / self.pixels_per_metre,
        )
    }

    /// The integer pixel containing a world point (may be off the image).
    pub fn pixel_of(&self, p: Point2) -> (i32, i32) {
        let (x, y) = self.to_pixel(p);
        (clamp_i32(x.floor()), clamp_i32(y.floor()))
    }
}

/// `v` as an `i32`, saturating (and 0 for `NaN`).
pub fn clamp_i32(v: f64) -> i32 {
    if v.is_nan() {
        0
    } else {
        v.clamp(-1.0e9, 1.0e9) as i32
    }
}

/// What each cell of a storey's grid is, for painting.
#[derive(Clone, Debug)]
pub struct CellInfo {
    /// Room index per cell, or [`NO_ROOM`].
    pub room: Vec<u16>,
    /// Cell centre inside a wall.
    pub in_wall: Vec<bool>,
    /// Cell outside the building (reachable from the grid's border without
    /// crossing a wall) and in no room. All `false` on a storey with no
    /// enclosure, so that open scenes are not faded entirely.
    pub outside: Vec<bool>,
}

impl CellInfo {
    /// Classifies from a room index and wall flag per cell (as in the
    /// engine's [`crate::propagation::mask::CellMask`]).
    pub fn new(grid: &GridSpec, room: Vec<u16>, in_wall: Vec<bool>) -> CellInfo {
        let reachable = reachable_from_border(grid, &in_wall);
        let any_enclosed = reachable.iter().zip(&in_wall).any(|(&r, &w)| !r && !w);
        let outside = if any_enclosed {
            reachable.iter().zip(&room).map(|(&r, &room)| r && room == NO_ROOM).collect()
        } else {
            vec![false; grid.len()]
        };
        CellInfo { room, in_wall, outside }
    }

    /// Classifies a grid from the storey's geometry (for maps that come
    /// without the engine's mask), as the engine does. Cells whose value is
    /// `NaN` also count as walls.
    pub fn from_floor(floor: &SceneFloor, grid: &GridSpec, values: &[f32]) -> CellInfo {
        let (mut in_wall, room) = classify(floor, grid);
        for (i, wall) in in_wall.iter_mut().enumerate() {
            *wall |= values.get(i).is_none_or(|v| v.is_nan());
        }
        CellInfo::new(grid, room, in_wall)
    }
}

/// Fills the plan area with the cells' paints, nearest cell per pixel.
/// Pixels beyond the grid keep the background.
// PERF: rows in parallel; each pixel is independent, so the output does not
// depend on the thread count.
pub fn paint_heatmap(raster: &mut Raster, view: &PlanView, grid: &GridSpec, paints: &[CellPaint]) {
    let row_bytes = raster.width as usize * 3;
    if row_bytes == 0 || grid.width == 0 || grid.height == 0 || paints.len() < grid.len() {
        return;
    }
    let y0 = view.top.max(0.0) as usize;
    let y1 = ((view.top + view.height as f64).ceil().max(0.0) as usize).min(raster.height as usize);
    let x0 = view.left.max(0.0) as u32;
    let x1 = ((view.left + view.width as f64).ceil().max(0.0) as u32).min(raster.width);
    let inverse = 1.0 / grid.resolution;
    // The cell column of every pixel column, computed once.
    let columns: Vec<Option<usize>> = (x0..x1)
        .map(|x| {
            let column = ((view.to_world(x, 0).x - grid.origin.x) * inverse).floor();
            (column >= 0.0 && (column as usize) < grid.width).then_some(column as usize)
        })
        .collect();
    let Some(rows) = raster.data.get_mut(y0 * row_bytes..y1 * row_bytes) else { return };
    rows.par_chunks_mut(row_bytes).with_min_len(8).enumerate().for_each(|(k, line)| {
        let y = (y0 + k) as u32;
        let row = ((view.to_world(0, y).y - grid.origin.y) * inverse).floor();
        if !(row >= 0.0 && (row as usize) < grid.height) {
            return;
        }
        let cells = &paints[row as usize * grid.width..(row as usize + 1) * grid.width];
        let pixels = line[x0 as usize * 3..].chunks_exact_mut(3);
        for ((x, column), pixel) in (x0..x1).zip(&columns).zip(pixels) {
            if let Some(column) = *column {
                pixel.copy_from_slice(&cells[column].at(x, y));
            }
        }
    });
}

/// Draws every wall of a storey as its real footprint, then its doors
/// (brown), windows (light blue with a centreline) and empty openings
/// (the heatmap shows through, via `heat`). Walls thinner than 1.6 pixels
/// are drawn 1.6 pixels wide so they stay visible.
pub fn paint_walls(
    raster: &mut Raster,
    view: &PlanView,
    scene: &Scene,
    floor: &SceneFloor,
    heat: impl Fn(u32, u32) -> Rgb,
) {
    let colour_of = |wall: &WallSegment| {
        let name = scene.materials.try_get(wall.slab.material).map_or("", |m| m.name.as_str());
        wall_colour(name).0
    };
    for wall in &floor.walls {
        let colour = colour_of(wall);
        for_each_wall_pixel(raster, view, wall, (0.0, 1.0), |raster, x, y, _| raster.put(x, y, colour));
    }
    for wall in &floor.walls {
        for opening in &wall.openings {
            for_each_wall_pixel(raster, view, wall, opening.along, |raster, x, y, offset_px| {
                let c = match opening.kind {
                    OpeningKind::Door => DOOR,
                    OpeningKind::Window if offset_px < 0.75 => WINDOW_LINE,
                    OpeningKind::Window => WINDOW,
                    OpeningKind::Opening => heat(x as u32, y as u32),
                };
                raster.put(x, y, c);
            });
        }
    }
}

/// Calls `f(raster, x, y, offset_px)` for each pixel whose centre is in the
/// wall's body (within half its thickness of the centreline `a→b`) and
/// whose closest centreline point is at a fraction within `span` of the
/// way from `a` to `b`; `offset_px` is the distance to the centreline.
/// Works in pixel space, where the plan is only scaled and flipped.
// PERF: rows are scanned only over the x-range where the sub-segment's
// body can be, so long diagonal walls do not cost their bounding box.
fn for_each_wall_pixel(
    raster: &mut Raster,
    view: &PlanView,
    wall: &WallSegment,
    span: (f64, f64),
    mut f: impl FnMut(&mut Raster, i64, i64, f64),
) {
    let ppm = view.pixels_per_metre;
    let half = (wall.slab.thickness * ppm / 2.0).max(0.8);
    let (s0, s1) = (span.0.max(0.0), span.1.min(1.0));
    let a = view.to_pixel(wall.a);
    let b = view.to_pixel(wall.b);
    let d = (b.0 - a.0, b.1 - a.1);
    let length_sq = d.0 * d.0 + d.1 * d.1;
    let finite = [half, a.0, a.1, b.0, b.1, length_sq].iter().all(|v| v.is_finite());
    if !finite || s0.is_nan() || s1.is_nan() || s0 > s1 {
        return;
    }
    let at = |t: f64| (a.0 + t * d.0, a.1 + t * d.1);
    let (p0, p1) = (at(s0), at(s1));
    let (w, h) = (raster.width as f64, raster.height as f64);
    let y_from = (p0.1.min(p1.1) - half).floor().clamp(0.0, h) as i64;
    let y_to = (p0.1.max(p1.1) + half).ceil().clamp(0.0, h) as i64;
    for y in y_from..y_to {
        let yc = y as f64 + 0.5;
        // Part of the sub-segment within `half` of this row, vertically.
        let (xa, xb) = if (p1.1 - p0.1).abs() < 1e-9 {
            if (yc - p0.1).abs() > half {
                continue;
            }
            (p0.0, p1.0)
        } else {
            let ta = ((yc - half - p0.1) / (p1.1 - p0.1)).clamp(0.0, 1.0);
            let tb = ((yc + half - p0.1) / (p1.1 - p0.1)).clamp(0.0, 1.0);
            (p0.0 + ta * (p1.0 - p0.0), p0.0 + tb * (p1.0 - p0.0))
        };
        let x_from = (xa.min(xb) - half).floor().clamp(0.0, w) as i64;
        let x_to = (xa.max(xb) + half).ceil().clamp(0.0, w) as i64;
        for x in x_from..x_to {
            let xc = x as f64 + 0.5;
            let u = if length_sq > 0.0 { ((xc - a.0) * d.0 + (yc - a.1) * d.1) / length_sq } else { 0.0 };
            let u = u.clamp(0.0, 1.0);
            if u < s0 || u > s1 {
                continue;
            }
            let closest = at(u);
            let distance_sq = (xc - closest.0).powi(2) + (yc - closest.1).powi(2);
            if distance_sq <= half * half {
                f(raster, x, y, distance_sq.sqrt());
            }
        }
    }
}

/// Where a room's name goes: the area centroid of its outline (the box
/// centre for degenerate outlines).
pub fn room_label_point(polygon: &[Point2]) -> Option<Point2> {
    if polygon.is_empty() {
        return None;
    }
    let area = polygon_signed_area(polygon);
    if area.abs() > 1e-9 {
        let n = polygon.len();
        let (mut cx, mut cy) = (0.0, 0.0);
        for i in 0..n {
            let (a, b) = (polygon[i], polygon[(i + 1) % n]);
            let cross = a.x * b.y - b.x * a.y;
            cx += (a.x + b.x) * cross;
            cy += (a.y + b.y) * cross;
        }
        let c = Point2::new(cx / (6.0 * area), cy / (6.0 * area));
        if c.x.is_finite() && c.y.is_finite() {
            return Some(c);
        }
    }
    let bounds = polygon.iter().fold(Aabb2::EMPTY, |b, &p| b.including(p));
    let c = bounds.centre();
    (c.x.is_finite() && c.y.is_finite()).then_some(c)
}

/// A pixel rectangle `(x0, y0, x1, y1)`.
pub type PixelBox = (i32, i32, i32, i32);

fn overlaps(a: PixelBox, b: PixelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Size of AP markers (radius, pixels).
const AP_RADIUS: i32 = 9;

/// Length of the boresight arrow of a directional AP, from the marker's
/// centre to the arrow's tip, pixels.
const BORESIGHT_LENGTH: f64 = 40.0;

/// The APs of a storey as drawn: marker centre, label text, the boxes
/// they cover (for placing room names around them) and, for directional
/// antennas, the boresight's direction in pixels (unit, y down).
pub struct ApMarks {
    marks: Vec<ApMark>,
}

/// One AP as drawn: its index, marker centre, label text, label box and
/// boresight direction in pixels (directional antennas only).
type ApMark = (usize, (i32, i32), String, PixelBox, Option<(f64, f64)>);

/// The plan direction of a directional AP's boresight as a unit pixel
/// vector (north up, so pixel y is −north), or `None` for an antenna
/// without a boresight worth drawing (omni in azimuth) or one aimed
/// straight up or down.
fn boresight_pixels(ap: &crate::scene::AccessPoint) -> Option<(f64, f64)> {
    if !ap.antenna.is_directional() {
        return None;
    }
    let b = ap.antenna.boresight();
    let horizontal = b.x.hypot(b.y);
    (horizontal > 1e-6).then(|| (b.x / horizontal, -b.y / horizontal))
}

/// The tip of the boresight arrow and the two back corners of its head.
fn arrow_points((x, y): (i32, i32), (dx, dy): (f64, f64)) -> [(i32, i32); 3] {
    let (x, y) = (x as f64, y as f64);
    let tip = (x + dx * BORESIGHT_LENGTH, y + dy * BORESIGHT_LENGTH);
    let back = (x + dx * (BORESIGHT_LENGTH - 9.0), y + dy * (BORESIGHT_LENGTH - 9.0));
    let side = (-dy * 5.0, dx * 5.0);
    let round = |p: (f64, f64)| (p.0.round() as i32, p.1.round() as i32);
    [round(tip), round((back.0 + side.0, back.1 + side.1)), round((back.0 - side.0, back.1 - side.1))]
}

/// The box a marker covers.
fn marker_box((x, y): (i32, i32)) -> PixelBox {
    (x - AP_RADIUS - 2, y - AP_RADIUS - 2, x + AP_RADIUS + 2, y + AP_RADIUS + 2)
}

impl ApMarks {
    /// Lays out the markers of the APs on storey `floor`, and their labels
    /// where they overlap no marker and no other label: right of the
    /// marker, else left, above, below, then further up or down.
    pub fn layout(scene: &Scene, floor: usize, view: &PlanView) -> ApMarks {
        legend::ensure_fonts();
        let placed: Vec<(usize, (i32, i32))> = scene
            .aps
            .iter()
            .enumerate()
            .filter(|(_, ap)| ap.floor == floor && ap.position.x.is_finite() && ap.position.y.is_finite())
            .map(|(index, ap)| (index, view.pixel_of(ap.position.xy())))
            .collect();
        let mut taken: Vec<PixelBox> = placed.iter().map(|&(_, c)| marker_box(c)).collect();
        let marks = placed
            .into_iter()
            .map(|(index, centre)| {
                let ap = &scene.aps[index];
                let text = format!("{} \u{b7} ch {}", ap.id, ap.channel);
                let (w, h) = legend::text_size(&text, Font::LABEL_BOLD);
                let (bw, bh) = (w + 8, h + 6);
                let (cx, cy) = centre;
                let gap = AP_RADIUS + 3;
                let right = |dy: i32| (cx + gap, cy - bh / 2 + dy, cx + gap + bw, cy + bh - bh / 2 + dy);
                let left = |dy: i32| (cx - gap - bw, cy - bh / 2 + dy, cx - gap, cy + bh - bh / 2 + dy);
                let mut options = vec![
                    right(0),
                    left(0),
                    (cx - bw / 2, cy - gap - bh, cx + bw - bw / 2, cy - gap),
                    (cx - bw / 2, cy + gap, cx + bw - bw / 2, cy + gap + bh),
                ];
                for k in 1..=4 {
                    for dy in [-k * (bh + 2), k * (bh + 2)] {
                        options.push(right(dy));
                        options.push(left(dy));
                    }
                }
                let label =
                    options.iter().copied().find(|&b| !taken.iter().any(|&t| overlaps(b, t))).unwrap_or(options[0]);
                taken.push(label);
                (index, centre, text, label, boresight_pixels(ap))
            })
            .collect();
        ApMarks { marks }
    }

    /// Boxes covered by markers and labels.
    pub fn boxes(&self) -> impl Iterator<Item = PixelBox> + '_ {
        self.marks.iter().flat_map(|&(_, centre, _, label, boresight)| {
            let arrow = boresight.map(|direction| {
                let (x, y) = centre;
                let [tip, ..] = arrow_points((x, y), direction);
                (tip.0.min(x) - 6, tip.1.min(y) - 6, tip.0.max(x) + 6, tip.1.max(y) + 6)
            });
            [marker_box(centre), label].into_iter().chain(arrow)
        })
    }

    /// The label boxes alone, in AP order.
    pub fn label_boxes(&self) -> Vec<PixelBox> {
        self.marks.iter().map(|m| m.3).collect()
    }

    /// Draws markers (white disc, black ring, centre dot in `dot(ap index)`),
    /// labels on white boxes with a short line from a label that is not
    /// beside its marker and, on directional APs, an arrow along the
    /// boresight (drawn last, so a label does not hide it).
    pub fn draw(&self, area: &DrawingArea<BitMapBackend, Shift>, dot: impl Fn(usize) -> Rgb) {
        for (index, (x, y), _, label, _) in &self.marks {
            let (x, y) = (*x, *y);
            let (lx, ly) = ((label.0 + label.2) / 2, (label.1 + label.3) / 2);
            if (ly - y).abs() > AP_RADIUS + (label.3 - label.1) {
                let anchor = (if lx < x { label.2 } else { label.0 }, ly);
                let _ = area.draw(&PathElement::new(vec![(x, y), anchor], BLACK.stroke_width(1)));
            }
            let _ = area.draw(&Circle::new((x, y), AP_RADIUS, WHITE.filled()));
            let _ = area.draw(&Circle::new((x, y), AP_RADIUS, BLACK.stroke_width(2)));
            let c = dot(*index);
            let _ = area.draw(&Circle::new((x, y), AP_RADIUS - 4, RGBColor(c[0], c[1], c[2]).filled()));
        }
        for (_, _, text, label, _) in &self.marks {
            let _ = area.draw(&Rectangle::new([(label.0, label.1), (label.2, label.3)], WHITE.mix(0.85).filled()));
            let _ = area.draw(&Rectangle::new([(label.0, label.1), (label.2, label.3)], BLACK.stroke_width(1)));
            legend::text(area, text, (label.0 + 4, (label.1 + label.3) / 2), Font::LABEL_BOLD, TextAnchor::Left);
        }
        for (_, centre, _, _, boresight) in &self.marks {
            let Some(direction) = *boresight else { continue };
            let [tip, left, right] = arrow_points(*centre, direction);
            let start = (
                centre.0 + (direction.0 * AP_RADIUS as f64).round() as i32,
                centre.1 + (direction.1 * AP_RADIUS as f64).round() as i32,
            );
            let shaft_end = ((left.0 + right.0) / 2, (left.1 + right.1) / 2);
            // A white halo under the black arrow keeps it readable on any
            // colour of the heatmap.
            let _ = area.draw(&PathElement::new(vec![start, shaft_end], WHITE.stroke_width(5)));
            let _ = area.draw(&Polygon::new(vec![tip, left, right], WHITE.filled()));
            let _ = area.draw(&PathElement::new(vec![start, shaft_end], BLACK.stroke_width(3)));
            let _ = area.draw(&Polygon::new(vec![tip, left, right], BLACK.filled()));
        }
    }
}

/// A room's label as laid out: its lines and the box they fill.
#[derive(Clone, Debug, PartialEq)]
pub struct RoomLabel {
    /// Room index on the storey.
    pub room: usize,
    /// The name, shortened or smaller where the room is narrow.
    pub name: (String, Font),
    /// The result line under the name (coverage and verdict), if any, and
    /// whether the room meets its requirement.
    pub mark: Option<(String, bool)>,
    /// Pixel box.
    pub bbox: PixelBox,
}

/// Lays out the rooms' names (and result lines) at their centroids, each
/// moved up or down, then sideways, until it overlaps no AP marker or label
/// and no other room label, preferring places inside its room. The name is
/// shortened (without "(excluded)") or made smaller when the room is too
/// narrow for it.
pub fn room_labels(
    view: &PlanView,
    floor: &SceneFloor,
    aps: &ApMarks,
    marks: &[Option<super::RoomMark>],
) -> Vec<RoomLabel> {
    legend::ensure_fonts();
    let mut taken: Vec<PixelBox> = aps.boxes().collect();
    let mut labels = Vec::new();
    for (r, room) in floor.rooms.iter().enumerate() {
        let Some(centre) = room_label_point(&room.polygon) else { continue };
        let room_px = room.bounds.extent().x * view.pixels_per_metre;
        let mut variants = Vec::new();
        if room.exclude {
            variants.push((format!("{} (excluded)", room.name), Font::ROOM));
        }
        variants.push((room.name.clone(), Font::ROOM));
        variants.push((room.name.clone(), Font::ROOM_SMALL));
        let fits = |(text, font): &(String, Font)| f64::from(legend::text_size(text, *font).0) + 8.0 <= room_px;
        let (name, font) = variants.iter().find(|v| fits(v)).unwrap_or(&variants[variants.len() - 1]).clone();
        let mark = marks.get(r).cloned().flatten().map(|m| (m.text, m.met));
        let (nw, nh) = legend::text_size(&name, font);
        let (mw, mh) = mark.as_ref().map_or((0, 0), |(text, _)| legend::text_size(text, Font::ROOM_SMALL));
        let (w, h) = (nw.max(mw), nh + if mark.is_some() { mh + 2 } else { 0 });
        let (cx, cy) = view.pixel_of(centre);
        let label_box = |(x, y): (i32, i32)| (x - w / 2 - 3, y - h / 2 - 2, x + w - w / 2 + 3, y + h - h / 2 + 2);
        let step = h + 8;
        let mut spots: Vec<(i32, i32)> = [0, -1, 1, -2, 2, -3, 3].iter().map(|k| (cx, cy + k * step)).collect();
        for dx in [w + 12, -(w + 12)] {
            spots.extend([0, -1, 1].iter().map(|k| (cx + dx, cy + k * step)));
        }
        let inside =
            |(x, y): (i32, i32)| point_in_polygon(view.to_world(x.max(0) as u32, y.max(0) as u32), &room.polygon);
        let free = |spot: &(i32, i32)| !taken.iter().any(|&t| overlaps(label_box(*spot), t));
        let spot = spots
            .iter()
            .copied()
            .find(|s| free(s) && inside(*s))
            .or_else(|| spots.iter().copied().find(free))
            .unwrap_or((cx, cy));
        let bbox = label_box(spot);
        taken.push(bbox);
        labels.push(RoomLabel { room: r, name: (name, font), mark, bbox });
    }
    labels
}

/// Writes each room's label ([`room_labels`]): the name, and the result
/// line in green (met) or red (not met), on a light box.
pub fn draw_room_names(
    area: &DrawingArea<BitMapBackend, Shift>,
    view: &PlanView,
    floor: &SceneFloor,
    aps: &ApMarks,
    marks: &[Option<super::RoomMark>],
) {
    for label in room_labels(view, floor, aps, marks) {
        let b = label.bbox;
        let _ = area.draw(&Rectangle::new([(b.0, b.1), (b.2, b.3)], WHITE.mix(0.75).filled()));
        let cx = (b.0 + b.2) / 2;
        let (name, font) = &label.name;
        let (_, nh) = legend::text_size(name, *font);
        legend::text(area, name, (cx, b.1 + 2 + nh / 2), *font, TextAnchor::Centre);
        if let Some((text, met)) = &label.mark {
            let colour = if *met { [0, 110, 60] } else { [190, 30, 20] };
            let font = Font { colour, ..Font::ROOM_SMALL };
            let (_, mh) = legend::text_size(text, font);
            legend::text(area, text, (cx, b.1 + 4 + nh + mh / 2), font, TextAnchor::Centre);
        }
    }
}

/// Outlines every room with a thin black line (drawn before the walls, so
/// that walls cover it where a room's edge is a wall face).
pub fn draw_room_outlines(area: &DrawingArea<BitMapBackend, Shift>, view: &PlanView, floor: &SceneFloor) {
    for room in &floor.rooms {
        if room.polygon.len() < 2 {
            continue;
        }
        let mut points: Vec<(i32, i32)> = room.polygon.iter().map(|&p| view.pixel_of(p)).collect();
        points.push(points[0]);
        let _ = area.draw(&PathElement::new(points, BLACK.stroke_width(1)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> PlanView {
        PlanView {
            world: Aabb2::from_points(Point2::new(-1.0, -2.0), Point2::new(9.0, 8.0)),
            pixels_per_metre: 10.0,
            left: 20.0,
            top: 50.0,
            width: 100,
            height: 100,
        }
    }

    fn test_ap() -> crate::scene::AccessPoint {
        let band = crate::radio::Band::Ghz5;
        crate::scene::AccessPoint {
            id: "ap".into(),
            floor: 0,
            position: crate::geometry::Point3::origin(),
            band,
            channel: 36,
            channel_width: 20,
            frequency: crate::radio::centre_frequency(band, 36),
            tx_power_dbm: 20.0,
            antenna_gain_dbi: 0.0,
            channel_given: true,
            fixed: true,
            antenna: crate::antenna::Antenna::isotropic(0.0),
        }
    }

    #[test]
    fn boresight_arrow_points_along_the_azimuth() {
        // East (azimuth 90): the tip is to the right of the centre, on its
        // row; north (azimuth 0): above it (pixel y grows downwards).
        let arrow = |azimuth: f64| {
            let mut ap = test_ap();
            ap.antenna =
                crate::antenna::Antenna::new(crate::antenna::catalogue::get("patch_60").unwrap(), azimuth, 20.0, None);
            arrow_points((100, 100), boresight_pixels(&ap).expect("a patch has a boresight"))[0]
        };
        assert_eq!(arrow(90.0), (100 + BORESIGHT_LENGTH as i32, 100));
        assert_eq!(arrow(0.0), (100, 100 - BORESIGHT_LENGTH as i32));
        let mut omni = test_ap();
        omni.antenna =
            crate::antenna::Antenna::new(crate::antenna::catalogue::get("ceiling_ap").unwrap(), 90.0, 0.0, None);
        assert!(boresight_pixels(&omni).is_none());
    }

    #[test]
    fn north_is_up_and_mapping_round_trips() {
        let v = view();
        // The north-west corner of the world box is the plan's top-left.
        assert_eq!(v.to_pixel(Point2::new(-1.0, 8.0)), (20.0, 50.0));
        // One metre north is 10 pixels up.
        let (_, y_south) = v.to_pixel(Point2::new(0.0, 0.0));
        let (_, y_north) = v.to_pixel(Point2::new(0.0, 1.0));
        assert_eq!(y_south - y_north, 10.0);
        let p = v.to_world(45, 77);
        assert_eq!(v.pixel_of(p), (45, 77));
    }

    #[test]
    fn enclosure_finds_the_inside_of_a_ring() {
        // 5 × 5 grid, wall ring on the border of the inner 3 × 3.
        let grid = GridSpec { origin: Point2::new(0.0, 0.0), resolution: 1.0, width: 5, height: 5 };
        let mut in_wall = vec![false; 25];
        for i in 1..4 {
            for j in 1..4 {
                if i != 2 || j != 2 {
                    in_wall[j * 5 + i] = true;
                }
            }
        }
        let info = CellInfo::new(&grid, vec![NO_ROOM; 25], in_wall);
        assert!(!info.outside[12], "the centre is inside");
        assert!(info.outside[0] && info.outside[24]);
        // With no enclosure, nothing is faded.
        let open = CellInfo::new(&grid, vec![NO_ROOM; 25], vec![false; 25]);
        assert!(open.outside.iter().all(|&o| !o));
    }

    #[test]
    fn material_classes() {
        assert_eq!(wall_colour("stone_masonry"), wall_class::MASONRY);
        assert_eq!(wall_colour("coated_glass"), wall_class::GLASS);
        assert_eq!(wall_colour("elevator_shaft"), wall_class::METAL);
        assert_eq!(wall_colour("plasterboard"), wall_class::LIGHT);
        assert_eq!(wall_colour("ceiling_board"), wall_class::LIGHT);
        assert_eq!(wall_colour("plywood"), wall_class::WOOD);
    }

    #[test]
    fn centroid_of_a_rectangle() {
        let square = [Point2::new(0.0, 0.0), Point2::new(4.0, 0.0), Point2::new(4.0, 2.0), Point2::new(0.0, 2.0)];
        let c = room_label_point(&square).unwrap();
        assert!((c.x - 2.0).abs() < 1e-12 && (c.y - 1.0).abs() < 1e-12);
        assert!(room_label_point(&[]).is_none());
        let line = [Point2::new(0.0, 0.0), Point2::new(2.0, 0.0)];
        assert_eq!(room_label_point(&line), Some(Point2::new(1.0, 0.0)));
    }
}
