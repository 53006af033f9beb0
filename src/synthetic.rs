//! Generated plans for measuring the engine at building scale.
//!
//! A regional IT team plans whole schools: several wings, three or four
//! storeys, a hundred APs. The example plans in `floorplans/` are one wing
//! of two storeys, so the benches and the README's performance table use a
//! school generated here instead of a hand-written file: change one number
//! and the building grows.
//!
//! The default [`SchoolSpec`] is the block of the building-scale issue:
//! 96 × 48 m, three storeys (13,800 m²), two wings of double-loaded
//! corridors, 144 classrooms, 150 walls, 72 APs (one per two classrooms, in
//! a checkerboard), a 1.0 m stone shell and brick partitions.

use crate::floorplan::{
    ApSpec, CeilingSpec, Defaults, Floor, FloorPlan, Opening, OpeningKind, Room, SlabLayer, SlabSpec, Wall,
};
use crate::radio::Band;

/// The shape of a generated school.
#[derive(Clone, Debug, PartialEq)]
pub struct SchoolSpec {
    /// Storeys, stacked from elevation 0.
    pub storeys: usize,
    /// Wings side by side north of each other; each is a corridor with a
    /// row of classrooms on either side.
    pub wings: usize,
    /// Classrooms along each row.
    pub rooms_per_row: usize,
    /// Classroom width along the corridor, m.
    pub room_width: f64,
    /// Classroom depth from the corridor, m.
    pub room_depth: f64,
    /// Corridor width, m.
    pub corridor_width: f64,
    /// Floor-to-ceiling height, m.
    pub storey_height: f64,
    /// Thickness of the stone outer shell, m.
    pub shell_thickness: f64,
    /// Thickness of the brick corridor walls and the spine between wings, m.
    pub corridor_wall_thickness: f64,
    /// Thickness of the brick partitions between classrooms, m.
    pub partition_thickness: f64,
    /// An AP in every `ap_every`-th classroom of a row, rows staggered so
    /// that APs form a checkerboard (1: every classroom).
    pub ap_every: usize,
    /// Grid resolution, m.
    pub resolution: f64,
}

impl Default for SchoolSpec {
    fn default() -> Self {
        SchoolSpec {
            storeys: 3,
            wings: 2,
            rooms_per_row: 12,
            room_width: 8.0,
            room_depth: 10.5,
            corridor_width: 3.0,
            storey_height: 3.5,
            shell_thickness: 1.0,
            corridor_wall_thickness: 0.3,
            partition_thickness: 0.2,
            ap_every: 2,
            resolution: 0.25,
        }
    }
}

impl SchoolSpec {
    /// East–west extent of the building, m.
    pub fn length(&self) -> f64 {
        self.rooms_per_row as f64 * self.room_width
    }

    /// North–south extent of the building, m.
    pub fn depth(&self) -> f64 {
        self.wings as f64 * self.wing_depth()
    }

    fn wing_depth(&self) -> f64 {
        2.0 * self.room_depth + self.corridor_width
    }

    /// Classrooms in the whole building.
    pub fn classrooms(&self) -> usize {
        self.storeys * self.wings * 2 * self.rooms_per_row
    }
}

/// Standard classroom door, m from the room's corridor-side corner.
const DOOR_OFFSET: f64 = 1.0;
const DOOR_WIDTH: f64 = 1.0;
/// Two windows per facade classroom, 1.6 m wide, sill at 1.0 m.
const WINDOW_WIDTH: f64 = 1.6;
const CLIENTS_PER_CLASSROOM: u32 = 30;
/// 5 GHz non-DFS channels, cycled over APs so that neighbours differ.
const CHANNELS: [u32; 4] = [36, 40, 44, 48];

/// Builds the plan of a school of the given shape.
pub fn school(spec: &SchoolSpec) -> FloorPlan {
    let floors = (0..spec.storeys).map(|level| storey(spec, level)).collect();
    let aps = access_points(spec);
    FloorPlan {
        format: 1,
        name: Some(format!(
            "Generated school: {} storeys, {} wings, {} classrooms, {:.0} x {:.0} m",
            spec.storeys,
            spec.wings,
            spec.classrooms(),
            spec.length(),
            spec.depth()
        )),
        defaults: Defaults {
            resolution: spec.resolution,
            ap_height: 2.8,
            band: Band::Ghz5,
            tx_power_dbm: 20.0,
            antenna_gain_dbi: 3.0,
            ..Defaults::default()
        },
        materials: Default::default(),
        floors,
        aps,
    }
}

fn floor_id(level: usize) -> String {
    format!("niveau{level}")
}

/// The y of the south edge of classroom row `row` (two rows per wing,
/// row 0 at the south facade) and of the corridor of wing `wing`.
fn row_south(spec: &SchoolSpec, row: usize) -> f64 {
    let wing = row / 2;
    let base = wing as f64 * spec.wing_depth();
    if row % 2 == 0 {
        base
    } else {
        base + spec.room_depth + spec.corridor_width
    }
}

fn corridor_south(spec: &SchoolSpec, wing: usize) -> f64 {
    wing as f64 * spec.wing_depth() + spec.room_depth
}

fn wall(id: Option<String>, points: Vec<[f64; 2]>, material: &str, thickness: f64) -> Wall {
    Wall { id, points, material: material.to_owned(), thickness, height: None }
}

fn storey(spec: &SchoolSpec, level: usize) -> Floor {
    let (length, depth) = (spec.length(), spec.depth());
    let prefix = floor_id(level);
    let mut walls = Vec::new();
    let mut openings = Vec::new();
    let mut rooms = Vec::new();

    let shell = format!("{prefix}-shell");
    walls.push(wall(
        Some(shell.clone()),
        vec![[0.0, 0.0], [length, 0.0], [length, depth], [0.0, depth], [0.0, 0.0]],
        "stone_masonry",
        spec.shell_thickness,
    ));
    for wing in 0..spec.wings {
        let south = corridor_south(spec, wing);
        let north = south + spec.corridor_width;
        for (side, y) in [("s", south), ("n", north)] {
            walls.push(wall(
                Some(format!("{prefix}-corridor{wing}{side}")),
                vec![[0.0, y], [length, y]],
                "brick",
                spec.corridor_wall_thickness,
            ));
        }
        // The corridor ends in a window in each gable.
        for x in [0.0, length] {
            openings.push(Opening {
                wall: shell.clone(),
                at: [[x, south + 0.7], [x, north - 0.7]],
                kind: OpeningKind::Window,
                material: None,
                thickness: None,
                bottom: Some(1.0),
                top: Some(2.6),
            });
        }
        rooms.push(Room {
            name: format!("{prefix} corridor {}", wing + 1),
            polygon: rectangle(0.0, south, length, north, 0.0),
            threshold_dbm: None,
            target_coverage: None,
            min_sinr_db: None,
            clients: None,
            exclude: false,
        });
        if wing > 0 {
            let y = wing as f64 * spec.wing_depth();
            walls.push(wall(Some(format!("{prefix}-spine{wing}")), vec![[0.0, y], [length, y]], "brick", 0.3));
        }
    }
    for row in 0..2 * spec.wings {
        let (south, north) = (row_south(spec, row), row_south(spec, row) + spec.room_depth);
        let wing = row / 2;
        let corridor_wall = format!("{prefix}-corridor{wing}{}", if row % 2 == 0 { "s" } else { "n" });
        let door_y = if row % 2 == 0 { north } else { south };
        let on_facade = (row == 0).then_some(0.0).or((row == 2 * spec.wings - 1).then_some(depth));
        for column in 0..spec.rooms_per_row {
            let (west, east) = (column as f64 * spec.room_width, (column + 1) as f64 * spec.room_width);
            if column > 0 {
                walls.push(wall(None, vec![[west, south], [west, north]], "brick", spec.partition_thickness));
            }
            let door = west + DOOR_OFFSET + spec.partition_thickness / 2.0;
            openings.push(Opening {
                wall: corridor_wall.clone(),
                at: [[door, door_y], [door + DOOR_WIDTH, door_y]],
                kind: OpeningKind::Door,
                material: None,
                thickness: None,
                bottom: None,
                top: None,
            });
            if let Some(y) = on_facade {
                for centre in [0.3, 0.7] {
                    let x = west + centre * spec.room_width;
                    openings.push(Opening {
                        wall: shell.clone(),
                        at: [[x - WINDOW_WIDTH / 2.0, y], [x + WINDOW_WIDTH / 2.0, y]],
                        kind: OpeningKind::Window,
                        material: None,
                        thickness: None,
                        bottom: Some(1.0),
                        top: Some(2.8),
                    });
                }
            }
            rooms.push(Room {
                name: classroom_name(level, row, column),
                polygon: rectangle(west, south, east, north, 0.0),
                threshold_dbm: None,
                target_coverage: None,
                min_sinr_db: None,
                clients: Some(CLIENTS_PER_CLASSROOM),
                exclude: false,
            });
        }
    }
    // Rooms are drawn to the wall centrelines: pull them in to the faces.
    for room in &mut rooms {
        inset(&mut room.polygon, 0.5 * spec.shell_thickness.max(spec.corridor_wall_thickness));
    }
    Floor {
        id: prefix,
        name: None,
        elevation: level as f64 * (spec.storey_height + 0.3),
        height: spec.storey_height,
        slab: Some(SlabSpec::Slab(SlabLayer { material: "concrete".into(), thickness: 0.3 })),
        ceiling: Some(CeilingSpec::Keyword("flat".into())),
        roof: None,
        walls,
        openings,
        rooms,
        candidates: Vec::new(),
    }
}

/// `S` + storey + row letter + column: `S0A01`.
fn classroom_name(level: usize, row: usize, column: usize) -> String {
    let letter = char::from(b'A' + (row % 26) as u8);
    format!("S{level}{letter}{:02}", column + 1)
}

fn rectangle(x0: f64, y0: f64, x1: f64, y1: f64, inset: f64) -> Vec<[f64; 2]> {
    vec![[x0 + inset, y0 + inset], [x1 - inset, y0 + inset], [x1 - inset, y1 - inset], [x0 + inset, y1 - inset]]
}

/// Moves an axis-aligned rectangle's sides in by `by` metres.
fn inset(polygon: &mut [[f64; 2]], by: f64) {
    let (x0, y0, x1, y1) = (polygon[0][0], polygon[0][1], polygon[2][0], polygon[2][1]);
    polygon.copy_from_slice(&rectangle(x0, y0, x1, y1, by));
}

fn access_points(spec: &SchoolSpec) -> Vec<ApSpec> {
    let every = spec.ap_every.max(1);
    let mut aps = Vec::new();
    for level in 0..spec.storeys {
        for row in 0..2 * spec.wings {
            for column in 0..spec.rooms_per_row {
                if (column + row + level) % every != 0 {
                    continue;
                }
                let x = (column as f64 + 0.5) * spec.room_width;
                let y = row_south(spec, row) + 0.5 * spec.room_depth;
                let channel = CHANNELS[aps.len() % CHANNELS.len()];
                aps.push(ApSpec {
                    id: format!("AP-{}", classroom_name(level, row, column)),
                    floor: Some(floor_id(level)),
                    position: [x, y],
                    height: None,
                    band: None,
                    channel: Some(channel),
                    tx_power_dbm: None,
                    antenna_gain_dbi: None,
                    channel_width: None,
                    antenna: None,
                    azimuth: None,
                    downtilt: None,
                    fixed: Some(false),
                });
            }
        }
    }
    aps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::floorplan::{parse_str, validate, PlanFormat};

    #[test]
    fn the_default_school_is_the_issue_block_and_validates() {
        let spec = SchoolSpec::default();
        let plan = school(&spec);
        assert_eq!((spec.length(), spec.depth()), (96.0, 48.0));
        assert_eq!(spec.classrooms(), 144);
        assert_eq!(plan.floors.iter().map(|f| f.walls.len()).sum::<usize>(), 150);
        assert_eq!(plan.aps.len(), 72);
        let text = crate::floorplan::to_toml(&plan).expect("serialises");
        let source = parse_str("school.toml", &text, PlanFormat::Toml).expect("parses");
        validate::validate(&source).expect("validates");
    }
}
