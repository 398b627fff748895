//! Money states: how a registration pays, and the ledger's and card sessions' states.

use super::event::text_enum;

text_enum! {
    /// How a registration pays, as stored: nothing to pay, later (cash or transfer) or by card.
    PaymentMethod { None = "none", Later = "later", Card = "card" }
}

text_enum! {
    /// A ledger row: money in, or money given back (a negative amount).
    LedgerKind { Payment = "payment", Refund = "refund" }
}

text_enum! {
    /// How money moved: through Stripe, or by hand.
    MoneyMethod { Card = "card", Cash = "cash", Transfer = "transfer", Other = "other" }
}

text_enum! {
    /// Where a ledger row is: a card refund waits for Stripe; a failed one is not counted.
    LedgerStatus { Pending = "pending", Succeeded = "succeeded", Failed = "failed" }
}

text_enum! {
    /// A Stripe Checkout session's state.
    SessionStatus {
        Open = "open",
        Processing = "processing",
        Paid = "paid",
        Expired = "expired",
        Failed = "failed",
    }
}

impl MoneyMethod {
    /// Methods of money staff take or give back by hand.
    pub const BY_HAND: &'static [MoneyMethod] =
        &[MoneyMethod::Cash, MoneyMethod::Transfer, MoneyMethod::Other];
}
