//! The host interfaces a plugin can import, one module each. Every function checks the grant
//! first and takes the city from the call's context, never from the guest. What a call writes is
//! staged in its context (`crm::staged`) and committed by the runtime only if the call succeeds.

pub mod cases;
pub mod clock;
pub mod config;
pub mod http;
pub mod log;
pub mod notify;
pub mod outbound;
pub mod requester;
pub mod store;

/// The capabilities' tier of tests (over a real store, a dev-dependency only).
#[cfg(test)]
#[path = "tests/host_functions.rs"]
mod host_functions;

use std::collections::BTreeMap;

use wasmtime::component::{HasSelf, Linker};

use crate::contract::carmen::city as wit;
use crate::contract::types::HostError;
use crate::crm::CrmError;
use crate::crm::grants::{Capability, Grants};
pub use crate::crm::staged::{Access, Staged};

/// Who a plugin call acts for, chosen by the host for each call, and what the call has written.
#[derive(Clone, Debug)]
pub struct CallContext {
    /// What the city's administrator granted this install.
    pub grants: Grants,
    /// This install's settings.
    pub config: BTreeMap<String, String>,
    /// The call's writes; its scope names the city, the service and the plugin.
    pub staged: Staged,
    /// Who makes the call, as `requester` tells the plugin.
    pub caller: Caller,
    /// Whether the call asked the host for more than its settings (and wrote to the log): what
    /// it returned may then change while the install stays the same, so it is not kept.
    pub consulted: bool,
    /// The origins the city approved for this install's requests (capability `http`).
    pub hosts: std::sync::Arc<[String]>,
}

/// Who makes a call, as opaque requester ids (see `runtime::requesters`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    /// The id a request submitted in this call is filed under.
    pub submitter: Option<String>,
    /// Every id the caller proves.
    pub proven: Vec<String>,
}

/// A host function was called without its capability granted (the linker normally prevents this).
#[derive(Debug, thiserror::Error)]
#[error("capability `{0}` was not granted to this service")]
pub struct CapabilityNotGranted(pub Capability);

impl CallContext {
    /// Fails the call with a trap unless `cap` was granted.
    pub fn require(&mut self, cap: Capability) -> wasmtime::Result<()> {
        self.consulted |= !matches!(cap, Capability::Config | Capability::Log);
        if self.grants.contains(cap) {
            Ok(())
        } else {
            Err(wasmtime::Error::new(CapabilityNotGranted(cap)))
        }
    }

    /// The city the call acts for.
    pub fn city(&self) -> &str {
        &self.staged.scope().city
    }

    /// The service code of the install called.
    pub fn service(&self) -> &str {
        &self.staged.scope().service
    }
}

/// What the guest sees when a domain operation fails; storage details go to the log only.
pub fn host_error(ctx: &CallContext, error: CrmError) -> HostError {
    match error {
        CrmError::NotFound(_) => HostError::NotFound,
        CrmError::Invalid(text) | CrmError::Conflict(text) => HostError::Invalid(text),
        CrmError::LimitExceeded(text) => HostError::LimitExceeded(text),
        CrmError::Storage(e) => {
            tracing::error!(city = %ctx.city(), service = %ctx.service(), error = %e, "storage failure in a host call");
            HostError::Unavailable("storage failure; try again later".into())
        }
    }
}

/// Adds to `linker` the interfaces of exactly the granted capabilities (and the type-only `types`).
pub fn link<T: Send + 'static>(
    linker: &mut Linker<T>,
    grants: &Grants,
    context: fn(&mut T) -> &mut CallContext,
) -> wasmtime::Result<()> {
    wit::types::add_to_linker::<T, HasSelf<CallContext>>(linker, context)?;
    for cap in grants.iter() {
        match cap {
            Capability::Cases => {
                wit::cases::add_to_linker::<T, HasSelf<CallContext>>(linker, context)?
            }
            Capability::Store => {
                wit::store::add_to_linker::<T, HasSelf<CallContext>>(linker, context)?
            }
            Capability::Notify => {
                wit::notify::add_to_linker::<T, HasSelf<CallContext>>(linker, context)?
            }
            Capability::Config => {
                wit::config::add_to_linker::<T, HasSelf<CallContext>>(linker, context)?
            }
            Capability::Log => wit::log::add_to_linker::<T, HasSelf<CallContext>>(linker, context)?,
            Capability::Clock => {
                wit::clock::add_to_linker::<T, HasSelf<CallContext>>(linker, context)?
            }
            Capability::Requester => {
                wit::requester::add_to_linker::<T, HasSelf<CallContext>>(linker, context)?
            }
            // Standard wasi:http, linked by the engine beside WASI (it needs the store's tables);
            // `http` holds its host side.
            Capability::Http => {}
        }
    }
    Ok(())
}

impl wit::types::Host for CallContext {}
