//! `carmen:city/config`: this install's settings.

use super::CallContext;
use crate::contract::carmen::city::config::Host;
use crate::crm::grants::Capability;

impl Host for CallContext {
    async fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        self.require(Capability::Config)?;
        Ok(self.config.get(&key).cloned())
    }

    async fn all(&mut self) -> wasmtime::Result<Vec<(String, String)>> {
        self.require(Capability::Config)?;
        Ok(self
            .config
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
}
