//! What `carmen plugin test` asks of a service in a throwaway city beyond what the API does:
//! its `on-case-event` answered rather than only logged, and everything it wrote there.

use super::{Carmen, RuntimeError};
use crate::contract;
use crate::contract::types::CaseChange;
use crate::crm::cases::{self, Case, CaseFilter, CaseStatus};
use crate::crm::installs;
use crate::crm::kv::{self, Space};
use crate::crm::outbox::{self, Message};

/// What a service wrote in a city: its cases, its store, its messages.
#[derive(Debug, Default)]
pub struct Written {
    pub cases: Vec<Case>,
    pub store: Vec<(String, Vec<u8>)>,
    pub outbox: Vec<Message>,
}

impl Written {
    /// Adds what a service wrote in another city.
    pub fn extend(&mut self, other: Written) {
        self.cases.extend(other.cases);
        self.store.extend(other.store);
        self.outbox.extend(other.outbox);
    }
}

impl Carmen {
    /// Tells the service of `case` that the case moved to `to`, now, and waits for its answer
    /// (what it wrote commits). The case itself is left as it is.
    pub async fn trial_case_event(&self, case: &Case, to: CaseStatus) -> Result<(), RuntimeError> {
        let change = CaseChange::StatusChanged((
            contract::status_to_wit(case.status),
            contract::status_to_wit(to),
        ));
        let mut moved = case.clone();
        moved.status = to;
        self.case_event(&moved, change).await
    }

    /// Everything service `code` of `city` wrote: its first 100 cases, up to 1,000 store entries,
    /// and the city's outbox messages from it.
    pub async fn written_by(&self, city: &str, code: &str) -> Result<Written, RuntimeError> {
        let mut conn = self.db.read().await?;
        let install = installs::get(&mut conn, city, code).await?;
        let filter = CaseFilter {
            status: None,
            after_id: None,
            limit: 100,
        };
        let cases = cases::list_in_service(&mut conn, city, code, &filter).await?;
        let space = Space {
            city,
            plugin: &install.plugin,
        };
        let keys = kv::list(&mut conn, &space, "", None, kv::MAX_LIST).await?;
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut values = kv::values_of(&mut conn, &space, &key_refs).await?;
        let store = keys
            .iter()
            .map(|key| (key.clone(), values.remove(key).unwrap_or_default()))
            .collect();
        let outbox = outbox::list(&mut conn, city)
            .await?
            .into_iter()
            .filter(|m| m.service == code)
            .collect();
        Ok(Written {
            cases,
            store,
            outbox,
        })
    }
}
