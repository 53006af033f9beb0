//! Polar plots of an antenna pattern: the horizontal cut (seen from above,
//! boresight up, clockwise as in the MSI convention) and the vertical cut
//! (seen from the side, boresight to the right, downwards below it), gain
//! in dBi on a radial scale from the peak down to [`DYNAMIC_RANGE_DB`]
//! below it. Pure: returns an image; `examples/antenna_plots.rs` writes the
//! ones in `docs/`.

use image::RgbImage;
use plotters::prelude::*;

use super::legend::{self, Font, TextAnchor};
use crate::antenna::Pattern;
use crate::units::Real;

/// Radial range of the plots, dB below the peak: the centre of each
/// circle is the peak gain minus this.
pub const DYNAMIC_RANGE_DB: Real = 40.0;

/// Radius of each polar panel, pixels.
const RADIUS: f64 = 150.0;
/// Image size.
const WIDTH: u32 = 840;
const HEIGHT: u32 = 470;

/// Where angle `angle_deg` (0 = up, clockwise for the horizontal cut;
/// 0 = right, clockwise = downwards for the vertical cut) at `attenuation`
/// dB below the peak lands, around `centre`.
/// Negative attenuations land outside the peak ring (for labels).
fn polar_point(centre: (f64, f64), angle_deg: Real, attenuation: Real, zero_up: bool) -> (i32, i32) {
    let r = RADIUS * (1.0 - attenuation.min(DYNAMIC_RANGE_DB) / DYNAMIC_RANGE_DB);
    let a = angle_deg.to_radians();
    // Pixel y grows downwards, so "clockwise on screen" is +x then +y.
    let (dx, dy) = if zero_up { (a.sin(), -a.cos()) } else { (a.cos(), a.sin()) };
    ((centre.0 + r * dx).round() as i32, (centre.1 + r * dy).round() as i32)
}

/// The two cuts of `pattern` as polar plots, side by side, with the peak
/// gain, the −3 dB beamwidths and rings every 10 dB.
pub fn pattern_plot(pattern: &Pattern) -> RgbImage {
    legend::ensure_fonts();
    let mut data = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut data, (WIDTH, HEIGHT)).into_drawing_area();
        let title = format!("{}: {:.2} dBi peak", pattern.name, pattern.gain_dbi);
        legend::text(&area, &title, (20, 22), Font::TITLE, TextAnchor::Left);
        let width = |w: Option<Real>| w.map_or_else(|| "omni".to_owned(), |w| format!("{w:.0}°"));
        let panels = [
            (
                (210.0, 255.0),
                format!("horizontal cut (from above), −3 dB: {}", width(pattern.horizontal.half_power_width())),
                &pattern.horizontal,
                true,
            ),
            (
                (630.0, 255.0),
                format!("vertical cut (from the side), −3 dB: {}", width(pattern.vertical.half_power_width())),
                &pattern.vertical,
                false,
            ),
        ];
        for (centre, heading, cut, zero_up) in panels {
            legend::text(&area, &heading, (centre.0 as i32, 58), Font::LABEL, TextAnchor::Centre);
            for ring in 0..=4 {
                let attenuation = ring as Real * 10.0;
                let r = (RADIUS * (1.0 - attenuation / DYNAMIC_RANGE_DB)).round() as i32;
                let colour = if ring == 0 { BLACK.stroke_width(2) } else { RGBColor(190, 190, 190).stroke_width(1) };
                if r > 0 {
                    let _ = area.draw(&Circle::new((centre.0 as i32, centre.1 as i32), r, colour));
                }
                let label = format!("{:.0}", pattern.gain_dbi - attenuation);
                let at = polar_point(centre, if zero_up { 135.0 } else { 45.0 }, attenuation, zero_up);
                if ring < 4 {
                    legend::text(&area, &label, (at.0 + 2, at.1 + 8), Font::FOOTER, TextAnchor::Left);
                }
            }
            for spoke in (0..360).step_by(30) {
                let end = polar_point(centre, spoke as Real, 0.0, zero_up);
                let _ = area.draw(&PathElement::new(
                    vec![(centre.0 as i32, centre.1 as i32), end],
                    RGBColor(215, 215, 215).stroke_width(1),
                ));
            }
            // Direction names at the four ends of each panel.
            let names: [(&str, Real); 4] = if zero_up {
                [("boresight", 0.0), ("right", 90.0), ("back", 180.0), ("left", 270.0)]
            } else {
                [("front", 0.0), ("down", 90.0), ("back", 180.0), ("up", 270.0)]
            };
            for (name, angle) in names {
                let at = polar_point(centre, angle, -DYNAMIC_RANGE_DB * 0.16, zero_up);
                legend::text(&area, name, at, Font::FOOTER, TextAnchor::Centre);
            }
            let curve: Vec<(i32, i32)> =
                (0..=720).map(|i| i as Real * 0.5).map(|a| polar_point(centre, a, cut.at(a), zero_up)).collect();
            let _ = area.draw(&PathElement::new(curve, RGBColor(200, 30, 30).stroke_width(3)));
        }
        legend::text(
            &area,
            &format!("rings every 10 dB (dBi), centre = peak − {DYNAMIC_RANGE_DB:.0} dB"),
            (20, HEIGHT as i32 - 16),
            Font::FOOTER,
            TextAnchor::Left,
        );
    }
    RgbImage::from_raw(WIDTH, HEIGHT, data).unwrap_or_else(|| RgbImage::new(WIDTH, HEIGHT))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The red curve passes through the point the cut's value gives, in
    /// the direction the convention says (here: the patch's boresight up
    /// in the horizontal panel, its back near the centre).
    #[test]
    fn curve_follows_the_cut() {
        let patch = crate::antenna::catalogue::get("patch_60").unwrap();
        let image = pattern_plot(&patch);
        let red = |(x, y): (i32, i32)| {
            (-2..=2).any(|dx| {
                (-2..=2).any(|dy| {
                    let p = image.get_pixel((x + dx) as u32, (y + dy) as u32);
                    p[0] > 150 && p[1] < 90 && p[2] < 90
                })
            })
        };
        let centre = (210.0, 255.0);
        assert!(red(polar_point(centre, 0.0, 0.0, true)), "boresight on the outer ring");
        let side = patch.horizontal.at(90.0);
        assert!(red(polar_point(centre, 90.0, side, true)), "right side at {side} dB");
        assert!(!red(polar_point(centre, 90.0, 0.0, true)), "not on the outer ring at the side");
        // Vertical panel: down is 90° clockwise from the right.
        let down = patch.vertical.at(30.0);
        assert!(red(polar_point((630.0, 255.0), 30.0, down, false)));
    }
}
