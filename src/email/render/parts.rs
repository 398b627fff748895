//! What several emails show alike: [`Common`] (the layout, every email), [`Booking`] (the
//! registration, `_event.*`) and [`MatchNotice`] (a match, `_match.*`).

/// What every email shows: the layout's header and footer and the event it is about. Each
/// email's struct reaches it through `Deref`, so the shared layout and partials read
/// `m.org_name` whichever email they are part of.
#[derive(Debug, Clone, Default)]
pub struct Common {
    pub org_name: String,
    pub language: String,
    pub recipient_name: String,
    /// Said first in a copy (to a minor's guardian, or to the minor when the guardian answers).
    pub copy_note: String,
    /// Staff's per-event text, one string per paragraph.
    pub custom_paragraphs: Vec<String>,
    /// The recipient's private page, when the email is about their registration.
    pub manage_url: String,
    pub event_title: String,
    /// e.g. `Sunday 1 June 2031, 18:00–23:00 (Europe/Madrid)`.
    pub event_when: String,
}

impl Common {
    /// Message `key` in the email's language.
    pub fn t(&self, key: &str) -> String {
        crate::i18n::t(&self.language, key)
    }

    /// Message `key` in the email's language, with named values.
    pub fn t_with(&self, key: &str, args: &[(&'static str, &str)]) -> String {
        crate::i18n::t_with(&self.language, key, args)
    }

    /// Message `key` in the email's language for a number (plural forms).
    pub fn t_count(&self, key: &str, count: usize) -> String {
        crate::i18n::t_count(
            &self.language,
            key,
            i64::try_from(count).unwrap_or(i64::MAX),
        )
    }
}

/// What an email about a registration shows of it (`_event.html`, `_event.txt`).
#[derive(Debug, Clone, Default)]
pub struct Booking {
    pub common: Common,
    pub event_venue: String,
    /// (participant name, offering name).
    pub participants: Vec<(String, String)>,
}

/// The emails about a match (`match_proposed`, `match_offered`, `match_confirmed`,
/// `match_reminder`, `match_withdrawn`, `match_closed`), which show the same things
/// (`_match.html`, `_match.txt`): lines about the other side (a minimal profile before
/// confirmation, the contact details after) and where and by when to answer.
#[derive(Debug, Clone, Default)]
pub struct MatchNotice {
    pub common: Common,
    pub lines: Vec<String>,
    pub action_url: String,
    pub deadline: String,
}

/// Lets an email's struct be read as the part it extends.
macro_rules! extends {
    ($($ty:ty => $field:ident: $target:ty;)*) => {
        $(
            impl std::ops::Deref for $ty {
                type Target = $target;
                fn deref(&self) -> &$target {
                    &self.$field
                }
            }
            impl std::ops::DerefMut for $ty {
                fn deref_mut(&mut self) -> &mut $target {
                    &mut self.$field
                }
            }
        )*
    };
}

pub(super) use extends;

extends! {
    Booking => common: Common;
    MatchNotice => common: Common;
}
