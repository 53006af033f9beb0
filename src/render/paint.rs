//! How a cell is painted (a flat colour or a hatching) and the raster the
//! paints go on: the bottom of `render`, shared by the plan drawing
//! ([`super::overlay`]) and the legends ([`super::legend`]).

use super::colormap::{self, mix, scale, Rgb, NO_DATA};

/// How one cell is painted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CellPaint {
    /// One flat colour.
    Flat(Rgb),
    /// Diagonal hatching: `line` every 7 pixels on `fill`; `rising` lines
    /// go south-west → north-east, the others north-west → south-east.
    Hatch {
        /// Background.
        fill: Rgb,
        /// Lines.
        line: Rgb,
        /// Direction of the lines.
        rising: bool,
    },
}

/// Spacing of hatch lines, pixels.
const HATCH_SPACING: i64 = 7;

impl CellPaint {
    /// The colour of pixel `(x, y)` of the image in this paint. Hatching is
    /// anchored to the image, so it runs on unbroken across cells.
    #[inline]
    pub fn at(&self, x: u32, y: u32) -> Rgb {
        match *self {
            CellPaint::Flat(c) => c,
            CellPaint::Hatch { fill, line, rising } => {
                let d = if rising { x as i64 + y as i64 } else { x as i64 - y as i64 };
                if d.rem_euclid(HATCH_SPACING) < 2 {
                    line
                } else {
                    fill
                }
            }
        }
    }
}

/// Paint of cells inside an excluded room: light grey, hatched.
pub const EXCLUDED: CellPaint = CellPaint::Hatch { fill: [214, 214, 214], line: [160, 160, 160], rising: false };
/// Paint of cells with no value.
pub const VOID: CellPaint = CellPaint::Flat(NO_DATA);

/// A mutable RGB raster (`image`'s layout: row-major, 3 bytes per pixel).
pub struct Raster<'a> {
    /// The bytes.
    pub data: &'a mut [u8],
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
}

impl Raster<'_> {
    /// Sets one pixel; ignores pixels off the raster.
    #[inline]
    pub fn put(&mut self, x: i64, y: i64, c: Rgb) {
        if x < 0 || y < 0 || x >= self.width as i64 || y >= self.height as i64 {
            return;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        if let Some(px) = self.data.get_mut(i..i + 3) {
            px.copy_from_slice(&c);
        }
    }

    /// Fills a rectangle of pixels `[x0, x1) × [y0, y1)` with a paint.
    pub fn fill(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, paint: CellPaint) {
        for y in y0.max(0)..y1.min(self.height as i64) {
            for x in x0.max(0)..x1.min(self.width as i64) {
                self.put(x, y, paint.at(x as u32, y as u32));
            }
        }
    }
}

/// The faded version of a paint (cells outside the building).
pub fn fade_paint(paint: CellPaint) -> CellPaint {
    match paint {
        CellPaint::Flat(c) => CellPaint::Flat(colormap::faded(c)),
        CellPaint::Hatch { fill, line, rising } => {
            CellPaint::Hatch { fill: colormap::faded(fill), line: colormap::faded(line), rising }
        }
    }
}

/// A paint for "below threshold": the colour desaturated and darkened,
/// hatched rising.
pub fn below_paint(c: Rgb) -> CellPaint {
    let (fill, line) = colormap::below_threshold(c);
    CellPaint::Hatch { fill, line, rising: true }
}

/// A server colour darkened for "below threshold" on the server map.
pub fn dark_server_paint(c: Rgb) -> CellPaint {
    let fill = scale(mix(c, [110, 110, 110], 0.15), 0.68);
    CellPaint::Hatch { fill, line: scale(c, 0.35), rising: true }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hatching_alternates_and_is_continuous() {
        let paint = below_paint([100, 200, 50]);
        let colours: Vec<Rgb> = (0..14).map(|x| paint.at(x, 3)).collect();
        assert!(colours.iter().any(|c| *c != colours[0]));
        // Period 7 along a row.
        assert_eq!(colours[0], colours[7]);
    }
}
