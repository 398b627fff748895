//! Staff roles.

use super::event::text_enum;

text_enum! {
    /// Roles staff users can have, from least to most powerful.
    Role {
        /// Check-in volunteer: the door, nothing else.
        Checkin = "checkin",
        /// Staff: events and registrations.
        Staff = "staff",
        /// Admin: everything, including staff users.
        Admin = "admin",
    }
}

impl Role {
    fn rank(self) -> u8 {
        match self {
            Role::Checkin => 0,
            Role::Staff => 1,
            Role::Admin => 2,
        }
    }
}

impl PartialOrd for Role {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Role {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}
