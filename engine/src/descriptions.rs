//! Descriptions kept between calls: what `describe` answers depends only on the component, its
//! grants, the install's settings and the language — unless the call asked the host for more
//! (its store, cases, the clock, who is asking), and then it is not kept. A changed install has
//! another key, so nothing is ever stale; the least used entries make way for new ones. The cache
//! is weighed in bytes, not entries, and a description over `MAX_BYTES` is refused, so neither a
//! plugin with a huge description nor a visitor asking in many languages can grow it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use quick_cache::sync::Cache;
use quick_cache::{Equivalent, Weighter};

use crate::contract::types::ServiceDescription;
use carmen_registry::capabilities::Grants;

/// How many bytes of descriptions are kept, at most.
const KEPT_BYTES: u64 = 32 * 1024 * 1024;
/// How many descriptions are expected (a few KiB each).
const EXPECTED: usize = 8_192;
/// The largest description a service may give, as the host measures it.
pub const MAX_BYTES: usize = 256 * 1024;

/// What one item of a list (a keyword, a field, a choice) weighs besides its text: the host
/// keeps a string's length and place and the item's other parts for each.
const ITEM_BYTES: usize = 32;

/// How many bytes `description` takes, near enough: the text of every string it holds, and
/// `ITEM_BYTES` for every item of its lists, so that many empty items weigh too.
pub fn size(description: &ServiceDescription) -> usize {
    use crate::contract::types::Datatype;
    let ServiceDescription {
        code,
        name,
        description,
        group,
        keywords,
        department,
        sla_hours: _,
        fields,
        location: _,
        contact: _,
        language,
    } = description;
    let texts = [code, name, description, group, department, language];
    let mut bytes = texts.iter().map(|t| t.len() + ITEM_BYTES).sum::<usize>();
    bytes += keywords.iter().map(|k| k.len() + ITEM_BYTES).sum::<usize>();
    for field in fields {
        bytes += field.code.len() + field.label.len() + field.help.len() + ITEM_BYTES;
        if let Datatype::SingleValueList(choices) | Datatype::MultiValueList(choices) =
            &field.datatype
        {
            bytes += choices
                .iter()
                .map(|c| c.key.len() + c.name.len() + ITEM_BYTES)
                .sum::<usize>();
        }
    }
    bytes
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

impl Weighter<Key, Arc<ServiceDescription>> for Bytes {
    fn weight(&self, key: &Key, description: &Arc<ServiceDescription>) -> u64 {
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

/// A `Key` in borrowed parts, to look one up without copying it. Its fields hash as `Key`'s
/// do (a reference hashes as what it refers to; a `String` as its `str`).
#[derive(Hash)]
struct KeyRef<'a> {
    digest: &'a str,
    grants: &'a Grants,
    config: &'a BTreeMap<String, String>,
    language: &'a str,
}

impl Equivalent<Key> for KeyRef<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        self.digest == key.digest
            && *self.grants == key.grants
            && *self.config == key.config
            && self.language == key.language
    }
}

/// The kept descriptions of one engine.
pub struct Descriptions {
    kept: Cache<Key, Arc<ServiceDescription>, Bytes>,
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
    /// The kept description, if any.
    pub fn get(
        &self,
        digest: &str,
        grants: &Grants,
        config: &BTreeMap<String, String>,
        language: &str,
    ) -> Option<Arc<ServiceDescription>> {
        let key = KeyRef {
            digest,
            grants,
            config,
            language,
        };
        let kept = self.kept.get(&key);
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

    /// Keeps `description`, unless it is kept already (it is then the same: what is kept depends
    /// only on its key).
    pub fn keep(
        &self,
        digest: &str,
        grants: &Grants,
        config: &BTreeMap<String, String>,
        language: &str,
        description: &ServiceDescription,
    ) {
        let key = KeyRef {
            digest,
            grants,
            config,
            language,
        };
        if self.kept.contains_key(&key) {
            return;
        }
        let key = Key {
            digest: digest.to_string(),
            grants: grants.clone(),
            config: config.clone(),
            language: language.to_string(),
        };
        self.kept.insert(key, Arc::new(description.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A description with only a name.
    fn named(name: &str) -> ServiceDescription {
        ServiceDescription {
            code: "c".into(),
            name: name.into(),
            description: String::new(),
            group: String::new(),
            keywords: Vec::new(),
            department: String::new(),
            sla_hours: 0,
            fields: Vec::new(),
            location: crate::contract::types::Need::None,
            contact: crate::contract::types::Need::None,
            language: "en".into(),
        }
    }

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

    #[test]
    fn a_description_weighs_its_text_and_every_item_of_its_lists() {
        let small = named(&"n".repeat(1_000));
        let text = size(&small);
        assert!((1_003..2_000).contains(&text), "{text}");
        // Many empty keywords weigh as much as their count, so they cannot pass the bound.
        let many = ServiceDescription {
            keywords: vec![String::new(); 10_000],
            ..small.clone()
        };
        assert!(size(&many) > MAX_BYTES, "{}", size(&many));
    }

    #[test]
    fn a_kept_description_is_found_by_its_borrowed_key_and_only_by_it() {
        let kept = Descriptions::default();
        let grants = Grants::default();
        let config: BTreeMap<String, String> = [("zone".to_string(), "north".to_string())].into();
        let description = named("Name");
        kept.keep("digest", &grants, &config, "en", &description);
        let found = kept.get("digest", &grants, &config, "en").unwrap();
        assert_eq!(found.name, "Name");
        assert_eq!(kept.hits(), 1);
        let other: BTreeMap<String, String> = [("zone".to_string(), "south".to_string())].into();
        assert!(kept.get("digest", &grants, &other, "en").is_none());
        assert!(kept.get("digest", &grants, &config, "nl").is_none());
        assert!(kept.get("other", &grants, &config, "en").is_none());
        // Kept again: the same entry, not a second one.
        let weight = kept.kept_bytes();
        kept.keep("digest", &grants, &config, "en", &description);
        assert_eq!(kept.kept_bytes(), weight);
    }
}
