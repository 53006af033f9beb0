//! Antenna patterns: what an AP radiates in each direction.
//!
//! An AP without `antenna` is isotropic with its `antenna_gain_dbi` (the
//! behaviour before patterns existed). With `antenna = NAME` it takes a
//! pattern from the built-in [`catalogue`], and with `antenna = "PATH.msi"`
//! (or `.pln`) a Planet/MSI pattern file ([`msi`]), the format every
//! antenna vendor exports. `azimuth` and `downtilt` turn it in the building.
//!
//! # Conventions (the MSI ones)
//!
//! * A pattern is two cuts of *attenuation in dB below the maximum gain*
//!   (0 at the peak, positive elsewhere), and a peak gain `GAIN` (dBd
//!   unless marked dBi; dBi = dBd + 2.15).
//! * The horizontal cut is taken in the horizontal plane, angles clockwise
//!   seen from above, 0 = boresight (90 = to the right of the boresight).
//! * The vertical cut is taken in the vertical plane through the boresight,
//!   0 = the horizon in front, angles increasing downwards: 90 = straight
//!   down, 180 = the horizon behind, 270 = straight up.
//! * In the building, `azimuth` is the boresight's bearing in degrees
//!   clockwise from north (+y; 90 = east) and `downtilt` tilts it below the
//!   horizontal (degrees, negative tilts up). Directions are vectors with x
//!   east, y north, z up.
//!
//! # From two cuts to every direction
//!
//! A direction in the antenna's frame has an azimuth φ (clockwise from the
//! boresight, −180…180°) and a depression ε (below the antenna's horizon,
//! −90…90°). Its attenuation is the **summing method**: the horizontal
//! cut's value at φ plus the vertical cut's value at ε,
//!
//! ```text
//! A(φ, ε) = min(H(φ) + V(ε), A_max)
//! ```
//!
//! the combination of 3GPP TR 38.901 V17.0.0 §7.3, Table 7.3-1
//! (`A(θ, φ) = −min{−[A_V(θ) + A_H(φ)], A_m}`), also used by ITU-R
//! F.1336-5 §3 for sectoral antennas (horizontal and vertical relative
//! patterns added in dB). `A_max` is the deepest attenuation in either cut
//! (3GPP caps at its front-to-back ratio `A_m`), so no direction is weaker
//! than anything the file measures. Behind the antenna (|φ| > 90°) the
//! vertical term moves linearly in |φ| from the front half of the vertical
//! cut to its back half (`V(180° − ε)`), taken relative to the back half's
//! horizon value (`V(180°)`, plus `V(0°)`), so that the front-to-back ratio
//! is counted once, by the horizontal cut, and the file's own backward
//! vertical cut is reproduced at φ = 180°.
//!
//! *Why this method.* It reproduces both cuts exactly where they are
//! measured (the horizontal cut on the horizon, the vertical cut in front
//! of and behind the antenna) whenever the two cuts agree on the boresight
//! and the back direction, which is what a consistent MSI file does. It is
//! exact for a separable pattern (an azimuth factor times an elevation
//! factor: dipoles, patches, the 3GPP element), it is the method most
//! planning tools document and the one the 3GPP and ITU-R models use, and
//! it costs two table look-ups per path, which suits the per-cell loop.
//! Its known weakness is that off both cuts it follows a product form: a
//! narrow pencil beam's corners come out slightly narrower than measured.
//! Interpolations that weight the two cuts by their own levels fix that for
//! strongly non-separable patterns at several times the cost; the generic
//! patterns of this tool are separable by construction.
//!
//! # Using a pattern
//!
//! [`Antenna`] is a pattern with its orientation;
//! [`crate::scene::AccessPoint::relative_gain`] and
//! [`crate::scene::AccessPoint::gain_dbi`] give a path's antenna factor
//! from its departure direction. `AccessPoint::eirp_dbm` stays the
//! transmit power plus the *peak* gain, an upper bound in every direction.

pub mod catalogue;
pub mod msi;
mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::geometry::Vector3;
use crate::units::Real;

pub use text::antennas_table_text;

/// dBi of a half-wave dipole: `GAIN … dBd` + this = dBi (10·log10 1.641).
pub const DBD_TO_DBI: Real = 2.15;

/// Angular step of a cut's look-up table, degrees. Cuts are resampled onto
/// it by linear interpolation between the given angles, which keeps every
/// value exact for angles on a 0.05° lattice (1°, 0.5°, 0.25°, 0.1° steps).
const STEP_DEG: Real = 0.05;
/// Entries of a cut's table over 360°.
const STEPS: usize = 7200;

/// One cut: attenuation (dB below the peak) against angle, periodic.
#[derive(Clone, Debug, PartialEq)]
pub struct Cut {
    /// `STEPS + 1` values, every [`STEP_DEG`], the last equal to the first.
    table: Vec<f32>,
}

impl Cut {
    /// A cut through the given `(angle°, attenuation dB)` samples, with
    /// angles strictly increasing in `[0, 360)`; linear in between, also
    /// across 360° → 0°.
    ///
    /// # Panics
    ///
    /// If `samples` is empty (the parser and the catalogue never pass
    /// fewer than three).
    pub fn from_samples(samples: &[(Real, Real)]) -> Cut {
        assert!(!samples.is_empty(), "a cut needs samples");
        let n = samples.len();
        let mut table = Vec::with_capacity(STEPS + 1);
        // `next` is the first sample at or after the current angle.
        let mut next = 0;
        for i in 0..STEPS {
            let angle = i as Real * STEP_DEG;
            while next < n && samples[next].0 < angle - 1e-9 {
                next += 1;
            }
            let (before, after) = if next < n && (samples[next].0 - angle).abs() <= 1e-9 {
                (samples[next], samples[next])
            } else if next == 0 {
                let last = samples[n - 1];
                ((last.0 - 360.0, last.1), samples[0])
            } else if next == n {
                let first = samples[0];
                (samples[n - 1], (first.0 + 360.0, first.1))
            } else {
                (samples[next - 1], samples[next])
            };
            let value = if after.0 > before.0 {
                before.1 + (after.1 - before.1) * (angle - before.0) / (after.0 - before.0)
            } else {
                before.1
            };
            table.push(value as f32);
        }
        table.push(table[0]);
        Cut { table }
    }

    /// A cut from a function of the angle (degrees), sampled every degree
    /// as an MSI file would be.
    pub fn from_fn(f: impl Fn(Real) -> Real) -> Cut {
        let samples: Vec<(Real, Real)> = (0..360).map(|a| (a as Real, f(a as Real))).collect();
        Cut::from_samples(&samples)
    }

    /// The attenuation at `angle` degrees (any value; taken modulo 360).
    #[inline]
    pub fn at(&self, angle: Real) -> Real {
        let x = angle.rem_euclid(360.0) / STEP_DEG;
        if !x.is_finite() {
            return self.table[0] as Real;
        }
        let i = (x as usize).min(STEPS - 1);
        let t = x - i as Real;
        let (a, b) = (self.table[i] as Real, self.table[i + 1] as Real);
        a + (b - a) * t
    }

    /// The smallest and largest attenuation in the cut.
    pub fn range(&self) -> (Real, Real) {
        self.table
            .iter()
            .fold((Real::INFINITY, Real::NEG_INFINITY), |(lo, hi), &v| (lo.min(v as Real), hi.max(v as Real)))
    }

    /// The angle of the smallest attenuation (the cut's peak), degrees; the
    /// first one counting from 0 when several are equal.
    pub fn peak_angle(&self) -> Real {
        let (index, _) =
            self.table[..STEPS]
                .iter()
                .enumerate()
                .fold((0, f32::INFINITY), |best, (i, &v)| if v < best.1 { (i, v) } else { best });
        index as Real * STEP_DEG
    }

    /// The −3 dB beamwidth around the peak, degrees, or `None` when the
    /// whole cut stays within 3 dB of its peak (omnidirectional).
    pub fn half_power_width(&self) -> Option<Real> {
        let peak = self.peak_angle();
        let limit = self.at(peak) + 3.0;
        let fine = 0.1;
        let walk = |sign: Real| -> Option<Real> {
            let mut offset = 0.0;
            while offset < 180.0 {
                offset += fine;
                if self.at(peak + sign * offset) > limit {
                    return Some(offset);
                }
            }
            None
        };
        match (walk(1.0), walk(-1.0)) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        }
    }
}

/// Where a pattern comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum PatternSource {
    /// The built-in catalogue (its name).
    Builtin,
    /// A pattern file, as resolved against the plan's folder.
    File(PathBuf),
}

/// A radiation pattern: peak gain and two cuts (see the module doc for
/// their conventions and how they make a 3D pattern).
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// Name (`NAME` of the file, or the catalogue name).
    pub name: String,
    /// Manufacturer (`MAKE`), if given.
    pub make: Option<String>,
    /// What it is (catalogue description, or `COMMENT` of a file).
    pub description: String,
    /// Frequency the pattern was measured at, MHz (`FREQUENCY`), if given.
    pub frequency_mhz: Option<Real>,
    /// Peak gain, dBi.
    pub gain_dbi: Real,
    /// Where it came from.
    pub source: PatternSource,
    /// Horizontal cut.
    pub horizontal: Cut,
    /// Vertical cut.
    pub vertical: Cut,
    /// Deepest attenuation in either cut, dB (the cap of the sum).
    max_attenuation: Real,
    /// `V(0°)` and `V(180°)`: the vertical cut on the horizon, in front
    /// and behind.
    horizon: (Real, Real),
    /// Both cuts are flat at 0 dB.
    isotropic: bool,
}

impl Pattern {
    /// A pattern from its parts.
    pub fn new(name: impl Into<String>, gain_dbi: Real, horizontal: Cut, vertical: Cut) -> Pattern {
        let (h_low, h_high) = horizontal.range();
        let (v_low, v_high) = vertical.range();
        let isotropic = h_low == 0.0 && h_high == 0.0 && v_low == 0.0 && v_high == 0.0;
        let horizon = (vertical.at(0.0), vertical.at(180.0));
        Pattern {
            name: name.into(),
            make: None,
            description: String::new(),
            frequency_mhz: None,
            gain_dbi,
            source: PatternSource::Builtin,
            horizontal,
            vertical,
            max_attenuation: h_high.max(v_high).max(0.0),
            horizon,
            isotropic,
        }
    }

    /// The same gain in every direction.
    pub fn isotropic(gain_dbi: Real) -> Pattern {
        let flat = Cut::from_fn(|_| 0.0);
        let mut pattern = Pattern::new(catalogue::ISOTROPIC, gain_dbi, flat.clone(), flat);
        pattern.description = "the same gain in every direction".into();
        pattern
    }

    /// Whether the pattern is flat (every direction at the peak gain).
    pub fn is_isotropic(&self) -> bool {
        self.isotropic
    }

    /// Attenuation below the peak, dB (≥ 0), towards azimuth `phi` (degrees
    /// clockwise from the boresight) and depression `eps` (degrees below
    /// the antenna's horizon), in the antenna's own frame.
    #[inline]
    pub fn attenuation_db(&self, phi: Real, eps: Real) -> Real {
        if self.isotropic {
            return 0.0;
        }
        let front = self.vertical.at(eps);
        let mut vertical = front;
        let behind = ((phi.abs() - 90.0) / 90.0).clamp(0.0, 1.0);
        if behind > 0.0 {
            let back = self.vertical.at(180.0 - eps);
            vertical += behind * ((back - self.horizon.1) - (front - self.horizon.0));
        }
        (self.horizontal.at(phi) + vertical).clamp(0.0, self.max_attenuation)
    }

    /// Front-to-back ratio of the horizontal cut, dB: `H(180°) − H(0°)`.
    pub fn front_to_back_db(&self) -> Real {
        self.horizontal.at(180.0) - self.horizontal.at(0.0)
    }

    /// The pattern as Planet/MSI text (gain in dBi, both cuts every
    /// degree): what `wifiplan antennas --export` writes.
    pub fn to_msi(&self) -> String {
        let mut text = format!("NAME {}\n", self.name);
        if let Some(make) = &self.make {
            text.push_str(&format!("MAKE {make}\n"));
        }
        if let Some(f) = self.frequency_mhz {
            text.push_str(&format!("FREQUENCY {f}\n"));
        }
        let width = |cut: &Cut| cut.half_power_width().map_or_else(|| "360".to_owned(), |w| format!("{w:.1}"));
        text.push_str(&format!("H_WIDTH {}\n", width(&self.horizontal)));
        text.push_str(&format!("V_WIDTH {}\n", width(&self.vertical)));
        text.push_str(&format!("FRONT_TO_BACK {:.2}\n", self.front_to_back_db()));
        text.push_str(&format!("GAIN {:.2} dBi\n", self.gain_dbi));
        text.push_str("TILT MECHANICAL\n");
        if !self.description.is_empty() {
            text.push_str(&format!("COMMENT {}\n", self.description));
        }
        for (keyword, cut) in [("HORIZONTAL", &self.horizontal), ("VERTICAL", &self.vertical)] {
            text.push_str(&format!("{keyword} 360\n"));
            for angle in 0..360 {
                text.push_str(&format!("{angle} {:.2}\n", cut.at(angle as Real)));
            }
        }
        text
    }

    /// Directivity of the 3D pattern this tool reconstructs, dBi:
    /// `4π / ∮ 10^(−A/10) dΩ`, by the midpoint rule on a `step`-degree
    /// grid. For a lossless antenna it is the peak gain the cuts imply
    /// (the catalogue's gains come from it).
    pub fn directivity_dbi(&self, step: Real) -> Real {
        let mut integral = 0.0;
        let rows = (180.0 / step).round() as usize;
        let columns = (360.0 / step).round() as usize;
        let (d_eps, d_phi) = (180.0 / rows as Real, 360.0 / columns as Real);
        for row in 0..rows {
            let eps = -90.0 + (row as Real + 0.5) * d_eps;
            let weight = eps.to_radians().cos() * d_eps.to_radians() * d_phi.to_radians();
            for column in 0..columns {
                let phi = -180.0 + (column as Real + 0.5) * d_phi;
                integral += weight * 10f64.powf(-self.attenuation_db(phi, eps) / 10.0);
            }
        }
        10.0 * (4.0 * std::f64::consts::PI / integral).log10()
    }
}

/// A pattern mounted in the building: its orientation and the frame that
/// turns world directions into the pattern's angles.
#[derive(Clone, Debug, PartialEq)]
pub struct Antenna {
    /// The pattern (shared by every AP that uses it).
    pub pattern: Arc<Pattern>,
    /// Bearing of the boresight, degrees clockwise from north (+y).
    pub azimuth_deg: Real,
    /// Tilt of the boresight below the horizontal, degrees.
    pub downtilt_deg: Real,
    /// What the plan wrote in `antenna` (a catalogue name or a path as
    /// given), or `None` for the default isotropic antenna.
    pub spec: Option<String>,
    /// Boresight, right-hand side and antenna "up", unit vectors in the
    /// world frame.
    frame: [Vector3; 3],
}

impl Antenna {
    /// The default antenna: isotropic, gain `gain_dbi`.
    pub fn isotropic(gain_dbi: Real) -> Antenna {
        Antenna::new(Arc::new(Pattern::isotropic(gain_dbi)), 0.0, 0.0, None)
    }

    /// A pattern turned to `azimuth_deg` (clockwise from north) and tilted
    /// `downtilt_deg` below the horizontal.
    pub fn new(pattern: Arc<Pattern>, azimuth_deg: Real, downtilt_deg: Real, spec: Option<String>) -> Antenna {
        let (sin_a, cos_a) = azimuth_deg.to_radians().sin_cos();
        let (sin_t, cos_t) = downtilt_deg.to_radians().sin_cos();
        let level = Vector3::new(sin_a, cos_a, 0.0);
        let boresight = level * cos_t - Vector3::z() * sin_t;
        let right = Vector3::new(cos_a, -sin_a, 0.0);
        let up = level * sin_t + Vector3::z() * cos_t;
        Antenna { pattern, azimuth_deg, downtilt_deg, spec, frame: [boresight, right, up] }
    }

    /// Whether the pattern is flat (no direction loses anything).
    #[inline]
    pub fn is_isotropic(&self) -> bool {
        self.pattern.isotropic
    }

    /// Whether the pattern has a boresight worth drawing: a horizontal cut
    /// that varies by more than 1 dB.
    pub fn is_directional(&self) -> bool {
        let (low, high) = self.pattern.horizontal.range();
        high - low > 1.0
    }

    /// The boresight, a unit vector (x east, y north, z up).
    pub fn boresight(&self) -> Vector3 {
        self.frame[0]
    }

    /// Azimuth (degrees clockwise from the boresight, −180…180) and
    /// depression (degrees below the antenna's horizon, −90…90) of a world
    /// direction. A zero vector is the boresight.
    #[inline]
    pub fn angles(&self, direction: &Vector3) -> (Real, Real) {
        let [boresight, right, up] = &self.frame;
        let (x, y, z) = (direction.dot(boresight), direction.dot(right), direction.dot(up));
        (y.atan2(x).to_degrees(), (-z).atan2(x.hypot(y)).to_degrees())
    }

    /// Attenuation below the peak gain towards a world direction, dB (≥ 0).
    #[inline]
    pub fn attenuation_db(&self, direction: &Vector3) -> Real {
        if self.pattern.isotropic {
            return 0.0;
        }
        let (phi, eps) = self.angles(direction);
        self.pattern.attenuation_db(phi, eps)
    }

    /// Power gain relative to the peak towards a world direction, linear,
    /// in `(0, 1]`.
    #[inline]
    pub fn relative_gain(&self, direction: &Vector3) -> Real {
        if self.pattern.isotropic {
            return 1.0;
        }
        10f64.powf(-self.attenuation_db(direction) / 10.0)
    }
}

/// A problem with an AP's `antenna`: what is wrong and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AntennaProblem {
    /// What is wrong (lowercase, no trailing period).
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Whether an `antenna` value names a file rather than a catalogue entry:
/// it has a path separator or a file extension.
pub fn is_file_reference(spec: &str) -> bool {
    spec.contains('/') || spec.contains('\\') || Path::new(spec).extension().is_some()
}

/// The folder that paths in a plan are relative to: the plan file's own.
pub fn plan_folder(plan_file: &str) -> PathBuf {
    Path::new(plan_file).parent().map_or_else(PathBuf::new, Path::to_path_buf)
}

/// Finds the pattern an `antenna` value names: a catalogue entry, or a
/// Planet/MSI file relative to `folder` (the plan file's folder).
pub fn find_pattern(spec: &str, folder: &Path) -> Result<Arc<Pattern>, AntennaProblem> {
    if !is_file_reference(spec) {
        return catalogue::get(spec).ok_or_else(|| {
            let hint = match crate::suggest::closest(spec, catalogue::names()) {
                Some(name) => format!("did you mean `{name}`? (`wifiplan antennas` lists the built-in patterns)"),
                None => format!(
                    "built-in patterns: {}; or give the path of a Planet/MSI file (.msi or .pln)",
                    catalogue::names().collect::<Vec<_>>().join(", ")
                ),
            };
            AntennaProblem { message: format!("unknown antenna `{spec}`"), hint: Some(hint) }
        });
    }
    let path = folder.join(spec);
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(extension.as_deref(), Some("msi" | "pln")) {
        return Err(AntennaProblem {
            message: format!("antenna pattern `{spec}` is not a Planet/MSI file (.msi or .pln)"),
            hint: Some("export the pattern as Planet/MSI; if the file is one, name it .msi".into()),
        });
    }
    let shown = path.display().to_string();
    let bytes = std::fs::read(&path).map_err(|e| AntennaProblem {
        message: format!("failed to read antenna pattern `{shown}` ({})", io_reason(&e)),
        hint: Some("the path is relative to the plan file's folder".into()),
    })?;
    msi::parse(&String::from_utf8_lossy(&bytes))
        .map(|mut pattern| {
            pattern.source = PatternSource::File(path.clone());
            Arc::new(pattern)
        })
        .map_err(|e| AntennaProblem {
            message: format!("malformed antenna pattern `{spec}` ({shown}:{}: {})", e.line, e.message),
            hint: e.hint,
        })
}

/// Reads one Planet/MSI file named on the command line: an I/O error, or
/// a parse error located at the file's line.
pub fn load_file(path: &Path) -> crate::error::Result<Arc<Pattern>> {
    let bytes = std::fs::read(path).map_err(|source| crate::error::Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })?;
    msi::parse(&String::from_utf8_lossy(&bytes))
        .map(|mut pattern| {
            pattern.source = PatternSource::File(path.to_path_buf());
            Arc::new(pattern)
        })
        .map_err(|e| {
            crate::error::Error::Parse(crate::error::Diagnostic {
                file: path.display().to_string(),
                line: e.line,
                column: 1,
                message: e.message,
                hint: e.hint,
            })
        })
}

/// An I/O error as a lowercase reason ("no such file or directory").
fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text).to_owned();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// Loads patterns for a plan's APs, reading each file once.
#[derive(Debug, Default)]
pub struct PatternCache {
    folder: PathBuf,
    loaded: HashMap<String, Result<Arc<Pattern>, AntennaProblem>>,
}

impl PatternCache {
    /// A cache for the plan file `plan_file` (paths are relative to its
    /// folder).
    pub fn for_plan(plan_file: &str) -> PatternCache {
        PatternCache { folder: plan_folder(plan_file), loaded: HashMap::new() }
    }

    /// The pattern `spec` names (see [`find_pattern`]).
    pub fn get(&mut self, spec: &str) -> Result<Arc<Pattern>, AntennaProblem> {
        let folder = &self.folder;
        self.loaded.entry(spec.to_owned()).or_insert_with(|| find_pattern(spec, folder)).clone()
    }
}

impl Antenna {
    /// What to write in a plan's `antenna` key for this antenna, seen from
    /// the current directory: the catalogue name, or the pattern file's
    /// path as resolved against the original plan's folder. `None` for the
    /// default isotropic antenna.
    pub fn plan_value(&self) -> Option<String> {
        let spec = self.spec.as_ref()?;
        Some(match &self.pattern.source {
            PatternSource::File(path) if is_file_reference(spec) => path.display().to_string(),
            _ => spec.clone(),
        })
    }
}

/// Rewrites the `antenna` values of a plan's APs (`specs`) that name
/// pattern files, given relative to the current directory, relative to
/// `folder` (where the plan is written), so that the written plan finds its
/// patterns. A path that cannot be resolved is written absolute, or left as
/// it is; catalogue names are left alone.
pub fn rebase_pattern_paths<'a>(specs: impl IntoIterator<Item = &'a mut String>, folder: &Path) {
    let Ok(base) = std::fs::canonicalize(folder) else { return };
    for spec in specs {
        if !is_file_reference(spec) {
            continue;
        }
        let Ok(target) = std::fs::canonicalize(&*spec) else { continue };
        *spec = relative_path(&target, &base).unwrap_or(target).to_string_lossy().replace('\\', "/");
    }
}

/// The path of `target` seen from the folder `base` (both absolute and
/// canonical), with `..` where they part.
fn relative_path(target: &Path, base: &Path) -> Option<PathBuf> {
    let target: Vec<_> = target.components().collect();
    let base: Vec<_> = base.components().collect();
    if target.first() != base.first() {
        return None;
    }
    let common = target.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..base.len() {
        path.push("..");
    }
    for component in &target[common..] {
        path.push(component);
    }
    Some(path)
}

/// The antenna keys of one AP, as a plan file writes them.
#[derive(Clone, Copy, Debug)]
pub struct ApAntennaKeys<'a> {
    /// The AP's id, for messages.
    pub id: &'a str,
    /// `antenna`: a catalogue name or a pattern file.
    pub antenna: Option<&'a str>,
    /// `azimuth`, degrees.
    pub azimuth: Option<f64>,
    /// `downtilt`, degrees.
    pub downtilt: Option<f64>,
}

/// Checks the antenna keys of one AP of the plan file `plan_file`: the
/// pattern exists and reads (`antenna`), and `azimuth` and `downtilt` are
/// sensible and only given with an antenna. Returns each problem with the
/// key it is about.
pub fn check_ap(ap: ApAntennaKeys, plan_file: &str) -> Vec<(&'static str, AntennaProblem)> {
    let mut problems = Vec::new();
    if let Some(spec) = ap.antenna {
        if let Err(problem) = find_pattern(spec, &plan_folder(plan_file)) {
            problems.push(("antenna", problem));
        }
    }
    for (key, value, range) in [("azimuth", ap.azimuth, 360.0), ("downtilt", ap.downtilt, 90.0)] {
        let Some(value) = value else { continue };
        if ap.antenna.is_none() {
            problems.push((
                key,
                AntennaProblem {
                    message: format!("`{key}` aims an antenna pattern, but AP `{}` has no `antenna`", ap.id),
                    hint: Some("add antenna = \"NAME\" (`wifiplan antennas` lists them) or a .msi file".into()),
                },
            ));
        } else if !(value.is_finite() && value.abs() <= range) {
            problems.push((
                key,
                AntennaProblem {
                    message: format!("{key} {value} degrees is outside -{range} to {range}"),
                    hint: Some(match key {
                        "azimuth" => "azimuth is the boresight's bearing, clockwise from north: 90 = east".into(),
                        _ => "downtilt is the angle below the horizontal: 90 points straight down".into(),
                    }),
                },
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn asymmetric() -> Pattern {
        // Horizontal: 0 at boresight, 10 dB at +90 (right), 20 dB at -90
        // (left), 30 dB behind; vertical: 0 on the horizon, 6 dB at 30°
        // down, 30 behind.
        let horizontal = Cut::from_samples(&[(0.0, 0.0), (90.0, 10.0), (180.0, 30.0), (270.0, 20.0)]);
        let vertical = Cut::from_samples(&[(0.0, 0.0), (30.0, 6.0), (90.0, 20.0), (180.0, 30.0), (270.0, 20.0)]);
        Pattern::new("test", 8.0, horizontal, vertical)
    }

    #[test]
    fn cuts_interpolate_linearly_and_wrap() {
        let cut = Cut::from_samples(&[(10.0, 1.0), (20.0, 3.0), (350.0, 5.0)]);
        assert_relative_eq!(cut.at(15.0), 2.0, epsilon = 1e-6);
        assert_relative_eq!(cut.at(10.0), 1.0, epsilon = 1e-6);
        // Across 360: 350 → 370 (= 10) from 5 to 1.
        assert_relative_eq!(cut.at(0.0), 3.0, epsilon = 1e-6);
        assert_relative_eq!(cut.at(355.0), 4.0, epsilon = 1e-6);
        assert_relative_eq!(cut.at(-5.0), 4.0, epsilon = 1e-6);
        assert_relative_eq!(cut.at(725.0), 2.0, epsilon = 1e-6);
        assert_eq!(cut.at(Real::NAN), cut.at(0.0));
    }

    #[test]
    fn sum_of_cuts_exact_on_both_cuts() {
        let p = asymmetric();
        // On the horizon: the horizontal cut.
        for (phi, h) in [(0.0, 0.0), (90.0, 10.0), (-90.0, 20.0), (45.0, 5.0), (180.0, 30.0)] {
            assert_relative_eq!(p.attenuation_db(phi, 0.0), h, epsilon = 1e-5);
        }
        // In front: the vertical cut; behind: its back half.
        assert_relative_eq!(p.attenuation_db(0.0, 30.0), 6.0, epsilon = 1e-5);
        assert_relative_eq!(p.attenuation_db(0.0, -90.0), 20.0, epsilon = 1e-5);
        assert_relative_eq!(p.attenuation_db(180.0, 90.0), 20.0, epsilon = 1e-5);
        // Off both cuts, in front: the sum.
        assert_relative_eq!(p.attenuation_db(45.0, 30.0), 11.0, epsilon = 1e-5);
        // Capped at the deepest value of the cuts.
        assert_relative_eq!(p.attenuation_db(-90.0, 90.0), 30.0, epsilon = 1e-5);
    }

    #[test]
    fn world_directions_follow_azimuth_and_downtilt() {
        let east = Antenna::new(Arc::new(asymmetric()), 90.0, 0.0, None);
        let (phi, eps) = east.angles(&Vector3::new(1.0, 0.0, 0.0));
        assert_relative_eq!(phi, 0.0, epsilon = 1e-9);
        assert_relative_eq!(eps, 0.0, epsilon = 1e-9);
        // South is to the right of an east-facing boresight (clockwise).
        assert_relative_eq!(east.angles(&Vector3::new(0.0, -1.0, 0.0)).0, 90.0, epsilon = 1e-9);
        assert_relative_eq!(east.attenuation_db(&Vector3::new(0.0, -5.0, 0.0)), 10.0, epsilon = 1e-5);
        assert_relative_eq!(east.attenuation_db(&Vector3::new(0.0, 5.0, 0.0)), 20.0, epsilon = 1e-5);
        // 30° below the boresight.
        let below = Vector3::new(30f64.to_radians().cos(), 0.0, -30f64.to_radians().sin());
        assert_relative_eq!(east.attenuation_db(&below), 6.0, epsilon = 1e-5);
        // Tilted down 30°: that direction is now the boresight.
        let tilted = Antenna::new(Arc::new(asymmetric()), 90.0, 30.0, None);
        assert_relative_eq!(tilted.attenuation_db(&below), 0.0, epsilon = 1e-5);
        assert_relative_eq!(tilted.boresight().dot(&below), 1.0, epsilon = 1e-12);
        assert_relative_eq!(tilted.relative_gain(&(below * 3.0)), 1.0, epsilon = 1e-9);
        // Isotropic: nothing anywhere.
        assert_eq!(Antenna::isotropic(3.0).relative_gain(&Vector3::new(0.0, 0.0, -1.0)), 1.0);
    }

    #[test]
    fn relative_paths() {
        let rel = relative_path(Path::new("/a/b/p/x.msi"), Path::new("/a/b/out/plan")).unwrap();
        assert_eq!(rel, PathBuf::from("../../p/x.msi"));
        let rel = relative_path(Path::new("/a/x.msi"), Path::new("/a")).unwrap();
        assert_eq!(rel, PathBuf::from("x.msi"));
    }

    #[test]
    fn file_references_and_names() {
        assert!(is_file_reference("ant/x.msi"));
        assert!(is_file_reference("x.pln"));
        assert!(!is_file_reference("patch_60"));
        let problem = find_pattern("patch60", Path::new(".")).unwrap_err();
        assert_eq!(problem.message, "unknown antenna `patch60`");
        assert!(problem.hint.unwrap().contains("`patch_60`"));
        let problem = find_pattern("missing/nothing.msi", Path::new("/nonexistent")).unwrap_err();
        assert!(problem.message.starts_with("failed to read antenna pattern"), "{}", problem.message);
        assert!(problem.message.contains("no such file"), "{}", problem.message);
        let problem = find_pattern("x.txt", Path::new(".")).unwrap_err();
        assert!(problem.message.contains("not a Planet/MSI file"));
    }
}
