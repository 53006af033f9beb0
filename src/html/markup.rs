//! The static HTML of the report: document shell, header and verdict,
//! storey sections (plan drawing as SVG, labels, layer switch, legends),
//! the room table and the AP list. Every piece of user text goes through
//! [`esc`].

use std::fmt::Write as _;

use super::{Layer, PageData, PageFloor, Run};
use crate::check::{CaseKind, CheckResult, Outcome};
use crate::floorplan::OpeningKind;
use crate::geometry::{Aabb2, Point2};
use crate::render::colormap::DELTA_RANGE_DB;
use crate::render::colormap::{self, format_db, ColorScale, Rgb, AP_PALETTE};
use crate::render::overlay::{self, room_label_point, wall_colour};
use crate::report::comparison::{Comparison, Delta, RoomStatus, Verdict};
use crate::report::Report;
use crate::scene::SceneFloor;
use crate::units::Real;

const CSS: &str = include_str!("assets/report.css");
const SCRIPT: &str = include_str!("assets/report.js");

/// Escapes text for HTML content and quoted attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON for a `<script type="application/json">` element: every `<` is
/// written `\u003c` (a JSON escape; `<` only occurs inside strings), so no
/// user text can end or confuse the element.
fn script_json(data: &PageData) -> String {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned());
    json.replace('<', "\\u003c")
}

/// The whole document around `body`.
pub(super) fn document(title: &str, body: &str, data: &PageData) -> String {
    let version = env!("CARGO_PKG_VERSION");
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="wifiplan {version}">
<title>{title}</title>
<style>
{CSS}</style>
</head>
<body>
<script>
window.wifiplanErrors = [];
window.addEventListener('error', function (e) {{ window.wifiplanErrors.push(String(e.message || e)); }});
window.addEventListener('unhandledrejection', function (e) {{ window.wifiplanErrors.push('unhandled rejection: ' + String(e.reason)); }});
document.addEventListener('securitypolicyviolation', function (e) {{ window.wifiplanErrors.push('blocked by the page policy: ' + e.blockedURI); }});
</script>
<a class="skip" href="#main">Skip to the report</a>
<main id="main">
{body}
</main>
<footer class="colophon">
<p>Made by wifiplan {version}. This file is self-contained: it loads nothing from the network and works offline. Map values are stored to 0.1 dB.</p>
</footer>
<noscript><p class="noscript">The heatmaps need JavaScript; the tables and the plan drawings above read without it.</p></noscript>
<script type="application/json" id="wifiplan-data">{data}</script>
<script>
{SCRIPT}</script>
</body>
</html>
"##,
        title = esc(title),
        data = script_json(data),
    )
}

/// `−63.4`: one decimal, real minus sign; `–` for none.
fn num(value: Option<Real>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => {
            let text = format!("{v:.decimals$}");
            let text = if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
                text.trim_start_matches('-').to_owned()
            } else {
                text
            };
            text.replace('-', "\u{2212}")
        }
        _ => "\u{2013}".to_owned(),
    }
}

/// A change with its sign: `+3.1`, `−0.4`, `0.0`.
fn signed(value: Option<Real>) -> String {
    match value {
        Some(v) if v.is_finite() && v > 0.0 && num(Some(v), 1) != "0.0" => format!("+{}", num(Some(v), 1)),
        other => num(other, 1),
    }
}

/// A sortable cell: `data-v` holds the sort key.
fn td_num(value: Option<Real>, text: &str) -> String {
    match value {
        Some(v) if v.is_finite() => format!("<td class=\"n\" data-v=\"{v}\">{text}</td>"),
        _ => format!("<td class=\"n\" data-v=\"\">{text}</td>"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn model_text(model: &str, parameters: &serde_json::Value) -> String {
    match (parameters.get("max_reflections"), parameters.get("sum").and_then(|s| s.as_str())) {
        (Some(n), Some(sum)) => format!("{model} ({n} reflections, {sum})"),
        _ => model.to_owned(),
    }
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path).file_name().map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// Rooms that must meet their target, and how many do.
fn room_counts(report: &Report) -> (usize, usize) {
    let rooms: Vec<_> = report.floors.iter().flat_map(|f| &f.rooms).filter(|r| !r.excluded).collect();
    (rooms.len(), rooms.iter().filter(|r| r.meets_target).count())
}

/// The body of a `simulate`, `plan` or `check` page.
pub(super) fn simulation_body(
    kind: &str,
    run: &Run,
    floors: &[PageFloor],
    layers: &[Layer],
    check: Option<&CheckResult>,
) -> String {
    let report = run.report;
    let mut html = String::new();
    let _ = write!(
        html,
        "<header class=\"top\">\n<p class=\"kicker\">Wi-Fi coverage report · <code>wifiplan {kind}</code></p>\n<h1>{}</h1>\n",
        esc(&report.plan)
    );
    let _ = writeln!(
        html,
        "<p class=\"meta\">Plan file <code>{}</code> · model {} · {} m grid · receiver {} m above the floor · threshold {} dBm, target {} % of each room (unless a room sets its own)</p>",
        esc(&file_name(&report.file)),
        esc(&model_text(&report.model, &report.model_parameters)),
        num(Some(report.resolution_m), 2).trim_end_matches('0').trim_end_matches('.'),
        num(Some(report.receiver_height_m), 1),
        num(Some(report.threshold_dbm), 0),
        num(Some(report.target_coverage_pct), 0),
    );
    let (rooms, meeting) = room_counts(report);
    let (met, headline, detail) = match check {
        Some(result) => {
            let failed = result.count(Outcome::Failed);
            let checks = result.cases.iter().filter(|c| c.outcome != Outcome::Skipped).count();
            (
                result.met,
                if result.met { "Requirement met".to_owned() } else { "Requirement NOT met".to_owned() },
                format!(
                    "{failed} of {checks} check{} failed{} · {} % of the building covered · {} AP{}",
                    plural(checks),
                    result
                        .min_coverage_pct
                        .map_or_else(String::new, |p| format!(" (minimum coverage {} %)", num(Some(p), 0))),
                    num(Some(report.coverage_pct), 1),
                    report.aps.len(),
                    plural(report.aps.len())
                ),
            )
        }
        None => (
            report.requirement_met,
            if report.requirement_met { "Requirement met".to_owned() } else { "Requirement NOT met".to_owned() },
            format!(
                "{meeting} of {rooms} room{} reach their target · {} % of the building covered · {} AP{}",
                plural(rooms),
                num(Some(report.coverage_pct), 1),
                report.aps.len(),
                plural(report.aps.len())
            ),
        ),
    };
    let _ = writeln!(
        html,
        "<div class=\"verdict {}\" role=\"status\"><strong>{}</strong> <span>{}</span></div>",
        if met { "pass" } else { "fail" },
        if met { format!("✔ {headline}") } else { format!("✘ {headline}") },
        esc(&detail)
    );
    if let Some(result) = &report.result {
        let bound =
            result.lower_bound.map_or_else(|| "none (the requirement cannot be met)".to_owned(), |b| b.to_string());
        let proof = match (result.optimal, result.lower_bound) {
            (true, _) => "<strong>proved optimal</strong> (the count equals the lower bound)".to_owned(),
            (false, Some(b)) => format!(
                "not proved optimal: at most {} AP{} more than the optimum",
                result.ap_count.saturating_sub(b),
                plural(result.ap_count.saturating_sub(b))
            ),
            (false, None) => "no bound".to_owned(),
        };
        let _ = writeln!(
            html,
            "<div class=\"result\" id=\"plan-result\"><h2>Planned access points</h2><p><span class=\"big\">{}</span> AP{} ({} fixed) · lower bound <span class=\"big\">{}</span> · {proof}</p><p class=\"small\">{} candidate mounting points, {} search start{}{}; co-channel overlap left after channel assignment {} m²; the bound is over these candidates and this grid.</p></div>",
            result.ap_count,
            plural(result.ap_count),
            result.fixed_aps,
            esc(&bound),
            result.candidates,
            result.starts,
            plural(result.starts),
            if result.time_limit_hit { " (stopped at the time limit)" } else { "" },
            num(Some(result.cochannel_overlap_m2), 0),
        );
    }
    if let Some(result) = check {
        html.push_str(&check_list(result));
    }
    html.push_str(&nav(floors));
    html.push_str("</header>\n");
    for (index, floor) in floors.iter().enumerate() {
        let stats = floor
            .runs
            .first()
            .copied()
            .flatten()
            .and_then(|i| report.floors.get(i))
            .map(|f| {
                format!(
                    "{} % of the required area ({} m²) at or above its threshold · median {} dBm",
                    num(Some(f.coverage_pct), 1),
                    num(Some(f.required_area_m2), 0),
                    num(f.median_dbm, 1)
                )
            })
            .unwrap_or_default();
        html.push_str(&storey_section(index, floor, std::slice::from_ref(run), layers, &stats));
    }
    html.push_str(&room_table(report, check));
    html.push_str(&ap_table(&[run]));
    html.push_str(&scale_notes(report.threshold_dbm, layers));
    html
}

/// The failed checks of `check` (all cases are in the room table).
fn check_list(result: &CheckResult) -> String {
    let mut html = String::from("<div class=\"checks\"><h2>Checks</h2><ul>");
    for case in &result.cases {
        let mark = match case.outcome {
            Outcome::Passed => "<span class=\"tag pass\">pass</span>",
            Outcome::Failed => "<span class=\"tag fail\">FAIL</span>",
            Outcome::Skipped => "<span class=\"tag skip\">skip</span>",
        };
        if case.kind == CaseKind::Room && case.outcome != Outcome::Failed {
            continue;
        }
        let place = case.floor.as_deref().map_or_else(String::new, |f| format!("{} / ", esc(f)));
        let _ = write!(html, "<li>{mark} {place}{} — {}</li>", esc(&case.name), esc(&case.message));
    }
    let _ = writeln!(
        html,
        "</ul><p class=\"small\">{} passed, {} failed, {} skipped; every room's verdict is in the room table.</p></div>",
        result.count(Outcome::Passed),
        result.count(Outcome::Failed),
        result.count(Outcome::Skipped)
    );
    html
}

fn nav(floors: &[PageFloor]) -> String {
    let mut html = String::from("<nav class=\"toc\" aria-label=\"Contents\"><ul>");
    for (i, floor) in floors.iter().enumerate() {
        let _ = write!(html, "<li><a href=\"#storey-{i}\">Storey {}</a></li>", esc(&floor.id));
    }
    html.push_str("<li><a href=\"#rooms\">Rooms</a></li><li><a href=\"#aps\">Access points</a></li><li><a href=\"#scales\">Colour scales</a></li></ul></nav>\n");
    html
}

/// World → SVG user units (metres, y down from the view's north edge).
struct Frame {
    view: Aabb2,
}

impl Frame {
    fn x(&self, x: Real) -> String {
        trim(x - self.view.min.x)
    }
    fn y(&self, y: Real) -> String {
        trim(self.view.max.y - y)
    }
    fn pct(&self, p: Point2) -> (String, String) {
        let e = self.view.extent();
        (trim(100.0 * (p.x - self.view.min.x) / e.x), trim(100.0 * (self.view.max.y - p.y) / e.y))
    }
}

/// A coordinate with at most 3 decimals and no trailing zeros.
fn trim(v: Real) -> String {
    if !v.is_finite() {
        return "0".to_owned();
    }
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" || text.is_empty() {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// The plan drawing of one run's storey: rooms, walls with their real
/// thickness, doors, windows and gaps.
fn plan_svg(frame: &Frame, floor: &SceneFloor, run: &Run) -> String {
    let e = frame.view.extent();
    let mut svg = format!(
        "<svg class=\"plan\" viewBox=\"0 0 {} {}\" preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">",
        trim(e.x),
        trim(e.y)
    );
    svg.push_str("<g class=\"rooms\">");
    for room in &floor.rooms {
        let points: Vec<String> = room.polygon.iter().map(|p| format!("{},{}", frame.x(p.x), frame.y(p.y))).collect();
        let _ = write!(
            svg,
            "<polygon class=\"room{}\" points=\"{}\"><title>{}</title></polygon>",
            if room.exclude { " excluded" } else { "" },
            points.join(" "),
            esc(&room.name)
        );
    }
    svg.push_str("</g><g class=\"walls\">");
    for wall in &floor.walls {
        let name = run.scene.materials.try_get(wall.slab.material).map_or("", |m| m.name.as_str());
        let colour = hex(wall_colour(name).0);
        let width = trim(wall.slab.thickness.max(0.02));
        let at = |t: Real| Point2::new(wall.a.x + t * (wall.b.x - wall.a.x), wall.a.y + t * (wall.b.y - wall.a.y));
        let line = |svg: &mut String, t0: Real, t1: Real, stroke: &str, w: &str, class: &str| {
            let (p, q) = (at(t0), at(t1));
            let _ = write!(
                svg,
                "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"{w}\"/>",
                frame.x(p.x),
                frame.y(p.y),
                frame.x(q.x),
                frame.y(q.y)
            );
        };
        // Solid pieces between openings, with round ends where the wall
        // ends (joints and corners close as in the PNG's wall bodies).
        let mut spans: Vec<(Real, Real)> =
            wall.openings.iter().map(|o| (o.along.0.max(0.0), o.along.1.min(1.0))).collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut from = 0.0;
        for &(s0, s1) in &spans {
            if s0 > from {
                line(&mut svg, from, s0, &colour, &width, "wall");
            }
            from = from.max(s1);
        }
        if from < 1.0 {
            line(&mut svg, from, 1.0, &colour, &width, "wall");
        }
        for t in [0.0, 1.0] {
            if !spans.iter().any(|&(s0, s1)| t >= s0 && t <= s1) {
                let p = at(t);
                let _ = write!(
                    svg,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{colour}\"/>",
                    frame.x(p.x),
                    frame.y(p.y),
                    trim(wall.slab.thickness.max(0.02) / 2.0)
                );
            }
        }
        for opening in &wall.openings {
            let (t0, t1) = (opening.along.0.max(0.0), opening.along.1.min(1.0));
            match opening.kind {
                OpeningKind::Door => line(&mut svg, t0, t1, &hex(overlay::DOOR), &width, "door"),
                OpeningKind::Window => {
                    line(&mut svg, t0, t1, &hex(overlay::WINDOW), &width, "window");
                    line(&mut svg, t0, t1, &hex(overlay::WINDOW_LINE), "0.04", "window-line");
                }
                OpeningKind::Opening => {}
            }
        }
    }
    svg.push_str("</g></svg>");
    svg
}

fn hex(c: Rgb) -> String {
    super::hex(c)
}

/// Room names and AP markers, positioned in % of the map box.
/// `kept(i)`: AP `i` stands at the same place in the other plan (in a
/// comparison such base APs are hidden on the difference map, where the
/// others show as dashed ghosts).
fn labels(
    frame: &Frame,
    floor: &SceneFloor,
    floor_index: usize,
    run: &Run,
    run_index: usize,
    kept: &dyn Fn(usize) -> bool,
) -> String {
    let mut html = String::from("<div class=\"labels\">");
    let aps_here: Vec<Point2> = run
        .scene
        .aps
        .iter()
        .filter(|ap| ap.floor == floor_index)
        .map(|ap| Point2::new(ap.position.x, ap.position.y))
        .collect();
    for room in &floor.rooms {
        if let Some(mut p) = room_label_point(&room.polygon) {
            // A name on an AP's marker would hide under its label: move it
            // toward the room's north edge.
            if aps_here.iter().any(|a| (a.x - p.x).abs() < 2.5 && (a.y - p.y).abs() < 0.8) {
                let top = room.polygon.iter().map(|q| q.y).fold(Real::NEG_INFINITY, Real::max);
                p.y += ((top - p.y) * 0.55).min(1.5);
            }
            let (x, y) = frame.pct(p);
            let _ = write!(html, "<span class=\"room-label\" style=\"left:{x}%;top:{y}%\">{}</span>", esc(&room.name));
        }
    }
    for (i, ap) in run.scene.aps.iter().enumerate() {
        if ap.floor != floor_index || !(ap.position.x.is_finite() && ap.position.y.is_finite()) {
            continue;
        }
        let (x, y) = frame.pct(Point2::new(ap.position.x, ap.position.y));
        let _ = write!(
            html,
            "<span class=\"ap{}\" data-run=\"{run_index}\" data-ap=\"{i}\" style=\"left:{x}%;top:{y}%\"><span class=\"dot\"></span><span class=\"ap-label\">{} · ch {}</span></span>",
            if kept(i) { " kept" } else { "" },
            esc(&ap.id),
            ap.channel
        );
    }
    html.push_str("</div>");
    html
}

/// One storey: heading, statistics, layer switch, the map (canvas under
/// the plan drawings of each run), legends and the readout.
fn storey_section(index: usize, floor: &PageFloor, runs: &[Run], layers: &[Layer], stats: &str) -> String {
    let id = esc(&floor.id);
    let view = super::view_box(runs, floor);
    let frame = Frame { view };
    let e = view.extent();
    let compare = runs.len() > 1;
    let mut html = format!(
        "<section class=\"storey\" id=\"storey-{index}\" data-floor=\"{index}\" data-floor-id=\"{id}\" aria-labelledby=\"storey-{index}-title\">\n<h2 id=\"storey-{index}-title\">Storey {id}</h2>\n"
    );
    if !stats.is_empty() {
        let _ = writeln!(html, "<p class=\"stats\">{}</p>", esc(stats));
    }
    html.push_str("<div class=\"controls\">");
    let _ = write!(html, "<fieldset class=\"layers\"><legend>Map layer</legend>");
    for (k, layer) in layers.iter().enumerate() {
        let disabled = *layer == Layer::Delta && floor.delta.is_none();
        let _ = write!(
            html,
            "<label><input type=\"radio\" name=\"layer-{index}\" value=\"{}\"{}{}> {}</label>",
            layer.key(),
            if k == 0 { " checked" } else { "" },
            if disabled { " disabled" } else { "" },
            esc(layer.label())
        );
    }
    html.push_str("</fieldset>");
    if compare {
        let _ = write!(
            html,
            "<div class=\"swipe\"><label for=\"swipe-{index}\">Base ◀ swipe ▶ candidate</label><input type=\"range\" id=\"swipe-{index}\" min=\"0\" max=\"100\" step=\"1\" value=\"50\" aria-valuetext=\"base on the left half, candidate on the right\"><span class=\"small\">left of the line: base, right: candidate</span></div>"
        );
    }
    html.push_str("</div>\n");
    let _ = write!(
        html,
        "<div class=\"map\" tabindex=\"0\" role=\"group\" aria-roledescription=\"map\" aria-label=\"Map of storey {id}: move the pointer over it, or use the arrow keys, to read the values at a point\" aria-describedby=\"readout-{index}\" style=\"aspect-ratio:{} / {};max-width:calc(80vh * {})\" data-layer=\"{}\">",
        trim(e.x),
        trim(e.y),
        trim(e.x / e.y.max(1e-6)),
        layers.first().map_or("rssi", |l| l.key())
    );
    let _ = write!(html, "<canvas class=\"heat\" role=\"img\" aria-label=\"Heatmap of storey {id}\"></canvas>");
    for (r, (run, scene_floor)) in runs.iter().zip(&floor.runs).enumerate() {
        let Some(storey) = scene_floor.and_then(|i| run.scene.floors.get(i)) else { continue };
        let Some(scene_index) = *scene_floor else { continue };
        let _ = write!(html, "<div class=\"run\" data-run=\"{r}\">");
        html.push_str(&plan_svg(&frame, storey, run));
        let other = runs.get(1 - r.min(1)).filter(|_| compare);
        let kept = |i: usize| {
            let (Some(other), Some(ap)) = (other, run.scene.aps.get(i)) else { return false };
            other.scene.aps.iter().any(|o| {
                o.id == ap.id
                    && other.scene.floors.get(o.floor).map(|f| &f.id) == Some(&storey.id)
                    && (o.position - ap.position).norm() < 0.01
            })
        };
        html.push_str(&labels(&frame, storey, scene_index, run, r, &kept));
        html.push_str("</div>");
    }
    if compare {
        html.push_str("<div class=\"divider\" aria-hidden=\"true\"></div>");
    }
    html.push_str("<div class=\"cursor\" hidden></div><div class=\"tip\" hidden aria-hidden=\"true\"></div></div>\n");
    html.push_str("<div class=\"under\"><div class=\"scalebar\" aria-hidden=\"true\"><span class=\"bar\"></span><span class=\"text\"></span><span class=\"north\">N ↑</span></div>");
    let _ = writeln!(
        html,
        "<p class=\"readout\" id=\"readout-{index}\" aria-live=\"polite\">Point at the map, tap it, or focus it and use the arrow keys, to read the value, the serving AP and the SINR of a cell.</p></div>"
    );
    html.push_str("<div class=\"legends\">");
    for layer in layers {
        html.push_str(&legend(*layer, runs, floor));
    }
    html.push_str(&plan_key(runs, floor));
    html.push_str("</div>\n</section>\n");
    html
}

/// A colour bar of a fixed scale, with ticks and marks.
fn colour_bar(scale: &ColorScale, caption: &str) -> String {
    let stops: Vec<String> =
        scale.stops.iter().map(|&(t, c)| format!("{} {}%", hex(c), trim(t as Real * 100.0))).collect();
    let pos = |v: f32| trim(scale.position(v).unwrap_or(0.0) as Real * 100.0);
    let mut html = format!(
        "<figure class=\"colourbar\"><figcaption>{}</figcaption><div class=\"bar\" style=\"background:linear-gradient(to right,{})\" role=\"img\" aria-label=\"{} colour scale from {} to {} {}\">",
        esc(caption),
        stops.join(","),
        esc(scale.label),
        format_db(scale.min),
        format_db(scale.max),
        scale.unit
    );
    for (value, label) in &scale.marks {
        let _ = write!(html, "<span class=\"mark\" style=\"left:{}%\" title=\"{}\"></span>", pos(*value), esc(label));
    }
    html.push_str("</div><div class=\"ticks\" aria-hidden=\"true\">");
    for t in scale.ticks() {
        let _ = write!(html, "<span style=\"left:{}%\">{}</span>", pos(t), format_db(t));
    }
    html.push_str("</div>");
    if !scale.marks.is_empty() {
        html.push_str("<p class=\"marks\">Marked: ");
        let marks: Vec<String> = scale.marks.iter().map(|(_, l)| esc(l)).collect();
        html.push_str(&marks.join(" · "));
        html.push_str("</p>");
    }
    html.push_str("</figure>");
    html
}

fn swatch(colour: &str, label: &str, class: &str) -> String {
    format!("<li><span class=\"sw {class}\" style=\"background:{colour}\"></span>{}</li>", esc(label))
}

fn legend(layer: Layer, runs: &[Run], floor: &PageFloor) -> String {
    let threshold = runs.first().map_or(-67.0, |r| r.report.threshold_dbm);
    let body = match layer {
        Layer::Rssi => {
            let scale = ColorScale::rssi(threshold);
            let below = colormap::below_threshold(scale.color(-75.0)).0;
            format!(
                "{}<ul class=\"key\">{}</ul>",
                colour_bar(&scale, "Best-server RSSI, dBm (fixed scale, the PNGs' own)"),
                swatch(&hex(below), "below the room's threshold (darkened, hatched)", "hatch")
            )
        }
        Layer::Sinr => colour_bar(&ColorScale::sinr(), "SINR at the serving AP, dB (fixed scale)"),
        Layer::Delta => {
            let scale = ColorScale { label: "RSSI change", ..ColorScale::delta_db(DELTA_RANGE_DB) };
            colour_bar(&scale, "RSSI change, candidate − base, dB: blue stronger, red weaker")
        }
        Layer::Server | Layer::Channels => {
            let mut items = String::new();
            for (r, (run, index)) in runs.iter().zip(&floor.runs).enumerate() {
                let Some(fc) = index.and_then(|i| run.coverage.floors.get(i)) else { continue };
                let side = if run.label.is_empty() { String::new() } else { format!("{}: ", run.label) };
                if layer == Layer::Server {
                    let colours = crate::render::ap_colours(run.scene, run.coverage);
                    let mut heard = vec![false; run.scene.aps.len()];
                    for &s in &fc.server {
                        if let Some(h) = heard.get_mut(s as usize) {
                            *h = true;
                        }
                    }
                    for (i, ap) in run.scene.aps.iter().enumerate() {
                        if ap.floor == fc.floor || heard[i] {
                            let other = if ap.floor == fc.floor { "" } else { ", other storey" };
                            let label = format!("{side}{} (ch {}{other})", ap.id, ap.channel);
                            let _ = write!(items, "{}", swatch(&hex(colours[i]), &label, &format!("run{r}")));
                        }
                    }
                } else {
                    let (_, key) = crate::render::channel_colours(run.scene);
                    for (label, c) in key {
                        items.push_str(&swatch(&hex(c), &format!("{side}{label}"), ""));
                    }
                }
            }
            let caption = if layer == Layer::Server {
                "Serving AP: the AP received strongest at each point (darker and hatched below the threshold)"
            } else {
                "Channel of the serving AP: touching areas of one colour share a channel"
            };
            format!(
                "<figure class=\"aps-key\"><figcaption>{caption}</figcaption><ul class=\"key\">{items}</ul></figure>"
            )
        }
    };
    format!("<div class=\"legend\" data-layer=\"{}\">{body}</div>", layer.key())
}

/// Walls by material class, doors, windows, excluded and outside cells.
fn plan_key(runs: &[Run], floor: &PageFloor) -> String {
    let mut classes: Vec<(Rgb, &'static str)> = Vec::new();
    let (mut doors, mut windows, mut excluded) = (false, false, false);
    for (run, index) in runs.iter().zip(&floor.runs) {
        let Some(storey) = index.and_then(|i| run.scene.floors.get(i)) else { continue };
        for wall in &storey.walls {
            let name = run.scene.materials.try_get(wall.slab.material).map_or("", |m| m.name.as_str());
            let class = wall_colour(name);
            if !classes.contains(&class) {
                classes.push(class);
            }
            doors |= wall.openings.iter().any(|o| o.kind == OpeningKind::Door);
            windows |= wall.openings.iter().any(|o| o.kind == OpeningKind::Window);
        }
        excluded |= storey.rooms.iter().any(|r| r.exclude);
    }
    let mut items = String::new();
    for (c, name) in classes {
        items.push_str(&swatch(&hex(c), &format!("wall: {name}"), ""));
    }
    if doors {
        items.push_str(&swatch(&hex(overlay::DOOR), "door", ""));
    }
    if windows {
        items.push_str(&swatch(&hex(overlay::WINDOW), "window", ""));
    }
    if excluded {
        items.push_str(&swatch("#d6d6d6", "excluded room (not required)", "hatch-light"));
    }
    items.push_str(&swatch(&hex(colormap::faded([120, 120, 120])), "outside the building (faded)", ""));
    items.push_str(&swatch(&hex(colormap::NO_DATA), "no value", ""));
    format!("<figure class=\"plan-key\"><figcaption>Plan</figcaption><ul class=\"key\">{items}<li><span class=\"sw apdot\"></span>access point</li></ul></figure>")
}

/// Sortable header cells.
fn header_row(columns: &[(&str, bool)]) -> String {
    let mut html = String::from("<thead><tr>");
    for (name, numeric) in columns {
        let _ = write!(
            html,
            "<th scope=\"col\"{}><button type=\"button\" class=\"sort\">{}<span class=\"arrow\" aria-hidden=\"true\"></span></button></th>",
            if *numeric { " class=\"n\"" } else { "" },
            esc(name)
        );
    }
    html.push_str("</tr></thead>");
    html
}

fn tag(outcome: &str) -> String {
    let text = match outcome {
        "pass" => "✔ pass",
        "fail" => "✘ FAIL",
        "excluded" => "excluded",
        other => other,
    };
    format!("<td data-v=\"{outcome}\"><span class=\"tag {outcome}\">{text}</span></td>")
}

/// The rooms of every storey with their figures and verdict.
fn room_table(report: &Report, check: Option<&CheckResult>) -> String {
    let mut html = String::from(
        "<section class=\"tables\" id=\"rooms\" aria-labelledby=\"rooms-title\"><h2 id=\"rooms-title\">Rooms</h2>\n<div class=\"scroll\"><table class=\"sortable\" id=\"room-table\"><caption>Coverage per room at the room's threshold; select a column heading to sort.</caption>",
    );
    html.push_str(&header_row(&[
        ("Storey", false),
        ("Room", false),
        ("Coverage %", true),
        ("Required %", true),
        ("Threshold dBm", true),
        ("Median dBm", true),
        ("Min dBm", true),
        ("Area m²", true),
        ("Clients", true),
        ("Serving APs", false),
        ("Result", false),
    ]));
    html.push_str("<tbody>");
    for floor in &report.floors {
        for room in &floor.rooms {
            let case = check.and_then(|c| {
                c.cases
                    .iter()
                    .find(|k| k.kind == CaseKind::Room && k.floor.as_deref() == Some(&floor.id) && k.name == room.name)
            });
            let required = case.map_or(room.target_coverage_pct, |k| k.required);
            let outcome = match (room.excluded, case.map(|k| k.outcome)) {
                (true, _) | (_, Some(Outcome::Skipped)) => "excluded",
                (_, Some(Outcome::Passed)) => "pass",
                (_, Some(Outcome::Failed)) => "fail",
                (false, None) if room.meets_target => "pass",
                (false, None) => "fail",
            };
            let _ = write!(
                html,
                "<tr data-floor=\"{}\" data-room=\"{}\"><td>{}</td><th scope=\"row\">{}</th>{}{}{}{}{}{}{}<td>{}</td>{}</tr>",
                esc(&floor.id),
                esc(&room.name),
                esc(&floor.id),
                esc(&room.name),
                td_num(Some(room.coverage_pct), &num(Some(room.coverage_pct), 1)),
                td_num(Some(required), &num(Some(required), 0)),
                td_num(Some(room.threshold_dbm), &num(Some(room.threshold_dbm), 0)),
                td_num(room.median_dbm, &num(room.median_dbm, 1)),
                td_num(room.min_dbm, &num(room.min_dbm, 1)),
                td_num(Some(room.area_m2), &num(Some(room.area_m2), 1)),
                td_num(Some(room.clients as Real), &room.clients.to_string()),
                esc(&room.serving_aps.join(", ")),
                tag(outcome)
            );
        }
    }
    html.push_str("</tbody></table></div></section>\n");
    html
}

/// The APs of one plan, or of both plans of a comparison.
fn ap_table(runs: &[&Run]) -> String {
    let compare = runs.len() > 1;
    let mut html = String::from(
        "<section class=\"tables\" id=\"aps\" aria-labelledby=\"aps-title\"><h2 id=\"aps-title\">Access points</h2>\n<div class=\"scroll\"><table class=\"sortable\" id=\"ap-table\"><caption>Position, band, channel and power of every AP; select a column heading to sort.</caption>",
    );
    let mut columns = vec![("AP", false)];
    if compare {
        columns.push(("Plan", false));
    }
    columns.extend([
        ("Storey", false),
        ("x m", true),
        ("y m", true),
        ("Height m", true),
        ("Band GHz", false),
        ("Channel", true),
        ("Width MHz", true),
        ("Power dBm", true),
        ("Gain dBi", true),
    ]);
    html.push_str(&header_row(&columns));
    html.push_str("<tbody>");
    for (r, run) in runs.iter().enumerate() {
        for ap in &run.report.aps {
            if compare && r == 1 {
                // Candidate APs identical to a base AP are listed once.
                let same = runs[0].report.aps.iter().any(|b| {
                    b.id == ap.id && b.floor == ap.floor && (b.x - ap.x).abs() < 0.01 && (b.y - ap.y).abs() < 0.01
                });
                if same {
                    continue;
                }
            }
            let plan = if !compare {
                String::new()
            } else if r == 0 {
                let kept = runs[1].report.aps.iter().any(|c| {
                    c.id == ap.id && c.floor == ap.floor && (c.x - ap.x).abs() < 0.01 && (c.y - ap.y).abs() < 0.01
                });
                format!("<td>{}</td>", if kept { "both" } else { "base only" })
            } else {
                "<td>candidate only</td>".to_owned()
            };
            let _ = write!(
                html,
                "<tr data-ap=\"{}\"><th scope=\"row\">{}</th>{plan}<td>{}</td>{}{}{}<td>{}</td>{}{}{}{}</tr>",
                esc(&ap.id),
                esc(&ap.id),
                esc(&ap.floor),
                td_num(Some(ap.x), &num(Some(ap.x), 2)),
                td_num(Some(ap.y), &num(Some(ap.y), 2)),
                td_num(Some(ap.z), &num(Some(ap.z), 2)),
                esc(&ap.band),
                td_num(Some(ap.channel as Real), &ap.channel.to_string()),
                td_num(Some(ap.channel_width_mhz as Real), &ap.channel_width_mhz.to_string()),
                td_num(Some(ap.tx_power_dbm), &num(Some(ap.tx_power_dbm), 1)),
                td_num(Some(ap.antenna_gain_dbi), &num(Some(ap.antenna_gain_dbi), 1)),
            );
        }
    }
    html.push_str("</tbody></table></div></section>\n");
    html
}

/// How to read the colours, with the ramps' sources.
fn scale_notes(threshold: Real, layers: &[Layer]) -> String {
    let rssi = ColorScale::rssi(threshold);
    let sinr = ColorScale::sinr();
    let delta = ColorScale::delta_db(DELTA_RANGE_DB);
    let mut html = String::from("<section class=\"notes\" id=\"scales\" aria-labelledby=\"scales-title\"><h2 id=\"scales-title\">Colour scales</h2><ul>");
    let _ = write!(
        html,
        "<li>RSSI: {} to {} dBm on {}, fixed for every run so that reports compare; cells below their room's threshold are darkened and hatched.</li>",
        format_db(rssi.min),
        format_db(rssi.max),
        esc(rssi.ramp)
    );
    let _ = write!(
        html,
        "<li>SINR: {} to {} dB on {}; interference counts every other AP on an overlapping channel.</li>",
        format_db(sinr.min),
        format_db(sinr.max),
        esc(sinr.ramp)
    );
    let _ = write!(
        html,
        "<li>Serving AP and channels: {} qualitative colours (Tableau 10 and d3), assigned so that neighbouring service areas differ.</li>",
        AP_PALETTE.len()
    );
    if layers.contains(&Layer::Delta) {
        let _ = write!(
            html,
            "<li>Difference: candidate − base RSSI, {} to +{} dB on {}, white for no change.</li>",
            format_db(delta.min),
            format_db(delta.max),
            esc(delta.ramp)
        );
    }
    html.push_str("<li>Values beyond a scale take its end colour; the readout under each map gives the exact value.</li></ul></section>\n");
    html
}

fn status_tag(status: RoomStatus) -> String {
    let (key, text) = match status {
        RoomStatus::Regressed => ("fail", "✘ regressed"),
        RoomStatus::Improved => ("pass", "⬆ improved"),
        RoomStatus::Unchanged => ("same", "unchanged"),
        RoomStatus::WithinTolerance => ("same", "within tolerance"),
        RoomStatus::Excluded => ("excluded", "excluded"),
    };
    format!("<td data-v=\"{key}\"><span class=\"tag {key}\">{text}</span></td>")
}

fn pair(d: &Delta, decimals: usize) -> String {
    format!("{} → {}", num(d.base, decimals), num(d.candidate, decimals))
}

/// The body of a `compare` page.
pub(super) fn comparison_body(
    runs: &[Run; 2],
    floors: &[PageFloor],
    layers: &[Layer],
    comparison: &Comparison,
) -> String {
    let mut html = String::new();
    let (base_name, candidate_name) = if comparison.base.plan == comparison.candidate.plan {
        (file_name(&comparison.base.file), file_name(&comparison.candidate.file))
    } else {
        (comparison.base.plan.clone(), comparison.candidate.plan.clone())
    };
    let _ = writeln!(
        html,
        "<header class=\"top\">\n<p class=\"kicker\">Wi-Fi coverage comparison · <code>wifiplan compare</code></p>\n<h1>{} → {}</h1>",
        esc(&base_name),
        esc(&candidate_name)
    );
    let _ = writeln!(
        html,
        "<p class=\"meta\">Base <code>{}</code> · candidate <code>{}</code> · model {} · {} m grid · tolerances {} pts room coverage, {}</p>",
        esc(&file_name(&comparison.base.file)),
        esc(&file_name(&comparison.candidate.file)),
        esc(&model_text(&comparison.model, &comparison.model_parameters)),
        num(Some(comparison.resolution_m), 2).trim_end_matches('0').trim_end_matches('.'),
        num(Some(comparison.tolerances.pct), 1),
        comparison.tolerances.db.map_or_else(|| "median shown, not judged".to_owned(), |db| format!("{} dB median", num(Some(db), 1))),
    );
    let (class, headline) = match comparison.verdict {
        Verdict::Regressed => ("fail", "✘ The candidate regresses"),
        Verdict::Improved => ("pass", "✔ The candidate improves coverage"),
        Verdict::Unchanged => ("pass", "✔ No change beyond the tolerances"),
    };
    let _ = writeln!(
        html,
        "<div class=\"verdict {class}\" role=\"status\"><strong>{headline}</strong> <span>building covered {} → {} % ({} pts) · APs {} → {} · rooms meeting their target {} → {}</span></div>",
        num(comparison.coverage_pct.base, 1),
        num(comparison.coverage_pct.candidate, 1),
        signed(comparison.coverage_pct.delta),
        comparison.ap_count.base,
        comparison.ap_count.candidate,
        comparison.rooms_meeting_target.base,
        comparison.rooms_meeting_target.candidate,
    );
    for (title, changes) in [("Regressions", &comparison.regressions), ("Improvements", &comparison.improvements)] {
        if changes.is_empty() {
            continue;
        }
        // Long lists start folded so that the maps stay near the top.
        let _ = write!(
            html,
            "<details class=\"checks\"{}><summary><h2>{title} ({})</h2></summary><ul>",
            if changes.len() <= 8 { " open" } else { "" },
            changes.len()
        );
        for change in changes {
            let place = match (change.scope, &change.floor, &change.room) {
                (_, Some(f), Some(r)) => format!("room {} on {}", esc(r), esc(f)),
                (_, Some(f), None) => format!("storey {}", esc(f)),
                _ => "whole building".to_owned(),
            };
            let (what, unit, change_unit) = if change.metric == "coverage_pct" {
                ("coverage", " %", " pts")
            } else {
                ("median RSSI", " dBm", " dB")
            };
            let _ = write!(
                html,
                "<li>{place}: {what} {}{unit} → {}{unit} ({}{change_unit})</li>",
                num(change.values.base, 1),
                num(change.values.candidate, 1),
                signed(change.values.delta)
            );
        }
        html.push_str("</ul></details>\n");
    }
    if !comparison.notes.is_empty() {
        html.push_str("<ul class=\"small\">");
        for note in &comparison.notes {
            let _ = write!(html, "<li>{}</li>", esc(note));
        }
        html.push_str("</ul>");
    }
    html.push_str(&nav(floors));
    html.push_str("</header>\n");
    for (index, floor) in floors.iter().enumerate() {
        let stats = comparison
            .floors
            .iter()
            .find(|f| f.id == floor.id)
            .map(|f| {
                format!(
                    "coverage {} → {} % ({} pts) · median {} dBm ({} dB) · APs {} → {}",
                    num(f.coverage_pct.base, 1),
                    num(f.coverage_pct.candidate, 1),
                    signed(f.coverage_pct.delta),
                    pair(&f.median_dbm, 1),
                    signed(f.median_dbm.delta),
                    f.ap_count.base,
                    f.ap_count.candidate
                )
            })
            .unwrap_or_else(|| "this storey is in one plan only".to_owned());
        html.push_str(&storey_section(index, floor, runs, layers, &stats));
    }
    html.push_str(
        "<section class=\"tables\" id=\"rooms\" aria-labelledby=\"rooms-title\"><h2 id=\"rooms-title\">Rooms</h2>\n<div class=\"scroll\"><table class=\"sortable\" id=\"room-table\"><caption>Each room in both plans (base → candidate); select a column heading to sort.</caption>",
    );
    html.push_str(&header_row(&[
        ("Storey", false),
        ("Room", false),
        ("Coverage %", false),
        ("Δ pts", true),
        ("Median dBm", false),
        ("Δ dB", true),
        ("Min dBm", false),
        ("Serving APs", false),
        ("Result", false),
    ]));
    html.push_str("<tbody>");
    for floor in &comparison.floors {
        for room in &floor.rooms {
            let _ = write!(
                html,
                "<tr data-floor=\"{}\" data-room=\"{}\"><td>{}</td><th scope=\"row\">{}</th><td>{}</td>{}<td>{}</td>{}<td>{}</td><td>{}</td>{}</tr>",
                esc(&floor.id),
                esc(&room.name),
                esc(&floor.id),
                esc(&room.name),
                pair(&room.coverage_pct, 1),
                td_num(room.coverage_pct.delta, &signed(room.coverage_pct.delta)),
                pair(&room.median_dbm, 1),
                td_num(room.median_dbm.delta, &signed(room.median_dbm.delta)),
                pair(&room.min_dbm, 1),
                esc(&room.serving_aps.text()),
                status_tag(room.status)
            );
        }
    }
    html.push_str("</tbody></table></div>");
    let only: Vec<String> = comparison
        .floors
        .iter()
        .flat_map(|f| {
            f.rooms_only_in_base
                .iter()
                .map(move |r| format!("{r} ({}, base only)", f.id))
                .chain(f.rooms_only_in_candidate.iter().map(move |r| format!("{r} ({}, candidate only)", f.id)))
        })
        .collect();
    if !only.is_empty() {
        let _ = write!(html, "<p class=\"small\">Not compared: {}</p>", esc(&only.join(", ")));
    }
    html.push_str("</section>\n");
    html.push_str(&ap_table(&[&runs[0], &runs[1]]));
    html.push_str(&scale_notes(runs[0].report.threshold_dbm, layers));
    html
}
