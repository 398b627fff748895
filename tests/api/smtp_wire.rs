//! The SMTP conversation of the test servers: mailin's protocol state machine over a TCP
//! listener, one thread per connection. Plain SMTP only (STARTTLS is not offered), so the test
//! suite needs no TLS library. Also included by the benchmarks' SMTP sink.

use std::io::{self, BufRead, BufReader};
use std::net::{TcpListener, TcpStream};

use mailin::{Action, Handler, SessionBuilder};

/// Answers SMTP on `listener` in background threads, each connection with a clone of `handler`.
pub fn serve<H: Handler + Clone + Send + 'static>(listener: TcpListener, name: &str, handler: H) {
    let builder = SessionBuilder::new(name);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (builder, handler) = (builder.clone(), handler.clone());
            std::thread::spawn(move || converse(stream, &builder, handler));
        }
    });
}

/// One connection: the greeting, then a reply to each line until QUIT or the client hangs up.
fn converse<H: Handler>(stream: TcpStream, builder: &SessionBuilder, handler: H) -> io::Result<()> {
    let mut session = builder.build(stream.peer_addr()?.ip(), handler);
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    session.greeting().write_to(&mut out)?;
    let mut line = Vec::with_capacity(128);
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let reply = session.process(&line);
        match reply.action {
            Action::NoReply => {}
            Action::Close => return reply.write_to(&mut out),
            Action::Reply | Action::UpgradeTls => reply.write_to(&mut out)?,
        }
    }
}
