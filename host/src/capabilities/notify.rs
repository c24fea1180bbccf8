//! `carmen:city/notify`: messages to citizens, written to this city's outbox.

use super::{CallContext, host_error};
use crate::contract;
use crate::crm::cases;
use crate::crm::grants::Capability;
use crate::crm::outbox::{self, NewMessage};
use crate::contract::carmen::city::notify::{Host, Message};
use crate::contract::types::HostError;

impl Host for CallContext {
    async fn send(&mut self, message: Message) -> wasmtime::Result<Result<u64, HostError>> {
        self.require(Capability::Notify)?;
        let case_id = match message.case_id {
            None => None,
            Some(id) => {
                let Ok(id) = i64::try_from(id) else {
                    return Ok(Err(HostError::NotFound));
                };
                if let Err(e) = cases::get_in_service(&self.db, &self.city, &self.service, id).await
                {
                    return Ok(Err(host_error(self, e)));
                }
                Some(id)
            }
        };
        let new = NewMessage {
            city: self.city.clone(),
            service: self.service.clone(),
            case_id,
            recipient: contract::contact_from_wit(message.to),
            channel: None,
            subject: message.subject,
            body: message.body,
        };
        Ok(outbox::enqueue(&self.db, new)
            .await
            .map(|id| id as u64)
            .map_err(|e| host_error(self, e)))
    }
}
