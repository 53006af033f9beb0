//! Every file in tests/data/bad/ is a plan with one problem. Each states
//! where the problem is and a word of the expected message, in its first
//! lines (`# expect-line: N`, `# expect: words`) or, for JSON, in a sibling
//! `NAME.json.expect` file with the same two lines.

use crate::util::{root, transcript, wifiplan};

struct Expectation {
    line: usize,
    words: String,
}

fn expectation(text: &str) -> Option<Expectation> {
    let mut line = None;
    let mut words = None;
    for l in text.lines().take(5) {
        let l = l.trim_start_matches('#').trim();
        if let Some(v) = l.strip_prefix("expect-line:") {
            line = v.trim().parse().ok();
        } else if let Some(v) = l.strip_prefix("expect:") {
            words = Some(v.trim().to_lowercase());
        }
    }
    Some(Expectation { line: line?, words: words? })
}

#[test]
fn every_bad_plan_gives_exit_2_and_a_located_message() {
    let dir = root().join("tests/data/bad");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/bad exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml" || e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "the corpus has {} files", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let name = file.display().to_string();
        // Read lossily: one plan is deliberately not UTF-8.
        let expect_file =
            if file.extension().is_some_and(|e| e == "json") { format!("{name}.expect") } else { name.clone() };
        let expect_text = String::from_utf8_lossy(&std::fs::read(&expect_file).unwrap_or_default()).into_owned();
        let Some(expect) = expectation(&expect_text) else {
            failures.push(format!("{name}: no `# expect-line:` / `# expect:` header"));
            continue;
        };
        let output = wifiplan(&["validate", &name]);
        let stderr = String::from_utf8_lossy(&output.stderr).to_lowercase();
        let located = format!("{}:{}:", name.to_lowercase(), expect.line);
        if output.status.code() != Some(2) {
            failures.push(format!("{name}: expected exit 2\n{}", transcript(&output)));
        } else if !stderr.contains(&located) {
            failures.push(format!("{name}: expected a message at {located}\n{}", transcript(&output)));
        } else if !stderr.contains(&expect.words) {
            failures.push(format!("{name}: expected `{}` in the message\n{}", expect.words, transcript(&output)));
        } else if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked\n{}", transcript(&output)));
        }
        // simulate runs the same checks first.
        let simulate = wifiplan(&["simulate", &name, "--quiet", "--out", "/nonexistent/never-written"]);
        if simulate.status.code() != Some(2) {
            failures.push(format!("{name}: simulate should refuse it with exit 2\n{}", transcript(&simulate)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad plans misbehave:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}
