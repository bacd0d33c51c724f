//! Webhooks: which targets may be called, the signing secret's shape, which events a
//! subscription takes, and when a failed delivery is tried again.

use chrono::Duration;
use ipnet::IpNet;
use std::net::IpAddr;
use thiserror::Error;

/// Hosts that may be called over plain HTTP and may resolve to private addresses (loopback in
/// tests, a partner system inside the company network): exact host names, IP addresses or
/// networks (`10.1.0.0/16`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Allowlist {
    hosts: Vec<String>,
    nets: Vec<IpNet>,
}

impl Allowlist {
    /// Parses the configured entries; an entry that is neither a host name nor an address or
    /// network is an error naming it.
    pub fn parse(entries: &[String]) -> Result<Allowlist, String> {
        let mut list = Allowlist::default();
        for e in entries {
            let e = e.trim();
            if let Ok(net) = e.parse::<IpNet>() {
                list.nets.push(net);
            } else if let Ok(ip) = e.parse::<IpAddr>() {
                list.nets.push(IpNet::from(ip));
            } else if !e.is_empty()
                && e.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            {
                list.hosts.push(e.to_ascii_lowercase());
            } else {
                return Err(format!(
                    "`{e}` is neither a host name nor an IP address or network"
                ));
            }
        }
        Ok(list)
    }

    pub fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.contains(&host)
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| self.allows_ip(ip))
    }

    pub fn allows_ip(&self, ip: IpAddr) -> bool {
        self.nets.iter().any(|n| n.contains(&ip))
    }
}

/// Addresses a webhook must not reach unless allowlisted (server-side request forgery): loopback,
/// private networks, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
/// unspecified, multicast, broadcast, documentation and IPv6 unique-local; IPv4-mapped IPv6
/// addresses are judged as the IPv4 address they carry.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                // 100.64.0.0/10, shared address space (carrier-grade NAT)
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                // 198.18.0.0/15, benchmarking
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                is_internal(IpAddr::V4(std::net::Ipv4Addr::from(
                    (u32::from(hi) << 16) | u32::from(lo),
                )))
            };
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            // Forms that carry an IPv4 address a network may route to it: NAT64 (64:ff9b::/96 and
            // the local-use 64:ff9b:1::/48), IPv4-compatible (::a.b.c.d), SIIT
            // (::ffff:0:a.b.c.d), 6to4 (2002:AABB:CCDD::/48).
            if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
                || seg[..3] == [0x64, 0xff9b, 1]
                || (seg[..6] == [0; 6] && seg[6] != 0)
                || seg[..6] == [0, 0, 0, 0, 0xffff, 0]
            {
                return embedded(seg[6], seg[7]);
            }
            // Teredo (2001::/32) tunnels to an obfuscated IPv4 address: never a webhook's.
            if seg[0] == 0x2001 && seg[1] == 0 {
                return true;
            }
            if seg[0] == 0x2002 {
                return embedded(seg[1], seg[2]);
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                // fec0::/10, the old site-local
                || (seg[0] & 0xffc0) == 0xfec0
                // 2001:db8::/32, documentation
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
        }
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum TargetError {
    #[error("is not an absolute http(s) URL: {0}")]
    Malformed(String),
    #[error("must use https (plain http only for allowlisted hosts)")]
    NotHttps,
    #[error("must not carry a user name or password")]
    Credentials,
    #[error("names an internal address ({0}); only allowlisted hosts may")]
    Internal(IpAddr),
    #[error("has no host")]
    NoHost,
}

/// A checked webhook target: its URL, host and port.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub url: String,
    pub host: String,
    pub port: u16,
    /// The host is allowlisted: plain HTTP and internal addresses are allowed.
    pub allowlisted: bool,
}

/// Checks a target URL's form: https (or an allowlisted host), no credentials, no fragment, an
/// IP literal not internal unless allowlisted. Names are resolved and their addresses checked by
/// the caller ([`is_internal`]) when subscribing and again on every delivery.
pub fn check_target(url: &str, allow: &Allowlist) -> Result<Target, TargetError> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| TargetError::Malformed(e.to_string()))?;
    let host = parsed.host_str().ok_or(TargetError::NoHost)?.to_owned();
    let allowlisted = allow.allows_host(&host);
    match parsed.scheme() {
        "https" => {}
        "http" if allowlisted => {}
        "http" => return Err(TargetError::NotHttps),
        other => return Err(TargetError::Malformed(format!("scheme `{other}`"))),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(TargetError::Credentials);
    }
    if parsed.fragment().is_some() {
        return Err(TargetError::Malformed("a fragment is not sent".to_owned()));
    }
    if let Some(ip) = match parsed.host() {
        Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        _ => None,
    } {
        if is_internal(ip) && !allowlisted {
            return Err(TargetError::Internal(ip));
        }
    }
    let port = parsed.port_or_known_default().ok_or(TargetError::NoHost)?;
    Ok(Target {
        url: parsed.to_string(),
        host,
        port,
        allowlisted,
    })
}

/// A signing secret as Standard Webhooks spells it: `whsec_` and the base64 of 24 to 64 random
/// bytes. Returns the key's bytes.
pub fn check_secret(secret: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let body = secret
        .strip_prefix("whsec_")
        .ok_or_else(|| "must start with `whsec_`".to_owned())?;
    let key = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| "is not base64 after `whsec_`".to_owned())?;
    if !(24..=64).contains(&key.len()) {
        return Err(format!(
            "holds {} bytes; a signing key is 24 to 64 bytes",
            key.len()
        ));
    }
    Ok(key)
}

/// What a subscription narrows its events to, beyond their types: the sales channel of orders
/// and after-sales cases, the category of products. An event whose resource has no such field is
/// not narrowed by it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub channel: Option<String>,
    pub category: Option<String>,
}

impl Filter {
    /// Whether an event whose resource is `data` passes.
    pub fn passes(&self, data: &serde_json::Value) -> bool {
        let field = |want: &Option<String>, name: &str| match (want, data.get(name)) {
            (Some(want), Some(serde_json::Value::String(got))) => got == want,
            _ => true,
        };
        field(&self.channel, "channel") && field(&self.category, "category")
    }
}

/// When failed deliveries are tried again: after the first try fails, wait `schedule[0]`, and so
/// on; when the schedule is spent the delivery has failed. Each wait is stretched by up to
/// `jitter_percent` so that many deliveries failing at once do not all come back at once.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub schedule: Vec<Duration>,
    pub jitter_percent: u32,
}

impl Default for RetryPolicy {
    /// Eight tries over about 27 hours: at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h
    /// and 10 h.
    fn default() -> Self {
        RetryPolicy {
            schedule: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]
                .into_iter()
                .map(Duration::seconds)
                .collect(),
            jitter_percent: 10,
        }
    }
}

impl RetryPolicy {
    /// The wait before the next try after `tries` tries (counting the one that just failed);
    /// `None` when there is none. `unit` in `[0, 1)` picks the jitter.
    pub fn next_wait(&self, tries: u32, unit: f64) -> Option<Duration> {
        let base = self
            .schedule
            .get(usize::try_from(tries).ok()?.checked_sub(1)?)?;
        let extra_ms =
            (base.num_milliseconds() as f64) * f64::from(self.jitter_percent) / 100.0 * unit;
        Some(*base + Duration::milliseconds(extra_ms as i64))
    }

    /// Tries in all: the first and one per wait.
    pub fn tries(&self) -> usize {
        self.schedule.len() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(e: &[&str]) -> Allowlist {
        Allowlist::parse(&e.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap_or_default()
    }

    #[test]
    fn internal_addresses_are_refused_unless_allowlisted() {
        let none = Allowlist::default();
        for url in [
            "http://127.0.0.1/hook",
            "https://127.0.0.1/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.8/",
            "https://192.168.1.1/",
            "https://172.16.0.1/",
            "https://[::1]/",
            "https://[fe80::1]/",
            "https://[fd00::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[64:ff9b::a9fe:a9fe]/",
            "https://[::a9fe:a9fe]/",
            "https://[2002:a9fe:a9fe::1]/",
            "https://[fec0::1]/",
            "https://[64:ff9b:1::a9fe:a9fe]/",
            "https://[::ffff:0:a9fe:a9fe]/",
            "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
        ] {
            let r = check_target(url, &none);
            assert!(
                matches!(
                    r,
                    Err(TargetError::Internal(_)) | Err(TargetError::NotHttps)
                ),
                "{url}: {r:?}"
            );
        }
        assert!(check_target("https://8.8.8.8/hook", &none).is_ok());
        assert!(check_target("https://[2606:4700::1111]/hook", &none).is_ok());
        assert!(check_target("https://[64:ff9b::808:808]/hook", &none).is_ok());
        let loopback = allow(&["127.0.0.1"]);
        assert!(check_target("http://127.0.0.1:9000/hook", &loopback).is_ok());
        assert!(check_target("http://169.254.169.254/", &loopback).is_err());
        let net = allow(&["10.1.0.0/16", "erp.internal"]);
        assert!(check_target("http://10.1.2.3/", &net).is_ok());
        assert!(check_target("http://erp.internal/x", &net).is_ok());
        assert_eq!(
            check_target("http://partner.example/x", &net),
            Err(TargetError::NotHttps)
        );
    }

    #[test]
    fn targets_are_plain_https_urls() {
        let none = Allowlist::default();
        assert_eq!(
            check_target("https://u:p@partner.example/", &none),
            Err(TargetError::Credentials)
        );
        assert!(matches!(
            check_target("ftp://partner.example/", &none),
            Err(TargetError::Malformed(_))
        ));
        assert!(matches!(
            check_target("partner.example/hook", &none),
            Err(TargetError::Malformed(_))
        ));
        let t = check_target("https://partner.example/hooks/ecops?x=1", &none);
        assert_eq!(
            t.map(|t| (t.host, t.port)),
            Ok(("partner.example".into(), 443))
        );
        assert!(Allowlist::parse(&["not a host!".to_owned()]).is_err());
    }

    #[test]
    fn secrets_are_24_to_64_bytes_in_standard_base64() {
        assert!(check_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
        assert!(check_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(check_secret("whsec_c2hvcnQ=").is_err());
        assert!(check_secret("whsec_not*base64*at*all*here*xxxxxxx").is_err());
    }

    #[test]
    fn the_default_schedule_is_eight_tries_over_about_a_day() {
        let p = RetryPolicy::default();
        assert_eq!(p.tries(), 8);
        let total: i64 = (1..8)
            .filter_map(|t| p.next_wait(t, 0.0))
            .map(|d| d.num_seconds())
            .sum();
        assert!((24 * 3600..30 * 3600).contains(&total), "{total}");
        assert_eq!(p.next_wait(8, 0.0), None);
        assert_eq!(p.next_wait(0, 0.0), None);
        let jittered = p.next_wait(2, 0.999).map(|d| d.num_seconds());
        assert!(jittered.is_some_and(|s| (300..=330).contains(&s)));
    }

    #[test]
    fn a_filter_narrows_only_resources_that_have_the_field() {
        let f = Filter {
            channel: Some("tmall".into()),
            category: None,
        };
        assert!(f.passes(&serde_json::json!({"channel": "tmall"})));
        assert!(!f.passes(&serde_json::json!({"channel": "jd"})));
        assert!(f.passes(&serde_json::json!({"sku": "A"})));
    }
}
