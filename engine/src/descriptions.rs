//! Descriptions kept between calls: what `describe` answers depends only on the component, its
//! grants, the install's settings and the language — unless the call asked the host for more
//! (its store, cases, the clock, who is asking), and then it is not kept. A changed install has
//! another key, so nothing is ever stale; the least used entries make way for new ones. The cache
//! is weighed in bytes, not entries, and a description over `MAX_BYTES` is refused, so neither a
//! plugin with a huge description nor a visitor asking in many languages can grow it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use quick_cache::Weighter;
use quick_cache::sync::Cache;

use crate::contract::types::ServiceDescription;
use carmen_registry::capabilities::Grants;

/// How many bytes of descriptions are kept, at most.
const KEPT_BYTES: u64 = 32 * 1024 * 1024;
/// How many descriptions are expected (a few KiB each).
const EXPECTED: usize = 8_192;
/// The largest description a service may give, as the host measures it.
pub const MAX_BYTES: usize = 256 * 1024;

/// How many bytes `description` takes, near enough: the length of its debug form, which
/// writes every string and list it holds. The form is counted as it is written, never kept.
pub fn size(description: &ServiceDescription) -> usize {
    use std::fmt::Write;
    /// Counts what is written to it.
    struct Counter(usize);
    impl Write for Counter {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            self.0 += text.len();
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Writing to a counter cannot fail.
    let _ = write!(counter, "{description:?}");
    counter.0
}

/// A language as descriptions are keyed by it: a plausible tag (`it`, `pt-br`, `zh-hant-tw`,
/// `x-private`), lowercase; anything else is English, so that made-up languages add no entries.
pub fn language_tag(language: &str) -> String {
    let tag = language.trim().to_ascii_lowercase().replace('_', "-");
    let mut parts = tag.split('-');
    // A language (`it`, `ast`), or BCP 47's private use (`x-...`).
    let primary_ok = parts.next().is_some_and(|p| {
        p == "x" || ((2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()))
    });
    let rest: Vec<&str> = parts.collect();
    let private_alone = tag == "x";
    let rest_ok = !private_alone
        && rest.len() <= 2
        && rest
            .iter()
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        tag
    } else {
        "en".into()
    }
}

#[derive(Clone)]
struct Bytes;

impl Weighter<Key, ServiceDescription> for Bytes {
    fn weight(&self, key: &Key, description: &ServiceDescription) -> u64 {
        (size(description) + key.digest.len() + key.language.len() + 64) as u64
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    digest: String,
    grants: Grants,
    config: BTreeMap<String, String>,
    language: String,
}

/// The kept descriptions of one engine.
pub struct Descriptions {
    kept: Cache<Key, ServiceDescription, Bytes>,
    hits: AtomicU64,
}

impl Default for Descriptions {
    fn default() -> Descriptions {
        Descriptions {
            kept: Cache::with_weighter(EXPECTED, KEPT_BYTES, Bytes),
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

    /// How many bytes the kept descriptions weigh.
    pub fn kept_bytes(&self) -> u64 {
        self.kept.weight()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_language_tags_are_kept_apart() {
        assert_eq!(language_tag("it"), "it");
        assert_eq!(language_tag(" pt_BR "), "pt-br");
        assert_eq!(language_tag("zh-Hant-TW"), "zh-hant-tw");
        assert_eq!(language_tag("x-store"), "x-store");
        for made_up in [
            "",
            "x",
            "english",
            "en-",
            "it-aaaaaaaaa",
            "a-b-c-d",
            "<script>",
            "e1",
        ] {
            assert_eq!(language_tag(made_up), "en", "{made_up:?}");
        }
    }
}
