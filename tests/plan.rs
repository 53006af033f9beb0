//! `wifiplan plan`: known optima on tiny plans, honest bounds, planned
//! files that re-simulate to the requirement, determinism, and the field
//! experience on the two lycées.

use crate::util::{example, temp_dir, transcript, wifiplan};

/// `rooms` rooms of 6 × 5 m in a row, separated by metal walls (opaque:
/// no AP can serve two rooms), no APs: the optimum is one AP per room.
fn isolated_rooms(rooms: usize, clients: u32) -> String {
    let mut text = String::from("format = 1\n[defaults]\nresolution = 0.5\n[[floors]]\nid = \"f\"\nheight = 3.0\n");
    let width = 6.0 * rooms as f64;
    text += &format!(
        "[[floors.walls]]\npoints = [[0, 0], [{width}, 0], [{width}, 5], [0, 5], [0, 0]]\nmaterial = \"metal\"\nthickness = 0.1\n"
    );
    for i in 1..rooms {
        let x = 6.0 * i as f64;
        text += &format!("[[floors.walls]]\npoints = [[{x}, 0], [{x}, 5]]\nmaterial = \"metal\"\nthickness = 0.1\n");
    }
    for i in 0..rooms {
        let (x0, x1) = (6.0 * i as f64 + 0.05, 6.0 * (i + 1) as f64 - 0.05);
        text += &format!(
            "[[floors.rooms]]\nname = \"R{i}\"\npolygon = [[{x0}, 0.05], [{x1}, 0.05], [{x1}, 4.95], [{x0}, 4.95]]\nclients = {clients}\n"
        );
    }
    text
}

fn plan_json(plan_text: &str, extra: &[&str]) -> (serde_json::Value, tempfile::TempDir, i32) {
    let dir = temp_dir();
    let path = dir.path().join("plan.toml");
    std::fs::write(&path, plan_text).unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["plan", path.to_str().unwrap(), "--format", "json", "--quiet", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = wifiplan(&args);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", transcript(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is the report");
    (report, dir, output.status.code().unwrap())
}

#[test]
fn isolated_rooms_need_one_ap_each_and_the_bound_proves_it() {
    for rooms in [1, 2, 3] {
        let (report, _dir, code) = plan_json(&isolated_rooms(rooms, 0), &["--model", "multiwall"]);
        let result = &report["result"];
        assert_eq!(code, 0);
        assert_eq!(result["ap_count"], rooms, "{result}");
        assert_eq!(result["lower_bound"], rooms, "{result}");
        assert_eq!(result["optimal"], true);
        // One AP in each room.
        for room in report["floors"][0]["rooms"].as_array().unwrap() {
            assert_eq!(room["serving_aps"].as_array().unwrap().len(), 1, "{room}");
            assert!(room["coverage_pct"].as_f64().unwrap() >= 95.0, "{room}");
        }
    }
}

#[test]
fn capacity_adds_aps_and_the_bound_counts_clients() {
    // One room with 70 clients and 30 per AP: at least 3 APs.
    let (report, _dir, code) = plan_json(&isolated_rooms(1, 70), &["--model", "multiwall"]);
    let result = &report["result"];
    assert_eq!(code, 0, "{result}");
    assert!(result["ap_count"].as_u64().unwrap() >= 3, "{result}");
    assert!(result["lower_bound"].as_u64().unwrap() >= 3, "{result}");
    assert!(result["lower_bound"].as_u64().unwrap() <= result["ap_count"].as_u64().unwrap());
}

#[test]
fn fixed_aps_are_kept_and_proposals_may_go() {
    let mut text = isolated_rooms(2, 0);
    text += "[[aps]]\nid = \"KEEP\"\nposition = [3.0, 2.5]\nchannel = 40\n";
    text += "[[aps]]\nid = \"MAYBE\"\nposition = [4.0, 2.5]\nfixed = false\n";
    let (report, _dir, _) = plan_json(&text, &["--model", "multiwall"]);
    let ids: Vec<&str> = report["aps"].as_array().unwrap().iter().map(|ap| ap["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"KEEP"), "{ids:?}");
    assert!(!ids.contains(&"MAYBE"), "the proposal in an already covered room is not needed: {ids:?}");
    assert_eq!(ids.len(), 2);
    let keep = report["aps"].as_array().unwrap().iter().find(|ap| ap["id"] == "KEEP").unwrap();
    assert_eq!(keep["channel"], 40, "a channel given in the plan is kept");
}

#[test]
fn overlapping_aps_get_channels_that_do_not_overlap() {
    // Two rooms behind a plasterboard wall: both APs hear each other.
    let text = isolated_rooms(2, 40).replace("material = \"metal\"", "material = \"plasterboard\"");
    let (report, _dir, _) = plan_json(&text, &["--model", "multiwall"]);
    let channels: Vec<u64> =
        report["aps"].as_array().unwrap().iter().map(|ap| ap["channel"].as_u64().unwrap()).collect();
    assert!(channels.len() >= 2, "{channels:?}");
    let mut unique = channels.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), channels.len(), "co-channel APs: {channels:?}");
    assert_eq!(report["result"]["cochannel_overlap_m2"], 0.0);
}

#[test]
fn planned_toml_resimulates_to_the_requirement_and_the_same_seed_gives_the_same_plan() {
    let plan = example("office_small.toml");
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let dir = temp_dir();
            let output = wifiplan(&[
                "plan",
                plan.to_str().unwrap(),
                "--quiet",
                "--seed",
                "7",
                "--resolution",
                "0.5",
                "--out",
                dir.path().to_str().unwrap(),
            ]);
            assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
            dir
        })
        .collect();
    let planned = |dir: &tempfile::TempDir| std::fs::read_to_string(dir.path().join("planned.toml")).unwrap();
    assert_eq!(planned(&runs[0]), planned(&runs[1]), "same seed, same plan");
    for name in ["rdc-channels.png", "rdc-rssi.png", "report.md", "report.html"] {
        assert!(runs[0].path().join(name).exists(), "{name} missing");
    }
    // The planned file is a valid plan that meets the requirement when
    // simulated independently (ray tracing, the plan's own resolution).
    let planned_path = runs[0].path().join("planned.toml");
    let validate = wifiplan(&["validate", planned_path.to_str().unwrap()]);
    assert_eq!(validate.status.code(), Some(0), "{}", transcript(&validate));
    let out = temp_dir();
    let simulate = wifiplan(&[
        "simulate",
        planned_path.to_str().unwrap(),
        "--resolution",
        "0.5",
        "--format",
        "json",
        "--quiet",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(simulate.status.code(), Some(0), "{}", transcript(&simulate));
    let report: serde_json::Value = serde_json::from_slice(&simulate.stdout).unwrap();
    assert_eq!(report["requirement_met"], true, "{report}");
}

#[test]
fn thick_stone_needs_about_one_ap_per_classroom_plasterboard_far_fewer() {
    let count = |name: &str| {
        let dir = temp_dir();
        let output = wifiplan(&[
            "plan",
            example(name).to_str().unwrap(),
            "--model",
            "multiwall",
            "--resolution",
            "0.5",
            "--starts",
            "2",
            "--format",
            "json",
            "--quiet",
            "--out",
            dir.path().to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let result = report["result"].clone();
        let (count, bound) = (result["ap_count"].as_u64().unwrap(), result["lower_bound"].as_u64().unwrap());
        assert!(bound <= count, "{name}: bound {bound} above count {count}");
        count
    };
    // 20 classrooms and two corridors.
    let stone = count("lycee_darche.toml");
    let modern = count("lycee_moderne.toml");
    assert!((18..=26).contains(&stone), "stone lycée: {stone} APs for 20 classrooms");
    assert!(modern <= 8, "modern lycée: {modern} APs");
    assert!(stone >= 3 * modern, "stone {stone} vs modern {modern}");
}

#[test]
fn impossible_requirements_exit_1_and_say_so() {
    let (report, _dir, code) = plan_json(&isolated_rooms(3, 0), &["--model", "multiwall", "--max-aps", "2"]);
    assert_eq!(code, 1);
    assert_eq!(report["result"]["requirement_met"], false);
    assert_eq!(report["result"]["optimal"], false);
}

#[test]
fn many_plans_are_planned_in_one_run() {
    let dir = temp_dir();
    let plans = dir.path().join("plans");
    std::fs::create_dir(&plans).unwrap();
    std::fs::write(plans.join("a.toml"), isolated_rooms(1, 0)).unwrap();
    std::fs::write(plans.join("b.toml"), isolated_rooms(2, 0)).unwrap();
    std::fs::write(plans.join("broken.toml"), "format = 1\n[[floors]]\nid = \"f\"\nheight = -1\n").unwrap();
    let out = dir.path().join("out");
    let output = wifiplan(&[
        "plan",
        plans.to_str().unwrap(),
        "--model",
        "multiwall",
        "--quiet",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "one broken plan: {}", transcript(&output));
    for folder in ["a", "b"] {
        assert!(out.join(folder).join("planned.toml").exists(), "{folder} was not planned");
    }
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let counts: Vec<u64> = summary["plans"].as_array().unwrap().iter().filter_map(|p| p["ap_count"].as_u64()).collect();
    assert_eq!(counts, vec![1, 2], "{summary}");
}
