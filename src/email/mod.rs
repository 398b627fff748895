//! Email: what is sent when, rendering, the outbox, SMTP delivery with retries, reminders.
//!
//! Every email is a row in `outbox`, written in the same transaction as the change that causes
//! it and rendered there (so staff see exactly what was sent). After the commit a `SendEmail`
//! job delivers it; a periodic sweep picks up rows whose job was lost and rows left `sending`
//! by a worker that died mid-send (resent with the same Message-ID).

pub mod compose;
mod deliver;
pub mod ics;
pub mod reminders;
pub mod render;
mod staff_actions;

pub use crate::infra::smtp::{Mailer, SendError};
pub use compose::{queue_event_email, queue_registration_email, queue_staff_approval_emails};
pub use deliver::{deliver, sweep};
pub use ics::calendar_file;
pub use staff_actions::{act_on, counts};
/// The outbox as staff read it.
pub mod outbox_view {
    pub use super::staff_actions::{get, list};
}

pub use crate::domain::EmailKind;
