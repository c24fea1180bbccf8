//! `carmen:city/store`: key-value entries private to this plugin in this city, written when the
//! call commits.

use super::{CallContext, host_error};
use crate::contract::carmen::city::store::Host;
use crate::contract::types::HostError;
use crate::crm::grants::Capability;

impl Host for CallContext {
    async fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, HostError>> {
        self.require(Capability::Store)?;
        let result = self.staged.store_get(&key).await;
        Ok(result.map_err(|e| host_error(self, e)))
    }

    async fn set(
        &mut self,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), HostError>> {
        self.require(Capability::Store)?;
        let result = self.staged.store_set(&key, value).await;
        Ok(result.map_err(|e| host_error(self, e)))
    }

    async fn delete(&mut self, key: String) -> wasmtime::Result<Result<bool, HostError>> {
        self.require(Capability::Store)?;
        let result = self.staged.store_delete(&key).await;
        Ok(result.map_err(|e| host_error(self, e)))
    }

    async fn compare_and_swap(
        &mut self,
        key: String,
        expected: Option<Vec<u8>>,
        value: Option<Vec<u8>>,
    ) -> wasmtime::Result<Result<bool, HostError>> {
        self.require(Capability::Store)?;
        let result = self
            .staged
            .store_compare_and_swap(&key, expected.as_deref(), value)
            .await;
        Ok(result.map_err(|e| host_error(self, e)))
    }

    async fn list(
        &mut self,
        prefix: String,
        start_after: Option<String>,
        limit: u32,
    ) -> wasmtime::Result<Result<Vec<String>, HostError>> {
        self.require(Capability::Store)?;
        let result = self
            .staged
            .store_list(&prefix, start_after.as_deref(), limit)
            .await;
        Ok(result.map_err(|e| host_error(self, e)))
    }
}
