//! wifiplan
pub mod error;
pub mod floorplan;
pub mod geometry;
pub mod radio;
pub mod units;
