//! The operator's outbound policy: which addresses the host's requests may reach, for what a city
//! configured (its SMS gateway, its webhook) and for what its services call (capability `http`),
//! and the one kind of client that follows it, which never reaches the host's own network. A URL
//! is checked when a city sets it, and again at connect time, on the addresses its name resolves
//! to (so a name that resolves to 127.0.0.1, or changes to it later, is refused too); redirects
//! are not followed. Loopback, link-local, private, shared and unspecified addresses are refused
//! unless the operator allowed a network explicitly (`carmen serve --allow-outbound 10.0.0.0/8`).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Which addresses outbound requests may reach.
#[derive(Clone, Debug, Default)]
pub struct OutboundPolicy {
    /// Networks allowed although they are not public (none by default).
    pub allowed: Vec<IpNet>,
}

impl OutboundPolicy {
    /// Whether a request may connect to `ip`: a public address, or one the operator allowed.
    pub fn permits(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        self.allowed.iter().any(|net| net.contains(&ip)) || is_public(ip)
    }

    /// Checks a URL a city wants the host to call: http or https, with a host that is not an
    /// address this host may not reach.
    pub fn check_url(&self, url: &str) -> Result<(), String> {
        let invalid = |why: String| format!("{url:?}: {why}");
        let parsed = reqwest::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid(
                "the address starts with https:// (or http://)".into(),
            ));
        }
        let refused =
            || invalid("the host does not call its own network or private addresses".into());
        match parsed.host() {
            None => Err(invalid("the address names no host".into())),
            Some(url::Host::Ipv4(ip)) if !self.permits(IpAddr::V4(ip)) => Err(refused()),
            Some(url::Host::Ipv6(ip)) if !self.permits(IpAddr::V6(ip)) => Err(refused()),
            Some(url::Host::Domain(name)) if is_local_name(name) && !self.allows_loopback() => {
                Err(refused())
            }
            Some(_) => Ok(()),
        }
    }

    fn allows_loopback(&self) -> bool {
        self.permits(IpAddr::from([127, 0, 0, 1]))
    }

    /// The client for outbound requests under this policy: at most `timeout` a request, no
    /// redirects, no proxy from the environment, and only permitted addresses connected to.
    pub fn client(&self, timeout: Duration) -> Result<reqwest::Client, String> {
        self.builder(timeout)
            .build()
            .map_err(|e| format!("the outbound client: {e}"))
    }

    /// The client services' requests go out with (capability `http`): the same rules, its own
    /// connections, few of them kept idle and not for long, so that no host holds many open.
    pub fn services_client(&self, timeout: Duration) -> Result<reqwest::Client, String> {
        self.builder(timeout)
            .pool_max_idle_per_host(2)
            .pool_idle_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| format!("the services' outbound client: {e}"))
    }

    fn builder(&self, timeout: Duration) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(Guarded(self.clone())))
    }
}

/// Whether `name` is a name for this machine whatever DNS says.
fn is_local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// Whether `ip` is an address of the public internet.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                // Shared address space (carrier-grade NAT), 100.64.0.0/10.
                || (a == 100 && (b & 0b1100_0000) == 64)
                // Benchmarking, 198.18.0.0/15, and reserved, 240.0.0.0/4.
                || (a == 198 && (b & 0xfe) == 18)
                // IETF protocol assignments, 192.0.0.0/24.
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local fc00::/7, link-local fe80::/10, documentation 2001:db8::/32.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)
                // Site-local fec0::/10, discard-only 100::/64.
                || (first & 0xffc0) == 0xfec0
                || (first == 0x0100 && v6.segments()[1..4].iter().all(|s| *s == 0))
                // NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32)
                // carry an IPv4 address the checks above skip.
                || (first == 0x0064 && v6.segments()[1] == 0xff9b)
                || first == 0x2002
                || (first == 0x2001 && v6.segments()[1] == 0)
                || v6.segments()[..6].iter().all(|s| *s == 0))
        }
    }
}

/// The system's resolver, keeping only the addresses the policy permits.
struct Guarded(OutboundPolicy);

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            if is_local_name(&host) && !policy.allows_loopback() {
                return Err(refused(&host));
            }
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| policy.permits(addr.ip()))
                .collect();
            if found.is_empty() {
                return Err(refused(&host));
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// What a refused name says, as the dispatcher recognises it.
pub const REFUSED: &str = "resolves only to addresses this host does not call";

fn refused(host: &str) -> Box<dyn std::error::Error + Send + Sync> {
    format!("{host} {REFUSED} (its own network or private ones)").into()
}

/// Checks the host of `url` before a request is sent: names go through the guarded resolver at
/// connect time, but an address written in the URL is connected to directly.
pub fn check_before_sending(policy: &OutboundPolicy, url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| e.to_string())?;
    let ip = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    if policy.permits(ip) {
        Ok(())
    } else {
        Err(format!(
            "{ip} is an address this host does not call (its own network or a private one)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hosts_own_and_private_networks_are_refused_unless_allowed() {
        let none = OutboundPolicy::default();
        for url in [
            "http://127.0.0.1:9000/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:22/",
            "http://10.1.2.3/",
            "http://192.168.0.1/",
            "http://172.16.0.1/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[::ffff:127.0.0.1]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://localhost:8080/",
            "http://api.localhost/",
            "ftp://203.0.113.1/",
            "not a url",
        ] {
            assert!(none.check_url(url).is_err(), "{url} is refused");
        }
        for url in [
            "https://hooks.example.org/carmen",
            "http://93.184.215.14/",
            "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/",
        ] {
            assert!(none.check_url(url).is_ok(), "{url} is allowed");
        }
        let loopback = OutboundPolicy {
            allowed: vec!["127.0.0.0/8".parse().unwrap()],
        };
        assert!(loopback.check_url("http://127.0.0.1:9000/hook").is_ok());
        assert!(loopback.check_url("http://localhost:9000/hook").is_ok());
        assert!(loopback.check_url("http://169.254.169.254/").is_err());
        assert!(check_before_sending(&none, "http://127.0.0.1:1/").is_err());
        assert!(check_before_sending(&loopback, "http://127.0.0.1:1/").is_ok());
    }
}
