//! What each cell of a storey's grid is: inside a wall, in which room,
//! required for coverage, reachable from outside the building. One
//! classification and one flood fill serve the engine (which evaluates open
//! cells and counts required ones) and the renderers (which paint walls
//! and fade what lies outside the building), so the two never disagree
//! about a cell.

use rayon::prelude::*;

use super::grid::GridSpec;
use crate::error::Result;
use crate::geometry::point_in_polygon;
use crate::scene::SceneFloor;
use crate::units::Real;

/// Marks a cell that is in no room.
pub const NO_ROOM: u16 = u16::MAX;

/// What the cells of a storey are.
#[derive(Clone, Debug)]
pub struct CellMask {
    /// The grid.
    pub grid: GridSpec,
    /// Cell centre inside the body of a wall (not evaluated).
    pub in_wall: Vec<bool>,
    /// Index of the room containing the cell centre, or [`NO_ROOM`].
    pub room: Vec<u16>,
    /// Cell counts toward the storey's coverage: in a non-excluded room, or,
    /// where the storey has no rooms, inside the building's outer walls.
    pub required: Vec<bool>,
}

impl CellMask {
    /// Classifies every cell of a storey.
    pub fn build(floor: &SceneFloor, resolution: Real) -> Result<CellMask> {
        let grid = GridSpec::covering(floor.bounds, resolution)?;
        let (in_wall, room) = classify(floor, &grid);
        let required = if floor.rooms.is_empty() {
            // The inside of the building's outer walls: what the border
            // cannot reach without crossing a wall.
            let reachable = reachable_from_border(&grid, &in_wall);
            let enclosed: Vec<bool> = reachable.iter().zip(&in_wall).map(|(&r, &w)| !r && !w).collect();
            if enclosed.iter().any(|&e| e) {
                enclosed
            } else {
                // No enclosure (a lone wall, an open scene): every free cell.
                in_wall.iter().map(|&w| !w).collect()
            }
        } else {
            room.iter().zip(&in_wall).map(|(&r, &w)| !w && r != NO_ROOM && !floor.rooms[r as usize].exclude).collect()
        };
        Ok(CellMask { grid, in_wall, room, required })
    }
}

/// Per cell of `grid`: whether its centre is inside a wall of `floor`, and
/// the index of the room containing it ([`NO_ROOM`] for none; the first
/// listed room wins where rooms overlap).
pub fn classify(floor: &SceneFloor, grid: &GridSpec) -> (Vec<bool>, Vec<u16>) {
    let mut in_wall = vec![false; grid.len()];
    let mut room = vec![NO_ROOM; grid.len()];
    let width = grid.width.max(1);
    in_wall.par_chunks_mut(width).zip(room.par_chunks_mut(width)).enumerate().for_each(|(row, (walls, rooms))| {
        for (column, (wall, room)) in walls.iter_mut().zip(rooms.iter_mut()).enumerate() {
            let p = grid.cell_centre(column, row);
            *wall = floor.inside_wall(p);
            if let Some(index) =
                floor.rooms.iter().position(|r| r.bounds.contains(p) && point_in_polygon(p, &r.polygon))
            {
                // Validation keeps room indices below NO_ROOM; clamp anyway
                // so that no index can alias "no room".
                *room = index.min(NO_ROOM as usize - 1) as u16;
            }
        }
    });
    (in_wall, room)
}

/// Cells reachable from the grid's border through cells that are not walls
/// (4-neighbours): the outside of the building, where walls enclose it.
pub fn reachable_from_border(grid: &GridSpec, in_wall: &[bool]) -> Vec<bool> {
    let (w, h) = (grid.width, grid.height);
    let n = w * h;
    let mut seen = vec![false; n];
    if n == 0 || in_wall.len() < n {
        return seen;
    }
    let mut stack: Vec<usize> = Vec::new();
    let visit = |i: usize, seen: &mut Vec<bool>, stack: &mut Vec<usize>| {
        if !seen[i] && !in_wall[i] {
            seen[i] = true;
            stack.push(i);
        }
    };
    for column in 0..w {
        visit(column, &mut seen, &mut stack);
        visit((h - 1) * w + column, &mut seen, &mut stack);
    }
    for row in 0..h {
        visit(row * w, &mut seen, &mut stack);
        visit(row * w + w - 1, &mut seen, &mut stack);
    }
    while let Some(i) = stack.pop() {
        let (column, row) = (i % w, i / w);
        if column > 0 {
            visit(i - 1, &mut seen, &mut stack);
        }
        if column + 1 < w {
            visit(i + 1, &mut seen, &mut stack);
        }
        if row > 0 {
            visit(i - w, &mut seen, &mut stack);
        }
        if row + 1 < h {
            visit(i + w, &mut seen, &mut stack);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Point2;

    #[test]
    fn the_border_reaches_around_a_ring_but_not_into_it() {
        // 5 × 5 grid, a wall ring around the centre cell.
        let grid = GridSpec { origin: Point2::new(0.0, 0.0), resolution: 1.0, width: 5, height: 5 };
        let mut in_wall = vec![false; 25];
        for (i, wall) in in_wall.iter_mut().enumerate() {
            let (column, row) = (i % 5, i / 5);
            *wall = (1..4).contains(&column) && (1..4).contains(&row) && i != 12;
        }
        let reachable = reachable_from_border(&grid, &in_wall);
        assert!(!reachable[12], "the centre is enclosed");
        assert!(reachable[0] && reachable[24] && reachable[2]);
        assert!(!reachable[6], "walls are never reached");
        // Degenerate grids reach nothing and do not panic.
        let empty = GridSpec { width: 0, height: 0, ..grid };
        assert!(reachable_from_border(&empty, &[]).is_empty());
        assert_eq!(reachable_from_border(&grid, &[]), vec![false; 25]);
    }
}
