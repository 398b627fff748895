//! Resolving the client's address once per request (see [`crate::core::net`]).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::context::Ctx;
use crate::core::net::ClientIp;

/// Middleware: resolves the client's address once and puts a [`ClientIp`] in the request's
/// extensions for the limits, sign-in and the audit log.
pub async fn resolve(State(ctx): State<Ctx>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
    let client = ctx.settings.trusted_proxies.client(peer, request.headers());
    request.extensions_mut().insert(ClientIp(client));
    crate::core::net::with_client(ClientIp(client), next.run(request)).await
}
