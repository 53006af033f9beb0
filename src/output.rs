//! Writing result files atomically: each file is written to a temporary
//! file in the same directory and renamed into place, so an interrupted run
//! never leaves a half-written report or image.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Creates `dir` and its parents.
pub fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        action: "create directory",
        path: dir.to_owned(),
        source,
    })
}

/// Writes `bytes` to `path` atomically (temporary file + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let io_error = |source| Error::Io { action: "write", path: path.to_owned(), source };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".wifiplan-").suffix(".tmp");
    // Temporary files are private (0600) by default; results are ordinary
    // files that others on the machine (a CI artefact upload) may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(dir).map_err(io_error)?;
    file.write_all(bytes).map_err(io_error)?;
    file.as_file().sync_all().map_err(io_error)?;
    file.persist(path).map_err(|e| io_error(e.error))?;
    Ok(())
}

/// Encodes an RGB image as PNG and writes it atomically.
///
/// PERF: fast deflate with the Paeth filter, written from the buffer as
/// it is (no copy). Encoding the six maps was a quarter of a multiwall run
/// of the stone lycée; this cut the run from 0.124 s to 0.095 s (median
/// of 15) for files 1 % larger than with adaptive filters.
pub fn write_png(path: &Path, image: &image::RgbImage) -> Result<()> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder;
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Paeth)
        .write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::Rgb8)
        .map_err(|e| Error::Image { path: path.to_owned(), message: e.to_string() })?;
    write_atomic(path, &bytes)
}

/// A file-name-safe version of an id: letters, digits, `-` and `_` kept,
/// everything else replaced by `_`.
pub fn file_stem_for(id: &str) -> String {
    let stem: String = id.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if stem.is_empty() {
        "plan".to_owned()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn stems_are_safe() {
        assert_eq!(file_stem_for("Étage 1/a"), "Étage_1_a");
        assert_eq!(file_stem_for(""), "plan");
    }
}
