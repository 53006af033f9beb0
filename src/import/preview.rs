//! The import preview: the source's own lines in grey, the walls found in
//! colour (one colour per material) at their thickness, and openings in
//! green, so the user sees at a glance what the importer understood.
//! Rendering is pure; the CLI writes the PNG.

use image::{Rgb, RgbImage};

use super::walls::{point_segment_distance, WallSegment};
use super::Drawing;
use crate::floorplan::{FloorPlan, PlanPoint};

/// Longest side of the preview, pixels.
const MAX_SIDE: f64 = 1600.0;
/// Margin around the drawing, m.
const MARGIN: f64 = 1.0;

/// Maps plan metres to image pixels.
#[derive(Clone, Copy, Debug)]
struct View {
    left: f64,
    top: f64,
    px_per_m: f64,
}

impl View {
    fn to_px(self, p: PlanPoint) -> [f64; 2] {
        [(p[0] - self.left) * self.px_per_m, (self.top - p[1]) * self.px_per_m]
    }
}

/// Renders the preview of a vector import: the source lines (grey) under
/// the plan's walls and openings.
pub fn render(drawing: &Drawing, plan: &FloorPlan) -> RgbImage {
    let points =
        drawing.source_lines.iter().flat_map(|l| [l[0], l[1]]).chain(drawing.walls.iter().flat_map(|w| [w.a, w.b]));
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in points {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    if !lo[0].is_finite() {
        (lo, hi) = ([0.0; 2], [1.0; 2]);
    }
    let (width_m, height_m) = (hi[0] - lo[0] + 2.0 * MARGIN, hi[1] - lo[1] + 2.0 * MARGIN);
    let px_per_m = (MAX_SIDE / width_m.max(height_m)).min(100.0);
    let view = View { left: lo[0] - MARGIN, top: hi[1] + MARGIN, px_per_m };
    let size = |m: f64| ((m * px_per_m).ceil() as u32).clamp(16, MAX_SIDE as u32 + 2);
    let mut image = RgbImage::from_pixel(size(width_m), size(height_m), Rgb([255, 255, 255]));
    for line in &drawing.source_lines {
        stroke(&mut image, view, line[0], line[1], 1.0, Rgb([170, 170, 170]));
    }
    draw_plan(&mut image, view, plan);
    image
}

/// Renders the preview of a raster import: the plan's walls and openings
/// over the source image (plan y = 0 at the image's bottom edge).
pub fn render_over(background: &super::raster::Background, plan: &FloorPlan) -> RgbImage {
    let mut image = background.image.clone();
    // Fade the scan so the walls stand out.
    for pixel in image.pixels_mut() {
        for c in pixel.0.iter_mut() {
            *c = 255 - (255 - *c) / 2;
        }
    }
    let view = View { left: 0.0, top: image.height() as f64 / background.px_per_m, px_per_m: background.px_per_m };
    draw_plan(&mut image, view, plan);
    image
}

/// Draws the plan's walls (colour by material, at their thickness, at
/// least 2 px) and openings (green) on `image`.
fn draw_plan(image: &mut RgbImage, view: View, plan: &FloorPlan) {
    let Some(floor) = plan.floors.first() else { return };
    let mut materials: Vec<&str> = floor.walls.iter().map(|w| w.material.as_str()).collect();
    materials.sort_unstable();
    materials.dedup();
    for wall in &floor.walls {
        let index = materials.iter().position(|m| *m == wall.material).unwrap_or(0);
        let colour = PALETTE[index % PALETTE.len()];
        let width = (wall.thickness * view.px_per_m).max(2.0);
        for pair in wall.points.windows(2) {
            stroke(image, view, pair[0], pair[1], width, colour);
        }
    }
    for opening in &floor.openings {
        let thickness =
            floor.walls.iter().find(|w| w.id.as_deref() == Some(&opening.wall)).map_or(0.2, |w| w.thickness);
        let width = (thickness * view.px_per_m + 2.0).max(4.0);
        stroke(image, view, opening.at[0], opening.at[1], width, Rgb([0, 160, 60]));
    }
}

/// Wall colours, one per material in name order.
const PALETTE: [Rgb<u8>; 6] = [
    Rgb([200, 30, 30]),
    Rgb([30, 80, 200]),
    Rgb([200, 120, 0]),
    Rgb([140, 40, 160]),
    Rgb([0, 140, 140]),
    Rgb([90, 60, 20]),
];

/// Paints the pixels within `width / 2` of the segment `a–b` (plan metres).
fn stroke(image: &mut RgbImage, view: View, a: PlanPoint, b: PlanPoint, width: f64, colour: Rgb<u8>) {
    let (pa, pb) = (view.to_px(a), view.to_px(b));
    let half = (width / 2.0).max(0.5);
    let (w, h) = (image.width() as f64, image.height() as f64);
    let x0 = (pa[0].min(pb[0]) - half).floor().max(0.0);
    let x1 = (pa[0].max(pb[0]) + half).ceil().min(w - 1.0);
    let y0 = (pa[1].min(pb[1]) - half).floor().max(0.0);
    let y1 = (pa[1].max(pb[1]) + half).ceil().min(h - 1.0);
    if x0 > x1 || y0 > y1 {
        return;
    }
    for y in y0 as u32..=y1 as u32 {
        for x in x0 as u32..=x1 as u32 {
            let centre = [x as f64 + 0.5, y as f64 + 0.5];
            if point_segment_distance(centre, pa, pb) <= half {
                image.put_pixel(x, y, colour);
            }
        }
    }
}

/// The walls' bounding box, m: `([min x, min y], [max x, max y])`.
pub fn bounds(walls: &[WallSegment]) -> Option<(PlanPoint, PlanPoint)> {
    let mut points = walls.iter().flat_map(|w| [w.a, w.b]);
    let first = points.next()?;
    Some(
        points.fold((first, first), |(lo, hi), p| {
            ([lo[0].min(p[0]), lo[1].min(p[1])], [hi[0].max(p[0]), hi[1].max(p[1])])
        }),
    )
}
