//! Trusted reverse proxies: which connecting addresses may say, in `X-Forwarded-For`, whom they
//! forward, and so which client address a request comes from. Anyone else's forwarded header is
//! ignored: a client could write whatever it likes there.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A block of addresses: a network and how many of its leading bits are fixed (a single address
/// fixes all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    bits: u8,
}

impl Cidr {
    /// `192.0.2.7`, `10.0.0.0/8`, `2001:db8::/32` or `::1`; None for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let (address, bits) = match text.split_once('/') {
            Some((address, bits)) => (address, Some(bits)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            None => max,
            Some(b) if !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()) => {
                b.parse::<u8>().ok().filter(|b| *b <= max)?
            }
            Some(_) => return None,
        };
        Some(Self {
            network: masked(network, bits),
            bits,
        })
    }

    /// Whether `ip` is in the block (an IPv4 address seen as IPv4-mapped IPv6 counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        ip.is_ipv4() == self.network.is_ipv4() && masked(ip, self.bits) == self.network
    }
}

/// `ip` with every bit past the first `bits` cleared.
fn masked(ip: IpAddr, bits: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask))
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed (none by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// Comma-separated addresses or CIDR blocks; the problem with the first entry that is
    /// neither, if any.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                Cidr::parse(entry)
                    .ok_or_else(|| format!("{entry:?} is not an IP address or a CIDR block"))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|block| block.contains(ip))
    }

    /// The client a request comes from: `peer` itself unless it is a trusted proxy; then the
    /// right-most address of `forwarded` (the `X-Forwarded-For` values, in the order received)
    /// that is not itself a trusted proxy. Each proxy appends the address it was reached from,
    /// so everything left of the first untrusted one may have been written by the client.
    pub fn client<'a>(&self, peer: IpAddr, forwarded: impl Iterator<Item = &'a str>) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = forwarded.flat_map(|value| value.split(',')).collect();
        for hop in hops.into_iter().rev() {
            let Some(ip) = hop_address(hop.trim()) else {
                // Not an address: nothing left of it can be believed either.
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                return ip;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry's address: `192.0.2.7`, `2001:db8::1`, or either with a port
/// (`192.0.2.7:5000`, `[2001:db8::1]:5000`).
fn hop_address(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn addresses_and_blocks_are_read_and_anything_else_is_refused() {
        let trusted = TrustedProxies::parse(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,::1,").unwrap();
        for inside in [
            "10.1.2.3",
            "192.0.2.7",
            "2001:db8::5",
            "::1",
            "::ffff:10.9.9.9",
        ] {
            assert!(trusted.trusts(ip(inside)), "{inside}");
        }
        for outside in ["11.0.0.1", "192.0.2.8", "2001:db9::1", "::2", "127.0.0.1"] {
            assert!(!trusted.trusts(ip(outside)), "{outside}");
        }
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
        assert!(
            TrustedProxies::parse("0.0.0.0/0")
                .unwrap()
                .trusts(ip("8.8.8.8"))
        );
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "proxy.internal",
            "10.0.0",
            "10.0.0.1:80",
            "10.0.0.0/8, nope",
        ] {
            let problem = TrustedProxies::parse(bad).unwrap_err();
            assert!(problem.contains("is not an IP address"), "{bad}: {problem}");
        }
    }

    #[test]
    fn a_trusted_proxy_forwards_the_right_most_untrusted_address() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let pick = |peer: &str, headers: &[&str]| trusted.client(ip(peer), headers.iter().copied());
        // One proxy: the address it was reached from.
        assert_eq!(pick("10.0.0.2", &["198.51.100.4"]), ip("198.51.100.4"));
        // What the client wrote itself sits to the left and is not believed.
        assert_eq!(
            pick("10.0.0.2", &["1.2.3.4, 198.51.100.4"]),
            ip("198.51.100.4")
        );
        // Two proxies, across two headers: the right-most address not a proxy.
        assert_eq!(
            pick("10.0.0.2", &["6.6.6.6, 198.51.100.4", "10.0.0.9"]),
            ip("198.51.100.4")
        );
        assert_eq!(pick("10.0.0.2", &["[2001:db8::7]:4711"]), ip("2001:db8::7"));
        // Garbage where the client should be: the last proxy is the best known.
        assert_eq!(pick("10.0.0.2", &["junk, 10.0.0.9"]), ip("10.0.0.9"));
        assert_eq!(pick("10.0.0.2", &[]), ip("10.0.0.2"));
        // Everyone a proxy: the left-most.
        assert_eq!(pick("10.0.0.2", &["10.0.0.7, 10.0.0.9"]), ip("10.0.0.7"));
    }

    #[test]
    fn anyone_elses_forwarded_header_is_ignored() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let peer = ip("203.0.113.9");
        assert_eq!(trusted.client(peer, ["198.51.100.4"].into_iter()), peer);
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("10.0.0.2"), ["198.51.100.4"].into_iter()),
            ip("10.0.0.2")
        );
    }
}
