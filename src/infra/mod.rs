//! Connections to what runs outside the process: the job queue (apalis), SMTP (lettre),
//! Stripe (async-stripe), the check-in group writer, and the cache of public pages. Each knows its protocol and the rows it reads, never a feature.

pub mod door;
pub mod inline_qr;
pub mod page_cache;
pub mod queue;
pub mod smtp;
pub mod stripe;
