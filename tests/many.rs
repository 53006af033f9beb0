//! Many plans at once: directories, one folder per plan, the summary, the
//! combined exit code, `--shard`.

use std::path::Path;

use serde_json::Value;

use crate::check::parse_xml;
use crate::ci_plans::{ap_in_dead_room, run_fast, s, thicker_wall, write, BASE};
use crate::util::{non_empty, temp_dir};

/// A directory of four good plans and one bad one (a misspelt material).
fn plans_dir(root: &Path) -> std::path::PathBuf {
    let dir = root.join("plans");
    std::fs::create_dir(&dir).unwrap();
    write(&dir, "a_base.toml", BASE);
    write(&dir, "b_thick.toml", &thicker_wall());
    write(&dir, "c_bad.toml", &BASE.replacen("material = \"brick\"", "material = \"brik\"", 1));
    write(&dir, "d_moved.toml", &ap_in_dead_room());
    let json = r#"{"format": 1, "name": "json plan", "floors": [{"id": "f0", "height": 3.0,
        "walls": [{"points": [[0, 0], [6, 0], [6, 4], [0, 4], [0, 0]], "material": "brick", "thickness": 0.2}],
        "rooms": [{"name": "Room", "polygon": [[0.2, 0.2], [5.8, 0.2], [5.8, 3.8], [0.2, 3.8]]}]}],
        "aps": [{"id": "AP1", "position": [3.0, 2.0]}]}"#;
    write(&dir, "e_json.json", json);
    write(&dir, "notes.txt", "not a plan");
    dir
}

fn summary(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("summary.json")).unwrap()
}

#[test]
fn a_bad_plan_gives_exit_2_but_the_good_plans_are_done() {
    let root = temp_dir();
    let dir = plans_dir(root.path());
    let out = root.path().join("out");
    let (code, stdout, log) = run_fast(&["simulate", s(&dir), "--quiet", "--out", s(&out)]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("c_bad.toml") && log.contains("did you mean `brick`?"), "{log}");
    for folder in ["a_base", "b_thick", "d_moved", "e_json"] {
        assert!(non_empty(&out.join(folder).join("report.json")), "missing {folder}/report.json\n{log}");
        assert!(non_empty(&out.join(folder).join("f0-rssi.png")), "missing {folder}/f0-rssi.png");
    }
    assert!(!out.join("c_bad").exists());
    let summary = summary(&out);
    assert_eq!(summary["exit_code"], 2);
    assert_eq!(summary["counts"]["plans"], 5);
    assert_eq!(summary["counts"]["errors"], 1);
    let statuses: Vec<&str> =
        summary["plans"].as_array().unwrap().iter().map(|p| p["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["ok", "ok", "error", "ok", "ok"]);
    assert!(stdout.contains("5 plans: 4 ok, 0 failed, 1 error"), "{stdout}");
}

#[test]
fn check_over_many_plans_combines_exit_codes_and_junit() {
    let root = temp_dir();
    let dir = plans_dir(root.path());
    let good = [dir.join("a_base.toml"), dir.join("d_moved.toml")];
    // Both plans load; the base plan's East room is dead: exit 1.
    let (code, stdout, log) = run_fast(&["check", s(&good[0]), s(&good[1]), "--min-coverage", "95", "--quiet"]);
    assert_eq!(code, Some(1), "{log}");
    assert!(stdout.contains("FAIL  f0 / East"), "{stdout}");
    assert!(stdout.contains("2 plans: 1 ok, 1 failed, 0 errors"), "{stdout}");
    // The whole directory: one plan errors, exit 2; JUnit has a suite per plan.
    let junit = root.path().join("junit.xml");
    let out = root.path().join("out");
    let (code, _, log) =
        run_fast(&["check", s(&dir), "--min-coverage", "95", "--junit", s(&junit), "--out", s(&out), "--quiet"]);
    assert_eq!(code, Some(2), "{log}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let elements = parse_xml(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(elements.iter().filter(|e| e.name == "testsuite").count(), 5);
    assert_eq!(elements.iter().filter(|e| e.name == "error").count(), 1);
    assert_eq!(elements[0].attributes["errors"], "1");
    assert!(non_empty(&out.join("d_moved").join("check.json")));
    assert_eq!(summary(&out)["exit_code"], 2);
}

/// The plan files a shard ran, from its summary on stdout.
fn shard_files(dir: &Path, shard: &str, out: &Path) -> Vec<String> {
    let (code, stdout, log) =
        run_fast(&["simulate", s(dir), "--shard", shard, "--quiet", "--format", "json", "--out", s(out)]);
    assert!(code == Some(0) || code == Some(2), "{log}");
    let summary: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}\n{stdout}"));
    assert_eq!(summary["shard"], shard);
    summary["plans"].as_array().unwrap().iter().map(|p| p["file"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn shards_partition_the_sorted_list() {
    let root = temp_dir();
    let dir = plans_dir(root.path());
    let first = shard_files(&dir, "1/2", &root.path().join("o1"));
    let second = shard_files(&dir, "2/2", &root.path().join("o2"));
    let name = |f: &String| Path::new(f).file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(first.iter().map(name).collect::<Vec<_>>(), ["a_base.toml", "c_bad.toml", "e_json.json"]);
    assert_eq!(second.iter().map(name).collect::<Vec<_>>(), ["b_thick.toml", "d_moved.toml"]);
    // Folders are named over the whole list, whatever the shard.
    assert!(non_empty(&root.path().join("o2").join("d_moved").join("report.json")));
    let (code, _, log) = run_fast(&["simulate", s(&dir), "--shard", "3/2", "--quiet"]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("--shard 3/2: I must be between 1 and N"), "{log}");
}

#[test]
fn a_single_plan_keeps_its_own_output_folder() {
    let root = temp_dir();
    let plan = write(root.path(), "plan.toml", BASE);
    let out = root.path().join("out");
    let (code, stdout, log) = run_fast(&["simulate", s(&plan), "--quiet", "--format", "json", "--out", s(&out)]);
    assert_eq!(code, Some(0), "{log}");
    assert!(non_empty(&out.join("report.json")), "--out is the plan's folder");
    assert!(!out.join("summary.json").exists());
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["plan"], "CI fixture", "--format json prints the plan's report");
    // The same plan as a one-plan shard is a many-plans run.
    let (code, _, log) = run_fast(&["simulate", s(&plan), "--shard", "1/1", "--quiet", "--out", s(&out)]);
    assert_eq!(code, Some(0), "{log}");
    assert!(non_empty(&out.join("plan").join("report.json")));
    assert!(non_empty(&out.join("summary.json")));
}
