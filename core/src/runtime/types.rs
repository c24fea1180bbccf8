//! The domain's vocabulary as the runtime's callers use it: the HTTP API and the command line
//! name these types, and reach the domain only through the runtime's use cases.

pub use super::workbench::Written;
pub use crate::crm::CrmError;
pub use crate::crm::audit::AuditEntry;
pub use crate::crm::cases::{
    Case, CaseKind, CaseStatus, Contact, Fields, HistoryEntry, Location, Note, Priority,
    QueueFilter, RequestSearch,
};
pub use crate::crm::cities::{City, Map, QuietHours, RESERVED as RESERVED_SLUGS, time_zones};
pub use crate::crm::delivery::CityDelivery;
pub use crate::crm::departments::{Department, Route};
pub use crate::crm::evaluation::Figures;
pub use crate::crm::follows::{Follow, Target as FollowTarget};
pub use crate::crm::grants::{Capability, Grants};
pub use crate::crm::installs::{Install, Limits, Quotas};
pub use crate::crm::knowledge::{
    Article, Draft as ArticleDraft, Hit as ArticleHit, Part as SnippetPart,
    Status as ArticleStatus, Text as ArticleText,
};
pub use crate::crm::messages::Message;
pub use crate::crm::outbox::Message as OutboxMessage;
pub use crate::crm::people::{
    NewUser, PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS, Role, RoleName, SESSION_SECONDS, User,
    password_fits, token_hash,
};
pub use crate::crm::ratings::Rating;
pub use crate::crm::saved_replies::{NewReply, SavedReply};
pub use crate::crm::updates::Update;
/// Now, in whole seconds since the Unix epoch: the clock every stored time is read against.
pub use crate::db::now;
/// The versions of the `carmen:city` contract this host serves.
pub use crate::engine::CONTRACT_VERSIONS;
pub use carmen_registry::manifest::{ConfigType, Manifest};
pub use carmen_registry::store::{PackageInfo, VersionInfo};
