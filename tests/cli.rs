//! The command line end to end, as a user runs it.

use crate::util::{example, non_empty, temp_dir, transcript, wifiplan};

const EXAMPLES: [&str; 7] = [
    "lycee_darche.toml",
    "lycee_moderne.toml",
    "office_small.toml",
    "single_room.toml",
    "single_room.json",
    "wall_between_points.toml",
    "free_space.toml",
];

#[test]
fn every_example_plan_validates() {
    for name in EXAMPLES {
        let path = example(name);
        let output = wifiplan(&["validate", path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{name}\n{}", transcript(&output));
        assert!(String::from_utf8_lossy(&output.stdout).contains(": ok"), "{}", transcript(&output));
    }
}

#[test]
fn simulate_writes_heatmaps_and_reports_per_floor() {
    let dir = temp_dir();
    let plan = example("lycee_darche.toml");
    let output = wifiplan(&[
        "simulate",
        plan.to_str().unwrap(),
        "--quiet",
        "--resolution",
        "0.5",
        "--probe",
        "11.6,4.6",
        "--probe",
        "11.6,11.3,etage1",
        "--format",
        "json",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    for floor in ["rdc", "etage1"] {
        for kind in ["rssi", "sinr", "server"] {
            let png = dir.path().join(format!("{floor}-{kind}.png"));
            assert!(non_empty(&png), "missing {}", png.display());
            let image = image::open(&png).expect("a readable PNG");
            assert!(
                image.width() > 200 && image.height() > 100,
                "{} is {}×{}",
                png.display(),
                image.width(),
                image.height()
            );
        }
    }
    assert!(non_empty(&dir.path().join("report.md")));
    let stdout: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).expect("report.json is JSON");
    assert_eq!(stdout, file, "--format json prints exactly report.json");
    for key in ["plan", "model", "aps", "coverage_pct", "floors", "probes"] {
        assert!(stdout.get(key).is_some(), "missing key {key}");
    }
    let probes = stdout["probes"].as_array().unwrap();
    assert_eq!(probes.len(), 2);
    assert_eq!(probes[0]["x"], 11.6);
    assert_eq!(probes[1]["floor"], "etage1");
    for probe in probes {
        for key in ["x", "y", "floor", "rssi_dbm", "server", "sinr_db"] {
            assert!(probe.get(key).is_some(), "probe lacks {key}: {probe}");
        }
    }
    let rooms = stdout["floors"][0]["rooms"].as_array().unwrap();
    assert!(rooms.len() >= 10);
    for key in ["name", "coverage_pct", "median_dbm", "min_dbm", "serving_aps"] {
        assert!(rooms[0].get(key).is_some(), "room lacks {key}");
    }
    for key in ["id", "floor", "x", "y", "z", "band", "channel", "tx_power_dbm"] {
        assert!(stdout["aps"][0].get(key).is_some(), "ap lacks {key}");
    }
}

#[test]
fn text_summary_names_rooms_below_target() {
    let dir = temp_dir();
    let output = wifiplan(&[
        "simulate",
        example("lycee_darche.toml").to_str().unwrap(),
        "--resolution",
        "0.5",
        "--out",
        dir.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("rdc") && stdout.contains("etage1"), "{stdout}");
    assert!(stdout.contains("requirement"), "{stdout}");
}

#[test]
fn missing_plan_file_is_an_input_error() {
    let output = wifiplan(&["simulate", "/no/such/plan.toml", "--quiet"]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/no/such/plan.toml") && stderr.contains("failed to read"), "{stderr}");
}

#[test]
fn bad_probe_and_unknown_floor_give_hints() {
    let plan = example("lycee_darche.toml");
    let dir = temp_dir();
    for (probe, hint) in [("3;4", "hint: write x,y"), ("3,4,etage", "did you mean `etage1`")] {
        let output = wifiplan(&[
            "simulate",
            plan.to_str().unwrap(),
            "--probe",
            probe,
            "--quiet",
            "--out",
            dir.path().to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
        assert!(String::from_utf8_lossy(&output.stderr).contains(hint), "{}", transcript(&output));
    }
}

#[test]
fn misspelt_material_suggests_the_right_one() {
    let dir = temp_dir();
    let text = std::fs::read_to_string(example("single_room.toml")).unwrap().replacen("\"brick\"", "\"brik\"", 1);
    let path = dir.path().join("typo.toml");
    std::fs::write(&path, text).unwrap();
    let output = wifiplan(&["validate", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown material `brik`") && stderr.contains("did you mean `brick`"), "{stderr}");
    assert!(stderr.contains("typo.toml:"), "{stderr}");
}

#[test]
fn materials_lists_itu_and_practical_materials() {
    let output = wifiplan(&["materials"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for name in ["concrete", "plasterboard", "wet_ground", "stone_masonry", "coated_glass", "elevator_shaft"] {
        assert!(stdout.contains(name), "{name} missing from\n{stdout}");
    }
}

#[test]
fn same_bytes_out_whatever_the_thread_count() {
    // The stone lycée: every path kind (diffraction at jambs, scattering,
    // vaults, two storeys), evaluated row by row on however many threads.
    for plan in ["office_small.toml", "lycee_darche.toml"] {
        same_bytes_out_on_one_and_two_threads(&example(plan));
    }
}

fn same_bytes_out_on_one_and_two_threads(plan: &std::path::Path) {
    let runs: Vec<_> = ["1", "2"]
        .iter()
        .map(|threads| {
            let dir = temp_dir();
            let output = wifiplan(&[
                "simulate",
                plan.to_str().unwrap(),
                "--threads",
                threads,
                "--quiet",
                "--out",
                dir.path().to_str().unwrap(),
            ]);
            assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
            dir
        })
        .collect();
    let mut compared = 0;
    for entry in std::fs::read_dir(runs[0].path()).unwrap() {
        let name = entry.unwrap().file_name();
        let a = std::fs::read(runs[0].path().join(&name)).unwrap();
        let b = std::fs::read(runs[1].path().join(&name)).unwrap();
        if name.to_string_lossy().ends_with(".png") || name == "report.html" {
            assert!(a == b, "{} differs between 1 and 2 threads", name.to_string_lossy());
            compared += 1;
        } else if name == "report.json" {
            let strip = |bytes: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                v.as_object_mut().unwrap().remove("run_time_s");
                v
            };
            assert_eq!(strip(&a), strip(&b));
            compared += 1;
        }
    }
    assert!(compared >= 5, "compared {compared} files");
}
