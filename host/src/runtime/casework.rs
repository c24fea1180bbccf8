//! Working a case: status changes and messages, each audited and told to the case's service
//! through `on-case-event` inside the sandbox; a failing plugin never undoes the change.

use super::{Carmen, RuntimeError};
use crate::contract;
use crate::crm::cases::{self, Case, CaseStatus};
use crate::crm::messages::{self, Message};
use crate::crm::outbox::{self, NewMessage};
use crate::crm::people::{Principal, Role};
use crate::crm::{audit, installs};
use crate::db;
use crate::engine::bindings::types::{CaseChange, CaseEvent};

impl Carmen {
    /// Moves a case of `city` to `to` as `actor`, then tells its service.
    pub async fn change_status(
        &self,
        city: &str,
        id: i64,
        to: CaseStatus,
        actor: &Principal,
        note: Option<&str>,
        duplicate_of: Option<i64>,
    ) -> Result<Case, RuntimeError> {
        let actor_name = format!("{}:{}", actor.role, actor.user_id);
        let (case, from) =
            cases::update_status(&self.db, city, id, to, &actor_name, note, duplicate_of).await?;
        if actor.role != Role::Citizen {
            audit::record(
                &self.db,
                Some(city),
                actor,
                "case.status",
                &format!("case:{id}"),
                Some(serde_json::json!({"status": from.as_str()})),
                Some(serde_json::json!({"status": to.as_str(), "note": note, "duplicate_of": duplicate_of})),
            )
            .await?;
        }
        self.tell_service(
            &case,
            CaseChange::StatusChanged((contract::status_to_wit(from), contract::status_to_wit(to))),
        )
        .await;
        Ok(case)
    }

    /// Adds a message to a case's thread. A public staff reply also goes to the citizen's outbox.
    pub async fn post_message(
        &self,
        city: &str,
        id: i64,
        actor: &Principal,
        body: &str,
        internal: bool,
    ) -> Result<Message, RuntimeError> {
        let case = cases::get(&self.db, city, id).await?;
        let message = messages::add(
            &self.db,
            city,
            id,
            Some(actor.user_id),
            actor.role.as_str(),
            body,
            internal,
        )
        .await?;
        if actor.role != Role::Citizen {
            audit::record(
                &self.db,
                Some(city),
                actor,
                if internal { "case.note" } else { "case.reply" },
                &format!("case:{id}"),
                None,
                Some(serde_json::json!({"message": message.id})),
            )
            .await?;
            if !internal {
                if let Some(contact) = case
                    .contact
                    .clone()
                    .filter(|c| c.email.is_some() || c.phone.is_some())
                {
                    outbox::enqueue(
                        &self.db,
                        NewMessage {
                            city: city.to_string(),
                            service: case.service.clone(),
                            case_id: Some(id),
                            recipient: contact,
                            subject: format!("Your request {id}: {}", case.title),
                            body: message.body.clone(),
                        },
                    )
                    .await?;
                }
            }
        }
        if !internal {
            self.tell_service(&case, CaseChange::Message(message.body.clone()))
                .await;
        }
        Ok(message)
    }

    /// Calls the case's service's `on-case-event`; failures are logged, never undo anything.
    async fn tell_service(&self, case: &Case, change: CaseChange) {
        let Ok(install) = installs::get(&self.db, &case.city, &case.service).await else {
            return;
        };
        let event = CaseEvent {
            case: contract::case_to_wit(case),
            change,
            at: db::now(),
        };
        let result = match self.target(&install).await {
            Ok(target) => self
                .engine
                .on_case_event(&target, &event)
                .await
                .map_err(RuntimeError::from),
            Err(e) => Err(e),
        };
        if let Err(error) = result {
            tracing::warn!(city = %case.city, service = %case.service, case = case.id, %error, "on-case-event failed; the change stands");
        }
    }
}
