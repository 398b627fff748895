//! A real SMTP server inside the test process (mailin's state machine, `smtp_wire`), recording
//! what it accepts.

use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};

use mailin::Handler;
use mailin::response::{self, Response};

use crate::smtp_wire;

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl Received {
    /// The parsed message.
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("a parseable message")
    }
}

#[derive(Clone)]
struct Recorder {
    inbox: Arc<Mutex<Vec<Received>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn rcpt(&mut self, to: &str) -> Response {
        // Addresses at bounce.example.org do not exist: a permanent 550.
        if to.ends_with("@bounce.example.org") {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.inbox.lock().unwrap().push(Received {
            to: std::mem::take(&mut self.to),
            raw: std::mem::take(&mut self.data),
        });
        response::OK
    }

    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        response::OK
    }
}

/// A port for an SMTP server that is not running yet (connections are refused).
pub struct SmtpPort {
    pub port: u16,
}

impl SmtpPort {
    /// Picks a free port.
    pub fn reserve() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        Self { port }
    }

    /// The `SMTP_URL` for this port (plain SMTP).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Starts the server on this port.
    pub fn start(self) -> SmtpServer {
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("port still free");
        smtp_wire::serve(
            listener,
            "smtp.test",
            Recorder {
                inbox: inbox.clone(),
                to: Vec::new(),
                data: Vec::new(),
            },
        );
        SmtpServer {
            port: self.port,
            inbox,
        }
    }
}

/// A running SMTP server.
pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    /// Starts a server on a free port.
    pub fn start() -> Self {
        SmtpPort::reserve().start()
    }

    /// The `SMTP_URL` for this server.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Everything accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }
}
