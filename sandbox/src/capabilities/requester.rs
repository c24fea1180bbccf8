//! `carmen:city/requester`: who makes the call, as opaque ids the runtime derived for this city
//! (never the citizen's account, name or contacts).

use super::CallContext;
use crate::contract::carmen::city::requester::{Caller, Host};
use crate::crm::grants::Capability;

impl Host for CallContext {
    async fn current(&mut self) -> wasmtime::Result<Caller> {
        self.require(Capability::Requester)?;
        Ok(Caller {
            submitter: self.caller.submitter.clone(),
            proven: self.caller.proven.clone(),
        })
    }
}
