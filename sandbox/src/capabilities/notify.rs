//! `carmen:city/notify`: messages to citizens, queued in this city's outbox when the call commits.

use super::{CallContext, host_error};
use crate::contract;
use crate::contract::carmen::city::notify::{Host, Message};
use crate::contract::types::HostError;
use crate::crm::grants::Capability;
use crate::crm::outbox::NewMessage;

impl Host for CallContext {
    async fn send(&mut self, message: Message) -> wasmtime::Result<Result<u64, HostError>> {
        self.require(Capability::Notify)?;
        let case_id = match message.case_id.map(i64::try_from) {
            None => None,
            Some(Ok(id)) => Some(id),
            Some(Err(_)) => return Ok(Err(HostError::NotFound)),
        };
        let new = NewMessage {
            city: self.city().to_string(),
            service: self.service().to_string(),
            case_id,
            recipient: contract::contact_from_wit(message.to),
            channel: None,
            subject: message.subject,
            body: message.body,
        };
        let result = self.staged.message(new).await;
        Ok(result.map(|id| id as u64).map_err(|e| host_error(self, e)))
    }
}
