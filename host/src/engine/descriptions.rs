//! Descriptions kept between calls: what `describe` answers depends only on the component, its
//! grants, the install's settings and the language — unless the call asked the host for more
//! (its store, cases, the clock, who is asking), and then it is not kept. A changed install has
//! another key, so nothing is ever stale; the least used entries make way for new ones.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use quick_cache::sync::Cache;

use crate::contract::types::ServiceDescription;
use crate::crm::grants::Grants;

/// How many descriptions are kept (a few KiB each).
const KEPT: usize = 8_192;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    digest: String,
    grants: Grants,
    config: BTreeMap<String, String>,
    language: String,
}

/// The kept descriptions of one engine.
pub struct Descriptions {
    kept: Cache<Key, ServiceDescription>,
    hits: AtomicU64,
}

impl Default for Descriptions {
    fn default() -> Descriptions {
        Descriptions {
            kept: Cache::new(KEPT),
            hits: AtomicU64::new(0),
        }
    }
}

impl Descriptions {
    fn key(
        digest: &str,
        grants: &Grants,
        config: &BTreeMap<String, String>,
        language: &str,
    ) -> Key {
        Key {
            digest: digest.to_string(),
            grants: grants.clone(),
            config: config.clone(),
            language: language.to_string(),
        }
    }

    /// The kept description, if any.
    pub fn get(
        &self,
        digest: &str,
        grants: &Grants,
        config: &BTreeMap<String, String>,
        language: &str,
    ) -> Option<ServiceDescription> {
        let kept = self.kept.get(&Self::key(digest, grants, config, language));
        if kept.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        kept
    }

    /// How many descriptions were answered from what was kept.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Keeps `description`.
    pub fn keep(
        &self,
        digest: &str,
        grants: &Grants,
        config: &BTreeMap<String, String>,
        language: &str,
        description: ServiceDescription,
    ) {
        self.kept
            .insert(Self::key(digest, grants, config, language), description);
    }
}
