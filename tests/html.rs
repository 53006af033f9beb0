//! `report.html` in a real browser. Headless Chromium (Debian's `chromium`
//! package) opens the page with `#selftest=…` in its URL; the page's own
//! script then switches every layer, hovers the points the test asks for
//! with real pointer events, presses arrow keys, sorts the room table,
//! checks its fallback decoder against the browser's, and writes what it
//! saw into `<pre id="selftest">`. `--dump-dom` prints the page after
//! that, and the test compares every shown value with the grid it came
//! from. `--virtual-time-budget` lets the asynchronous decoding finish
//! before the dump.
//!
//! Without Chromium the browser tests are skipped with a message, except
//! in CI (`CI` or `WIFIPLAN_REQUIRE_CHROMIUM` set), where a missing browser
//! fails: `.ci/run` installs it and sets the latter. `WIFIPLAN_CHROMIUM`
//! names another binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wifiplan::compare;
use wifiplan::geometry::Point2;
use wifiplan::html::data::{db_code, db_text};
use wifiplan::pipeline::{self, Model, SimulationConfig, SimulationOutcome};
use wifiplan::propagation::engine::{FloorCoverage, NO_SERVER};
use wifiplan::render::overlay::room_label_point;
use wifiplan::report::comparison::Tolerances;

use crate::ci_plans::{self, write, BASE};
use crate::util::{example, temp_dir};

/// The browser, or `None` (with the reason printed) when it is absent
/// outside CI. In CI a missing browser is a failure.
fn chromium() -> Option<PathBuf> {
    let candidates = std::env::var_os("WIFIPLAN_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from));
    for path in candidates {
        if path.is_file() {
            return Some(path);
        }
    }
    if std::env::var_os("CI").is_some() || std::env::var_os("WIFIPLAN_REQUIRE_CHROMIUM").is_some() {
        panic!("chromium not found, and this is CI: .ci/run installs it (apt-get install chromium chromium-driver)");
    }
    eprintln!(
        "skipped: the report.html browser test needs chromium (apt-get install chromium); not in CI, so not a failure"
    );
    None
}

/// Runs the page's self-test in headless Chromium; returns the dumped DOM
/// and the self-test's results.
fn selftest(browser: &Path, page: &Path, points: &str) -> (String, Value) {
    let profile = temp_dir();
    let url = format!("file://{}#selftest={points}", page.display());
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-extensions",
            "--window-size=1400,1000",
            "--virtual-time-budget=60000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Read stdout on a thread so a large DOM cannot block the browser.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let mut stderr = child.stderr.take().expect("piped stderr");
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 180 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = reader.join().unwrap_or_default();
    let log = err_reader.join().unwrap_or_default();
    // The last one: the page appends it at the end of its body.
    let start = dom.rfind("<pre id=\"selftest\">").unwrap_or_else(|| {
        panic!(
            "no self-test result in the page (script did not finish?)\n--- stderr\n{log}\n--- dom (start)\n{}",
            &dom[..dom.len().min(3000)]
        )
    });
    let body = &dom[start + "<pre id=\"selftest\">".len()..];
    let end = body.find("</pre>").expect("the result element closes");
    let json = body[..end].replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let result: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("self-test JSON ({e}): {json}"));
    (dom, result)
}

/// The points to hover on a storey: each room's label point, each AP, a
/// wall cell, and a spread of cell centres; as `floor:x:y` for the URL.
fn points_for(outcome: &SimulationOutcome) -> Vec<(usize, Point2)> {
    let mut points = Vec::new();
    for fc in &outcome.coverage.floors {
        let floor = &outcome.scene.floors[fc.floor];
        let grid = fc.rssi.grid;
        let centre = |p: Point2| grid.cell_of(p).map(|(c, r)| grid.cell_centre(c, r));
        for room in &floor.rooms {
            points.extend(room_label_point(&room.polygon).and_then(centre).map(|p| (fc.floor, p)));
        }
        for ap in outcome.scene.aps.iter().filter(|ap| ap.floor == fc.floor) {
            points.extend(centre(Point2::new(ap.position.x, ap.position.y)).map(|p| (fc.floor, p)));
        }
        if let Some(wall) = (0..grid.len()).find(|&i| fc.mask.in_wall[i]) {
            points.push((fc.floor, grid.cell_centre(wall % grid.width, wall / grid.width)));
        }
        for k in 1..8 {
            let (c, r) = (grid.width * k / 8, grid.height * ((k * 5) % 8) / 8);
            points.push((fc.floor, grid.cell_centre(c, r)));
        }
    }
    points
}

fn url_points(points: &[(usize, Point2)]) -> String {
    points.iter().map(|(f, p)| format!("{f}:{}:{}", p.x, p.y)).collect::<Vec<_>>().join(";")
}

/// What the page must show for one cell of a run.
fn expected(outcome: &SimulationOutcome, fc: &FloorCoverage, i: usize) -> [(String, String); 3] {
    let rssi =
        db_text(db_code(fc.rssi.values[i])).map_or("no value (inside a wall)".to_owned(), |t| format!("{t} dBm"));
    let sinr = db_text(db_code(fc.sinr.values[i])).map_or("no value".to_owned(), |t| format!("{t} dB"));
    let server = match fc.server[i] {
        NO_SERVER => "none".to_owned(),
        s => outcome.scene.aps[s as usize].id.clone(),
    };
    [("rssi".to_owned(), rssi), ("server".to_owned(), server), ("sinr".to_owned(), sinr)]
}

/// The text the page showed for key `k` of run `run`.
fn shown<'a>(hover: &'a Value, k: &str, run: &str) -> Option<&'a str> {
    hover["shown"]
        .as_array()?
        .iter()
        .find(|s| s["k"] == k && s["run"].as_str() == Some(run))
        .and_then(|s| s["text"].as_str())
}

fn assert_clean(result: &Value) {
    assert_eq!(result["errors"], serde_json::json!([]), "script errors: {result:#}");
    assert_eq!(result["resources"], serde_json::json!([]), "the page fetched something: {result:#}");
    assert_eq!(result["inflate"]["agree"], true, "fallback decoder disagrees: {}", result["inflate"]);
    for layer in result["layers"].as_array().expect("layers") {
        assert_eq!(layer["active"], true, "{layer}");
        assert_eq!(layer["legend"], true, "legend of {layer}");
        assert!(layer["painted"].as_f64().unwrap_or(0.0) > 0.5, "layer not painted: {layer}");
    }
    let keyboard = &result["keyboard"];
    assert_eq!(keyboard["cursor_visible"], true, "{keyboard}");
    assert_eq!(keyboard["focused"], true, "{keyboard}");
    assert_eq!(
        keyboard["second"]["col"].as_i64(),
        keyboard["first"]["col"].as_i64().map(|c| c + 1),
        "ArrowRight moves one cell: {keyboard}"
    );
    let sort = &result["sort"];
    let keys = |v: &Value| -> Vec<f64> { v.as_array().unwrap().iter().filter_map(Value::as_f64).collect() };
    let (up, down) = (keys(&sort["ascending"]), keys(&sort["descending"]));
    assert!(up.windows(2).all(|w| w[0] <= w[1]), "ascending sort: {up:?}");
    assert!(down.windows(2).all(|w| w[0] >= w[1]), "descending sort: {down:?}");
    assert_eq!(sort["aria"], "descending");
}

fn multiwall() -> SimulationConfig {
    SimulationConfig {
        model: Model::MultiWall,
        resolution: None,
        probes: Vec::new(),
        explain_paths: false,
        requirement: Default::default(),
    }
}

#[test]
fn lycee_report_works_in_chromium() {
    // Multiwall: the page does not depend on the model, and it keeps the
    // test quick; the grids are the lycée's own (0.25 m, two storeys).
    let plan = example("lycee_darche.toml");
    let (source, scene) = pipeline::load_scene(&plan, None).unwrap();
    let outcome = pipeline::simulate(&source, scene, &multiwall(), &|_, _| {}).unwrap();
    let dir = temp_dir();
    pipeline::write_outputs(&outcome, dir.path(), &Default::default()).unwrap();
    let page = dir.path().join("report.html");
    let Some(browser) = chromium() else { return };
    let points = points_for(&outcome);
    let (dom, result) = selftest(&browser, &page, &url_points(&points));
    assert_clean(&result);

    // Every storey and room of the plan is on the rendered page.
    let storeys = result["storeys"].as_array().expect("storeys");
    assert_eq!(storeys.len(), outcome.scene.floors.len());
    for (floor, seen) in outcome.scene.floors.iter().zip(storeys) {
        assert_eq!(seen["id"], floor.id.as_str());
        assert!(seen["painted"].as_f64().unwrap() > 0.9, "storey {} not painted: {seen}", floor.id);
        let labels: Vec<&str> = seen["rooms"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        for room in &floor.rooms {
            assert!(labels.contains(&room.name.as_str()), "room {} not on the map of {}", room.name, floor.id);
            let row = format!("data-floor=\"{}\" data-room=\"{}\"", floor.id, room.name);
            assert!(dom.contains(&row), "room {} of {} not in the room table", room.name, floor.id);
        }
        assert_eq!(
            seen["aps"].as_u64(),
            Some(outcome.scene.aps.iter().filter(|a| a.floor == seen["index"]).count() as u64)
        );
    }

    // Every hovered point shows its cell's value, serving AP and SINR.
    let hovers = result["hovers"].as_array().expect("hovers");
    assert_eq!(hovers.len(), points.len());
    let mut walls = 0;
    for (hover, (floor, p)) in hovers.iter().zip(&points) {
        assert_eq!(hover["on_map"], true, "the point is not on the map: {hover}");
        assert_eq!(hover["tip_visible"], true, "no tooltip: {hover}");
        let fc = &outcome.coverage.floors[*floor];
        let (c, r) = fc.rssi.grid.cell_of(*p).unwrap();
        assert_eq!(hover["cells"][0]["col"].as_u64(), Some(c as u64), "{hover}");
        assert_eq!(hover["cells"][0]["row"].as_u64(), Some(r as u64), "{hover}");
        let i = r * fc.rssi.grid.width + c;
        walls += usize::from(fc.mask.in_wall[i]);
        for (k, text) in expected(&outcome, fc, i) {
            assert_eq!(shown(hover, &k, "0"), Some(text.as_str()), "{k} at {p:?} on storey {floor}: {hover}");
        }
    }
    assert!(walls >= 2, "the points include wall cells");
}

#[test]
fn comparison_report_works_in_chromium() {
    let dir = temp_dir();
    let base = write(dir.path(), "base.toml", BASE);
    let candidate = write(dir.path(), "candidate.toml", &ci_plans::ap_in_dead_room());
    let config = SimulationConfig { resolution: Some(0.5), ..multiwall() };
    let runs = compare::simulate_pair(&base, &candidate, None, &config, &|_, _| {}).unwrap();
    let comparison = compare::compare(&runs, Tolerances::default());
    let out = dir.path().join("out");
    compare::write_outputs(&runs, &comparison, &out).unwrap();
    for page in ["report.html", "base/report.html", "candidate/report.html"] {
        assert!(crate::util::non_empty(&out.join(page)), "{page} missing");
    }
    let Some(browser) = chromium() else { return };
    let delta = &runs.deltas[0];
    let points: Vec<(usize, Point2)> = (1..10)
        .map(|k| {
            let g = delta.map.grid;
            (0, g.cell_centre(g.width * k / 10, g.height * ((k * 3) % 10) / 10))
        })
        .collect();
    let (dom, result) = selftest(&browser, &out.join("report.html"), &url_points(&points));
    assert_clean(&result);
    assert!(dom.contains("The candidate improves coverage"), "verdict missing");
    assert_eq!(result["swipe"]["split"].as_f64(), Some(0.3), "{}", result["swipe"]);
    let layers: Vec<&str> = result["layers"].as_array().unwrap().iter().filter_map(|l| l["layer"].as_str()).collect();
    assert_eq!(layers, ["rssi", "sinr", "server", "delta"]);
    for (hover, (_, p)) in result["hovers"].as_array().unwrap().iter().zip(&points) {
        for (r, outcome) in [(0, &runs.base), (1, &runs.candidate)] {
            let fc = &outcome.coverage.floors[0];
            let Some((c, row)) = fc.rssi.grid.cell_of(*p) else { continue };
            let i = row * fc.rssi.grid.width + c;
            for (k, text) in expected(outcome, fc, i) {
                assert_eq!(shown(hover, &k, &r.to_string()), Some(text.as_str()), "{k} of run {r} at {p:?}: {hover}");
            }
        }
        let (c, row) = delta.map.grid.cell_of(*p).unwrap();
        let d = delta.map.values[row * delta.map.grid.width + c];
        let text = db_text(db_code(d)).map_or("no value".to_owned(), |t| {
            if t.starts_with('\u{2212}') || t.starts_with('+') {
                format!("{t} dB")
            } else {
                format!("+{t} dB")
            }
        });
        assert_eq!(shown(hover, "delta", "-1"), Some(text.as_str()), "difference at {p:?}: {hover}");
    }
}

/// Every `src=`, `href=`, `url(`, `@import` and `fetch(` in a page, with
/// what follows it.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for needle in ["src=", "href=", "url(", "@import", "fetch("] {
        let mut from = 0;
        while let Some(at) = html[from..].find(needle) {
            let start = from + at + needle.len();
            let value: String = html[start..].chars().take(40).collect();
            found.push(format!("{needle}{value}"));
            from = start;
        }
    }
    found
}

/// What makes a page depend on the network: remote references, URLs,
/// elements that load resources, a missing page policy.
fn offline_problems(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for reference in references(html) {
        let value = reference.split_once(['=', '(']).map_or("", |(_, v)| v).trim_start_matches(['"', '\'', ' ']);
        if ["http:", "https:", "//", "ftp:"].iter().any(|p| value.to_ascii_lowercase().starts_with(p)) {
            problems.push(format!("network reference `{reference}`"));
        }
    }
    if html.contains("http://") || html.contains("https://") {
        problems.push("a URL in the page".to_owned());
    }
    if !html.contains("default-src 'none'") {
        problems.push("no page policy forbidding fetches".to_owned());
    }
    for tag in ["<link", "<img", "<iframe", "<object", "<embed"] {
        if html.contains(tag) {
            problems.push(format!("{tag} element"));
        }
    }
    problems
}

#[test]
fn pages_reference_nothing_on_the_network() {
    let dir = temp_dir();
    let plan = write(dir.path(), "plan.toml", BASE);
    let (code, _, log) = ci_plans::run_fast(&[
        "check",
        ci_plans::s(&plan),
        "--min-coverage",
        "90",
        "--quiet",
        "--out",
        ci_plans::s(&dir.path().join("c")),
    ]);
    assert_eq!(code, Some(1), "{log}");
    let page = std::fs::read_to_string(dir.path().join("c/report.html")).unwrap();
    assert_eq!(offline_problems(&page), Vec::<String>::new(), "check page");
    // The check's verdict, not only the plan's: the room table says which
    // rooms fail the --min-coverage requirement.
    assert!(page.contains("Requirement NOT met") && page.contains("minimum coverage 90 %"), "check verdict missing");
    assert!(page.contains("<span class=\"tag fail\">"), "failing rooms are marked");
    let candidate = write(dir.path(), "candidate.toml", &ci_plans::thicker_wall());
    let out = dir.path().join("cmp");
    let (code, _, log) = ci_plans::run_fast(&[
        "compare",
        ci_plans::s(&plan),
        ci_plans::s(&candidate),
        "--quiet",
        "--out",
        ci_plans::s(&out),
    ]);
    assert_eq!(code, Some(1), "{log}");
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(offline_problems(&page), Vec::<String>::new(), "compare page");
    // The scan itself finds remote references.
    let bad = "<img src=\"https://example.org/x.png\"><style>@import url(//cdn.example/a.css)</style>";
    assert_eq!(offline_problems(bad).len(), 6, "{:?}", offline_problems(bad));
}
