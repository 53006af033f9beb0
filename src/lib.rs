//! # wifiplan
//!
//! Wi-Fi coverage planning for real buildings: a floor plan file in,
//! propagation over every storey, PNG heatmaps and a report out.
//!
//! The pipeline, one module per stage:
//! * [`floorplan`]: the plan file format (TOML/JSON), parsing with source
//!   positions, and [`floorplan::validate`], which reports every problem.
//! * [`antenna`]: AP antenna patterns (built-in catalogue, Planet/MSI
//!   files) and their 3D reconstruction from two cuts.
//! * [`materials`]: ITU-R P.2040-3 materials and the single-layer slab
//!   model (transmission and reflection, TE/TM, any angle and thickness).
//! * [`scene`]: the compiled, immutable scene (walls, openings, slabs,
//!   rooms, APs with every default resolved) with a [`geometry::bvh`] per
//!   storey.
//! * [`propagation`]: models ([`propagation::MultiWall`], …) and the
//!   parallel grid [`propagation::engine`].
//! * [`report`] and [`render`]: statistics per storey and room, JSON and
//!   Markdown reports, heatmap images; [`html`]: the self-contained
//!   `report.html` (interactive maps, tables, verdict) built from them.
//! * [`pipeline`]: the jobs end to end; `cli`: the command-line shell
//!   (with the `cli` feature, on by default; without it the library
//!   builds without clap and indicatif).
//! * [`compare`], [`check`] and [`many`]: scenarios in CI (a candidate
//!   against a base, the coverage gate with JUnit output) and many plans
//!   at once (directories, `--shard`, one folder each, a combined summary).
//! * [`calibrate`]: fits the plan's materials to a site survey (measured
//!   RSSI) and writes the calibrated plan back.
//!
//! [`synthetic`] generates large plans (a multi-wing school) for the
//! benches and the performance table.
//!
//! [`requirement`] is the one definition of what a plan must reach (signal,
//! SINR, clients per AP) that every command judges by; [`regulatory`] holds
//! the channel and power rules per country.
//!
//! Support: [`units`] (dBm/dB/frequency newtypes), [`radio`] (channels),
//! [`geometry`], [`output`] (atomic writes), [`error`], [`suggest`].

#![warn(missing_docs)]

pub mod antenna;
pub mod calibrate;
pub mod capacity;
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod compare;
pub mod error;
pub mod floorplan;
pub mod geometry;
pub mod html;
pub mod import;
pub mod many;
pub mod materials;
pub mod optimize;
pub mod output;
pub mod pipeline;
pub mod propagation;
pub mod radio;
pub mod regulatory;
pub mod render;
pub mod report;
pub mod requirement;
pub mod scene;
pub mod suggest;
pub mod synthetic;
pub mod units;
