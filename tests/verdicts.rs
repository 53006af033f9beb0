//! Verdicts a planner can trust (issue 16 parts 1, 2 and 6, issue 15
//! part 1): country rules in `validate` and `plan`, one requirement with
//! SINR and capacity judged the same way by `simulate`, `check` and `plan`,
//! each AP's reason, capacity as an assignment (the 14 × 10 m hall), and the
//! maps of a mixed-band plan.

use serde_json::Value;

use crate::util::{example, temp_dir, transcript, wifiplan};

/// Two 6 × 5 m rooms behind a plasterboard partition, each with an AP at
/// its centre on `channels`; `extra` is appended to `[defaults]`.
fn two_rooms(channels: (u32, u32), extra: &str) -> String {
    format!(
        r#"format = 1
name = "Two rooms"
[defaults]
resolution = 0.5
{extra}
[[floors]]
id = "f"
name = "Ground floor"
height = 3.0
[[floors.walls]]
points = [[0, 0], [12, 0], [12, 5], [0, 5], [0, 0]]
material = "brick"
thickness = 0.2
[[floors.walls]]
points = [[6, 0], [6, 5]]
material = "plasterboard"
thickness = 0.1
[[floors.rooms]]
name = "A"
polygon = [[0.1, 0.1], [5.9, 0.1], [5.9, 4.9], [0.1, 4.9]]
[[floors.rooms]]
name = "B"
polygon = [[6.1, 0.1], [11.9, 0.1], [11.9, 4.9], [6.1, 4.9]]
[[aps]]
id = "AP-A"
position = [3.0, 2.5]
channel = {}
[[aps]]
id = "AP-B"
position = [9.0, 2.5]
channel = {}
"#,
        channels.0, channels.1
    )
}

/// The 14 × 10 m open hall of issue 15: 90 clients, no AP yet.
const HALL: &str = r#"format = 1
name = "Hall"
[defaults]
resolution = 0.25
[[floors]]
id = "f"
height = 4.0
[[floors.walls]]
points = [[0, 0], [14, 0], [14, 10], [0, 10], [0, 0]]
material = "brick"
thickness = 0.2
[[floors.rooms]]
name = "Hall"
polygon = [[0.1, 0.1], [13.9, 0.1], [13.9, 9.9], [0.1, 9.9]]
clients = 90
"#;

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Runs wifiplan; returns the exit code, stdout and the transcript.
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let output = wifiplan(args);
    (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned(), transcript(&output))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn room<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["floors"][0]["rooms"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()
}

// ---------------------------------------------------------------- part 1

/// Issue 16, part 1: channel 169 at 20 dBm in France, and a 6 dBi antenna
/// on channel 36, are rejected with the located line and the allowed list;
/// DFS channel 52 is accepted.
#[test]
fn validate_rejects_channels_and_powers_the_country_forbids() {
    let dir = temp_dir();
    let text =
        two_rooms((169, 52), "country = \"FR\"").replace("channel = 52\n", "channel = 36\nantenna_gain_dbi = 6\n");
    let plan = write(dir.path(), "fr.toml", &text);
    let (code, _, log) = run(&["validate", &plan]);
    assert_eq!(code, Some(2), "{log}");
    // 169 is a short-range-device channel in the EU: 25 mW at most.
    let channel_line = text.lines().position(|l| l == "channel = 169").unwrap() + 1;
    assert!(log.contains(&format!("fr.toml:{channel_line}:")), "{log}");
    assert!(
        log.contains(
            "AP `AP-A`: e.i.r.p. 20 dBm (20 dBm + 0 dBi) on 5 GHz channel 169 is above the 14 dBm FR allows there"
        ),
        "{log}"
    );
    assert!(log.contains("short-range devices, 25 mW"), "{log}");
    assert!(log.contains("36–48 (indoor): 23 dBm"), "the allowed list is given: {log}");
    let gain_line = text.lines().position(|l| l == "antenna_gain_dbi = 6").unwrap() + 1;
    assert!(log.contains(&format!("fr.toml:{gain_line}:")), "{log}");
    assert!(
        log.contains("e.i.r.p. 26 dBm (20 dBm + 6 dBi) on 5 GHz channel 36 is above the 23 dBm FR allows"),
        "{log}"
    );
    assert!(log.contains("hint: set tx_power_dbm = 17 or less"), "{log}");

    // DFS channels are legal (radar detection is the AP's job); no
    // country, no check.
    let ok = write(dir.path(), "ok.toml", &two_rooms((36, 52), "country = \"FR\""));
    let (code, _, log) = run(&["validate", &ok]);
    assert_eq!(code, Some(0), "{log}");
    let none = write(dir.path(), "none.toml", &two_rooms((169, 36), ""));
    assert_eq!(run(&["validate", &none]).0, Some(0));

    // An unknown code is located, with the ISO hint.
    let uk = write(dir.path(), "uk.toml", &two_rooms((36, 40), "country = \"UK\""));
    let (code, _, log) = run(&["validate", &uk]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("uk.toml:5:") && log.contains("country `UK`") && log.contains("GB"), "{log}");
}

/// `--country` on the command line holds the plan's APs to that country.
#[test]
fn country_on_the_command_line_checks_the_aps() {
    let dir = temp_dir();
    let plan = write(dir.path(), "p.toml", &two_rooms((149, 153), ""));
    let out = dir.path().join("out");
    let (code, _, log) = run(&["simulate", &plan, "--model", "multiwall", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{log}");
    let report = json(&std::fs::read_to_string(out.join("report.json")).unwrap());
    assert_eq!(report["regulatory"]["country"], Value::Null);
    assert!(report["regulatory"]["note"].as_str().unwrap().contains("no country given"), "{report}");
    assert!(report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("not allowed in every country")));
    // Channel 149 at 20 dBm: fine in the US, not in France.
    let (code, _, log) =
        run(&["simulate", &plan, "--model", "multiwall", "--quiet", "--country", "us", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{log}");
    let (code, _, log) =
        run(&["simulate", &plan, "--model", "multiwall", "--quiet", "--country", "FR", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("above the 14 dBm FR allows"), "{log}");
    let (code, _, log) = run(&["check", &plan, "--country", "XX", "--quiet"]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("--country: country `XX`"), "{log}");
}

/// The plan of issue 16 picked 153–173 at 20 dBm + antenna gain: in France
/// `plan` now uses only channels allowed at the e.i.r.p. it plans, and
/// lowers the power to the limit; DFS channels only with `--dfs`.
#[test]
fn plan_chooses_only_allowed_channels_and_powers() {
    let dir = temp_dir();
    // Six rooms of 30 clients behind plasterboard: six APs that hear each
    // other and need many channels. 20 dBm + 6 dBi asks for 26 dBm e.i.r.p.; 23 dBm is the most
    // on 36–48 in France and everywhere.
    let mut text = String::from(
        "format = 1\n[defaults]\nresolution = 0.5\ntx_power_dbm = 20\nantenna_gain_dbi = 6\n[[floors]]\nid = \"f\"\n",
    );
    text += "[[floors.walls]]\npoints = [[0, 0], [36, 0], [36, 5], [0, 5], [0, 0]]\nmaterial = \"brick\"\nthickness = 0.2\n";
    for i in 0..6 {
        let x0 = 6.0 * i as f64;
        if i > 0 {
            text += &format!(
                "[[floors.walls]]\npoints = [[{x0}, 0], [{x0}, 5]]\nmaterial = \"plasterboard\"\nthickness = 0.1\n"
            );
        }
        text += &format!(
            "[[floors.rooms]]\nname = \"R{i}\"\nclients = 30\npolygon = [[{}, 0.2], [{}, 0.2], [{}, 4.8], [{}, 4.8]]\n",
            x0 + 0.2,
            x0 + 5.8,
            x0 + 5.8,
            x0 + 0.2
        );
    }
    let plan = write(dir.path(), "p.toml", &text);
    let out = dir.path().join("out");
    let plan_with = |extra: &[&str]| {
        let mut args =
            vec!["plan", plan.as_str(), "--model", "multiwall", "--format", "json", "--quiet", "--starts", "2"];
        args.extend(["--out", out.to_str().unwrap()]);
        args.extend(extra);
        let (code, stdout, log) = run(&args);
        assert!(matches!(code, Some(0 | 1)), "{log}");
        json(&stdout)
    };
    // With --dfs, 100–140 allow 30 dBm: the plan keeps its 26 dBm there.
    let dfs_channels = [100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140];
    for (extra, allowed, eirp_limit) in [
        (&["--country", "FR"][..], &[36, 40, 44, 48][..], 23.0),
        (&[][..], &[36, 40, 44, 48][..], 23.0),
        (&["--country", "FR", "--dfs"][..], &dfs_channels[..], 26.0),
    ] {
        let report = plan_with(extra);
        let aps = report["aps"].as_array().unwrap();
        assert!(aps.len() >= 6, "{report}");
        for ap in aps {
            let channel = ap["channel"].as_u64().unwrap() as u32;
            assert!(allowed.contains(&channel), "{extra:?}: channel {channel} in {report}");
            let eirp = ap["tx_power_dbm"].as_f64().unwrap() + ap["antenna_gain_dbi"].as_f64().unwrap();
            assert!(eirp <= eirp_limit + 1e-9, "{extra:?}: e.i.r.p. {eirp}");
        }
        assert_eq!(report["result"]["eirp_dbm"], eirp_limit);
        // The planned file validates in that country.
        let planned = out.join("planned.toml");
        let (code, _, log) = run(&["validate", planned.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{log}");
    }
    // 6 GHz needs a country.
    let (code, _, log) = run(&["plan", &plan, "--band", "6", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("no 6 GHz channel") && log.contains("--country"), "{log}");
}

// ---------------------------------------------------------------- part 2

/// Issue 16, part 2: every AP on channel 36 gave "requirement met" with a
/// SINR of 10–20 dB. The same plan on two channels meets it.
#[test]
fn co_channel_aps_fail_on_sinr_in_simulate_and_check_alike() {
    let dir = temp_dir();
    let same = write(dir.path(), "same.toml", &two_rooms((36, 36), ""));
    let apart = write(dir.path(), "apart.toml", &two_rooms((36, 44), ""));
    let out = dir.path().join("out");
    let simulate = |plan: &str| {
        let (code, stdout, log) = run(&[
            "simulate",
            plan,
            "--model",
            "multiwall",
            "--format",
            "json",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, Some(0), "{log}");
        json(&stdout)
    };
    let report = simulate(&same);
    assert_eq!(report["requirement_met"], false, "{report}");
    for name in ["A", "B"] {
        let r = room(&report, name);
        assert_eq!(r["coverage_pct"], 100.0, "{r}");
        assert!(r["met_pct"].as_f64().unwrap() < 95.0, "{r}");
        assert_eq!(r["limited_by"], "sinr", "{r}");
        assert_eq!((r["signal_ok"].clone(), r["sinr_ok"].clone()), (Value::Bool(true), Value::Bool(false)));
    }
    assert_eq!(report["requirement"]["min_sinr_db"], 20.0);
    let (code, stdout, log) = run(&["check", &same, "--model", "multiwall", "--format", "json", "--quiet"]);
    assert_eq!(code, Some(1), "{log}");
    let check = json(&stdout);
    for case in check["cases"].as_array().unwrap() {
        assert_eq!(case["outcome"], "failed", "{case}");
        assert_eq!(case["limited_by"], "sinr");
        assert!(case["message"].as_str().unwrap().contains("limited by SINR (signal alone 100.0%)"), "{case}");
    }
    let report = simulate(&apart);
    assert_eq!(report["requirement_met"], true, "{report}");
    let (code, _, log) = run(&["check", &apart, "--model", "multiwall", "--quiet"]);
    assert_eq!(code, Some(0), "{log}");
    // A laxer requirement (iot: 10 dB) accepts the co-channel pair where it
    // clears 10 dB; the report says which requirement it used.
    let (_, stdout, _) = run(&[
        "simulate",
        &same,
        "--model",
        "multiwall",
        "--format",
        "json",
        "--quiet",
        "--requirement",
        "iot",
        "--out",
        out.to_str().unwrap(),
    ]);
    let iot = json(&stdout);
    assert_eq!(
        (iot["requirement"]["threshold_dbm"].as_f64(), iot["requirement"]["min_sinr_db"].as_f64()),
        (Some(-75.0), Some(10.0))
    );
    assert_eq!(iot["requirement"]["preset"], "iot");
    let data = simulate(&same);
    assert!(room(&iot, "A")["met_pct"].as_f64().unwrap() >= room(&data, "A")["met_pct"].as_f64().unwrap(), "{iot}");
}

/// Issue 16, part 2: `plan` answered more APs than coverage needs without
/// saying why. Each planned AP now says what it is needed for, and
/// report.md and report.json give the clients per AP.
#[test]
fn plan_says_why_each_ap_is_there_and_how_many_clients_it_serves() {
    let dir = temp_dir();
    let hall = write(dir.path(), "hall.toml", HALL);
    let out = dir.path().join("out");
    let (code, stdout, log) =
        run(&["plan", &hall, "--model", "multiwall", "--format", "json", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{log}");
    let report = json(&stdout);
    let reasons: Vec<&str> =
        report["aps"].as_array().unwrap().iter().map(|ap| ap["needed_for"][0].as_str().unwrap()).collect();
    assert_eq!(reasons, ["coverage", "capacity", "capacity"], "{report}");
    assert_eq!(report["result"]["needed_for"], serde_json::json!({"coverage": 1, "capacity": 2, "sinr": 0}));
    for ap in report["aps"].as_array().unwrap() {
        assert!((ap["clients"].as_f64().unwrap() - 30.0).abs() < 0.01, "{ap}");
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("New APs: 1 for coverage, 2 for capacity (at most 30 clients per AP), 0 for SINR"), "{md}");
    assert!(md.contains("| clients | needed for |") && md.contains("| 30.0 | capacity |"), "{md}");
    // With 45 clients per AP, one AP covers and carries the hall.
    let (_, stdout, _) = run(&[
        "plan",
        &hall,
        "--model",
        "multiwall",
        "--format",
        "json",
        "--quiet",
        "--max-clients-per-ap",
        "45",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(json(&stdout)["result"]["ap_count"], 2);
}

/// `simulate` and `check` name the same limiting part for every room:
/// the office's open plan has 40 clients on two APs of 30 (a third of the
/// limit free) and 100 % coverage against a 95 % target, so capacity is
/// what limits it in both.
#[test]
fn simulate_and_check_name_the_same_limiting_part() {
    let dir = temp_dir();
    let plan = example("office_small.toml");
    let plan = plan.to_str().unwrap();
    let out = dir.path().join("out");
    let common = ["--model", "multiwall", "--resolution", "0.5", "--format", "json", "--quiet"];
    let mut args = vec!["simulate", plan, "--out", out.to_str().unwrap()];
    args.extend(common);
    let report = json(&run(&args).1);
    let mut args = vec!["check", plan];
    args.extend(common);
    let check = json(&run(&args).1);
    let mut compared = 0;
    for case in check["cases"].as_array().unwrap().iter().filter(|c| c["kind"] == "room" && c["outcome"] != "skipped") {
        let name = case["name"].as_str().unwrap();
        assert_eq!(case["limited_by"], room(&report, name)["limited_by"], "{name}: {case}");
        compared += 1;
    }
    assert_eq!(compared, 4);
    assert_eq!(room(&report, "Plateau")["limited_by"], "capacity");
}

/// `--movable` makes a first-guess AP a proposal the optimiser may drop.
#[test]
fn a_first_guess_ap_can_be_marked_movable() {
    let dir = temp_dir();
    let text =
        format!("{HALL}[[aps]]\nid = \"GUESS\"\nposition = [1.0, 1.0]\n").replace("clients = 90", "clients = 10");
    let plan = write(dir.path(), "p.toml", &text);
    let out = dir.path().join("out");
    let args = |extra: &[&str]| {
        let mut a = vec!["plan", plan.as_str(), "--model", "multiwall", "--format", "json", "--quiet"];
        a.extend(["--out", out.to_str().unwrap()]);
        a.extend(extra.iter().copied());
        json(&run(&a).1)
    };
    let kept = args(&[]);
    assert_eq!(kept["aps"][0]["id"], "GUESS");
    assert_eq!(kept["aps"][0]["needed_for"][0], "fixed");
    let moved = args(&["--movable", "GUESS"]);
    assert_eq!(moved["result"]["ap_count"], 1);
    assert_ne!(moved["aps"][0]["id"], "GUESS");
    let (code, _, log) = run(&["plan", &plan, "--movable", "GUES", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("did you mean `GUESS`?"), "{log}");
}

// ---------------------------------------------------------------- issue 15

/// Issue 15, part 1: a 14 × 10 m hall, 90 clients, 30 per AP. Every AP
/// covers the whole hall, and clients may use any AP they hear above the
/// threshold: 3 APs, proved optimal (it was 4 with a bound of 3 when each
/// cell's clients went to its strongest AP).
#[test]
fn the_hall_needs_three_aps_proved_optimal() {
    let dir = temp_dir();
    let hall = write(dir.path(), "hall.toml", HALL);
    let out = dir.path().join("out");
    let (code, stdout, log) =
        run(&["plan", &hall, "--model", "multiwall", "--format", "json", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{log}");
    let result = json(&stdout)["result"].clone();
    assert_eq!(result["ap_count"], 3, "{result}");
    assert_eq!(result["lower_bound"], 3, "{result}");
    assert_eq!(result["optimal"], true, "{result}");
    // Re-simulated (ray tracing), the planned hall carries its clients.
    let planned = out.join("planned.toml");
    let (code, stdout, log) =
        run(&["check", planned.to_str().unwrap(), "--format", "json", "--quiet", "--resolution", "0.5"]);
    assert_eq!(code, Some(0), "{log}");
    assert_eq!(json(&stdout)["met"], true);
}

/// The assignment keeps `--secondary` (every required cell heard by two
/// APs above the threshold): in the hall, where one AP covers everything,
/// 10 clients need 1 AP, 2 with `--secondary`; 90 clients need 3 either
/// way (two of them already give every cell a second AP). Each count is
/// proved by the bound.
#[test]
fn secondary_coverage_and_the_client_assignment_together() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    for (clients, secondary, expected) in [(10, false, 1), (10, true, 2), (90, false, 3), (90, true, 3)] {
        let hall = write(dir.path(), "hall.toml", &HALL.replace("clients = 90", &format!("clients = {clients}")));
        let mut args = vec!["plan", hall.as_str(), "--model", "multiwall", "--format", "json", "--quiet"];
        args.extend(["--resolution", "0.5", "--out", out.to_str().unwrap()]);
        if secondary {
            args.push("--secondary");
        }
        let (code, stdout, log) = run(&args);
        assert_eq!(code, Some(0), "{log}");
        let result = json(&stdout)["result"].clone();
        let case = format!("{clients} clients, secondary {secondary}: {result}");
        assert_eq!(result["ap_count"], expected, "{case}");
        assert_eq!(result["lower_bound"], expected, "{case}");
        assert_eq!(result["optimal"], true, "{case}");
    }
}

/// The assignment and the reasons give the same plan on any number of
/// threads: planned.toml byte for byte, report.json but its run time.
#[test]
fn the_planned_hall_is_the_same_on_one_thread_and_four() {
    let dir = temp_dir();
    let hall = write(dir.path(), "hall.toml", HALL);
    let outputs: Vec<(Vec<u8>, Value)> = ["1", "4"]
        .iter()
        .map(|threads| {
            let out = dir.path().join(format!("out-{threads}"));
            let (code, _, log) = run(&[
                "plan",
                &hall,
                "--model",
                "multiwall",
                "--resolution",
                "0.5",
                "--threads",
                threads,
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ]);
            assert_eq!(code, Some(0), "{log}");
            let mut report = json(&std::fs::read_to_string(out.join("report.json")).unwrap());
            report.as_object_mut().unwrap().remove("run_time_s");
            (std::fs::read(out.join("planned.toml")).unwrap(), report)
        })
        .collect();
    assert!(outputs[0].0 == outputs[1].0, "planned.toml differs between 1 and 4 threads");
    assert_eq!(outputs[0].1, outputs[1].1);
    assert_eq!(outputs[0].1["result"]["ap_count"], 3);
}

// ---------------------------------------------------------------- part 6

/// Issue 16, part 6: a plan with 2.4 and 5 GHz APs is judged per band, with
/// per-band maps, instead of a merged best server where the 2.4 GHz AP
/// stands in for missing 5 GHz coverage in the meeting room.
#[test]
fn a_mixed_band_plan_gets_per_band_maps_and_verdicts() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let plan = example("office_small.toml");
    let (code, stdout, log) = run(&[
        "simulate",
        plan.to_str().unwrap(),
        "--model",
        "multiwall",
        "--resolution",
        "0.5",
        "--format",
        "json",
        "--quiet",
        "--class-map",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{log}");
    let report = json(&stdout);
    assert_eq!(report["band"], "5");
    let bands: Vec<&str> = report["bands"].as_array().unwrap().iter().map(|b| b["band"].as_str().unwrap()).collect();
    assert_eq!(bands, ["2.4", "5"]);
    // The meeting room misses 5 GHz coverage: the merged map hid that.
    let meeting = room(&report, "Salle de réunion");
    assert_eq!(meeting["meets_target"], false, "{meeting}");
    assert_eq!(meeting["limited_by"], "signal");
    for name in [
        "rdc-rssi.png",
        "rdc-server.png",
        "rdc-classes.png",
        "rdc-rssi-2.4ghz.png",
        "rdc-server-2.4ghz.png",
        "rdc-classes-2.4ghz.png",
    ] {
        assert!(out.join(name).exists(), "{name} missing");
    }
    let text = run(&[
        "simulate",
        plan.to_str().unwrap(),
        "--model",
        "multiwall",
        "--resolution",
        "0.5",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ])
    .1;
    assert!(text.contains("2.4 GHz alone: 1 AP") && text.contains("5 GHz alone: 2 APs"), "{text}");
}

/// `plan` judges the band it plans for, as `simulate` does: the office's
/// 2.4 GHz AP in the meeting room is kept but does not count for 5 GHz
/// coverage. Before, `plan` called its 3 fixed APs optimal with the
/// requirement met, and its own simulation of them then said NOT met.
#[test]
fn plan_and_simulate_judge_a_mixed_band_plan_alike() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let plan = example("office_small.toml");
    let (code, stdout, log) = run(&[
        "plan",
        plan.to_str().unwrap(),
        "--model",
        "multiwall",
        "--resolution",
        "0.5",
        "--format",
        "json",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{log}");
    let report = json(&stdout);
    assert_eq!(report["result"]["requirement_met"], true, "{}", report["result"]);
    assert_eq!(report["requirement_met"], true, "the plan's own simulation agrees: {report}");
    assert!(report["result"]["needed_for"]["coverage"].as_u64().unwrap() >= 1, "{}", report["result"]);
    let meeting_ap = report["aps"].as_array().unwrap().iter().find(|ap| ap["id"] == "AP-REUNION").unwrap();
    assert_eq!(meeting_ap["needed_for"][0], "fixed");
    assert!(
        report["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("`AP-REUNION` is on 2.4 GHz")),
        "{report}"
    );
    let planned = out.join("planned.toml");
    let (code, _, log) =
        run(&["check", planned.to_str().unwrap(), "--model", "multiwall", "--resolution", "0.5", "--quiet"]);
    assert_eq!(code, Some(0), "{log}");
}

/// Storey names reach the reports; the contract's core keys are still
/// there.
#[test]
fn storey_names_and_core_keys() {
    let dir = temp_dir();
    let plan = write(dir.path(), "p.toml", &two_rooms((36, 44), ""));
    let out = dir.path().join("out");
    let (_, stdout, log) = run(&[
        "simulate",
        &plan,
        "--model",
        "multiwall",
        "--format",
        "json",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let report = json(&stdout);
    assert_eq!(report["floors"][0]["name"], "Ground floor", "{log}");
    for key in ["plan", "model", "aps", "coverage_pct", "floors", "probes"] {
        assert!(report.get(key).is_some(), "{key}");
    }
    for key in ["name", "coverage_pct", "median_dbm", "min_dbm", "serving_aps"] {
        assert!(room(&report, "A").get(key).is_some(), "{key}");
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## Floor Ground floor (`f`)"), "{md}");
}
