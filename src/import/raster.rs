//! Scanned or exported plans (PNG, JPEG): dark pixels are ink, and long
//! straight bands of ink are walls.
//!
//! The scale is `--scale` pixels per metre, or `--calibrate
//! x1,y1,x2,y2,METRES` (two pixels a known distance apart); one of them is
//! required. Pixels darker than mid-grey (luma < 128) are ink. Each row is
//! cut into runs of ink; runs of consecutive rows with the same extent
//! (±2 px) form a horizontal band, whose row count is the wall thickness
//! and whose middle row is the centreline; columns give the vertical walls
//! the same way. A band is kept if it is at least `max(--min-length,
//! 0.5 m)` long and at least twice as long as it is thick, which drops
//! text, hatching, dimension ticks and the inside of thick walls. The ink
//! left over is cut into connected components, and those that are straight
//! bars at least 2 px thick become walls at their angle (diagonal walls).
//! Wall ends that run through a crossing wall are trimmed (or extended) to
//! its centreline. Curved walls and doors are not recognised.
//!
//! Materials: `--thickness-class 0.3=concrete` (repeatable) gives each
//! wall the material of the nearest class and that class's thickness;
//! without classes, walls are [`super::DEFAULT_MATERIAL`] at their
//! measured thickness.

use std::path::Path;

use image::RgbImage;

use super::walls::{self, WallSegment};
use super::{import_error, Drawing, ImportOptions, DEFAULT_MATERIAL};
use crate::error::Result;

/// Shortest wall found in an image, m (shorter bands are text or marks).
const MIN_RASTER_LENGTH: f64 = 0.5;
/// How far the ends of runs in one band may wander, pixels.
const RUN_TOLERANCE: i64 = 2;
/// Luma below which a pixel is ink.
const INK: u8 = 128;

/// The image under the walls found, for the preview.
#[derive(Clone, Debug)]
pub struct Background {
    /// The source image.
    pub image: RgbImage,
    /// Its scale, pixels per metre.
    pub px_per_m: f64,
}

/// Reads a PNG or JPEG plan.
pub fn read(path: &Path, options: &ImportOptions) -> Result<Drawing> {
    let image = image::open(path)
        .map_err(|e| match e {
            image::ImageError::IoError(source) => {
                crate::error::Error::Io { action: "read", path: path.to_owned(), source }
            }
            other => import_error(path, format!("not a readable image ({other})"), "save the plan as PNG or JPEG"),
        })?
        .to_rgb8();
    let px_per_m = match (options.scale, options.calibrate) {
        (_, Some([x1, y1, x2, y2, metres])) => (x2 - x1).hypot(y2 - y1) / metres,
        (Some(scale), None) => scale,
        (None, None) => {
            return Err(import_error(
                path,
                "the image's scale is unknown",
                "give --scale PX_PER_M, or --calibrate x1,y1,x2,y2,METRES with two pixels a known distance apart",
            ))
        }
    };
    if !(px_per_m.is_finite() && px_per_m > 0.0) {
        return Err(import_error(path, "the scale must be a positive number of pixels per metre", "check --calibrate"));
    }
    Ok(from_image(image, px_per_m, options))
}

/// A run of ink along a row (or column): `[start, end)` pixels.
type Run = (i64, i64);

/// A band of runs on consecutive rows.
struct Band {
    start: i64,
    end: i64,
    first_row: i64,
    last_row: i64,
}

/// Finds bands in `lines` (rows, or columns), each a list of runs.
fn bands(lines: &[Vec<Run>], min_px: f64) -> Vec<Band> {
    let mut open: Vec<Band> = Vec::new();
    let mut done = Vec::new();
    for (row, runs) in lines.iter().enumerate() {
        let row = row as i64;
        let mut next = Vec::new();
        for &(start, end) in runs.iter().filter(|(s, e)| (e - s) as f64 >= min_px) {
            let matching = open.iter().position(|b| {
                b.last_row == row - 1
                    && (b.start - start).abs() <= RUN_TOLERANCE
                    && (b.end - end).abs() <= RUN_TOLERANCE
            });
            match matching {
                Some(i) => {
                    let mut band = open.swap_remove(i);
                    band.start = band.start.min(start);
                    band.end = band.end.max(end);
                    band.last_row = row;
                    next.push(band);
                }
                None => next.push(Band { start, end, first_row: row, last_row: row }),
            }
        }
        done.append(&mut open);
        open = next;
    }
    done.append(&mut open);
    done
}

/// Runs of ink in one line of pixels.
fn runs(ink: impl Iterator<Item = bool>) -> Vec<Run> {
    let mut out = Vec::new();
    let mut start = None;
    let mut i = 0;
    for dark in ink {
        match (dark, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push((s, i));
    }
    out
}

/// Extracts the walls of an image at `px_per_m`.
pub fn from_image(image: RgbImage, px_per_m: f64, options: &ImportOptions) -> Drawing {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let ink: Vec<bool> = image
        .pixels()
        .map(|p| {
            let luma = (0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64) as u8;
            luma < INK
        })
        .collect();
    let rows: Vec<Vec<Run>> = (0..h).map(|y| runs(ink[y * w..(y + 1) * w].iter().copied())).collect();
    let columns: Vec<Vec<Run>> = (0..w).map(|x| runs((0..h).map(|y| ink[y * w + x]))).collect();
    let min_length = options.min_length.max(MIN_RASTER_LENGTH);
    let min_px = min_length * px_per_m;
    let height_m = h as f64 / px_per_m;
    let to_m = |px: f64| px / px_per_m;
    let mut found = Vec::new();
    // Ink left once the horizontal and vertical walls are taken out.
    let mut rest = ink.clone();
    for (lines, horizontal) in [(&rows, true), (&columns, false)] {
        for band in bands(lines, min_px) {
            let thickness_px = (band.last_row - band.first_row + 1) as f64;
            let length_px = (band.end - band.start) as f64;
            if length_px < 2.0 * thickness_px || length_px < min_px {
                continue;
            }
            for row in band.first_row..=band.last_row {
                for along in band.start..band.end {
                    let (x, y) = if horizontal { (along, row) } else { (row, along) };
                    rest[y as usize * w + x as usize] = false;
                }
            }
            let centre = (band.first_row + band.last_row + 1) as f64 / 2.0;
            let (a, b) = if horizontal {
                ([to_m(band.start as f64), height_m - to_m(centre)], [to_m(band.end as f64), height_m - to_m(centre)])
            } else {
                ([to_m(centre), height_m - to_m(band.start as f64)], [to_m(centre), height_m - to_m(band.end as f64)])
            };
            found.push(WallSegment { a, b, thickness: to_m(thickness_px), material: String::new() });
        }
    }
    for (a, b, thickness_px) in diagonal_bars(&mut rest, w, h, min_px) {
        let to_plan = |p: [f64; 2]| [to_m(p[0]), height_m - to_m(p[1])];
        found.push(WallSegment {
            a: to_plan(a),
            b: to_plan(b),
            thickness: to_m(thickness_px),
            material: String::new(),
        });
    }
    let mut walls = walls::snap_ends(found);
    for wall in &mut walls {
        let nearest = options
            .thickness_classes
            .iter()
            .min_by(|x, y| (x.0 - wall.thickness).abs().total_cmp(&(y.0 - wall.thickness).abs()));
        match nearest {
            Some((thickness, material)) => {
                wall.thickness = *thickness;
                wall.material = material.clone();
            }
            None => wall.material = DEFAULT_MATERIAL.to_owned(),
        }
    }
    let mut drawing = Drawing { walls, ..Default::default() };
    drawing.background = Some(Background { image, px_per_m });
    drawing
}

/// Straight bars of ink at any angle among the pixels left over: each
/// 8-connected component is fitted by its principal axis (the covariance
/// of its pixels); it is a wall if it is at least `min_px` long, at least
/// 2 px thick (1 px lines are hatching and dimension lines), four times as
/// long as thick, and straight (no pixel farther from the axis than the
/// thickness, but for 5 % of its pixels). Returns (end, end, thickness) in pixels. Consumes `ink`.
fn diagonal_bars(ink: &mut [bool], w: usize, h: usize, min_px: f64) -> Vec<([f64; 2], [f64; 2], f64)> {
    let mut bars = Vec::new();
    let mut stack = Vec::new();
    let mut component: Vec<(usize, usize)> = Vec::new();
    for start in 0..ink.len() {
        if !ink[start] {
            continue;
        }
        ink[start] = false;
        stack.push(start);
        component.clear();
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            component.push((x, y));
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx >= 0 && ny >= 0 && (nx as usize) < w && (ny as usize) < h {
                        let j = ny as usize * w + nx as usize;
                        if ink[j] {
                            ink[j] = false;
                            stack.push(j);
                        }
                    }
                }
            }
        }
        let n = component.len() as f64;
        if n < 2.0 * min_px {
            continue;
        }
        let centre = component.iter().fold([0.0, 0.0], |c, &(x, y)| [c[0] + x as f64 + 0.5, c[1] + y as f64 + 0.5]);
        let centre = [centre[0] / n, centre[1] / n];
        let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
        for &(x, y) in &component {
            let (dx, dy) = (x as f64 + 0.5 - centre[0], y as f64 + 0.5 - centre[1]);
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
        let (u, v) = ([angle.cos(), angle.sin()], [-angle.sin(), angle.cos()]);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut offsets = Vec::with_capacity(component.len());
        for &(x, y) in &component {
            let (dx, dy) = (x as f64 + 0.5 - centre[0], y as f64 + 0.5 - centre[1]);
            let t = dx * u[0] + dy * u[1];
            lo = lo.min(t);
            hi = hi.max(t);
            offsets.push((dx * v[0] + dy * v[1]).abs());
        }
        let length = hi - lo;
        let thickness = n / length.max(1.0);
        // Straight: at most 5 % of the pixels (a crossing hatch line, a
        // label touching the wall) farther from the axis than the thickness.
        let outliers = offsets.iter().filter(|&&o| o > thickness).count() as f64;
        if length >= min_px && thickness >= 2.0 && length >= 4.0 * thickness && outliers <= 0.05 * n {
            let a = [centre[0] + lo * u[0], centre[1] + lo * u[1]];
            let b = [centre[0] + hi * u[0], centre[1] + hi * u[1]];
            bars.push((a, b, thickness));
        }
    }
    bars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagonal_bar_is_a_wall_and_a_hairline_is_not() {
        let mut image = RgbImage::from_pixel(300, 300, image::Rgb([255, 255, 255]));
        for y in 0..300u32 {
            for x in 0..300u32 {
                let (fx, fy) = (x as f64 + 0.5, y as f64 + 0.5);
                // A 6 px thick bar along y = x from (50, 50) to (250, 250).
                let along = (fx + fy) / 2.0;
                if ((fx - fy) / 2f64.sqrt()).abs() <= 3.0 && (50.0..=250.0).contains(&along) {
                    image.put_pixel(x, y, image::Rgb([0, 0, 0]));
                }
                // A 1 px hatch line beside the bar, 2 m long.
                if y == x + 100 && x < 150 {
                    image.put_pixel(x, y, image::Rgb([0, 0, 0]));
                }
            }
        }
        let d = from_image(image, 20.0, &ImportOptions::default());
        assert_eq!(d.walls.len(), 1, "{:?}", d.walls);
        let wall = &d.walls[0];
        assert!((wall.length() - 200.0 * 2f64.sqrt() / 20.0).abs() < 0.2, "{wall:?}");
        assert!((wall.thickness - 0.3).abs() < 0.05, "{wall:?}");
    }

    #[test]
    fn a_thick_bar_is_a_wall_and_a_dot_is_not() {
        let mut image = RgbImage::from_pixel(200, 100, image::Rgb([255, 255, 255]));
        for y in 40..46 {
            for x in 20..180 {
                image.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        for y in 80..84 {
            for x in 10..14 {
                image.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        // 20 px per metre: an 8 m wall, 0.3 m thick, 2.85 m from the bottom.
        let d = from_image(image, 20.0, &ImportOptions::default());
        assert_eq!(d.walls.len(), 1, "{:?}", d.walls);
        let wall = &d.walls[0];
        assert!((wall.length() - 8.0).abs() < 1e-9);
        assert!((wall.thickness - 0.3).abs() < 1e-9);
        assert!((wall.a[1] - 2.85).abs() < 1e-9, "{wall:?}");
    }
}
