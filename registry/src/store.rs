//! The registry's metadata (sqlx, SQLite) beside its blob store: publishers, packages, versions and
//! the cities that said they run them. Publishing checks everything before it writes anything.

use std::path::Path;
use std::str::FromStr;

use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

use crate::blobs::BlobStore;
use crate::manifest::Manifest;
use crate::package::{self, CONTRACT_VERSIONS};
use crate::resolve::{self, Candidate};
use crate::{names, signing};

/// Largest component a registry takes unless its operator says otherwise (`--max-package-mb`):
/// room for a Python (about 18 MB) or StarlingMonkey JavaScript (about 12 MB) component.
pub const MAX_COMPONENT_BYTES: usize = 32_000_000;

/// The refusal of a component over the limit, in megabytes a developer can compare.
pub fn too_large(bytes: usize, limit: usize) -> String {
    format!(
        "the component is {:.1} MB; this registry takes components of up to {:.1} MB per package \
         (its operator sets the limit with --max-package-mb). Build in release mode, or ask the operator",
        bytes as f64 / 1e6,
        limit as f64 / 1e6
    )
}

/// Why the registry refused.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("storage failure: {0}")]
    Storage(String),
    /// Over the registry's size limit.
    #[error("{0}")]
    TooLarge(String),
}

impl From<sqlx::Error> for RegistryError {
    fn from(e: sqlx::Error) -> Self {
        RegistryError::Storage(e.to_string())
    }
}

impl From<std::io::Error> for RegistryError {
    fn from(e: std::io::Error) -> Self {
        RegistryError::Storage(e.to_string())
    }
}

type Result<T> = std::result::Result<T, RegistryError>;

/// One published version, as the registry answers about it.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct VersionInfo {
    pub name: String,
    pub version: String,
    pub digest: String,
    pub size: i64,
    pub manifest: String,
    pub signature: String,
    pub publisher: String,
    pub public_key: String,
    pub contract: String,
    pub capabilities: Vec<String>,
    pub published_at: i64,
    pub yanked: bool,
    pub deprecated: Option<String>,
}

impl VersionInfo {
    /// The hosts the version calls with capability `http`, as its manifest names them
    /// (templates such as `https://{settings.waste-system}`).
    pub fn hosts(&self) -> Vec<String> {
        crate::manifest::Manifest::parse(&self.manifest)
            .map(|m| m.package.hosts)
            .unwrap_or_default()
    }

    /// Those hosts as people read them: `https://‹waste-system›` (see `hosts::in_words`).
    pub fn hosts_in_words(&self) -> Vec<String> {
        self.hosts()
            .iter()
            .map(|h| crate::hosts::in_words(h))
            .collect()
    }
}

/// A city host's signature on a report that the city runs a package.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct SignedReport {
    pub at: i64,
    pub public_key: String,
    pub signature: String,
    /// The publisher whose token came with it (the host's operator), which may register the
    /// city's key.
    pub publisher: Option<i64>,
}

impl SignedReport {
    /// Refuses, as `what` that is not signed by the city's host, a report that is not signed by
    /// its key over `message` within ten minutes of now.
    fn check(&self, message: &[u8], what: &str) -> Result<()> {
        if (now() - self.at).abs() > 600
            || !signing::verify(&self.public_key, message, &self.signature)
        {
            return Err(RegistryError::Unauthorized(format!(
                "{what} is signed, within ten minutes, by the city's host"
            )));
        }
        Ok(())
    }
}

/// What a search of the registry asks (the query of `GET /api/v1/packages`): the packages whose
/// name, description, readme or keywords contain `q` (all when empty), in `group` and with
/// `keyword` when given, by name after the name `after` (the previous page's `next`). An empty
/// value is none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Search {
    #[serde(default)]
    pub q: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl Search {
    /// Packages matching `q`, in `group` and with `keyword` when given: the first page.
    pub fn new(q: &str, group: Option<&str>, keyword: Option<&str>) -> Search {
        Search {
            q: q.to_string(),
            group: group.map(str::to_string),
            keyword: keyword.map(str::to_string),
            after: None,
        }
    }
}

/// A package's page.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct PackageInfo {
    pub name: String,
    pub description: String,
    pub readme: Option<String>,
    pub group: Option<String>,
    pub keywords: Vec<String>,
    pub publisher: String,
    pub publisher_city: String,
    pub versions: Vec<VersionInfo>,
    /// Cities that said they run it, with the version.
    pub cities: Vec<(String, String)>,
    /// The pilot figures cities published for it, newest version first.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// A city's published figures for one version of a package.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Evidence {
    pub city: String,
    pub version: String,
    /// The figures, as the city's host computed them (numbers only).
    pub figures: serde_json::Value,
    pub published_at: i64,
}

/// Largest figures document, in bytes.
const MAX_FIGURES_BYTES: usize = 4096;

/// Whether `figures` is aggregated data only: an object of numbers, nulls, short identifiers
/// (the service code) and lists of numbers — nothing that could carry a person's data.
fn aggregated_only(figures: &serde_json::Value) -> bool {
    use serde_json::Value;
    let Value::Object(fields) = figures else {
        return false;
    };
    fields.iter().all(|(key, value)| {
        names::is_code(&key.replace('_', "-"), 64)
            && match value {
                Value::Number(_) | Value::Null => true,
                Value::String(code) => key == "service" && names::is_code(code, 64),
                Value::Array(items) => items.len() <= 10 && items.iter().all(Value::is_number),
                _ => false,
            }
    })
}

/// The registry: metadata and blobs.
#[derive(Clone)]
pub struct Registry {
    pool: SqlitePool,
    pub blobs: BlobStore,
    max_component_bytes: usize,
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Keywords as stored: lowercase, comma-separated, with commas around for exact matching.
fn keywords(manifest: &Manifest) -> String {
    let words: Vec<String> = manifest
        .package
        .keywords
        .iter()
        .map(|k| k.trim().to_lowercase().replace(',', " "))
        .collect();
    if words.is_empty() {
        String::new()
    } else {
        format!(",{},", words.join(","))
    }
}

/// The items of a comma-separated list as stored (keywords, capabilities); none when empty.
fn stored_list(stored: String) -> Vec<String> {
    stored
        .split(',')
        .filter(|item| !item.is_empty())
        .map(String::from)
        .collect()
}

fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

impl Registry {
    /// Opens (creating) the metadata at `db` and the blobs in `blobs`.
    pub async fn open(db: &Path, blobs: &Path) -> Result<Registry> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", db.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(std::time::Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| RegistryError::Storage(e.to_string()))?;
        Ok(Registry {
            pool,
            blobs: BlobStore::open(blobs)?,
            max_component_bytes: MAX_COMPONENT_BYTES,
        })
    }

    /// The same registry, taking components of up to `bytes` bytes.
    pub fn with_max_component_bytes(mut self, bytes: usize) -> Registry {
        self.max_component_bytes = bytes.max(1);
        self
    }

    /// The largest component this registry takes.
    pub fn max_component_bytes(&self) -> usize {
        self.max_component_bytes
    }

    /// Registers a publisher (a city developer) with its ed25519 public key; returns its token, shown once.
    pub async fn register_publisher(
        &self,
        name: &str,
        city: &str,
        public_key: &str,
    ) -> Result<String> {
        if !names::is_code(name, 64) || !names::is_code(city, 63) {
            return Err(RegistryError::Invalid(
                "publisher and city names are 1 to 64 lowercase letters, digits and dashes".into(),
            ));
        }
        if hex::decode(public_key).map(|k| k.len()) != Ok(32) {
            return Err(RegistryError::Invalid(
                "the public key is 32 bytes of ed25519 key in hex".into(),
            ));
        }
        let token = signing::random_token("cr");
        sqlx::query("INSERT INTO publishers (name, city, token_hash, public_key, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(name)
            .bind(city)
            .bind(signing::digest(token.as_bytes()))
            .bind(public_key)
            .bind(now())
            .execute(&self.pool)
            .await
            .map_err(|e| if unique_violation(&e) { RegistryError::Conflict(format!("publisher {name:?} exists")) } else { e.into() })?;
        Ok(token)
    }

    /// The publisher holding `token`: (id, name, public key).
    pub async fn publisher(&self, token: &str) -> Result<(i64, String, String)> {
        let row = sqlx::query("SELECT id, name, public_key FROM publishers WHERE token_hash = ?")
            .bind(signing::digest(token.as_bytes()))
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| RegistryError::Unauthorized("unknown publisher token".into()))?;
        Ok((row.get(0), row.get(1), row.get(2)))
    }

    /// Publishes one version. Refuses, saying why: a bad manifest, a name or version that is not
    /// valid, a version that exists (versions are immutable), a package owned by someone else, a
    /// component that is too big, not a component, serving another contract or importing more than
    /// its manifest declares, or a bad signature. Nothing is written unless everything holds.
    pub async fn publish(
        &self,
        token: &str,
        manifest_text: &str,
        component: &[u8],
        signature: &str,
    ) -> Result<VersionInfo> {
        let (publisher_id, _, public_key) = self.publisher(token).await?;
        let manifest = Manifest::parse(manifest_text).map_err(|e| RegistryError::Invalid(e.0))?;
        let (name, version) = (&manifest.package.name, &manifest.package.version);
        if component.len() > self.max_component_bytes {
            return Err(RegistryError::TooLarge(too_large(
                component.len(),
                self.max_component_bytes,
            )));
        }
        let info = package::inspect(component).map_err(|e| RegistryError::Invalid(e.0))?;
        package::check_against(&manifest, &info).map_err(|e| RegistryError::Invalid(e.0))?;
        let digest = signing::digest(component);
        if !signing::verify(
            &public_key,
            &signing::message(name, version, &digest, manifest_text),
            signature,
        ) {
            return Err(RegistryError::Invalid(
                "the signature does not match this package and the publisher's key".into(),
            ));
        }
        // Takes the write lock first: a read-then-write transaction would otherwise fail when
        // another publish commits in between (SQLITE_BUSY_SNAPSHOT).
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let owner: Option<i64> = sqlx::query("SELECT owner FROM packages WHERE name = ?")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.get(0));
        match owner {
            Some(owner) if owner != publisher_id => {
                return Err(RegistryError::Forbidden(format!(
                    "{name} belongs to another publisher; only its owner publishes it"
                )));
            }
            Some(_) => {
                sqlx::query("UPDATE packages SET description = ?, readme = ?, grp = ?, keywords = ? WHERE name = ?")
                    .bind(&manifest.package.description)
                    .bind(&manifest.package.readme)
                    .bind(&manifest.package.group)
                    .bind(keywords(&manifest))
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
            }
            None => {
                sqlx::query("INSERT INTO packages (name, owner, description, readme, grp, keywords, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind(name)
                    .bind(publisher_id)
                    .bind(&manifest.package.description)
                    .bind(&manifest.package.readme)
                    .bind(&manifest.package.group)
                    .bind(keywords(&manifest))
                    .bind(now())
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| if unique_violation(&e) { RegistryError::Conflict(format!("{name} was just created; try again")) } else { e.into() })?;
            }
        }
        sqlx::query(
            "INSERT INTO versions (name, version, digest, size, manifest, signature, contract, capabilities, published_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(name)
        .bind(version)
        .bind(&digest)
        .bind(component.len() as i64)
        .bind(manifest_text)
        .bind(signature)
        .bind(&info.contract)
        .bind(info.capabilities.to_string())
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if unique_violation(&e) {
                RegistryError::Conflict(format!("{name} {version} exists; versions are immutable, publish a new one"))
            } else {
                e.into()
            }
        })?;
        self.blobs.put(component)?;
        tx.commit().await?;
        self.version(name, version).await
    }

    /// One version of a package.
    pub async fn version(&self, name: &str, version: &str) -> Result<VersionInfo> {
        self.versions_where(name, Some(version))
            .await?
            .pop()
            .ok_or_else(|| RegistryError::NotFound(format!("{name} {version}")))
    }

    async fn versions_where(&self, name: &str, version: Option<&str>) -> Result<Vec<VersionInfo>> {
        let rows = sqlx::query(
            "SELECT v.name, v.version, v.digest, v.size, v.manifest, v.signature, p.name, p.public_key, v.contract, \
             v.capabilities, v.published_at, v.yanked, v.deprecated FROM versions v \
             JOIN packages k ON k.name = v.name JOIN publishers p ON p.id = k.owner \
             WHERE v.name = ? AND (? IS NULL OR v.version = ?) ORDER BY v.published_at, v.version",
        )
        .bind(name)
        .bind(version)
        .bind(version)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| VersionInfo {
                name: r.get(0),
                version: r.get(1),
                digest: r.get(2),
                size: r.get(3),
                manifest: r.get(4),
                signature: r.get(5),
                publisher: r.get(6),
                public_key: r.get(7),
                contract: r.get(8),
                capabilities: stored_list(r.get(9)),
                published_at: r.get(10),
                yanked: r.get::<i64, _>(11) != 0,
                deprecated: r.get(12),
            })
            .collect())
    }

    /// A package's page data.
    pub async fn package(&self, name: &str) -> Result<PackageInfo> {
        let row = sqlx::query(
            "SELECT k.name, k.description, k.readme, p.name, p.city, k.grp, k.keywords FROM packages k JOIN publishers p ON p.id = k.owner WHERE k.name = ?",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| RegistryError::NotFound(format!("package {name:?}")))?;
        let cities =
            sqlx::query("SELECT city, version FROM city_installs WHERE name = ? ORDER BY city")
                .bind(name)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
        Ok(PackageInfo {
            name: row.get(0),
            description: row.get(1),
            readme: row.get(2),
            group: row.get(5),
            keywords: stored_list(row.get(6)),
            publisher: row.get(3),
            publisher_city: row.get(4),
            versions: self.versions_where(name, None).await?,
            cities,
            evidence: self.evidence(name).await?,
        })
    }

    async fn evidence(&self, name: &str) -> Result<Vec<Evidence>> {
        let rows = sqlx::query(
            "SELECT city, version, figures, published_at FROM evidence WHERE name = ? ORDER BY published_at DESC, city",
        )
        .bind(name)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(Evidence {
                    city: r.get(0),
                    version: r.get(1),
                    figures: serde_json::from_str(&r.get::<String, _>(2)).ok()?,
                    published_at: r.get(3),
                })
            })
            .collect())
    }

    /// Keeps `figures` for `version` of `name` as `city`'s pilot evidence, on the word of the
    /// city's host: `report.signature` by `report.public_key` over `signing::evidence_message`
    /// within ten minutes, by the key registered for the city (registered now if it has none and a
    /// publisher's token came with it).
    /// Only aggregated figures are taken.
    pub async fn publish_evidence(
        &self,
        name: &str,
        city: &str,
        version: &str,
        figures: &serde_json::Value,
        report: &SignedReport,
    ) -> Result<()> {
        check_city_slug(city)?;
        let text = figures.to_string();
        if text.len() > MAX_FIGURES_BYTES || !aggregated_only(figures) {
            return Err(RegistryError::Invalid(
                "evidence is an object of aggregated figures: numbers, lists of numbers, the service code".into(),
            ));
        }
        let message = signing::evidence_message(name, city, version, &text, report.at);
        report.check(&message, "evidence")?;
        let write = sqlx::query(
            "INSERT INTO evidence (name, city, version, figures, published_at, public_key) VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (name, city, version) DO UPDATE SET figures = excluded.figures, published_at = excluded.published_at, public_key = excluded.public_key",
        )
        .bind(name)
        .bind(city)
        .bind(version)
        .bind(&text)
        .bind(now())
        .bind(&report.public_key);
        self.write_as_city(name, version, city, report, write).await
    }

    /// At most `limit` packages that `search` finds.
    pub async fn search(&self, search: &Search, limit: u32) -> Result<Vec<PackageInfo>> {
        fn given(value: &Option<String>) -> Option<&str> {
            value.as_deref().filter(|v| !v.is_empty())
        }
        let (group, keyword, after) = (
            given(&search.group),
            given(&search.keyword),
            given(&search.after),
        );
        let pattern = format!(
            "%{}%",
            search.q.trim().to_lowercase().replace(['%', '_'], "")
        );
        let keyword = keyword.map(|k| {
            format!(
                "%,{},%",
                k.trim().to_lowercase().replace(['%', '_', ','], "")
            )
        });
        let rows = sqlx::query(
            "SELECT name FROM packages WHERE (LOWER(name) LIKE ? OR LOWER(description) LIKE ? OR LOWER(COALESCE(readme, '')) LIKE ? \
             OR keywords LIKE ?) AND (? IS NULL OR LOWER(grp) = LOWER(?)) AND (? IS NULL OR keywords LIKE ?) AND name > ? \
             ORDER BY name LIMIT ?",
        )
        .bind(&pattern)
        .bind(&pattern)
        .bind(&pattern)
        .bind(&pattern)
        .bind(group)
        .bind(group)
        .bind(&keyword)
        .bind(&keyword)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut found = Vec::new();
        for row in rows {
            found.push(self.package(&row.get::<String, _>(0)).await?);
        }
        Ok(found)
    }

    /// The version `requirement` resolves to among the package's versions.
    /// The highest version of `name` matching `requirement`, not yanked, whose contract the registry
    /// takes and, when `host_contracts` is not empty, the asking host serves.
    pub async fn resolve(
        &self,
        name: &str,
        requirement: &str,
        host_contracts: &[&str],
    ) -> Result<VersionInfo> {
        let req = resolve::parse_requirement(requirement).map_err(RegistryError::Invalid)?;
        let versions = self.versions_where(name, None).await?;
        if versions.is_empty() {
            return Err(RegistryError::NotFound(format!("package {name:?}")));
        }
        let candidates: Vec<Candidate> = versions
            .iter()
            .filter_map(|v| {
                Some(Candidate {
                    version: semver::Version::parse(&v.version).ok()?,
                    yanked: v.yanked,
                    contract: v.contract.clone(),
                })
            })
            .collect();
        let contracts: Vec<&str> = CONTRACT_VERSIONS
            .iter()
            .copied()
            .filter(|c| host_contracts.is_empty() || host_contracts.contains(c))
            .collect();
        let best = resolve::resolve(&req, &candidates, &contracts).ok_or_else(|| {
            if resolve::resolve(&req, &candidates, CONTRACT_VERSIONS).is_some() {
                RegistryError::NotFound(format!(
                    "a version of {name} matching {requirement:?} for carmen:city {}; newer versions need a newer host",
                    host_contracts.join(", ")
                ))
            } else {
                RegistryError::NotFound(format!("a version of {name} matching {requirement:?}"))
            }
        })?;
        self.version(name, &best.version.to_string()).await
    }

    async fn owned(&self, token: &str, name: &str, version: &str) -> Result<()> {
        let (publisher_id, _, _) = self.publisher(token).await?;
        let info = self.version(name, version).await?;
        let owner: i64 = sqlx::query("SELECT owner FROM packages WHERE name = ?")
            .bind(&info.name)
            .fetch_one(&self.pool)
            .await?
            .get(0);
        if owner != publisher_id {
            return Err(RegistryError::Forbidden(format!(
                "only the owner of {name} may change it"
            )));
        }
        Ok(())
    }

    /// Runs `update`, an UPDATE of `versions` whose last two parameters (bound here) are the name
    /// and the version; the version as it is then.
    async fn update_version<'q>(
        &self,
        update: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
        name: &'q str,
        version: &'q str,
    ) -> Result<VersionInfo> {
        update.bind(name).bind(version).execute(&self.pool).await?;
        self.version(name, version).await
    }

    /// Yanks (or unyanks) a version: resolution skips it; installs that use it keep working.
    pub async fn set_yanked(
        &self,
        token: &str,
        name: &str,
        version: &str,
        yanked: bool,
    ) -> Result<VersionInfo> {
        self.owned(token, name, version).await?;
        let update = sqlx::query("UPDATE versions SET yanked = ? WHERE name = ? AND version = ?")
            .bind(yanked as i64);
        self.update_version(update, name, version).await
    }

    /// Deprecates a version with a message (or clears it with `None`).
    pub async fn set_deprecated(
        &self,
        token: &str,
        name: &str,
        version: &str,
        message: Option<&str>,
    ) -> Result<VersionInfo> {
        self.owned(token, name, version).await?;
        if message.is_some_and(|m| m.len() > 1000) {
            return Err(RegistryError::Invalid(
                "a deprecation message is at most 1000 bytes".into(),
            ));
        }
        let update =
            sqlx::query("UPDATE versions SET deprecated = ? WHERE name = ? AND version = ?")
                .bind(message);
        self.update_version(update, name, version).await
    }

    /// Runs `write`, `city`'s word on `version` of `name`, in one transaction once the version
    /// exists and `report`'s key is the city's (see `check_city_key`).
    async fn write_as_city<'q>(
        &self,
        name: &str,
        version: &str,
        city: &str,
        report: &SignedReport,
        write: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    ) -> Result<()> {
        self.version(name, version).await?;
        let mut tx = self.pool.begin().await?;
        check_city_key(&mut tx, city, &report.public_key, report.publisher).await?;
        write.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that `city` runs `version` of `name`, on the word of the city's host: `signature`
    /// by `public_key` over `signing::report_message`, made at `at` (within ten minutes of now).
    /// A city's key is registered with its first report; after that only that key reports for it.
    pub async fn report_install(
        &self,
        name: &str,
        city: &str,
        version: &str,
        report: &SignedReport,
    ) -> Result<()> {
        check_city_slug(city)?;
        let message = signing::report_message(name, city, version, report.at);
        report.check(&message, "a report")?;
        let write = sqlx::query(
            "INSERT INTO city_installs (name, city, version, reported_at, public_key) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (name, city) DO UPDATE SET version = excluded.version, reported_at = excluded.reported_at, public_key = excluded.public_key",
        )
        .bind(name)
        .bind(city)
        .bind(version)
        .bind(now())
        .bind(&report.public_key);
        self.write_as_city(name, version, city, report, write).await
    }
}

/// Refuses a city not named by its slug.
fn check_city_slug(city: &str) -> Result<()> {
    if !names::is_code(city, 63) {
        return Err(RegistryError::Invalid("a city is named by its slug".into()));
    }
    Ok(())
}

/// Checks that `public_key` is `city`'s host key. A city with no key gets one only from a
/// publisher (`publisher`, the host operator's token): an anonymous report cannot claim a city. The
/// publisher that registered a key may replace it; anyone else is refused.
async fn check_city_key(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    city: &str,
    public_key: &str,
    publisher: Option<i64>,
) -> Result<()> {
    let registered = sqlx::query("SELECT public_key, publisher_id FROM city_keys WHERE city = ?")
        .bind(city)
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| (row.get::<String, _>(0), row.get::<Option<i64>, _>(1)));
    match (registered, publisher) {
        (Some((key, _)), _) if key == public_key => Ok(()),
        (Some((_, Some(owner))), Some(publisher)) if owner == publisher => {
            sqlx::query("UPDATE city_keys SET public_key = ?, registered_at = ? WHERE city = ?")
                .bind(public_key)
                .bind(now())
                .bind(city)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }
        (Some(_), _) => Err(RegistryError::Forbidden(format!(
            "reports for {city} are signed by another host's key"
        ))),
        (None, Some(publisher)) => {
            sqlx::query(
                "INSERT INTO city_keys (city, public_key, registered_at, publisher_id) VALUES (?, ?, ?, ?)",
            )
            .bind(city)
            .bind(public_key)
            .bind(now())
            .bind(publisher)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        (None, None) => Err(RegistryError::Unauthorized(format!(
            "no host has registered a key for {city}: its host's first report carries its operator's publisher token (carmen serve --registry-token)"
        ))),
    }
}
