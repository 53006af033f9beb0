//! Mistakes that used to pass silently, through the binary: a plan with no
//! APs simulated to 0 % with exit 0, schema errors stopped at the first, a
//! CSV got "key with no value", `validate DIR` failed with "Is a directory"
//! and `validate` had no JSON output. (Fraction targets, overlapping
//! rooms and rooms outside their walls are in tests/data/bad/.)

use crate::util::{example, root, temp_dir, transcript, wifiplan};

const NO_APS: &str = r#"format = 1
[[floors]]
id = "rdc"
[[floors.walls]]
points = [[0, 0], [8, 0], [8, 6], [0, 6], [0, 0]]
material = "brick"
thickness = 0.2
"#;

#[test]
fn a_plan_without_aps_is_refused_by_simulate_and_check_and_accepted_by_validate() {
    let dir = temp_dir();
    let plan = dir.path().join("empty.toml");
    std::fs::write(&plan, NO_APS).unwrap();
    let plan = plan.to_str().unwrap();
    let out = dir.path().join("out");
    for args in [
        vec!["simulate", plan, "--quiet", "--out", out.to_str().unwrap()],
        vec!["check", plan, "--min-coverage", "0", "--quiet"],
        // Many plans at once: that plan's error, the run's exit code 2.
        vec![
            "simulate",
            plan,
            example("single_room.toml").to_str().unwrap(),
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    ] {
        let output = wifiplan(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}\n{}", transcript(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("empty.toml:1:1: error: the plan has no access points"), "{stderr}");
        assert!(stderr.contains("hint:") && stderr.contains("wifiplan plan"), "{stderr}");
    }
    assert!(!out.join("rdc-rssi.png").exists());
    // A plan without APs is what `plan` starts from: it validates.
    let output = wifiplan(&["validate", plan]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
}

#[test]
fn a_band_with_no_ap_is_refused() {
    let output = wifiplan(&["simulate", example("single_room.toml").to_str().unwrap(), "--band", "6", "--quiet"]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no AP on the 6 GHz band") && stderr.contains("--band"), "{stderr}");
}

#[test]
fn every_schema_error_is_reported_at_once() {
    let dir = temp_dir();
    let plan = dir.path().join("typos.toml");
    let text = "format = 1\n\n[defaults]\nresolution = \"fine\"\n\n[[floors]]\nid = \"rdc\"\nhieght = 3.0\n\n[[floors.walls]]\npoints = [[0, 0], [8, 0]]\nmaterial = \"brick\"\nthicknes = 0.2\n\n[[aps]]\nid = \"AP1\"\npositon = [4, 3]\n";
    std::fs::write(&plan, text).unwrap();
    let output = wifiplan(&["validate", plan.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for (line, words) in [
        (4, "invalid type: string \"fine\""),
        (8, "unknown field `hieght`"),
        (13, "unknown field `thicknes`"),
        (10, "missing field `thickness`"),
        (17, "unknown field `positon`"),
        (15, "missing field `position`"),
    ] {
        let located = format!("typos.toml:{line}:");
        assert!(
            stderr.lines().any(|l| l.contains(&located) && l.contains(words)),
            "expected `{words}` at line {line}:\n{stderr}"
        );
    }
    assert!(stderr.contains("6 problems found"), "{stderr}");
    // simulate reports the same list.
    let output = wifiplan(&["simulate", plan.to_str().unwrap(), "--quiet", "--out", "/nonexistent/never"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("6 problems found"), "{}", transcript(&output));
}

#[test]
fn files_that_are_not_plans_say_so_and_point_to_import() {
    let dir = temp_dir();
    let csv = dir.path().join("survey.csv");
    std::fs::write(&csv, "x,y,floor,ap,rssi_dbm\n1.0,2.0,rdc,AP1,-61\n").unwrap();
    let drawing = root().join("floorplans/sources/lycee_moderne_rdc.png");
    for (file, kind) in [(csv.as_path(), "CSV"), (drawing.as_path(), "PNG image")] {
        for command in ["validate", "simulate"] {
            let output = wifiplan(&[command, file.to_str().unwrap(), "--quiet"]);
            assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
            let stderr = String::from_utf8_lossy(&output.stderr);
            let name = file.file_name().unwrap().to_str().unwrap();
            assert!(stderr.contains(&format!("{name}:1:1: error: not a plan file")), "{stderr}");
            assert!(stderr.contains(kind) && stderr.contains("wifiplan import"), "{stderr}");
            assert!(!stderr.contains("key with no value"), "{stderr}");
        }
    }
}

#[test]
fn validate_takes_directories_and_prints_json() {
    let output = wifiplan(&["validate", root().join("floorplans").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for name in ["lycee_darche.toml", "office_small.toml", "single_room.json"] {
        assert!(stdout.lines().any(|l| l.contains(name) && l.contains(": ok (")), "{name}:\n{stdout}");
    }

    let bad = root().join("tests/data/bad");
    let output = wifiplan(&[
        "validate",
        "--format",
        "json",
        bad.join("rooms_overlap.toml").to_str().unwrap(),
        example("single_room.toml").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    assert_eq!(document["valid"], false);
    let plans = document["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 2);
    let overlap = plans.iter().find(|p| p["file"].as_str().unwrap().ends_with("rooms_overlap.toml")).unwrap();
    assert_eq!(overlap["valid"], false);
    let problem = &overlap["problems"][0];
    assert_eq!((problem["line"].as_u64(), problem["column"].as_u64()), (Some(22), Some(11)), "{problem}");
    assert!(problem["message"].as_str().unwrap().contains("overlaps"), "{problem}");
    assert!(problem["hint"].is_string(), "{problem}");
    let good = plans.iter().find(|p| p["file"].as_str().unwrap().ends_with("single_room.toml")).unwrap();
    assert_eq!(
        (good["valid"].as_bool(), good["aps"].as_u64(), good["problems"].as_array().map(Vec::len)),
        (Some(true), Some(1), Some(0))
    );

    // The whole corpus of broken plans, as JSON: every plan invalid, each
    // with at least one located problem with a hint.
    let output = wifiplan(&["validate", "--format", "json", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for plan in document["plans"].as_array().unwrap() {
        assert_eq!(plan["valid"], false, "{plan}");
        assert!(plan["problems"][0]["line"].as_u64().unwrap() >= 1, "{plan}");
    }
}
