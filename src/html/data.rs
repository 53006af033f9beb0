//! Per-cell data embedded in `report.html`, compact and exact to 0.1 dB.
//!
//! A layer is a flat row-major array (the grid's own layout, row 0 at the
//! south edge) of fixed-width little-endian integers, compressed with zlib
//! (RFC 1950, which the browser's `DecompressionStream('deflate')` reads)
//! and written as standard base64 (`atob`). Decibel values are quantised
//! to 0.1 dB as `i16` (±3276 dB, far beyond any physical value), with
//! three reserved codes:
//!
//! | code | meaning |
//! |---|---|
//! | [`DB_NO_DATA`] (−32768) | `NaN`: no value (inside a wall, outside the grid) |
//! | [`DB_NEG_INF`] (−32767) | −∞: no AP reaches (or a delta where only the base had signal) |
//! | [`DB_POS_INF`] (32767) | +∞: a delta where only the candidate has signal |
//!
//! Indices (serving AP, room) are `u16` with [`INDEX_NONE`] for none, and
//! cell classes `u8`. The page's script decodes exactly what
//! [`decode_i16`] and [`decode_u16`] decode here; the tests check the round
//! trip against the grids.

use serde::Serialize;

/// `i16` code of a missing value (`NaN`).
pub const DB_NO_DATA: i16 = i16::MIN;
/// `i16` code of −∞.
pub const DB_NEG_INF: i16 = i16::MIN + 1;
/// `i16` code of +∞.
pub const DB_POS_INF: i16 = i16::MAX;
/// Largest finite code magnitude (±3276.6 dB); larger values are clamped.
pub const DB_MAX_CODE: i16 = i16::MAX - 1;
/// `u16` code of "no index" (no serving AP, no room).
pub const INDEX_NONE: u16 = u16::MAX;

/// One encoded array, as the page's JSON carries it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Packed {
    /// Element type: `i16`, `u16` or `u8`.
    #[serde(rename = "t")]
    pub kind: &'static str,
    /// Number of elements.
    #[serde(rename = "n")]
    pub len: usize,
    /// zlib-compressed little-endian bytes, base64.
    #[serde(rename = "z")]
    pub data: String,
}

/// The 0.1 dB code of a value (see the module table).
pub fn db_code(value: f32) -> i16 {
    if value.is_nan() {
        DB_NO_DATA
    } else if value == f32::NEG_INFINITY {
        DB_NEG_INF
    } else if value == f32::INFINITY {
        DB_POS_INF
    } else {
        let tenths = (value as f64 * 10.0).round();
        tenths.clamp(-(DB_MAX_CODE as f64), DB_MAX_CODE as f64) as i16
    }
}

/// The value a code stands for (the quantised value for finite codes).
pub fn db_value(code: i16) -> f32 {
    match code {
        DB_NO_DATA => f32::NAN,
        DB_NEG_INF => f32::NEG_INFINITY,
        DB_POS_INF => f32::INFINITY,
        c => c as f32 / 10.0,
    }
}

/// How the page prints a code: `−63.4` (real minus sign, one decimal,
/// from the integer so that no float rounding can differ between Rust and
/// JavaScript), `−∞`, `+∞`, or `None` for no data.
pub fn db_text(code: i16) -> Option<String> {
    match code {
        DB_NO_DATA => None,
        DB_NEG_INF => Some("\u{2212}\u{221e}".to_owned()),
        DB_POS_INF => Some("+\u{221e}".to_owned()),
        c => {
            let magnitude = (c as i32).abs();
            let sign = if c < 0 { "\u{2212}" } else { "" };
            Some(format!("{sign}{}.{}", magnitude / 10, magnitude % 10))
        }
    }
}

/// Decibel values quantised to 0.1 dB as `i16`, compressed.
pub fn pack_db(values: &[f32]) -> Packed {
    let bytes: Vec<u8> = values.iter().flat_map(|&v| db_code(v).to_le_bytes()).collect();
    packed("i16", values.len(), &bytes)
}

/// Indices as `u16`, compressed.
pub fn pack_u16(values: &[u16]) -> Packed {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    packed("u16", values.len(), &bytes)
}

/// Bytes as `u8`, compressed.
pub fn pack_u8(values: &[u8]) -> Packed {
    packed("u8", values.len(), values)
}

/// zlib level: 8 is within 1 % of 9 on heatmaps at a fraction of the time.
const LEVEL: u8 = 8;

fn packed(kind: &'static str, len: usize, bytes: &[u8]) -> Packed {
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(bytes, LEVEL);
    Packed { kind, len, data: base64(&compressed) }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with `=` padding (RFC 4648 §4), as `atob` reads it.
pub fn base64(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                text.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// Decodes standard base64 (padding optional); `None` on a bad character.
pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3);
    let mut bits = 0u32;
    let mut count = 0;
    for c in text.bytes().filter(|&c| c != b'=') {
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        bits = bits << 6 | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count & 0xff) as u8);
        }
    }
    Some(bytes)
}

/// The raw little-endian bytes of a packed array; `None` if it does not
/// decode or has the wrong length.
fn unpack(packed: &Packed, width: usize) -> Option<Vec<u8>> {
    let compressed = unbase64(&packed.data)?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(&compressed).ok()?;
    (bytes.len() == packed.len * width).then_some(bytes)
}

/// Decodes an `i16` array (the reference for the page's decoder).
pub fn decode_i16(packed: &Packed) -> Option<Vec<i16>> {
    Some(unpack(packed, 2)?.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect())
}

/// Decodes a `u16` array.
pub fn decode_u16(packed: &Packed) -> Option<Vec<u16>> {
    Some(unpack(packed, 2)?.chunks_exact(2).map(|b| u16::from_le_bytes([b[0], b[1]])).collect())
}

/// Decodes a `u8` array.
pub fn decode_u8(packed: &Packed) -> Option<Vec<u8>> {
    unpack(packed, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let vectors =
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded);
            assert_eq!(unbase64(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
        assert!(unbase64("Zm9v!").is_none());
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(unbase64(&base64(&all)).unwrap(), all);
    }

    #[test]
    fn db_codes_are_tenths_with_reserved_specials() {
        assert_eq!(db_code(-63.44), -634);
        assert_eq!(db_code(-63.45), -635, "half away from zero");
        assert_eq!(db_code(0.04), 0);
        assert_eq!(db_code(f32::NAN), DB_NO_DATA);
        assert_eq!(db_code(f32::NEG_INFINITY), DB_NEG_INF);
        assert_eq!(db_code(f32::INFINITY), DB_POS_INF);
        // Huge finite values clamp without colliding with the specials.
        assert_eq!(db_code(1e9), DB_MAX_CODE);
        assert_eq!(db_code(-1e9), -DB_MAX_CODE);
        assert_eq!(db_text(-634).as_deref(), Some("\u{2212}63.4"));
        assert_eq!(db_text(-5).as_deref(), Some("\u{2212}0.5"));
        assert_eq!(db_text(0).as_deref(), Some("0.0"));
        assert_eq!(db_text(257).as_deref(), Some("25.7"));
        assert_eq!(db_text(DB_NO_DATA), None);
        assert_eq!(db_value(db_code(-70.0)), -70.0);
        assert!(db_value(DB_NO_DATA).is_nan());
    }

    #[test]
    fn a_grid_round_trips_to_its_quantised_values() {
        // A heatmap-like field with walls (NaN), dead cells (−∞) and a
        // delta's +∞: what the page decodes is the value to 0.05 dB.
        let values: Vec<f32> = (0..5000)
            .map(|i| match i % 97 {
                0 => f32::NAN,
                1 => f32::NEG_INFINITY,
                2 => f32::INFINITY,
                _ => -30.0 - (i as f32 * 0.731) % 70.0,
            })
            .collect();
        let packed = pack_db(&values);
        assert_eq!((packed.kind, packed.len), ("i16", values.len()));
        let codes = decode_i16(&packed).unwrap();
        assert_eq!(codes.len(), values.len());
        for (&v, &c) in values.iter().zip(&codes) {
            let back = db_value(c);
            if v.is_finite() {
                assert!((back - v).abs() <= 0.05 + 1e-4, "{v} -> {back}");
            } else {
                assert!(back == v || (back.is_nan() && v.is_nan()), "{v} -> {back}");
            }
        }
        // Smooth fields compress well: far under the raw 2 bytes per cell.
        let smooth: Vec<f32> = (0..40_000).map(|i| -40.0 - (i / 200) as f32 * 0.2).collect();
        assert!(pack_db(&smooth).data.len() < smooth.len() / 4);
    }

    #[test]
    fn indices_and_bytes_round_trip() {
        let servers: Vec<u16> = (0..3000).map(|i| if i % 11 == 0 { INDEX_NONE } else { (i % 7) as u16 }).collect();
        assert_eq!(decode_u16(&pack_u16(&servers)).unwrap(), servers);
        let classes: Vec<u8> = (0..3000).map(|i| (i % 3) as u8).collect();
        assert_eq!(decode_u8(&pack_u8(&classes)).unwrap(), classes);
        assert_eq!(decode_u8(&pack_u8(&[])).unwrap(), Vec::<u8>::new());
        // A truncated or mislabelled array is refused, never misread.
        let mut broken = pack_u16(&servers);
        broken.len += 1;
        assert!(decode_u16(&broken).is_none());
        broken.data.truncate(10);
        assert!(decode_u16(&broken).is_none());
    }
}
