//! The facade's operations beyond the vendor connect flow in `lib.rs`, one file per
//! area. Each operation is a few calls into the modules below; the rules live there.

mod bundles;
mod clients;
mod daemon;
mod servers;

pub use bundles::{BuildRequest, BuiltFile};
