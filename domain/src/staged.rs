//! What one plugin call writes, kept apart until the call has succeeded and then applied in the
//! transaction that commits it: a call that traps, overruns its deadline or is refused leaves
//! nothing behind.
//!
//! The call reads the store and its cases through this overlay, so it sees its own writes. What
//! it read of its store is checked again at the commit: if another call changed it meanwhile, the
//! commit is refused as a `Conflict` and the caller runs the call again (optimistic concurrency:
//! a plugin's decisions always rest on what its commit sees). Quotas are checked as the call
//! stages its writes, and again at the commit.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::cases::{self, Case, CaseFilter, CaseStatus, Move, NewCase};
use super::installs::Quotas;
use super::kv::{self, Space, Usage};
use super::outbox::{self, NewMessage};
use super::{CrmError, CrmResult, cities, departments};
use crate::db::{self, Conn, Db, Sequence};

/// What each staged write costs against the `call-bytes` quota beyond its own bytes, so that a
/// call cannot stage without end by writing empty values.
const WRITE_OVERHEAD: u64 = 64;
/// Most store entries one call may read (each key got, each key listed): what it read is kept
/// and read again at its commit, so this bounds the host's memory and the commit's work.
pub const MAX_READS: usize = 10_000;
/// Longest department name a service may give a case.
const MAX_DEPARTMENT: usize = 100;
/// Longest address a service may give a case.
const MAX_ADDRESS: usize = 1_000;
/// Longest part (name, e-mail, phone) of a message's recipient.
const MAX_CONTACT_PART: usize = 256;

/// Whose call this is.
#[derive(Clone, Debug)]
pub struct Scope {
    pub city: String,
    /// The service code of the install called.
    pub service: String,
    /// The plugin's package name: its store entries are kept under it.
    pub plugin: String,
    pub quotas: Quotas,
    /// Whether the service's requests are public, and which fields stay private.
    pub public: bool,
    pub private_fields: Vec<String>,
    /// The department the service's description names: where a case it opens without one
    /// goes, unless the city routes the service elsewhere.
    pub default_department: Option<String>,
}

impl Scope {
    fn space(&self) -> Space<'_> {
        Space {
            city: &self.city,
            plugin: &self.plugin,
        }
    }

    fn actor(&self) -> String {
        format!("service:{}", self.service)
    }
}

/// Whether the call may write: `describe` and `validate` only read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// Read only, in the named export.
    ReadOnly(&'static str),
}

/// One list of store keys the call read, to be read again at the commit.
#[derive(Clone, Debug)]
struct ListRead {
    prefix: String,
    start_after: Option<String>,
    limit: u32,
    found: Vec<String>,
}

/// One status change the call made.
#[derive(Clone, Debug)]
struct StagedMove {
    id: i64,
    from: CaseStatus,
    to: CaseStatus,
    note: Option<String>,
}

/// The writes of one call, and what they rest on.
#[derive(Clone, Debug)]
pub struct Staged {
    scope: Scope,
    access: Access,
    /// The store the call reads; its writes wait here until the runtime commits them.
    db: Db,
    now: i64,
    /// Store entries written: a value, or `None` for a removed key.
    store: BTreeMap<String, Option<Vec<u8>>>,
    /// Store entries read from the database: the sha256 of the value then (`None`: absent).
    seen: BTreeMap<String, Option<[u8; 32]>>,
    lists: Vec<ListRead>,
    /// The size of each written key in the database before the call (`None`: absent).
    stored_sizes: BTreeMap<String, Option<i64>>,
    /// The space's usage in the database when the call first wrote.
    usage_before: Option<Usage>,
    /// How the written keys change the space's usage.
    usage_change: Usage,
    opened: Vec<(i64, NewCase)>,
    moves: Vec<StagedMove>,
    notes: Vec<(i64, String)>,
    messages: Vec<(i64, NewMessage)>,
    bytes: u64,
    /// Store entries read so far (see `MAX_READS`).
    reads: usize,
}

fn digest(value: Option<&[u8]>) -> Option<[u8; 32]> {
    value.map(|v| Sha256::digest(v).into())
}

fn over(quota: &str, what: String) -> CrmError {
    CrmError::LimitExceeded(format!("{what} (quota {quota})"))
}

impl Staged {
    /// Nothing written yet, for a call in `scope` starting now.
    pub fn new(scope: Scope, access: Access, db: Db) -> Staged {
        Staged {
            scope,
            access,
            db,
            now: db::now(),
            store: BTreeMap::new(),
            seen: BTreeMap::new(),
            lists: Vec::new(),
            stored_sizes: BTreeMap::new(),
            usage_before: None,
            usage_change: Usage::default(),
            opened: Vec::new(),
            moves: Vec::new(),
            notes: Vec::new(),
            messages: Vec::new(),
            bytes: 0,
            reads: 0,
        }
    }

    /// Nothing written yet, for another call in the same scope with `access`.
    pub fn fresh(&self, access: Access) -> Staged {
        Staged::new(self.scope.clone(), access, self.db.clone())
    }

    /// Lets the call write from now on (`submit` after `validate` in one instance).
    pub fn allow_writes(&mut self) {
        self.access = Access::ReadWrite;
    }

    /// Cases this call opens without a department go to `department` (the service's default).
    pub fn set_default_department(&mut self, department: &str) {
        self.scope.default_department = Some(department.to_string()).filter(|d| !d.is_empty());
    }

    /// Whose call this is.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// True when the call wrote nothing.
    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
            && self.opened.is_empty()
            && self.moves.is_empty()
            && self.notes.is_empty()
            && self.messages.is_empty()
    }

    /// How many cases and messages the call staged.
    pub fn counts(&self) -> (usize, usize) {
        (self.opened.len(), self.messages.len())
    }

    fn writable(&self) -> CrmResult<()> {
        match self.access {
            Access::ReadWrite => Ok(()),
            Access::ReadOnly(export) => Err(CrmError::Invalid(format!(
                "{export} only reads: write in submit, on-case-event or tick"
            ))),
        }
    }

    fn count_reads(&mut self, entries: usize) -> CrmResult<()> {
        self.reads += entries;
        if self.reads > MAX_READS {
            return Err(CrmError::LimitExceeded(format!(
                "one call reads at most {MAX_READS} store entries"
            )));
        }
        Ok(())
    }

    fn charge(&mut self, bytes: usize) -> CrmResult<()> {
        let bytes = bytes as u64 + WRITE_OVERHEAD;
        if self.bytes + bytes > self.scope.quotas.call_bytes {
            return Err(over(
                "call-bytes",
                format!(
                    "one call writes at most {} bytes",
                    self.scope.quotas.call_bytes
                ),
            ));
        }
        self.bytes += bytes;
        Ok(())
    }

    // The store.

    /// The value under `key`: what this call wrote, else what the database holds (remembered).
    pub async fn store_get(&mut self, key: &str) -> CrmResult<Option<Vec<u8>>> {
        let db = &self.db.clone();
        kv::check_key(key)?;
        if let Some(value) = self.store.get(key) {
            return Ok(value.clone());
        }
        if !self.seen.contains_key(key) {
            self.count_reads(1)?;
        }
        let mut conn = db.read().await?;
        let value = kv::get(&mut conn, &self.scope.space(), key).await?;
        self.seen
            .entry(key.to_string())
            .or_insert_with(|| digest(value.as_deref()));
        Ok(value)
    }

    /// Stages `value` (or the removal of `key`) after checking the store's limits as they
    /// would stand with this call's writes.
    async fn stage(&mut self, db: &Db, key: &str, value: Option<Vec<u8>>) -> CrmResult<()> {
        self.writable()?;
        kv::check_key(key)?;
        if let Some(value) = &value {
            kv::check_value(value)?;
        }
        let mut conn = db.read().await?;
        let space = self.scope.space();
        if self.usage_before.is_none() {
            self.usage_before = Some(kv::usage(&mut conn, &space).await?);
        }
        let stored = match self.stored_sizes.get(key) {
            Some(size) => *size,
            None => {
                let size = kv::size_of(&mut conn, &space, key).await?;
                self.stored_sizes.insert(key.to_string(), size);
                size
            }
        };
        drop(conn);
        let change_of = |value: Option<&Vec<u8>>| Usage {
            entries: value.is_some() as i64 - stored.is_some() as i64,
            bytes: value.map_or(0, |v| v.len() as i64) - stored.unwrap_or(0),
        };
        let previous = match self.store.get(key) {
            Some(staged) => change_of(staged.as_ref()),
            None => Usage::default(),
        };
        let next = change_of(value.as_ref());
        let change = Usage {
            entries: self.usage_change.entries - previous.entries + next.entries,
            bytes: self.usage_change.bytes - previous.bytes + next.bytes,
        };
        let before = self.usage_before.unwrap_or_default();
        let after = Usage {
            entries: before.entries + change.entries,
            bytes: before.bytes + change.bytes,
        };
        if after.entries > before.entries.max(kv::MAX_ENTRIES) {
            return Err(CrmError::LimitExceeded(format!(
                "at most {} entries per service",
                kv::MAX_ENTRIES
            )));
        }
        let max_bytes = self.scope.quotas.store_bytes as i64;
        if after.bytes > before.bytes.max(max_bytes) {
            return Err(over(
                "store-bytes",
                format!("a service keeps at most {max_bytes} bytes in its store"),
            ));
        }
        self.charge(key.len() + value.as_ref().map_or(0, Vec::len))?;
        self.usage_change = change;
        self.store.insert(key.to_string(), value);
        Ok(())
    }

    /// Stores `value` under `key`.
    pub async fn store_set(&mut self, key: &str, value: Vec<u8>) -> CrmResult<()> {
        let db = &self.db.clone();
        self.stage(db, key, Some(value)).await
    }

    /// Removes `key`; true if it was there.
    pub async fn store_delete(&mut self, key: &str) -> CrmResult<bool> {
        let db = &self.db.clone();
        self.writable()?;
        let was = self.store_get(key).await?.is_some();
        self.stage(db, key, None).await?;
        Ok(was)
    }

    /// If `key` holds `expected` (`None`: absent), stores `value` (`None`: removes it); true if it did.
    pub async fn store_compare_and_swap(
        &mut self,
        key: &str,
        expected: Option<&[u8]>,
        value: Option<Vec<u8>>,
    ) -> CrmResult<bool> {
        let db = &self.db.clone();
        self.writable()?;
        if let Some(value) = &value {
            kv::check_value(value)?;
        }
        if self.store_get(key).await?.as_deref() != expected {
            return Ok(false);
        }
        if expected.is_none() && value.is_none() {
            return Ok(true);
        }
        self.stage(db, key, value).await?;
        Ok(true)
    }

    /// Keys starting with `prefix`, in byte order, after `start_after`, with this call's writes.
    pub async fn store_list(
        &mut self,
        prefix: &str,
        start_after: Option<&str>,
        limit: u32,
    ) -> CrmResult<Vec<String>> {
        let db = &self.db.clone();
        let limit = limit.clamp(1, kv::MAX_LIST) as usize;
        let after = start_after.unwrap_or("");
        let in_range = |key: &str| key.starts_with(prefix) && key > after;
        // The database's keys, page by page, until `limit` of them are not removed by this call
        // (or there are no more); each page is read again at the commit.
        let mut stored = Vec::new();
        let mut page_after = start_after.map(str::to_string);
        loop {
            let mut conn = db.read().await?;
            let page = kv::list(
                &mut conn,
                &self.scope.space(),
                prefix,
                page_after.as_deref(),
                kv::MAX_LIST,
            )
            .await?;
            drop(conn);
            self.count_reads(page.len().max(1))?;
            let full = page.len() == kv::MAX_LIST as usize;
            self.lists.push(ListRead {
                prefix: prefix.to_string(),
                start_after: page_after.clone(),
                limit: kv::MAX_LIST,
                found: page.clone(),
            });
            page_after = page.last().cloned();
            stored.extend(
                page.into_iter()
                    .filter(|k| !matches!(self.store.get(k), Some(None))),
            );
            if !full || stored.len() >= limit {
                break;
            }
        }
        let mut keys: std::collections::BTreeSet<String> = stored.into_iter().collect();
        keys.extend(
            self.store
                .iter()
                .filter(|(k, v)| v.is_some() && in_range(k))
                .map(|(k, _)| k.clone()),
        );
        Ok(keys.into_iter().take(limit).collect())
    }

    // Cases.

    /// Opens a case for the service; its id is final, the case is written at the commit.
    /// The case goes where the city routes the service, else to the department the service asked
    /// for, else to the service's default department.
    pub async fn case_open(&mut self, mut new: NewCase) -> CrmResult<Case> {
        let db = &self.db.clone();
        self.writable()?;
        let too_long = |what: &str, text: &str, max: usize| {
            (text.chars().count() > max)
                .then(|| CrmError::Invalid(format!("a case's {what} is at most {max} characters")))
        };
        let address = new.location.as_ref().and_then(|l| l.address.as_deref());
        if let Some(e) = [
            too_long("title", &new.title, 200),
            too_long("description", &new.description, 10_000),
            too_long("notice", new.notice.as_deref().unwrap_or(""), 2_000),
            too_long(
                "department",
                new.department.as_deref().unwrap_or(""),
                MAX_DEPARTMENT,
            ),
            too_long("address", address.unwrap_or(""), MAX_ADDRESS),
        ]
        .into_iter()
        .flatten()
        .next()
        {
            return Err(e);
        }
        let quotas = self.scope.quotas;
        if self.opened.len() >= quotas.cases_per_call as usize {
            return Err(over(
                "cases-per-call",
                format!("one call opens at most {} cases", quotas.cases_per_call),
            ));
        }
        let mut conn = db.read().await?;
        let routed =
            departments::route_for(&mut conn, &self.scope.city, &self.scope.service, None).await?;
        new.department = routed
            .or(new.department.filter(|d| !d.trim().is_empty()))
            .or(self.scope.default_department.clone());
        let today = cases::opened_by_service_since(
            &mut conn,
            &self.scope.city,
            &self.scope.service,
            self.now - 86_400,
        )
        .await?;
        drop(conn);
        if today + self.opened.len() as i64 >= quotas.cases_per_day as i64 {
            return Err(over(
                "cases-per-day",
                format!(
                    "the service opens at most {} cases a day",
                    quotas.cases_per_day
                ),
            ));
        }
        self.charge(
            new.title.len()
                + new.description.len()
                + new.notice.as_ref().map_or(0, String::len)
                + new.department.as_ref().map_or(0, String::len)
                + address.map_or(0, str::len)
                + 256,
        )?;
        let id = cases::new_id(db, &self.scope.city).await?;
        let case = cases::row_of(id, &new, self.now);
        self.opened.push((id, new));
        Ok(case)
    }

    /// `case` as this call left it.
    fn overlay(&self, mut case: Case) -> Case {
        for step in self.moves.iter().filter(|m| m.id == case.id) {
            case.status = step.to;
            case.updated_at = self.now;
            if step.to == CaseStatus::Resolved {
                case.resolved_at = Some(self.now);
            }
        }
        case
    }

    /// A case of this service in this city, as this call left it.
    pub async fn case_get(&self, id: i64) -> CrmResult<Case> {
        let db = &self.db.clone();
        if let Some((_, new)) = self.opened.iter().find(|(i, _)| *i == id) {
            return Ok(self.overlay(cases::row_of(id, new, self.now)));
        }
        let mut conn = db.read().await?;
        let case =
            cases::get_in_service(&mut conn, &self.scope.city, &self.scope.service, id).await?;
        Ok(self.overlay(case))
    }

    /// This service's cases in this city, oldest first, as this call left them.
    pub async fn case_list(&self, filter: &CaseFilter) -> CrmResult<Vec<Case>> {
        let db = &self.db.clone();
        let limit = filter.limit.clamp(1, 100) as usize;
        let after = filter.after_id.unwrap_or(0);
        let mut conn = db.read().await?;
        let mut found =
            cases::list_in_service(&mut conn, &self.scope.city, &self.scope.service, filter)
                .await?;
        // Cases this call moved may match the filter now though their stored status does not.
        let mut moved: Vec<i64> = self.moves.iter().map(|m| m.id).collect();
        moved.sort_unstable();
        moved.dedup();
        for id in moved {
            if id > after
                && !found.iter().any(|c| c.id == id)
                && let Ok(case) =
                    cases::get_in_service(&mut conn, &self.scope.city, &self.scope.service, id)
                        .await
            {
                found.push(case);
            }
        }
        drop(conn);
        found.extend(
            self.opened
                .iter()
                .filter(|(id, _)| *id > after)
                .map(|(id, new)| cases::row_of(*id, new, self.now)),
        );
        let mut found: Vec<Case> = found
            .into_iter()
            .map(|c| self.overlay(c))
            .filter(|c| c.kind == cases::CaseKind::Case)
            .filter(|c| filter.status.is_none_or(|s| s == c.status))
            .collect();
        found.sort_by_key(|c| c.id);
        found.truncate(limit);
        Ok(found)
    }

    /// Moves a case of this service to `to`, if the lifecycle allows it from where it stands.
    pub async fn case_move(
        &mut self,
        id: i64,
        to: CaseStatus,
        note: Option<String>,
    ) -> CrmResult<Case> {
        self.writable()?;
        let case = self.case_get(id).await?;
        let id = case.id;
        if to == CaseStatus::Duplicate {
            return Err(CrmError::Invalid(
                "a service cannot mark a case duplicate; staff do".into(),
            ));
        }
        if !case.status.can_move_to(to) {
            return Err(CrmError::Invalid(format!(
                "a case cannot move from {} to {to}",
                case.status
            )));
        }
        if let Some(note) = &note {
            cases::check_note(note)?;
        }
        self.charge(note.as_ref().map_or(0, String::len))?;
        self.moves.push(StagedMove {
            id,
            from: case.status,
            to,
            note,
        });
        Ok(self.overlay(case))
    }

    /// Adds an internal note to a case of this service.
    pub async fn case_note(&mut self, id: i64, text: String) -> CrmResult<()> {
        self.writable()?;
        cases::check_note(&text)?;
        let id = self.case_get(id).await?.id;
        self.charge(text.len())?;
        self.notes.push((id, text));
        Ok(())
    }

    // Messages.

    /// Queues a message; its id is final, it is written at the commit.
    pub async fn message(&mut self, message: NewMessage) -> CrmResult<i64> {
        let db = &self.db.clone();
        self.writable()?;
        outbox::check(&message)?;
        let to = &message.recipient;
        if [&to.name, &to.email, &to.phone]
            .into_iter()
            .flatten()
            .any(|part| part.len() > MAX_CONTACT_PART)
        {
            return Err(CrmError::Invalid(format!(
                "a recipient's name, e-mail and phone are at most {MAX_CONTACT_PART} bytes each"
            )));
        }
        if let Some(case_id) = message.case_id {
            self.case_get(case_id).await?;
        }
        let quotas = self.scope.quotas;
        if self.messages.len() >= quotas.messages_per_call as usize {
            return Err(over(
                "messages-per-call",
                format!(
                    "one call queues at most {} messages",
                    quotas.messages_per_call
                ),
            ));
        }
        let staged = self.messages.len() as i64;
        let mut conn = db.read().await?;
        self.check_message_quotas(&mut conn, staged + 1).await?;
        drop(conn);
        self.charge(message.subject.len() + message.body.len() + 3 * MAX_CONTACT_PART)?;
        let id = db.next_id(Sequence::Outbox).await?;
        self.messages.push((id, message));
        Ok(id)
    }

    /// Refuses when `more` messages would take the service or its city past a day's quota.
    async fn check_message_quotas(&self, conn: &mut Conn, more: i64) -> CrmResult<()> {
        let since = self.now - 86_400;
        let quota = self.scope.quotas.messages_per_day as i64;
        let service =
            outbox::count_since(conn, &self.scope.city, Some(&self.scope.service), since).await?;
        if service + more > quota {
            return Err(over(
                "messages-per-day",
                format!("the service queues at most {quota} messages a day"),
            ));
        }
        let city_quota = cities::get(conn, &self.scope.city).await?.messages_per_day;
        let city = outbox::count_since(conn, &self.scope.city, None, since).await?;
        if city + more > city_quota {
            return Err(CrmError::LimitExceeded(format!(
                "the city queues at most {city_quota} messages a day (the city's messages-per-day)"
            )));
        }
        Ok(())
    }

    // The commit.

    /// Writes everything the call staged through `conn`, part of the caller's write transaction
    /// (`Db::begin_serializable`), after checking that what it read still holds — even when it
    /// wrote nothing, for the caller may write on the strength of it (a submit's case).
    /// `Conflict` when what the call read has changed since, or when concurrent calls used up a
    /// quota meanwhile: run the call again.
    pub async fn apply(&self, conn: &mut Conn) -> CrmResult<()> {
        if self.is_empty() && self.seen.is_empty() && self.lists.is_empty() {
            return Ok(());
        }
        let stale = || CrmError::Conflict("the store changed during the call; run it again".into());
        let space = self.scope.space();
        let keys: Vec<&str> = self.seen.keys().map(String::as_str).collect();
        let now = kv::values_of(conn, &space, &keys).await?;
        for (key, seen) in &self.seen {
            if digest(now.get(key).map(Vec::as_slice)) != *seen {
                return Err(stale());
            }
        }
        for list in &self.lists {
            let found = kv::list(
                conn,
                &space,
                &list.prefix,
                list.start_after.as_deref(),
                list.limit,
            )
            .await?;
            if found != list.found {
                return Err(stale());
            }
        }
        kv::apply(
            conn,
            &space,
            &self.store,
            self.scope.quotas.store_bytes as i64,
        )
        .await
        .map_err(|e| match e {
            CrmError::LimitExceeded(_) => stale(),
            other => other,
        })?;

        for (id, new) in &self.opened {
            cases::create(conn, *id, new, self.now).await?;
        }
        if !self.opened.is_empty() {
            let today = cases::opened_by_service_since(
                conn,
                &self.scope.city,
                &self.scope.service,
                self.now - 86_400,
            )
            .await?;
            if today > self.scope.quotas.cases_per_day as i64 {
                return Err(stale());
            }
        }
        let actor = self.scope.actor();
        for step in &self.moves {
            cases::move_status(
                conn,
                &Move {
                    city: &self.scope.city,
                    id: step.id,
                    from: step.from,
                    to: step.to,
                    actor: &actor,
                    note: step.note.as_deref(),
                    duplicate_of: None,
                    at: self.now,
                },
            )
            .await?;
        }
        for (id, text) in &self.notes {
            cases::add_note(conn, &self.scope.city, *id, &actor, text).await?;
        }
        for (id, message) in &self.messages {
            outbox::enqueue(conn, *id, message).await?;
        }
        if !self.messages.is_empty() {
            self.check_message_quotas(conn, 0)
                .await
                .map_err(|e| match e {
                    CrmError::LimitExceeded(_) => stale(),
                    other => other,
                })?;
        }
        Ok(())
    }
}
