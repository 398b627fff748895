//! What every other layer builds on, importing nothing of the crate: the clock, settings,
//! errors, who acts, who the client is, and jobs as data.

pub mod actor;
pub mod clock;
pub mod config;
pub mod error;
pub mod job;
pub mod net;
