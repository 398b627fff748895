//! Shared by the benchmark binaries: an SMTP sink that only counts messages.

#[path = "../../tests/api/smtp_wire.rs"]
mod smtp_wire;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts messages accepted.
#[derive(Clone)]
struct Sink(Arc<AtomicUsize>);

impl mailin::Handler for Sink {
    fn data_end(&mut self) -> mailin::Response {
        self.0.fetch_add(1, Ordering::Relaxed);
        mailin::response::OK
    }
}

/// Starts an SMTP sink on `listener` in a background thread; returns its message counter.
pub fn start_sink(listener: std::net::TcpListener) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    smtp_wire::serve(listener, "sink.bench", Sink(count.clone()));
    count
}
