//! Scanned or exported plans (PNG, JPEG): dark pixels are ink, and long
//! straight bands of ink are walls, one wall per band whatever its
//! thickness, on the band's centreline.
//!
//! The scale is `--scale` pixels per metre, or `--calibrate
//! x1,y1,x2,y2,METRES` (two pixels a known distance apart); one of them is
//! required. Pixels darker than mid-grey (luma < 128) are ink.
//!
//! Horizontal walls come from the rows, vertical ones from the columns
//! (`axis_walls`): a run of ink along a row belongs to a horizontal wall
//! if it is at least `max(--min-length, 0.5 m)` long and at least twice as
//! long as the vertical runs through most of its pixels (so the rows that
//! cross a vertical wall, text and hatching are not walls, while the rows
//! of a wall's corners and junctions are). Such runs on neighbouring rows
//! that overlap form a band; counting the rows of the band at each column
//! gives its thickness there, and the band is cut where the thickness or
//! the centre jumps (a thick wall continuing as a thin one). Each piece is
//! one wall: its thickness is the median count, its centreline a line
//! fitted through the band's centre at every column, so a 1.2 m wall is
//! one 1.2 m wall, not two faces. The ink left over is cut into connected
//! components, and those that are straight bars at least 2 px thick become
//! walls at their angle (diagonal walls). Wall ends reach their
//! neighbour's outer face and are then trimmed to its centreline, so walls
//! meet at the corners. Curved walls and doors are not recognised.
//!
//! Materials: `--thickness-class 0.3=concrete` (repeatable) gives each
//! wall the material of the nearest class and that class's thickness;
//! without classes, walls are [`super::DEFAULT_MATERIAL`] at their
//! measured thickness.

use std::path::Path;

use image::RgbImage;

use super::sanity::{Scale, ScaleSource};
use super::walls::{self, WallSegment};
use super::{import_error, Drawing, ImportOptions, DEFAULT_MATERIAL};
use crate::error::Result;

/// Shortest wall found in an image, m (shorter bands are text or marks).
const MIN_RASTER_LENGTH: f64 = 0.5;
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

/// The ink image seen along one axis: `lines[l]` are the runs of line
/// `l` (rows for horizontal walls, columns for vertical ones), and
/// `across[l][a]` the length of the perpendicular run through pixel `a`
/// of line `l` (0 off ink).
struct Axis {
    lines: Vec<Vec<Run>>,
    across: Vec<Vec<u32>>,
}

impl Axis {
    /// Rows (`horizontal`) or columns of a `w × h` ink mask.
    fn new(ink: &[bool], w: usize, h: usize, horizontal: bool) -> Axis {
        let (count, length) = if horizontal { (h, w) } else { (w, h) };
        let at = |line: usize, along: usize| if horizontal { ink[line * w + along] } else { ink[along * w + line] };
        let lines: Vec<Vec<Run>> = (0..count).map(|l| runs((0..length).map(|a| at(l, a)))).collect();
        // Perpendicular runs: along each position, the runs across lines.
        let mut across = vec![vec![0u32; length]; count];
        for a in 0..length {
            for (start, end) in runs((0..count).map(|l| at(l, a))) {
                for line in &mut across[start as usize..end as usize] {
                    line[a] = (end - start) as u32;
                }
            }
        }
        Axis { lines, across }
    }
}

/// A wall found along one axis, in pixels: `along` is the pixel range
/// along the axis, the centreline is `centre + slope · a` across it (pixel
/// units, at pixel centres), `thickness` in pixels across.
#[derive(Clone, Debug)]
struct AxisWall {
    along: (i64, i64),
    centre: f64,
    slope: f64,
    thickness: f64,
}

/// The walls along one axis. A run is wall-like if it is at least
/// `min_px` long and at least twice as long as the perpendicular runs
/// through most of its pixels (its 20th percentile): that keeps the rows
/// of a horizontal wall, junctions and corners included, and drops the
/// rows through a vertical wall, text and hatching. Wall-like runs that
/// overlap on neighbouring lines form a band; along the band, the number
/// of lines covering each position is the thickness there, and the band is
/// cut where the thickness or the centre jumps, so a thick wall that
/// continues as a thin one gives two walls. Pieces shorter than their
/// neighbour's thickness (corners, the ends of a band at a junction) join
/// their neighbour. Clears the pixels of the walls found from `rest`.
fn axis_walls(axis: &Axis, min_px: f64, mut clear: impl FnMut(usize, i64)) -> Vec<AxisWall> {
    // Wall-like runs, numbered; `first[l]` is the number of the first run
    // of line `l`.
    let mut kept: Vec<(usize, Run)> = Vec::new();
    let mut first = Vec::with_capacity(axis.lines.len() + 1);
    let mut scratch = Vec::new();
    for (l, line) in axis.lines.iter().enumerate() {
        first.push(kept.len());
        for &(start, end) in line {
            let length = (end - start) as f64;
            if length < min_px {
                continue;
            }
            scratch.clear();
            scratch.extend_from_slice(&axis.across[l][start as usize..end as usize]);
            let k = scratch.len() / 5;
            let (_, low, _) = scratch.select_nth_unstable(k);
            if length >= 2.0 * *low as f64 {
                kept.push((l, (start, end)));
            }
        }
    }
    first.push(kept.len());
    // Bands: runs of neighbouring lines that overlap (union-find).
    let mut parent: Vec<usize> = (0..kept.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for l in 1..axis.lines.len() {
        let (previous, current) = (first[l - 1]..first[l], first[l]..first[l + 1]);
        let mut j = previous.start;
        for i in current {
            let (start, end) = kept[i].1;
            while j < previous.end && kept[j].1 .1 <= start {
                j += 1;
            }
            let mut k = j;
            while k < previous.end && kept[k].1 .0 < end {
                let (a, b) = (root(&mut parent, i), root(&mut parent, k));
                parent[a.max(b)] = a.min(b);
                k += 1;
            }
        }
    }
    let mut bands: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for i in 0..kept.len() {
        let r = root(&mut parent, i);
        bands.entry(r).or_default().push(i);
    }
    let mut walls = Vec::new();
    for members in bands.values() {
        let lo = members.iter().map(|&i| kept[i].1 .0).min().unwrap_or(0);
        let hi = members.iter().map(|&i| kept[i].1 .1).max().unwrap_or(0);
        // Thickness and centre of the band at each position along it.
        let mut count = vec![0u32; (hi - lo) as usize];
        let mut sum = vec![0.0f64; (hi - lo) as usize];
        for &i in members {
            let (l, (start, end)) = kept[i];
            for a in start..end {
                count[(a - lo) as usize] += 1;
                sum[(a - lo) as usize] += l as f64 + 0.5;
            }
        }
        let centre = |a: usize| sum[a] / count[a].max(1) as f64;
        for piece in profile_pieces(&count, &centre) {
            let (from, to) = piece.extent;
            let (core_from, core_to) = piece.core;
            let thickness = median(&count[core_from..core_to]);
            let length = (to - from) as f64;
            if length < min_px || length < 1.5 * thickness {
                continue;
            }
            // Least-squares line through the centres of the core (a wall a
            // little off the axis), at pixel centres; the ends that joined
            // it (corners, junctions) have their centre elsewhere.
            let n = (core_to - core_from) as f64;
            let (mut sa, mut sc, mut saa, mut sac) = (0.0, 0.0, 0.0, 0.0);
            for a in core_from..core_to {
                let (x, c) = ((a as i64 + lo) as f64 + 0.5, centre(a));
                sa += x;
                sc += c;
                saa += x * x;
                sac += x * c;
            }
            let denominator = n * saa - sa * sa;
            let slope = if denominator.abs() > 1e-9 { (n * sac - sa * sc) / denominator } else { 0.0 };
            let intercept = (sc - slope * sa) / n;
            let along = (lo + from as i64, lo + to as i64);
            for &i in members {
                let (l, (start, end)) = kept[i];
                for a in start.max(along.0)..end.min(along.1) {
                    clear(l, a);
                }
            }
            walls.push(AxisWall { along, centre: intercept, slope, thickness: thickness / slope.hypot(1.0) });
        }
    }
    walls
}

/// A piece of a band: the positions it spans, and its core, the positions
/// of steady thickness it grew from (ends that joined it excluded).
struct Piece {
    extent: (usize, usize),
    core: (usize, usize),
    thickness: f64,
}

/// Cuts a band's thickness profile into pieces of steady thickness and
/// centre. A piece ends where the thickness leaves ±max(2 px, 15 %) of the
/// piece's first value, where the centre moves by more than max(1.5 px,
/// 10 % of the thickness) from one position to the next, or at a gap.
/// Pieces shorter than the thickness of a piece they touch then join the
/// longer such neighbour (a notched corner, the end of a band inside a
/// crossing wall), extending its extent but not its core.
fn profile_pieces(count: &[u32], centre: &dyn Fn(usize) -> f64) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut a = 0;
    while a < count.len() {
        if count[a] == 0 {
            a += 1;
            continue;
        }
        let reference = count[a] as f64;
        let tolerance = (0.15 * reference).max(2.0);
        let step = (0.1 * reference).max(1.5);
        let start = a;
        a += 1;
        while a < count.len()
            && count[a] > 0
            && (count[a] as f64 - reference).abs() <= tolerance
            && (centre(a) - centre(a - 1)).abs() <= step
        {
            a += 1;
        }
        pieces.push(Piece { extent: (start, a), core: (start, a), thickness: median(&count[start..a]) });
    }
    let length = |piece: &Piece| piece.extent.1 - piece.extent.0;
    loop {
        let touches = |i: usize, j: usize| pieces[i].extent.1 == pieces[j].extent.0;
        let left = |i: usize| (i > 0 && touches(i - 1, i)).then(|| i - 1);
        let right = |i: usize| (i + 1 < pieces.len() && touches(i, i + 1)).then_some(i + 1);
        let short = (0..pieces.len())
            .filter(|&i| left(i).into_iter().chain(right(i)).any(|j| (length(&pieces[i]) as f64) < pieces[j].thickness))
            .min_by_key(|&i| length(&pieces[i]));
        let Some(i) = short else { break };
        let target = match (left(i), right(i)) {
            (Some(l), Some(r)) => {
                if length(&pieces[l]) >= length(&pieces[r]) {
                    l
                } else {
                    r
                }
            }
            (Some(l), None) => l,
            (None, Some(r)) => r,
            (None, None) => break,
        };
        let joined = pieces.remove(i);
        let target = if target > i { target - 1 } else { target };
        let extent = &mut pieces[target].extent;
        *extent = (extent.0.min(joined.extent.0), extent.1.max(joined.extent.1));
    }
    pieces
}

/// Median of pixel counts.
fn median(values: &[u32]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).map_or(0.0, |&v| v as f64)
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
    let min_length = options.min_length.max(MIN_RASTER_LENGTH);
    let min_px = min_length * px_per_m;
    let height_m = h as f64 / px_per_m;
    let to_m = |px: f64| px / px_per_m;
    let mut found = Vec::new();
    // Ink left once the horizontal and vertical walls are taken out.
    let mut rest = ink.clone();
    for horizontal in [true, false] {
        let axis = Axis::new(&ink, w, h, horizontal);
        let clear = |line: usize, along: i64| {
            let (x, y) = if horizontal { (along as usize, line) } else { (line, along as usize) };
            rest[y * w + x] = false;
        };
        for wall in axis_walls(&axis, min_px, clear) {
            let across = |a: f64| wall.centre + wall.slope * a;
            let (a0, a1) = (wall.along.0 as f64, wall.along.1 as f64);
            // Pixel (x, y) → plan metres, y up.
            let (a, b) = if horizontal {
                ([to_m(a0), height_m - to_m(across(a0))], [to_m(a1), height_m - to_m(across(a1))])
            } else {
                ([to_m(across(a0)), height_m - to_m(a0)], [to_m(across(a1)), height_m - to_m(a1)])
            };
            found.push(WallSegment { a, b, thickness: to_m(wall.thickness), material: String::new() });
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
    // As measured, before any thickness class replaces them.
    let drawn = found.iter().map(|w| (w.thickness, w.length())).collect();
    // Ends reach into their neighbour's outer face; a pixel or two of
    // drawing error is allowed on top of the usual slack.
    let mut walls = walls::snap_ends(found, (2.0 / px_per_m).max(0.02));
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
    Drawing {
        walls,
        background: Some(Background { image, px_per_m }),
        scale: Some(Scale { value: px_per_m, source: ScaleSource::Pixels }),
        drawn,
        ..Default::default()
    }
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

    /// Paints walls given by centreline and thickness (m) at `px_per_m`
    /// over a 1 m margin, each as a rectangle from end to end of its
    /// centreline (butt ends, so corners are notched as in many drawings).
    fn paint(walls: &[([f64; 2], [f64; 2], f64)], size: [f64; 2], px_per_m: f64) -> RgbImage {
        let (w, h) = (((size[0] + 2.0) * px_per_m) as u32, ((size[1] + 2.0) * px_per_m) as u32);
        let mut image = RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]));
        for y in 0..h {
            for x in 0..w {
                let p = [(x as f64 + 0.5) / px_per_m - 1.0, size[1] + 1.0 - (y as f64 + 0.5) / px_per_m];
                let inside = walls.iter().any(|&(a, b, t)| {
                    let (lo, hi) = ([a[0].min(b[0]), a[1].min(b[1])], [a[0].max(b[0]), a[1].max(b[1])]);
                    let half = [if a[0] == b[0] { t / 2.0 } else { 0.0 }, if a[1] == b[1] { t / 2.0 } else { 0.0 }];
                    (0..2).all(|k| p[k] >= lo[k] - half[k] && p[k] <= hi[k] + half[k])
                });
                if inside {
                    image.put_pixel(x, y, image::Rgb([0, 0, 0]));
                }
            }
        }
        image
    }

    /// The walls found, moved back to the painted frame (1 m margin).
    fn found(image: RgbImage, px_per_m: f64) -> Vec<WallSegment> {
        let d = from_image(image, px_per_m, &ImportOptions::default());
        d.walls
            .into_iter()
            .map(|w| WallSegment { a: [w.a[0] - 1.0, w.a[1] - 1.0], b: [w.b[0] - 1.0, w.b[1] - 1.0], ..w })
            .collect()
    }

    fn matches(wall: &WallSegment, a: [f64; 2], b: [f64; 2], tolerance: f64) -> bool {
        let close = |p: [f64; 2], q: [f64; 2]| walls::distance(p, q) <= tolerance;
        (close(wall.a, a) && close(wall.b, b)) || (close(wall.a, b) && close(wall.b, a))
    }

    #[test]
    fn bands_of_any_thickness_are_one_wall_on_their_centreline_ending_at_the_corners() {
        // A 12 × 8 m room whose four walls are 1.5, 1.0, 0.6 and 0.1 m
        // thick, painted with butt ends (notched corners), at 40 px/m.
        let corners = [[0.0, 0.0], [12.0, 0.0], [12.0, 8.0], [0.0, 8.0]];
        let thickness = [1.5, 1.0, 0.6, 0.1];
        let painted: Vec<_> = (0..4).map(|i| (corners[i], corners[(i + 1) % 4], thickness[i])).collect();
        let walls = found(paint(&painted, [12.0, 8.0], 40.0), 40.0);
        assert_eq!(walls.len(), 4, "{walls:#?}");
        for &(a, b, t) in &painted {
            let wall =
                walls.iter().find(|w| matches(w, a, b, 0.05)).unwrap_or_else(|| panic!("{a:?}–{b:?}: {walls:#?}"));
            assert!((wall.thickness - t).abs() <= 0.025, "{t} m drawn, {wall:?}");
        }
    }

    #[test]
    fn a_wing_with_thick_walls_keeps_its_wall_length() {
        // A 20 × 10 m wing: shell, a spine wall and four partitions, all
        // 0.6 m (24 px at 40 px/m), butt-ended: 100 m of walls. Before
        // bands were measured along their length, each wall came out as
        // two 0.3 m faces and the total as about 160 m.
        let mut painted = vec![
            ([0.0, 0.0], [20.0, 0.0], 0.6),
            ([20.0, 0.0], [20.0, 10.0], 0.6),
            ([20.0, 10.0], [0.0, 10.0], 0.6),
            ([0.0, 10.0], [0.0, 0.0], 0.6),
            ([0.0, 5.0], [20.0, 5.0], 0.6),
        ];
        for x in [4.0, 8.0, 12.0, 16.0] {
            painted.push(([x, 0.0], [x, 5.0], 0.6));
        }
        let walls = found(paint(&painted, [20.0, 10.0], 40.0), 40.0);
        let length: f64 = walls.iter().map(WallSegment::length).sum();
        assert_eq!(walls.len(), painted.len(), "{walls:#?}");
        assert!((length - 100.0).abs() < 0.5, "{length} m: {walls:#?}");
        for &(a, b, t) in &painted {
            let wall =
                walls.iter().find(|w| matches(w, a, b, 0.05)).unwrap_or_else(|| panic!("{a:?}–{b:?}: {walls:#?}"));
            assert!((wall.thickness - t).abs() <= 0.025, "{wall:?}");
        }
    }

    #[test]
    fn a_thick_wall_that_continues_thin_gives_two_walls() {
        // One straight line: 6 m of 1.2 m wall, then 8 m of 0.3 m wall on
        // the same centreline.
        let painted = [([0.0, 0.0], [6.0, 0.0], 1.2), ([6.0, 0.0], [14.0, 0.0], 0.3)];
        let walls = found(paint(&painted, [14.0, 2.0], 40.0), 40.0);
        assert_eq!(walls.len(), 2, "{walls:#?}");
        for &(a, b, t) in &painted {
            let wall = walls.iter().find(|w| (w.thickness - t).abs() <= 0.025).unwrap_or_else(|| panic!("{walls:#?}"));
            assert!(matches(wall, a, b, 0.1), "{a:?}–{b:?}: {wall:?}");
        }
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
