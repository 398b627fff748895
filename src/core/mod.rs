//! What every other layer builds on, importing nothing of the crate: the clock, settings,
//! errors, who acts, and jobs as data.

pub mod actor;
pub mod clock;
pub mod config;
pub mod error;
pub mod job;
