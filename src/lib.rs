//! wifiplan
pub mod error;
pub mod floorplan;
pub mod units;
