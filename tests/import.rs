//! `wifiplan import`: the sample drawings in floorplans/sources/ give the
//! walls of the plan they were drawn from, the output validates and
//! simulates, and bad inputs exit 2 naming the file.
//!
//! The samples are generated here from the ground floor of
//! `lycee_moderne.toml` (`UPDATE_SAMPLES=1 cargo test import` rewrites
//! them), so the expected walls are known exactly.

use std::path::{Path, PathBuf};

use wifiplan::floorplan::{self, PlanFormat};

use crate::util::{non_empty, root, temp_dir, transcript, wifiplan};

/// Ground floor of lycee_moderne.toml: (from, to, material, thickness).
fn known_walls() -> Vec<([f64; 2], [f64; 2], &'static str, f64)> {
    let mut walls = vec![
        ([0.0, 0.0], [38.2, 0.0], "reinforced_concrete", 0.3),
        ([38.2, 0.0], [38.2, 22.6], "reinforced_concrete", 0.3),
        ([38.2, 22.6], [0.0, 22.6], "reinforced_concrete", 0.3),
        ([0.0, 22.6], [0.0, 0.0], "reinforced_concrete", 0.3),
        ([0.0, 9.2], [38.2, 9.2], "plasterboard", 0.12),
        ([0.0, 13.4], [38.2, 13.4], "plasterboard", 0.12),
    ];
    for x in [7.85, 15.35, 22.85, 30.35] {
        walls.push(([x, 0.0], [x, 9.2], "plasterboard", 0.1));
        walls.push(([x, 13.4], [x, 22.6], "plasterboard", 0.1));
    }
    walls
}

const KNOWN_LENGTH: f64 = 2.0 * (38.2 + 22.6) + 2.0 * 38.2 + 8.0 * 9.2;

fn sources() -> PathBuf {
    root().join("floorplans").join("sources")
}

/// The SVG sample: centimetres (import with `--scale 0.01`), SVG's y down,
/// the facade as a black polygon with class `facade`, the corridor walls as
/// a path in a translated group with class `couloir`, the partitions as
/// grey lines, room labels as text (skipped).
fn lycee_svg() -> String {
    let cm = |v: f64| (v * 100.0).round() as i64;
    // SVG y of a plan y (the viewBox bottom is plan y = -0.5).
    let y = |v: f64| cm(22.6 - v);
    let mut svg = String::new();
    svg.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-50 -50 3920 2360\">\n");
    svg.push_str("  <title>Lycée moderne, rez-de-chaussée (cm)</title>\n");
    svg.push_str(&format!(
        "  <polygon class=\"facade\" points=\"0,{} {},{} {},{} 0,{}\" fill=\"none\" stroke=\"#000000\" stroke-width=\"30\"/>\n",
        y(0.0),
        cm(38.2),
        y(0.0),
        cm(38.2),
        y(22.6),
        y(22.6)
    ));
    // The corridor walls, drawn relative to the corridor's south side.
    svg.push_str(&format!("  <g transform=\"translate(0 {})\" class=\"couloir\">\n", y(9.2)));
    svg.push_str(&format!(
        "    <path d=\"M 0 0 H {} M 0 {} h {}\" fill=\"none\" stroke=\"#333\" stroke-width=\"12\"/>\n",
        cm(38.2),
        y(13.4) - y(9.2),
        cm(38.2)
    ));
    svg.push_str("  </g>\n");
    for x in [7.85, 15.35, 22.85, 30.35] {
        for (from, to) in [(0.0, 9.2), (13.4, 22.6)] {
            svg.push_str(&format!(
                "  <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#808080\" stroke-width=\"10\"/>\n",
                cm(x),
                y(from),
                cm(x),
                y(to)
            ));
        }
    }
    for (i, x) in [3.9, 11.6, 19.1, 26.6, 34.3].iter().enumerate() {
        svg.push_str(&format!("  <text x=\"{}\" y=\"{}\">S10{}</text>\n", cm(*x), y(4.6), i + 1));
    }
    svg.push_str("</svg>\n");
    svg
}

/// The DXF sample, in millimetres (`$INSUNITS` = mm): walls drawn as
/// doubled outlines (the facade as two closed LWPOLYLINEs on `MUR`, the
/// corridor walls as LINE pairs and the partitions as POLYLINE pairs on
/// `CLOISON`), doors and windows as INSERTs of blocks on `PORTES` and
/// `FENETRES` (rotated, the window block scaled), a pillar (CIRCLE) and a
/// label (TEXT on `TEXTE`).
fn lycee_dxf() -> dxf::Drawing {
    lycee_dxf_named(["PORTES", "FENETRES"], ["PORTE", "FENETRE"])
}

/// [`lycee_dxf`] with its door and window symbols on the given layers
/// (doors, windows) and named by the given blocks (door, window).
fn lycee_dxf_named(layers: [&str; 2], blocks: [&str; 2]) -> dxf::Drawing {
    use dxf::entities::{Arc, Circle, Entity, EntityType, Insert, Line, LwPolyline, Polyline, Text, Vertex};
    use dxf::LwPolylineVertex;
    use dxf::{Block, Point};

    let mm = |v: f64| (v * 1000.0).round();
    let mut drawing = dxf::Drawing::new();
    drawing.header.version = dxf::enums::AcadVersion::R2000;
    drawing.header.default_drawing_units = dxf::enums::Units::Millimeters;
    let mut names = vec!["MUR", "CLOISON", layers[0], layers[1], "TEXTE"];
    names.dedup();
    for name in names {
        drawing.add_layer(dxf::tables::Layer { name: name.into(), ..Default::default() });
    }
    let on = |layer: &str, specific: EntityType| {
        let mut entity = Entity::new(specific);
        entity.common.layer = layer.into();
        entity
    };
    // Facade: outer and inner faces of the 0.3 m shell.
    for (lo_x, lo_y, hi_x, hi_y) in [(-0.15, -0.15, 38.35, 22.75), (0.15, 0.15, 38.05, 22.45)] {
        let mut poly = LwPolyline::default();
        for (x, y) in [(lo_x, lo_y), (hi_x, lo_y), (hi_x, hi_y), (lo_x, hi_y)] {
            poly.vertices.push(LwPolylineVertex { x: mm(x), y: mm(y), ..Default::default() });
        }
        poly.set_is_closed(true);
        drawing.add_entity(on("MUR", EntityType::LwPolyline(poly)));
    }
    // Corridor walls, 0.12 m, from face to face of the facade.
    for y in [9.2, 13.4] {
        for face in [y - 0.06, y + 0.06] {
            let line = Line::new(Point::new(mm(0.15), mm(face), 0.0), Point::new(mm(38.05), mm(face), 0.0));
            drawing.add_entity(on("CLOISON", EntityType::Line(line)));
        }
    }
    // Partitions, 0.1 m, between the facade and the corridor walls.
    for x in [7.85, 15.35, 22.85, 30.35] {
        for (from, to) in [(0.15, 9.14), (13.46, 22.45)] {
            for face in [x - 0.05, x + 0.05] {
                let mut entity = on("CLOISON", EntityType::Polyline(Polyline::default()));
                let mut poly = Polyline::default();
                for y in [from, (from + to) / 2.0, to] {
                    poly.add_vertex(&mut drawing, Vertex::new(Point::new(mm(face), mm(y), 0.0)));
                }
                entity.specific = EntityType::Polyline(poly);
                drawing.add_entity(entity);
            }
        }
    }
    drawing.add_entity(on("CLOISON", EntityType::Circle(Circle::new(Point::new(mm(19.1), mm(11.3), 0.0), 200.0))));
    let label = Text { value: "S101".into(), location: Point::new(mm(3.9), mm(4.6), 0.0), ..Default::default() };
    drawing.add_entity(on("TEXTE", EntityType::Text(label)));
    // A 1 m door: leaf open at 90° and its swing.
    let mut door = Block { name: blocks[0].into(), ..Default::default() };
    door.entities.push(Entity::new(EntityType::Line(Line::new(Point::origin(), Point::new(0.0, 1000.0, 0.0)))));
    door.entities.push(Entity::new(EntityType::Arc(Arc::new(Point::origin(), 1000.0, 0.0, 90.0))));
    drawing.add_block(door);
    // A 1 m window symbol across a 0.3 m wall, scaled to 1.4 m on insert.
    let mut window = Block { name: blocks[1].into(), ..Default::default() };
    for (a, b) in [((0.0, -150.0), (1000.0, -150.0)), ((0.0, 150.0), (1000.0, 150.0)), ((0.0, -150.0), (0.0, 150.0))] {
        let line = Line::new(Point::new(a.0, a.1, 0.0), Point::new(b.0, b.1, 0.0));
        window.entities.push(Entity::new(EntityType::Line(line)));
    }
    drawing.add_block(window);
    let insert = |name: &str, x: f64, y: f64, rotation: f64, x_scale: f64| Insert {
        name: name.into(),
        location: Point::new(mm(x), mm(y), 0.0),
        rotation,
        x_scale_factor: x_scale,
        ..Default::default()
    };
    for x in [6.1, 13.6, 21.1, 28.6, 36.1] {
        // South corridor: swing into the classroom (south), north likewise.
        drawing.add_entity(on(layers[0], EntityType::Insert(insert(blocks[0], x + 1.0, 9.2, 180.0, 1.0))));
        drawing.add_entity(on(layers[0], EntityType::Insert(insert(blocks[0], x, 13.4, 0.0, 1.0))));
    }
    for x in [1.65, 5.15, 9.15, 12.65, 16.65, 20.15, 24.15, 27.65, 31.65, 35.15] {
        drawing.add_entity(on(layers[1], EntityType::Insert(insert(blocks[1], x, 0.0, 0.0, 1.4))));
        drawing.add_entity(on(layers[1], EntityType::Insert(insert(blocks[1], x + 1.4, 22.6, 180.0, 1.4))));
    }
    drawing
}

const DXF_OPTIONS: [&str; 8] = [
    "--layer-map",
    "MUR=reinforced_concrete:0.3",
    "--layer-map",
    "CLOISON=plasterboard",
    "--door-layer",
    "PORTES",
    "--window-layer",
    "FENETRES",
];

/// Imports a DXF with the sample's options; returns the written plan.
fn import_dxf(path: &Path, dir: &Path, preview: Option<&Path>) -> floorplan::FloorPlan {
    let mut args = vec![path.to_str().unwrap()];
    args.extend_from_slice(&DXF_OPTIONS);
    if let Some(preview) = preview {
        args.extend_from_slice(&["--preview", preview.to_str().unwrap()]);
    }
    import(&args, dir);
    let text = std::fs::read_to_string(dir.join("imported.toml")).unwrap();
    floorplan::parse_str("imported.toml", &text, PlanFormat::Toml).unwrap().plan
}

fn assert_openings(plan: &floorplan::FloorPlan) {
    let floor = &plan.floors[0];
    let doors: Vec<_> = floor.openings.iter().filter(|o| o.kind == floorplan::OpeningKind::Door).collect();
    let windows: Vec<_> = floor.openings.iter().filter(|o| o.kind == floorplan::OpeningKind::Window).collect();
    assert_eq!((doors.len(), windows.len()), (10, 20), "{:#?}", floor.openings);
    for (opening, width) in doors.iter().map(|d| (d, 1.0)).chain(windows.iter().map(|w| (w, 1.4))) {
        let [a, b] = opening.at;
        assert!(((b[0] - a[0]).hypot(b[1] - a[1]) - width).abs() < 0.01, "{opening:?}");
        let wall = floor.walls.iter().find(|w| w.id.as_deref() == Some(&opening.wall)).unwrap();
        let want = if width == 1.0 { "plasterboard" } else { "reinforced_concrete" };
        assert_eq!(wall.material, want, "{opening:?}");
    }
}

#[test]
fn dxf_sample_gives_the_known_walls_and_openings() {
    let path = sources().join("lycee_moderne_rdc.dxf");
    if std::env::var_os("UPDATE_SAMPLES").is_some() {
        std::fs::create_dir_all(sources()).unwrap();
        lycee_dxf().save_file(&path).unwrap();
    }
    let dir = temp_dir();
    let preview = dir.path().join("preview.png");
    let plan = import_dxf(&path, dir.path(), Some(&preview));
    assert_matches_known(&plan.floors[0].walls, 0.002);
    assert_openings(&plan);
    assert!(non_empty(&preview));
    // The generator still writes the same drawing (DXF headers carry dates
    // and GUIDs, so the files are compared through their import).
    let fresh = dir.path().join("fresh.dxf");
    lycee_dxf().save_file(&fresh).unwrap();
    let again = import_dxf(&fresh, dir.path(), None);
    assert_eq!(toml::to_string(&again).unwrap(), toml::to_string(&plan).unwrap().replace("lycee_moderne_rdc", "fresh"));
}

#[test]
fn dxf_layers_are_listed() {
    let path = sources().join("lycee_moderne_rdc.dxf");
    let output = wifiplan(&["import", path.to_str().unwrap(), "--list-layers"]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in ["MUR\t2", "CLOISON\t21", "PORTES\t10", "FENETRES\t20", "TEXTE\t1"] {
        assert!(stdout.lines().any(|l| l == line), "{line} missing in\n{stdout}");
    }
}

/// The raster sample at 40 px/m: each known wall painted as a filled
/// rectangle (ends extended by half its thickness, so corners close), room
/// labels as small blocks and hatching as thin diagonal lines (both must
/// be ignored), a 1.15 m white margin.
fn lycee_png() -> image::RgbImage {
    const PX_PER_M: f64 = 40.0;
    const MARGIN: f64 = 1.15;
    let (width, height) = (((38.2 + 2.0 * MARGIN) * PX_PER_M) as u32, ((22.6 + 2.0 * MARGIN) * PX_PER_M) as u32);
    let mut image = image::RgbImage::from_pixel(width, height, image::Rgb([255, 255, 255]));
    let px = |x: f64| ((x + MARGIN) * PX_PER_M).round() as i64;
    let py = |y: f64| ((22.6 + MARGIN - y) * PX_PER_M).round() as i64;
    let mut fill = |x0: i64, x1: i64, y0: i64, y1: i64| {
        for y in y0.max(0)..y1.min(height as i64) {
            for x in x0.max(0)..x1.min(width as i64) {
                image.put_pixel(x as u32, y as u32, image::Rgb([20, 20, 20]));
            }
        }
    };
    for (a, b, _, t) in known_walls() {
        let half = t / 2.0;
        let thick = (t * PX_PER_M).round() as i64;
        let (lo, hi) = ([a[0].min(b[0]), a[1].min(b[1])], [a[0].max(b[0]), a[1].max(b[1])]);
        if a[1] == b[1] {
            let top = ((22.6 + MARGIN - a[1]) * PX_PER_M - t * PX_PER_M / 2.0).round() as i64;
            fill(px(lo[0] - half), px(hi[0] + half), top, top + thick);
        } else {
            let left = ((a[0] + MARGIN) * PX_PER_M - t * PX_PER_M / 2.0).round() as i64;
            fill(left, left + thick, py(hi[1] + half), py(lo[1] - half));
        }
    }
    for x in [3.9, 11.6, 19.1, 26.6, 34.3] {
        // A label: four letters of 0.2 × 0.3 m.
        for k in 0..4 {
            let x0 = px(x - 0.5 + 0.25 * k as f64);
            fill(x0, x0 + 8, py(4.8), py(4.5));
        }
    }
    // Hatching in the corridor's west end: 1 px diagonals, 2 m long.
    for k in 0..10 {
        let (x0, y0) = (px(1.0 + 0.3 * k as f64), py(12.5));
        for i in 0..80 {
            image.put_pixel((x0 + i) as u32, (y0 + i / 2) as u32, image::Rgb([0, 0, 0]));
        }
    }
    image
}

fn raster_options(file: &Path) -> Vec<String> {
    [
        file.to_str().unwrap(),
        "--scale",
        "40",
        "--thickness-class",
        "0.3=reinforced_concrete",
        "--thickness-class",
        "0.12=plasterboard",
        "--thickness-class",
        "0.1=plasterboard",
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn png_sample_gives_the_known_walls() {
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(lycee_png())
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let path = check_sample("lycee_moderne_rdc.png", &png);
    let dir = temp_dir();
    let preview = dir.path().join("preview.png");
    let mut args = raster_options(&path);
    args.extend(["--preview".to_owned(), preview.to_str().unwrap().to_owned()]);
    let walls = import(&args.iter().map(String::as_str).collect::<Vec<_>>(), dir.path());
    assert_matches_known(&walls, 0.001);
    assert!(non_empty(&preview));
    // The same drawing as a JPEG, with its compression artefacts.
    let jpeg = dir.path().join("lycee.jpg");
    image::DynamicImage::ImageRgb8(lycee_png()).save(&jpeg).unwrap();
    let walls = import(&raster_options(&jpeg).iter().map(String::as_str).collect::<Vec<_>>(), dir.path());
    assert_matches_known(&walls, 0.001);
}

#[test]
fn a_scan_without_a_scale_is_refused() {
    let dir = temp_dir();
    let path = sources().join("lycee_moderne_rdc.png");
    let out = dir.path().join("x.toml");
    let output = wifiplan(&["import", path.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lycee_moderne_rdc.png") && stderr.contains("--calibrate"), "{stderr}");
    // Calibrated on the facade's outer faces: 38.5 m between them.
    let (x1, x2) = (((1.15 - 0.15) * 40.0), ((1.15 + 38.35) * 40.0));
    let calibrate = format!("{x1},100,{x2},100,38.5");
    let walls = import(&[path.to_str().unwrap(), "--calibrate", &calibrate], dir.path());
    assert_eq!(walls.len(), 14);
}

/// Writes a generated sample when `UPDATE_SAMPLES=1`, else checks that the
/// committed one is what the generator writes.
fn check_sample(name: &str, bytes: &[u8]) -> PathBuf {
    let path = sources().join(name);
    if std::env::var_os("UPDATE_SAMPLES").is_some() {
        std::fs::create_dir_all(sources()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(committed == bytes, "{} is out of date; rerun with UPDATE_SAMPLES=1", path.display());
    path
}

/// Runs the import into `dir/imported.toml` (removing an earlier one:
/// import does not overwrite) and returns the written plan's walls.
fn import(args: &[&str], dir: &Path) -> Vec<floorplan::Wall> {
    let output_path = dir.join("imported.toml");
    let _ = std::fs::remove_file(&output_path);
    let mut full = vec!["import"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--output", output_path.to_str().unwrap()]);
    let output = wifiplan(&full);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let text = std::fs::read_to_string(&output_path).unwrap();
    let source = floorplan::parse_str("imported.toml", &text, PlanFormat::Toml).unwrap();
    floorplan::validate::validate(&source).unwrap_or_else(|p| panic!("{p:?}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("walls"), "summary missing: {stderr}");
    source.plan.floors[0].walls.clone()
}

fn total_length(walls: &[floorplan::Wall]) -> f64 {
    walls.iter().flat_map(|w| w.points.windows(2).map(|p| (p[1][0] - p[0][0]).hypot(p[1][1] - p[0][1]))).sum()
}

/// Count, total length (within 1 %), and per (material, thickness) class
/// the same count as the known plan.
fn assert_matches_known(walls: &[floorplan::Wall], thickness_tolerance: f64) {
    let known = known_walls();
    assert_eq!(walls.len(), known.len(), "{walls:#?}");
    let length = total_length(walls);
    assert!((length - KNOWN_LENGTH).abs() < 0.01 * KNOWN_LENGTH, "total length {length} vs {KNOWN_LENGTH}");
    for (material, thickness) in [("reinforced_concrete", 0.3), ("plasterboard", 0.12), ("plasterboard", 0.1)] {
        let want = known.iter().filter(|k| k.2 == material && k.3 == thickness).count();
        let got = walls
            .iter()
            .filter(|w| w.material == material && (w.thickness - thickness).abs() <= thickness_tolerance)
            .count();
        assert_eq!(got, want, "{material} {thickness} m: {walls:#?}");
    }
}

#[test]
fn svg_sample_gives_the_known_walls() {
    let svg = check_sample("lycee_moderne_rdc.svg", lycee_svg().as_bytes());
    let dir = temp_dir();
    let preview = dir.path().join("preview.png");
    let walls = import(
        &[
            svg.to_str().unwrap(),
            "--scale",
            "0.01",
            "--map",
            "facade=reinforced_concrete",
            "--map",
            "couloir=plasterboard",
            "--map",
            "#808080=plasterboard",
            "--preview",
            preview.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_matches_known(&walls, 0.001);
    assert!(non_empty(&preview));
}

#[test]
fn imported_plans_simulate() {
    let svg = check_sample("lycee_moderne_rdc.svg", lycee_svg().as_bytes());
    let dir = temp_dir();
    import(&[svg.to_str().unwrap(), "--scale", "0.01"], dir.path());
    let plan = dir.path().join("imported.toml");
    // A plan without APs simulates nothing: give it one.
    let mut text = std::fs::read_to_string(&plan).unwrap();
    text.push_str("\n[[aps]]\nid = \"AP1\"\nposition = [11.6, 11.3]\n");
    std::fs::write(&plan, text).unwrap();
    let out = dir.path().join("out");
    let output = wifiplan(&[
        "simulate",
        plan.to_str().unwrap(),
        "--model",
        "multiwall",
        "--resolution",
        "0.5",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(non_empty(&out.join("rdc-rssi.png")));
}

#[test]
fn the_contract_line_imports_in_metres() {
    let dir = temp_dir();
    let svg = dir.path().join("w.svg");
    std::fs::write(
        &svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><line x1="0" y1="0" x2="10" y2="0" stroke="#000" stroke-width="0.2"/></svg>"##,
    )
    .unwrap();
    let walls = import(&[svg.to_str().unwrap()], dir.path());
    assert_eq!(walls.len(), 1);
    assert!((total_length(&walls) - 10.0).abs() < 1e-9);
    assert!((walls[0].thickness - 0.2).abs() < 1e-9);
}

#[test]
fn bad_inputs_exit_2_naming_the_file() {
    let dir = temp_dir();
    let empty = dir.path().join("empty.svg");
    std::fs::write(&empty, r#"<svg xmlns="http://www.w3.org/2000/svg"><text>hello</text></svg>"#).unwrap();
    let broken = dir.path().join("broken.svg");
    std::fs::write(&broken, "<svg><line").unwrap();
    let other = dir.path().join("plan.pdf");
    std::fs::write(&other, "%PDF").unwrap();
    let missing = dir.path().join("missing.svg");
    for (file, needle) in
        [(&empty, "no walls found"), (&broken, "not a valid SVG"), (&other, "unsupported"), (&missing, "")]
    {
        let out = dir.path().join("x.toml");
        let output = wifiplan(&["import", file.to_str().unwrap(), "--output", out.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(stderr.contains(name) && stderr.contains(needle), "{}", transcript(&output));
        assert!(!out.exists());
    }
    let svg = root().join("floorplans/sources/lycee_moderne_rdc.svg");
    let out = dir.path().join("x.toml");
    let output = wifiplan(&[
        "import",
        svg.to_str().unwrap(),
        "--scale",
        "0.01",
        "--map",
        "facade=unobtainium",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lycee_moderne_rdc.svg") && stderr.contains("unobtainium"), "{stderr}");
}

/// Pixels per metre of the stone lycée's scan.
const STONE_PX_PER_M: f64 = 40.0;
/// A wall as drawn: centreline ends and thickness, m.
type DrawnWall = ([f64; 2], [f64; 2], f64);

/// White margin around the stone lycée's scan, m.
const STONE_MARGIN: f64 = 2.0;

/// The stone lycée's ground floor (`lycee_darche.toml`, storey `rdc`)
/// drawn as a scan at 40 px/m: every wall a solid band of its thickness
/// (1.2 m facade and corridor walls, 0.5 m partitions) with square ends,
/// so bands meet and fill the corners as on a real drawing; plus what a
/// scan also holds and must not become walls: room labels, hatching in
/// the corridor and 1 px door swings, with a 2 m white margin (the image's
/// bottom-left corner is the imported plan's origin, so imported walls
/// stand 2 m east and north of the plan's). Returns the image and the
/// plan's walls as (a, b, thickness).
fn stone_lycee_scan() -> (image::RgbImage, Vec<DrawnWall>) {
    let source =
        floorplan::parse_str("lycee_darche.toml", &crate::util::example_text("lycee_darche.toml"), PlanFormat::Toml)
            .unwrap();
    let floor = source.plan.floors.iter().find(|f| f.id == "rdc").unwrap();
    let walls: Vec<([f64; 2], [f64; 2], f64)> =
        floor.walls.iter().flat_map(|w| w.points.windows(2).map(move |p| (p[0], p[1], w.thickness))).collect();
    const MARGIN: f64 = STONE_MARGIN;
    let (x_max, y_max) = (38.2, 22.6);
    let px = STONE_PX_PER_M;
    let (width, height) = (((x_max + 2.0 * MARGIN) * px) as u32, ((y_max + 2.0 * MARGIN) * px) as u32);
    let mut image = image::RgbImage::from_pixel(width, height, image::Rgb([255, 255, 255]));
    // Pixel centre → plan metres.
    let to_plan = |x: u32, y: u32| [(x as f64 + 0.5) / px - MARGIN, y_max + MARGIN - (y as f64 + 0.5) / px];
    for y in 0..height {
        for x in 0..width {
            let p = to_plan(x, y);
            let inside = walls.iter().any(|&(a, b, t)| {
                let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                let length = dx.hypot(dy);
                let (ux, uy) = (dx / length, dy / length);
                let (rx, ry) = (p[0] - a[0], p[1] - a[1]);
                let along = rx * ux + ry * uy;
                let across = (rx * uy - ry * ux).abs();
                across <= t / 2.0 && along >= -t / 2.0 && along <= length + t / 2.0
            });
            if inside {
                image.put_pixel(x, y, image::Rgb([25, 25, 25]));
            }
        }
    }
    let mut ink = |p: [f64; 2]| {
        let (x, y) = (((p[0] + MARGIN) * px) as i64, ((y_max + MARGIN - p[1]) * px) as i64);
        if (0..width as i64).contains(&x) && (0..height as i64).contains(&y) {
            image.put_pixel(x as u32, y as u32, image::Rgb([0, 0, 0]));
        }
    };
    // Labels: four letters of 0.25 × 0.35 m in each classroom.
    for x in [3.9, 11.6, 19.1, 26.6, 34.3] {
        for y in [4.6, 18.0] {
            for k in 0..4 {
                for i in 0..10 {
                    for j in 0..14 {
                        ink([x - 0.5 + 0.3 * k as f64 + i as f64 / px, y + j as f64 / px]);
                    }
                }
            }
        }
    }
    // Hatching in the corridor: 1 px diagonals, 2 m long.
    for k in 0..12 {
        for i in 0..80 {
            ink([2.0 + 0.3 * k as f64 + i as f64 / px, 10.2 + i as f64 / 2.0 / px]);
        }
    }
    // Door swings: a 1 m quarter circle, 1 px wide, at each classroom door.
    for x in [6.1, 13.6, 21.1, 28.6, 36.1] {
        for (y, side) in [(8.6, -1.0), (14.0, 1.0)] {
            for step in 0..=160 {
                let angle = std::f64::consts::FRAC_PI_2 * step as f64 / 160.0;
                ink([x + angle.cos(), y + side * angle.sin()]);
            }
        }
    }
    (image, walls)
}

#[test]
fn a_scan_of_the_stone_lycee_gives_its_thick_walls() {
    let (image, truth) = stone_lycee_scan();
    let dir = temp_dir();
    let path = dir.path().join("lycee_darche_rdc.png");
    image.save(&path).unwrap();
    let preview = dir.path().join("preview.png");
    let walls = import(&[path.to_str().unwrap(), "--scale", "40", "--preview", preview.to_str().unwrap()], dir.path());
    let true_length: f64 = truth.iter().map(|(a, b, _)| (b[0] - a[0]).hypot(b[1] - a[1])).sum();
    let length = total_length(&walls);
    eprintln!(
        "stone lycée scan: {} walls, {length:.2} m of walls (plan: {} walls, {true_length:.2} m)",
        walls.len(),
        truth.len()
    );
    // Each wall of the plan is found once, on its centreline, as thick as
    // drawn (within 0.1 m), ending at the corners.
    assert_eq!(walls.len(), truth.len(), "{walls:#?}");
    for (a, b, thickness) in &truth {
        let found = walls.iter().find(|w| {
            let (p, q) = (w.points[0], w.points[1]);
            let close =
                |u: [f64; 2], v: &[f64; 2]| (u[0] - STONE_MARGIN - v[0]).hypot(u[1] - STONE_MARGIN - v[1]) < 0.15;
            (close(p, a) && close(q, b)) || (close(p, b) && close(q, a))
        });
        let found = found.unwrap_or_else(|| panic!("no wall from {a:?} to {b:?} in {walls:#?}"));
        eprintln!("  {a:?} → {b:?}: {thickness} m drawn, {} m found", found.thickness);
        assert!((found.thickness - thickness).abs() <= 0.1, "{a:?} → {b:?}: {} m vs {thickness} m", found.thickness);
    }
    assert!((length - true_length).abs() <= 0.05 * true_length, "total length {length} vs {true_length}");
    assert!(non_empty(&preview));
    // The same scan saved as a JPEG, with its compression artefacts.
    let jpeg = dir.path().join("lycee_darche_rdc.jpg");
    image.save(&jpeg).unwrap();
    let walls = import(&[jpeg.to_str().unwrap(), "--scale", "40"], dir.path());
    let length = total_length(&walls);
    eprintln!("as a JPEG: {} walls, {length:.2} m", walls.len());
    assert_eq!(walls.len(), truth.len(), "{walls:#?}");
    assert!(walls.iter().all(|w| [1.2, 0.5].iter().any(|t| (w.thickness - t).abs() <= 0.1)), "{walls:#?}");
    assert!((length - true_length).abs() <= 0.05 * true_length, "total length {length} vs {true_length}");
}

#[test]
fn a_10000_line_dxf_imports_into_its_grid_of_walls() {
    // 50 × 50 rooms of 4 m, 0.2 m walls drawn as doubled outlines broken
    // at every crossing: 10,200 LINEs. The pairwise steps (collinear
    // merging, outline pairing, end snapping) used to compare every pair,
    // some repeatedly; `cargo bench --bench import` times this drawing.
    let (columns, rows) = (50, 50);
    let lines = wifiplan::import::sample::room_grid_lines(columns, rows);
    assert!(lines >= 10_000, "{lines}");
    let dir = temp_dir();
    let path = dir.path().join("grid.dxf");
    wifiplan::import::sample::room_grid_dxf(columns, rows, 4.0, 0.2).save_file(&path).unwrap();
    let walls = import(&[path.to_str().unwrap()], dir.path());
    // Each grid line is one wall, on its centreline, 0.2 m thick.
    assert_eq!(walls.len(), (columns + 1) + (rows + 1), "{}", walls.len());
    assert!(walls.iter().all(|w| (w.thickness - 0.2).abs() < 1e-6), "{walls:#?}");
    let length = total_length(&walls);
    let expected = ((columns + 1) * rows + (rows + 1) * columns) as f64 * 4.0;
    assert!((length - expected).abs() < 1e-6 * expected, "{length} m vs {expected} m");
}

/// Runs `wifiplan import` with `args` and `--output out`.
fn import_to(args: &[&str], out: &Path) -> std::process::Output {
    let mut full = vec!["import"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--output", out.to_str().unwrap()]);
    wifiplan(&full)
}

#[test]
fn an_svg_in_centimetres_without_a_scale_gets_one_message_with_the_fix() {
    // Read as metres, the modern lycée's SVG is 38 km wide with walls
    // 10 to 30 m thick: every wall used to fail validation on its own line.
    let dir = temp_dir();
    let svg = check_sample("lycee_moderne_rdc.svg", lycee_svg().as_bytes());
    let out = dir.path().join("plan.toml");
    let output = import_to(&[svg.to_str().unwrap()], &out);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lycee_moderne_rdc.svg") && stderr.contains("centimetres"), "{stderr}");
    assert_eq!(stderr.matches("--scale 0.01").count(), 1, "{stderr}");
    assert!(stderr.lines().count() <= 2, "{stderr}");
    assert!(!out.exists());
    // Forced, the plan fails validation: each distinct problem once, with
    // its count, and still nothing written.
    let output = import_to(&[svg.to_str().unwrap(), "--force"], &out);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut lines: Vec<&str> = stderr.lines().collect();
    let count = lines.len();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), count, "repeated lines:\n{stderr}");
    assert!(stderr.contains("(×"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_dxf_at_the_wrong_scale_is_refused_unless_forced() {
    let dir = temp_dir();
    let path = sources().join("lycee_moderne_rdc.dxf");
    let out = dir.path().join("plan.toml");
    // Millimetres read as metres: a school 38 km wide.
    let mut args = vec![path.to_str().unwrap(), "--scale", "1"];
    args.extend_from_slice(&DXF_OPTIONS);
    let output = import_to(&args, &out);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for needle in ["lycee_moderne_rdc.dxf", "38", "millimetres", "--scale 0.001", "--force"] {
        assert!(stderr.contains(needle), "{needle} missing in {stderr}");
    }
    assert!(!out.exists());
    // At 0.03 m per unit the school is 1.15 km wide: refused, and imported
    // with --force (still small enough for the simulation grid to hold;
    // the summary warns).
    let mut args = vec![path.to_str().unwrap(), "--scale", "0.03"];
    args.extend_from_slice(&DXF_OPTIONS);
    assert_eq!(import_to(&args, &out).status.code(), Some(2));
    assert!(!out.exists());
    args.push("--force");
    let output = import_to(&args, &out);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unusual for a building"), "{}", transcript(&output));
    assert!(out.exists());
    // Without $INSUNITS the units are unknown: the hint names millimetres.
    let mut unitless = lycee_dxf();
    unitless.header.default_drawing_units = dxf::enums::Units::Unitless;
    let unitless_path = dir.path().join("unitless.dxf");
    unitless.save_file(&unitless_path).unwrap();
    let out = dir.path().join("unitless.toml");
    let mut args = vec![unitless_path.to_str().unwrap()];
    args.extend_from_slice(&DXF_OPTIONS);
    let output = import_to(&args, &out);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no unit") && stderr.contains("--scale 0.001"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_scan_at_a_tenth_of_its_scale_is_refused() {
    // The raster sample is 40 px/m; read at 4 px/m its facade is 3 m
    // thick while labels and hatching (short, thin) keep the median of
    // the wall count ordinary.
    let dir = temp_dir();
    let png = sources().join("lycee_moderne_rdc.png");
    let out = dir.path().join("plan.toml");
    let output = import_to(&[png.to_str().unwrap(), "--scale", "4"], &out);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for needle in ["lycee_moderne_rdc.png", "4 pixels per metre", "over 2 m thick", "--calibrate", "--force"] {
        assert!(stderr.contains(needle), "{needle} missing in {stderr}");
    }
    assert!(!out.exists());
}

/// Door and window counts of an imported plan.
fn opening_counts(plan_path: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(plan_path).unwrap();
    let plan = floorplan::parse_str("plan.toml", &text, PlanFormat::Toml).unwrap().plan;
    let openings = &plan.floors[0].openings;
    let doors = openings.iter().filter(|o| o.kind == floorplan::OpeningKind::Door).count();
    (doors, openings.len() - doors)
}

#[test]
fn dxf_door_and_window_blocks_without_a_layer_map_become_openings_or_are_refused() {
    let dir = temp_dir();
    // Layers named PORTES and FENETRES: openings by their layers' names,
    // and the walls are the known ones (no door leaf or window frame
    // became a wall).
    let named_layers = dir.path().join("named_layers.dxf");
    lycee_dxf().save_file(&named_layers).unwrap();
    let walls = import(&[named_layers.to_str().unwrap()], dir.path());
    assert_eq!(opening_counts(&dir.path().join("imported.toml")), (10, 20));
    assert_eq!(walls.len(), known_walls().len(), "{walls:#?}");
    let length = total_length(&walls);
    assert!((length - KNOWN_LENGTH).abs() < 0.01 * KNOWN_LENGTH, "total length {length} vs {KNOWN_LENGTH}");
    // All symbols on one neutral layer, the blocks named like doors and
    // windows: openings by their blocks' names.
    let named_blocks = dir.path().join("named_blocks.dxf");
    lycee_dxf_named(["SYMBOLES", "SYMBOLES"], ["DOOR_90", "A-GLAZ-140"]).save_file(&named_blocks).unwrap();
    let walls = import(&[named_blocks.to_str().unwrap()], dir.path());
    assert_eq!(opening_counts(&dir.path().join("imported.toml")), (10, 20));
    assert_eq!(walls.len(), known_walls().len(), "{walls:#?}");
    // Nothing says what the blocks are: refused, naming the layer and the
    // count, with the way to map the layers; forced, they become walls.
    let anonymous = dir.path().join("anonymous.dxf");
    lycee_dxf_named(["SYMBOLES", "SYMBOLES"], ["B1", "B2"]).save_file(&anonymous).unwrap();
    let out = dir.path().join("anonymous.toml");
    let output = import_to(&[anonymous.to_str().unwrap()], &out);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for needle in ["anonymous.dxf", "30 block", "SYMBOLES", "--list-layers", "--layer-map", "--force"] {
        assert!(stderr.contains(needle), "{needle} missing in {stderr}");
    }
    assert!(!out.exists());
    let output = import_to(&[anonymous.to_str().unwrap(), "--force"], &out);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(opening_counts(&out), (0, 0));
}

#[test]
fn import_does_not_overwrite_an_existing_plan_unless_forced() {
    let dir = temp_dir();
    let svg = check_sample("lycee_moderne_rdc.svg", lycee_svg().as_bytes());
    let out = dir.path().join("plan.toml");
    std::fs::write(&out, "# my hand-edited plan\n").unwrap();
    let args = [svg.to_str().unwrap(), "--scale", "0.01"];
    let output = import_to(&args, &out);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("plan.toml") && stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "# my hand-edited plan\n");
    let output = import_to(&[args[0], args[1], args[2], "--force"], &out);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(std::fs::read_to_string(&out).unwrap().contains("[[floors]]"));
    // A preview that cannot be written (its folder is a file) leaves no
    // plan behind, so the corrected command runs without --force.
    let fresh = dir.path().join("fresh.toml");
    let blocked = out.join("preview.png");
    let output = import_to(&[args[0], args[1], args[2], "--preview", blocked.to_str().unwrap()], &fresh);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(!fresh.exists());
}
