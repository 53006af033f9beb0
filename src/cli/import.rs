//! `wifiplan import`: checks the options, runs the importer, writes the
//! plan (and the preview) atomically and prints the summary on stderr.

use std::io::Write;
use std::process::ExitCode;

use super::args::ImportArgs;
use crate::error::{Error, Result};
use crate::import::{self, ImportOptions};
use crate::output::{write_atomic, write_png};

/// Runs `wifiplan import`.
pub fn run(args: ImportArgs) -> Result<ExitCode> {
    let options = options(&args)?;
    if args.list_layers {
        return list_layers(&args);
    }
    let Some(output) = &args.output else {
        return Err(Error::usage("import needs --output PLAN.toml"));
    };
    if output.exists() && !args.force {
        return Err(Error::usage(format!(
            "`{}` exists: import does not overwrite a plan\n  hint: give another --output, or --force to replace it",
            output.display()
        )));
    }
    let imported = import::import_file(&args.file, &options)?;
    // The preview first: a preview that cannot be written must not leave
    // a plan behind that the next run would refuse to overwrite.
    if let Some(preview) = &args.preview {
        let image = match &imported.drawing.background {
            Some(background) => import::preview::render_over(background, &imported.plan),
            None => import::preview::render(&imported.drawing, &imported.plan),
        };
        write_png(preview, &image)?;
    }
    write_atomic(output, imported.toml.as_bytes())?;
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{}: {}", args.file.display(), imported.summary);
    let _ = writeln!(stderr, "wrote {}", output.display());
    Ok(ExitCode::SUCCESS)
}

fn list_layers(args: &ImportArgs) -> Result<ExitCode> {
    if import::SourceFormat::detect(&args.file)? != import::SourceFormat::Dxf {
        return Err(import::import_error(&args.file, "--list-layers reads DXF drawings", "drop --list-layers for SVG"));
    }
    let drawing = import::dxf::load(&args.file)?;
    let mut stdout = std::io::stdout().lock();
    for (layer, count) in import::dxf::layer_counts(&drawing) {
        let _ = writeln!(stdout, "{layer}\t{count}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The library options from the typed arguments.
fn options(args: &ImportArgs) -> Result<ImportOptions> {
    let positive = |name: &str, value: f64| {
        if value.is_finite() && value > 0.0 {
            Ok(value)
        } else {
            Err(Error::usage(format!("--{name} must be a positive number, not {value}")))
        }
    };
    let scale = args.scale.map(|s| positive("scale", s)).transpose()?;
    let height = positive("height", args.height)?;
    let min_length = if args.min_length.is_finite() && args.min_length >= 0.0 {
        args.min_length
    } else {
        return Err(Error::usage("--min-length must be zero or more metres"));
    };
    let svg_map = args
        .map
        .iter()
        .map(|entry| match entry.rsplit_once('=') {
            Some((key, material)) if !key.trim().is_empty() && !material.trim().is_empty() => {
                Ok((key.trim().to_owned(), material.trim().to_owned()))
            }
            _ => Err(Error::usage(format!(
                "bad --map `{entry}`\n  hint: write COLOR_OR_CLASS=MATERIAL, e.g. '#000000=concrete' or partition=plasterboard"
            ))),
        })
        .collect::<Result<Vec<_>>>()?;
    let calibrate = args.calibrate.as_deref().map(parse_calibrate).transpose()?;
    let thickness_classes = args
        .thickness_class
        .iter()
        .map(|entry| {
            let parsed = entry.split_once('=').and_then(|(t, m)| {
                let t: f64 = t.trim().parse().ok()?;
                (t.is_finite() && t > 0.0 && !m.trim().is_empty()).then(|| (t, m.trim().to_owned()))
            });
            parsed.ok_or_else(|| {
                Error::usage(format!(
                    "bad --thickness-class `{entry}`\n  hint: write METRES=MATERIAL, e.g. 0.3=concrete"
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let layer_map = args.layer_map.iter().map(|entry| parse_layer_map(entry)).collect::<Result<Vec<_>>>()?;
    Ok(ImportOptions {
        scale,
        height,
        svg_map,
        layer_map,
        door_layers: args.door_layer.clone(),
        window_layers: args.window_layer.clone(),
        min_length,
        calibrate,
        thickness_classes,
        force: args.force,
    })
}

/// `x1,y1,x2,y2,METRES`: two distinct pixels and a positive distance.
fn parse_calibrate(text: &str) -> Result<[f64; 5]> {
    let values: Vec<f64> = text.split(',').filter_map(|v| v.trim().parse().ok()).collect();
    match values.as_slice() {
        &[x1, y1, x2, y2, m] if values.iter().all(|v| v.is_finite()) && m > 0.0 && (x1, y1) != (x2, y2) => {
            Ok([x1, y1, x2, y2, m])
        }
        _ => Err(Error::usage(format!(
            "bad --calibrate `{text}`\n  hint: write x1,y1,x2,y2,METRES: two pixels and the distance between them in m"
        ))),
    }
}

/// `LAYER=material:thickness`, `LAYER:material:thickness` or
/// `LAYER=material`.
fn parse_layer_map(entry: &str) -> Result<(String, String, Option<f64>)> {
    let bad = || {
        Error::usage(format!(
            "bad --layer-map `{entry}`\n  hint: write LAYER=MATERIAL:THICKNESS, e.g. MUR=stone_masonry:0.6 (thickness in m, optional)"
        ))
    };
    let (layer, rest) = match entry.split_once('=') {
        Some(split) => split,
        None => entry.split_once(':').ok_or_else(bad)?,
    };
    let (material, thickness) = match rest.split_once(':') {
        Some((material, thickness)) => {
            let value: f64 = thickness.trim().parse().map_err(|_| bad())?;
            if !(value.is_finite() && value > 0.0) {
                return Err(bad());
            }
            (material, Some(value))
        }
        None => (rest, None),
    };
    if layer.trim().is_empty() || material.trim().is_empty() {
        return Err(bad());
    }
    Ok((layer.trim().to_owned(), material.trim().to_owned(), thickness))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_maps_take_both_spellings() {
        assert_eq!(
            parse_layer_map("MUR:stone_masonry:0.6").unwrap(),
            ("MUR".into(), "stone_masonry".into(), Some(0.6))
        );
        assert_eq!(parse_layer_map("CLOISON=plasterboard").unwrap(), ("CLOISON".into(), "plasterboard".into(), None));
        assert!(parse_layer_map("MUR=stone:-1").is_err());
        assert!(parse_layer_map("MUR").is_err());
    }
}
