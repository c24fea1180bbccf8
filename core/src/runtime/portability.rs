//! A whole city out of its host, in one archive the host signs: every table of the city's data
//! (as JSON lines, one part each), the components its installs run (by digest), and a manifest
//! with each part's rows, size and sha256. `read_archive` checks an archive whole (the signature
//! over the manifest, then every part against it) before anything in it is trusted.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use carmen_registry::signing;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::proofs::Operator;
use super::{Carmen, RuntimeError};
use crate::crm::{archive, cities, components};
use crate::db;

/// The tables an archive holds a part of, one each, parents first.
pub fn table_names() -> impl Iterator<Item = &'static str> {
    archive::TABLES.iter().map(|t| t.name)
}

/// The format an archive says it is in.
pub const FORMAT: &str = "carmen-city-archive/1";
/// Where the manifest and its signature are in an archive.
const MANIFEST: &str = "manifest.json";
const SIGNATURE: &str = "manifest.sig";

/// What an archive holds, as its manifest says.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    /// The city's slug and name where it was exported.
    pub city: String,
    pub name: String,
    pub exported_at: i64,
    /// The newest schema migration of the host that wrote it.
    pub schema: i64,
    /// Whether the city's delivery secrets are in it.
    pub with_secrets: bool,
    /// The public key (ed25519, hex) of the host that signed it.
    pub host_key: String,
    pub parts: Vec<Part>,
    /// What the archive does not carry, for the city to redo after an import.
    pub not_carried: Vec<String>,
}

/// One part of an archive.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Part {
    pub name: String,
    /// Rows, for a table's part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    /// The digest of what the archive holds, whoever wrote it and when: the same for the same
    /// city's data written by any host.
    pub fn content_digest(&self) -> String {
        let mut parts: Vec<String> = self
            .parts
            .iter()
            .map(|p| format!("{} {}\n", p.name, p.sha256))
            .collect();
        parts.sort();
        sha256(parts.concat().as_bytes())
    }

    /// The rows of table `name`, as the manifest counts them.
    pub fn rows(&self, table: &str) -> usize {
        let name = table_part(table);
        self.parts
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.rows)
            .unwrap_or(0)
    }
}

fn table_part(table: &str) -> String {
    format!("tables/{table}.jsonl")
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Carmen {
    /// Writes the archive of `city` to the new file `out`: its data as of one moment (one read
    /// transaction), its delivery secrets only `with_secrets`.
    pub async fn export_city(
        &self,
        _operator: &Operator,
        city: &str,
        with_secrets: bool,
        out: &Path,
    ) -> Result<Manifest, RuntimeError> {
        if out.exists() {
            return Err(RuntimeError::Invalid(format!(
                "{} exists: an export never writes over a file; choose another name",
                out.display()
            )));
        }
        let key = self.host_signing_key().await?;
        let mut conn = self.db.read().await?;
        let snapshot = match self.db.backend() {
            crate::db::Backend::Sqlite => "BEGIN",
            crate::db::Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        };
        sqlx::query(snapshot).execute(&mut *conn).await?;
        let read = async {
            let found = cities::get(&mut conn, city).await?;
            let mut tables = Vec::new();
            for table in archive::TABLES {
                tables.push((
                    table,
                    archive::rows(&mut conn, table, city, with_secrets).await?,
                ));
            }
            numbered_as_known(&mut tables);
            let mut parts = Vec::new();
            let mut digests = std::collections::BTreeSet::new();
            for (table, rows) in &tables {
                if table.name == "installs" {
                    for row in rows {
                        for column in ["digest", "previous_digest"] {
                            if let Some(digest) = row[column].as_str() {
                                digests.insert(digest.to_string());
                            }
                        }
                    }
                }
                let mut bytes = Vec::new();
                for row in rows {
                    serde_json::to_writer(&mut bytes, row)
                        .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
                    bytes.push(b'\n');
                }
                parts.push((table_part(table.name), Some(rows.len()), bytes));
            }
            for digest in digests {
                let bytes = components::get(&mut conn, &digest).await?;
                parts.push((format!("components/{digest}.wasm"), None, bytes));
            }
            let keys = archive::api_key_labels(&mut conn, city).await?;
            let schema: i64 = sqlx::Row::try_get(
                &sqlx::query("SELECT MAX(version) FROM _sqlx_migrations")
                    .fetch_one(&mut *conn)
                    .await?,
                0,
            )?;
            Ok::<_, RuntimeError>((found, parts, keys, schema))
        }
        .await;
        sqlx::query("COMMIT").execute(&mut *conn).await?;
        let (found, parts, keys, schema) = read?;
        let mut not_carried =
            vec!["sessions: citizens and staff sign in again, with the same passwords".to_string()];
        if !keys.is_empty() {
            not_carried.push(format!(
                "API keys, to issue again for the apps that used them: {}",
                keys.join(", ")
            ));
        }
        if !with_secrets {
            not_carried.push(
                "delivery secrets (SMS gateway, inbound e-mail, webhook): set them again, or export with --with-secrets".into(),
            );
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            city: found.slug.clone(),
            name: found.name.clone(),
            exported_at: crate::crm::now(),
            schema,
            with_secrets,
            host_key: signing::public_of(&key).map_err(RuntimeError::Invalid)?,
            parts: parts
                .iter()
                .map(|(name, rows, bytes)| Part {
                    name: name.clone(),
                    rows: *rows,
                    bytes: bytes.len() as u64,
                    sha256: sha256(bytes),
                })
                .collect(),
            not_carried,
        };
        let manifest_bytes = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| RuntimeError::Invalid(e.to_string()))?;
        let signature = signing::sign(&key, &manifest_bytes).map_err(RuntimeError::Invalid)?;
        write_archive(out, &manifest_bytes, signature.as_bytes(), &parts)?;
        Ok(manifest)
    }
}

/// Numbers the rows of an archive as they are known outside this host, so that the archive of
/// the same city is the same wherever it is written: a request by the number its citizens and
/// apps know (its first, the smallest of its aliases), every other row by its place in its table
/// (people, organisations, messages...), and what names them renumbered alike.
fn numbered_as_known(tables: &mut [(&archive::Table, Vec<serde_json::Value>)]) {
    use serde_json::Value;
    let rows_of = |tables: &[(&archive::Table, Vec<Value>)], name: &str| -> Vec<Value> {
        tables
            .iter()
            .find(|(t, _)| t.name == name)
            .map(|(_, rows)| rows.clone())
            .unwrap_or_default()
    };
    let ordinals = |name: &str| -> IdMap {
        rows_of(tables, name)
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .enumerate()
            .map(|(n, id)| (id, n as i64 + 1))
            .collect()
    };
    let users = ordinals("users");
    let organisations = ordinals("organisations");
    let articles = ordinals("articles");
    let mut cases: IdMap = rows_of(tables, "cases")
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .map(|id| (id, id))
        .collect();
    for alias in rows_of(tables, "case_aliases") {
        if let (Some(old), Some(case)) = (alias["old_id"].as_i64(), alias["case_id"].as_i64())
            && let Some(known) = cases.get_mut(&case)
        {
            *known = (*known).min(old);
        }
    }
    let renumber = |row: &mut Value, column: &str, map: &IdMap| {
        if let Some(old) = row[column].as_i64() {
            row[column] = map.get(&old).map_or(Value::Null, |new| (*new).into());
        }
    };
    for (table, rows) in tables.iter_mut() {
        let own: IdMap = rows
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .enumerate()
            .map(|(n, id)| (id, n as i64 + 1))
            .collect();
        for row in rows.iter_mut() {
            match table.name {
                "cases" => {
                    renumber(row, "id", &cases);
                    renumber(row, "citizen_id", &users);
                    renumber(row, "assignee_id", &users);
                    renumber(row, "duplicate_of", &cases);
                }
                "case_history" | "case_notes" => {
                    renumber(row, "id", &own);
                    renumber(row, "case_id", &cases);
                    for column in ["actor", "author"] {
                        if let Some(text) = row[column].as_str() {
                            row[column] = renumbered(text, &[("", &users)]).into();
                        }
                    }
                }
                "case_messages" => {
                    renumber(row, "id", &own);
                    renumber(row, "case_id", &cases);
                    renumber(row, "author_id", &users);
                }
                "ratings" | "photos" => renumber(row, "case_id", &cases),
                "organisation_cases" => {
                    renumber(row, "case_id", &cases);
                    renumber(row, "organisation_id", &organisations);
                }
                "organisation_members" => {
                    renumber(row, "organisation_id", &organisations);
                    renumber(row, "user_id", &users);
                }
                "organisation_invitations" => renumber(row, "organisation_id", &organisations),
                "follows" => {
                    renumber(row, "id", &own);
                    renumber(row, "user_id", &users);
                    renumber(row, "case_id", &cases);
                }
                "outbox" => {
                    renumber(row, "id", &own);
                    renumber(row, "case_id", &cases);
                }
                "pending_erasures" => renumber(row, "user_id", &users),
                "audit" => {
                    renumber(row, "id", &own);
                    renumber(row, "actor_id", &users);
                    if let Some(text) = row["object"].as_str() {
                        row["object"] = renumbered(
                            text,
                            &[
                                ("case", &cases),
                                ("user", &users),
                                ("organisation", &organisations),
                            ],
                        )
                        .into();
                    }
                }
                "users" | "organisations" | "installs" | "articles" => renumber(row, "id", &own),
                "case_aliases" => renumber(row, "case_id", &cases),
                "article_texts" => renumber(row, "article_id", &articles),
                _ => {}
            }
        }
        // An alias that is a request's own known number says nothing more.
        if table.name == "case_aliases" {
            rows.retain(|row| row["old_id"] != row["case_id"]);
        }
    }
}

/// Writes the archive beside `out`, makes it durable, then gives it the name `out`.
fn write_archive(
    out: &Path,
    manifest: &[u8],
    signature: &[u8],
    parts: &[(String, Option<usize>, Vec<u8>)],
) -> Result<(), RuntimeError> {
    let io = |e: std::io::Error| RuntimeError::Invalid(format!("{}: {e}", out.display()));
    let mut partial = out.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&partial)
            .map_err(io)?
    };
    let mut tar = tar::Builder::new(std::io::BufWriter::new(file));
    let mut add = |name: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        // It holds password hashes: for its owner's eyes only.
        header.set_mode(0o600);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes)
    };
    add(MANIFEST, manifest).map_err(io)?;
    add(SIGNATURE, signature).map_err(io)?;
    for (name, _, bytes) in parts {
        add(name, bytes).map_err(io)?;
    }
    let mut writer = tar.into_inner().map_err(io)?;
    writer.flush().map_err(io)?;
    let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    std::fs::rename(&partial, out).map_err(io)
}

/// An archive read and checked whole: its manifest and its parts by name.
pub struct Archive {
    pub manifest: Manifest,
    pub parts: BTreeMap<String, Vec<u8>>,
}

/// Reads the archive at `path` and checks it: the host's signature over the manifest (by the
/// key `trusted`, when given), then each part against the manifest, and nothing more in it.
pub fn read_archive(path: &Path, trusted: Option<&str>) -> Result<Archive, RuntimeError> {
    let refused = |why: String| RuntimeError::Invalid(format!("{}: {why}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| refused(e.to_string()))?;
    let mut tar = tar::Archive::new(std::io::BufReader::new(file));
    let mut found = BTreeMap::new();
    let entries = tar
        .entries()
        .map_err(|e| refused(format!("not an archive: {e}")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| refused(format!("not an archive: {e}")))?;
        // Plain files only: no links, no sparse files whose bytes would be made up on reading.
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(refused("it holds something other than plain files".into()));
        }
        let name = entry
            .path()
            .map_err(|e| refused(format!("not an archive: {e}")))?
            .to_string_lossy()
            .to_string();
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| refused(format!("cannot read {name}: {e}")))?;
        if found.insert(name.clone(), bytes).is_some() {
            return Err(refused(format!("{name} is in it twice")));
        }
    }
    let manifest_bytes = found
        .remove(MANIFEST)
        .ok_or_else(|| refused("not a city archive: it has no manifest".into()))?;
    let signature = found
        .remove(SIGNATURE)
        .ok_or_else(|| refused("its manifest is not signed".into()))?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| refused(format!("its manifest cannot be read: {e}")))?;
    if manifest.format != FORMAT {
        return Err(refused(format!(
            "it is in the format {:?}; this host reads {FORMAT}",
            manifest.format
        )));
    }
    if let Some(trusted) = trusted
        && !trusted.trim().eq_ignore_ascii_case(&manifest.host_key)
    {
        return Err(refused(format!(
            "it was signed by host key {}, not by the key trusted ({})",
            manifest.host_key,
            trusted.trim()
        )));
    }
    let signature = String::from_utf8_lossy(&signature).to_string();
    if !signing::verify(&manifest.host_key, &manifest_bytes, &signature) {
        return Err(refused(
            "its manifest does not match its signature: it was changed after it was written".into(),
        ));
    }
    for part in &manifest.parts {
        let bytes = found
            .get(&part.name)
            .ok_or_else(|| refused(format!("{} is missing", part.name)))?;
        if sha256(bytes) != part.sha256 || bytes.len() as u64 != part.bytes {
            return Err(refused(format!(
                "{} does not match its digest in the manifest: it was changed or damaged",
                part.name
            )));
        }
        if let Some(rows) = part.rows
            && bytes.iter().filter(|b| **b == b'\n').count() != rows
        {
            return Err(refused(format!(
                "{} does not hold the rows the manifest counts",
                part.name
            )));
        }
    }
    if let Some(extra) = found
        .keys()
        .find(|name| !manifest.parts.iter().any(|p| &p.name == *name))
    {
        return Err(refused(format!("{extra} is in it but not in its manifest")));
    }
    Ok(Archive {
        manifest,
        parts: found,
    })
}

impl Carmen {
    /// Marks `city` as moved to `to`: from now on it is read-only here (every change is refused
    /// with its new address, its pages say where it went), and its messages, ticks and
    /// escalations are the new host's. Audited.
    pub async fn move_out(
        &self,
        operator: &Operator,
        city: &str,
        to: &str,
    ) -> Result<crate::crm::cities::City, RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        cities::set_moved_to(&mut tx, city, to).await?;
        crate::crm::audit::record(
            &mut tx,
            Some(city),
            operator.principal(),
            "city.moved_out",
            &format!("city:{city}"),
            None,
            Some(serde_json::json!({ "moved_to": to.trim() })),
        )
        .await?;
        let moved = cities::get(&mut tx, city).await?;
        tx.commit().await?;
        Ok(moved)
    }
}

/// What an import wrote, for the operator.
#[derive(Debug)]
pub struct Imported {
    pub city: String,
    /// Rows written, by table.
    pub rows: BTreeMap<String, usize>,
    /// Requests whose number here differs from the one they had (it still finds them).
    pub renumbered: usize,
    /// What the city must redo, as the archive says.
    pub not_carried: Vec<String>,
}

/// Old ids to new ones, for one kind of row.
type IdMap = std::collections::HashMap<i64, i64>;

impl Carmen {
    /// Imports the checked `archive` as the city `slug` (the archive's own by default), in one
    /// transaction: all of it, or nothing. Request numbers stay those the city's citizens and
    /// apps know; a number this host already uses elsewhere is kept as an alias.
    pub async fn import_city(
        &self,
        _operator: &Operator,
        archive: &Archive,
        slug: Option<&str>,
    ) -> Result<Imported, RuntimeError> {
        let manifest = &archive.manifest;
        let slug = slug.unwrap_or(&manifest.city).to_string();
        cities::check_slug(&slug)?;
        let invalid = |why: String| RuntimeError::Invalid(why);
        let mut tables: BTreeMap<&str, Vec<serde_json::Map<String, serde_json::Value>>> =
            BTreeMap::new();
        for name in table_names() {
            let Some(bytes) = archive.parts.get(&table_part(name)) else {
                continue;
            };
            let text = std::str::from_utf8(bytes)
                .map_err(|_| invalid(format!("{}: not text", table_part(name))))?;
            let rows = text
                .lines()
                .map(|line| match serde_json::from_str(line) {
                    Ok(serde_json::Value::Object(row)) => Ok(row),
                    _ => Err(invalid(format!(
                        "{}: a row is not an object",
                        table_part(name)
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            tables.insert(name, rows);
        }
        let mut tx = self.db.begin_write().await?;
        let schema: i64 = sqlx::Row::try_get(
            &sqlx::query("SELECT MAX(version) FROM _sqlx_migrations")
                .fetch_one(&mut *tx)
                .await?,
            0,
        )?;
        if manifest.schema > schema {
            return Err(invalid(format!(
                "the archive was written by a newer Carmen (schema {}, this host has {schema}): update this host first",
                manifest.schema
            )));
        }
        if cities::get(&mut tx, &slug).await.is_ok() {
            return Err(RuntimeError::Crm(crate::crm::CrmError::Conflict(format!(
                "a city {slug} is on this host already: import it with --as and another slug"
            ))));
        }
        for (name, bytes) in &archive.parts {
            if name.starts_with("components/") {
                let digest = components::put(&mut tx, bytes).await?;
                if *name != format!("components/{digest}.wasm") {
                    return Err(invalid(format!(
                        "{name} does not hold the component it names"
                    )));
                }
            }
        }
        let rows = |name: &str| tables.get(name).map(Vec::as_slice).unwrap_or_default();
        let id = |row: &serde_json::Map<String, serde_json::Value>, column: &str| {
            row.get(column).and_then(serde_json::Value::as_i64)
        };
        // What an archive may hold, whoever wrote it: people of a city (never an operator),
        // request numbers a browser can show exactly, the limits an install may have.
        for user in rows("users") {
            let role = user.get("role").and_then(|r| r.as_str()).unwrap_or("");
            if !["citizen", "staff", "admin", "client"].contains(&role) {
                return Err(invalid(format!(
                    "tables/users.jsonl: a city's people are citizens, staff, administrators or apps, not {role:?}"
                )));
            }
        }
        const MOST_ID: i64 = 1 << 53;
        for (table, column) in [("cases", "id"), ("case_aliases", "old_id")] {
            if rows(table)
                .iter()
                .any(|r| !id(r, column).is_some_and(|n| (1..MOST_ID).contains(&n)))
            {
                return Err(invalid(format!(
                    "tables/{table}.jsonl: a request number is a whole number from 1 to 2^53"
                )));
            }
        }
        for install in rows("installs") {
            let number = |column: &str| {
                id(install, column)
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0)
            };
            let limits = crate::crm::installs::Limits {
                deadline_ms: number("deadline_ms"),
                memory_bytes: number("memory_bytes"),
            };
            super::install::check_limits(&limits)
                .map_err(|e| invalid(format!("tables/installs.jsonl: {e}")))?;
        }
        // Request numbers: kept where no request of this host has them; otherwise new ones,
        // all above every number the city had, each old number kept as an alias.
        let old_cases: Vec<i64> = rows("cases").iter().filter_map(|r| id(r, "id")).collect();
        let highest_old = old_cases
            .iter()
            .copied()
            .chain(rows("case_aliases").iter().filter_map(|r| id(r, "old_id")))
            .max()
            .unwrap_or(0);
        let first =
            archive::take_ids(&mut tx, "cases", old_cases.len() as i64, highest_old + 1).await?;
        let cases: IdMap = old_cases
            .iter()
            .enumerate()
            .map(|(n, old)| (*old, first + n as i64))
            .collect();
        let old_outbox: Vec<i64> = rows("outbox").iter().filter_map(|r| id(r, "id")).collect();
        let first = archive::take_ids(&mut tx, "outbox", old_outbox.len() as i64, 0).await?;
        let outbox: IdMap = old_outbox
            .iter()
            .enumerate()
            .map(|(n, old)| (*old, first + n as i64))
            .collect();
        let mut users = IdMap::new();
        let mut organisations = IdMap::new();
        let mut articles = IdMap::new();
        let mut written = BTreeMap::new();
        for table in archive::TABLES {
            let mut count = 0;
            // Each city's usage of its stored entries is counted by the store as they are written.
            let rows = match table.name {
                "kv_usage" => &[][..],
                name => rows(name),
            };
            for row in rows {
                let mut row = row.clone();
                row.insert(table.city_column.into(), slug.clone().into());
                let mapped = |row: &mut serde_json::Map<String, serde_json::Value>,
                              column: &str,
                              map: &IdMap,
                              required: bool|
                 -> Result<(), RuntimeError> {
                    let Some(old) = id(row, column) else {
                        return Ok(());
                    };
                    match map.get(&old) {
                        Some(new) => {
                            row.insert(column.into(), (*new).into());
                        }
                        None if required => {
                            return Err(invalid(format!(
                                "{}.{column} names {old}, which the archive does not hold",
                                table.name
                            )));
                        }
                        None => {
                            row.insert(column.into(), serde_json::Value::Null);
                        }
                    }
                    Ok(())
                };
                let returning = matches!(table.name, "users" | "organisations" | "articles");
                let omit: &[&str] = match table.name {
                    "users" | "organisations" | "installs" | "follows" | "case_history"
                    | "case_messages" | "case_notes" | "audit" | "articles" => &["id"],
                    _ => &[],
                };
                match table.name {
                    "cases" => {
                        // A follow link's secret names one request on a host: a copy of a city
                        // beside itself (`--as`) cannot share its links. Its request is here
                        // among those found by their hash alone, or is the original's own
                        // request of that number (a secret filed here names its number).
                        if let Some(secret) = row.get("secret_hash").and_then(|v| v.as_str())
                            && slug != manifest.city
                            && db::exists(
                                &mut tx,
                                "SELECT 1 WHERE EXISTS (SELECT 1 FROM cases \
                                 WHERE secret_hash = $1 AND secret_alone = 1) \
                                 OR EXISTS (SELECT 1 FROM cases WHERE city = $2 AND secret_hash = $1 \
                                 AND id = COALESCE((SELECT case_id FROM case_aliases \
                                 WHERE city = $2 AND old_id = $3), $3))",
                                (secret, &manifest.city, id(&row, "id")),
                            )
                            .await?
                        {
                            row.insert("secret_hash".into(), serde_json::Value::Null);
                        }
                        mapped(&mut row, "id", &cases, true)?;
                        mapped(&mut row, "citizen_id", &users, false)?;
                        mapped(&mut row, "assignee_id", &users, false)?;
                        mapped(&mut row, "duplicate_of", &cases, false)?;
                    }
                    "case_history" | "case_notes" => {
                        mapped(&mut row, "case_id", &cases, true)?;
                        for column in ["actor", "author"] {
                            if let Some(text) = row.get(column).and_then(|v| v.as_str()) {
                                let text = renumbered(text, &[("", &users)]);
                                row.insert(column.into(), text.into());
                            }
                        }
                    }
                    "case_messages" => {
                        mapped(&mut row, "case_id", &cases, true)?;
                        mapped(&mut row, "author_id", &users, false)?;
                    }
                    "ratings" | "photos" => mapped(&mut row, "case_id", &cases, true)?,
                    "organisation_cases" => {
                        mapped(&mut row, "case_id", &cases, true)?;
                        mapped(&mut row, "organisation_id", &organisations, true)?;
                    }
                    "organisation_members" => {
                        mapped(&mut row, "organisation_id", &organisations, true)?;
                        mapped(&mut row, "user_id", &users, true)?;
                    }
                    "organisation_invitations" => {
                        mapped(&mut row, "organisation_id", &organisations, true)?
                    }
                    "follows" => {
                        mapped(&mut row, "user_id", &users, true)?;
                        mapped(&mut row, "case_id", &cases, false)?;
                    }
                    "outbox" => {
                        mapped(&mut row, "id", &outbox, true)?;
                        mapped(&mut row, "case_id", &cases, false)?;
                    }
                    "pending_erasures" => mapped(&mut row, "user_id", &users, true)?,
                    "audit" => {
                        mapped(&mut row, "actor_id", &users, false)?;
                        if let Some(text) = row.get("object").and_then(|v| v.as_str()) {
                            let text = if text == format!("city:{}", manifest.city) {
                                format!("city:{slug}")
                            } else {
                                renumbered(
                                    text,
                                    &[
                                        ("case", &cases),
                                        ("user", &users),
                                        ("organisation", &organisations),
                                    ],
                                )
                            };
                            row.insert("object".into(), text.into());
                        }
                    }
                    "case_aliases" => mapped(&mut row, "case_id", &cases, true)?,
                    "article_texts" => mapped(&mut row, "article_id", &articles, true)?,
                    _ => {}
                }
                let table_id = id(&row, "id");
                let new = archive::insert(&mut tx, table, &row, omit, returning)
                    .await
                    .map_err(|e| invalid(format!("{}: {e}", table.name)))?;
                if let (Some(old), Some(new)) = (table_id, new) {
                    match table.name {
                        "users" => users.insert(old, new),
                        "articles" => articles.insert(old, new),
                        _ => organisations.insert(old, new),
                    };
                }
                count += 1;
            }
            written.insert(table.name.to_string(), count);
        }
        crate::crm::knowledge::reindex(&mut tx, &slug).await?;
        let mut renumbered_count = 0;
        for (old, new) in &cases {
            if old != new {
                db::execute(
                    &mut tx,
                    "INSERT INTO case_aliases (city, old_id, case_id) VALUES ($1, $2, $3)",
                    (&slug, old, new),
                )
                .await?;
                renumbered_count += 1;
            }
        }
        tx.commit().await?;
        Ok(Imported {
            city: slug,
            rows: written,
            renumbered: renumbered_count,
            not_carried: manifest.not_carried.clone(),
        })
    }
}

/// `text` with the id after `prefix:` (any `role:` when `prefix` is empty) renumbered by `maps`
/// (`staff:12` → `staff:40`, `case:7` → `case:1007`); other texts as they are.
fn renumbered(text: &str, maps: &[(&str, &IdMap)]) -> String {
    let Some((kind, number)) = text.split_once(':') else {
        return text.to_string();
    };
    let Ok(old) = number.parse::<i64>() else {
        return text.to_string();
    };
    maps.iter()
        .find(|(prefix, _)| prefix.is_empty() || *prefix == kind)
        .and_then(|(_, map)| map.get(&old))
        .map_or_else(|| text.to_string(), |new| format!("{kind}:{new}"))
}
