//! A placement of an exchange party with a host household, as a state.

use super::event::text_enum;

text_enum! {
    /// Where a match stands: `proposed → host_accepted → confirmed`, or one of the ends.
    MatchState {
        Proposed = "proposed",
        HostAccepted = "host_accepted",
        Confirmed = "confirmed",
        Declined = "declined",
        Expired = "expired",
        Cancelled = "cancelled",
        Withdrawn = "withdrawn",
    }
}

impl MatchState {
    /// Proposed, accepted by the host or confirmed: the match holds the party and a place.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            MatchState::Proposed | MatchState::HostAccepted | MatchState::Confirmed
        )
    }
}

/// Which active matches a change touches.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Every match of a household (suspended, edited, screened).
    Household(i64),
    /// The match of a registration (left its place).
    Registration(i64),
    /// Every match of an exchange (cancelled, dates moved).
    Event(i64),
}
