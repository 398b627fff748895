//! Who caused a change, as histories and the audit log record it.

/// Who caused a change, as recorded in the history.
#[derive(Debug, Clone)]
pub enum Actor {
    /// The registrant, through the public API or pages.
    Participant,
    /// A staff member.
    Staff {
        /// Staff user id.
        id: i64,
        /// Their email, recorded in the history.
        email: String,
    },
    /// The system itself (expiry jobs).
    System,
}

impl Actor {
    /// The staff user's id, when a staff member acts.
    pub fn staff_id(&self) -> Option<i64> {
        match self {
            Actor::Staff { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// How the actor is recorded in histories and the audit log.
    pub fn label(&self) -> String {
        match self {
            Actor::Participant => "participant".to_owned(),
            Actor::Staff { email, .. } => format!("staff:{email}"),
            Actor::System => "system".to_owned(),
        }
    }
}
