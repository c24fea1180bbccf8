//! `carmen:city/log`: the city's log for this service, tagged with city and service.

use super::CallContext;
use crate::crm::grants::Capability;
use crate::contract::carmen::city::log::{Host, Level};

/// Longest log line kept, in bytes.
const MAX_LINE: usize = 4096;

impl Host for CallContext {
    async fn write(&mut self, level: Level, message: String) -> wasmtime::Result<()> {
        self.require(Capability::Log)?;
        let mut end = message.len().min(MAX_LINE);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        let line = &message[..end];
        let (city, service) = (&self.city, &self.service);
        match level {
            Level::Debug => tracing::debug!(target: "carmen::plugin", %city, %service, "{line}"),
            Level::Info => tracing::info!(target: "carmen::plugin", %city, %service, "{line}"),
            Level::Warn => tracing::warn!(target: "carmen::plugin", %city, %service, "{line}"),
            Level::Error => tracing::error!(target: "carmen::plugin", %city, %service, "{line}"),
        }
        Ok(())
    }
}
