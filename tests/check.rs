//! `wifiplan check`: verdicts per room, exit codes, JUnit XML.

use std::collections::BTreeMap;

use crate::ci_plans::{run_fast, s, write, BASE};
use crate::util::{non_empty, temp_dir};

/// One element of an XML document: its name and attributes (entities
/// decoded), in document order.
#[derive(Debug)]
pub struct Element {
    pub name: String,
    pub attributes: BTreeMap<String, String>,
}

/// Decodes the five predefined entities and numeric character references;
/// a bare `&` or `<` is an error.
fn decode(text: &str) -> Result<String, String> {
    if text.contains('<') {
        return Err(format!("raw `<` in `{text}`"));
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').ok_or_else(|| format!("unterminated entity in `{text}`"))? + at;
        let entity = &rest[at + 1..end];
        let decoded = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let number = entity.strip_prefix('#').ok_or_else(|| format!("unknown entity `&{entity};`"))?;
                let code = match number.strip_prefix('x') {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => number.parse(),
                }
                .map_err(|_| format!("bad character reference `&{entity};`"))?;
                char::from_u32(code).ok_or_else(|| format!("bad character `&{entity};`"))?
            }
        };
        out.push(decoded);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    if out.chars().any(|c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(format!("control character in `{text}`"));
    }
    Ok(out)
}

/// A small well-formedness check of XML 1.0 as the JUnit writer produces
/// it (declaration, elements, attributes, text; no comments, CDATA or
/// DTD): tags balance, exactly one root, attribute values quoted and
/// escaped, text escaped. Returns the elements.
pub fn parse_xml(xml: &str) -> Result<Vec<Element>, String> {
    let mut rest = xml.strip_prefix("<?xml ").ok_or("no XML declaration")?;
    rest = &rest[rest.find("?>").ok_or("unterminated declaration")? + 2..];
    let mut stack: Vec<String> = Vec::new();
    let mut elements = Vec::new();
    let mut roots = 0;
    loop {
        let at = match rest.find('<') {
            Some(at) => at,
            None => {
                if !rest.trim().is_empty() {
                    return Err(format!("text after the root: `{rest}`"));
                }
                break;
            }
        };
        let text = &rest[..at];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: `{text}`"));
        }
        decode(text)?;
        rest = &rest[at + 1..];
        let end = tag_end(rest)?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Err(format!("`</{name}>` closes {other:?}")),
            }
            continue;
        }
        let (tag, empty) = match tag.strip_suffix('/') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let element = parse_tag(tag)?;
        if stack.is_empty() {
            roots += 1;
        }
        if !empty {
            stack.push(element.name.clone());
        }
        elements.push(element);
    }
    if let Some(open) = stack.pop() {
        return Err(format!("`<{open}>` is never closed"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(elements)
}

/// Where a tag ends (its `>`), skipping quoted attribute values.
fn tag_end(text: &str) -> Result<usize, String> {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Ok(i),
            (None, '<') => return Err("`<` inside a tag".to_owned()),
            _ => {}
        }
    }
    Err("unterminated tag".to_owned())
}

fn parse_tag(tag: &str) -> Result<Element, String> {
    let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
    let name = &tag[..name_end];
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || "_-.:".contains(c)) {
        return Err(format!("bad element name `{name}`"));
    }
    let mut attributes = BTreeMap::new();
    let mut rest = tag[name_end..].trim_start();
    while !rest.is_empty() {
        let eq = rest.find('=').ok_or_else(|| format!("attribute without value in `<{tag}>`"))?;
        let key = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'').ok_or("unquoted attribute")?;
        let close = after[1..].find(quote).ok_or("unterminated attribute")? + 1;
        let value = decode(&after[1..close])?;
        if attributes.insert(key.to_owned(), value).is_some() {
            return Err(format!("attribute `{key}` twice"));
        }
        rest = after[close + 1..].trim_start();
    }
    Ok(Element { name: name.to_owned(), attributes })
}

#[test]
fn the_xml_checker_rejects_broken_documents() {
    assert!(parse_xml("<?xml version=\"1.0\"?>\n<a><b x=\"1\"/></a>\n").is_ok());
    for bad in [
        "<a/>",
        "<?xml version=\"1.0\"?><a><b></a></b>",
        "<?xml version=\"1.0\"?><a x=\"<\"/>",
        "<?xml version=\"1.0\"?><a>&nbsp;</a>",
        "<?xml version=\"1.0\"?><a>x & y</a>",
        "<?xml version=\"1.0\"?><a/><b/>",
        "<?xml version=\"1.0\"?><a x=1/>",
        "<?xml version=\"1.0\"?><a>",
    ] {
        assert!(parse_xml(bad).is_err(), "accepted {bad}");
    }
}

#[test]
fn check_gives_a_verdict_per_room_and_exit_1_when_not_met() {
    let dir = temp_dir();
    let plan = write(dir.path(), "plan.toml", BASE);
    let (code, stdout, log) = run_fast(&["check", s(&plan), "--min-coverage", "95", "--quiet"]);
    assert_eq!(code, Some(1), "{log}");
    assert!(stdout.contains("requirement NOT met — 1 of 3 checks failed"), "{stdout}");
    assert!(stdout.contains("pass  f0 / West"), "{stdout}");
    assert!(stdout.contains("pass  f0 / Middle"), "{stdout}");
    assert!(stdout.contains("FAIL  f0 / East    coverage 0.0% < required 95% at ≥ -67 dBm"), "{stdout}");
}

#[test]
fn room_overrides_and_the_ap_budget() {
    let dir = temp_dir();
    let plan = write(dir.path(), "plan.toml", BASE);
    let (code, _, log) = run_fast(&["check", s(&plan), "--min-coverage", "95", "--room-min-coverage", "East=0"]);
    assert_eq!(code, Some(0), "{log}");
    let (code, stdout, log) =
        run_fast(&["check", s(&plan), "--min-coverage", "0", "--max-aps", "1", "--format", "json"]);
    assert_eq!(code, Some(1), "{log}");
    let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(result["met"], false);
    let last = result["cases"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "ap_count");
    assert_eq!(last["message"], "2 APs > 1 allowed");
    // A misspelt room is an input error, with the nearest name.
    let (code, _, log) = run_fast(&["check", s(&plan), "--room-min-coverage", "Est=50"]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("no room named `Est`") && log.contains("did you mean `East`?"), "{log}");
    // Impossible requirements are accepted (and fail); nonsense is not.
    let (code, _, log) = run_fast(&["check", s(&plan), "--min-coverage", "100.1"]);
    assert_eq!(code, Some(1), "{log}");
    let (code, _, log) = run_fast(&["check", s(&plan), "--min-coverage=-5"]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("hint:"), "{log}");
}

#[test]
fn junit_output_parses_as_xml_with_one_testcase_per_room() {
    let dir = temp_dir();
    // A room name that needs escaping, to exercise the writer.
    let plan = write(dir.path(), "plan.toml", &BASE.replacen("name = \"West\"", "name = \"West <A&B> \\\"1\\\"\"", 1));
    let junit = dir.path().join("report.xml");
    let (code, _, log) =
        run_fast(&["check", s(&plan), "--min-coverage", "95", "--max-aps", "4", "--junit", s(&junit), "--quiet"]);
    assert_eq!(code, Some(1), "{log}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let elements = parse_xml(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(elements[0].name, "testsuites");
    assert_eq!(elements[0].attributes["tests"], "4");
    assert_eq!(elements[0].attributes["failures"], "1");
    let suites: Vec<&Element> = elements.iter().filter(|e| e.name == "testsuite").collect();
    assert_eq!(suites.len(), 1);
    assert!(suites[0].attributes["name"].ends_with("plan.toml"));
    let cases: Vec<&str> =
        elements.iter().filter(|e| e.name == "testcase").map(|e| e.attributes["name"].as_str()).collect();
    assert_eq!(cases, ["West <A&B> \"1\"", "Middle", "East", "AP count"]);
    let failures: Vec<&Element> = elements.iter().filter(|e| e.name == "failure").collect();
    assert_eq!(failures.len(), 1);
    assert_eq!(
        failures[0].attributes["message"],
        "coverage 0.0% < required 95% at ≥ -67 dBm with SINR ≥ 20 dB — limited by signal"
    );
}

#[test]
fn check_writes_outputs_only_when_asked() {
    let dir = temp_dir();
    let plan = write(dir.path(), "plan.toml", BASE);
    let out = dir.path().join("out");
    let (code, _, log) = run_fast(&["check", s(&plan), "--min-coverage", "0", "--quiet", "--out", s(&out)]);
    assert_eq!(code, Some(0), "{log}");
    for name in ["check.json", "report.json", "report.md", "report.html", "f0-rssi.png"] {
        assert!(non_empty(&out.join(name)), "missing {name}");
    }
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    let (code, _, log) = run_fast(&["check", s(&plan), "--min-coverage", "0", "--quiet"]);
    assert_eq!(code, Some(0), "{log}");
    let after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after, "check without --out writes nothing");
}
