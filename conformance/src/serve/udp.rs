//! The daemon's UDP protocol: each datagram is a header line and one document (spec 6.1).

use std::sync::Arc;

use tokio::net::UdpSocket;
use xray_segment::daemon::{parse_datagram, Datagram};
use xray_segment::{validate_into, verdict, Report};

use super::state::{now, Arrival, State};

/// The daemon reads each datagram into a 64 KiB buffer (spec 6.1).
pub const MAX_DATAGRAM_BYTES: usize = 64 * 1024;

/// Receives datagrams until the task is dropped.
pub async fn listen(socket: UdpSocket, state: Arc<State>) {
    let mut buf = vec![0u8; MAX_DATAGRAM_BYTES];
    loop {
        let Ok((n, _)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        state.count(|c| c.udp_datagrams += 1);
        handle(&buf[..n], &state);
    }
}

pub fn handle(datagram: &[u8], state: &State) {
    let time = now();
    let arrival = |document| Arrival {
        source: "udp",
        time,
        request: None,
        attempt: None,
        index: 0,
        document,
    };
    match parse_datagram(datagram) {
        Datagram::Document(doc) => {
            let mut report = Report::outlining();
            validate_into(doc, &mut report);
            state.document(&arrival(doc), &report, &verdict(&report));
        }
        Datagram::Otlp { prefix, .. } => {
            let why = format!("an OTLP {prefix} payload, recorded as it came");
            state.other(&arrival(datagram), "otlp", &why)
        }
        Datagram::InvalidHeader => {
            let why = "the daemon drops it: the header is not {\"format\":\"json\",\"version\":1}";
            state.other(&arrival(datagram), "invalid_header", why)
        }
        Datagram::MissingHeaderOrSegment => {
            let why = "the daemon drops it: no newline, or nothing after it";
            state.other(&arrival(datagram), "missing_header_or_segment", why)
        }
    }
    state.flush();
}
