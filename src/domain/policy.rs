//! An event's cancellation policy: what a participant who cancels gets back.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::ParseError;

/// A full refund until `full_refund_days` days before the event starts; after that
/// `later_refund_percent` per cent of what was paid (0: nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancellationPolicy {
    /// Days before the start until which cancelling refunds everything paid (0: until the
    /// start).
    pub full_refund_days: i64,
    /// Per cent refunded when cancelling later (0 to 100).
    pub later_refund_percent: i64,
}

impl Default for CancellationPolicy {
    /// A full refund until 7 days before, then none.
    fn default() -> Self {
        Self {
            full_refund_days: 7,
            later_refund_percent: 0,
        }
    }
}

impl CancellationPolicy {
    /// Checks a policy as staff entered it; the error names the field that is wrong.
    pub fn parse(
        full_refund_days: i64,
        later_refund_percent: i64,
    ) -> Result<Self, (&'static str, ParseError)> {
        if !(0..=365).contains(&full_refund_days) {
            return Err((
                "full_refund_days",
                ParseError::new("must be between 0 and 365 days"),
            ));
        }
        if !(0..=100).contains(&later_refund_percent) {
            return Err((
                "later_refund_percent",
                ParseError::new("must be between 0 and 100"),
            ));
        }
        Ok(Self {
            full_refund_days,
            later_refund_percent,
        })
    }

    /// The last moment a cancellation is refunded in full.
    pub fn full_refund_until(&self, starts_at: DateTime<Utc>) -> DateTime<Utc> {
        starts_at - Duration::days(self.full_refund_days)
    }

    /// What cancelling at `now` refunds of `paid` (minor units, rounded down to the minor
    /// unit in the association's favour).
    pub fn refund_for(&self, paid: i64, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
        if paid <= 0 {
            0
        } else if now <= self.full_refund_until(starts_at) {
            paid
        } else {
            paid * self.later_refund_percent / 100
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn refunds_are_full_until_the_deadline_then_the_later_share() {
        let start = Utc.with_ymd_and_hms(2031, 6, 10, 18, 0, 0).unwrap();
        let default = CancellationPolicy::default();
        assert_eq!(
            default.full_refund_until(start),
            Utc.with_ymd_and_hms(2031, 6, 3, 18, 0, 0).unwrap()
        );
        assert_eq!(
            default.refund_for(2500, start, start - Duration::days(8)),
            2500
        );
        assert_eq!(
            default.refund_for(2500, start, start - Duration::days(7)),
            2500
        );
        assert_eq!(
            default.refund_for(2500, start, start - Duration::days(6)),
            0
        );
        let half = CancellationPolicy::parse(14, 50).unwrap();
        assert_eq!(
            half.refund_for(2501, start, start - Duration::days(3)),
            1250
        );
        assert_eq!(half.refund_for(0, start, start - Duration::days(30)), 0);
        assert_eq!(
            CancellationPolicy::parse(-1, 0).unwrap_err().0,
            "full_refund_days"
        );
        assert_eq!(
            CancellationPolicy::parse(7, 101).unwrap_err().0,
            "later_refund_percent"
        );
    }
}
