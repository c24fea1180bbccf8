//! What keeps the HTTP surface up under abuse: header size limit, rate limits per client address
//! and per key (429 with Retry-After), CSRF protection for cookie-authenticated changes, a
//! concurrency limit that sheds load, a request timeout, security headers, strict CORS, and no
//! panic ever reaching a client.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use super::ApiError;
use super::auth::CrossSite;
use super::shared_limits::{SharedLimits, Subject};

/// The limits of one server.
#[derive(Clone, Debug)]
pub struct HttpPolicy {
    /// Requests per second one client address may sustain, and its burst.
    pub per_client_per_second: u32,
    pub per_client_burst: u32,
    /// Requests per second one API key or token may sustain, and its burst.
    pub per_key_per_second: u32,
    pub per_key_burst: u32,
    /// Requests handled at once; more are shed with 503.
    pub max_concurrent: usize,
    /// How long one request may take, body included.
    pub request_timeout: Duration,
    /// Largest total size of a request's headers.
    pub max_header_bytes: usize,
    /// Origins whose pages may call the API from a browser (none by default).
    pub cors_origins: Vec<String>,
    /// Reverse proxies in front of Carmen. A request from one of them is limited by the client
    /// address it names in `X-Forwarded-For`; from anywhere else that header is ignored, so a
    /// client cannot dodge its limit by writing the header itself. None by default.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// Who the client is, as the guard established it: its address (a trusted proxy's
/// `X-Forwarded-For` hop, else the peer) and whether it reached the site over HTTPS (a trusted
/// proxy's `X-Forwarded-Proto`; Carmen itself serves plain HTTP behind it).
#[derive(Clone, Copy, Debug)]
pub struct Client {
    pub address: IpAddr,
    pub https: bool,
}

/// Parses a proxy address or network: `10.0.0.5`, `10.0.0.0/8`, `::1`.
pub fn parse_proxy(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{text:?} is not an IP address or network (10.0.0.5, 10.0.0.0/8)"))
}

/// The address a request is limited by: the peer's, or, when the peer is a trusted proxy, the
/// right-most address in `X-Forwarded-For` that is not a trusted proxy (the left part of the header
/// is whatever the client wrote, so only the hops the proxies added are believed).
fn client_address(peer: IpAddr, request: &Request, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|hop| hop.trim().parse::<IpAddr>())
        .collect::<Vec<_>>();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        match hop {
            Ok(ip) if is_trusted(&ip) => client = ip,
            Ok(ip) => return ip,
            // A hop that is not an address: believe nothing further left.
            Err(_) => return client,
        }
    }
    client
}

impl Default for HttpPolicy {
    fn default() -> Self {
        HttpPolicy {
            per_client_per_second: 100,
            per_client_burst: 1_000,
            per_key_per_second: 50,
            per_key_burst: 500,
            max_concurrent: 512,
            request_timeout: Duration::from_secs(30),
            max_header_bytes: 16 * 1024,
            cors_origins: Vec::new(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// Rate limits shared by every request of a server.
pub struct RateLimits {
    clients: DefaultKeyedRateLimiter<IpAddr>,
    keys: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    checks: std::sync::atomic::AtomicU64,
    /// Where other nodes serve the same database: every node's counts, summed.
    shared: Option<SharedLimits>,
}

/// Every this many checks, the limiters forget addresses and keys whose limits have refilled, so
/// that memory stays bounded however many clients come and go.
const PURGE_EVERY: u64 = 10_000;

fn quota(per_second: u32, burst: u32) -> Quota {
    let per_second = NonZeroU32::new(per_second.max(1)).expect("at least one");
    Quota::per_second(per_second).allow_burst(NonZeroU32::new(burst.max(1)).expect("at least one"))
}

impl RateLimits {
    pub fn new(policy: &HttpPolicy) -> RateLimits {
        RateLimits {
            clients: RateLimiter::keyed(quota(
                policy.per_client_per_second,
                policy.per_client_burst,
            )),
            keys: RateLimiter::keyed(quota(policy.per_key_per_second, policy.per_key_burst)),
            clock: DefaultClock::default(),
            checks: std::sync::atomic::AtomicU64::new(0),
            shared: None,
        }
    }

    /// The limits of a node among several on one database: each client's limit holds over all
    /// of them (`shared_limits`), once its counts are shared (`shared_limits::share_through`).
    pub fn across_nodes(policy: &HttpPolicy) -> RateLimits {
        RateLimits {
            shared: Some(SharedLimits::new(policy)),
            ..RateLimits::new(policy)
        }
    }

    /// The counts shared with other nodes, if this node has any.
    pub fn shared(&self) -> Option<&SharedLimits> {
        self.shared.as_ref()
    }

    fn purge_now_and_then(&self) {
        if self
            .checks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            % PURGE_EVERY
            == PURGE_EVERY - 1
        {
            self.clients.retain_recent();
            self.keys.retain_recent();
        }
    }

    /// How many client addresses and keys the limiters remember.
    pub fn remembered(&self) -> (usize, usize) {
        (self.clients.len(), self.keys.len())
    }

    /// `Err(wait)` when the client address is over its limit.
    pub fn check_client(&self, ip: IpAddr) -> Result<(), Duration> {
        self.purge_now_and_then();
        self.clients
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))?;
        match &self.shared {
            Some(shared) => {
                let hashed = crate::runtime::types::token_hash(&ip.to_string());
                shared.check(Subject::Client(&hashed))
            }
            None => Ok(()),
        }
    }

    /// `Err(wait)` when the key (or token) is over its limit. Keys are held only as their hash.
    pub fn check_key(&self, key: &str) -> Result<(), Duration> {
        self.purge_now_and_then();
        let hashed = crate::runtime::types::token_hash(key);
        self.keys
            .check_key(&hashed)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))?;
        match &self.shared {
            Some(shared) => shared.check(Subject::Key(&hashed)),
            None => Ok(()),
        }
    }
}

/// 429 with `Retry-After`, as a problem document.
pub fn too_many(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many requests",
        format!("slow down; retry in {seconds} s"),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

struct Guard {
    policy: HttpPolicy,
    limits: Arc<RateLimits>,
}

fn bearer(request: &Request) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

fn query_key(request: &Request) -> Option<String> {
    let query = request.uri().query()?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, v)| k == "api_key" && !v.is_empty())
        .map(|(_, v)| v)
}

/// Whether a cookie-authenticated change comes from a page of this site (or an allowed origin).
fn same_origin(request: &Request, allowed: &[String]) -> bool {
    if request.headers().contains_key("x-carmen-csrf") {
        // A custom header cannot be sent cross-origin without a CORS preflight that we would refuse.
        return true;
    }
    let Some(origin) = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let bare = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    bare == host || allowed.iter().any(|a| a == origin)
}

async fn protect(State(guard): State<Arc<Guard>>, mut request: Request, next: Next) -> Response {
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if header_bytes > guard.policy.max_header_bytes {
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers-too-large",
            "Request headers too large",
            format!(
                "the headers may take at most {} bytes",
                guard.policy.max_header_bytes
            ),
        )
        .into_response();
    }
    let mut https = false;
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let peer = peer.ip();
        let trusted = &guard.policy.trusted_proxies;
        let client = client_address(peer, &request, trusted);
        if let Err(wait) = guard.limits.check_client(client) {
            return too_many(wait);
        }
        https = trusted.iter().any(|net| net.contains(&peer))
            && request
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
        request.extensions_mut().insert(Client {
            address: client,
            https,
        });
    }
    if let Some(key) = bearer(&request).or_else(|| query_key(&request))
        && let Err(wait) = guard.limits.check_key(&key)
    {
        return too_many(wait);
    }
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method && !same_origin(&request, &guard.policy.cors_origins) {
        // The session cookie may not make this change: the caller refuses it if it is used.
        request.extensions_mut().insert(CrossSite);
    }
    request.extensions_mut().insert(guard.limits.clone());
    let request = drain_oversized(request).await;
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Bodies announced over the limit but no larger than this are read (and dropped) before the
/// refusal, so that the client, still sending, receives it: a server that closes a connection
/// with unread bytes resets it, and the client loses the answer.
const DRAINED_BODY_BYTES: usize = 1024 * 1024;

/// A request whose `Content-Length` passes `MAX_BODY_BYTES`, with its body read first (up to
/// `DRAINED_BODY_BYTES`, for at most 5 s): the route then refuses it in its own format.
async fn drain_oversized(request: Request) -> Request {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match announced {
        Some(length) if length > super::MAX_BODY_BYTES && length <= DRAINED_BODY_BYTES => {
            let (parts, body) = request.into_parts();
            let read = axum::body::to_bytes(body, DRAINED_BODY_BYTES);
            let body = match tokio::time::timeout(Duration::from_secs(5), read).await {
                Ok(Ok(bytes)) => axum::body::Body::from(bytes),
                _ => axum::body::Body::empty(),
            };
            Request::from_parts(parts, body)
        }
        _ => request,
    }
}

async fn overloaded_or_late(error: tower::BoxError) -> Response {
    if error.is::<tower::timeout::error::Elapsed>() {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "Request timed out",
            "the request took too long",
        )
        .into_response()
    } else if error.is::<tower::load_shed::error::Overloaded>() {
        let mut response = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "Server busy",
            "too many requests at once; retry shortly",
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        response
    } else {
        tracing::error!(%error, "unexpected middleware error");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Temporarily unavailable",
            "try again shortly",
        )
        .into_response()
    }
}

fn panicked(_: Box<dyn std::any::Any + Send>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "something went wrong on our side",
    )
    .into_response()
}

/// Wraps `router` in every protection of `policy`.
pub fn protect_router(router: Router, policy: HttpPolicy) -> Router {
    let limits = Arc::new(RateLimits::new(&policy));
    protect_with(router, policy, limits)
}

/// Wraps `router` in every protection of `policy`, counting requests in `limits`.
pub fn protect_with(router: Router, policy: HttpPolicy, limits: Arc<RateLimits>) -> Router {
    let cors = (!policy.cors_origins.is_empty()).then(|| {
        let origins: Vec<HeaderValue> = policy
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static("x-carmen-csrf"),
            ])
            .max_age(Duration::from_secs(600))
    });
    let guard = Arc::new(Guard {
        policy: policy.clone(),
        limits,
    });
    let security = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    let router = router
        .layer(middleware::from_fn_with_state(guard, protect))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(overloaded_or_late))
                .load_shed()
                .concurrency_limit(policy.max_concurrent)
                .timeout(policy.request_timeout),
        )
        .layer(security("x-content-type-options", "nosniff"))
        .layer(security("x-frame-options", "DENY"))
        .layer(security("referrer-policy", "no-referrer"))
        .layer(security(
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        ))
        .layer(security("cross-origin-resource-policy", "same-origin"))
        .layer(security("cache-control", "no-store"))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked));
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiters_forget_clients_whose_limits_have_refilled() {
        let limits = RateLimits::new(&HttpPolicy {
            per_client_per_second: 1_000_000,
            per_client_burst: 1,
            ..Default::default()
        });
        for i in 0..(PURGE_EVERY - 1) {
            let ip = IpAddr::from([10, (i >> 16) as u8, (i >> 8) as u8, i as u8]);
            limits.check_client(ip).unwrap();
        }
        assert_eq!(limits.remembered().0, (PURGE_EVERY - 1) as usize);
        std::thread::sleep(Duration::from_millis(5));
        limits.check_client(IpAddr::from([127, 0, 0, 1])).unwrap();
        assert!(limits.remembered().0 <= 1, "{:?}", limits.remembered());
    }

    fn forwarded(values: &[&str]) -> Request {
        let mut request = Request::new(axum::body::Body::empty());
        for value in values {
            request
                .headers_mut()
                .append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        request
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client_and_only_its_own_hops_are_believed() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let trusted = vec![
            parse_proxy("10.0.0.0/8").unwrap(),
            parse_proxy("::1").unwrap(),
        ];
        let proxy = ip("10.1.2.3");
        let cases: &[(&str, &[&str], &str)] = &[
            // An untrusted peer's header is ignored.
            ("203.0.113.9", &["198.51.100.1"], "203.0.113.9"),
            // A trusted proxy names its client.
            ("10.1.2.3", &["198.51.100.1"], "198.51.100.1"),
            // The client wrote a fake left part; the proxy's own hop is the right-most one.
            ("10.1.2.3", &["6.6.6.6, 198.51.100.1"], "198.51.100.1"),
            // Two proxies in a chain, over two header lines.
            ("10.1.2.3", &["198.51.100.1", "10.9.9.9"], "198.51.100.1"),
            // No header, garbage, or only proxies: the nearest address believed.
            ("10.1.2.3", &[], "10.1.2.3"),
            ("10.1.2.3", &["not-an-ip"], "10.1.2.3"),
            ("10.1.2.3", &["6.6.6.6, nonsense, 10.9.9.9"], "10.9.9.9"),
            ("::1", &["2001:db8::7"], "2001:db8::7"),
        ];
        for (peer, header, client) in cases {
            assert_eq!(
                client_address(ip(peer), &forwarded(header), &trusted),
                ip(client),
                "peer {peer}, X-Forwarded-For {header:?}"
            );
        }
        assert_eq!(
            client_address(proxy, &forwarded(&["198.51.100.1"]), &[]),
            proxy,
            "no proxy trusted by default"
        );
        assert!(parse_proxy("10.0.0.0/33").is_err());
        assert!(
            parse_proxy("proxy.local")
                .unwrap_err()
                .contains("not an IP address")
        );
    }
}
