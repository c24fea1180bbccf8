//! The domain: cities, installed services and their grants, cases with history and notes,
//! per-service key-value entries and the outbox. Nothing here knows about HTTP or wasmtime;
//! every query names its city.

// The store was `crate::db` when both were modules of the host; the paths still say so.
use carmen_store as db;

pub mod archive;
pub mod audit;
pub mod cases;
pub use carmen_registry::capabilities as grants;
pub mod cities;
pub mod components;
pub mod contacts;
pub mod delivery;
pub mod departments;
pub mod escalation;
pub mod evaluation;
pub mod faults;
pub mod follows;
pub mod host_keys;
pub mod installs;
pub mod knowledge;
pub mod kv;
pub mod messages;
pub mod organisations;
pub mod outbox;
pub mod people;
pub mod photos;
pub mod privacy;
pub mod rate_windows;
pub mod ratings;
pub mod saved_replies;
pub mod sign_ins;
pub mod staged;
pub mod updates;
pub mod verifications;
pub mod words;

/// The one of `all` whose name (`as_str`) is `text`; `what` names the kind in the refusal
/// ("unknown priority \"x\"").
pub(crate) fn named<T: Copy>(
    all: &[T],
    as_str: fn(&T) -> &'static str,
    text: &str,
    what: &str,
) -> CrmResult<T> {
    all.iter()
        .copied()
        .find(|item| as_str(item) == text)
        .ok_or_else(|| CrmError::Invalid(format!("unknown {what} {text:?}")))
}

/// Why a domain operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CrmError {
    /// The object does not exist, or belongs to another city.
    #[error("{0} not found")]
    NotFound(String),
    /// The input is wrong; the text says how.
    #[error("{0}")]
    Invalid(String),
    /// The object exists already.
    #[error("{0}")]
    Conflict(String),
    /// A size or count limit was reached.
    #[error("{0}")]
    LimitExceeded(String),
    /// The database failed.
    #[error("storage failure: {0}")]
    Storage(sqlx::Error),
}

impl From<sqlx::Error> for CrmError {
    /// A transaction that lost a race (PostgreSQL's serialization failure or deadlock) is a
    /// conflict the caller may retry; anything else is a storage failure.
    fn from(error: sqlx::Error) -> CrmError {
        if crate::db::is_lost_race(&error) {
            CrmError::Conflict("another change got there first; try again".into())
        } else {
            CrmError::Storage(error)
        }
    }
}

pub type CrmResult<T> = Result<T, CrmError>;

pub use carmen_registry::names::is_code;

/// Now, in whole seconds since the Unix epoch: the clock every stored time is read against.
pub fn now() -> i64 {
    crate::db::now()
}
