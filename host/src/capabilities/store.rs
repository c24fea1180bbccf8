//! `carmen:city/store`: key-value entries private to this plugin in this city.

use super::{CallContext, host_error};
use crate::crm::grants::Capability;
use crate::crm::kv::{self, Space};
use crate::contract::carmen::city::store::Host;
use crate::contract::types::HostError;

impl CallContext {
    fn space(&self) -> Space<'_> {
        Space {
            city: &self.city,
            plugin: &self.plugin,
        }
    }
}

impl Host for CallContext {
    async fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, HostError>> {
        self.require(Capability::Store)?;
        Ok(kv::get(&self.db, &self.space(), &key)
            .await
            .map_err(|e| host_error(self, e)))
    }

    async fn set(
        &mut self,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), HostError>> {
        self.require(Capability::Store)?;
        Ok(kv::set(&self.db, &self.space(), &key, &value)
            .await
            .map_err(|e| host_error(self, e)))
    }

    async fn delete(&mut self, key: String) -> wasmtime::Result<Result<bool, HostError>> {
        self.require(Capability::Store)?;
        Ok(kv::delete(&self.db, &self.space(), &key)
            .await
            .map_err(|e| host_error(self, e)))
    }

    async fn compare_and_swap(
        &mut self,
        key: String,
        expected: Option<Vec<u8>>,
        value: Option<Vec<u8>>,
    ) -> wasmtime::Result<Result<bool, HostError>> {
        self.require(Capability::Store)?;
        Ok(kv::compare_and_swap(
            &self.db,
            &self.space(),
            &key,
            expected.as_deref(),
            value.as_deref(),
        )
        .await
        .map_err(|e| host_error(self, e)))
    }

    async fn list(
        &mut self,
        prefix: String,
        start_after: Option<String>,
        limit: u32,
    ) -> wasmtime::Result<Result<Vec<String>, HostError>> {
        self.require(Capability::Store)?;
        Ok(kv::list(
            &self.db,
            &self.space(),
            &prefix,
            start_after.as_deref(),
            limit,
        )
        .await
        .map_err(|e| host_error(self, e)))
    }
}
