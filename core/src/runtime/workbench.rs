//! What `carmen plugin test` and `plugin run` ask of a service in a throwaway city beyond what
//! the API does: its `on-case-event` answered rather than only logged, everything it wrote there,
//! a rebuilt component put in place of the running one, and the compiled cache kept small.

use super::proofs::Admin;
use super::{Carmen, RuntimeError};
use crate::contract;
use crate::contract::types::CaseChange;
use crate::crm::cases::{self, Case, CaseFilter, CaseStatus};
use crate::crm::grants::Grants;
use crate::crm::installs::{self, Install};
use crate::crm::kv::{self, Space};
use crate::crm::outbox::{self, Message};
use crate::crm::{audit, components};

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

    /// Runs `bytes` in place of service `code` of `admin`'s city, granted `grants`, keeping its
    /// version, settings, cases and store: a developer's rebuild served at once (`carmen plugin
    /// run --watch`). The new component must describe itself with the same code; when it is
    /// refused, the running one stays.
    pub async fn replace_component(
        &self,
        admin: &Admin,
        code: &str,
        bytes: &[u8],
        grants: &Grants,
    ) -> Result<Install, RuntimeError> {
        let city = admin.city();
        let current = installs::get(&mut *self.db.read().await?, city, code).await?;
        super::install::inspect(bytes, grants)?;
        let digest = components::digest_of(bytes);
        let held = self.engine.hold(&digest);
        let result = async {
            let owned = bytes.to_vec();
            self.engine
                .prepare(&digest, grants, async move || Ok(owned))
                .await?;
            let mut probe = self.target(&current).await?;
            probe.digest = digest.clone();
            probe.context.grants = grants.clone();
            let description = self.engine.describe(&probe, "en").await?;
            if description.code != current.code {
                return Err(RuntimeError::Invalid(format!(
                    "the rebuilt service describes itself as {:?}, not {:?}: keep its code, or start again",
                    description.code, current.code
                )));
            }
            let mut tx = self.db.begin_write().await?;
            components::put(&mut tx, bytes).await?;
            let switched = installs::switch(
                &mut tx,
                &current,
                &digest,
                &current.version,
                grants,
                &current.config,
                &current.hosts,
            )
            .await?;
            audit::record(
                &mut tx,
                Some(city),
                admin.principal(),
                "service.replace",
                &format!("service:{code}"),
                Some(serde_json::json!({"digest": current.digest})),
                Some(serde_json::json!({"digest": digest})),
            )
            .await?;
            tx.commit().await?;
            Ok(switched)
        }
        .await;
        self.discard_if_refused(held, &digest, result).await
    }

    /// Keeps the compiled components on disk within `max_bytes`, the least recently used
    /// removed first; how many files and bytes went.
    pub fn prune_compiled(&self, max_bytes: u64) -> (usize, u64) {
        self.engine.prune_compiled(max_bytes)
    }
}
