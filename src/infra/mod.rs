//! Connections to what runs outside the process: the job queue (apalis), SMTP (lettre),
//! Stripe (async-stripe), and the check-in group writer. Each knows its protocol and the rows it reads, never a feature.

pub mod door;
pub mod queue;
pub mod smtp;
pub mod stripe;
