//! `carmen:city/cases`: this service's cases in this city; changes are written when the call commits.

use super::{CallContext, host_error};
use crate::contract;
use crate::contract::carmen::city::cases::{CaseFilter as WitFilter, Host};
use crate::contract::types::{CaseDraft, CaseInfo, CaseStatus as WitStatus, HostError};
use crate::crm::cases::{CaseFilter, CaseKind, CaseStatus, NewCase};
use crate::crm::grants::Capability;

fn case_id(id: u64) -> Result<i64, HostError> {
    i64::try_from(id).map_err(|_| HostError::NotFound)
}

impl Host for CallContext {
    async fn create(&mut self, draft: CaseDraft) -> wasmtime::Result<Result<CaseInfo, HostError>> {
        self.require(Capability::Cases)?;
        let new = NewCase {
            city: self.city().to_string(),
            service: self.service().to_string(),
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
            actor: format!("service:{}", self.service()),
            public: self.staged.scope().public,
            hidden_fields: self.staged.scope().private_fields.clone(),
            secret_hash: None,
        };
        let result = self.staged.case_open(new).await;
        Ok(result
            .map(|case| contract::case_to_wit(&case))
            .map_err(|e| host_error(self, e)))
    }

    async fn get(&mut self, id: u64) -> wasmtime::Result<Result<CaseInfo, HostError>> {
        self.require(Capability::Cases)?;
        let id = match case_id(id) {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        let result = self.staged.case_get(id).await;
        Ok(result
            .map(|case| contract::case_to_wit(&case))
            .map_err(|e| host_error(self, e)))
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
        let result = self.staged.case_list(&filter).await;
        Ok(result
            .map(|cases| cases.iter().map(contract::case_to_wit).collect())
            .map_err(|e| host_error(self, e)))
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
        let to = contract::status_from_wit(status);
        let result = self.staged.case_move(id, to, note).await;
        Ok(result
            .map(|case| contract::case_to_wit(&case))
            .map_err(|e| host_error(self, e)))
    }

    async fn add_note(&mut self, id: u64, text: String) -> wasmtime::Result<Result<(), HostError>> {
        self.require(Capability::Cases)?;
        let id = match case_id(id) {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        let result = self.staged.case_note(id, text).await;
        Ok(result.map_err(|e| host_error(self, e)))
    }
}
