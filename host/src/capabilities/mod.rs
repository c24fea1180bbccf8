//! The host interfaces a plugin can import, one module each. Every function checks the grant
//! first and takes the city from the call's context, never from the guest.

pub mod cases;
pub mod clock;
pub mod config;
pub mod log;
pub mod notify;
pub mod store;

use std::collections::BTreeMap;

use wasmtime::component::{HasSelf, Linker};

use crate::crm::CrmError;
use crate::crm::grants::{Capability, Grants};
use crate::db::Db;
use crate::contract::carmen::city as wit;
use crate::contract::types::HostError;

/// Who a plugin call acts for: chosen by the host for each call.
#[derive(Clone, Debug)]
pub struct CallContext {
    /// The city the call acts for.
    pub city: String,
    /// The service code of the install being called.
    pub service: String,
    /// The plugin's package name (its store entries are kept under it).
    pub plugin: String,
    /// What the city's administrator granted this install.
    pub grants: Grants,
    /// This install's settings.
    pub config: BTreeMap<String, String>,
    /// The store.
    pub db: Db,
}

/// A host function was called without its capability granted (the linker normally prevents this).
#[derive(Debug, thiserror::Error)]
#[error("capability `{0}` was not granted to this service")]
pub struct CapabilityNotGranted(pub Capability);

impl CallContext {
    /// Fails the call with a trap unless `cap` was granted.
    pub fn require(&self, cap: Capability) -> wasmtime::Result<()> {
        if self.grants.contains(cap) {
            Ok(())
        } else {
            Err(wasmtime::Error::new(CapabilityNotGranted(cap)))
        }
    }

    /// The actor name written in histories for changes made by this plugin.
    pub fn actor(&self) -> String {
        format!("service:{}", self.service)
    }
}

/// What the guest sees when a domain operation fails; storage details go to the log only.
pub fn host_error(ctx: &CallContext, error: CrmError) -> HostError {
    match error {
        CrmError::NotFound(_) => HostError::NotFound,
        CrmError::Invalid(text) | CrmError::Conflict(text) => HostError::Invalid(text),
        CrmError::LimitExceeded(text) => HostError::LimitExceeded(text),
        CrmError::Storage(e) => {
            tracing::error!(city = %ctx.city, service = %ctx.service, error = %e, "storage failure in a host call");
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
        }
    }
    Ok(())
}

impl wit::types::Host for CallContext {}
