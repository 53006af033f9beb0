//! `report.html`: one self-contained page a planner can send (an e-mail
//! attachment, a CI artefact) and anyone can open offline in a browser.
//!
//! The page is built here from the same results as the PNG heatmaps and
//! `report.json` (the scene, its coverage grids, the [`Report`], and for
//! `check` and `compare` their verdicts) and holds everything inline: the
//! stylesheet, the script, and the per-cell data of every storey as
//! compressed arrays ([`data`]). Nothing is fetched: a Content Security
//! Policy (`default-src 'none'`) in the page makes the browser refuse any
//! network request, so an accidental reference fails loudly in the
//! browser test instead of leaking a plan to a server.
//!
//! What is drawn where:
//! * Rust writes the static parts: title, verdict, plan result, one section
//!   per storey with its walls, openings and room outlines (inline SVG),
//!   room names and AP markers, the legends (built from
//!   [`crate::render::colormap`], so the scales are the PNGs' own), the
//!   room table and the AP list. They read and print without the script.
//! * The script (`assets/report.js`) decodes the grids, paints the heatmap
//!   of the chosen layer on a canvas (colours from lookup tables computed
//!   here with [`ColorScale::color`], one per 0.1 dB), shows the value,
//!   serving AP and SINR under the pointer or the keyboard cursor, sorts
//!   the tables and runs the compare swipe. With `#selftest` in the URL it
//!   exercises all of that and writes the results into the page, which is
//!   how the browser test reads them.

pub mod data;
mod markup;

use serde::Serialize;

use crate::check::CheckResult;
use crate::geometry::Aabb2;
use crate::propagation::engine::{Coverage, FloorCoverage};
use crate::propagation::grid::GridSpec;
use crate::propagation::mask::NO_ROOM;
use crate::render::colormap::{self, ColorScale, Rgb, DELTA_RANGE_DB};
use crate::render::overlay::CellInfo;
use crate::report::comparison::{Comparison, DeltaMap};
use crate::report::Report;
use crate::scene::Scene;
use crate::units::{round2, Real};
use data::{pack_db, pack_u16, pack_u8, Packed};

/// Cell class codes of the `cls` layer (low two bits).
pub mod class {
    /// An open cell inside the building or a room.
    pub const OPEN: u8 = 0;
    /// A cell whose centre is inside a wall.
    pub const WALL: u8 = 1;
    /// A cell of an excluded room.
    pub const EXCLUDED: u8 = 2;
    /// A cell outside the building and every room (drawn faded).
    pub const OUTSIDE: u8 = 3;
    /// Flag: the cell's RSSI is below its room's threshold (computed on the
    /// unrounded value, exactly as the report counts coverage).
    pub const BELOW: u8 = 4;
}

/// One simulated plan as the page shows it.
#[derive(Clone, Copy)]
struct Run<'a> {
    /// `base`, `candidate`, or empty for a single plan.
    label: &'static str,
    scene: &'a Scene,
    coverage: &'a Coverage,
    report: &'a Report,
}

/// A storey of the page: where each run has it (scene storey index).
struct PageFloor<'a> {
    id: String,
    runs: Vec<Option<usize>>,
    delta: Option<&'a DeltaMap>,
}

/// The page of `simulate` and `plan` (channels when the report carries a
/// plan result), and of `check` with its verdict.
pub fn simulation_page(scene: &Scene, coverage: &Coverage, report: &Report, check: Option<&CheckResult>) -> String {
    let run = Run { label: "", scene, coverage, report };
    let floors: Vec<PageFloor> = scene
        .floors
        .iter()
        .enumerate()
        .map(|(i, f)| PageFloor { id: f.id.clone(), runs: vec![Some(i)], delta: None })
        .collect();
    let kind = if check.is_some() {
        "check"
    } else if report.result.is_some() {
        "plan"
    } else {
        "simulate"
    };
    let mut layers = vec![Layer::Rssi, Layer::Sinr, Layer::Server];
    if report.result.is_some() {
        layers.push(Layer::Channels);
    }
    let page_data = page_data(kind, &[run], &floors, &layers);
    let body = markup::simulation_body(kind, &run, &floors, &layers, check);
    markup::document(&format!("{} — Wi-Fi coverage report", report.plan), &body, &page_data)
}

/// One simulated plan: what a page shows of it.
#[derive(Clone, Copy)]
pub struct SimulatedPlan<'a> {
    /// The scene simulated.
    pub scene: &'a Scene,
    /// Its maps.
    pub coverage: &'a Coverage,
    /// Its report.
    pub report: &'a Report,
}

/// The page of `compare`: both plans per storey with a swipe between them,
/// the difference map (`deltas`, one per shared storey), and the per-room
/// deltas.
pub fn comparison_page(
    base: SimulatedPlan,
    candidate: SimulatedPlan,
    deltas: &[DeltaMap],
    comparison: &Comparison,
) -> String {
    let base = Run { label: "base", scene: base.scene, coverage: base.coverage, report: base.report };
    let candidate =
        Run { label: "candidate", scene: candidate.scene, coverage: candidate.coverage, report: candidate.report };
    let mut floors: Vec<PageFloor> = base
        .scene
        .floors
        .iter()
        .enumerate()
        .map(|(i, f)| PageFloor {
            id: f.id.clone(),
            runs: vec![Some(i), candidate.scene.floor_index(&f.id)],
            delta: deltas.iter().find(|d| d.base_floor == i),
        })
        .collect();
    for (i, f) in candidate.scene.floors.iter().enumerate() {
        if base.scene.floor_index(&f.id).is_none() {
            floors.push(PageFloor { id: f.id.clone(), runs: vec![None, Some(i)], delta: None });
        }
    }
    let layers = [Layer::Rssi, Layer::Sinr, Layer::Server, Layer::Delta];
    let pair = [base, candidate];
    let page_data = page_data("compare", &pair, &floors, &layers);
    let body = markup::comparison_body(&pair, &floors, &layers, comparison);
    let title = format!("{} → {} — Wi-Fi coverage comparison", comparison.base.plan, comparison.candidate.plan);
    markup::document(&title, &body, &page_data)
}

/// A map layer the reader can switch to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layer {
    Rssi,
    Sinr,
    Server,
    Channels,
    Delta,
}

impl Layer {
    fn key(self) -> &'static str {
        match self {
            Layer::Rssi => "rssi",
            Layer::Sinr => "sinr",
            Layer::Server => "server",
            Layer::Channels => "channels",
            Layer::Delta => "delta",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Layer::Rssi => "RSSI (best server)",
            Layer::Sinr => "SINR",
            Layer::Server => "Serving AP",
            Layer::Channels => "Channels",
            Layer::Delta => "Difference (candidate − base)",
        }
    }
}

/// Everything the script needs, serialised into the page as JSON.
#[derive(Serialize)]
struct PageData {
    kind: &'static str,
    scales: Scales,
    runs: Vec<RunData>,
    floors: Vec<FloorData>,
}

#[derive(Serialize)]
struct Scales {
    rssi: ScaleData,
    sinr: ScaleData,
    delta: ScaleData,
    /// Colour of a cell with no value.
    no_data: String,
}

/// A fixed colour scale as a lookup table: the colour of every 0.1 dB
/// code from `min` to `max` (RGB bytes, base64), clamped beyond.
#[derive(Serialize)]
struct ScaleData {
    min: f32,
    max: f32,
    lut: String,
    /// The desaturated, darkened colours of "below threshold" (RSSI only).
    #[serde(skip_serializing_if = "Option::is_none")]
    below: Option<String>,
}

#[derive(Serialize)]
struct RunData {
    label: &'static str,
    aps: Vec<ApData>,
}

#[derive(Serialize)]
struct ApData {
    id: String,
    /// Storey id.
    floor: String,
    x: Real,
    y: Real,
    band: &'static str,
    channel: u32,
}

#[derive(Serialize)]
struct FloorData {
    id: String,
    /// World box drawn: `[x0, y0, x1, y1]`, m.
    view: [Real; 4],
    /// Per run (`null` where that plan lacks the storey).
    runs: Vec<Option<FloorRunData>>,
    delta: Option<DeltaData>,
}

#[derive(Serialize)]
struct GridData {
    x0: Real,
    y0: Real,
    res: Real,
    w: usize,
    h: usize,
}

impl From<GridSpec> for GridData {
    fn from(g: GridSpec) -> Self {
        GridData { x0: g.origin.x, y0: g.origin.y, res: g.resolution, w: g.width, h: g.height }
    }
}

#[derive(Serialize)]
struct FloorRunData {
    grid: GridData,
    rssi: Packed,
    sinr: Packed,
    server: Packed,
    room: Packed,
    cls: Packed,
    rooms: Vec<String>,
    /// Per AP of the run: its colour on this storey's serving-AP map, and
    /// the darker one below threshold.
    server_colours: Vec<[String; 2]>,
    /// Per AP: its channel's colour, and the darker one.
    channel_colours: Vec<[String; 2]>,
}

#[derive(Serialize)]
struct DeltaData {
    grid: GridData,
    d: Packed,
    cls: Packed,
}

/// `#rrggbb`.
fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The "below threshold" fill of a serving-AP colour (the PNG's).
fn dark_server(c: Rgb) -> Rgb {
    colormap::scale(colormap::mix(c, [110, 110, 110], 0.15), 0.68)
}

fn scale_data(scale: &ColorScale, below: bool) -> ScaleData {
    let (lo, hi) = ((scale.min * 10.0).round() as i32, (scale.max * 10.0).round() as i32);
    let mut lut = Vec::new();
    let mut dark = Vec::new();
    for code in lo..=hi {
        let c = scale.color(code as f32 / 10.0);
        lut.extend_from_slice(&c);
        dark.extend_from_slice(&colormap::below_threshold(c).0);
    }
    ScaleData { min: scale.min, max: scale.max, lut: data::base64(&lut), below: below.then(|| data::base64(&dark)) }
}

/// The world box of a storey across runs (their grids' union).
fn view_box(runs: &[Run], floor: &PageFloor) -> Aabb2 {
    let mut view = Aabb2::EMPTY;
    for (run, index) in runs.iter().zip(&floor.runs) {
        if let Some(fc) = index.and_then(|i| run.coverage.floors.get(i)) {
            let b = fc.rssi.grid.bounds();
            view = view.including(b.min).including(b.max);
        }
    }
    if let Some(delta) = floor.delta {
        let b = delta.map.grid.bounds();
        view = view.including(b.min).including(b.max);
    }
    if view.is_empty() {
        Aabb2::from_points(crate::geometry::Point2::new(0.0, 0.0), crate::geometry::Point2::new(1.0, 1.0))
    } else {
        view
    }
}

/// Cell classes (see [`class`]) of a storey's grid.
fn cell_classes(run: &Run, fc: &FloorCoverage) -> Vec<u8> {
    let grid = fc.rssi.grid;
    let Some(floor) = run.scene.floors.get(fc.floor) else { return vec![class::OPEN; grid.len()] };
    let mask = &fc.mask;
    let info = if mask.grid == grid && mask.room.len() == grid.len() && mask.in_wall.len() == grid.len() {
        CellInfo::new(&grid, mask.room.clone(), mask.in_wall.clone())
    } else {
        CellInfo::from_floor(floor, &grid, &fc.rssi.values)
    };
    (0..grid.len())
        .map(|i| {
            let room = info.room.get(i).copied().unwrap_or(NO_ROOM);
            let room_spec = floor.rooms.get(room as usize);
            let base = if info.in_wall.get(i).copied().unwrap_or(true) {
                class::WALL
            } else if room_spec.is_some_and(|r| r.exclude) {
                class::EXCLUDED
            } else if info.outside.get(i).copied().unwrap_or(false) {
                class::OUTSIDE
            } else {
                class::OPEN
            };
            let threshold = room_spec.map_or(run.scene.settings.threshold_dbm, |r| r.threshold_dbm);
            let v = fc.rssi.values.get(i).copied().unwrap_or(f32::NAN);
            let below = !v.is_nan() && (v as Real) < threshold;
            base | if below { class::BELOW } else { 0 }
        })
        .collect()
}

fn floor_run_data(run: &Run, fc: &FloorCoverage) -> FloorRunData {
    let grid = fc.rssi.grid;
    let servers = crate::render::ap_colours(run.scene, run.coverage);
    let (channels, _) = crate::render::channel_colours(run.scene);
    let room: Vec<u16> =
        if fc.mask.room.len() == grid.len() { fc.mask.room.clone() } else { vec![NO_ROOM; grid.len()] };
    FloorRunData {
        grid: grid.into(),
        rssi: pack_db(&fc.rssi.values),
        sinr: pack_db(&fc.sinr.values),
        server: pack_u16(&fc.server),
        room: pack_u16(&room),
        cls: pack_u8(&cell_classes(run, fc)),
        rooms: run
            .scene
            .floors
            .get(fc.floor)
            .map_or_else(Vec::new, |f| f.rooms.iter().map(|r| r.name.clone()).collect()),
        server_colours: servers.iter().map(|&c| [hex(c), hex(dark_server(c))]).collect(),
        channel_colours: channels.iter().map(|&c| [hex(c), hex(dark_server(c))]).collect(),
    }
}

fn delta_data(runs: &[Run], delta: &DeltaMap) -> DeltaData {
    let grid = delta.map.grid;
    let classes: Vec<u8> = match runs.get(1).and_then(|r| r.scene.floors.get(delta.candidate_floor)) {
        Some(storey) => {
            let info = CellInfo::from_floor(storey, &grid, &delta.map.values);
            (0..grid.len())
                .map(|i| {
                    let room = info.room[i];
                    if info.in_wall[i] {
                        class::WALL
                    } else if storey.rooms.get(room as usize).is_some_and(|r| r.exclude) {
                        class::EXCLUDED
                    } else if info.outside[i] {
                        class::OUTSIDE
                    } else {
                        class::OPEN
                    }
                })
                .collect()
        }
        None => vec![class::OPEN; grid.len()],
    };
    DeltaData { grid: grid.into(), d: pack_db(&delta.map.values), cls: pack_u8(&classes) }
}

fn page_data(kind: &'static str, runs: &[Run], floors: &[PageFloor], layers: &[Layer]) -> PageData {
    let threshold = runs.first().map_or(-67.0, |r| r.report.threshold_dbm);
    let floors = floors
        .iter()
        .map(|floor| {
            let view = view_box(runs, floor);
            FloorData {
                id: floor.id.clone(),
                view: [view.min.x, view.min.y, view.max.x, view.max.y].map(round2),
                runs: runs
                    .iter()
                    .zip(&floor.runs)
                    .map(|(run, index)| {
                        index.and_then(|i| run.coverage.floors.get(i)).map(|fc| floor_run_data(run, fc))
                    })
                    .collect(),
                delta: floor.delta.filter(|_| layers.contains(&Layer::Delta)).map(|d| delta_data(runs, d)),
            }
        })
        .collect();
    PageData {
        kind,
        scales: Scales {
            rssi: scale_data(&ColorScale::rssi(threshold), true),
            sinr: scale_data(&ColorScale::sinr(), false),
            delta: scale_data(&ColorScale::delta_db(DELTA_RANGE_DB), false),
            no_data: hex(colormap::NO_DATA),
        },
        runs: runs
            .iter()
            .map(|run| RunData {
                label: run.label,
                aps: run
                    .scene
                    .aps
                    .iter()
                    .map(|ap| ApData {
                        id: ap.id.clone(),
                        floor: run.scene.floors.get(ap.floor).map_or_else(String::new, |f| f.id.clone()),
                        x: ap.position.x,
                        y: ap.position.y,
                        band: ap.band.name(),
                        channel: ap.channel,
                    })
                    .collect(),
            })
            .collect(),
        floors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::floorplan::{parse_str, PlanFormat};

    /// Two storeys; a room and an AP whose names try to break out of the
    /// markup and the JSON block.
    const PLAN: &str = r#"
format = 1
name = "Page <test> & \"quotes\""

[defaults]
resolution = 0.5

[[floors]]
id = "f0"
walls = [{ id = "outer", points = [[0, 0], [8, 0], [8, 6], [0, 6], [0, 0]], material = "brick", thickness = 0.3 }]
openings = [{ wall = "outer", at = [[2, 0], [3, 0]], kind = "door" }]
rooms = [
  { name = "</script><b>Salle</b>", polygon = [[0.2, 0.2], [4, 0.2], [4, 5.8], [0.2, 5.8]] },
  { name = "Local", exclude = true, polygon = [[4, 0.2], [7.8, 0.2], [7.8, 5.8], [4, 5.8]] },
]

[[floors]]
id = "f1"
elevation = 3.0
walls = [{ points = [[0, 0], [8, 0], [8, 6], [0, 6], [0, 0]], material = "concrete", thickness = 0.2 }]

[[aps]]
id = "AP<1>"
position = [2, 3]
channel = 36
"#;

    fn simulated() -> (Scene, Coverage, Report) {
        let source = parse_str("t.toml", PLAN, PlanFormat::Toml).expect("test plan parses");
        let materials = crate::floorplan::validate::validate(&source).expect("test plan is valid");
        let scene = Scene::build(&source, materials);
        let config = crate::pipeline::SimulationConfig {
            model: crate::pipeline::Model::MultiWall,
            resolution: None,
            probes: Vec::new(),
            explain_paths: false,
            requirement: Default::default(),
        };
        let outcome = crate::pipeline::simulate(&source, scene, &config, &|_, _| {}).expect("simulation runs");
        (outcome.scene, outcome.coverage, outcome.report)
    }

    /// The JSON block of a page, parsed.
    fn page_json(page: &str) -> serde_json::Value {
        let start = page.find("id=\"wifiplan-data\">").expect("data block") + "id=\"wifiplan-data\">".len();
        let end = start + page[start..].find("</script>").expect("data block ends");
        serde_json::from_str(&page[start..end]).expect("the data block is JSON")
    }

    #[test]
    fn user_text_is_escaped_in_markup_and_data() {
        let (scene, coverage, report) = simulated();
        let page = simulation_page(&scene, &coverage, &report, None);
        assert!(!page.contains("<b>Salle</b>") && !page.contains("AP<1>"), "raw user text in the page");
        assert!(page.contains("&lt;/script&gt;&lt;b&gt;Salle&lt;/b&gt;"));
        assert!(page.contains("Page &lt;test&gt; &amp; &quot;quotes&quot;"));
        // Exactly the three script elements of the template: no user text
        // opened or closed one.
        assert_eq!(page.matches("<script").count(), 3);
        assert_eq!(page.matches("</script>").count(), 3);
        let data = page_json(&page);
        assert_eq!(data["floors"][0]["runs"][0]["rooms"][0], "</script><b>Salle</b>");
        assert_eq!(data["runs"][0]["aps"][0]["id"], "AP<1>");
    }

    #[test]
    fn every_storey_room_and_ap_is_on_the_page_and_the_grids_round_trip() {
        let (scene, coverage, report) = simulated();
        let page = simulation_page(&scene, &coverage, &report, None);
        for (i, floor) in scene.floors.iter().enumerate() {
            assert!(page.contains(&format!("id=\"storey-{i}\" data-floor=\"{i}\" data-floor-id=\"{}\"", floor.id)));
        }
        assert!(page.contains("data-room=\"Local\"") && page.contains("excluded"));
        assert!(page.contains("data-ap=\"AP&lt;1&gt;\""));
        // Simulate pages offer no channel or difference layer.
        assert!(!page.contains("value=\"channels\"") && !page.contains("value=\"delta\""));
        let data = page_json(&page);
        for (fc, floor) in coverage.floors.iter().zip(data["floors"].as_array().unwrap()) {
            let run = &floor["runs"][0];
            let packed = |key: &str| data::Packed {
                kind: "",
                len: run[key]["n"].as_u64().unwrap() as usize,
                data: run[key]["z"].as_str().unwrap().to_owned(),
            };
            let rssi = data::decode_i16(&packed("rssi")).unwrap();
            let codes: Vec<i16> = fc.rssi.values.iter().map(|&v| data::db_code(v)).collect();
            assert_eq!(rssi, codes);
            assert_eq!(data::decode_u16(&packed("server")).unwrap(), fc.server);
            let classes = data::decode_u8(&packed("cls")).unwrap();
            for (i, &c) in classes.iter().enumerate() {
                assert_eq!(c & 3 == class::WALL, fc.mask.in_wall[i], "cell {i}");
                let below = (fc.rssi.values[i] as Real) < scene.settings.threshold_dbm;
                assert_eq!(c & class::BELOW != 0, below, "cell {i}");
            }
            assert_eq!(run["grid"]["w"].as_u64(), Some(fc.rssi.grid.width as u64));
        }
        // The RSSI lookup table is the PNGs' scale, one colour per 0.1 dB.
        let lut = data::unbase64(data["scales"]["rssi"]["lut"].as_str().unwrap()).unwrap();
        let scale = ColorScale::rssi(scene.settings.threshold_dbm);
        assert_eq!(lut.len(), 3 * 651);
        assert_eq!(lut[0..3], scale.color(-95.0));
        let at = 3 * 280; // −67.0 dBm
        assert_eq!(lut[at..at + 3], scale.color(-67.0));
    }

    #[test]
    fn odd_coverage_never_panics() {
        let (scene, mut coverage, report) = simulated();
        coverage.floors[0].server.truncate(3);
        coverage.floors[0].rssi.values.fill(f32::NAN);
        coverage.floors[1].mask.room.clear();
        let page = simulation_page(&scene, &coverage, &report, None);
        assert!(page.contains("Storey f1"));
        let empty = Coverage { floors: Vec::new() };
        assert!(simulation_page(&scene, &empty, &report, None).contains("</html>"));
    }
}
