//! Connections to what runs outside the process: the job queue (apalis).

pub mod queue;
