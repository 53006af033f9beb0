//! Antenna patterns through the command line: a directional Planet/MSI
//! file aimed east in free space gives, at every probe, the transmit power
//! plus the peak gain minus the file's attenuation that way minus Friis,
//! with both models; malformed pattern files are located errors;
//! `wifiplan antennas` lists and checks patterns.

use crate::util::reference::friis_db;
use crate::util::{temp_dir, transcript, wifiplan};

/// Horizontal cut of the test pattern, dB below the peak at `angle`
/// degrees clockwise from the boresight: a narrower beam on the left
/// (counter-clockwise) than on the right, so a mirrored or mis-turned
/// pattern shows.
fn horizontal_cut(angle: u32) -> f64 {
    let signed = if angle > 180 { angle as f64 - 360.0 } else { angle as f64 };
    let width = if signed >= 0.0 { 80.0 } else { 50.0 };
    (12.0 * (signed / width).powi(2)).min(if signed >= 0.0 { 22.0 } else { 28.0 })
}

/// Vertical cut: 0 = horizon in front, increasing downwards; a 40° beam in
/// front, 25 dB behind.
fn vertical_cut(angle: u32) -> f64 {
    let theta = (angle as f64).to_radians();
    if theta.cos() < 0.0 {
        return 25.0;
    }
    let depression = theta.sin().asin().to_degrees();
    (12.0 * (depression / 40.0).powi(2)).min(25.0)
}

/// The cut's value as written to the file (two decimals).
fn written(cut: fn(u32) -> f64, angle: u32) -> f64 {
    (cut(angle % 360) * 100.0).round() / 100.0
}

/// The file's value at any angle: linear between the written samples.
fn interpolated(cut: fn(u32) -> f64, angle: f64) -> f64 {
    let angle = angle.rem_euclid(360.0);
    let below = angle.floor() as u32;
    let t = angle - below as f64;
    written(cut, below) * (1.0 - t) + written(cut, below + 1) * t
}

fn msi_file(gain_line: &str) -> String {
    let mut text = format!(
        "NAME held-out asymmetric patch\nMAKE Test\nFREQUENCY 5180\nH_WIDTH 65\nV_WIDTH 40\nFRONT_TO_BACK 22\n{gain_line}\nTILT MECHANICAL\nHORIZONTAL 360\n"
    );
    for angle in 0..360 {
        text.push_str(&format!("{angle} {:.2}\n", written(horizontal_cut, angle)));
    }
    text.push_str("VERTICAL 360\n");
    for angle in 0..360 {
        text.push_str(&format!("{angle} {:.2}\n", written(vertical_cut, angle)));
    }
    text
}

/// Two open storeys (no slab between them): the AP on the upper one at
/// the receivers' height, so probes on that storey lie in the boresight
/// plane and probes on the lower one 3 m below it.
fn plan_text(antenna: &str) -> String {
    format!(
        r#"format = 1
name = "held-out pattern"
[defaults]
receiver_height = 1.5
resolution = 1.0
[[floors]]
id = "low"
elevation = 0.0
height = 3.0
slab = "none"
ceiling = "none"
[[floors.rooms]]
name = "low"
polygon = [[-15, -15], [15, -15], [15, 15], [-15, 15]]
[[floors]]
id = "high"
elevation = 3.0
height = 3.0
slab = "none"
ceiling = "none"
roof = "none"
[[floors.rooms]]
name = "high"
polygon = [[-15, -15], [15, -15], [15, 15], [-15, 15]]
[[aps]]
id = "east"
floor = "high"
position = [0.0, 0.0]
height = 1.5
band = "5"
channel = 36
tx_power_dbm = 20
antenna = "{antenna}"
azimuth = 90
"#
    )
}

const TX_POWER_DBM: f64 = 20.0;
const FREQUENCY_HZ: f64 = 5.18e9;

/// One probe: where, and the attenuation the file gives towards it.
struct Probe {
    x: f64,
    y: f64,
    floor: &'static str,
    attenuation_db: f64,
    distance: f64,
}

fn probes() -> Vec<Probe> {
    let mut probes = Vec::new();
    // In the boresight plane, 10 m away at these bearings (clockwise from
    // north): the boresight is east (90°), so the pattern angle clockwise
    // from the boresight is bearing − 90°.
    for bearing in [90.0, 120.0, 150.0, 180.0, 60.0, 30.0, 0.0, 270.0, 225.0] {
        let b: f64 = f64::to_radians(bearing);
        probes.push(Probe {
            x: 10.0 * b.sin(),
            y: 10.0 * b.cos(),
            floor: "high",
            attenuation_db: interpolated(horizontal_cut, bearing - 90.0),
            distance: 10.0,
        });
    }
    // 3 m below the boresight plane, in front, 10 m from the AP: on the
    // vertical cut at asin(0.3) = 17.46° below the horizon.
    let depression = f64::asin(0.3).to_degrees();
    probes.push(Probe {
        x: (100.0f64 - 9.0).sqrt(),
        y: 0.0,
        floor: "low",
        attenuation_db: interpolated(vertical_cut, depression),
        distance: 10.0,
    });
    probes
}

fn simulate_probes(dir: &std::path::Path, model: &str) -> serde_json::Value {
    let plan = dir.join("plan.toml");
    let mut args: Vec<String> = ["simulate", plan.to_str().unwrap(), "--quiet", "--model", model, "--format", "json"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push("--out".into());
    args.push(dir.join(format!("out-{model}")).to_str().unwrap().into());
    for probe in probes() {
        args.push(format!("--probe={:.6},{:.6},{}", probe.x, probe.y, probe.floor));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = wifiplan(&refs);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

#[test]
fn held_out_pattern_pointed_east_gives_gain_minus_attenuation_minus_friis() {
    let dir = temp_dir();
    std::fs::create_dir(dir.path().join("patterns")).unwrap();
    // 5.85 dBd = 8 dBi: the unit the MSI format assumes without a marker.
    std::fs::write(dir.path().join("patterns/held.msi"), msi_file("GAIN 5.85")).unwrap();
    std::fs::write(dir.path().join("plan.toml"), plan_text("patterns/held.msi")).unwrap();
    let gain_dbi = 5.85 + 2.15;
    // The file's own attenuations, so the test fails if the pattern is not
    // applied at all (the probes span 0 to 28 dB).
    let attenuations: Vec<f64> = probes().iter().map(|p| p.attenuation_db).collect();
    assert!(attenuations.iter().cloned().fold(0.0, f64::max) > 20.0, "{attenuations:?}");
    for model in ["multiwall", "raytrace"] {
        let report = simulate_probes(dir.path(), model);
        let measured = report["probes"].as_array().expect("probes");
        let mut worst: f64 = 0.0;
        for (probe, value) in probes().iter().zip(measured) {
            let expected = TX_POWER_DBM + gain_dbi - probe.attenuation_db - friis_db(probe.distance, FREQUENCY_HZ);
            let got = value["rssi_dbm"].as_f64().unwrap_or_else(|| panic!("no rssi in {value}"));
            worst = worst.max((got - expected).abs());
            assert!(
                (got - expected).abs() < 0.5,
                "{model}: probe ({:.2}, {:.2}) on {}: {got:.2} dBm, expected {expected:.2} dBm",
                probe.x,
                probe.y,
                probe.floor
            );
            assert_eq!(value["server"], "east");
        }
        eprintln!("{model}: worst probe error {worst:.3} dB");
        let ap = &report["aps"][0];
        assert!((ap["antenna_gain_dbi"].as_f64().unwrap() - gain_dbi).abs() < 1e-9, "{ap}");
        assert_eq!(ap["antenna"], "patterns/held.msi");
        assert_eq!(ap["azimuth_deg"], 90.0);
    }
}

#[test]
fn malformed_and_unreadable_pattern_files_are_located_errors() {
    let dir = temp_dir();
    // Line 9 is `HORIZONTAL 360`; line 10 + 17 holds angle 17.
    let bad = msi_file("GAIN 8 dBi").replacen("\n17 ", "\n17 x", 1);
    std::fs::write(dir.path().join("bad.msi"), bad).unwrap();
    std::fs::write(dir.path().join("plan.toml"), plan_text("bad.msi")).unwrap();
    let plan = dir.path().join("plan.toml");
    for command in ["validate", "simulate"] {
        let output = wifiplan(&[command, plan.to_str().unwrap(), "--quiet"]);
        let text = transcript(&output);
        assert_eq!(output.status.code(), Some(2), "{text}");
        assert!(text.contains("bad.msi:27:"), "the pattern file's line: {text}");
        assert!(text.contains("plan.toml:"), "the plan's antenna key: {text}");
    }
    std::fs::write(dir.path().join("plan.toml"), plan_text("missing.msi")).unwrap();
    let output = wifiplan(&["validate", plan.to_str().unwrap()]);
    let text = transcript(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("failed to read antenna pattern") && text.contains("missing.msi"), "{text}");
    std::fs::write(dir.path().join("plan.toml"), plan_text("patch60")).unwrap();
    let output = wifiplan(&["validate", plan.to_str().unwrap()]);
    assert!(transcript(&output).contains("did you mean `patch_60`"), "{}", transcript(&output));
    // Listing a pattern file checks it the same way.
    let output = wifiplan(&["antennas", dir.path().join("bad.msi").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(transcript(&output).contains("bad.msi:27:1"), "{}", transcript(&output));
}

#[test]
fn antennas_lists_the_catalogue_and_pattern_files() {
    let output = wifiplan(&["antennas"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    for name in ["isotropic", "dipole", "ceiling_ap", "patch_60"] {
        assert!(text.lines().any(|line| line.starts_with(name)), "{name} missing:\n{text}");
    }
    // A built-in pattern exported as MSI reads back with its gain.
    let output = wifiplan(&["antennas", "--export", "patch_60"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let dir = temp_dir();
    let file = dir.path().join("patch.msi");
    std::fs::write(&file, &output.stdout).unwrap();
    let output = wifiplan(&["antennas", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let listed = String::from_utf8_lossy(&output.stdout);
    let row = listed.lines().find(|l| l.starts_with("patch_60")).unwrap_or_else(|| panic!("{listed}"));
    assert!(row.contains("10.40") && row.contains("60°"), "{row}");
}
