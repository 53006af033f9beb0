//! The residual map of a storey: the survey points on the plan, coloured
//! by the model's error there (predicted − measured), before and after the
//! calibration, side by side (or one above the other for a long building)
//! on one fixed scale.
//!
//! Pure rendering, built from [`crate::render`]'s pieces (walls to scale
//! with their openings, room outlines, AP markers, colour bar, scale bar),
//! so it reads like the heatmaps. The colour scale is fixed at
//! ±[`RANGE_DB`] on ColorBrewer RdBu reversed: red where the model
//! promises more signal than was measured (the dangerous error for a
//! planner), blue where it promises less, white where it is right.

use std::sync::LazyLock;

use image::RgbImage;
use plotters::prelude::*;

use super::{Calibration, PointReport};
use crate::geometry::Point2;
use crate::render::colormap::{ColorScale, Rgb, RD_BU};
use crate::render::legend::{self, BarGeometry, Font, TextAnchor};
use crate::render::overlay::{self, ApMarks, PlanView};
use crate::render::paint::Raster;
// The layout of the coverage maps, so the residual map reads the same.
use crate::render::{BAR_WIDTH, DEFAULT_PPM_RANGE as PPM_RANGE, MARGIN, MAX_PLAN_PX, PANEL_WIDTH as SIDE, TITLE_BAND};
use crate::scene::Scene;
use crate::units::Real;

/// The colour scale spans ±this, dB; larger errors take the end colours.
pub const RANGE_DB: f32 = 20.0;

/// Largest side of one plan panel, pixels.
const PANEL_PX: f64 = 1000.0;
/// Heading above each panel, pixels.
const HEADING_BAND: i32 = 34;
/// Gap between panels, pixels.
const GAP: i32 = 36;
/// Radius of a survey dot, pixels.
const DOT: i32 = 6;

/// RdBu reversed: blue at the low end (model too pessimistic), red at the
/// high end (model too optimistic).
static BU_RD: LazyLock<Vec<(f32, Rgb)>> = LazyLock::new(|| RD_BU.iter().rev().map(|&(t, c)| (1.0 - t, c)).collect());

/// The residual colour scale.
pub fn error_scale() -> ColorScale {
    ColorScale {
        min: -RANGE_DB,
        max: RANGE_DB,
        stops: BU_RD.as_slice(),
        unit: "dB",
        label: "predicted − measured",
        ramp: "ColorBrewer RdBu reversed (Brewer, colorbrewer2.org)",
        marks: vec![(0.0, "0 dB".to_owned())],
    }
}

/// The residual map of storey `floor`: the points of `calibration` on it.
pub fn residual_map(scene: &Scene, floor: usize, calibration: &Calibration) -> RgbImage {
    legend::ensure_fonts();
    let Some(storey) = scene.floors.get(floor) else { return RgbImage::new(1, 1) };
    let points: Vec<&PointReport> = calibration.points.iter().filter(|p| p.floor == storey.id).collect();
    let mut world = storey.bounds;
    for p in &points {
        world = world.including(Point2::new(p.x, p.y));
    }
    let extent = world.extent();
    let (ew, eh) = (extent.x.max(1.0), extent.y.max(1.0));
    let ppm =
        (PANEL_PX / ew.max(eh)).floor().clamp(PPM_RANGE.0, PPM_RANGE.1).min(MAX_PLAN_PX / ew).min(MAX_PLAN_PX / eh);
    let (pw, ph) = ((ew * ppm).ceil() as i32, (eh * ppm).ceil() as i32);
    // A long building stacks its two panels; a compact one puts them side
    // by side.
    let stacked = ew > 1.3 * eh;
    let panels = if stacked {
        [(MARGIN, TITLE_BAND + HEADING_BAND), (MARGIN, TITLE_BAND + 2 * HEADING_BAND + ph + GAP)]
    } else {
        [(MARGIN, TITLE_BAND + HEADING_BAND), (MARGIN + pw + GAP, TITLE_BAND + HEADING_BAND)]
    };
    let plans_right = panels[1].0 + pw;
    let plans_bottom = panels[1].1 + ph;
    let side_x = plans_right + GAP;
    let bar = BarGeometry { x: side_x, top: TITLE_BAND + HEADING_BAND + 28, width: BAR_WIDTH, height: 360 };
    let side_text = side_lines(calibration);
    let side_bottom = bar.top + bar.height + 40 + side_text.len() as i32 * 22;
    let width = side_x + SIDE + MARGIN;
    let scale_y = plans_bottom.max(side_bottom) + 26;
    let footer_text = footer(calibration);
    let footer = legend::wrap(&footer_text, Font::FOOTER, width - 2 * MARGIN);
    let height = scale_y + 52 + footer.len() as i32 * 20 + 10;
    let (w, h) = (width.max(1) as u32, height.max(1) as u32);

    let scale = error_scale();
    let views: Vec<PlanView> = panels
        .iter()
        .map(|&(left, top)| PlanView {
            world,
            pixels_per_metre: ppm,
            left: left as f64,
            top: top as f64,
            width: pw as u32,
            height: ph as u32,
        })
        .collect();
    let mut data = vec![255u8; w as usize * h as usize * 3];
    {
        let mut raster = Raster { data: &mut data, width: w, height: h };
        for view in &views {
            overlay::paint_walls(&mut raster, view, scene, storey, |_, _| overlay::BACKGROUND);
        }
        legend::paint_colour_bar(&mut raster, &bar, &scale);
    }
    let area = BitMapBackend::with_buffer(&mut data, (w, h)).into_drawing_area();
    let headings = [
        format!("before: the plan's materials, RMSE {:.1} dB", calibration.before.rmse_db),
        format!("after: fitted materials, RMSE {:.1} dB", calibration.after.rmse_db),
    ];
    for (k, view) in views.iter().enumerate() {
        overlay::draw_room_outlines(&area, view, storey);
        let frame = [
            (view.left as i32 - 1, view.top as i32 - 1),
            (view.left as i32 + view.width as i32, view.top as i32 + view.height as i32),
        ];
        let _ = area.draw(&Rectangle::new(frame, RGBColor(150, 150, 150).stroke_width(1)));
        let marks = ApMarks::layout(scene, floor, view);
        marks.draw(&area, |_| [20, 20, 20]);
        // Largest errors last, so they stay visible where dots overlap.
        let mut dots: Vec<(Real, Point2)> = points
            .iter()
            .map(|p| {
                let predicted = if k == 0 { p.before_dbm } else { p.after_dbm };
                (predicted - p.measured_dbm, Point2::new(p.x, p.y))
            })
            .collect();
        dots.sort_by(|a, b| a.0.abs().total_cmp(&b.0.abs()));
        for (error, p) in dots {
            let (x, y) = view.pixel_of(p);
            let [r, g, b] = scale.color(error as f32);
            let _ = area.draw(&Circle::new((x, y), DOT, RGBColor(r, g, b).filled()));
            let _ = area.draw(&Circle::new((x, y), DOT, RGBColor(40, 40, 40).stroke_width(1)));
        }
        legend::text(
            &area,
            &headings[k],
            (view.left as i32, view.top as i32 - HEADING_BAND / 2),
            Font::HEADING,
            TextAnchor::Left,
        );
    }
    let title = format!(
        "{} \u{2014} {} \u{2014} survey residuals, {}, {} GHz",
        calibration.plan, storey.id, calibration.model, calibration.frequency_ghz
    );
    legend::text(
        &area,
        &legend::fit(&title, Font::TITLE, width - 2 * MARGIN),
        (MARGIN, TITLE_BAND / 2 - 4),
        Font::TITLE,
        TextAnchor::Left,
    );
    legend::draw_colour_bar(&area, &bar, &scale);
    for (k, line) in side_text.iter().enumerate() {
        let y = bar.top + bar.height + 40 + k as i32 * 22;
        let font = if k == 0 { Font::HEADING } else { Font::LABEL };
        legend::text(&area, &legend::fit(line, font, SIDE), (side_x, y), font, TextAnchor::Left);
    }
    let metres = legend::scale_bar_metres(ppm, (pw as f64 * 0.3).max(80.0));
    legend::draw_scale_bar(&area, MARGIN + 8, scale_y, metres, ppm);
    for (k, line) in footer.iter().enumerate() {
        legend::text(&area, line, (MARGIN, scale_y + 52 + k as i32 * 20), Font::FOOTER, TextAnchor::Left);
    }
    drop(area);
    RgbImage::from_raw(w, h, data).unwrap_or_else(|| RgbImage::new(w, h))
}

/// The fitted materials in a few lines for the side panel.
fn side_lines(calibration: &Calibration) -> Vec<String> {
    let mut lines = vec!["Fitted materials".to_owned()];
    for m in calibration.fitted() {
        if let (Some(p), Some(f)) = (&m.prior, &m.fitted) {
            lines.push(format!(
                "{}: {:.0} \u{2192} {:.0} dB/m",
                super::report::label(m),
                p.loss_db_per_m,
                f.loss_db_per_m
            ));
            lines.push(format!("   \u{3b5}\u{2032} {:.2} \u{2192} {:.2}", p.permittivity, f.permittivity));
        }
    }
    if lines.len() == 1 {
        lines.push("none (the survey sees no".to_owned());
        lines.push("fittable material)".to_owned());
    }
    if let Some(cv) = &calibration.cross_validation {
        lines.push(String::new());
        lines.push(format!("cross-validated RMSE {:.1} dB", cv.errors.rmse_db));
    }
    lines
}

fn footer(calibration: &Calibration) -> String {
    format!(
        "Each dot is one measurement: its colour is the model's error there, predicted \u{2212} measured, \
         {}{} to +{} dB on ColorBrewer RdBu reversed (red: the model promises more signal than measured; \
         blue: less); larger errors take the end colours. {} measurements from {}. Walls to scale, coloured \
         by material class; plan north up.",
        "\u{2212}",
        RANGE_DB,
        RANGE_DB,
        calibration.measurements,
        calibration.surveys.iter().map(|s| s.file.as_str()).collect::<Vec<_>>().join(", ")
    )
}
