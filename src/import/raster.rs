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
//! text, hatching, dimension ticks and the inside of thick walls. Wall
//! ends that run through a crossing wall are trimmed (or extended) to its
//! centreline. Only horizontal and vertical walls are found.
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
    for (lines, horizontal) in [(&rows, true), (&columns, false)] {
        for band in bands(lines, min_px) {
            let thickness_px = (band.last_row - band.first_row + 1) as f64;
            let length_px = (band.end - band.start) as f64;
            if length_px < 2.0 * thickness_px || length_px < min_px {
                continue;
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

#[cfg(test)]
mod tests {
    use super::*;

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
