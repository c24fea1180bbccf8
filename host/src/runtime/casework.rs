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
            if let (Some(theirs), Some(case_dept)) = (&user.department, &before.department) {
                if theirs != case_dept {
                    return Err(RuntimeError::Invalid(format!(
                        "user {user_id} works in {theirs}, the case is for {case_dept}"
                    )));
                }
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
