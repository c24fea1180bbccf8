//! `carmen:city/cases`: this service's cases in this city.

use super::{CallContext, host_error};
use crate::contract;
use crate::crm::cases::{self as crm_cases, CaseFilter, CaseKind, CaseStatus, NewCase};
use crate::crm::grants::Capability;
use crate::contract::carmen::city::cases::{CaseFilter as WitFilter, Host};
use crate::contract::types::{CaseDraft, CaseInfo, CaseStatus as WitStatus, HostError};

fn case_id(id: u64) -> Result<i64, HostError> {
    i64::try_from(id).map_err(|_| HostError::NotFound)
}

impl Host for CallContext {
    async fn create(&mut self, draft: CaseDraft) -> wasmtime::Result<Result<CaseInfo, HostError>> {
        self.require(Capability::Cases)?;
        let new = NewCase {
            city: self.city.clone(),
            service: self.service.clone(),
            kind: CaseKind::Case,
            status: CaseStatus::Submitted,
            title: draft.title,
            description: draft.description,
            priority: contract::priority_from_wit(draft.priority),
            department: draft.department,
            location: draft.location.map(contract::location_from_wit),
            contact: None,
            fields: Default::default(),
            notice: draft.notice,
            reference: None,
            language: "en".into(),
            due_at: draft.due,
            citizen_id: None,
            actor: self.actor(),
        };
        Ok(crm_cases::create(&self.db, new)
            .await
            .map(|case| contract::case_to_wit(&case))
            .map_err(|e| host_error(self, e)))
    }

    async fn get(&mut self, id: u64) -> wasmtime::Result<Result<CaseInfo, HostError>> {
        self.require(Capability::Cases)?;
        let id = match case_id(id) {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        Ok(
            crm_cases::get_in_service(&self.db, &self.city, &self.service, id)
                .await
                .map(|case| contract::case_to_wit(&case))
                .map_err(|e| host_error(self, e)),
        )
    }

    async fn list(
        &mut self,
        filter: WitFilter,
    ) -> wasmtime::Result<Result<Vec<CaseInfo>, HostError>> {
        self.require(Capability::Cases)?;
        let filter = CaseFilter {
            status: filter.status.map(contract::status_from_wit),
            after_id: filter.after_id.map(|id| id.min(i64::MAX as u64) as i64),
            limit: filter.limit,
        };
        Ok(
            crm_cases::list_in_service(&self.db, &self.city, &self.service, &filter)
                .await
                .map(|cases| cases.iter().map(contract::case_to_wit).collect())
                .map_err(|e| host_error(self, e)),
        )
    }

    async fn update_status(
        &mut self,
        id: u64,
        status: WitStatus,
        note: Option<String>,
    ) -> wasmtime::Result<Result<CaseInfo, HostError>> {
        self.require(Capability::Cases)?;
        let id = match case_id(id) {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = crm_cases::get_in_service(&self.db, &self.city, &self.service, id).await {
            return Ok(Err(host_error(self, e)));
        }
        let to = contract::status_from_wit(status);
        let actor = self.actor();
        Ok(
            crm_cases::update_status(&self.db, &self.city, id, to, &actor, note.as_deref(), None)
                .await
                .map(|(case, _from)| contract::case_to_wit(&case))
                .map_err(|e| host_error(self, e)),
        )
    }

    async fn add_note(&mut self, id: u64, text: String) -> wasmtime::Result<Result<(), HostError>> {
        self.require(Capability::Cases)?;
        let id = match case_id(id) {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = crm_cases::get_in_service(&self.db, &self.city, &self.service, id).await {
            return Ok(Err(host_error(self, e)));
        }
        let actor = self.actor();
        Ok(crm_cases::add_note(&self.db, &self.city, id, &actor, &text)
            .await
            .map_err(|e| host_error(self, e)))
    }
}
