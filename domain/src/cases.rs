//! Cases: what a citizen's request becomes, with its lifecycle, history and internal notes.

use crate::db::Binds;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = StatusName)] // its name in the API's document
pub enum CaseStatus {
    Submitted,
    Acknowledged,
    InProgress,
    Resolved,
    Closed,
    Rejected,
    Duplicate,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::Submitted,
        CaseStatus::Acknowledged,
        CaseStatus::InProgress,
        CaseStatus::Resolved,
        CaseStatus::Closed,
        CaseStatus::Rejected,
        CaseStatus::Duplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "submitted",
            CaseStatus::Acknowledged => "acknowledged",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Closed => "closed",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Duplicate => "duplicate",
        }
    }

    /// Whether the city still has work to do on a case in this status.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::Submitted | CaseStatus::Acknowledged | CaseStatus::InProgress
        )
    }

    /// Whether the lifecycle allows moving from `self` to `to`.
    pub fn can_move_to(self, to: CaseStatus) -> bool {
        use CaseStatus::*;
        match self {
            Submitted => matches!(
                to,
                Acknowledged | InProgress | Resolved | Rejected | Duplicate
            ),
            Acknowledged => matches!(to, InProgress | Resolved | Rejected | Duplicate),
            InProgress => matches!(to, Resolved | Rejected | Duplicate),
            Resolved => matches!(to, Closed | InProgress),
            Closed | Rejected | Duplicate => false,
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseStatus {
    type Err = CrmError;
    fn from_str(s: &str) -> CrmResult<Self> {
        super::named(&CaseStatus::ALL, |c| c.as_str(), s, "case status")
    }
}

/// How urgent a case is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

impl FromStr for Priority {
    type Err = CrmError;
    fn from_str(s: &str) -> CrmResult<Self> {
        use Priority::*;
        super::named(&[Low, Normal, High, Urgent], |p| p.as_str(), s, "priority")
    }
}

/// Whether a request became work for the city or was answered at once by its service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    Case,
    Answer,
}

/// Where something is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// How to reach a citizen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The answers of a submission: field code to values (several for multi-value lists).
pub type Fields = BTreeMap<String, Vec<String>>;

/// One case of one city.
#[derive(Clone, Debug, Serialize)]
pub struct Case {
    pub id: i64,
    pub city: String,
    pub service: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub title: String,
    pub description: String,
    pub priority: Priority,
    pub department: Option<String>,
    pub location: Option<Location>,
    #[serde(skip)]
    pub contact: Option<Contact>,
    pub fields: Fields,
    pub notice: Option<String>,
    pub reference: Option<String>,
    pub language: String,
    pub due_at: Option<i64>,
    /// For a duplicate: the case it duplicates.
    pub duplicate_of: Option<i64>,
    /// The citizen's account, when they submitted signed in.
    pub citizen_id: Option<i64>,
    /// The staff member working it.
    pub assignee_id: Option<i64>,
    /// When it was last resolved.
    pub resolved_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Whether the public may see it (its service's rule when it was filed, or the city's since).
    pub public: bool,
    /// Fields whose answers stay private even when it is public.
    pub hidden_fields: Vec<String>,
    /// The sha256 of the secret its submitter follows it with.
    #[serde(skip)]
    pub secret_hash: Option<String>,
}

/// A case to open.
#[derive(Clone, Debug)]
pub struct NewCase {
    pub city: String,
    pub service: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub title: String,
    pub description: String,
    pub priority: Priority,
    pub department: Option<String>,
    pub location: Option<Location>,
    pub contact: Option<Contact>,
    pub fields: Fields,
    pub notice: Option<String>,
    pub reference: Option<String>,
    pub language: String,
    pub due_at: Option<i64>,
    pub citizen_id: Option<i64>,
    /// Who opened it, for the history.
    pub actor: String,
    /// Whether the public may see it.
    pub public: bool,
    /// Fields whose answers stay private even when it is public.
    pub hidden_fields: Vec<String>,
    /// The sha256 of the secret its submitter follows it with, a secret that names this
    /// request (`id_by_secret` finds it by its number).
    pub secret_hash: Option<String>,
}

/// One step of a case's history.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HistoryEntry {
    pub at: i64,
    pub actor: String,
    pub from: Option<CaseStatus>,
    pub to: CaseStatus,
    pub note: Option<String>,
}

/// An internal note on a case.
#[derive(Clone, Debug, Serialize, PartialEq, sqlx::FromRow)]
pub struct Note {
    pub at: i64,
    pub author: String,
    pub body: String,
}

/// Which of a service's cases to list.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub after_id: Option<i64>,
    pub limit: u32,
}

const COLUMNS: &str = "id, city, service, kind, status, title, description, priority, department, \
    latitude, longitude, address, contact, fields, notice, reference, language, due_at, duplicate_of, citizen_id, assignee_id, resolved_at, created_at, updated_at, public, hidden_fields, secret_hash";

fn invalid_row(e: impl fmt::Display) -> CrmError {
    CrmError::Invalid(format!("stored case is unreadable: {e}"))
}

fn from_row(row: &AnyRow) -> CrmResult<Case> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let priority: String = row.try_get("priority")?;
    let latitude: Option<f64> = row.try_get("latitude")?;
    let longitude: Option<f64> = row.try_get("longitude")?;
    let address: Option<String> = row.try_get("address")?;
    let contact: Option<String> = row.try_get("contact")?;
    let fields: String = row.try_get("fields")?;
    let location =
        (latitude.is_some() || longitude.is_some() || address.is_some()).then_some(Location {
            latitude,
            longitude,
            address,
        });
    Ok(Case {
        id: row.try_get("id")?,
        city: row.try_get("city")?,
        service: row.try_get("service")?,
        kind: if kind == "answer" {
            CaseKind::Answer
        } else {
            CaseKind::Case
        },
        status: status.parse()?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        priority: priority.parse()?,
        department: row.try_get("department")?,
        location,
        contact: contact
            .map(|c| serde_json::from_str(&c))
            .transpose()
            .map_err(invalid_row)?,
        fields: serde_json::from_str(&fields).map_err(invalid_row)?,
        notice: row.try_get("notice")?,
        reference: row.try_get("reference")?,
        language: row.try_get("language")?,
        due_at: row.try_get("due_at")?,
        duplicate_of: row.try_get("duplicate_of")?,
        citizen_id: row.try_get("citizen_id")?,
        assignee_id: row.try_get("assignee_id")?,
        resolved_at: row.try_get("resolved_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        public: row.try_get::<i64, _>("public")? != 0,
        hidden_fields: serde_json::from_str(&row.try_get::<String, _>("hidden_fields")?)
            .map_err(invalid_row)?,
        secret_hash: row.try_get("secret_hash")?,
    })
}

/// The row a new case becomes under `id`, opened at `now`.
pub fn row_of(id: i64, new: &NewCase, now: i64) -> Case {
    Case {
        id,
        city: new.city.clone(),
        service: new.service.clone(),
        kind: new.kind,
        status: new.status,
        title: new.title.clone(),
        description: new.description.clone(),
        priority: new.priority,
        department: new.department.clone(),
        location: new.location.clone(),
        contact: new.contact.clone(),
        fields: new.fields.clone(),
        notice: new.notice.clone(),
        reference: new.reference.clone(),
        language: new.language.clone(),
        due_at: new.due_at,
        duplicate_of: None,
        citizen_id: new.citizen_id,
        assignee_id: None,
        resolved_at: None,
        created_at: now,
        updated_at: now,
        public: new.public,
        hidden_fields: new.hidden_fields.clone(),
        secret_hash: new.secret_hash.clone(),
    }
}

/// Opens a case under `id` (from `Db::next_id`) and writes the first step of its history.
pub async fn create(conn: &mut Conn, id: i64, new: &NewCase, now: i64) -> CrmResult<Case> {
    let sql = match db::is_postgres(conn) {
        true => ON_POSTGRES,
        false => ON_SQLITE,
    };
    open(conn, sql, id, new, now, ()).await?;
    Ok(row_of(id, new, now))
}

/// Opens a case as [`create`] does, for a request filed with a filing read before its
/// transaction (`installs::Filing`), only if the city's filings are still as they were read
/// (their count of changes is still `generation`) and `id` is no old number the city brought
/// from another host: checked in the same statement. `None`, with nothing written, when either
/// is not so (the request is then to be filed again with what is true now).
pub async fn create_if_filing_unchanged(
    conn: &mut Conn,
    id: i64,
    new: &NewCase,
    now: i64,
    generation: i64,
) -> CrmResult<Option<Case>> {
    let sql = match db::is_postgres(conn) {
        true => IF_UNCHANGED_ON_POSTGRES,
        false => IF_UNCHANGED_ON_SQLITE,
    };
    let written = open(conn, sql, id, new, now, (generation,)).await?;
    Ok((written > 0).then(|| row_of(id, new, now)))
}

// The case and its first history row in one statement, one trip to the database (on SQLite, to
// the writer's thread): a data-modifying `WITH` on PostgreSQL, two statements in one string on
// SQLite, whose driver binds `$N` by number in each. `$1` to `$25` are bound by `open`.
macro_rules! insert_case {
    () => {
        "INSERT INTO cases (id, city, service, kind, status, title, description, priority, department, \
         latitude, longitude, address, contact, fields, notice, reference, language, due_at, created_at, updated_at, citizen_id, by_service, \
         public, hidden_fields, secret_hash, secret_alone) "
    };
}
// A new case's secret names it: found by its number, so not in the index of hashes alone.
macro_rules! case_values {
    () => {
        "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $20, $21, $22, $23, $24, 0"
    };
}
macro_rules! first_history_row {
    () => {
        "INSERT INTO case_history (city, case_id, at, actor, to_status) "
    };
}
/// The guard of `create_if_filing_unchanged`: `$26` is the count of changes to the city's
/// filings the request was filed with.
macro_rules! filing_unchanged {
    () => {
        "(SELECT filings_changed FROM cities WHERE slug = $2) = $26 \
         AND NOT EXISTS (SELECT 1 FROM case_aliases WHERE city = $2 AND old_id = $1)"
    };
}
const ON_POSTGRES: &str = concat!(
    "WITH opened AS (",
    insert_case!(),
    "VALUES (",
    case_values!(),
    ") RETURNING id) ",
    first_history_row!(),
    "SELECT $2, id, $19, $25, $5 FROM opened"
);
const ON_SQLITE: &str = concat!(
    insert_case!(),
    "VALUES (",
    case_values!(),
    "); ",
    first_history_row!(),
    "VALUES ($2, $1, $19, $25, $5)"
);
const IF_UNCHANGED_ON_POSTGRES: &str = concat!(
    "WITH opened AS (",
    insert_case!(),
    "SELECT ",
    case_values!(),
    " WHERE ",
    filing_unchanged!(),
    " RETURNING id) ",
    first_history_row!(),
    "SELECT $2, id, $19, $25, $5 FROM opened"
);
const IF_UNCHANGED_ON_SQLITE: &str = concat!(
    insert_case!(),
    "SELECT ",
    case_values!(),
    " WHERE ",
    filing_unchanged!(),
    "; ",
    first_history_row!(),
    "SELECT $2, $1, $19, $25, $5 WHERE changes() = 1"
);

/// Runs one of the statements above with the case's values and `more` bound; how many rows it
/// wrote.
async fn open<'q>(
    conn: &mut Conn,
    sql: &'q str,
    id: i64,
    new: &'q NewCase,
    now: i64,
    more: impl db::Values<'q>,
) -> CrmResult<u64> {
    let location = new.location.clone().unwrap_or_default();
    let contact = new
        .contact
        .as_ref()
        .map(|c| serde_json::to_string(c).expect("contact serializes"));
    let fields = serde_json::to_string(&new.fields).expect("fields serialize");
    let kind = match new.kind {
        CaseKind::Case => "case",
        CaseKind::Answer => "answer",
    };
    let done = sqlx::query(sql)
        .binds((
            id,
            &new.city,
            &new.service,
            kind,
            new.status.as_str(),
            &new.title,
            &new.description,
            new.priority.as_str(),
            &new.department,
            location.latitude,
            location.longitude,
            location.address,
            contact,
            fields,
            &new.notice,
            &new.reference,
            &new.language,
            new.due_at,
            now,
            new.citizen_id,
            new.actor.starts_with("service:") as i64,
            new.public as i64,
            serde_json::to_string(&new.hidden_fields).expect("a string list serializes"),
            &new.secret_hash,
            &new.actor,
        ))
        .binds(more)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

#[allow(clippy::too_many_arguments)]
async fn insert_history(
    conn: &mut Conn,
    city: &str,
    case_id: i64,
    at: i64,
    actor: &str,
    from: Option<CaseStatus>,
    to: CaseStatus,
    note: Option<&str>,
) -> CrmResult<()> {
    db::execute(
        conn,
        "INSERT INTO case_history (city, case_id, at, actor, from_status, to_status, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        (
            city,
            case_id,
            at,
            actor,
            from.map(|s| s.as_str()),
            to.as_str(),
            note,
        ),
    )
    .await?;
    Ok(())
}

/// One case of `city`; another city's case is `NotFound`.
pub async fn get(conn: &mut Conn, city: &str, id: i64) -> CrmResult<Case> {
    // A number the city's requests had on the host it came from names the request it is here.
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM cases WHERE city = $1 AND id = \
         COALESCE((SELECT case_id FROM case_aliases WHERE city = $1 AND old_id = $2), $2)"
    ))
    .binds((city, id))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CrmError::NotFound(format!("request {id}")))?;
    from_row(&row)
}

/// A new request's id in `city`: the next of the sequence that is not an old number the city
/// brought from another host (an alias would hide the new request behind the old one).
pub async fn new_id(db: &crate::db::Db, city: &str) -> CrmResult<i64> {
    loop {
        let id = db.next_id(crate::db::Sequence::Cases).await?;
        let taken = sqlx::query("SELECT 1 FROM case_aliases WHERE city = $1 AND old_id = $2")
            .binds((city, id))
            .fetch_optional(&mut *db.read().await?)
            .await?;
        if taken.is_none() {
            return Ok(id);
        }
    }
}

/// The request a number of `city` names: the number itself, or the request that had it on the
/// host the city came from.
pub async fn resolve(conn: &mut Conn, city: &str, id: i64) -> CrmResult<i64> {
    let row = sqlx::query("SELECT case_id FROM case_aliases WHERE city = $1 AND old_id = $2")
        .binds((city, id))
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(row) => row.try_get(0)?,
        None => id,
    })
}

/// One case of `city` opened by `service`; anything else is `NotFound`.
pub async fn get_in_service(
    conn: &mut Conn,
    city: &str,
    service: &str,
    id: i64,
) -> CrmResult<Case> {
    let case = get(conn, city, id).await?;
    if case.service != service {
        return Err(CrmError::NotFound(format!("request {id}")));
    }
    Ok(case)
}

/// A service's cases in a city, oldest first.
pub async fn list_in_service(
    conn: &mut Conn,
    city: &str,
    service: &str,
    filter: &CaseFilter,
) -> CrmResult<Vec<Case>> {
    let limit = filter.limit.clamp(1, 100) as i64;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM cases WHERE city = $1 AND service = $2 AND kind = 'case' \
         AND ($3 IS NULL OR status = $3) AND id > $4 ORDER BY id LIMIT $5"
    ))
    .binds((
        city,
        service,
        filter.status.map(|s| s.as_str()),
        filter.after_id.unwrap_or(0),
        limit,
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Checks a move to `duplicate` (it names another case of the same city) and that nothing else
/// names a case it duplicates.
pub async fn check_duplicate_of(
    conn: &mut Conn,
    city: &str,
    id: i64,
    to: CaseStatus,
    duplicate_of: Option<i64>,
) -> CrmResult<()> {
    match (to, duplicate_of) {
        (CaseStatus::Duplicate, None) => Err(CrmError::Invalid(
            "a duplicate names the case it duplicates (duplicate_of)".into(),
        )),
        (CaseStatus::Duplicate, Some(original)) if original == id => {
            Err(CrmError::Invalid("a case cannot duplicate itself".into()))
        }
        (CaseStatus::Duplicate, Some(original)) => {
            get(conn, city, original).await.map_err(|_| {
                CrmError::Invalid(format!("duplicate_of: case {original} not found"))
            })?;
            Ok(())
        }
        (_, Some(_)) => Err(CrmError::Invalid(
            "duplicate_of goes only with the status duplicate".into(),
        )),
        (_, None) => Ok(()),
    }
}

/// One change of a case's status.
#[derive(Clone, Debug)]
pub struct Move<'a> {
    pub city: &'a str,
    pub id: i64,
    /// The status the mover saw; if the case is no longer in it, nothing changes (`Conflict`).
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub actor: &'a str,
    pub note: Option<&'a str>,
    pub duplicate_of: Option<i64>,
    pub at: i64,
}

/// Moves a case from `from` to `to` if the lifecycle allows it and it is still in `from`, and
/// writes the step into its history.
pub async fn move_status(conn: &mut Conn, step: &Move<'_>) -> CrmResult<()> {
    if !step.from.can_move_to(step.to) {
        return Err(CrmError::Invalid(format!(
            "a case cannot move from {} to {}",
            step.from, step.to
        )));
    }
    let changed = db::execute(
        conn,
        "UPDATE cases SET status = $1, updated_at = $2, duplicate_of = $6, \
         resolved_at = CASE WHEN $1 = 'resolved' THEN $2 ELSE resolved_at END \
         WHERE city = $3 AND id = $4 AND status = $5",
        (
            step.to.as_str(),
            step.at,
            step.city,
            step.id,
            step.from.as_str(),
            step.duplicate_of,
        ),
    )
    .await?;
    if changed != 1 {
        return Err(CrmError::Conflict(format!(
            "request {} changed meanwhile; try again",
            step.id
        )));
    }
    insert_history(
        conn,
        step.city,
        step.id,
        step.at,
        step.actor,
        Some(step.from),
        step.to,
        step.note,
    )
    .await
}

/// Moves a case to `to` if the lifecycle allows it; returns the case and the status it left.
/// A move to `duplicate` names the original, another case of the same city.
pub async fn update_status(
    conn: &mut Conn,
    city: &str,
    id: i64,
    to: CaseStatus,
    actor: &str,
    note: Option<&str>,
    duplicate_of: Option<i64>,
) -> CrmResult<(Case, CaseStatus)> {
    check_duplicate_of(conn, city, id, to, duplicate_of).await?;
    let from = get(conn, city, id).await?.status;
    let step = Move {
        city,
        id,
        from,
        to,
        actor,
        note,
        duplicate_of,
        at: db::now(),
    };
    move_status(conn, &step).await?;
    Ok((get(conn, city, id).await?, from))
}

/// Refuses an empty or oversized note.
pub fn check_note(body: &str) -> CrmResult<()> {
    if body.trim().is_empty() || body.len() > 16 * 1024 {
        return Err(CrmError::Invalid(
            "a note is 1 byte to 16 KiB of text".into(),
        ));
    }
    Ok(())
}

/// Adds an internal note to a case of `city`.
pub async fn add_note(
    conn: &mut Conn,
    city: &str,
    id: i64,
    author: &str,
    body: &str,
) -> CrmResult<()> {
    check_note(body)?;
    let id = get(conn, city, id).await?.id;
    db::execute(
        conn,
        "INSERT INTO case_notes (city, case_id, at, author, body) VALUES ($1, $2, $3, $4, $5)",
        (city, id, db::now(), author, body),
    )
    .await?;
    Ok(())
}

/// The history of a case of `city`, oldest first.
pub async fn history(conn: &mut Conn, city: &str, id: i64) -> CrmResult<Vec<HistoryEntry>> {
    let rows = sqlx::query(
        "SELECT at, actor, from_status, to_status, note FROM case_history WHERE city = $1 AND case_id = $2 ORDER BY id",
    )
    .binds((city, id))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let from: Option<String> = row.try_get(2)?;
            let to: String = row.try_get(3)?;
            Ok(HistoryEntry {
                at: row.try_get(0)?,
                actor: row.try_get(1)?,
                from: from.map(|s| s.parse()).transpose()?,
                to: to.parse()?,
                note: row.try_get(4)?,
            })
        })
        .collect()
}

/// The internal notes of a case of `city`, oldest first.
pub async fn notes(conn: &mut Conn, city: &str, id: i64) -> CrmResult<Vec<Note>> {
    let notes = db::fetch_all(
        conn,
        "SELECT at, author, body FROM case_notes WHERE city = $1 AND case_id = $2 ORDER BY id",
        (city, id),
    )
    .await?;
    Ok(notes)
}

/// The note of the latest status change of a request of `city` that has one (what staff said
/// publicly when they moved it).
pub async fn latest_status_note(conn: &mut Conn, city: &str, id: i64) -> CrmResult<Option<String>> {
    let row = sqlx::query(
        "SELECT note FROM case_history WHERE city = $1 AND case_id = $2 AND note IS NOT NULL AND from_status IS NOT NULL ORDER BY id DESC LIMIT 1",
    )
    .binds((city, id))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// The request of city `$1` whose secret has sha256 `$3` and names number `$2` (its own, or one
/// it had on the host the city came from): a look-up by the primary key.
pub const BY_SECRET_NAMING_ITS_NUMBER: &str = "SELECT id FROM cases WHERE city = $1 \
     AND secret_hash = $3 AND id = \
     COALESCE((SELECT case_id FROM case_aliases WHERE city = $1 AND old_id = $2), $2)";
/// The request of city `$1` whose secret, found by its hash alone, has sha256 `$2`: through the
/// partial index `cases_by_secret`, whose condition the query repeats word for word.
pub const BY_SECRET_ALONE: &str =
    "SELECT id FROM cases WHERE city = $1 AND secret_hash = $2 AND secret_alone = 1";

/// The id of the request of `city` whose secret has sha256 `hash`: the request `number` names
/// when the secret named one; else the one whose secret is found by its hash alone (secrets
/// given before they named their request, and those of requests brought from another host).
pub async fn id_by_secret(
    conn: &mut Conn,
    city: &str,
    number: Option<i64>,
    hash: &str,
) -> CrmResult<i64> {
    let row = match number {
        Some(number) => sqlx::query(BY_SECRET_NAMING_ITS_NUMBER).binds((city, number, hash)),
        None => sqlx::query(BY_SECRET_ALONE).binds((city, hash)),
    }
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CrmError::NotFound("request".into()))?;
    Ok(row.try_get(0)?)
}

/// How many cases `service` of `city` opened itself (through `cases.create`) since `since`.
pub async fn opened_by_service_since(
    conn: &mut Conn,
    city: &str,
    service: &str,
    since: i64,
) -> CrmResult<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM cases WHERE city = $1 AND service = $2 AND created_at >= $3 AND by_service = 1",
    )
    .binds((city, service, since))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

#[cfg(test)]
mod tests {
    use super::CaseStatus::*;

    #[test]
    fn lifecycle_allows_forward_moves_and_reopening_a_resolution_only() {
        assert!(Submitted.can_move_to(Acknowledged));
        assert!(InProgress.can_move_to(Resolved));
        assert!(Resolved.can_move_to(Closed));
        assert!(Resolved.can_move_to(InProgress));
        assert!(!Closed.can_move_to(InProgress));
        assert!(!Submitted.can_move_to(Closed));
        assert!(!Rejected.can_move_to(Submitted));
        assert!(!InProgress.can_move_to(Acknowledged));
    }

    #[test]
    fn statuses_parse_from_their_names() {
        for status in super::CaseStatus::ALL {
            assert_eq!(
                status.as_str().parse::<super::CaseStatus>().unwrap(),
                status
            );
        }
        assert!("open".parse::<super::CaseStatus>().is_err());
    }
}

/// The staff queue's filters.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    pub status: Option<CaseStatus>,
    pub department: Option<String>,
    pub service: Option<String>,
    pub assignee: Option<i64>,
    /// Only open cases past their due date.
    pub overdue: bool,
    /// Words that must appear in the title or description.
    pub text: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

/// A city's cases (not immediate answers) matching `filter`, soonest due first, with the total count.
pub async fn queue(
    conn: &mut Conn,
    city: &str,
    filter: &QueueFilter,
) -> CrmResult<(Vec<Case>, i64)> {
    let mut conditions = vec!["city = $1".to_string(), "kind = 'case'".to_string()];
    let mut binds: Vec<String> = vec![city.to_string()];
    let mut wanted: Vec<(&str, String)> = Vec::new();
    if let Some(status) = filter.status {
        wanted.push(("status = ?", status.as_str().to_string()));
    }
    if let Some(department) = &filter.department {
        wanted.push(("department = ?", department.clone()));
    }
    if let Some(service) = &filter.service {
        wanted.push(("service = ?", service.clone()));
    }
    if let Some(text) = &filter.text {
        let pattern = format!("%{}%", text.to_lowercase().replace(['%', '_'], ""));
        wanted.push((
            "(LOWER(title) LIKE ? OR LOWER(description) LIKE ?)",
            pattern,
        ));
    }
    for (condition, value) in wanted {
        binds.push(value);
        conditions.push(condition.replace('?', &format!("${}", binds.len())));
    }
    let mut sql_tail = conditions.join(" AND ");
    if let Some(assignee) = filter.assignee {
        sql_tail.push_str(&format!(" AND assignee_id = {assignee}"));
    }
    if filter.overdue {
        sql_tail.push_str(&format!(
            " AND status IN ('submitted', 'acknowledged', 'in_progress') AND due_at IS NOT NULL AND due_at < {}",
            db::now()
        ));
    }
    let per_page = filter.per_page.clamp(1, 100) as i64;
    let offset = filter.page.max(1) as i64 * per_page - per_page;
    let list_sql = format!(
        "SELECT {COLUMNS} FROM cases WHERE {sql_tail} ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, id \
         LIMIT {per_page} OFFSET {offset}"
    );
    let count_sql = format!("SELECT COUNT(*) FROM cases WHERE {sql_tail}");
    let mut list = sqlx::query(&list_sql);
    let mut count = sqlx::query(&count_sql);
    for value in &binds {
        list = list.bind(value.clone());
        count = count.bind(value.clone());
    }
    let rows = list.fetch_all(&mut *conn).await?;
    let total: i64 = count.fetch_one(&mut *conn).await?.try_get(0)?;
    Ok((rows.iter().map(from_row).collect::<CrmResult<_>>()?, total))
}

/// Assigns a case of `city` to a person (or to nobody).
pub async fn assign(
    conn: &mut Conn,
    city: &str,
    id: i64,
    assignee: Option<i64>,
) -> CrmResult<Case> {
    let changed = db::execute(
        conn,
        "UPDATE cases SET assignee_id = $1, updated_at = $2 WHERE city = $3 AND id = $4 AND kind = 'case'",
        (assignee, db::now(), city, id),
    )
    .await?;
    if changed == 0 {
        return Err(CrmError::NotFound(format!("case {id}")));
    }
    get(conn, city, id).await
}

/// The requests a citizen filed in `city`, newest first.
pub async fn of_citizen(
    conn: &mut Conn,
    city: &str,
    citizen_id: i64,
    before: Option<i64>,
    limit: i64,
) -> CrmResult<Vec<Case>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM cases WHERE city = $1 AND citizen_id = $2 AND id < $3 \
         ORDER BY id DESC LIMIT $4"
    ))
    .binds((city, citizen_id, before.unwrap_or(i64::MAX), limit))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Which requests an Open311 client asks for.
#[derive(Clone, Debug, Default)]
pub struct RequestSearch {
    /// These requests only (the other filters are then ignored).
    pub ids: Vec<i64>,
    /// Only these services (none: all).
    pub services: Vec<String>,
    /// Created at or after.
    pub start: i64,
    /// Created at or before.
    pub end: i64,
    /// Only these statuses.
    pub statuses: Option<Vec<CaseStatus>>,
    /// Only requests the public may see.
    pub public_only: bool,
    pub limit: u32,
    pub offset: u32,
}

/// A city's requests (cases and immediate answers) matching `search`, newest first.
pub async fn search(conn: &mut Conn, city: &str, search: &RequestSearch) -> CrmResult<Vec<Case>> {
    let mut sql = format!("SELECT {COLUMNS} FROM cases WHERE city = $1");
    if search.public_only {
        sql.push_str(" AND public = 1");
    }
    let mut texts: Vec<String> = Vec::new();
    let mut numbers: Vec<i64> = Vec::new();
    if !search.ids.is_empty() {
        let list: Vec<String> = search.ids.iter().map(|id| id.to_string()).collect();
        sql.push_str(&format!(" AND id IN ({})", list.join(", ")));
    } else {
        if !search.services.is_empty() {
            let mut marks = Vec::new();
            for service in &search.services {
                texts.push(service.clone());
                marks.push(format!("${}", texts.len() + 1));
            }
            sql.push_str(&format!(" AND service IN ({})", marks.join(", ")));
        }
        if let Some(statuses) = &search.statuses {
            let list: Vec<String> = statuses
                .iter()
                .map(|s| format!("'{}'", s.as_str()))
                .collect();
            sql.push_str(&format!(" AND status IN ({})", list.join(", ")));
        }
        numbers.push(search.start);
        numbers.push(search.end);
        sql.push_str(&format!(
            " AND created_at >= ${} AND created_at <= ${}",
            texts.len() + 2,
            texts.len() + 3
        ));
    }
    sql.push_str(&format!(
        " ORDER BY id DESC LIMIT {} OFFSET {}",
        search.limit.clamp(1, 1000),
        search.offset
    ));
    let mut query = sqlx::query(&sql).bind(city);
    for text in &texts {
        query = query.bind(text.clone());
    }
    for number in &numbers {
        query = query.bind(*number);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter().map(from_row).collect()
}
