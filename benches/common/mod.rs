//! Shared by the benchmark binaries: an SMTP sink that only counts messages.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts messages accepted.
#[derive(Clone)]
struct Sink(Arc<AtomicUsize>);

impl mailin_embedded::Handler for Sink {
    fn data_end(&mut self) -> mailin_embedded::Response {
        self.0.fetch_add(1, Ordering::Relaxed);
        mailin_embedded::response::OK
    }
}

/// Starts an SMTP sink on `listener` in a background thread; returns its message counter.
pub fn start_sink(listener: std::net::TcpListener) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let mut server = mailin_embedded::Server::new(Sink(count.clone()));
    server
        .with_name("sink.bench")
        .with_num_threads(64)
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    count
}
