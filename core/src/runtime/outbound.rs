//! Outbound HTTP to addresses a city configured (its SMS gateway, its webhook): the one client
//! that makes those requests, under the operator's policy (`capabilities::outbound`), which its
//! services' own calls follow too.

use std::time::Duration;

pub use crate::capabilities::outbound::{OutboundPolicy, REFUSED, check_before_sending};

use super::RuntimeError;

/// How long one outbound request may take.
const TIMEOUT: Duration = Duration::from_secs(20);

/// The policy and the one client that follows it.
#[derive(Clone, Debug)]
pub struct Outbound {
    pub policy: OutboundPolicy,
    pub client: reqwest::Client,
    /// The services' own (capability `http`).
    services: reqwest::Client,
}

impl Outbound {
    pub fn new(policy: OutboundPolicy) -> Result<Outbound, RuntimeError> {
        let client = policy.client(TIMEOUT).map_err(RuntimeError::Invalid)?;
        let services = policy
            .services_client(TIMEOUT)
            .map_err(RuntimeError::Invalid)?;
        Ok(Outbound {
            policy,
            client,
            services,
        })
    }

    /// The policy and client as the engine sends services' requests with them.
    pub fn reach(&self) -> crate::capabilities::http::Reach {
        crate::capabilities::http::Reach {
            policy: self.policy.clone(),
            client: self.services.clone(),
        }
    }
}
