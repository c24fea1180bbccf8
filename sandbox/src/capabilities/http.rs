//! `wasi:http/outgoing-handler` (capability `http`): a service's requests to its city's own
//! applications, as standard WASI HTTP, under the host's rules.
//!
//! - Only to an approved origin: the scheme, host and port the city's administrator approved at
//!   install (`registry::hosts`); anything else is `http-request-denied`.
//! - Under the operator's outbound policy (`outbound`): no loopback, link-local or private
//!   address unless the operator allowed that network, checked on the resolved addresses too
//!   (`destination-ip-prohibited`). Redirects are answered to the service, never followed here,
//!   so following one is a new request that meets the same checks.
//! - Within the call's deadline: every request's time counts against it, and one that would pass
//!   it is cut (`connection-timeout`); bodies are bounded both ways (`MAX_REQUEST_BYTES`,
//!   `MAX_RESPONSE_BYTES`), and one call sends at most `MAX_REQUESTS_PER_CALL`.
//! - Counted: every request by city, service, approved host and status (or error).
//!
//! Every failure reaches the service as a `wasi:http` error code it can handle.

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Limited};
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use super::outbound::{OutboundPolicy, REFUSED};

/// The largest response body a service may read.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;
/// The largest request body a service may send.
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;
/// The most requests one call may send.
pub const MAX_REQUESTS_PER_CALL: u32 = 16;

/// The operator's policy and the client that follows it, shared by every call.
#[derive(Clone, Debug)]
pub struct Reach {
    pub policy: OutboundPolicy,
    pub client: reqwest::Client,
}

/// One request as the metrics count it.
pub struct Sent<'a> {
    pub city: &'a str,
    pub service: &'a str,
    /// The approved origin, or `unapproved` (a service cannot grow the series).
    pub host: &'a str,
    /// The HTTP status, or the error's kind.
    pub outcome: &'a str,
}

static RECORDER: OnceLock<fn(&Sent<'_>)> = OnceLock::new();

/// Where every request is counted (the engine's metrics); set once.
pub fn count_with(record: fn(&Sent<'_>)) {
    let _ = RECORDER.set(record);
}

fn count(city: &str, service: &str, host: &str, outcome: &str) {
    if let Some(record) = RECORDER.get() {
        record(&Sent {
            city,
            service,
            host,
            outcome,
        });
    }
}

/// What one plugin call may reach: made by the engine for each call.
pub struct OutboundCall {
    /// The approved origins of this install.
    hosts: Arc<[String]>,
    reach: Option<Arc<Reach>>,
    /// When the call's deadline passes.
    deadline: Instant,
    city: String,
    service: String,
    sent: u32,
    mode: Mode,
}

/// A request let through: the client, the time left, the approved origin, the address.
type Decided = (Arc<Reach>, Duration, String, url::Url);

/// What a call may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Nothing (`describe`: a form answers from the service alone, and is asked on every view).
    None,
    /// GET, HEAD and OPTIONS without a body (`validate`, which only reads).
    ReadOnly,
    /// Anything (`submit`, `on-case-event`, `tick`, `forget`).
    ReadWrite,
}

impl OutboundCall {
    /// A call of `service` in `city` that may reach `hosts` through `reach` until `deadline`,
    /// sending what `mode` allows.
    pub fn new(
        hosts: Arc<[String]>,
        reach: Option<Arc<Reach>>,
        deadline: Instant,
        (city, service): (&str, &str),
        mode: Mode,
    ) -> OutboundCall {
        OutboundCall {
            hosts,
            reach,
            deadline,
            city: city.to_string(),
            service: service.to_string(),
            sent: 0,
            mode,
        }
    }

    /// From now on requests that change things may go out too (`submit` after `validate`).
    pub fn allow_writes(&mut self) {
        self.mode = Mode::ReadWrite;
    }

    /// How many requests the call sent (or tried to).
    pub fn sent(&self) -> u32 {
        self.sent
    }

    /// Whether `request` may go out now: within the call's count, its origin approved, in a
    /// call that may send it, before the deadline, to an address the policy permits when it
    /// names one. Returns the parsed address it goes to (the one reqwest is given).
    fn decide(
        &mut self,
        method: &http::Method,
        uri: &http::Uri,
    ) -> Result<Decided, (&'static str, Error)> {
        const DENIED: (&str, Error) = ("unapproved", Error::HttpRequestDenied);
        self.sent += 1;
        // Past the count, refused without a word: a loop of refusals cannot flood the log.
        if self.sent > MAX_REQUESTS_PER_CALL {
            if self.sent == MAX_REQUESTS_PER_CALL + 1 {
                self.refused(&format!(
                    "more than {MAX_REQUESTS_PER_CALL} requests in one call"
                ));
            }
            return Err(DENIED);
        }
        if self.mode == Mode::None {
            self.refused("a request in describe, which answers from the service alone");
            return Err(DENIED);
        }
        // One parse, by the parser the client uses: what is checked is where it connects.
        let url = url::Url::parse(&uri.to_string())
            .map_err(|_| ("unapproved", Error::HttpRequestUriInvalid))?;
        let origin = carmen_registry::hosts::origin_of_request(url.as_str())
            .map_err(|_| ("unapproved", Error::HttpRequestUriInvalid))?;
        if !self.hosts.contains(&origin) {
            let shown: String = origin.chars().take(120).collect();
            self.refused(&format!(
                "{shown} is not a host this city approved for this service (approved: {})",
                if self.hosts.is_empty() {
                    "none".to_string()
                } else {
                    self.hosts.join(", ")
                }
            ));
            return Err(DENIED);
        }
        if self.mode == Mode::ReadOnly
            && !matches!(
                *method,
                http::Method::GET | http::Method::HEAD | http::Method::OPTIONS
            )
        {
            self.refused(&format!(
                "a {method} request in validate, which only reads: send it from submit"
            ));
            return Err(DENIED);
        }
        let reach = self.reach.clone().ok_or(DENIED)?;
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(("unapproved", Error::ConnectionTimeout));
        }
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if let Some(ip) = literal
            && !reach.policy.permits(ip)
        {
            self.refused(&format!("{ip} is an address this host does not call"));
            return Err(("unapproved", Error::DestinationIpProhibited));
        }
        Ok((reach, remaining, origin, url))
    }

    fn refused(&self, why: &str) {
        tracing::warn!(target: "carmen::plugin", city = %self.city, service = %self.service,
            "outbound request refused: {why}");
    }
}

type Sending = Box<
    dyn Future<
            Output = wasmtime_wasi_http::Result<(
                http::Response<WasiBody>,
                Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
            )>,
        > + Send,
>;

impl WasiHttpHooks for OutboundCall {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        _options: Option<RequestOptions>,
        _fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Sending {
        let decided = self.decide(request.method(), request.uri());
        let (city, service) = (self.city.clone(), self.service.clone());
        let read_only = self.mode != Mode::ReadWrite;
        Box::new(async move {
            let (reach, remaining, host, url) = match decided {
                Ok(decided) => decided,
                Err((host, error)) => {
                    count(&city, &service, host, &kind(&error));
                    return Err(error);
                }
            };
            let sent = send(&reach, request, url, remaining, read_only).await;
            let outcome = match &sent {
                Ok(response) => status_label(response.status().as_u16()),
                Err(error) => kind(error),
            };
            count(&city, &service, &host, &outcome);
            if let Err(error) = &sent {
                tracing::info!(target: "carmen::plugin", %city, %service, %host,
                    "outbound request failed: {error}");
            }
            let done: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send> =
                Box::new(async { Ok(()) });
            sent.map(|response| (response, done))
        })
    }
}

/// A status as the metrics label it: the common ones themselves, the others by class.
fn status_label(status: u16) -> String {
    const NAMED: [u16; 20] = [
        200, 201, 202, 204, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 409, 422, 429, 500,
        502, 503,
    ];
    if NAMED.contains(&status) {
        status.to_string()
    } else {
        format!("{}xx", status / 100)
    }
}

/// Sends `request` to `url` with the shared client within `remaining`, its bodies bounded (none
/// at all when `read_only`).
async fn send(
    reach: &Reach,
    request: http::Request<WasiBody>,
    url: url::Url,
    remaining: Duration,
    read_only: bool,
) -> Result<http::Response<WasiBody>, Error> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let body = tokio::time::timeout(remaining, Limited::new(body, MAX_REQUEST_BYTES).collect())
        .await
        .map_err(|_| Error::ConnectionWriteTimeout)?
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                Error::HttpRequestBodySize(None)
            } else {
                Error::HttpRequestDenied
            }
        })?
        .to_bytes();
    if read_only && !body.is_empty() {
        return Err(Error::HttpRequestDenied);
    }
    let remaining = remaining.saturating_sub(started.elapsed());
    let mut headers = parts.headers;
    headers.remove(http::header::HOST);
    let response = reach
        .client
        .request(parts.method, url)
        .headers(headers)
        .body(body)
        .timeout(remaining)
        .send()
        .await
        .map_err(|e| error_of(&e))?;
    if let Some(length) = response.content_length()
        && length > MAX_RESPONSE_BYTES as u64
    {
        return Err(Error::HttpResponseBodySize(Some(length)));
    }
    let response: http::Response<reqwest::Body> = response.into();
    Ok(response.map(|body| {
        Limited::new(body, MAX_RESPONSE_BYTES)
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    Error::HttpResponseBodySize(None)
                } else if e
                    .downcast_ref::<reqwest::Error>()
                    .is_some_and(|e| e.is_timeout())
                {
                    Error::ConnectionReadTimeout
                } else {
                    Error::HttpResponseIncomplete
                }
            })
            .boxed_unsync()
    }))
}

/// The `wasi:http` error a client failure is.
fn error_of(e: &reqwest::Error) -> Error {
    let text = format!("{e:?}");
    if e.is_timeout() {
        if e.is_connect() {
            Error::ConnectionTimeout
        } else {
            Error::ConnectionReadTimeout
        }
    } else if text.contains(REFUSED) {
        Error::DestinationIpProhibited
    } else if e.is_connect() {
        if text.contains("dns error") || text.contains("failed to lookup") {
            Error::DnsError {
                rcode: None,
                info_code: None,
            }
        } else {
            Error::ConnectionRefused
        }
    } else if e.is_body() || e.is_decode() {
        Error::HttpResponseIncomplete
    } else {
        Error::HttpProtocolError
    }
}

/// A short name for an error, as the metrics label it.
fn kind(error: &Error) -> String {
    let debug = format!("{error:?}");
    let name = debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("Error");
    // HttpRequestDenied -> http-request-denied, as wasi:http names it.
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(hosts: &[&str], read_only: bool, deadline: Duration) -> OutboundCall {
        let mode = if read_only {
            Mode::ReadOnly
        } else {
            Mode::ReadWrite
        };
        let policy = OutboundPolicy::default();
        let client = policy.client(Duration::from_secs(1)).unwrap();
        OutboundCall::new(
            hosts.iter().map(|h| h.to_string()).collect(),
            Some(Arc::new(Reach { policy, client })),
            Instant::now() + deadline,
            ("rivertown", "bulky-waste"),
            mode,
        )
    }

    fn refused(call: &mut OutboundCall, method: http::Method, url: &str) -> Option<Error> {
        call.decide(&method, &url.parse().unwrap())
            .err()
            .map(|(_, e)| e)
    }

    #[test]
    fn only_approved_origins_within_the_calls_rules_go_out() {
        let mut c = call(
            &["https://waste.example.org", "http://10.1.2.3:8080"],
            false,
            Duration::from_secs(5),
        );
        assert!(
            refused(
                &mut c,
                http::Method::POST,
                "https://waste.example.org:443/bookings"
            )
            .is_none()
        );
        assert!(matches!(
            refused(&mut c, http::Method::GET, "https://evil.example/slots"),
            Some(Error::HttpRequestDenied)
        ));
        assert!(
            matches!(
                refused(&mut c, http::Method::GET, "http://waste.example.org/slots"),
                Some(Error::HttpRequestDenied)
            ),
            "another scheme is another origin"
        );
        assert!(
            matches!(
                refused(&mut c, http::Method::GET, "http://10.1.2.3:8080/"),
                Some(Error::DestinationIpProhibited)
            ),
            "approved, but the operator allowed no private network"
        );
        for odd in [
            "http://0xa.1.2.3:8080/",
            "http://167838211:8080/",
            "http://012.1.2.3:8080/",
        ] {
            assert!(
                matches!(
                    refused(&mut c, http::Method::GET, odd),
                    Some(Error::DestinationIpProhibited)
                ),
                "{odd}: the same address written another way"
            );
        }
        for _ in 0..MAX_REQUESTS_PER_CALL - 7 {
            refused(&mut c, http::Method::GET, "https://waste.example.org/");
        }
        assert!(
            matches!(
                refused(&mut c, http::Method::GET, "https://waste.example.org/"),
                Some(Error::HttpRequestDenied)
            ),
            "at most {MAX_REQUESTS_PER_CALL} a call"
        );

        let mut reading = call(&["https://waste.example.org"], true, Duration::from_secs(5));
        assert!(
            refused(
                &mut reading,
                http::Method::GET,
                "https://waste.example.org/slots"
            )
            .is_none()
        );
        assert!(
            matches!(
                refused(
                    &mut reading,
                    http::Method::POST,
                    "https://waste.example.org/bookings"
                ),
                Some(Error::HttpRequestDenied)
            ),
            "validate only reads"
        );
        reading.allow_writes();
        assert!(
            refused(
                &mut reading,
                http::Method::POST,
                "https://waste.example.org/bookings"
            )
            .is_none()
        );

        let mut late = call(&["https://waste.example.org"], false, Duration::ZERO);
        assert!(matches!(
            refused(&mut late, http::Method::GET, "https://waste.example.org/"),
            Some(Error::ConnectionTimeout)
        ));
        let mut none = call(&[], false, Duration::from_secs(5));
        assert!(matches!(
            refused(&mut none, http::Method::GET, "https://waste.example.org/"),
            Some(Error::HttpRequestDenied)
        ));
    }

    #[test]
    fn describe_sends_nothing_and_statuses_are_labelled_by_a_few_names() {
        let policy = OutboundPolicy::default();
        let client = policy.client(Duration::from_secs(1)).unwrap();
        let mut describing = OutboundCall::new(
            Arc::from(vec!["https://waste.example.org".to_string()]),
            Some(Arc::new(Reach { policy, client })),
            Instant::now() + Duration::from_secs(5),
            ("rivertown", "bulky-waste"),
            Mode::None,
        );
        assert!(matches!(
            refused(
                &mut describing,
                http::Method::GET,
                "https://waste.example.org/"
            ),
            Some(Error::HttpRequestDenied)
        ));
        assert_eq!(status_label(201), "201");
        assert_eq!(status_label(599), "5xx");
        assert_eq!(status_label(299), "2xx");
    }

    #[test]
    fn errors_are_named_as_wasi_http_names_them() {
        assert_eq!(kind(&Error::HttpRequestDenied), "http-request-denied");
        assert_eq!(
            kind(&Error::HttpResponseBodySize(Some(3))),
            "http-response-body-size"
        );
        assert_eq!(kind(&Error::ConnectionTimeout), "connection-timeout");
    }
}
