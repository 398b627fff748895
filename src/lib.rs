//! Twinning: registrations, payments, host matching and email for sister-city associations.
//!
//! The library holds everything; the `twinning` binary (web + workers) and the
//! `twinning-worker` binary are thin wrappers around it.

pub mod checkin;
pub mod cli;
pub mod core;
pub mod db;
pub mod domain;
pub mod email;
pub mod events;
pub mod exchange;
pub mod export;
pub mod guardians;
pub mod hosts;
pub mod i18n;
pub mod infra;
pub mod matching;
pub mod messages;
pub mod placements;
pub mod registrations;
pub mod sample;
pub mod screening;
pub mod staff;
pub mod startup;
pub mod state;
pub mod web;
pub mod worker;
