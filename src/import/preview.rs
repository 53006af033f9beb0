//! The import preview: the source's own lines in grey (or the faded scan),
//! the walls found in colour (one colour per material) at their thickness,
//! doors in green and windows in cyan, over a metre grid, with axes in the
//! plan's metres and a legend, so the user sees at a glance what the
//! importer understood and can read coordinates off it to check the scale.
//! Rendering is pure; the CLI writes the PNG.

use image::{Rgb, RgbImage};
use plotters::prelude::*;

use super::walls::point_segment_distance;
use super::Drawing;
use crate::floorplan::{FloorPlan, OpeningKind, PlanPoint};
use crate::render::legend::{self, Font, TextAnchor, ROW, SWATCH};

/// Longest side of the plot, pixels.
const MAX_SIDE: f64 = 1600.0;
/// Margin around the drawing, m.
const MARGIN: f64 = 1.0;
/// Room left of the plot for the y axis's labels, pixels.
const AXIS_LEFT: u32 = 72;
/// Room below the plot for the x axis's labels and title, pixels.
const AXIS_BOTTOM: u32 = 56;
/// Room above the plot for the y axis's title, pixels.
const PAD_TOP: u32 = 32;
/// Width of the legend right of the plot, pixels.
const LEGEND_WIDTH: u32 = 290;
/// Labelled grid lines at least this far apart, pixels (a five-digit
/// label is about 45 px wide).
const MIN_LABELLED_PX: f64 = 50.0;
/// Unlabelled metre lines are drawn between labelled ones when at least
/// this far apart, pixels.
const MIN_METRE_PX: f64 = 8.0;

/// Colour of the labelled grid lines (a light blue, unlike the source's
/// grey lines).
const GRID: Rgb<u8> = Rgb([175, 195, 225]);
/// Colour of the metre lines between labelled ones.
const GRID_METRE: Rgb<u8> = Rgb([222, 230, 242]);
/// Colour of the source drawing's lines.
const SOURCE: Rgb<u8> = Rgb([170, 170, 170]);
/// Colour of doors.
const DOOR: Rgb<u8> = Rgb([0, 160, 60]);
/// Colour of windows.
const WINDOW: Rgb<u8> = Rgb([0, 175, 230]);
/// The paper.
const WHITE_PX: Rgb<u8> = Rgb([255, 255, 255]);

/// Maps plan metres to plot pixels.
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

/// What lies under the walls: the drawing's lines or the faded scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backdrop {
    Lines,
    Scan,
}

/// The view of a vector import: every source line and wall, with
/// [`MARGIN`] around, the longer side [`MAX_SIDE`] pixels (at most
/// 100 px/m), and the plot's size in pixels.
fn vector_view(drawing: &Drawing) -> (View, [u32; 2]) {
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
    let size = |m: f64| ((m * px_per_m).ceil() as u32).clamp(16, MAX_SIDE as u32 + 2);
    (View { left: lo[0] - MARGIN, top: hi[1] + MARGIN, px_per_m }, [size(width_m), size(height_m)])
}

/// Renders the preview of a vector import: the source lines (grey) under
/// the plan's walls and openings, framed by axes and a legend.
pub fn render(drawing: &Drawing, plan: &FloorPlan) -> RgbImage {
    let (view, [width, height]) = vector_view(drawing);
    let mut image = RgbImage::from_pixel(width, height, WHITE_PX);
    draw_grid(&mut image, view);
    for line in &drawing.source_lines {
        stroke(&mut image, view, line[0], line[1], 1.0, SOURCE);
    }
    draw_plan(&mut image, view, plan);
    frame(&image, view, plan, Backdrop::Lines)
}

/// Renders the preview of a raster import: the plan's walls and openings
/// over the source image (plan y = 0 at the image's bottom edge), framed
/// by axes and a legend.
pub fn render_over(background: &super::raster::Background, plan: &FloorPlan) -> RgbImage {
    let mut image = background.image.clone();
    // Fade the scan so the walls stand out.
    for pixel in image.pixels_mut() {
        for c in pixel.0.iter_mut() {
            *c = 255 - (255 - *c) / 2;
        }
    }
    let view = View { left: 0.0, top: image.height() as f64 / background.px_per_m, px_per_m: background.px_per_m };
    draw_grid(&mut image, view);
    draw_plan(&mut image, view, plan);
    frame(&image, view, plan, Backdrop::Scan)
}

/// Metres between labelled grid lines: the shortest of 1, 2, 5, 10, 20,
/// … m whose lines stand [`MIN_LABELLED_PX`] apart.
fn grid_step(px_per_m: f64) -> f64 {
    if !(px_per_m.is_finite() && px_per_m > 0.0) {
        return 1.0;
    }
    let mut step = 1.0;
    for multiplier in [2.0, 2.5, 2.0].iter().cycle() {
        if step * px_per_m >= MIN_LABELLED_PX || step >= 1e9 {
            break;
        }
        step *= multiplier;
    }
    step
}

/// Multiples of `step` metres within `[from, to]`.
fn grid_values(from: f64, to: f64, step: f64) -> impl Iterator<Item = f64> {
    let first = (from / step).ceil() as i64;
    let last = (to / step).floor() as i64;
    // A forced import of a huge drawing never gives more lines than pixels.
    (first..=last.min(first.saturating_add(10_000))).map(move |k| k as f64 * step)
}

/// Paints the grid on the plot's light pixels (white paper, the faded
/// scan's background): a line at every metre when they stand
/// [`MIN_METRE_PX`] apart, and darker labelled lines every
/// [`grid_step`] m.
fn draw_grid(image: &mut RgbImage, view: View) {
    let (width, height) = image.dimensions();
    let right = view.left + width as f64 / view.px_per_m;
    let bottom = view.top - height as f64 / view.px_per_m;
    let step = grid_step(view.px_per_m);
    let mut vertical = Vec::new();
    let mut horizontal = Vec::new();
    for (spacing, colour) in [(1.0, GRID_METRE), (step, GRID)] {
        if spacing * view.px_per_m < MIN_METRE_PX {
            continue;
        }
        vertical.extend(grid_values(view.left, right, spacing).map(|x| (view.to_px([x, 0.0])[0], colour)));
        horizontal.extend(grid_values(bottom, view.top, spacing).map(|y| (view.to_px([0.0, y])[1], colour)));
    }
    // Metre lines first: labelled lines may cover them, ink may not be.
    let light = |p: &Rgb<u8>| *p == GRID_METRE || p.0.iter().all(|&c| c >= 235);
    for (px, colour) in vertical {
        let x = px.floor();
        if x < 0.0 || x >= width as f64 {
            continue;
        }
        for y in 0..height {
            if light(image.get_pixel(x as u32, y)) {
                image.put_pixel(x as u32, y, colour);
            }
        }
    }
    for (px, colour) in horizontal {
        let y = px.floor();
        if y < 0.0 || y >= height as f64 {
            continue;
        }
        for x in 0..width {
            if light(image.get_pixel(x, y as u32)) {
                image.put_pixel(x, y as u32, colour);
            }
        }
    }
}

/// A legend entry's swatch.
#[derive(Clone, Copy, Debug)]
enum Swatch {
    /// A filled square.
    Fill(Rgb<u8>),
    /// A line across the square.
    Line(Rgb<u8>),
}

/// The legend: what each colour of the plot means, with counts.
fn legend_entries(plan: &FloorPlan, backdrop: Backdrop, step: f64) -> Vec<(Swatch, String)> {
    let mut entries = vec![match backdrop {
        Backdrop::Lines => (Swatch::Line(SOURCE), "lines of the drawing".to_owned()),
        Backdrop::Scan => (Swatch::Fill(Rgb([200, 200, 200])), "the scan, faded".to_owned()),
    }];
    let Some(floor) = plan.floors.first() else { return entries };
    for (index, material) in materials(plan).iter().enumerate() {
        let count = floor.walls.iter().filter(|w| w.material == *material).count();
        let colour = PALETTE[index % PALETTE.len()];
        entries.push((Swatch::Fill(colour), format!("{material} ({count} wall{})", plural(count))));
    }
    for (kind, colour, name) in [(OpeningKind::Door, DOOR, "door"), (OpeningKind::Window, WINDOW, "window")] {
        // Empty openings (never imported) are drawn as doors.
        let count =
            floor.openings.iter().filter(|o| (o.kind == OpeningKind::Window) == (kind == OpeningKind::Window)).count();
        if count > 0 {
            entries.push((Swatch::Fill(colour), format!("{name} ({count})")));
        }
    }
    entries.push((Swatch::Line(GRID), format!("grid every {} m", format_metres(step))));
    entries
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// A grid value in metres, without a needless fraction.
fn format_metres(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// The first storey's wall materials in name order (their colour is
/// [`PALETTE`] at their index).
fn materials(plan: &FloorPlan) -> Vec<&str> {
    let Some(floor) = plan.floors.first() else { return Vec::new() };
    let mut materials: Vec<&str> = floor.walls.iter().map(|w| w.material.as_str()).collect();
    materials.sort_unstable();
    materials.dedup();
    materials
}

/// The plot framed: x and y axes in plan metres below and left of it,
/// ticks at the labelled grid lines, and the legend on the right.
fn frame(plot: &RgbImage, view: View, plan: &FloorPlan, backdrop: Backdrop) -> RgbImage {
    let step = grid_step(view.px_per_m);
    let entries = legend_entries(plan, backdrop, step);
    let (plot_w, plot_h) = plot.dimensions();
    let legend_h = PAD_TOP + (entries.len() as u32 + 2) * ROW as u32;
    let width = AXIS_LEFT + plot_w + LEGEND_WIDTH;
    let height = (PAD_TOP + plot_h + AXIS_BOTTOM).max(legend_h);
    let mut canvas = RgbImage::from_pixel(width, height, WHITE_PX);
    image::imageops::replace(&mut canvas, plot, AXIS_LEFT as i64, PAD_TOP as i64);
    let (x0, y0) = (AXIS_LEFT as i32, PAD_TOP as i32);
    let (x1, y1) = (x0 + plot_w as i32, y0 + plot_h as i32);
    let legend_x = x1 + 24;
    let legend_top = y0 + ROW;
    // Swatches are painted on the pixels; plotters adds text and lines.
    for (k, (swatch, _)) in entries.iter().enumerate() {
        let top = legend_top + k as i32 * ROW + (ROW - SWATCH) / 2;
        for dy in 0..SWATCH {
            for dx in 0..SWATCH {
                let colour = match *swatch {
                    Swatch::Fill(colour) => colour,
                    Swatch::Line(colour) if (dy - SWATCH / 2).abs() <= 1 => colour,
                    Swatch::Line(_) => WHITE_PX,
                };
                canvas.put_pixel((legend_x + dx) as u32, (top + dy) as u32, colour);
            }
        }
    }
    let right = view.left + plot_w as f64 / view.px_per_m;
    let bottom = view.top - plot_h as f64 / view.px_per_m;
    // plotters draws no text in a family not registered yet.
    legend::ensure_fonts();
    {
        let area = BitMapBackend::with_buffer(&mut canvas, (width, height)).into_drawing_area();
        let _ = area.draw(&Rectangle::new([(x0 - 1, y0 - 1), (x1, y1)], BLACK.stroke_width(1)));
        for x in grid_values(view.left, right, step) {
            let px = x0 + view.to_px([x, 0.0])[0].floor() as i32;
            let _ = area.draw(&PathElement::new(vec![(px, y1), (px, y1 + 6)], BLACK.stroke_width(1)));
            legend::text(&area, &format_metres(x), (px, y1 + 18), Font::LABEL, TextAnchor::Centre);
        }
        for y in grid_values(bottom, view.top, step) {
            let py = y0 + view.to_px([0.0, y])[1].floor() as i32;
            let _ = area.draw(&PathElement::new(vec![(x0 - 7, py), (x0 - 1, py)], BLACK.stroke_width(1)));
            legend::text(&area, &format_metres(y), (x0 - 11, py), Font::LABEL, TextAnchor::Right);
        }
        legend::text(&area, "x (m)", ((x0 + x1) / 2, y1 + 42), Font::LABEL_BOLD, TextAnchor::Centre);
        legend::text(&area, "y (m)", (x0 - 11, y0 - 16), Font::LABEL_BOLD, TextAnchor::Right);
        legend::text(&area, "Legend", (legend_x, legend_top - ROW / 2), Font::HEADING, TextAnchor::Left);
        for (k, (_, label)) in entries.iter().enumerate() {
            let top = legend_top + k as i32 * ROW + (ROW - SWATCH) / 2;
            let _ = area.draw(&Rectangle::new(
                [(legend_x - 1, top - 1), (legend_x + SWATCH, top + SWATCH)],
                BLACK.stroke_width(1),
            ));
            let fitted = legend::fit(label, Font::LABEL, LEGEND_WIDTH as i32 - 40 - SWATCH);
            legend::text(&area, &fitted, (legend_x + SWATCH + 8, top + SWATCH / 2), Font::LABEL, TextAnchor::Left);
        }
        let _ = area.present();
    }
    canvas
}

/// Draws the plan's walls (colour by material, at their thickness, at
/// least 2 px), doors (green) and windows (cyan) on `image`.
fn draw_plan(image: &mut RgbImage, view: View, plan: &FloorPlan) {
    let Some(floor) = plan.floors.first() else { return };
    let materials = materials(plan);
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
        let colour = if opening.kind == OpeningKind::Window { WINDOW } else { DOOR };
        stroke(image, view, opening.at[0], opening.at[1], width, colour);
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::import::walls::WallSegment;
    use crate::import::{build_plan, ImportOptions, OpeningSpan};

    /// A 10 × 6 m concrete room (0.2 m walls) with a plasterboard wall
    /// across it at x = 6.5 m, a 1 m door in the south facade and a 1.5 m
    /// window in the north one, imported from lines.
    fn room() -> (Drawing, FloorPlan) {
        let wall = |a: PlanPoint, b: PlanPoint, material: &str| WallSegment {
            a,
            b,
            thickness: 0.2,
            material: material.to_owned(),
        };
        let corners = [[0.0, 0.0], [10.0, 0.0], [10.0, 6.0], [0.0, 6.0]];
        let mut walls: Vec<WallSegment> = (0..4).map(|k| wall(corners[k], corners[(k + 1) % 4], "concrete")).collect();
        walls.push(wall([6.5, 0.0], [6.5, 6.0], "plasterboard"));
        let drawing = Drawing {
            source_lines: walls.iter().map(|w| [w.a, w.b]).collect(),
            walls,
            openings: vec![
                OpeningSpan { points: vec![[2.0, 0.0], [3.0, 0.0]], kind: OpeningKind::Door },
                OpeningSpan { points: vec![[4.0, 6.0], [5.5, 6.0]], kind: OpeningKind::Window },
            ],
            ..Default::default()
        };
        let imported = build_plan(Path::new("room.svg"), drawing, &ImportOptions::default()).unwrap();
        (imported.drawing, imported.plan)
    }

    /// The canvas pixel of a plan point.
    fn canvas_px(view: View, p: PlanPoint) -> (u32, u32) {
        let [x, y] = view.to_px(p);
        (AXIS_LEFT + x.floor() as u32, PAD_TOP + y.floor() as u32)
    }

    fn is_dark(p: &Rgb<u8>) -> bool {
        p.0.iter().all(|&c| c < 100)
    }

    #[test]
    fn grid_steps_are_round_and_readable() {
        assert_eq!(grid_step(100.0), 1.0);
        assert_eq!(grid_step(40.0), 2.0);
        assert_eq!(grid_step(12.0), 5.0);
        assert_eq!(grid_step(0.04), 2000.0);
        assert_eq!(grid_step(f64::NAN), 1.0);
    }

    #[test]
    fn the_preview_has_a_metre_grid_axes_and_a_legend() {
        let (drawing, plan) = room();
        let image = render(&drawing, &plan);
        let (view, [plot_w, plot_h]) = vector_view(&drawing);
        assert_eq!(view.px_per_m, 100.0);
        assert_eq!(image.dimensions(), (AXIS_LEFT + plot_w + LEGEND_WIDTH, PAD_TOP + plot_h + AXIS_BOTTOM));
        // Grid: a line on every whole metre inside the room, paper between.
        for x in [1.0, 3.0, 8.0] {
            let (px, py) = canvas_px(view, [x, 3.5]);
            assert_eq!(*image.get_pixel(px, py), GRID, "no grid line at x = {x} m");
            assert_eq!(*image.get_pixel(px + 50, py), WHITE_PX, "paper expected at x = {} m", x + 0.5);
        }
        let (px, py) = canvas_px(view, [3.5, 2.0]);
        assert_eq!(*image.get_pixel(px, py), GRID, "no grid line at y = 2 m");
        // Axes: a tick under each labelled metre and its label below,
        // labels left of the plot.
        let (tick_x, _) = canvas_px(view, [4.0, 0.0]);
        let below = PAD_TOP + plot_h;
        assert!(is_dark(image.get_pixel(tick_x, below + 3)), "no tick at x = 4 m");
        let label_ink = |x0: u32, x1: u32, y0: u32, y1: u32| {
            (y0..y1)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .filter(|&(x, y)| is_dark(image.get_pixel(x, y)))
                .count()
        };
        assert!(label_ink(tick_x - 10, tick_x + 10, below + 8, below + 30) > 10, "no label under x = 4 m");
        let (_, tick_y) = canvas_px(view, [0.0, 3.0]);
        assert!(label_ink(10, AXIS_LEFT - 8, tick_y - 8, tick_y + 8) > 10, "no label left of y = 3 m");
        // Legend: a swatch of each material, door and window colour, with
        // text beside each.
        let legend_x = AXIS_LEFT + plot_w;
        let colours: Vec<Rgb<u8>> = vec![PALETTE[0], PALETTE[1], DOOR, WINDOW];
        for colour in colours {
            let found =
                (PAD_TOP..image.height()).any(|y| (legend_x..image.width()).any(|x| *image.get_pixel(x, y) == colour));
            assert!(found, "no legend swatch of {colour:?}");
        }
        assert!(label_ink(legend_x + 50, image.width(), PAD_TOP, PAD_TOP + 6 * ROW as u32) > 200, "no legend text");
    }

    #[test]
    fn the_scan_preview_keeps_the_scan_under_the_grid() {
        let (_, plan) = room();
        // A 12 × 8 m scan at 40 px/m: white with one black pixel row at
        // y = 3 m, where a grid line would also run.
        let px_per_m = 40.0;
        let mut image = RgbImage::from_pixel(480, 320, WHITE_PX);
        let ink_row = 320 - 3 * 40;
        for x in 0..480 {
            image.put_pixel(x, ink_row, Rgb([0, 0, 0]));
        }
        let background = super::super::raster::Background { image, px_per_m };
        let preview = render_over(&background, &plan);
        // Grid every 2 m at 40 px/m, metre lines between; the ink (faded)
        // stays where a grid line crosses it.
        let x_at = |m: f64| AXIS_LEFT + (m * px_per_m) as u32;
        assert_eq!(*preview.get_pixel(x_at(11.0), PAD_TOP + ink_row), Rgb([128, 128, 128]));
        assert_eq!(*preview.get_pixel(x_at(11.0), PAD_TOP + 10), GRID_METRE);
        assert_eq!(*preview.get_pixel(x_at(10.0), PAD_TOP + 10), GRID);
    }
}
