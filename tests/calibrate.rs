//! `calibrate`: a held-out check of the fitted wall, the CLI end to end on
//! the example survey, bad surveys, and the calibrated plan in the other
//! commands.

use std::path::Path;
use std::time::Instant;

use wifiplan::calibrate::{self, CalibrationConfig, MaterialStatus, Role, Survey};
use wifiplan::floorplan;
use wifiplan::geometry::Point3;
use wifiplan::optimize::search::SplitMix64;
use wifiplan::pipeline::{self, Model};
use wifiplan::propagation::{PropagationModel, RayTrace};
use wifiplan::scene::Scene;

use crate::util::{example, example_text, temp_dir, transcript, wifiplan};

/// The example plan: the 1.2 m wall guessed concrete.
const GUESS: &str = "heritage_rooms.toml";
/// The committed walk survey of it (regenerate with UPDATE_SAMPLES=1).
const SURVEY: &str = "heritage_rooms_survey.csv";
/// Noise of the synthetic readings, dB (a Gaussian standard deviation).
const NOISE_DB: f64 = 2.0;

/// The building as it is: the same plan with the wall in brick.
fn truth_text() -> String {
    let guess = example_text(GUESS);
    let wall = "id = \"spine\"\npoints = [[8.5, 0], [8.5, 7]]\nmaterial = \"concrete\"";
    assert!(guess.contains(wall), "the example plan's spine wall changed");
    guess.replace(wall, "id = \"spine\"\npoints = [[8.5, 0], [8.5, 7]]\nmaterial = \"brick\"")
}

fn scene_of(text: &str) -> Scene {
    let source = floorplan::parse_str("truth.toml", text, floorplan::PlanFormat::Toml).unwrap();
    pipeline::scene_from_source(source, None).unwrap().1
}

/// A standard normal deviate (Box–Muller).
fn gaussian(rng: &mut SplitMix64) -> f64 {
    let u1 = rng.next_unit().max(1e-300);
    let u2 = rng.next_unit();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// `n` points spread over both rooms (0.4 m clear of the walls) with the
/// true received power of AP-A there plus Gaussian noise, all from `seed`.
fn readings(seed: u64, n: usize) -> Vec<(f64, f64, f64)> {
    readings_of(&scene_of(&truth_text()), 0, seed, n)
}

/// Like [`readings`], for AP number `ap` of `scene`.
fn readings_of(scene: &Scene, ap: usize, seed: u64, n: usize) -> Vec<(f64, f64, f64)> {
    let model = RayTrace::default();
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let (x0, x1) = if rng.next_unit() < 0.5 { (0.55, 7.5) } else { (9.5, 16.45) };
            let x = x0 + (x1 - x0) * rng.next_unit();
            let y = 0.55 + (6.45 - 0.55) * rng.next_unit();
            // Millimetre coordinates, as a survey tool writes them.
            let (x, y) = ((x * 1000.0).round() / 1000.0, (y * 1000.0).round() / 1000.0);
            let truth = model.received_power(scene, &scene.aps[ap], 0, Point3::new(x, y, 1.0)).value();
            let reading = truth + NOISE_DB * gaussian(&mut rng);
            (x, y, (reading * 10.0).round() / 10.0)
        })
        .collect()
}

fn csv(points: &[(f64, f64, f64)], comment: &str) -> String {
    csv_of("AP-A", points, comment)
}

fn csv_of(ap: &str, points: &[(f64, f64, f64)], comment: &str) -> String {
    let mut text = String::from(comment);
    text.push_str("x,y,floor,ap,rssi_dbm\n");
    for (x, y, rssi) in points {
        text.push_str(&format!("{x},{y},rdc,{ap},{rssi}\n"));
    }
    text
}

fn rmse(predicted: &[f64], measured: &[f64]) -> f64 {
    let n = predicted.len() as f64;
    (predicted.iter().zip(measured).map(|(p, m)| (p - m).powi(2)).sum::<f64>() / n).sqrt()
}

fn predict(scene: &Scene, points: &[(f64, f64, f64)]) -> Vec<f64> {
    let model = RayTrace::default();
    points
        .iter()
        .map(|&(x, y, _)| model.received_power(scene, &scene.aps[0], 0, Point3::new(x, y, 1.0)).value())
        .collect()
}

/// The check of issue 12: 60 noisy readings of a room whose 1.2 m wall is
/// guessed concrete (it is brick); the calibrated plan must predict 400
/// other points, never shown to the tool, within 3 dB RMSE and at least
/// 3× better than the guess.
#[test]
fn held_out_points_are_predicted_after_calibrating_a_misguessed_wall() {
    let survey_points = readings(12, 60);
    let held_out = readings(2026, 400);
    let dir = temp_dir();
    let survey_path = dir.path().join("survey.csv");
    std::fs::write(&survey_path, csv(&survey_points, "")).unwrap();

    let plan_path = example(GUESS);
    let source = floorplan::load(&plan_path).unwrap();
    let (_, guess_scene) = pipeline::scene_from_source(source.clone(), None).unwrap();
    let survey = Survey::load(&[&survey_path], &guess_scene).unwrap();
    let started = Instant::now();
    let calibration =
        calibrate::calibrate(&source, &survey, &CalibrationConfig::new(Model::RayTrace(RayTrace::default())), &|_| {})
            .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let text = calibrate::writeback::calibrated_plan(&example_text(GUESS), &source, &calibration).unwrap();
    let calibrated_path = dir.path().join("calibrated.toml");
    std::fs::write(&calibrated_path, &text).unwrap();
    // The calibrated plan is a plan like any other.
    let (_, calibrated) = pipeline::load_scene(&calibrated_path, None).unwrap();

    let measured: Vec<f64> = held_out.iter().map(|p| p.2).collect();
    let before = rmse(&predict(&guess_scene, &held_out), &measured);
    let after = rmse(&predict(&calibrated, &held_out), &measured);
    let oracle = rmse(&predict(&scene_of(&truth_text()), &held_out), &measured);
    let concrete = calibration.materials.iter().find(|m| m.name == "concrete" && m.role == Role::Walls).unwrap();
    let (prior, fitted) = (concrete.prior.as_ref().unwrap(), concrete.fitted.as_ref().unwrap());
    let cv = calibration.cross_validation.as_ref().unwrap();
    println!(
        "held-out RMSE over 400 points: {before:.2} dB with the guess, {after:.2} dB calibrated, {oracle:.2} dB with \
         the true wall (noise {NOISE_DB} dB)\nsurvey RMSE {:.2} -> {:.2} dB, {}-fold cross-validated {:.2} dB\n\
         concrete: eps' {:.2} -> {:.2}, {:.1} -> {:.1} dB/m (brick: 3.91, 25.6 dB/m)\ncalibration took {seconds:.1} s, \
         {} model evaluations, {} iterations",
        calibration.before.rmse_db,
        calibration.after.rmse_db,
        cv.folds,
        cv.errors.rmse_db,
        prior.permittivity,
        fitted.permittivity,
        prior.loss_db_per_m,
        fitted.loss_db_per_m,
        calibration.fit.model_evaluations,
        calibration.fit.iterations,
    );
    assert!(after <= 3.0, "held-out RMSE {after:.2} dB > 3 dB");
    assert!(before >= 3.0 * after, "held-out RMSE {before:.2} -> {after:.2} dB is not 3x better");
    assert!(cv.errors.rmse_db <= 3.5, "cross-validated RMSE {:.2} dB", cv.errors.rmse_db);
    assert_eq!(concrete.status, MaterialStatus::Fitted);
    // The wall's loss comes out near brick's 25.6 dB/m.
    assert!((15.0..40.0).contains(&fitted.loss_db_per_m), "{} dB/m", fitted.loss_db_per_m);
}

/// Writes the example survey when UPDATE_SAMPLES=1 (the same synthetic
/// walk: 60 readings, seed 12), else checks that it is there and parses.
#[test]
fn the_example_survey_is_a_walk_of_both_rooms() {
    let path = example(SURVEY);
    if std::env::var_os("UPDATE_SAMPLES").is_some() {
        let comment = "# Walk survey of heritage_rooms.toml with AP-A: 60 readings in both rooms, 1 m above the\n\
                       # floor. Synthetic: ray traced with the spine wall in brick (what it really is) plus 2 dB\n\
                       # of Gaussian noise (tests/calibrate.rs writes it with UPDATE_SAMPLES=1).\n";
        std::fs::write(&path, csv(&readings(12, 60), comment)).unwrap();
    }
    let (_, scene) = pipeline::load_scene(&example(GUESS), None).unwrap();
    let survey = Survey::load(&[&path], &scene).unwrap();
    assert_eq!(survey.measurements.len(), 60);
    let far = survey.measurements.iter().filter(|m| m.point.x > 9.0).count();
    assert!((15..=45).contains(&far), "{far} readings in the far room");
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn cli_writes_the_calibrated_plan_report_and_maps() {
    let dir = temp_dir();
    let out = dir.path().join("cal");
    let plan = example(GUESS);
    let survey = example(SURVEY);
    let args =
        ["calibrate", plan.to_str().unwrap(), survey.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"];
    let run = wifiplan(&args);
    assert_eq!(run.status.code(), Some(0), "{}", transcript(&run));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("fitted     concrete (walls)"), "{stdout}");
    assert_eq!(
        files_in(&out),
        vec!["calibrated.toml", "calibration.json", "calibration.md", "rdc-residuals.png"],
        "{}",
        transcript(&run)
    );

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("calibration.json")).unwrap()).unwrap();
    assert_eq!(json["measurements"], 60);
    assert_eq!(json["model"], "raytrace");
    // The model `simulate` uses by default: diffraction and scattering on.
    assert_eq!(
        (json["model_parameters"]["diffraction"].clone(), json["model_parameters"]["scattering"].clone()),
        (true.into(), true.into())
    );
    let materials = json["materials"].as_array().unwrap();
    let status = |name: &str, role: &str| {
        materials.iter().find(|m| m["name"] == name && m["role"] == role).map(|m| m["status"].clone())
    };
    assert_eq!(status("concrete", "walls"), Some("fitted".into()));
    assert!(status("concrete", "slabs").is_some());
    assert!(json["after"]["rmse_db"].as_f64().unwrap() < 3.0, "{}", json["after"]);
    assert!(json["before"]["rmse_db"].as_f64().unwrap() > 10.0, "{}", json["before"]);
    assert!(json["cross_validation"]["errors"]["rmse_db"].as_f64().unwrap() < 3.5);
    assert_eq!(json["points"].as_array().unwrap().len(), 60);
    assert_eq!(json["residual_maps"][0], "rdc-residuals.png");
    let markdown = std::fs::read_to_string(out.join("calibration.md")).unwrap();
    assert!(markdown.contains("cross-validated"), "{markdown}");
    assert!(markdown.contains("with diffraction, with diffuse scattering"), "{markdown}");

    // The calibrated plan keeps the original's comments, cites the survey
    // and is a plan like any other.
    let calibrated = std::fs::read_to_string(out.join("calibrated.toml")).unwrap();
    assert!(calibrated.starts_with("# Calibrated by `wifiplan calibrate`"), "{calibrated}");
    assert!(calibrated.contains("# Two classrooms of an old school"));
    assert!(calibrated.contains("[materials.concrete]") && calibrated.contains("heritage_rooms_survey.csv"));
    let calibrated_path = out.join("calibrated.toml");
    let path = calibrated_path.to_str().unwrap();
    let validate = wifiplan(&["validate", path]);
    assert_eq!(validate.status.code(), Some(0), "{}", transcript(&validate));
    let simulate = wifiplan(&[
        "simulate",
        path,
        "--model",
        "multiwall",
        "--resolution",
        "0.5",
        "--probe",
        "13,3",
        "--format",
        "json",
        "--quiet",
        "--out",
        dir.path().join("sim").to_str().unwrap(),
    ]);
    assert_eq!(simulate.status.code(), Some(0), "{}", transcript(&simulate));
    let check =
        wifiplan(&["check", path, "--model", "multiwall", "--resolution", "0.5", "--min-coverage", "50", "--quiet"]);
    assert!(matches!(check.status.code(), Some(0 | 1)), "{}", transcript(&check));
    let compare = wifiplan(&[
        "compare",
        plan.to_str().unwrap(),
        path,
        "--model",
        "multiwall",
        "--resolution",
        "0.5",
        "--quiet",
        "--out",
        dir.path().join("cmp").to_str().unwrap(),
    ]);
    // The calibrated far room is brighter: no regression.
    assert_eq!(compare.status.code(), Some(0), "{}", transcript(&compare));
}

/// Two survey files, two APs (AP-B added in the far room): every reading is
/// used and located, both APs are fitted together, and the calibrated plan
/// goes through `plan`.
#[test]
fn several_files_and_several_aps_are_fitted_together() {
    let ap_b = "\n[[aps]]\nid = \"AP-B\"\nfloor = \"rdc\"\nposition = [13.0, 3.5]\nchannel = 149\ntx_power_dbm = 17\n";
    let truth = scene_of(&(truth_text() + ap_b));
    let dir = temp_dir();
    let plan = dir.path().join("two_aps.toml");
    std::fs::write(&plan, example_text(GUESS) + ap_b).unwrap();
    let (a, b) = (dir.path().join("walk-a.csv"), dir.path().join("walk-b.csv"));
    std::fs::write(&a, csv_of("AP-A", &readings_of(&truth, 0, 5, 30), "")).unwrap();
    // The second file mixes both APs, as a scanner logging every BSSID does.
    let mut mixed = readings_of(&truth, 1, 6, 20);
    let tail = readings_of(&truth, 0, 7, 10);
    let mut text = csv_of("AP-B", &mixed, "# second walk\n");
    for (x, y, rssi) in &tail {
        text.push_str(&format!("{x},{y},rdc,AP-A,{rssi}\n"));
    }
    mixed.extend(tail);
    std::fs::write(&b, text).unwrap();

    let out = dir.path().join("cal");
    let run = wifiplan(&[
        "calibrate",
        plan.to_str().unwrap(),
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", transcript(&run));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["measurements"], 60);
    let surveys = json["surveys"].as_array().unwrap();
    assert_eq!(surveys.len(), 2);
    assert_eq!((surveys[0]["measurements"].clone(), surveys[1]["measurements"].clone()), (30.into(), 30.into()));
    let aps = json["aps"].as_array().unwrap();
    let per_ap: Vec<(String, u64, f64)> = aps
        .iter()
        .map(|ap| {
            let id = ap["ap"].as_str().unwrap().to_string();
            (id, ap["measurements"].as_u64().unwrap(), ap["rmse_after_db"].as_f64().unwrap())
        })
        .collect();
    assert_eq!(per_ap.iter().map(|(id, n, _)| (id.as_str(), *n)).collect::<Vec<_>>(), [("AP-A", 40), ("AP-B", 20)]);
    // Both APs are predicted within the noise after the fit (AP-B's room is
    // the one the guess got right, AP-A's far side the one it got wrong).
    for (id, _, after) in &per_ap {
        assert!(*after < 3.5, "{id}: RMSE after {after:.2} dB");
    }
    assert!(json["before"]["rmse_db"].as_f64().unwrap() > 10.0, "{}", json["before"]);
    // Each point keeps its file and line: the second file's first reading
    // is on its line 3 (a comment, then the header).
    let points = json["points"].as_array().unwrap();
    let first_b = points.iter().find(|p| p["file"].as_str().unwrap().ends_with("walk-b.csv")).unwrap();
    assert_eq!((first_b["line"].clone(), first_b["ap"].clone()), (3.into(), "AP-B".into()));
    assert_eq!(first_b["measured_dbm"].as_f64().unwrap(), mixed[0].2);
    let materials = json["materials"].as_array().unwrap();
    assert!(materials.iter().any(|m| m["name"] == "concrete" && m["role"] == "walls" && m["status"] == "fitted"));

    // `plan` takes the calibrated plan like any other.
    let calibrated = out.join("calibrated.toml");
    let planned = wifiplan(&[
        "plan",
        calibrated.to_str().unwrap(),
        "--model",
        "multiwall",
        "--resolution",
        "0.5",
        "--max-aps",
        "3",
        "--format",
        "json",
        "--quiet",
        "--out",
        dir.path().join("plan").to_str().unwrap(),
    ]);
    assert!(matches!(planned.status.code(), Some(0 | 1)), "{}", transcript(&planned));
    let report: serde_json::Value = serde_json::from_slice(&planned.stdout).unwrap();
    assert!(report.is_object(), "{report}");
}

#[test]
fn bad_surveys_exit_2_with_the_line_and_write_nothing() {
    let dir = temp_dir();
    let plan = example(GUESS);
    let cases = [
        ("unknown_ap.csv", "x,y,floor,ap,rssi_dbm\n3,3,rdc,AP-A,-40\n4,3,rdc,AP-B,-41\n", ":3:", "unknown AP `AP-B`"),
        ("unknown_floor.csv", "x,y,floor,ap,rssi_dbm\n3,3,etage,AP-A,-40\n", ":2:", "unknown storey `etage`"),
        ("outside.csv", "x,y,floor,ap,rssi_dbm\n3,3,rdc,AP-A,-40\n30,3,rdc,AP-A,-40\n", ":3:", "outside storey"),
        ("in_wall.csv", "x,y,floor,ap,rssi_dbm\n8.5,2,rdc,AP-A,-40\n", ":2:", "inside wall `spine`"),
        ("not_number.csv", "x,y,floor,ap,rssi_dbm\n3,3,rdc,AP-A,strong\n", ":2:", "`strong` is not a number"),
        ("empty.csv", "x,y,floor,ap,rssi_dbm\n", ":1:", "no measurements"),
    ];
    for (name, text, line, message) in cases {
        let survey = dir.path().join(name);
        std::fs::write(&survey, text).unwrap();
        let out = dir.path().join(format!("out-{name}"));
        let run =
            wifiplan(&["calibrate", plan.to_str().unwrap(), survey.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{name}: {}", transcript(&run));
        assert!(stderr.contains(&format!("{name}{line}")), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(stderr.contains("hint:"), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: wrote {:?}", files_in(&out));
    }
    // A missing file and an unknown --material are errors too.
    let run =
        wifiplan(&["calibrate", plan.to_str().unwrap(), "nope.csv", "--out", dir.path().join("x").to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2), "{}", transcript(&run));
    let run = wifiplan(&[
        "calibrate",
        plan.to_str().unwrap(),
        example(SURVEY).to_str().unwrap(),
        "--material",
        "stone",
        "--out",
        dir.path().join("y").to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2), "{}", transcript(&run));
    assert!(String::from_utf8_lossy(&run.stderr).contains("not used by the plan"), "{}", transcript(&run));
    assert!(!dir.path().join("y").exists());
}

/// Same inputs, same report, whatever the thread count (multiwall keeps it
/// quick).
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = temp_dir();
    let plan = example(GUESS);
    let survey = example(SURVEY);
    let mut reports = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(threads);
        let run = wifiplan(&[
            "calibrate",
            plan.to_str().unwrap(),
            survey.to_str().unwrap(),
            "--model",
            "multiwall",
            "--threads",
            threads,
            "--format",
            "json",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", transcript(&run));
        let mut json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        json["run_time_s"] = 0.into();
        reports.push((json, std::fs::read(out.join("calibrated.toml")).unwrap()));
    }
    assert_eq!(reports[0], reports[1]);
}
