//! `TCP_NODELAY` on every PostgreSQL connection (issue 20).
//!
//! sqlx-core 0.9.0 opens its TCP sockets without `TCP_NODELAY` (transact-rs/sqlx#4335; the
//! fix, #4336, is merged but not released), so Nagle's algorithm holds back the last segment
//! of any message longer than one segment until the server's delayed ACK arrives: about 40 ms
//! for a statement that binds a rendered email. sqlx has no hook for its socket, so right
//! after a connection opens we ask the server which client port it sees, find this process's
//! TCP socket bound to that port among its file descriptors (`/proc/self/fd`), and set the
//! option there. A Unix-socket connection has no Nagle and is left alone.
//!
//! Remove this module once a sqlx release sets the option itself; the test
//! `postgres_connections_run_without_nagle` checks the effect, not this mechanism.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::PgConnection;

/// Whether the "could not find the socket" warning was logged (once per process).
static WARNED: AtomicBool = AtomicBool::new(false);

/// The client and server ports of `conn` as the server sees them; `None` over a Unix socket.
async fn ports(conn: &mut PgConnection) -> Result<Option<(u16, u16)>, sqlx::Error> {
    let (client, server): (Option<i32>, Option<i32>) =
        sqlx::query_as("SELECT inet_client_port(), inet_server_port()")
            .fetch_one(conn)
            .await?;
    Ok(client
        .zip(server)
        .and_then(|(c, s)| Some((u16::try_from(c).ok()?, u16::try_from(s).ok()?))))
}

/// Sets `TCP_NODELAY` on the socket of `conn`, just opened (`PgPoolOptions::after_connect`).
/// Never fails the connection: if the socket cannot be found, it warns once and goes on.
pub async fn set(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let Some((client, server)) = ports(conn).await? else {
        return Ok(());
    };
    match with_socket(client, server, |s| s.set_tcp_nodelay(true)) {
        Ok(Some(())) => {}
        result => {
            if !WARNED.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    ?result,
                    "could not set TCP_NODELAY on a PostgreSQL connection; statements with large \
                     parameters may wait ~40 ms each (connect over a Unix socket to avoid it)"
                );
            }
        }
    }
    Ok(())
}

/// Whether the socket of `conn` has `TCP_NODELAY` on; `None` over a Unix socket or when the
/// socket cannot be found. For tests and `/readyz`-style checks.
pub async fn is_set(conn: &mut PgConnection) -> Result<Option<bool>, sqlx::Error> {
    let Some((client, server)) = ports(conn).await? else {
        return Ok(None);
    };
    Ok(with_socket(client, server, |s| s.tcp_nodelay())
        .ok()
        .flatten())
}

/// Runs `f` on this process's TCP socket whose local port is `local_port` and whose peer's
/// port is `peer_port`; `Ok(None)` if there is none.
#[cfg(target_os = "linux")]
fn with_socket<T>(
    local_port: u16,
    peer_port: u16,
    f: impl Fn(&socket2::SockRef<'_>) -> std::io::Result<T>,
) -> std::io::Result<Option<T>> {
    use std::os::fd::{BorrowedFd, RawFd};
    for entry in std::fs::read_dir("/proc/self/fd")? {
        let Some(raw) = entry?
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<RawFd>().ok())
        else {
            continue;
        };
        // SAFETY: `raw` was open when listed. If another thread closes it meanwhile, the calls
        // below fail with EBADF; if the number is reused at once, they read a different
        // descriptor's addresses, and change nothing unless it too is a TCP socket on these
        // ports. No memory is involved either way.
        let fd = unsafe { BorrowedFd::borrow_raw(raw) };
        let socket = socket2::SockRef::from(&fd);
        let port_of = |addr: std::io::Result<socket2::SockAddr>| {
            addr.ok()
                .and_then(|a| a.as_socket())
                .map(|a: SocketAddr| a.port())
        };
        if port_of(socket.local_addr()) == Some(local_port)
            && port_of(socket.peer_addr()) == Some(peer_port)
            && socket.r#type().ok() == Some(socket2::Type::STREAM)
        {
            return f(&socket).map(Some);
        }
    }
    Ok(None)
}

#[cfg(not(target_os = "linux"))]
fn with_socket<T>(
    _local_port: u16,
    _peer_port: u16,
    _f: impl Fn(&socket2::SockRef<'_>) -> std::io::Result<T>,
) -> std::io::Result<Option<T>> {
    Ok(None)
}
