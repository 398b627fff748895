//! Integration tests of the HTTP API, on SQLite by default and on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

mod bad_input;
mod cancellation;
mod capacity;
mod checkin;
mod cli;
mod email;
mod events;
mod exchanges;
mod exports;
mod fake_stripe;
mod guardians;
mod helpers;
mod hosts;
mod jobs;
mod languages;
mod messages;
mod operations;
mod pages;
mod placements;
mod postgres;
mod production;
mod registrations;
mod safeguarding;
mod smtp;
mod smtp_wire;
mod staff_pages;
mod stripe;
