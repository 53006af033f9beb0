//! `wifiplan calibrate`: fit the plan's materials to a survey and write the
//! calibrated plan, the report and the residual maps.
//!
//! Everything is computed first (the calibrated plan is validated, every
//! image drawn); only then are the files written, each atomically. Bad
//! input exits 2 and writes nothing.

use std::path::Path;
use std::process::ExitCode;

use super::args::{CalibrateArgs, OutputFormat};
use super::{set_threads, stage_bar};
use crate::calibrate::{self, report, residual_map, writeback, CalibrationConfig, Survey};
use crate::error::{Error, Result};
use crate::floorplan;
use crate::output::{create_dir, file_stem_for, write_atomic, write_png};
use crate::pipeline;

/// Runs `calibrate`: exit 0 when the calibration is written, 2 on bad
/// input.
pub fn run(args: CalibrateArgs) -> Result<ExitCode> {
    set_threads(args.threads)?;
    if !(args.scatter_db.is_finite() && args.scatter_db > 0.0) {
        return Err(Error::usage("--scatter-db must be a positive number of dB\n  hint: e.g. --scatter-db 4"));
    }
    if args.folds == 1 {
        return Err(Error::usage("--folds 1 cannot cross-validate\n  hint: use 2 or more folds, or 0 for none"));
    }
    let source = floorplan::load(&args.plan)?;
    let original = std::fs::read_to_string(&args.plan).map_err(|source| Error::Io {
        action: "read",
        path: args.plan.clone(),
        source,
    })?;
    let (_, scene) = pipeline::scene_from_source(source.clone(), None)?;
    let survey = Survey::load(&args.surveys, &scene)?;

    let mut config = CalibrationConfig::new(args.model.model());
    config.folds = args.folds;
    config.seed = args.seed;
    config.materials = args.material.clone();
    config.scatter_db = args.scatter_db;
    let bar = stage_bar(args.output.quiet);
    let progress = |stage: &str| bar.set_message(stage.to_owned());
    let mut calibration = calibrate::calibrate(&source, &survey, &config, &progress)?;
    bar.finish_and_clear();

    // Every output in memory before the first file is written.
    let plan_text = writeback::calibrated_plan(&original, &source, &calibration)?;
    let mut images = Vec::new();
    for floor in survey.floors() {
        let name = format!("{}-residuals.png", file_stem_for(&scene.floors[floor].id));
        images.push((floor, name));
    }
    calibration.residual_maps = images.iter().map(|(_, name)| name.clone()).collect();
    let drawn: Vec<(String, image::RgbImage)> = images
        .iter()
        .map(|(floor, name)| (name.clone(), residual_map::residual_map(&scene, *floor, &calibration)))
        .collect();
    let json = format!("{}\n", report::json(&calibration));
    let markdown = report::markdown(&calibration);

    let out_dir = args.out.clone().unwrap_or_else(|| pipeline::default_out_dir(&args.plan));
    write_all(&out_dir, &plan_text, &json, &markdown, &drawn)?;
    match args.output.format {
        OutputFormat::Json => print!("{json}"),
        OutputFormat::Text => {
            print!("{}", report::summary(&calibration));
            if !args.output.quiet {
                println!(
                    "  wrote calibrated.toml, calibration.json, calibration.md and {} residual map{} to {}",
                    drawn.len(),
                    if drawn.len() == 1 { "" } else { "s" },
                    out_dir.display()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_all(
    dir: &Path,
    plan_text: &str,
    json: &str,
    markdown: &str,
    images: &[(String, image::RgbImage)],
) -> Result<()> {
    create_dir(dir)?;
    for (name, image) in images {
        write_png(&dir.join(name), image)?;
    }
    write_atomic(&dir.join("calibration.json"), json.as_bytes())?;
    write_atomic(&dir.join("calibration.md"), markdown.as_bytes())?;
    write_atomic(&dir.join("calibrated.toml"), plan_text.as_bytes())
}
