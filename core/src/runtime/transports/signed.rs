//! Signed posts to a city's own systems (its SMS gateway, its webhook), through the outbound
//! policy, and the signature both ends check: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{Failure, PostTransport, Sending, SignedPost};
use crate::runtime::outbound::{self, Outbound};

/// How long a signature holds, either way of now (seconds).
pub const SIGNATURE_WINDOW_SECONDS: i64 = 300;

/// The signature header of a webhook `body` sent at `timestamp` with `secret`:
/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length works");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Whether `header` signs `body` with `secret` within `SIGNATURE_WINDOW_SECONDS` of `now` (what a
/// receiver checks; a replay outside the window, or with another body, fails).
pub fn verify_signature(secret: &str, header: &str, body: &[u8], now: i64) -> bool {
    let mut timestamp = None;
    let mut given = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => given = hex::decode(v).ok(),
            _ => {}
        }
    }
    let (Some(timestamp), Some(given)) = (timestamp, given) else {
        return false;
    };
    if (now - timestamp).abs() > SIGNATURE_WINDOW_SECONDS {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length works");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// Posts over HTTP with the host's outbound client: never to its own network, unless allowed.
pub struct HttpPost {
    outbound: Outbound,
}

impl HttpPost {
    pub fn new(outbound: &Outbound) -> HttpPost {
        HttpPost {
            outbound: outbound.clone(),
        }
    }
}

impl PostTransport for HttpPost {
    /// A 4xx other than 408 and 429 is final, anything else worth retrying.
    fn post(&self, post: SignedPost) -> Sending<'_> {
        Box::pin(async move {
            outbound::check_before_sending(&self.outbound.policy, &post.url)
                .map_err(Failure::Permanent)?;
            let answer = self
                .outbound
                .client
                .post(&post.url)
                .header("content-type", "application/json")
                .header(
                    "carmen-signature",
                    signature(&post.secret, crate::db::now(), &post.body),
                )
                .header("carmen-delivery", post.delivery_id)
                .body(post.body)
                .send()
                .await
                .map_err(|e| {
                    // A name that resolves only to addresses this host does not call will not do
                    // better on a retry.
                    if format!("{e:?}").contains(outbound::REFUSED) {
                        Failure::Permanent(format!("the receiver: {}", outbound::REFUSED))
                    } else {
                        Failure::Transient(format!("the receiver: {e}"))
                    }
                })?;
            let status = answer.status();
            if status.is_success() {
                Ok(())
            } else if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
                Err(Failure::Permanent(format!(
                    "the receiver refused it: {status}"
                )))
            } else {
                Err(Failure::Transient(format!(
                    "the receiver answered {status}"
                )))
            }
        })
    }
}
