//! Synthetic architect's drawings, for the import benches and tests: a
//! grid of rooms drawn the way CAD exports walls, as doubled outlines.
//!
//! [`room_grid_dxf`] draws `columns × rows` square rooms of `room` metres
//! (centreline to centreline) with `wall`-thick walls on layer `MUR`, in
//! millimetres. Every wall is drawn between the faces of the walls that
//! cross it, both faces as separate LINEs: a grid of 50 × 50 rooms is
//! 10,200 lines, and imports as 51 + 51 centreline walls.

use dxf::entities::{Entity, EntityType, Line};
use dxf::Point;

/// The number of LINE entities [`room_grid_dxf`] draws.
pub fn room_grid_lines(columns: usize, rows: usize) -> usize {
    2 * ((rows + 1) * columns + (columns + 1) * rows)
}

/// A DXF drawing of a grid of rooms (see the module documentation).
pub fn room_grid_dxf(columns: usize, rows: usize, room: f64, wall: f64) -> dxf::Drawing {
    let mm = |m: f64| (m * 1000.0).round();
    let mut drawing = dxf::Drawing::new();
    drawing.header.version = dxf::enums::AcadVersion::R2000;
    drawing.header.default_drawing_units = dxf::enums::Units::Millimeters;
    drawing.add_layer(dxf::tables::Layer { name: "MUR".into(), ..Default::default() });
    let half = wall / 2.0;
    let mut line = |a: [f64; 2], b: [f64; 2]| {
        let mut entity = Entity::new(EntityType::Line(Line::new(
            Point::new(mm(a[0]), mm(a[1]), 0.0),
            Point::new(mm(b[0]), mm(b[1]), 0.0),
        )));
        entity.common.layer = "MUR".into();
        drawing.add_entity(entity);
    };
    // Horizontal walls: on grid line j, one piece per room, between the
    // faces of the vertical walls at its ends (the outer faces at the
    // building's corners).
    for j in 0..=rows {
        let y = j as f64 * room;
        for i in 0..columns {
            let from = i as f64 * room + if i == 0 { -half } else { half };
            let to = (i + 1) as f64 * room + if i + 1 == columns { half } else { -half };
            for face in [y - half, y + half] {
                line([from, face], [to, face]);
            }
        }
    }
    for i in 0..=columns {
        let x = i as f64 * room;
        for j in 0..rows {
            // Vertical walls stop at the faces of the horizontal ones.
            let (from, to) = (j as f64 * room + half, (j + 1) as f64 * room - half);
            for face in [x - half, x + half] {
                line([face, from], [face, to]);
            }
        }
    }
    drawing
}
