//! Files that are not plans at all: a drawing, an image, a spreadsheet or
//! a survey CSV given where a plan was expected. Rather than the parser's
//! first complaint ("key with no value" on a CSV header), the user learns
//! what the file seems to be and how to get a plan from it.

use crate::error::Diagnostic;

/// What a file that is not a plan looks like, from its first bytes.
fn kind_of(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 8] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"%PDF", "a PDF document"),
        (b"GIF8", "a GIF image"),
        (b"PK\x03\x04", "a zip archive (an office document?)"),
        (b"AC10", "a DWG drawing"),
        (b"AutoCAD Binary DXF", "a binary DXF drawing"),
        (b"\xd0\xcf\x11\xe0", "an old office document"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(kind);
    }
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let mut lines = text.lines().map(str::trim);
    if text.starts_with("<svg") || (text.starts_with("<?xml") && text.contains("<svg")) {
        return Some("an SVG drawing");
    }
    if text.starts_with('<') {
        return Some("an XML or HTML document");
    }
    if lines.next() == Some("0") && lines.next().is_some_and(|l| l.eq_ignore_ascii_case("SECTION")) {
        return Some("a DXF drawing");
    }
    None
}

/// Whether parse-failing text looks like comma-, semicolon- or
/// tab-separated values: its first line that is not blank or a comment
/// has separators, and neither `=` (a TOML key) nor a bracket.
fn looks_like_csv(text: &str) -> bool {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'));
    first.is_some_and(|line| {
        let separators = line.matches([',', ';', '\t']).count();
        separators >= 1 && !line.contains('=') && !line.starts_with(['[', '{', '"'])
    })
}

/// The error for a file that is not a plan, when its bytes say so
/// whatever the parser thinks (images, PDF, drawings).
pub(super) fn binary(file: &str, bytes: &[u8]) -> Option<Diagnostic> {
    kind_of(bytes).map(|kind| diagnostic(file, kind))
}

/// The error for text that failed to parse as a plan and looks like a
/// table of values rather than a plan with a typo.
pub(super) fn text(file: &str, text: &str) -> Option<Diagnostic> {
    looks_like_csv(text).then(|| diagnostic(file, "a table of comma-separated values (CSV)"))
}

fn diagnostic(file: &str, kind: &str) -> Diagnostic {
    let drawing = ["PNG", "JPEG", "SVG", "DXF"].iter().any(|k| kind.contains(k));
    let import = if drawing {
        format!("to make one from this drawing run `wifiplan import {file} --output PLAN.toml`")
    } else {
        "to make one from an architect's drawing (SVG, DXF, PNG, JPEG) run `wifiplan import DRAWING --output PLAN.toml`"
            .to_owned()
    };
    Diagnostic {
        file: file.to_owned(),
        line: 1,
        column: 1,
        message: format!("not a plan file: it looks like {kind}"),
        hint: Some(format!(
            "a plan is a TOML (or JSON) file with `format = 1` and [[floors]] (see floorplans/README.md); {import}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawings_images_and_tables_are_recognised() {
        assert_eq!(kind_of(b"\x89PNG\r\n\x1a\n...."), Some("a PNG image"));
        assert_eq!(kind_of(b"<?xml version=\"1.0\"?>\n<svg xmlns=..."), Some("an SVG drawing"));
        assert_eq!(kind_of(b"  0\r\nSECTION\r\n  2\r\nHEADER\r\n"), Some("a DXF drawing"));
        assert!(looks_like_csv("x,y,floor,ap,rssi_dbm\n1,2,rdc,AP1,-60\n"));
        assert!(looks_like_csv("# survey\nx;y;rssi\n"));
        // Plans, even broken ones, are not tables.
        assert_eq!(kind_of(b"format = 1\n[[floors]]\n"), None);
        assert!(!looks_like_csv("format = 1\n"));
        assert!(!looks_like_csv("points = [[0, 0], [1, 0]]\n"));
        assert!(!looks_like_csv("[[floors]]\nid = \"a\"\n"));
    }
}
