//! Twinning: registrations, payments, host matching and email for sister-city associations.
//!
//! The library holds everything; the `twinning` binary (web + workers) and the
//! `twinning-worker` binary are thin wrappers around it. The layers, from the bottom:
//! `core`, `domain` and `matching` (pure), `db` (SQL), `infra` (queue, SMTP, Stripe),
//! `context` (what every feature is given), `email`, the features (`registrations`,
//! `events`, `exchanges`, `checkin`, `broadcasts`, `exports`, `staff_accounts`), `worker`,
//! and at the top `web` and `app`. See docs/architecture.md.

pub mod app;
pub mod broadcasts;
pub mod checkin;
pub mod context;
pub mod core;
pub mod db;
pub mod domain;
pub mod email;
pub mod events;
pub mod exchanges;
pub mod exports;
pub mod health;
pub mod i18n;
pub mod infra;
pub mod matching;
pub mod registrations;
pub mod staff_accounts;
pub mod web;
pub mod worker;
