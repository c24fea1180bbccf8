//! The host's metrics, in Prometheus' text format: HTTP requests and their latency, plugin calls
//! by outcome (traps, deadlines, memory caps...), descriptions answered from the cache, and the
//! outbox by status, and the requests services send out. Counted in one process-wide registry;
//! served at `/metrics` to the operator.

use std::sync::OnceLock;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    /// `2xx`, `4xx`, ...: the class keeps the series few.
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

/// One outbound request of a service (capability `http`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutboundLabels {
    city: String,
    service: String,
    /// The approved origin, or `unapproved`.
    host: String,
    /// The HTTP status, or the wasi:http error (`http-request-denied`, `connection-timeout`...).
    status: String,
}

struct Metrics {
    registry: Registry,
    outbound: Family<OutboundLabels, Counter>,
    requests: Family<HttpLabels, Counter>,
    latency: Family<HttpLabels, Histogram>,
    calls: Family<OutcomeLabels, Counter>,
    long_calls: Counter,
    slow_on_callers_thread: Counter,
    descriptions_cached: Counter,
    outbox: Family<StatusLabels, Gauge>,
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let mut registry = Registry::with_prefix("carmen");
        let requests = Family::<HttpLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let latency = Family::<HttpLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_seconds",
            "Time to answer an HTTP request",
            latency.clone(),
        );
        let calls = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "plugin_calls",
            "Plugin calls by outcome: ok, deadline, memory, trap, stack-overflow, ...",
            calls.clone(),
        );
        let long_calls = Counter::default();
        registry.register(
            "plugin_calls_long",
            "Plugin calls still running guest code at their second epoch tick (1-2 ms), which went on below the server's priority",
            long_calls.clone(),
        );
        let slow_on_callers_thread = Counter::default();
        registry.register(
            "plugin_calls_slow_on_callers_thread",
            "Plugin calls whose first slice on their caller's thread used 0.3 ms of CPU or more (they leave it at the next epoch tick); their city's calls then start on the guest threads for a while",
            slow_on_callers_thread.clone(),
        );
        let descriptions_cached = Counter::default();
        registry.register(
            "descriptions_cached",
            "Service descriptions answered without calling the plugin",
            descriptions_cached.clone(),
        );
        let outbox = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Messages in the outbox by status: pending, sent, dead, suppressed",
            outbox.clone(),
        );
        let outbound = Family::<OutboundLabels, Counter>::default();
        registry.register(
            "plugin_outbound_requests",
            "Requests services sent to their city's applications, by city, service, host and status or error",
            outbound.clone(),
        );
        Metrics {
            registry,
            outbound,
            requests,
            latency,
            calls,
            long_calls,
            slow_on_callers_thread,
            descriptions_cached,
            outbox,
        }
    })
}

/// Counts an answered HTTP request.
pub fn http_request(method: &str, status: u16, seconds: f64) {
    let labels = HttpLabels {
        method: method.to_string(),
        status: format!("{}xx", status / 100),
    };
    let m = metrics();
    m.requests.get_or_create(&labels).inc();
    m.latency.get_or_create(&labels).observe(seconds);
}

/// Counts a plugin call's outcome (`ok`, or a `PluginError::kind`).
pub fn plugin_call(outcome: &str) {
    metrics()
        .calls
        .get_or_create(&OutcomeLabels {
            outcome: outcome.to_string(),
        })
        .inc();
}

/// Counts a call that ran long and went on below the server's priority.
pub fn long_call() {
    metrics().long_calls.inc();
}

/// Counts a call whose first slice on its caller's thread used too much of it.
pub fn slow_on_callers_thread() {
    metrics().slow_on_callers_thread.inc();
}

/// Counts one outbound request of a service.
pub fn outbound_request(sent: &carmen_sandbox::capabilities::http::Sent<'_>) {
    metrics()
        .outbound
        .get_or_create(&OutboundLabels {
            city: sent.city.to_string(),
            service: sent.service.to_string(),
            host: sent.host.to_string(),
            status: sent.outcome.to_string(),
        })
        .inc();
}

/// Everything, in the text format, with the figures read at scrape time: the descriptions the
/// cache answered so far and the outbox's messages by status.
pub fn render(descriptions_cached: u64, outbox: &[(String, i64)]) -> String {
    let m = metrics();
    let seen = m.descriptions_cached.get();
    if descriptions_cached > seen {
        m.descriptions_cached.inc_by(descriptions_cached - seen);
    }
    for (status, count) in outbox {
        m.outbox
            .get_or_create(&StatusLabels {
                status: status.clone(),
            })
            .set(*count);
    }
    let mut text = String::new();
    encode(&mut text, &m.registry).expect("writing to a string works");
    text
}
