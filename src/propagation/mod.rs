//! Propagation models: how much power from an AP reaches a point.
//!
//! Catalogue (each a value implementing [`PropagationModel`]):
//! * [`FreeSpace`]: Friis free-space loss only (reference and tests).
//! * [`MultiWall`]: Friis plus the ITU-R P.2040 slab transmission loss of
//!   every wall, door, window and floor slab the direct path crosses, each
//!   at its own angle of incidence (the COST 231 multi-wall idea with
//!   physical, thickness- and angle-dependent wall losses instead of a
//!   constant per wall type).
//!
//! [`engine`] evaluates a model over every cell of every storey in
//! parallel and derives best server, RSSI and SINR maps.

pub mod crossing;
pub mod engine;
pub mod grid;
pub mod mask;
pub mod multiwall;
pub mod raytrace;

pub use multiwall::{MultiWall, PathBreakdown};
pub use raytrace::RayTrace;

use crate::geometry::Point3;
use crate::scene::{AccessPoint, Scene};
use crate::units::{Db, Dbm, Frequency, Real, SPEED_OF_LIGHT};

// The serving-AP maps keep one 16-bit value for "no server" beyond every AP
// index a valid plan can have.
const _: () = assert!(crate::floorplan::ranges::MAX_APS < engine::NO_SERVER as usize);

/// Distances below this are clamped, so that a receiver at the antenna gets
/// a finite value (SPEC.md: FSPL with d ≥ 0.1 m).
pub const MIN_DISTANCE: Real = 0.1;

/// Free-space path loss, Friis: `20·log10(4π·d·f/c)` with `d ≥ 0.1 m`.
#[inline]
pub fn free_space_loss(distance: Real, frequency: Frequency) -> Db {
    let d = distance.max(MIN_DISTANCE);
    Db(20.0 * (4.0 * std::f64::consts::PI * d * frequency.hz() / SPEED_OF_LIGHT).log10())
}

/// A propagation model: received power at a point from one AP.
///
/// Models that do work per AP before any receiver (the ray tracer builds
/// its image tree) do it in [`PropagationModel::field`]; the engine calls it
/// once per AP and storey and then queries every cell in parallel.
pub trait PropagationModel: Sync {
    /// Short name used in reports (`multiwall`, `raytrace`, …).
    fn name(&self) -> &'static str;

    /// The field of `ap` over the storey with index `receiver_floor`.
    fn field<'a>(&'a self, scene: &'a Scene, ap: &'a AccessPoint, receiver_floor: usize) -> Box<dyn ApField + 'a>;

    /// [`PropagationModel::field`], taking what every AP's field on the
    /// storey would build alike from `share` (and leaving it there for the
    /// others): the engine keeps one [`StoreyShare`] per storey.
    fn field_sharing<'a>(
        &'a self,
        scene: &'a Scene,
        ap: &'a AccessPoint,
        receiver_floor: usize,
        share: &'a StoreyShare,
    ) -> Box<dyn ApField + 'a> {
        let _ = share;
        self.field(scene, ap, receiver_floor)
    }

    /// Received power at `receiver` (absolute position, m, on storey
    /// `receiver_floor`) from `ap`; a convenience for single points.
    fn received_power(&self, scene: &Scene, ap: &AccessPoint, receiver_floor: usize, receiver: Point3) -> Dbm {
        self.field(scene, ap, receiver_floor).received_power(receiver)
    }

    /// Whether the model can leave out paths under a relevance floor (see
    /// [`RELEVANCE_DB`]), so that the engine should compute one.
    fn uses_relevance_floor(&self) -> bool {
        false
    }
}

/// What the fields of one storey's APs have in common, built by the first
/// AP that needs each part and read by the others (see
/// [`PropagationModel::field_sharing`]); dropped with the storey.
#[derive(Default)]
pub struct StoreyShare {
    /// The ray tracer's diffracting edges as sources.
    pub(crate) edge_trees: raytrace::diffraction::EdgeTrees,
}

/// A path of an AP that is not a likely server at a receiver (see
/// [`LIKELY_SERVER_DB`]), this far under the strongest AP's direct path,
/// may be left out unless its AP interferes with a likely server (see
/// [`INTERFERENCE_MARGIN_DB`]). Such an AP serves there only if its total
/// reaches that direct path, so each path left out is under 1e-4 of the
/// RSSI (0.0004 dB); measured on the one-storey generated school against
/// 60 dB, RSSI moves by 0.005 dB median and two cells of 36,668 change
/// server, between APs within 0.01 dB of each other. This bounds an AP's
/// work to where it matters instead of the whole building.
pub const RELEVANCE_DB: Real = 40.0;

/// The likely servers' own paths are kept down to this far under the
/// strongest direct path: a path that weak changes the RSSI by under
/// 1e-6 of it, so the best-server RSSI is as exact as without any floor
/// (and the ray tracer's relative cutoff already stops near there).
pub const SERVER_RELEVANCE_DB: Real = 60.0;

/// APs whose direct path at a receiver is within this of the strongest
/// are the likely servers there. Measured on the generated school (36 APs
/// on four channels, every cell against a run without any floor): 10, 20
/// and 30 dB give the same result, RSSI within 0.0001 dB everywhere and
/// SINR within 0.08 dB (in 105 of 110,000 cells, all above 35 dB SINR;
/// within 0.01 dB elsewhere); 10 dB leaves out the most work.
pub const LIKELY_SERVER_DB: Real = 10.0;

/// Paths of an AP that interferes with a likely server are kept down to
/// this far under that server's noise plus the interference it is known to
/// get (see [`engine::Relevance`]): each changes the SINR by under
/// 0.005 dB. The ray tracer's absolute cutoff keeps the same margin under
/// the noise alone ([`raytrace::CUTOFF_MARGIN_DB`]).
pub const INTERFERENCE_MARGIN_DB: Real = 30.0;

/// One AP's field, ready to be evaluated at many receivers.
pub trait ApField: Send + Sync {
    /// Drops what is large and quick to build again, keeping what is
    /// costly to build (the ray tracer's image tree), so that the fields
    /// of a storey's APs can wait for a second pass together (see
    /// [`engine::storey_maps`]); returns about how many bytes it still
    /// holds. [`ApField::take_up`] must come before the field is evaluated
    /// again.
    fn set_aside(&mut self) -> usize {
        0
    }

    /// Builds again what [`ApField::set_aside`] dropped: the field then
    /// gives what it gave before.
    fn take_up(&mut self) {}

    /// Received power at `receiver`, absolute position, m.
    fn received_power(&self, receiver: Point3) -> Dbm;

    /// Received power at `receiver`, where paths weaker than `floor`
    /// (dBm; see [`RELEVANCE_DB`]) may be left out.
    fn received_power_above(&self, receiver: Point3, floor: Real) -> Dbm {
        let _ = floor;
        self.received_power(receiver)
    }

    /// Received power, dBm, at `(xs[i], y, z)` into `out[i]` for every `i`
    /// where `skip[i]` is false (the others are left as they are), where
    /// paths weaker than `floors[i]` (dBm) may be left out. Models that
    /// share work along a row override it; a single point must give the
    /// same value as [`ApField::received_power_above`].
    fn received_power_row(&self, y: Real, xs: &[Real], z: Real, skip: &[bool], floors: &[f32], out: &mut [f32]) {
        for (i, (&x, &skipped)) in xs.iter().zip(skip).enumerate() {
            if !skipped {
                out[i] = self.received_power_above(Point3::new(x, y, z), floors[i] as Real).value() as f32;
            }
        }
    }

    /// [`ApField::received_power_row`] for the rows `ys` (`skip`, `floors`
    /// and `out` hold them row after row). Models whose per-AP data is
    /// large override it to walk that data once for several rows.
    fn received_power_rows(&self, ys: &[Real], xs: &[Real], z: Real, skip: &[bool], floors: &[f32], out: &mut [f32]) {
        let width = xs.len();
        for (row, &y) in ys.iter().enumerate() {
            let cells = row * width..(row + 1) * width;
            self.received_power_row(y, xs, z, &skip[cells.clone()], &floors[cells.clone()], &mut out[cells]);
        }
    }
}

/// Friis free-space propagation, ignoring every wall.
#[derive(Clone, Copy, Debug, Default)]
pub struct FreeSpace;

struct FreeSpaceField<'a>(&'a AccessPoint);

impl ApField for FreeSpaceField<'_> {
    fn received_power(&self, receiver: Point3) -> Dbm {
        let direction = receiver - self.0.position;
        Dbm(self.0.gain_dbi(&direction) + self.0.tx_power_dbm) - free_space_loss(direction.norm(), self.0.frequency)
    }
}

impl PropagationModel for FreeSpace {
    fn name(&self) -> &'static str {
        "freespace"
    }

    fn field<'a>(&'a self, _scene: &'a Scene, ap: &'a AccessPoint, _floor: usize) -> Box<dyn ApField + 'a> {
        Box::new(FreeSpaceField(ap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn friis_matches_hand_calculation() {
        // 20·log10(4π · 10 m · 5.18 GHz / c) = 66.73 dB.
        assert_relative_eq!(free_space_loss(10.0, Frequency::from_ghz(5.18)).value(), 66.734, epsilon = 1e-3);
        // 1 m at 2.437 GHz: 40.185 dB.
        assert_relative_eq!(free_space_loss(1.0, Frequency::from_ghz(2.437)).value(), 40.185, epsilon = 1e-3);
        // Doubling the distance adds 6.02 dB.
        let f = Frequency::from_ghz(6.135);
        assert_relative_eq!(
            free_space_loss(40.0, f).value() - free_space_loss(20.0, f).value(),
            20.0 * 2f64.log10(),
            epsilon = 1e-12
        );
        // Clamped at 0.1 m.
        assert_eq!(free_space_loss(0.0, f), free_space_loss(0.1, f));
    }
}
