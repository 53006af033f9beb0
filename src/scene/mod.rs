//! The compiled scene: a validated plan with defaults applied, materials
//! resolved to ids, walls split into straight segments with their openings,
//! and a BVH per storey. Immutable and `Sync`: every propagation thread
//! shares one `&Scene`.

use crate::antenna::{Antenna, PatternCache};
use crate::floorplan::ranges::GRID_MARGIN;
use crate::floorplan::validate::opening_tolerance;
use crate::floorplan::{CandidateSpec, CeilingSpec, OpeningKind, PlanPoint, PlanSource, SlabSpec};
use crate::geometry::bvh::Bvh;
use crate::geometry::{point_segment_distance, Aabb2, Point2, Point3, Vector3};
use crate::materials::slab_tables::SlabTables;
use crate::materials::{MaterialTable, Polarization, Slab, SlabResponse};
use crate::radio;
use crate::radio::Band;
use crate::units::{Dbm, Frequency, Real};

pub mod optics;

use optics::SceneOptics;

/// Default slab and roof: 0.30 m of concrete (SPEC.md, "Floor plan file").
const DEFAULT_SLAB_THICKNESS: Real = 0.30;
/// Default door leaf: 4 cm of wood, 0–2.1 m (a standard interior door).
const DOOR_DEFAULTS: (Real, Real, Real) = (0.04, 0.0, 2.1);
/// Default window: 1 cm of glass (double glazing 4/16/4 has ~8 mm of glass),
/// from a 0.9 m sill to 2.2 m.
const WINDOW_DEFAULTS: (Real, Real, Real) = (0.01, 0.9, 2.2);

/// The ceiling of a storey.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ceiling {
    /// Flat, at `elevation + height`.
    Flat,
    /// No ceiling surface (open scenes).
    None,
    /// A barrel vault of this rise (m) whose crown is at `elevation + height`.
    Vault {
        /// Rise from the springing line to the crown, m.
        rise: Real,
    },
}

/// A door, window or opening on one wall segment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OpeningSpan {
    /// Start and end along the segment, as fractions of its length.
    pub along: (Real, Real),
    /// Bottom and top, absolute z, m.
    pub z: (Real, Real),
    /// The leaf, or `None` for an empty opening.
    pub leaf: Option<Slab>,
    /// What it is.
    pub kind: OpeningKind,
}

/// A straight piece of wall: a vertical prism centred on `a→b`.
#[derive(Clone, Debug, PartialEq)]
pub struct WallSegment {
    /// Start of the centreline.
    pub a: Point2,
    /// End of the centreline.
    pub b: Point2,
    /// Material and full thickness.
    pub slab: Slab,
    /// Bottom and top, absolute z, m.
    pub z: (Real, Real),
    /// Openings cut into this segment.
    pub openings: Vec<OpeningSpan>,
    /// Index of the plan wall this segment belongs to.
    pub wall_index: usize,
}

impl WallSegment {
    /// The footprint box (centreline box grown by half the thickness).
    pub fn footprint(&self) -> Aabb2 {
        Aabb2::from_points(self.a, self.b).inflated(self.slab.thickness / 2.0)
    }

    /// What a path crossing the centreline at fraction `along` and height
    /// `z` goes through: the wall, an opening's leaf, or nothing.
    #[inline]
    pub fn material_at(&self, along: Real, z: Real) -> Option<Slab> {
        if z < self.z.0 || z > self.z.1 {
            return None;
        }
        for opening in &self.openings {
            if along >= opening.along.0 && along <= opening.along.1 && z >= opening.z.0 && z <= opening.z.1 {
                return opening.leaf;
            }
        }
        Some(self.slab)
    }
}

/// A room with its requirement.
#[derive(Clone, Debug)]
pub struct SceneRoom {
    /// Name.
    pub name: String,
    /// Outline.
    pub polygon: Vec<Point2>,
    /// Box of the outline.
    pub bounds: Aabb2,
    /// Coverage threshold, dBm.
    pub threshold_dbm: Real,
    /// Target coverage, %.
    pub target_coverage: Real,
    /// Expected clients.
    pub clients: u32,
    /// Never counted.
    pub exclude: bool,
}

/// One storey.
#[derive(Clone, Debug)]
pub struct SceneFloor {
    /// Storey id.
    pub id: String,
    /// Floor level, m.
    pub elevation: Real,
    /// Floor-to-ceiling height, m.
    pub height: Real,
    /// The slab under this storey, if any.
    pub slab: Option<Slab>,
    /// Ceiling shape.
    pub ceiling: Ceiling,
    /// Roof (only used on the top storey).
    pub roof: Option<Slab>,
    /// Straight wall segments.
    pub walls: Vec<WallSegment>,
    /// Name of each plan wall (its id, else `wall N`), by plan wall index.
    pub wall_names: Vec<String>,
    /// BVH over the walls' footprints.
    pub wall_bvh: Bvh,
    /// Rooms.
    pub rooms: Vec<SceneRoom>,
    /// Candidate AP positions (points) and areas (polygons).
    pub candidates: Vec<CandidateSpec>,
    /// Outer extent of the walls (where the slab and ceiling exist).
    pub footprint: Aabb2,
    /// Extent of the simulation grid.
    pub bounds: Aabb2,
}

impl SceneFloor {
    /// Whether `p` lies inside the body of any wall.
    pub fn inside_wall(&self, p: Point2) -> bool {
        let mut inside = false;
        self.wall_bvh.for_each_containing(p, |i| {
            let wall = &self.walls[i];
            if !inside && point_segment_distance(p, wall.a, wall.b).0 <= wall.slab.thickness / 2.0 {
                inside = true;
            }
        });
        inside
    }

    /// Whether the slab or ceiling of this storey covers `p` on the plan.
    pub fn covers(&self, p: Point2) -> bool {
        self.footprint.is_empty() || self.footprint.contains(p)
    }
}

/// An access point with every default resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessPoint {
    /// Id.
    pub id: String,
    /// Index of its storey in [`Scene::floors`].
    pub floor: usize,
    /// Antenna position, absolute, m.
    pub position: Point3,
    /// Band.
    pub band: Band,
    /// 20 MHz primary channel.
    pub channel: u32,
    /// Channel width, MHz.
    pub channel_width: u32,
    /// Centre frequency of the primary channel.
    pub frequency: Frequency,
    /// Conducted power, dBm.
    pub tx_power_dbm: Real,
    /// Antenna gain, dBi.
    pub antenna_gain_dbi: Real,
    /// The plan names the channel (the optimiser keeps it).
    pub channel_given: bool,
    /// Kept by the optimiser (`fixed = true`, the default).
    pub fixed: bool,
    /// Antenna pattern and aim (isotropic by default); its peak gain is
    /// `antenna_gain_dbi`.
    pub antenna: Antenna,
}

impl AccessPoint {
    /// Transmit power plus the antenna's *peak* gain (EIRP), dBm: an upper
    /// bound on what the AP radiates in any direction.
    pub fn eirp_dbm(&self) -> Real {
        self.tx_power_dbm + self.antenna_gain_dbi
    }

    /// Antenna gain towards `direction`, dBi: the peak gain minus the
    /// pattern's attenuation that way. `direction` is any non-zero vector
    /// in the world frame (x east, y north, z up), e.g. `receiver −
    /// position` for the direct path or the first leg of a traced path.
    #[inline]
    pub fn gain_dbi(&self, direction: &Vector3) -> Real {
        self.antenna_gain_dbi - self.antenna.attenuation_db(direction)
    }

    /// Power radiated towards `direction` relative to the peak: linear,
    /// in `(0, 1]` (exactly 1 for an isotropic antenna). A path leaving the
    /// AP that way carries `10^(eirp_dbm/10) · relative_gain` mW before
    /// its losses.
    #[inline]
    pub fn relative_gain(&self, direction: &Vector3) -> Real {
        self.antenna.relative_gain(direction)
    }

    /// The spectrum it occupies, MHz.
    pub fn occupied_band(&self) -> (Real, Real) {
        radio::occupied_band(self.band, self.channel, self.channel_width)
    }
}

/// Plan-wide settings with defaults applied.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Grid cell size, m.
    pub resolution: Real,
    /// Receiver height above the floor, m.
    pub receiver_height: Real,
    /// Default AP height above the floor, m.
    pub ap_height: Real,
    /// Default coverage threshold, dBm.
    pub threshold_dbm: Real,
    /// Default target coverage, %.
    pub target_coverage: Real,
    /// Noise floor for a 20 MHz channel, dBm.
    pub noise_floor_dbm: Real,
    /// Default band.
    pub band: Band,
    /// Default AP transmit power, dBm.
    pub tx_power_dbm: Real,
    /// Default AP antenna gain, dBi.
    pub antenna_gain_dbi: Real,
    /// Default channel width, MHz.
    pub channel_width: u32,
}

impl Settings {
    /// Thermal noise over a channel `channel_width` MHz wide: the plan's
    /// 20 MHz figure plus 10·log10(B / 20 MHz) (noise power grows with
    /// bandwidth).
    pub fn noise(&self, channel_width: u32) -> Dbm {
        Dbm(self.noise_floor_dbm + 10.0 * (channel_width.max(20) as Real / 20.0).log10())
    }
}

/// The compiled, immutable scene.
#[derive(Clone, Debug)]
pub struct Scene {
    /// Display name.
    pub name: String,
    /// Materials by id.
    pub materials: MaterialTable,
    /// Storeys, sorted by elevation.
    pub floors: Vec<SceneFloor>,
    /// Access points.
    pub aps: Vec<AccessPoint>,
    /// Settings.
    pub settings: Settings,
    /// Tabulated R and T of every slab at every AP frequency.
    pub slab_tables: SlabTables,
    /// Walls, faces, planes and vaults prepared for the propagation models.
    pub optics: SceneOptics,
}

fn point(p: &PlanPoint) -> Point2 {
    Point2::new(p[0], p[1])
}

impl Scene {
    /// Compiles a plan that [`crate::floorplan::validate`] accepted, with
    /// the material table it produced. Defensive against anything validation
    /// would have rejected: bad items are skipped, never a panic.
    pub fn build(source: &PlanSource, materials: MaterialTable) -> Scene {
        let plan = &source.plan;
        let settings = Settings {
            resolution: plan.defaults.resolution,
            receiver_height: plan.defaults.receiver_height,
            ap_height: plan.defaults.ap_height,
            threshold_dbm: plan.defaults.threshold_dbm,
            target_coverage: plan.defaults.target_coverage,
            noise_floor_dbm: plan.defaults.noise_floor_dbm,
            band: plan.defaults.band,
            tx_power_dbm: plan.defaults.tx_power_dbm,
            antenna_gain_dbi: plan.defaults.antenna_gain_dbi,
            channel_width: plan.defaults.channel_width,
        };
        let concrete = materials.id("concrete");
        let resolve_slab = |spec: &Option<SlabSpec>| -> Option<Slab> {
            match spec {
                None => concrete.map(|material| Slab { material, thickness: DEFAULT_SLAB_THICKNESS }),
                Some(SlabSpec::Keyword(_)) => None,
                Some(SlabSpec::Slab(layer)) => {
                    materials.id(&layer.material).map(|material| Slab { material, thickness: layer.thickness })
                }
            }
        };

        let mut order: Vec<usize> = (0..plan.floors.len()).collect();
        order.sort_by(|&a, &b| plan.floors[a].elevation.total_cmp(&plan.floors[b].elevation).then(a.cmp(&b)));
        let mut floors: Vec<SceneFloor> = order
            .iter()
            .map(|&i| {
                let floor = &plan.floors[i];
                let ceiling = match &floor.ceiling {
                    None => Ceiling::Flat,
                    Some(CeilingSpec::Keyword(k)) if k == "none" => Ceiling::None,
                    Some(CeilingSpec::Keyword(_)) => Ceiling::Flat,
                    Some(CeilingSpec::Vault(v)) => Ceiling::Vault { rise: v.vault },
                };
                let walls = build_walls(floor, &materials);
                let footprint = walls.iter().fold(Aabb2::EMPTY, |acc, w| acc.union(&w.footprint()));
                let rooms: Vec<SceneRoom> = floor
                    .rooms
                    .iter()
                    .map(|room| {
                        let mut polygon: Vec<Point2> = room.polygon.iter().map(point).collect();
                        if polygon.len() > 1 && polygon.first() == polygon.last() {
                            polygon.pop();
                        }
                        let bounds = polygon.iter().fold(Aabb2::EMPTY, |acc, &p| acc.including(p));
                        SceneRoom {
                            name: room.name.clone(),
                            polygon,
                            bounds,
                            threshold_dbm: room.threshold_dbm.unwrap_or(settings.threshold_dbm),
                            target_coverage: room.target_coverage.unwrap_or(settings.target_coverage),
                            clients: room.clients.unwrap_or(0),
                            exclude: room.exclude,
                        }
                    })
                    .collect();
                let wall_bvh = Bvh::build(&walls.iter().map(WallSegment::footprint).collect::<Vec<_>>());
                SceneFloor {
                    id: floor.id.clone(),
                    elevation: floor.elevation,
                    height: floor.height,
                    slab: resolve_slab(&floor.slab),
                    ceiling,
                    roof: resolve_slab(&floor.roof),
                    walls,
                    wall_names: floor
                        .walls
                        .iter()
                        .enumerate()
                        .map(|(i, w)| w.id.clone().unwrap_or_else(|| format!("wall {}", i + 1)))
                        .collect(),
                    wall_bvh,
                    rooms,
                    candidates: floor.candidates.clone(),
                    footprint,
                    bounds: Aabb2::EMPTY,
                }
            })
            .collect();

        let mut patterns = PatternCache::for_plan(&source.file);
        let aps: Vec<AccessPoint> = plan
            .aps
            .iter()
            .filter_map(|spec| {
                let floor = match &spec.floor {
                    Some(id) => floors.iter().position(|f| &f.id == id)?,
                    None => 0,
                };
                let storey = floors.get(floor)?;
                let band = spec.band.unwrap_or(settings.band);
                let channel = spec.channel.unwrap_or_else(|| radio::default_channel(band));
                let height = spec.height.unwrap_or(settings.ap_height);
                let gain = spec.antenna_gain_dbi.unwrap_or(plan.defaults.antenna_gain_dbi);
                // A pattern brings its own gain; one that no longer reads
                // (validation passed) falls back to the isotropic default.
                let antenna = spec
                    .antenna
                    .as_ref()
                    .and_then(|name| patterns.get(name).ok().map(|pattern| (name, pattern)))
                    .map_or_else(
                        || Antenna::isotropic(gain),
                        |(name, pattern)| {
                            let (azimuth, downtilt) = (spec.azimuth.unwrap_or(0.0), spec.downtilt.unwrap_or(0.0));
                            Antenna::new(pattern, azimuth, downtilt, Some(name.clone()))
                        },
                    );
                Some(AccessPoint {
                    id: spec.id.clone(),
                    floor,
                    position: Point3::new(spec.position[0], spec.position[1], storey.elevation + height),
                    band,
                    channel,
                    channel_width: spec.channel_width.unwrap_or(plan.defaults.channel_width),
                    frequency: radio::centre_frequency(band, channel),
                    tx_power_dbm: spec.tx_power_dbm.unwrap_or(plan.defaults.tx_power_dbm),
                    antenna_gain_dbi: if antenna.spec.is_some() { antenna.pattern.gain_dbi } else { gain },
                    channel_given: spec.channel.is_some(),
                    fixed: spec.fixed.unwrap_or(true),
                    antenna,
                })
            })
            .collect();

        for (index, floor) in floors.iter_mut().enumerate() {
            let mut bounds = floor.footprint;
            for room in &floor.rooms {
                bounds = bounds.union(&room.bounds);
            }
            for candidate in &floor.candidates {
                for p in candidate.points.iter().chain(candidate.polygon.iter()).flatten() {
                    bounds = bounds.including(point(p));
                }
            }
            for ap in aps.iter().filter(|ap| ap.floor == index) {
                bounds = bounds.including(ap.position.xy());
            }
            if bounds.is_empty() {
                bounds = Aabb2::from_points(Point2::new(-5.0, -5.0), Point2::new(5.0, 5.0));
            }
            floor.bounds = bounds.inflated(GRID_MARGIN);
        }

        let mut scene = Scene {
            name: source.display_name(),
            materials,
            floors,
            aps,
            settings,
            slab_tables: SlabTables::default(),
            optics: SceneOptics::default(),
        };
        scene.tabulate_slabs();
        scene
    }

    /// (Re)builds [`Scene::slab_tables`] for every slab and the current
    /// APs' frequencies, and the [`Scene::optics`] that refer to them; call
    /// after changing the APs.
    pub fn tabulate_slabs(&mut self) {
        self.tabulate_slabs_with(&[]);
    }

    /// [`Scene::tabulate_slabs`], also tabulating `extra` frequencies (those
    /// of APs the caller will build, such as `plan`'s candidates).
    pub fn tabulate_slabs_with(&mut self, extra: &[Frequency]) {
        let mut slabs = Vec::new();
        for floor in &self.floors {
            for wall in &floor.walls {
                for slab in std::iter::once(wall.slab).chain(wall.openings.iter().filter_map(|o| o.leaf)) {
                    slabs.push((slab, Polarization::Te));
                }
            }
            for slab in [floor.slab, floor.roof].into_iter().flatten() {
                slabs.push((slab, Polarization::Tm));
            }
        }
        let frequencies: Vec<Frequency> = self.aps.iter().map(|ap| ap.frequency).chain(extra.iter().copied()).collect();
        self.slab_tables = SlabTables::build(&self.materials, &slabs, &frequencies);
        self.optics = SceneOptics::build(self);
    }

    /// R and T of a slab for a path at `cos` incidence.
    #[inline]
    pub fn slab_response(
        &self,
        slab: Slab,
        frequency: Frequency,
        cos: Real,
        polarization: Polarization,
    ) -> SlabResponse {
        self.slab_tables.response(&self.materials, slab, frequency, cos, polarization)
    }

    /// Index of the storey with this id.
    pub fn floor_index(&self, id: &str) -> Option<usize> {
        self.floors.iter().position(|f| f.id == id)
    }
}

/// Splits every wall polyline into straight segments and attaches openings.
fn build_walls(floor: &crate::floorplan::Floor, materials: &MaterialTable) -> Vec<WallSegment> {
    let mut segments = Vec::new();
    for (wall_index, wall) in floor.walls.iter().enumerate() {
        let Some(material) = materials.id(&wall.material) else { continue };
        let height = wall.height.unwrap_or(floor.height);
        let slab = Slab { material, thickness: wall.thickness };
        let z = (floor.elevation, floor.elevation + height);
        for pair in wall.points.windows(2) {
            let (a, b) = (point(&pair[0]), point(&pair[1]));
            if (b - a).norm() <= 0.0 || !a.coords.iter().chain(b.coords.iter()).all(|c| c.is_finite()) {
                continue;
            }
            segments.push(WallSegment { a, b, slab, z, openings: Vec::new(), wall_index });
        }
    }
    for opening in &floor.openings {
        let Some(wall_index) = floor.walls.iter().position(|w| w.id.as_deref() == Some(opening.wall.as_str())) else {
            continue;
        };
        let wall = &floor.walls[wall_index];
        let Some((segment, along)) = locate_opening(&segments, wall_index, &opening.at, wall.thickness) else {
            continue;
        };
        let (thickness, bottom, top, default_material) = match opening.kind {
            OpeningKind::Door => (DOOR_DEFAULTS.0, DOOR_DEFAULTS.1, DOOR_DEFAULTS.2, Some("wood")),
            OpeningKind::Window => (WINDOW_DEFAULTS.0, WINDOW_DEFAULTS.1, WINDOW_DEFAULTS.2, Some("glass")),
            OpeningKind::Opening => (0.0, 0.0, Real::INFINITY, None),
        };
        let leaf_material = opening.material.as_deref().or(default_material);
        let leaf = leaf_material
            .and_then(|name| materials.id(name))
            .map(|material| Slab { material, thickness: opening.thickness.unwrap_or(thickness) });
        let bottom = opening.bottom.unwrap_or(bottom);
        let top = opening.top.unwrap_or(top);
        let segment = &mut segments[segment];
        let z = (segment.z.0 + bottom, (segment.z.0 + top).min(segment.z.1));
        segment.openings.push(OpeningSpan { along, z, leaf, kind: opening.kind });
    }
    segments
}

/// Finds the segment of wall `wall_index` on which both ends of an opening
/// lie, and their positions along it (sorted fractions).
pub fn locate_opening(
    segments: &[WallSegment],
    wall_index: usize,
    at: &[PlanPoint; 2],
    thickness: Real,
) -> Option<(usize, (Real, Real))> {
    let (p, q) = (point(&at[0]), point(&at[1]));
    let tolerance = opening_tolerance(thickness);
    segments.iter().enumerate().filter(|(_, s)| s.wall_index == wall_index).find_map(|(i, s)| {
        let (dp, up) = point_segment_distance(p, s.a, s.b);
        let (dq, uq) = point_segment_distance(q, s.a, s.b);
        (dp <= tolerance && dq <= tolerance && up != uq).then_some((i, (up.min(uq), up.max(uq))))
    })
}
