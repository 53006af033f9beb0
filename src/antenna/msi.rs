//! The Planet/MSI antenna pattern format (`.msi`, `.pln`), the plain-text
//! format antenna vendors export their patterns in:
//!
//! ```text
//! NAME Example 8 dBi patch
//! MAKE Generic
//! FREQUENCY 5500
//! H_WIDTH 60
//! V_WIDTH 60
//! FRONT_TO_BACK 25
//! GAIN 5.85 dBd
//! TILT MECHANICAL
//! HORIZONTAL 360
//! 0 0.00
//! 1 0.01
//! …
//! VERTICAL 360
//! 0 0.00
//! …
//! ```
//!
//! Header lines are `KEYWORD value`. `GAIN` is required: a number, in dBd
//! unless followed by `dBi` (dBi = dBd + 2.15; `dBd` or `dB` mean dBd).
//! `NAME`, `MAKE`, `FREQUENCY` (MHz) and `COMMENT` are kept; every other
//! header line (`H_WIDTH`, `V_WIDTH`, `FRONT_TO_BACK`, `TILT`,
//! `POLARIZATION`, vendor extensions) is informative and skipped, since the
//! cuts carry the pattern. The reader is strict on the two cuts:
//! `HORIZONTAL n` and `VERTICAL n` each followed by exactly `n` lines
//! `angle attenuation`, angles in degrees strictly increasing in
//! `[0, 360)`, attenuations in dB below the peak (finite, ≥ 0), at least
//! three per cut. Angle conventions: see [`super`].

use super::{Cut, Pattern, PatternSource, DBD_TO_DBI};
use crate::units::Real;

/// A problem in a pattern file, at a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MsiError {
    /// 1-based line of the file.
    pub line: usize,
    /// What is wrong (lowercase, no trailing period).
    pub message: String,
    /// How to fix it, when known.
    pub hint: Option<String>,
}

/// Largest number of values a cut may have (0.01° steps).
const MAX_VALUES: usize = 36_000;

fn error(line: usize, message: impl Into<String>, hint: Option<&str>) -> MsiError {
    MsiError { line, message: message.into(), hint: hint.map(str::to_owned) }
}

/// The cut a `HORIZONTAL`/`VERTICAL` line starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Horizontal,
    Vertical,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::Horizontal => "horizontal",
            Which::Vertical => "vertical",
        }
    }
}

/// Parses the text of a Planet/MSI file.
pub fn parse(text: &str) -> Result<Pattern, MsiError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut name = None;
    let mut make = None;
    let mut comment = None;
    let mut frequency = None;
    let mut gain_dbi = None;
    let mut cuts: [Option<Cut>; 2] = [None, None];
    let mut index = 0;
    while index < lines.len() {
        let number = index + 1;
        let line = lines[index].trim().trim_start_matches('\u{feff}');
        index += 1;
        if line.is_empty() {
            continue;
        }
        let (keyword, rest) = match line.split_once(char::is_whitespace) {
            Some((keyword, rest)) => (keyword, rest.trim()),
            None => (line, ""),
        };
        match keyword.to_ascii_uppercase().as_str() {
            "NAME" => name = Some(rest.to_owned()),
            "MAKE" => make = Some(rest.to_owned()),
            "COMMENT" => comment = Some(rest.to_owned()),
            "FREQUENCY" => {
                frequency = rest.split_whitespace().next().and_then(|v| v.parse::<Real>().ok()).filter(|f| *f > 0.0)
            }
            "GAIN" => gain_dbi = Some(parse_gain(rest, number)?),
            "HORIZONTAL" | "VERTICAL" => {
                let which =
                    if keyword.eq_ignore_ascii_case("HORIZONTAL") { Which::Horizontal } else { Which::Vertical };
                let slot = &mut cuts[which as usize];
                if slot.is_some() {
                    return Err(error(
                        number,
                        format!("a second {} cut", which.name()),
                        Some("a file holds one HORIZONTAL and one VERTICAL cut"),
                    ));
                }
                let (cut, next) = parse_cut(&lines, index, number, which, rest)?;
                *slot = Some(cut);
                index = next;
            }
            _ if looks_numeric(keyword) => {
                return Err(error(
                    number,
                    format!("a value line `{line}` outside a cut"),
                    Some("values follow a `HORIZONTAL n` or `VERTICAL n` line, exactly n of them"),
                ));
            }
            // Every other header line is informative (see the module doc).
            _ => {}
        }
    }
    let end = lines.len().max(1);
    let gain_dbi = gain_dbi.ok_or_else(|| {
        error(end, "no GAIN line", Some("add `GAIN <value> dBi` (or dBd) with the antenna's peak gain"))
    })?;
    let [horizontal, vertical] = cuts;
    let horizontal =
        horizontal.ok_or_else(|| error(end, "no HORIZONTAL cut", Some("add `HORIZONTAL 360` and 360 values")))?;
    let vertical = vertical.ok_or_else(|| error(end, "no VERTICAL cut", Some("add `VERTICAL 360` and 360 values")))?;
    let mut pattern = Pattern::new(name.unwrap_or_else(|| "unnamed".into()), gain_dbi, horizontal, vertical);
    pattern.make = make;
    pattern.description = comment.unwrap_or_default();
    pattern.frequency_mhz = frequency;
    pattern.source = PatternSource::File(Default::default());
    Ok(pattern)
}

fn looks_numeric(token: &str) -> bool {
    token.parse::<Real>().is_ok()
}

/// `GAIN 5.85`, `GAIN 5.85 dBd`, `GAIN 8 dBi` → dBi.
fn parse_gain(rest: &str, line: usize) -> Result<Real, MsiError> {
    let mut words = rest.split_whitespace();
    let value = words.next().and_then(|v| v.parse::<Real>().ok()).filter(|v| v.is_finite());
    let Some(value) = value else {
        return Err(error(
            line,
            format!("GAIN `{rest}` is not a number"),
            Some("write e.g. `GAIN 8 dBi` or `GAIN 5.85 dBd`"),
        ));
    };
    let gain = match words.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("dbd") | Some("db") => value + DBD_TO_DBI,
        Some("dbi") => value,
        Some(other) => {
            return Err(error(
                line,
                format!("unknown gain unit `{other}`"),
                Some("the gain is in dBd unless marked dBi: write `dBd` or `dBi`"),
            ))
        }
    };
    if !(-30.0..=40.0).contains(&gain) {
        return Err(error(
            line,
            format!("GAIN {gain:.2} dBi is outside the plausible range -30 to 40 dBi"),
            Some("check the value and its unit (dBd unless marked dBi)"),
        ));
    }
    Ok(gain)
}

/// Reads the `count` value lines of a cut starting at line index `start`;
/// returns the cut and the index of the line after it.
fn parse_cut(
    lines: &[&str],
    start: usize,
    header_line: usize,
    which: Which,
    count_text: &str,
) -> Result<(Cut, usize), MsiError> {
    let name = which.name();
    let keyword = name.to_ascii_uppercase();
    let count = count_text.split_whitespace().next().and_then(|c| c.parse::<usize>().ok());
    let count = match count {
        Some(n) if (3..=MAX_VALUES).contains(&n) => n,
        _ => {
            return Err(error(
                header_line,
                format!("`{keyword} {count_text}` does not give a number of values"),
                Some(&format!("write `{keyword} 360` followed by 360 lines `angle attenuation`")),
            ))
        }
    };
    let mut samples: Vec<(Real, Real)> = Vec::with_capacity(count);
    let mut index = start;
    while samples.len() < count {
        let Some(raw) = lines.get(index) else {
            return Err(error(
                lines.len().max(1),
                format!("the {name} cut ends after {} of {count} values", samples.len()),
                Some(&format!("`{keyword} {count}` announces {count} lines `angle attenuation`")),
            ));
        };
        let number = index + 1;
        index += 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let values: Vec<Option<Real>> = fields.iter().map(|f| f.parse::<Real>().ok()).collect();
        let (angle, value) = match values.as_slice() {
            [Some(angle), Some(value)] => (*angle, *value),
            [None, ..] if !looks_numeric(fields[0]) => {
                return Err(error(
                    number,
                    format!("the {name} cut ends after {} of {count} values", samples.len()),
                    Some(&format!("`{keyword} {count}` announces {count} lines `angle attenuation`")),
                ))
            }
            _ => {
                return Err(error(
                    number,
                    format!("`{line}` is not `angle attenuation` (two numbers)"),
                    Some("each line of a cut is an angle in degrees and an attenuation in dB"),
                ))
            }
        };
        if !(angle.is_finite() && (0.0..360.0).contains(&angle)) {
            return Err(error(
                number,
                format!("{name} angle {angle} is outside 0 to 360 degrees"),
                Some("angles go from 0 up to, not including, 360"),
            ));
        }
        if let Some(&(previous, _)) = samples.last() {
            if angle <= previous {
                return Err(error(
                    number,
                    format!("{name} angle {angle} does not follow {previous} (angles must increase)"),
                    Some("list each angle once, in increasing order"),
                ));
            }
        }
        if !value.is_finite() || value < 0.0 {
            return Err(error(
                number,
                format!("{name} attenuation {value} dB at {angle} degrees is negative or not a number"),
                Some("cuts hold the attenuation below the peak gain: 0 at the peak, positive elsewhere"),
            ));
        }
        if value > 100.0 {
            return Err(error(
                number,
                format!("{name} attenuation {value} dB at {angle} degrees is implausible"),
                Some("cuts hold the attenuation below the peak gain in dB, at most 100"),
            ));
        }
        samples.push((angle, value));
    }
    // Anything numeric right after the last value is one value too many.
    let mut after = index;
    while after < lines.len() && lines[after].trim().is_empty() {
        after += 1;
    }
    if let Some(first) = lines.get(after).and_then(|l| l.split_whitespace().next()) {
        if looks_numeric(first) {
            return Err(error(
                after + 1,
                format!("the {name} cut has more than the {count} values announced"),
                Some(&format!("fix the count on the `{keyword}` line or remove the extra values")),
            ));
        }
    }
    Ok((Cut::from_samples(&samples), index))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn file(gain: &str, horizontal: &dyn Fn(u32) -> f64, vertical: &dyn Fn(u32) -> f64) -> String {
        let mut text = format!("NAME test pattern\nMAKE Acme\nFREQUENCY 5500\nH_WIDTH 60\n{gain}\nTILT ELECTRICAL\nX_VENDOR whatever 1 2\nHORIZONTAL 360\n");
        for a in 0..360 {
            text.push_str(&format!("{a} {:.2}\n", horizontal(a)));
        }
        text.push_str("VERTICAL 360\n");
        for a in 0..360 {
            text.push_str(&format!("{a}\t{:.2}\r\n", vertical(a)));
        }
        text
    }

    fn flat(_: u32) -> f64 {
        0.0
    }

    #[test]
    fn reads_header_gain_units_and_cuts() {
        let p = parse(&file("GAIN 5.85", &|a| a as f64 / 10.0, &flat)).unwrap();
        assert_eq!(p.name, "test pattern");
        assert_eq!(p.make.as_deref(), Some("Acme"));
        assert_eq!(p.frequency_mhz, Some(5500.0));
        assert_relative_eq!(p.gain_dbi, 8.0, epsilon = 1e-12);
        assert_relative_eq!(p.horizontal.at(123.0), 12.3, epsilon = 1e-5);
        assert_relative_eq!(p.horizontal.at(123.5), 12.35, epsilon = 1e-5);
        assert_relative_eq!(parse(&file("GAIN 8 dBi", &flat, &flat)).unwrap().gain_dbi, 8.0);
        assert_relative_eq!(parse(&file("gain 3 DBD", &flat, &flat)).unwrap().gain_dbi, 5.15);
    }

    fn problem(text: &str) -> MsiError {
        parse(text).expect_err("a malformed file")
    }

    #[test]
    fn strict_on_the_cuts() {
        let good = file("GAIN 8 dBi", &flat, &flat);
        let lines: Vec<&str> = good.lines().collect();
        // A value removed from the horizontal cut: the cut runs into VERTICAL.
        let short: String = lines.iter().enumerate().filter(|(i, _)| *i != 20).map(|(_, l)| format!("{l}\n")).collect();
        let e = problem(&short);
        assert_eq!(e.line, 368);
        assert!(e.message.contains("horizontal cut ends after 359 of 360"), "{}", e.message);
        // A value too many at the end.
        let e = problem(&format!("{good}360 1.0\n"));
        assert!(e.message.contains("more than the 360 values"), "{}", e.message);
        assert_eq!(e.line, 730);
        // Not a number.
        let bad = good.replacen("17 0.00", "17 zero", 1);
        let e = problem(&bad);
        assert_eq!(e.line, 26);
        assert!(e.message.contains("not `angle attenuation`"), "{}", e.message);
        // Angles out of order.
        let e = problem(&good.replacen("17 0.00", "16 0.00", 1));
        assert!(e.message.contains("angle 16 does not follow 16"), "{}", e.message);
        // Negative attenuation.
        let e = problem(&good.replacen("17 0.00", "17 -3", 1));
        assert!(e.message.contains("negative"), "{}", e.message);
        // No gain, a bad gain, a bad count.
        assert!(problem(&good.replacen("GAIN 8 dBi\n", "", 1)).message.contains("no GAIN"));
        assert_eq!(problem(&good.replacen("GAIN 8 dBi", "GAIN eight", 1)).line, 5);
        assert!(problem(&good.replacen("GAIN 8 dBi", "GAIN 8 dBm", 1)).message.contains("unknown gain unit"));
        let e = problem(&good.replacen("HORIZONTAL 360", "HORIZONTAL", 1));
        assert_eq!(e.line, 8);
        // No vertical cut at all.
        let cut_off: String = lines[..368].iter().map(|l| format!("{l}\n")).collect();
        assert!(problem(&cut_off).message.contains("no VERTICAL cut"));
        // Values before any cut.
        assert_eq!(problem(&format!("0 0.0\n{good}")).line, 1);
    }

    #[test]
    fn lenient_on_other_headers_and_round_trips() {
        let p = parse(&file("GAIN 8 dBi", &|a| (a % 7) as f64, &|a| (a % 5) as f64)).unwrap();
        let again = parse(&p.to_msi()).unwrap();
        for a in 0..720 {
            let angle = a as f64 / 2.0;
            assert_relative_eq!(again.horizontal.at(angle), p.horizontal.at(angle), epsilon = 1e-5);
            assert_relative_eq!(again.vertical.at(angle), p.vertical.at(angle), epsilon = 1e-5);
        }
        assert_relative_eq!(again.gain_dbi, 8.0);
    }
}
