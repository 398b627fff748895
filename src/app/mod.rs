//! The composition root: the command line, building and starting the service, and the sample
//! site.

pub mod cli;
pub mod sample;
pub mod startup;
