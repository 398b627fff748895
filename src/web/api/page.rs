//! Pages of the staff lists (registrations, outbox, households, matches): `?limit=` items at a
//! time, and a `next` cursor to pass back as `?cursor=` for the following page, until `next`
//! is null. Nothing is left out silently.

use serde::{Deserialize, Serialize};

use crate::core::error::{AppError, Result};

/// Items on a page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: i64 = 100;
/// Most items on one page.
pub const MAX_LIMIT: i64 = 500;

/// `?limit=&cursor=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items on this page (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next` of the page before (omit for the first page).
    #[param(pattern = "^[1-9][0-9]{0,17}$")]
    pub cursor: Option<String>,
}

/// Where a page starts and how long it is.
#[derive(Debug, Clone, Copy)]
pub struct PageAt {
    /// Items on the page.
    pub limit: i64,
    /// The key of the last item of the page before.
    pub after: Option<i64>,
}

impl PageQuery {
    /// Checks the query; bad values name their field.
    pub fn at(&self) -> Result<PageAt> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(AppError::field(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let after = match self.cursor.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(
                c.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| AppError::field("cursor", "is not a cursor this list gave"))?,
            ),
        };
        Ok(PageAt { limit, after })
    }

    /// One page of `items` already in list order, each after the cursor by `after` (as the
    /// list orders them), keyed by `key`.
    pub fn page_of<T>(
        &self,
        items: Vec<T>,
        key: impl Fn(&T) -> i64,
        after: impl Fn(i64, i64) -> bool,
    ) -> Result<Page<T>> {
        let at = self.at()?;
        let rest = items
            .into_iter()
            .filter(|i| at.after.is_none_or(|cursor| after(key(i), cursor)));
        Ok(Page::cut(
            rest.take(at.limit as usize + 1).collect(),
            at.limit,
            key,
        ))
    }
}

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// Pass as `?cursor=` for the next page; null on the last page.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// A page from `rows` fetched with one row more than `limit`: that row, when present,
    /// says there is a next page, which starts after the last item kept.
    pub fn cut(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> i64) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit.max(0) as usize);
        let next = more
            .then(|| rows.last().map(|r| key(r).to_string()))
            .flatten();
        Self { items: rows, next }
    }

    /// The same page with its items turned into `U`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(limit: Option<i64>, cursor: Option<&str>) -> PageQuery {
        PageQuery {
            limit,
            cursor: cursor.map(str::to_owned),
        }
    }

    #[test]
    fn pages_walk_the_whole_list_once() {
        let items: Vec<i64> = (1..=7).collect();
        let mut cursor: Option<String> = None;
        let mut seen = Vec::new();
        loop {
            let page = query(Some(3), cursor.as_deref())
                .page_of(items.clone(), |i| *i, |k, c| k > c)
                .unwrap();
            seen.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, items);
        // A list that fills its last page exactly has no empty page after it.
        let exact = query(Some(7), None)
            .page_of(items, |i| *i, |k, c| k > c)
            .unwrap();
        assert_eq!(exact.next, None);
    }

    #[test]
    fn a_limit_one_past_the_bounds_or_a_made_up_cursor_is_refused() {
        assert!(query(Some(0), None).at().is_err());
        assert!(query(Some(MAX_LIMIT + 1), None).at().is_err());
        assert!(query(Some(MAX_LIMIT), None).at().is_ok());
        for bad in ["abc", "-3", "0", "1.5"] {
            assert!(query(None, Some(bad)).at().is_err(), "{bad}");
        }
    }
}
