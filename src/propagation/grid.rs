//! The simulation grid of a storey and the per-cell maps on it.
//!
//! Layout follows `image`'s buffers: one flat row-major `Vec`, row 0 at the
//! south edge (smallest y), so `index = row · width + column`. Renderers
//! flip rows to draw north up.

use crate::error::{Error, Result};
use crate::floorplan::ranges::MAX_CELLS;
use crate::geometry::{Aabb2, Point2};
use crate::units::Real;

/// A regular grid over a storey.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridSpec {
    /// Lower-left (south-west) corner of cell (0, 0).
    pub origin: Point2,
    /// Cell size, m.
    pub resolution: Real,
    /// Columns (x).
    pub width: usize,
    /// Rows (y).
    pub height: usize,
}

impl GridSpec {
    /// The grid covering `bounds` with cells of `resolution` metres.
    pub fn covering(bounds: Aabb2, resolution: Real) -> Result<GridSpec> {
        if !(resolution.is_finite() && resolution > 0.0) {
            return Err(Error::usage(format!("resolution must be a positive number of metres, not {resolution}")));
        }
        let extent = bounds.extent();
        let width = (extent.x / resolution).ceil().max(1.0);
        let height = (extent.y / resolution).ceil().max(1.0);
        if width * height > MAX_CELLS as Real || !width.is_finite() || !height.is_finite() {
            return Err(Error::usage(format!(
                "a {:.0} × {:.0} m storey at {resolution} m resolution needs {:.0} cells (limit {MAX_CELLS})\n  hint: use a coarser --resolution, e.g. {:.2}",
                extent.x,
                extent.y,
                width * height,
                (extent.x * extent.y / MAX_CELLS as Real).sqrt() * 1.01,
            )));
        }
        Ok(GridSpec { origin: bounds.min, resolution, width: width as usize, height: height as usize })
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.width * self.height
    }

    /// Whether the grid has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Centre of a cell.
    #[inline]
    pub fn cell_centre(&self, column: usize, row: usize) -> Point2 {
        Point2::new(
            self.origin.x + (column as Real + 0.5) * self.resolution,
            self.origin.y + (row as Real + 0.5) * self.resolution,
        )
    }

    /// The cell containing `p`, if inside the grid.
    pub fn cell_of(&self, p: Point2) -> Option<(usize, usize)> {
        let column = ((p.x - self.origin.x) / self.resolution).floor();
        let row = ((p.y - self.origin.y) / self.resolution).floor();
        (column >= 0.0 && row >= 0.0 && (column as usize) < self.width && (row as usize) < self.height)
            .then_some((column as usize, row as usize))
    }

    /// Area of one cell, m².
    pub fn cell_area(&self) -> Real {
        self.resolution * self.resolution
    }

    /// The world extent of the grid.
    pub fn bounds(&self) -> Aabb2 {
        Aabb2 {
            min: self.origin,
            max: Point2::new(
                self.origin.x + self.width as Real * self.resolution,
                self.origin.y + self.height as Real * self.resolution,
            ),
        }
    }
}

/// A scalar value per cell (dBm or dB), `NaN` where undefined (inside walls).
#[derive(Clone, Debug, PartialEq)]
pub struct CoverageMap {
    /// The grid.
    pub grid: GridSpec,
    /// Row-major values.
    pub values: Vec<f32>,
}

impl CoverageMap {
    /// A map filled with `value`.
    pub fn filled(grid: GridSpec, value: f32) -> Self {
        CoverageMap { grid, values: vec![value; grid.len()] }
    }

    /// The value of a cell.
    pub fn get(&self, column: usize, row: usize) -> f32 {
        self.values[row * self.grid.width + column]
    }

    /// Rows, south to north.
    pub fn rows(&self) -> std::slice::ChunksExact<'_, f32> {
        self.values.chunks_exact(self.grid.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_lookup_round_trips() {
        let grid = GridSpec::covering(Aabb2::from_points(Point2::new(-1.0, -1.0), Point2::new(3.0, 1.0)), 0.5).unwrap();
        assert_eq!((grid.width, grid.height), (8, 4));
        let centre = grid.cell_centre(3, 2);
        assert_eq!(grid.cell_of(centre), Some((3, 2)));
        assert_eq!(grid.cell_of(Point2::new(5.0, 0.0)), None);
    }

    #[test]
    fn oversized_grid_is_a_usage_error_with_a_hint() {
        let huge = Aabb2::from_points(Point2::new(0.0, 0.0), Point2::new(10_000.0, 10_000.0));
        let message = GridSpec::covering(huge, 0.25).unwrap_err().to_string();
        assert!(message.contains("hint: use a coarser --resolution"), "{message}");
    }
}
