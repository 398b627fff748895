//! Public pages answered from [`crate::infra::page_cache`]: one key per language and path
//! with its query (the language switch links back to it), only successful answers kept.

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::Response;

use crate::context::Ctx;
use crate::infra::page_cache::Page;

use super::PageResult;

/// Rendered pages are small; a larger body is an error, not a page to keep.
const MAX_KEPT_BYTES: usize = 8 * 1024 * 1024;

/// The fresh copy of this page, or the page `render` makes, kept when it succeeded.
pub async fn cached(ctx: &Ctx, render: impl Future<Output = PageResult>) -> PageResult {
    let key = format!("{}|{}", crate::i18n::current(), super::current_path());
    let now = ctx.clock.now();
    if let Some(page) = ctx.pages.fresh(&key, now) {
        return Ok(answer(page));
    }
    let generation = ctx.pages.generation();
    let response = render.await?;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_KEPT_BYTES).await {
        Ok(body) => {
            let page = Page {
                headers: parts.headers,
                body,
            };
            ctx.pages.keep(key, generation, now, page.clone());
            Ok(answer(page))
        }
        Err(e) => Err(anyhow::anyhow!("reading a rendered page: {e}").into()),
    }
}

fn answer(page: Page) -> Response {
    let mut response = Response::new(Body::from(page.body));
    *response.headers_mut() = page.headers;
    response
}
