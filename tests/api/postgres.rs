//! What only PostgreSQL has: connections over TCP.

use crate::helpers::spawn_app;
use twinning::db::Db;
use twinning::infra::queue::JobQueue;

/// Issue 20: sqlx-core 0.9.0 opens its sockets with Nagle's algorithm on, and a statement
/// binding a rendered email then waits ~40 ms for the server's delayed ACK. Every pooled
/// connection, the application's and the job queue's, must have `TCP_NODELAY` set. Checked on
/// several connections at once, so not only the first one opened. (On SQLite there is no
/// socket; the test has nothing to check.)
#[tokio::test]
async fn postgres_connections_run_without_nagle() {
    let app = spawn_app().await;
    let (Db::Postgres(pool), JobQueue::Postgres(queue)) = (&app.ctx.db, &app.ctx.queue) else {
        return;
    };
    for pool in [pool, queue] {
        let mut connections = Vec::new();
        for _ in 0..3 {
            connections.push(pool.acquire().await.expect("a connection"));
        }
        for connection in &mut connections {
            assert_eq!(
                twinning::db::nodelay::is_set(connection).await.unwrap(),
                Some(true),
                "a pooled PostgreSQL connection runs with Nagle on (or not over TCP: \
                 TEST_DATABASE_URL must name a TCP address such as 127.0.0.1)"
            );
        }
    }
}
