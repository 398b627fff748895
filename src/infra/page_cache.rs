//! Public pages kept for a moment (issue 20 item 3): the home page, an event's page, a partner
//! city and the calendar feed are rendered once and served from memory until a change
//! committed in this process ([`crate::context::Ctx::commit`]) or the time to live (one
//! second) passes. Another process's change (several web processes on PostgreSQL) shows
//! within that second; seats left lag by at most as much.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};

/// Pages kept at most; a full cache drops what has expired, or everything, before taking more
/// (query strings are the visitor's to choose, so the keys are not bounded otherwise).
const MAX_PAGES: usize = 1_000;

/// A rendered page as it is sent.
#[derive(Debug, Clone)]
pub struct Page {
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Debug)]
struct Entry {
    /// When it was rendered, by the application's clock (tests move it).
    at: DateTime<Utc>,
    generation: u64,
    page: Page,
}

/// The cache of rendered public pages, shared by every request of the process.
#[derive(Debug)]
pub struct PageCache {
    ttl: Duration,
    /// Bumped by every committed change; an entry rendered before the latest bump is stale.
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

impl PageCache {
    /// A cache keeping pages for `ttl` (zero keeps none).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets every page: something they show may have changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The generation to pass to [`Self::keep`] for a page about to be rendered.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The page under `key`, if one is fresh at `now`.
    pub fn fresh(&self, key: &str, now: DateTime<Utc>) -> Option<Page> {
        if self.ttl.is_zero() {
            return None;
        }
        let generation = self.generation();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation && self.young(e, now))
            .map(|e| e.page.clone())
    }

    /// Keeps `page`, rendered from what was committed at `generation`; a page rendered while
    /// a change committed is stale at once and never served.
    pub fn keep(&self, key: String, generation: u64, now: DateTime<Utc>, page: Page) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_PAGES && !entries.contains_key(&key) {
            let generation = self.generation();
            entries.retain(|_, e| e.generation == generation && self.young(e, now));
            if entries.len() >= MAX_PAGES {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                at: now,
                generation,
                page,
            },
        );
    }

    /// Rendered less than the time to live before `now` (and not after it: a clock set back
    /// does not keep a page longer).
    fn young(&self, entry: &Entry, now: DateTime<Utc>) -> bool {
        let age = now.signed_duration_since(entry.at);
        age >= chrono::TimeDelta::zero() && age.to_std().is_ok_and(|age| age < self.ttl)
    }

    /// Pages held (for tests of the bound).
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no page is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &'static str) -> Page {
        Page {
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    /// What a page handler does: the fresh page, or `body` rendered and kept.
    fn get(cache: &PageCache, key: &str, body: &'static str) -> String {
        get_at(cache, key, body, at(0))
    }

    fn at(millis: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_900_000_000_000 + millis).unwrap()
    }

    fn get_at(cache: &PageCache, key: &str, body: &'static str, now: DateTime<Utc>) -> String {
        let page = cache.fresh(key, now).unwrap_or_else(|| {
            cache.keep(key.to_owned(), cache.generation(), now, page(body));
            page(body)
        });
        String::from_utf8(page.body.to_vec()).unwrap()
    }

    #[test]
    fn a_page_is_served_from_memory_until_a_change_or_its_time_is_up() {
        let cache = PageCache::new(Duration::from_millis(200));
        assert_eq!(get(&cache, "/", "first"), "first");
        assert_eq!(get(&cache, "/", "second"), "first", "kept");
        assert_eq!(get(&cache, "/other", "other"), "other", "by key");
        cache.invalidate();
        assert_eq!(get(&cache, "/", "third"), "third", "a change forgets it");
        assert_eq!(get_at(&cache, "/", "fourth", at(199)), "third", "young");
        assert_eq!(get_at(&cache, "/", "fifth", at(200)), "fifth", "expired");
        assert_eq!(
            get_at(&cache, "/", "sixth", at(100)),
            "sixth",
            "clock set back"
        );
    }

    #[test]
    fn a_page_rendered_while_a_change_commits_is_not_served() {
        let cache = PageCache::new(Duration::from_secs(60));
        let generation = cache.generation();
        cache.invalidate();
        cache.keep("/".to_owned(), generation, at(0), page("old"));
        assert_eq!(get(&cache, "/", "new"), "new");
        assert_eq!(get(&cache, "/", "newer"), "new");
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = PageCache::new(Duration::from_secs(60));
        for i in 0..MAX_PAGES + 10 {
            get(&cache, &format!("/?q={i}"), "x");
            assert!(cache.len() <= MAX_PAGES);
        }
        assert_eq!(get(&cache, "/?q=1", "y"), "y", "dropped when full");
    }

    #[test]
    fn a_zero_time_to_live_keeps_nothing() {
        let cache = PageCache::new(Duration::ZERO);
        assert_eq!(get(&cache, "/", "first"), "first");
        assert_eq!(get(&cache, "/", "second"), "second");
        assert!(cache.is_empty());
    }
}
