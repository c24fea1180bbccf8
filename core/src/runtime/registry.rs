//! Installing from the shared registry: resolve, download (digest and signature checked), inspect,
//! grant, compile (or take from the cache) and switch over atomically; upgrade, roll back, uninstall.
//! Requests in flight finish on the component they started with; cases and store entries stay.
//!
//! The host trusts the registry no further than it must: what it answers must be the package
//! asked for, at a version that meets the requirement, not yanked (for a new install), newer than
//! what the city runs (for an upgrade), and no larger than `MAX_COMPONENT_BYTES` — else a
//! compromised registry could hand a city an old signed version with a known flaw. A city's report
//! that it runs a package is signed with its host's key.

use std::collections::BTreeMap;

use carmen_registry::client::RegistryClient;
use carmen_registry::store::{PackageInfo, Search};

use super::install::{InstallRequest, approved_hosts, install_view};
use super::proofs::{Admin, Staff};
use super::{Carmen, RuntimeError};
use crate::crm::grants::Grants;
use crate::crm::installs::{self, Install, Limits, Origin, Quotas};
use crate::crm::{CrmError, audit, components};
use carmen_registry::manifest::Manifest;

/// What an administrator approves for a service: capabilities, and the hosts it may call.
#[derive(Clone, Debug, Default)]
pub struct Approval {
    pub grants: Grants,
    /// Origins such as `https://waste.example.org` (capability `http`).
    pub hosts: Vec<String>,
    /// Approves every host the package names with the settings given: the administrator saw the
    /// package's host templates and filled their settings in (the marketplace's form).
    pub named: bool,
}

fn registry_error(e: carmen_registry::client::ClientError) -> RuntimeError {
    RuntimeError::Invalid(e.to_string())
}

/// The largest component the host downloads.
pub const MAX_COMPONENT_BYTES: u64 = 64 * 1024 * 1024;

/// What the install (or upgrade) asks of the registry's answer.
enum Wanted<'a> {
    Install,
    /// An upgrade from the version the city runs.
    UpgradeFrom(&'a str),
}

/// Refuses a registry answer that is not what was asked for.
fn check_answer(
    name: &str,
    requirement: &str,
    found: &carmen_registry::store::VersionInfo,
    wanted: Wanted<'_>,
) -> Result<(), RuntimeError> {
    let refused =
        |why: String| RuntimeError::Invalid(format!("the registry's answer is refused: {why}"));
    let refuse = |why: String| Err(refused(why));
    if found.name != name {
        return refuse(format!("it is package {:?}, not {name:?}", found.name));
    }
    let version = semver::Version::parse(&found.version)
        .map_err(|_| refused(format!("{:?} is not a version", found.version)))?;
    let requirement = semver::VersionReq::parse(requirement).map_err(|e| {
        RuntimeError::Invalid(format!("{requirement:?} is not a version requirement: {e}"))
    })?;
    if !requirement.matches(&version) {
        return refuse(format!("{version} does not meet {requirement}"));
    }
    if found.size < 0 || found.size as u64 > MAX_COMPONENT_BYTES {
        return refuse(format!(
            "its component has {} bytes; this host takes at most {MAX_COMPONENT_BYTES}",
            found.size
        ));
    }
    match wanted {
        Wanted::Install if found.yanked => refuse(format!("{name} {version} is yanked")),
        Wanted::UpgradeFrom(current) => match semver::Version::parse(current) {
            Ok(current) if version <= current => refuse(format!(
                "{version} is not newer than {current}, which the city runs; use rollback to go back"
            )),
            _ => Ok(()),
        },
        Wanted::Install => Ok(()),
    }
}

/// A version fetched from the registry, its digest and signature checked.
struct Fetched {
    manifest: Manifest,
    version: String,
    bytes: Vec<u8>,
    publisher: String,
    public_key: String,
}

async fn fetch(
    client: &RegistryClient,
    name: &str,
    requirement: &str,
    wanted: Wanted<'_>,
) -> Result<Fetched, RuntimeError> {
    let found = client
        .resolve(name, requirement, crate::engine::CONTRACT_VERSIONS)
        .await
        .map_err(registry_error)?;
    check_answer(name, requirement, &found, wanted)?;
    let bytes = client
        .download(&found, found.size as u64)
        .await
        .map_err(registry_error)?;
    let manifest = Manifest::parse(&found.manifest).map_err(|e| RuntimeError::Invalid(e.0))?;
    Ok(Fetched {
        manifest,
        version: found.version,
        bytes,
        publisher: found.publisher,
        public_key: found.public_key,
    })
}

/// An upgrade must be signed by the key that signed the install: a registry that starts serving
/// another key for a package (a stolen account, a compromised registry) cannot push code into a
/// city that trusted the first one. Trusting a new key is the administrator's act: uninstall and
/// install again.
fn check_same_publisher(
    name: &str,
    pinned: Option<&Origin>,
    fetched: &Fetched,
) -> Result<(), RuntimeError> {
    match pinned {
        Some(pinned) if pinned.publisher_key != fetched.public_key => {
            Err(RuntimeError::Invalid(format!(
                "{name} {} is signed by another key than the installed version (publisher {:?}, key {}…, \
             now {:?}, key {}…); upgrades must come from the publisher the city trusted at install: \
             to trust the new key, uninstall and install again",
                fetched.version,
                pinned.publisher,
                &pinned.publisher_key[..pinned.publisher_key.len().min(12)],
                fetched.publisher,
                &fetched.public_key[..fetched.public_key.len().min(12)],
            )))
        }
        _ => Ok(()),
    }
}

fn missing_grants(manifest: &Manifest, grants: &Grants) -> Result<Vec<String>, RuntimeError> {
    let wanted = manifest
        .capabilities()
        .map_err(|e| RuntimeError::Invalid(e.0))?;
    Ok(wanted
        .iter()
        .filter(|c| !grants.contains(*c))
        .map(|c| c.name().to_string())
        .collect())
}

impl Carmen {
    /// The key this host signs its reports to the registry with (made once per database).
    pub(crate) async fn host_signing_key(&self) -> Result<String, RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        let key = crate::crm::host_keys::get_or_make(&mut tx, "signing", || {
            carmen_registry::signing::generate().0
        })
        .await?;
        tx.commit().await?;
        Ok(key)
    }

    /// The shared registry's address and a client of it; invalid when this host names none.
    fn registry_client(&self) -> Result<(String, RegistryClient), RuntimeError> {
        let url = self.registry.clone().ok_or_else(|| {
            RuntimeError::Invalid("no registry is configured (carmen serve --registry)".into())
        })?;
        let mut client = RegistryClient::new(&url);
        if let Some(token) = &self.registry_token {
            client = client.with_host_token(token);
        }
        Ok((url, client))
    }

    /// A page of the registry's packages matching `text` (and `group`), by name after `after`,
    /// for a city choosing a service; and the `after` of the next page unless it is the last.
    pub async fn browse_registry(
        &self,
        text: &str,
        group: Option<&str>,
        after: Option<&str>,
    ) -> Result<(Vec<PackageInfo>, Option<String>), RuntimeError> {
        let (_, client) = self.registry_client()?;
        let search = Search {
            after: after.map(str::to_string),
            ..Search::new(text, group, None)
        };
        client.search_page(&search).await.map_err(registry_error)
    }

    /// One package of the registry with its versions and the cities that run it.
    pub async fn registry_package(&self, name: &str) -> Result<PackageInfo, RuntimeError> {
        let (_, client) = self.registry_client()?;
        client.package(name).await.map_err(registry_error)
    }

    /// The capabilities the newest version of package `name` matching `requirement` that this
    /// host can run asks for: what an administrator grants to install it.
    pub async fn registry_asks(
        &self,
        name: &str,
        requirement: &str,
    ) -> Result<Vec<String>, RuntimeError> {
        let (_, client) = self.registry_client()?;
        let version = client
            .resolve(name, requirement, crate::engine::CONTRACT_VERSIONS)
            .await
            .map_err(registry_error)?;
        Ok(version.capabilities)
    }

    /// Publishes `city`'s pilot figures for the version of package `name` it runs (the last 90
    /// days, aggregated), signed with this host's key, to the shared registry (audited).
    pub async fn publish_evidence(
        &self,
        admin: &Admin,
        name: &str,
    ) -> Result<serde_json::Value, RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        let (_, client) = self.registry_client()?;
        let install = self
            .package_install(city, name)
            .await?
            .ok_or_else(|| CrmError::NotFound(format!("package {name:?} in {city}")))?;
        let to = crate::db::now();
        let figures = self
            .evaluation(&admin.staff(), to - 90 * 86_400, to)
            .await?
            .into_iter()
            .find(|f| f.service == install.code)
            .unwrap_or_else(|| crate::crm::evaluation::Figures {
                service: install.code.clone(),
                ..Default::default()
            });
        let figures = serde_json::to_value(&figures).expect("figures serialize");
        let key = self.host_signing_key().await?;
        client
            .publish_evidence(name, city, &install.version, &figures, &key)
            .await
            .map_err(registry_error)?;
        let mut tx = self.db.begin_write().await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "service.evidence",
            &format!("service:{}", install.code),
            None,
            Some(serde_json::json!({"package": name, "version": install.version})),
        )
        .await?;
        tx.commit().await?;
        Ok(figures)
    }

    /// The install of package `name` in `city`, if the city runs it.
    pub async fn install_of_package(
        &self,
        staff: &Staff,
        name: &str,
    ) -> Result<Option<Install>, RuntimeError> {
        self.package_install(staff.city(), name).await
    }

    async fn package_install(
        &self,
        city: &str,
        name: &str,
    ) -> Result<Option<Install>, RuntimeError> {
        match installs::get_by_plugin(&mut *self.db.read().await?, city, name).await {
            Ok(install) => Ok(Some(install)),
            Err(CrmError::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Installs `name` at the highest version matching `requirement` into `city`, granting `grants`
    /// (which must cover what the package asks for). `report` tells the registry the city runs it.
    pub async fn install_from_registry(
        &self,
        admin: &Admin,
        name: &str,
        requirement: &str,
        grants: Grants,
        config: BTreeMap<String, String>,
        report: bool,
    ) -> Result<Install, RuntimeError> {
        let approval = Approval {
            grants,
            ..Default::default()
        };
        self.install_from_registry_approving(admin, name, requirement, approval, config, report)
            .await
    }

    /// `install_from_registry`, approving `approval.hosts` for its requests too (which must cover
    /// the hosts the package names with `config`).
    pub async fn install_from_registry_approving(
        &self,
        admin: &Admin,
        name: &str,
        requirement: &str,
        approval: Approval,
        config: BTreeMap<String, String>,
        report: bool,
    ) -> Result<Install, RuntimeError> {
        let Approval {
            grants,
            mut hosts,
            named,
        } = approval;
        let (city, actor) = (admin.city(), admin.principal());
        let (registry_url, client) = self.registry_client()?;
        let client = &client;
        if !carmen_registry::names::is_package_name(name) {
            return Err(RuntimeError::Invalid(format!(
                "{name:?} is not a package name"
            )));
        }
        self.city(city).await?;
        let fetched = fetch(client, name, requirement, Wanted::Install).await?;
        let (manifest, version) = (&fetched.manifest, &fetched.version);
        let missing = missing_grants(manifest, &grants)?;
        if !missing.is_empty() {
            return Err(RuntimeError::Invalid(format!(
                "{name} {version} asks for {}; grant {} to install it",
                manifest.package.capabilities.join(", "),
                missing.join(", ")
            )));
        }
        if named {
            let resolved = manifest
                .resolve_config(&config)
                .map_err(|e| RuntimeError::Invalid(e.0))?;
            hosts.extend(
                manifest
                    .hosts_for(&resolved)
                    .map_err(|e| RuntimeError::Invalid(e.0))?,
            );
        }
        let request = InstallRequest {
            grants,
            hosts,
            config,
            manifest: Some(fetched.manifest.clone()),
            limits: Limits::default(),
            quotas: Quotas::default(),
        };
        let origin = Origin {
            source: registry_url.to_string(),
            publisher: fetched.publisher.clone(),
            publisher_key: fetched.public_key.clone(),
        };
        let install = self
            .install_from(city, &fetched.bytes, request, actor, Some(origin))
            .await?;
        if report
            && let Err(e) = async {
                let key = self.host_signing_key().await?;
                client
                    .report_install(name, city, version, &key)
                    .await
                    .map_err(registry_error)
            }
            .await
        {
            tracing::warn!(%city, package = name, error = %e, "could not tell the registry about the install");
        }
        Ok(install)
    }

    /// Upgrades the install of `name` in `city` to the highest version matching `requirement`.
    /// A version that asks for a capability not yet granted waits for `more_grants` to include it.
    pub async fn upgrade(
        &self,
        admin: &Admin,
        name: &str,
        requirement: &str,
        more_grants: &Grants,
    ) -> Result<Install, RuntimeError> {
        let approval = Approval {
            grants: more_grants.clone(),
            ..Default::default()
        };
        self.upgrade_approving(admin, name, requirement, &approval)
            .await
    }

    /// `upgrade`, approving `more.hosts` too: a version that calls a host not approved before
    /// waits for them to include it, as a new capability waits for its grant.
    pub async fn upgrade_approving(
        &self,
        admin: &Admin,
        name: &str,
        requirement: &str,
        more: &Approval,
    ) -> Result<Install, RuntimeError> {
        let more_grants = &more.grants;
        let (city, actor) = (admin.city(), admin.principal());
        let (_, client) = self.registry_client()?;
        let client = &client;
        let (current, pinned) = {
            let mut conn = self.db.read().await?;
            let current = installs::get_by_plugin(&mut conn, city, name).await?;
            let pinned = installs::origin(&mut conn, current.id).await?;
            (current, pinned)
        };
        let fetched = fetch(
            client,
            name,
            requirement,
            Wanted::UpgradeFrom(&current.version),
        )
        .await?;
        check_same_publisher(name, pinned.as_ref(), &fetched)?;
        let Fetched {
            manifest,
            version,
            bytes,
            ..
        } = &fetched;
        if *version == current.version {
            return Err(RuntimeError::Invalid(format!(
                "{name} is already at {version} in {city}"
            )));
        }
        let grants = Grants::new(current.grants.iter().chain(more_grants.iter()));
        let missing = missing_grants(manifest, &grants)?;
        if !missing.is_empty() {
            return Err(RuntimeError::Invalid(format!(
                "{name} {version} asks for capabilities not granted yet: {}; upgrade again granting them",
                missing.join(", ")
            )));
        }
        // Keep the city's settings for keys the new version still has; new keys take their defaults.
        let kept: BTreeMap<String, String> = current
            .config
            .iter()
            .filter(|(k, _)| manifest.config.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let config = manifest
            .resolve_config(&kept)
            .map_err(|e| RuntimeError::Invalid(e.0))?;
        let approved = if more.named {
            manifest
                .hosts_for(&config)
                .map_err(|e| RuntimeError::Invalid(e.0))?
        } else {
            more.hosts.clone()
        };
        let hosts = approved_hosts(manifest, &config, &approved, &current.hosts)?;
        let digest = components::digest_of(bytes);
        let held = self.engine.hold(&digest);
        let result = async {
        let owned = bytes.clone();
        self.engine
            .prepare(&digest, &grants, async move || Ok(owned))
            .await?;
        let mut probe = self.target(&current).await?;
        probe.digest = digest.clone();
        probe.context.grants = grants.clone();
        probe.context.hosts = hosts.clone().into();
        let description = self.engine.describe(&probe, "en").await?;
        if description.code != current.code {
            return Err(RuntimeError::Invalid(format!(
                "{name} {version} describes itself as {:?}, not {:?}; install it as a new service instead",
                description.code, current.code
            )));
        }
        let origin = Origin {
            source: client.base().to_string(),
            publisher: fetched.publisher.clone(),
            publisher_key: fetched.public_key.clone(),
        };
        let mut tx = self.db.begin_write().await?;
        components::put(&mut tx, bytes).await?;
        let switched =
            installs::switch(&mut tx, &current, &digest, version, &grants, &config, &hosts)
                .await?;
        if pinned.is_none() {
            // A service installed from a file now comes from the registry: trust this publisher.
            installs::set_origin(&mut tx, current.id, &origin).await?;
        }
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "service.upgrade",
            &format!("service:{}", switched.code),
            Some(install_view(&current, pinned.as_ref())),
            Some(install_view(&switched, Some(&origin))),
        )
        .await?;
        tx.commit().await?;
        Ok::<Install, RuntimeError>(switched)
        }
        .await;
        self.discard_if_refused(held, &digest, result).await
    }

    /// Returns the install of `name` in `city` to the version it ran before.
    pub async fn rollback(&self, admin: &Admin, name: &str) -> Result<Install, RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        let mut tx = self.db.begin_write().await?;
        let current = installs::get_by_plugin(&mut tx, city, name).await?;
        let back = installs::roll_back(&mut tx, current.id).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "service.rollback",
            &format!("service:{}", back.code),
            Some(install_view(&current, None)),
            Some(install_view(&back, None)),
        )
        .await?;
        tx.commit().await?;
        self.ensure_loaded(&back).await?;
        Ok(back)
    }

    /// Removes the install of `name` from `city`; its cases stay.
    pub async fn uninstall(&self, admin: &Admin, name: &str) -> Result<(), RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        let mut tx = self.db.begin_write().await?;
        let current = installs::get_by_plugin(&mut tx, city, name).await?;
        installs::remove(&mut tx, current.id).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "service.uninstall",
            &format!("service:{}", current.code),
            Some(install_view(&current, None)),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
