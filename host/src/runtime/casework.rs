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
use crate::contract::types::{CaseChange, CaseEvent};

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
                self.tell_citizen(&case, &message.body).await?;
            }
        }
        if !internal {
            self.tell_service(&case, CaseChange::Message(message.body.clone()))
                .await;
        }
        Ok(message)
    }

    /// Queues a staff reply for the citizen, in their language and on their channel: the account's
    /// when they filed signed in, else the contact details and language of the request.
    async fn tell_citizen(&self, case: &Case, body: &str) -> Result<(), RuntimeError> {
        let account = match case.citizen_id {
            Some(user_id) => crate::crm::people::get(&self.db, user_id).await.ok(),
            None => None,
        };
        let (recipient, language, channel) = match account {
            Some(user) => (
                crate::crm::cases::Contact {
                    name: Some(user.name),
                    email: user.email,
                    phone: user.phone,
                },
                user.language,
                Some(user.channel),
            ),
            None => match case.contact.clone() {
                Some(contact) => (contact, case.language.clone(), None),
                None => return Ok(()),
            },
        };
        if recipient.email.is_none() && recipient.phone.is_none() {
            return Ok(());
        }
        let subject = match language.split('-').next() {
            Some("nl") => format!("Antwoord op uw melding {}: {}", case.id, case.title),
            _ => format!("Reply about your request {}: {}", case.id, case.title),
        };
        let new = NewMessage {
            city: case.city.clone(),
            service: case.service.clone(),
            case_id: Some(case.id),
            recipient,
            channel,
            subject,
            body: body.to_string(),
        };
        outbox::enqueue(&self.db, new).await?;
        Ok(())
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

impl Carmen {
    /// The citizen accepts the resolution of their case: it closes.
    pub async fn accept_resolution(
        &self,
        city: &str,
        id: i64,
        citizen: &Principal,
    ) -> Result<Case, RuntimeError> {
        let case = self.citizens_case(city, id, citizen).await?;
        if case.status != CaseStatus::Resolved {
            return Err(RuntimeError::Invalid(format!(
                "only a resolved case can be accepted; this one is {}",
                case.status
            )));
        }
        self.change_status(
            city,
            id,
            CaseStatus::Closed,
            citizen,
            Some("resolution accepted"),
            None,
        )
        .await
    }

    /// The citizen rejects the resolution of their case within the city's window: it reopens.
    pub async fn reject_resolution(
        &self,
        city: &str,
        id: i64,
        citizen: &Principal,
        reason: &str,
    ) -> Result<Case, RuntimeError> {
        let case = self.citizens_case(city, id, citizen).await?;
        if case.status != CaseStatus::Resolved {
            return Err(RuntimeError::Invalid(format!(
                "only a resolved case can be rejected; this one is {}",
                case.status
            )));
        }
        let window = crate::crm::cities::get(&self.db, city).await?.reopen_days * 86_400;
        if case.resolved_at.is_some_and(|at| db::now() - at > window) {
            return Err(RuntimeError::Invalid(
                "the time to reject this resolution has passed".into(),
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RuntimeError::Invalid(
                "say why the resolution is not good enough".into(),
            ));
        }
        let case = self
            .change_status(
                city,
                id,
                CaseStatus::InProgress,
                citizen,
                Some("resolution rejected"),
                None,
            )
            .await?;
        self.post_message(city, id, citizen, reason, false).await?;
        Ok(case)
    }

    /// A case of `city` filed by `citizen`; anyone else's is not found.
    pub async fn citizens_case(
        &self,
        city: &str,
        id: i64,
        citizen: &Principal,
    ) -> Result<Case, RuntimeError> {
        let case = cases::get(&self.db, city, id).await?;
        if case.citizen_id != Some(citizen.user_id) {
            return Err(crate::crm::CrmError::NotFound(format!("request {id}")).into());
        }
        Ok(case)
    }

    /// Assigns a case to a staff member (or administrator) of the same city and, for staff with a
    /// department, of the case's department.
    pub async fn assign(
        &self,
        city: &str,
        id: i64,
        assignee: Option<i64>,
        actor: &Principal,
    ) -> Result<Case, RuntimeError> {
        let before = cases::get(&self.db, city, id).await?;
        if let Some(user_id) = assignee {
            let user = crate::crm::people::get_in_city(&self.db, city, user_id)
                .await
                .map_err(|_| {
                    RuntimeError::Invalid(format!("user {user_id} is not staff of this city"))
                })?;
            if !matches!(user.role, Role::Staff | Role::Admin) {
                return Err(RuntimeError::Invalid(format!(
                    "user {user_id} is not staff of this city"
                )));
            }
            if let (Some(theirs), Some(case_dept)) = (&user.department, &before.department)
                && theirs != case_dept
            {
                return Err(RuntimeError::Invalid(format!(
                    "user {user_id} works in {theirs}, the case is for {case_dept}"
                )));
            }
        }
        let case = cases::assign(&self.db, city, id, assignee).await?;
        audit::record(
            &self.db,
            Some(city),
            actor,
            "case.assign",
            &format!("case:{id}"),
            Some(serde_json::json!({"assignee": before.assignee_id})),
            Some(serde_json::json!({"assignee": assignee})),
        )
        .await?;
        Ok(case)
    }
}
