//! `carmen:city/clock`: the host's time; plugins have no other clock.

use super::CallContext;
use crate::contract::carmen::city::clock::Host;
use crate::crm::grants::Capability;

impl Host for CallContext {
    async fn now(&mut self) -> wasmtime::Result<i64> {
        self.require(Capability::Clock)?;
        Ok(crate::crm::now())
    }
}
