//! Colour ramps as data and the fixed scales that map dBm or dB to colour.
//!
//! Every ramp is a short table of stops sampled from published colour-map
//! data and interpolated linearly in sRGB between them. Sixteen stops
//! reproduce the 256-entry originals within 7/255 per channel, which is
//! invisible on a heatmap and keeps the tables readable.
//!
//! * [`TURBO`]: Turbo, A. Mikhailov, "Turbo, An Improved Rainbow Colormap
//!   for Visualization", Google AI Blog, 2019-08-20 (lookup table published
//!   under Apache-2.0). Entries 0, 17, 34, … 255 of the 256-entry table.
//!   Dark blue-purple → blue → cyan → green → yellow → orange → dark red: a
//!   rainbow whose lightness rises and falls smoothly, without jet's false
//!   bands.
//! * [`VIRIDIS`]: viridis, S. van der Walt and N. Smith, matplotlib 1.5
//!   (2015), CC0. Entries 0, 17, … 255. Dark purple → teal → yellow with
//!   lightness strictly increasing: perceptually uniform.
//! * [`RD_BU`]: ColorBrewer "RdBu", 11 classes (C. Brewer, Penn State,
//!   colorbrewer2.org, Apache-2.0), diverging through a near-white centre.
//! * [`AP_PALETTE`]: 12 qualitative colours for "which AP serves here":
//!   Tableau 10 (M. Stone, Tableau, 2016) without its grey, plus d3's
//!   category10 cyan and olive and a dark navy, so that no AP colour can be
//!   mistaken for the grey of walls or of "no server".

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// Turbo, 16 stops (see the module docs for the source).
pub const TURBO: &[(f32, Rgb)] = &[
    (0.0 / 15.0, [48, 18, 59]),
    (1.0 / 15.0, [65, 67, 167]),
    (2.0 / 15.0, [71, 113, 233]),
    (3.0 / 15.0, [62, 155, 254]),
    (4.0 / 15.0, [34, 197, 226]),
    (5.0 / 15.0, [26, 228, 182]),
    (6.0 / 15.0, [70, 248, 132]),
    (7.0 / 15.0, [136, 255, 78]),
    (8.0 / 15.0, [185, 246, 53]),
    (9.0 / 15.0, [225, 221, 55]),
    (10.0 / 15.0, [250, 186, 57]),
    (11.0 / 15.0, [253, 141, 39]),
    (12.0 / 15.0, [240, 91, 18]),
    (13.0 / 15.0, [214, 53, 6]),
    (14.0 / 15.0, [175, 24, 1]),
    (1.0, [122, 4, 3]),
];

/// Viridis, 16 stops (see the module docs for the source).
pub const VIRIDIS: &[(f32, Rgb)] = &[
    (0.0 / 15.0, [68, 1, 84]),
    (1.0 / 15.0, [72, 26, 108]),
    (2.0 / 15.0, [71, 47, 125]),
    (3.0 / 15.0, [65, 68, 135]),
    (4.0 / 15.0, [57, 86, 140]),
    (5.0 / 15.0, [49, 104, 142]),
    (6.0 / 15.0, [42, 120, 142]),
    (7.0 / 15.0, [35, 136, 142]),
    (8.0 / 15.0, [31, 152, 139]),
    (9.0 / 15.0, [34, 168, 132]),
    (10.0 / 15.0, [53, 183, 121]),
    (11.0 / 15.0, [84, 197, 104]),
    (12.0 / 15.0, [122, 209, 81]),
    (13.0 / 15.0, [165, 219, 54]),
    (14.0 / 15.0, [210, 226, 27]),
    (1.0, [253, 231, 37]),
];

/// ColorBrewer RdBu, 11 classes: dark red (position 0) → white (0.5) →
/// dark blue (1).
pub const RD_BU: &[(f32, Rgb)] = &[
    (0.0, [103, 0, 31]),
    (0.1, [178, 24, 43]),
    (0.2, [214, 96, 77]),
    (0.3, [244, 165, 130]),
    (0.4, [253, 219, 199]),
    (0.5, [247, 247, 247]),
    (0.6, [209, 229, 240]),
    (0.7, [146, 197, 222]),
    (0.8, [67, 147, 195]),
    (0.9, [33, 102, 172]),
    (1.0, [5, 48, 97]),
];

/// Categorical colours for serving APs (see the module docs for the source).
pub const AP_PALETTE: [Rgb; 12] = [
    [78, 121, 167],  // blue (Tableau 10)
    [242, 142, 43],  // orange
    [225, 87, 89],   // red
    [118, 183, 178], // teal
    [89, 161, 79],   // green
    [237, 201, 72],  // yellow
    [176, 122, 161], // purple
    [255, 157, 167], // pink
    [156, 117, 95],  // brown
    [23, 190, 207],  // cyan (d3 category10)
    [188, 189, 34],  // olive (d3 category10)
    [31, 59, 115],   // navy
];

/// Colour of a cell with no value (`NaN`: inside a wall, or undefined).
pub const NO_DATA: Rgb = [228, 228, 228];

/// A fixed mapping from a value (dBm or dB) to a colour, with the marks
/// drawn on its colour bar. Fixed ranges, so that two images made with the
/// same scale compare pixel for pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct ColorScale {
    /// Value at the first stop; lower values get the first stop's colour.
    pub min: f32,
    /// Value at the last stop; higher values get the last stop's colour.
    pub max: f32,
    /// Ramp: positions in 0..=1 (increasing) and their colours.
    pub stops: &'static [(f32, Rgb)],
    /// Unit shown on the colour bar (`dBm`, `dB`).
    pub unit: &'static str,
    /// What is shown (`RSSI`, `SINR`, …).
    pub label: &'static str,
    /// Name and source of the ramp, for the image footer.
    pub ramp: &'static str,
    /// Values marked by a line across the colour bar, with their labels
    /// (the coverage threshold, SINR grades, …).
    pub marks: Vec<(f32, String)>,
}

/// Lower end of the RSSI scale, dBm: about the noise floor of a 20 MHz
/// channel, below which nothing decodes.
pub const RSSI_MIN_DBM: f32 = -95.0;
/// Upper end of the RSSI scale, dBm: a client a few metres from an AP.
pub const RSSI_MAX_DBM: f32 = -30.0;
/// Lower end of the SINR scale, dB.
pub const SINR_MIN_DB: f32 = -5.0;
/// Upper end of the SINR scale, dB (enough for the highest MCS).
pub const SINR_MAX_DB: f32 = 40.0;
/// Half-range of the difference colour scale (`compare`), dB: fixed so
/// that two comparisons' images compare; larger differences are clamped (a
/// 1.2 m stone wall instead of plasterboard is far beyond it anyway).
pub const DELTA_RANGE_DB: f32 = 20.0;

impl ColorScale {
    /// Received power: Turbo from −95 dBm (dark blue-purple) to −30 dBm
    /// (dark red), with the coverage threshold marked.
    pub fn rssi(threshold_dbm: f64) -> Self {
        let mut marks = Vec::new();
        if threshold_dbm.is_finite() {
            marks.push((threshold_dbm as f32, format!("{} threshold", format_db(threshold_dbm as f32))));
        }
        ColorScale {
            min: RSSI_MIN_DBM,
            max: RSSI_MAX_DBM,
            stops: TURBO,
            unit: "dBm",
            label: "RSSI",
            ramp: "Turbo (Mikhailov, Google 2019)",
            marks,
        }
    }

    /// Signal to interference plus noise: viridis from −5 dB to 40 dB, with
    /// marks at 0 dB (signal equals interference plus noise), 10 dB (the
    /// lowest rates only) and 25 dB (the SNR commonly asked of voice-grade
    /// Wi-Fi, e.g. Cisco's Voice over WLAN design guide).
    pub fn sinr() -> Self {
        ColorScale {
            min: SINR_MIN_DB,
            max: SINR_MAX_DB,
            stops: VIRIDIS,
            unit: "dB",
            label: "SINR",
            ramp: "viridis (van der Walt & Smith, matplotlib 2015)",
            marks: vec![
                (0.0, "0 dB".to_owned()),
                (10.0, "10 dB low rates".to_owned()),
                (25.0, "25 dB voice".to_owned()),
            ],
        }
    }

    /// A difference in dB, diverging around 0: red for losses down to
    /// `-range`, white at 0, blue for gains up to `+range`. A non-finite or
    /// non-positive `range` falls back to 20 dB.
    pub fn delta_db(range: f32) -> Self {
        let range = if range.is_finite() && range > 0.0 { range } else { 20.0 };
        ColorScale {
            min: -range,
            max: range,
            stops: RD_BU,
            unit: "dB",
            label: "difference",
            ramp: "ColorBrewer RdBu (Brewer, colorbrewer2.org)",
            marks: vec![(0.0, "0 dB".to_owned())],
        }
    }

    /// Where `value` falls on the ramp, 0..=1 (clamped; `-∞` is 0, `+∞`
    /// is 1). `None` for `NaN`.
    pub fn position(&self, value: f32) -> Option<f32> {
        if value.is_nan() {
            return None;
        }
        let span = self.max - self.min;
        if !(span.is_finite() && span > 0.0) {
            return Some(if value >= self.max { 1.0 } else { 0.0 });
        }
        Some(((value - self.min) / span).clamp(0.0, 1.0))
    }

    /// The colour of `value`: clamped to the ends of the scale, [`NO_DATA`]
    /// for `NaN`.
    pub fn color(&self, value: f32) -> Rgb {
        match self.position(value) {
            Some(t) => ramp(self.stops, t),
            None => NO_DATA,
        }
    }

    /// Values for labelled ticks on the colour bar: multiples of a round
    /// step (1, 2, 2.5 or 5 × 10ⁿ) giving at most 10 ticks.
    pub fn ticks(&self) -> Vec<f32> {
        let span = (self.max - self.min) as f64;
        if !(span.is_finite() && span > 0.0) {
            return vec![self.min];
        }
        let raw = span / 10.0;
        let power = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * power).find(|&s| s >= raw).unwrap_or(10.0 * power);
        let first = (self.min as f64 / step).ceil() as i64;
        let last = (self.max as f64 / step).floor() as i64;
        (first..=last).take(64).map(|k| (k as f64 * step) as f32).collect()
    }
}

/// The colour at `t` (0..=1) along a ramp of stops. Empty ramps are grey.
pub fn ramp(stops: &[(f32, Rgb)], t: f32) -> Rgb {
    let Some(&(first_at, first)) = stops.first() else { return NO_DATA };
    let t = if t.is_nan() { 0.0 } else { t };
    if t <= first_at {
        return first;
    }
    for pair in stops.windows(2) {
        let ((a_at, a), (b_at, b)) = (pair[0], pair[1]);
        if t <= b_at {
            let f = if b_at > a_at { (t - a_at) / (b_at - a_at) } else { 1.0 };
            return mix(a, b, f);
        }
    }
    stops[stops.len() - 1].1
}

/// `a` moved a fraction `t` (0..=1) of the way to `b`.
pub fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let t = t.clamp(0.0, 1.0);
    let channel = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round().clamp(0.0, 255.0) as u8;
    [channel(a[0], b[0]), channel(a[1], b[1]), channel(a[2], b[2])]
}

/// Every channel scaled by `factor` (< 1 darkens).
pub fn scale(c: Rgb, factor: f32) -> Rgb {
    let channel = |x: u8| (x as f32 * factor).round().clamp(0.0, 255.0) as u8;
    [channel(c[0]), channel(c[1]), channel(c[2])]
}

/// Relative luminance in 0..=1 of the sRGB values taken as linear
/// (Rec. 709 weights): enough to order and grey colours, not a colorimetric
/// measure.
pub fn luma(c: Rgb) -> f32 {
    (0.2126 * c[0] as f32 + 0.7152 * c[1] as f32 + 0.0722 * c[2] as f32) / 255.0
}

/// The grey of the same luma.
pub fn grey_of(c: Rgb) -> Rgb {
    let v = (luma(c) * 255.0).round() as u8;
    [v, v, v]
}

/// How a cell below its coverage threshold is shown: its colour, two thirds
/// desaturated and darkened to 70 %, so that "enough signal" stays vivid
/// and "not enough" recedes. Returns (fill, hatch line).
pub fn below_threshold(c: Rgb) -> (Rgb, Rgb) {
    let fill = scale(mix(c, grey_of(c), 0.65), 0.7);
    (fill, scale(fill, 0.55))
}

/// How a cell outside the building and every room is shown: 65 % of the
/// way to white.
pub fn faded(c: Rgb) -> Rgb {
    mix(c, [255, 255, 255], 0.65)
}

/// The value as the colour bar prints it: integer when whole, one decimal
/// otherwise, with a real minus sign.
pub fn format_db(value: f32) -> String {
    let text = if (value - value.round()).abs() < 0.05 { format!("{:.0}", value) } else { format!("{:.1}", value) };
    let text = if text == "-0" { "0".to_owned() } else { text };
    text.replace('-', "\u{2212}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: Rgb, b: Rgb) -> i32 {
        (0..3).map(|i| (a[i] as i32 - b[i] as i32).abs()).sum()
    }

    #[test]
    fn ramps_are_sorted_and_span_zero_to_one() {
        for stops in [TURBO, VIRIDIS, RD_BU] {
            assert_eq!(stops[0].0, 0.0);
            assert_eq!(stops[stops.len() - 1].0, 1.0);
            assert!(stops.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    #[test]
    fn rssi_endpoints_and_clamping() {
        let s = ColorScale::rssi(-67.0);
        assert_eq!(s.color(-95.0), TURBO[0].1);
        assert_eq!(s.color(-30.0), TURBO[15].1);
        assert_eq!(s.color(-200.0), TURBO[0].1);
        assert_eq!(s.color(f32::NEG_INFINITY), TURBO[0].1);
        assert_eq!(s.color(10.0), TURBO[15].1);
        assert_eq!(s.color(f32::INFINITY), TURBO[15].1);
        assert_eq!(s.color(f32::NAN), NO_DATA);
        // Low end blue-purple, high end red.
        let (low, high) = (s.color(-95.0), s.color(-30.0));
        assert!(low[2] > low[0] && high[0] > high[2]);
        assert_eq!(s.marks, vec![(-67.0, "\u{2212}67 threshold".to_owned())]);
    }

    #[test]
    fn scales_are_continuous_and_never_stall() {
        // Monotonic along the ramp: every 0.5 dB step moves to a new colour,
        // and by a small amount (no jumps between stops).
        for s in [ColorScale::rssi(-67.0), ColorScale::sinr(), ColorScale::delta_db(20.0)] {
            let steps = ((s.max - s.min) / 0.5) as i32;
            let mut previous = s.color(s.min);
            for k in 1..=steps {
                let c = s.color(s.min + k as f32 * 0.5);
                let d = distance(c, previous);
                assert!(d > 0 && d < 80, "{} at step {k}: {previous:?} -> {c:?}", s.label);
                previous = c;
            }
        }
    }

    #[test]
    fn sinr_lightness_increases_monotonically() {
        let s = ColorScale::sinr();
        let mut previous = -1.0;
        for k in 0..=90 {
            let l = luma(s.color(-5.0 + k as f32 * 0.5));
            assert!(l >= previous, "luma fell at {k}");
            previous = l;
        }
        assert!(luma(s.color(40.0)) > luma(s.color(-5.0)) + 0.5);
    }

    #[test]
    fn delta_is_centred_on_zero() {
        let s = ColorScale::delta_db(10.0);
        assert_eq!(s.color(0.0), [247, 247, 247]);
        let (loss, gain) = (s.color(-10.0), s.color(10.0));
        assert!(loss[0] > loss[2] && gain[2] > gain[0]);
        assert_eq!(ColorScale::delta_db(f32::NAN).max, 20.0);
    }

    #[test]
    fn below_threshold_colours_are_distinct_and_darker() {
        let s = ColorScale::rssi(-67.0);
        for v in [-94.0, -80.0, -68.0, -60.0, -40.0] {
            let c = s.color(v);
            let (fill, line) = below_threshold(c);
            assert!(distance(fill, c) > 60, "{v}: {c:?} vs {fill:?}");
            assert!(luma(fill) < luma(c) && luma(line) < luma(fill));
        }
    }

    #[test]
    fn palette_colours_are_distinct_and_not_grey() {
        for (i, a) in AP_PALETTE.iter().enumerate() {
            let spread = a.iter().max().unwrap() - a.iter().min().unwrap();
            assert!(spread > 40, "{a:?} is too grey");
            for b in &AP_PALETTE[i + 1..] {
                assert!(distance(*a, *b) > 60, "{a:?} ~ {b:?}");
            }
        }
    }

    #[test]
    fn ticks_are_round() {
        let ticks = ColorScale::rssi(-67.0).ticks();
        assert_eq!(ticks, vec![-90.0, -80.0, -70.0, -60.0, -50.0, -40.0, -30.0]);
        assert_eq!(ColorScale::sinr().ticks().len(), 10);
        assert_eq!(format_db(-67.0), "\u{2212}67");
        assert_eq!(format_db(2.5), "2.5");
        assert_eq!(format_db(-0.0), "0");
    }
}
