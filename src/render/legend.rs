//! Everything around the plan: title, colour bar with ticks and marks, the
//! key of plan symbols, the serving-AP key, scale bar, north arrow and
//! footer. Text is drawn by plotters with the DejaVu Sans font embedded
//! through the `dejavu` crate (DejaVu fonts: Bitstream Vera licence plus
//! public-domain changes, free to embed and redistribute), registered once
//! per process as the `sans-serif` family.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle};

use super::colormap::{format_db, ColorScale, Rgb};
use super::paint::{CellPaint, Raster};

/// Registers DejaVu Sans (regular and bold) with plotters, once.
pub fn ensure_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // Both fonts are valid TrueType files shipped inside the `dejavu`
        // crate; a failure would only leave text undrawn, never panic.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

/// A text style: size (plotters' size: DejaVu's em is `size / 1.16`
/// pixels, capitals are ~0.63·size tall), weight and colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Font {
    /// Size, pixels.
    pub size: f64,
    /// Bold.
    pub bold: bool,
    /// Colour.
    pub colour: Rgb,
}

impl Font {
    /// The title line.
    pub const TITLE: Font = Font { size: 24.0, bold: true, colour: [0, 0, 0] };
    /// Panel headings.
    pub const HEADING: Font = Font { size: 17.0, bold: true, colour: [0, 0, 0] };
    /// Tick labels and key entries (em 13.8 px).
    pub const LABEL: Font = Font { size: 16.0, bold: false, colour: [0, 0, 0] };
    /// Colour-bar marks, AP labels.
    pub const LABEL_BOLD: Font = Font { size: 16.0, bold: true, colour: [0, 0, 0] };
    /// Room names.
    pub const ROOM: Font = Font { size: 16.0, bold: true, colour: [20, 20, 20] };
    /// Room names too wide for their room at [`Font::ROOM`] (em 12 px: the
    /// smallest text in the images).
    pub const ROOM_SMALL: Font = Font { size: 14.0, bold: true, colour: [20, 20, 20] };
    /// The footer.
    pub const FOOTER: Font = Font { size: 15.0, bold: false, colour: [80, 80, 80] };

    fn desc(&self) -> FontDesc<'static> {
        let style = if self.bold { FontStyle::Bold } else { FontStyle::Normal };
        FontDesc::new(FontFamily::SansSerif, self.size, style)
    }
}

/// Width and height (pixels) plotters gives a text in this font.
pub fn text_size(text: &str, font: Font) -> (i32, i32) {
    ensure_fonts();
    let guess = (text.chars().count() as i32 * font.size as i32 / 2, font.size as i32);
    font.desc().box_size(text).map_or(guess, |(w, h)| (w.min(100_000) as i32, h.min(100_000) as i32))
}

/// Horizontal anchoring of [`text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextAnchor {
    /// `at` is the left end.
    Left,
    /// `at` is the middle.
    Centre,
    /// `at` is the right end.
    Right,
}

/// Draws `text` with its capital letters vertically centred on `at.1`.
pub fn text(area: &DrawingArea<BitMapBackend, Shift>, text: &str, at: (i32, i32), font: Font, anchor: TextAnchor) {
    // plotters' ab_glyph backend puts the baseline at `top + size/2`; DejaVu
    // capitals are ~0.63·size tall, so their middle is at `top + 0.19·size`.
    let h = match anchor {
        TextAnchor::Left => HPos::Left,
        TextAnchor::Centre => HPos::Center,
        TextAnchor::Right => HPos::Right,
    };
    let [r, g, b] = font.colour;
    let style = font.desc().color(&RGBColor(r, g, b)).pos(Pos::new(h, VPos::Top));
    let top = at.1 - (0.19 * font.size).round() as i32;
    let _ = area.draw(&Text::new(text.to_owned(), (at.0, top), style));
}

/// `text`, shortened with an ellipsis to fit in `max_width` pixels.
pub fn fit(text: &str, font: Font, max_width: i32) -> String {
    if text_size(text, font).0 <= max_width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "\u{2026}";
        if text_size(&candidate, font).0 <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    chars[..lo].iter().collect::<String>() + "\u{2026}"
}

/// Splits `text` at spaces into lines no wider than `max_width` pixels.
pub fn wrap(text: &str, font: Font, max_width: i32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if !line.is_empty() && text_size(&candidate, font).0 > max_width {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Line height of a label row in keys, pixels.
pub const ROW: i32 = 24;

/// Geometry of the vertical colour bar.
#[derive(Clone, Copy, Debug)]
pub struct BarGeometry {
    /// Left edge.
    pub x: i32,
    /// Top edge (the scale's maximum).
    pub top: i32,
    /// Width.
    pub width: i32,
    /// Height.
    pub height: i32,
}

impl BarGeometry {
    /// Pixel row of `value` (clamped to the bar).
    pub fn y_of(&self, scale: &ColorScale, value: f32) -> i32 {
        let t = scale.position(value).unwrap_or(0.0) as f64;
        self.top + ((1.0 - t) * (self.height - 1) as f64).round() as i32
    }
}

/// Fills the colour bar's gradient, maximum at the top.
pub fn paint_colour_bar(raster: &mut Raster, bar: &BarGeometry, scale: &ColorScale) {
    for k in 0..bar.height.max(0) {
        let t = if bar.height > 1 { 1.0 - k as f32 / (bar.height - 1) as f32 } else { 1.0 };
        let value = scale.min + t * (scale.max - scale.min);
        let c = scale.color(value);
        let y = (bar.top + k) as i64;
        for x in bar.x..bar.x + bar.width {
            raster.put(x as i64, y, c);
        }
    }
}

/// Heading, frame, ticks, tick labels and marks of the colour bar.
pub fn draw_colour_bar(area: &DrawingArea<BitMapBackend, Shift>, bar: &BarGeometry, scale: &ColorScale) {
    let heading = format!("{} ({})", scale.label, scale.unit);
    text(area, &heading, (bar.x, bar.top - 22), Font::HEADING, TextAnchor::Left);
    let (x0, x1) = (bar.x, bar.x + bar.width);
    let _ = area.draw(&Rectangle::new([(x0 - 1, bar.top - 1), (x1, bar.top + bar.height)], BLACK.stroke_width(1)));
    let mark_rows: Vec<i32> =
        scale.marks.iter().filter(|(v, _)| v.is_finite()).map(|(v, _)| bar.y_of(scale, *v)).collect();
    for value in scale.ticks() {
        let y = bar.y_of(scale, value);
        let _ = area.draw(&PathElement::new(vec![(x1, y), (x1 + 6, y)], BLACK.stroke_width(1)));
        // A mark's label takes the place of a tick label it would collide
        // with.
        if mark_rows.iter().all(|&m| (m - y).abs() > 18) {
            text(area, &format_db(value), (x1 + 10, y), Font::LABEL, TextAnchor::Left);
        }
    }
    for (value, label) in &scale.marks {
        if !value.is_finite() {
            continue;
        }
        let y = bar.y_of(scale, *value);
        let _ = area.draw(&PathElement::new(vec![(x0 - 6, y), (x1 + 6, y)], WHITE.stroke_width(4)));
        let _ = area.draw(&PathElement::new(vec![(x0 - 6, y), (x1 + 6, y)], BLACK.stroke_width(2)));
        text(area, label, (x1 + 10, y), Font::LABEL_BOLD, TextAnchor::Left);
    }
}

/// One entry of a key: a swatch and its text.
#[derive(Clone, Debug)]
pub struct KeyEntry {
    /// How the swatch is painted.
    pub paint: CellPaint,
    /// Text.
    pub label: String,
}

/// Size of key swatches, pixels.
pub const SWATCH: i32 = 18;

/// Paints the swatches of a key starting at `(x, top)`, one per [`ROW`].
pub fn paint_key(raster: &mut Raster, x: i32, top: i32, entries: &[KeyEntry]) {
    for (k, entry) in entries.iter().enumerate() {
        let y = top + k as i32 * ROW + (ROW - SWATCH) / 2;
        raster.fill(x as i64, y as i64, (x + SWATCH) as i64, (y + SWATCH) as i64, entry.paint);
    }
}

/// Heading, swatch frames and texts of a key starting at `(x, top)`.
pub fn draw_key(
    area: &DrawingArea<BitMapBackend, Shift>,
    x: i32,
    top: i32,
    heading: &str,
    entries: &[KeyEntry],
    max_width: i32,
) {
    text(area, heading, (x, top - ROW / 2 - 2), Font::HEADING, TextAnchor::Left);
    for (k, entry) in entries.iter().enumerate() {
        let y = top + k as i32 * ROW + (ROW - SWATCH) / 2;
        let _ = area.draw(&Rectangle::new([(x - 1, y - 1), (x + SWATCH, y + SWATCH)], BLACK.stroke_width(1)));
        let label = fit(&entry.label, Font::LABEL, max_width - SWATCH - 10);
        text(area, &label, (x + SWATCH + 8, y + SWATCH / 2), Font::LABEL, TextAnchor::Left);
    }
}

/// The scale-bar length for a plan drawn at `ppm` pixels per metre: the
/// longest round length (1, 2 or 5 × 10ⁿ m) at most `max_px` pixels long.
pub fn scale_bar_metres(ppm: f64, max_px: f64) -> f64 {
    if !(ppm.is_finite() && ppm > 0.0 && max_px > 0.0) {
        return 1.0;
    }
    let mut best = 0.01;
    for exponent in -2..=5 {
        for m in [1.0, 2.0, 5.0] {
            let length = m * 10f64.powi(exponent);
            if length * ppm <= max_px {
                best = length;
            }
        }
    }
    best
}

/// Draws a two-part scale bar of `metres` with its left end at `(x, y)`,
/// followed by a north arrow. Returns the right end of what was drawn.
pub fn draw_scale_bar(area: &DrawingArea<BitMapBackend, Shift>, x: i32, y: i32, metres: f64, ppm: f64) -> i32 {
    let length = ((metres * ppm).round() as i32).clamp(4, 4000);
    let half = length / 2;
    let h = 8;
    let _ = area.draw(&Rectangle::new([(x, y), (x + half, y + h)], BLACK.filled()));
    let _ = area.draw(&Rectangle::new([(x + half, y), (x + length, y + h)], WHITE.filled()));
    let _ = area.draw(&Rectangle::new([(x, y), (x + length, y + h)], BLACK.stroke_width(1)));
    let unit = |m: f64| if m >= 1.0 { format!("{} m", m) } else { format!("{} cm", (m * 100.0).round()) };
    text(area, "0", (x, y + h + 12), Font::LABEL, TextAnchor::Centre);
    text(area, &unit(metres), (x + length, y + h + 12), Font::LABEL, TextAnchor::Centre);
    // North arrow: a filled triangle pointing up, "N" beside it.
    let (ax, label_w) = (x + length + 40, text_size("N", Font::HEADING).0);
    let _ =
        area.draw(&Polygon::new(vec![(ax, y - 10), (ax - 7, y + 12), (ax, y + 7), (ax + 7, y + 12)], BLACK.filled()));
    text(area, "N", (ax + 11, y + 2), Font::HEADING, TextAnchor::Left);
    ax + 11 + label_w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_with_the_embedded_font() {
        let (w, h) = text_size("Salle S101", Font::LABEL);
        assert!(w > 50 && w < 150, "{w}");
        assert!(h >= 12, "{h}");
        assert!(text_size("WWWW", Font::LABEL_BOLD).0 > text_size("iiii", Font::LABEL_BOLD).0);
    }

    #[test]
    fn fitting_and_wrapping() {
        let long = "Lycée Darche (Longwy) — aile des salles de cours — rdc — RSSI (best server)";
        let short = fit(long, Font::TITLE, 300);
        assert!(short.ends_with('\u{2026}') && text_size(&short, Font::TITLE).0 <= 300);
        assert_eq!(fit("AP1", Font::LABEL, 300), "AP1");
        let lines = wrap(long, Font::FOOTER, 250);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), long);
    }

    #[test]
    fn scale_bar_lengths_are_round() {
        assert_eq!(scale_bar_metres(35.0, 300.0), 5.0);
        assert_eq!(scale_bar_metres(8.0, 300.0), 20.0);
        assert_eq!(scale_bar_metres(60.0, 300.0), 5.0);
        assert_eq!(scale_bar_metres(1.0, 300.0), 200.0);
        assert_eq!(scale_bar_metres(f64::NAN, 300.0), 1.0);
    }
}
