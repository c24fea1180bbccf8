//! The filings (`installs::Filing`) of the services requests were filed to lately, so that the
//! next request to the same service is filed without reading its filing first: its case is
//! stored only if the city's filings are still as they were read (the city's count of changes
//! to them, moved by triggers on every change, is the same), checked in the statement that
//! stores it (`cases::create_if_filing_unchanged`); when they are not, the request is filed
//! again with what is true now. Whatever changed them (this host, another node, another process
//! on the same file) is seen at the next request.
//!
//! A service that may reach other systems (its install approves `hosts`) is filed with its
//! filing read each time: the call made with a filing found changed would have sent its
//! requests for nothing, and the call made again would send them twice.

use std::sync::Arc;

use crate::crm::installs::Filing;

/// How many filings are kept: the busiest services of the host (a filing takes about 2 KiB, so
/// they take at most about half a MiB).
const KEPT: usize = 256;

/// The filings kept, by city, service and the request's category (its routing depends on it).
pub(crate) struct Filings(quick_cache::sync::Cache<Key, Arc<Filing>>);

type Key = (Box<str>, Box<str>, Box<str>);

impl Default for Filings {
    fn default() -> Self {
        Filings(quick_cache::sync::Cache::new(KEPT))
    }
}

fn key(city: &str, code: &str, category: &str) -> Key {
    (city.into(), code.into(), category.into())
}

impl Filings {
    /// The filing kept for a request of `category` to service `code` of `city`.
    pub(crate) fn get(&self, city: &str, code: &str, category: &str) -> Option<Arc<Filing>> {
        self.0.get(&key(city, code, category))
    }

    /// Keeps `filing`, read for a request of `category` that was filed with it, unless its
    /// service may reach other systems. A city that moved files nothing here, so its filing is
    /// never kept. A category given with spaces around it (the form takes it as the choice
    /// without them) is not kept either: one choice keeps one filing, however it was written.
    pub(crate) fn keep(&self, category: &str, filing: Filing) {
        if filing.moved_to.is_some()
            || !filing.install.hosts.is_empty()
            || category.trim() != category
        {
            return;
        }
        let key = key(&filing.install.city, &filing.install.code, category);
        self.0.insert(key, Arc::new(filing));
    }

    /// Forgets the filing kept for a request of `category` to service `code` of `city`.
    pub(crate) fn forget(&self, city: &str, code: &str, category: &str) {
        self.0.remove(&key(city, code, category));
    }
}
