//! Who the client is: its address, as every limit and the audit log count it.
//!
//! Behind a reverse proxy every request comes from the proxy's address. The client's own is
//! taken from `Forwarded` (RFC 7239) or `X-Forwarded-For` only when the peer is one of
//! `TWINNING_TRUSTED_PROXIES`: walking the list from the right (the hop nearest to us), trusted
//! proxies are skipped and the first address that is not one is the client. Anything a client
//! wrote into those headers itself sits to the left of what our proxies appended, so it is
//! never reached unless every hop after it is trusted. Without trusted proxies (the default)
//! the headers are ignored.
//!
//! Written here rather than taken from axum-client-ip: its sources trust a fixed position in
//! one header (e.g. the rightmost `X-Forwarded-For`), not a list of proxy networks, and the
//! rule above is a few lines on `ipnet`, already in the tree.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

tokio::task_local! {
    /// The client of the request being handled, for the audit log.
    static CLIENT: ClientIp;
}

/// Runs `work` as the handling of a request from `client` ([`current_client`] answers it).
pub async fn with_client<F: std::future::Future>(client: ClientIp, work: F) -> F::Output {
    CLIENT.scope(client, work).await
}

/// The client of the request this task is handling; `None` outside a request (the command
/// line, background jobs).
pub fn current_client() -> Option<ClientIp> {
    CLIENT.try_with(|c| *c).ok()
}

/// The networks whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

/// The client's address, resolved once per request and kept in its extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The key a per-client limit counts by: the address, or for IPv6 its /64 (one
    /// subscriber's network, in which a client can pick any address it likes).
    pub fn limit_key(self) -> IpAddr {
        match self.0 {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let s = v6.segments();
                    IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
        }
    }
}

impl TrustedProxies {
    /// Parses a comma- or space-separated list of networks (`10.0.0.0/8`) and addresses
    /// (`127.0.0.1`, taken as a network of one).
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s:?} is not an address or a network like 10.0.0.0/8"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request that came from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops = forwarded_for(headers);
        // From the nearest hop outwards: the first address we do not trust sent the request.
        let mut nearest = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) if self.trusts(*ip) => nearest = *ip,
                Some(ip) => return *ip,
                // An obfuscated or garbled entry: the last hop we trust is as far as we know.
                None => return nearest,
            }
        }
        nearest
    }
}

/// An IPv4 address written as IPv6 (`::ffff:1.2.3.4`) counts as the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The chain of client addresses the proxies reported, farthest first: the `for=` of every
/// `Forwarded` element if there is such a header, else every `X-Forwarded-For` entry. `None`
/// stands for an entry that is not an address (`unknown`, `_hidden`, garbage).
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<_> = headers.get_all("forwarded").iter().collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.to_str().unwrap_or("").split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| node_address(value.trim()))
                })
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .map(|entry| node_address(entry.trim()))
        .collect()
}

/// The address of a node as `Forwarded` or `X-Forwarded-For` write it: `1.2.3.4`,
/// `"[2001:db8::1]:4711"`, `1.2.3.4:80`.
fn node_address(value: &str) -> Option<IpAddr> {
    let value = value.trim_matches('"');
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(socket) = value.parse::<SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    let inner = value.strip_prefix('[')?.split(']').next()?;
    inner.parse::<IpAddr>().ok().map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, value.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_headers_are_ignored() {
        let none = TrustedProxies::default();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(none.client(ip("127.0.0.1"), &h), ip("127.0.0.1"));
    }

    #[test]
    fn a_trusted_proxy_reports_the_client() {
        let trusted = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &h), ip("203.0.113.9"));
        assert_eq!(
            trusted.client(ip("192.0.2.1"), &h),
            ip("192.0.2.1"),
            "an untrusted peer's header is ignored"
        );
    }

    #[test]
    fn what_a_client_forges_on_the_left_is_never_reached() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // The client sent "X-Forwarded-For: 1.1.1.1"; our proxies appended the rest.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.0.0.2")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &h), ip("198.51.100.7"));
        let split = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &split), ip("198.51.100.7"));
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_reads_its_forms() {
        let trusted = TrustedProxies::parse("127.0.0.0/8 ::1").unwrap();
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            (
                "forwarded",
                "for=192.0.2.60;proto=http, For=\"[2001:db8:cafe::17]:4711\"",
            ),
        ]);
        assert_eq!(trusted.client(ip("::1"), &h), ip("2001:db8:cafe::17"));
        let hidden = headers(&[("forwarded", "for=_hidden, for=127.0.0.5")]);
        assert_eq!(
            trusted.client(ip("127.0.0.1"), &hidden),
            ip("127.0.0.5"),
            "an obfuscated hop stops the walk at the last trusted one"
        );
    }

    #[test]
    fn garbage_falls_back_to_the_proxy() {
        let trusted = TrustedProxies::parse("127.0.0.1").unwrap();
        let h = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &h), ip("127.0.0.1"));
        assert_eq!(
            trusted.client(ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_64() {
        let a = ClientIp(ip("2001:db8:1:2:aaaa::1")).limit_key();
        let b = ClientIp(ip("2001:db8:1:2:bbbb::9")).limit_key();
        let c = ClientIp(ip("2001:db8:1:3::1")).limit_key();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            ClientIp(ip("::ffff:192.0.2.1")).limit_key(),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn bad_settings_are_named() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
    }
}
