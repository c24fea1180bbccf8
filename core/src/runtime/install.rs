//! Installing a component into a city: read what it imports and how many memories it has before
//! compiling anything, check them against the grant and the engine's bounds, resolve its config
//! against its manifest, compile it, learn its service code, then record the component, the
//! install, where it came from and the audit entry in one transaction.

use std::collections::BTreeMap;

use serde_json::json;

use super::proofs::Admin;
use super::{Carmen, RuntimeError};
use crate::crm::grants::{Capability, Grants};
use crate::crm::installs::{self, Install, Limits, NewInstall, Origin, Quotas};
use crate::crm::people::Principal;
use crate::crm::{audit, cities, components};
use crate::engine::{CONTRACT_VERSIONS, MAX_DEADLINE_MS, MAX_MEMORY_CAP, PluginError, limits};
use carmen_registry::manifest::Manifest;

/// What an administrator asks for.
#[derive(Clone, Debug, Default)]
pub struct InstallRequest {
    pub grants: Grants,
    /// The origins the administrator approves for the service's requests (capability `http`):
    /// at least every host its manifest names with these settings.
    pub hosts: Vec<String>,
    pub config: BTreeMap<String, String>,
    pub manifest: Option<Manifest>,
    pub limits: Limits,
    pub quotas: Quotas,
}

pub(crate) fn check_limits(limits: &Limits) -> Result<(), RuntimeError> {
    if limits.deadline_ms == 0 || limits.deadline_ms > MAX_DEADLINE_MS {
        return Err(RuntimeError::Invalid(format!(
            "the deadline is 1 to {MAX_DEADLINE_MS} ms"
        )));
    }
    if limits.memory_bytes < 1024 * 1024 || limits.memory_bytes > MAX_MEMORY_CAP {
        return Err(RuntimeError::Invalid(format!(
            "the memory cap is 1 MiB to {} MiB",
            MAX_MEMORY_CAP / (1024 * 1024)
        )));
    }
    Ok(())
}

/// What the bytes are, read without compiling: a component of a contract this host serves, that
/// imports no capability beyond `grants` and has no more memories than a call may have.
pub(crate) fn inspect(bytes: &[u8], grants: &Grants) -> Result<(), RuntimeError> {
    let info =
        carmen_registry::package::inspect(bytes).map_err(|e| PluginError::InvalidComponent(e.0))?;
    if let Some(cap) = info.capabilities.iter().find(|cap| !grants.contains(*cap)) {
        return Err(PluginError::CapabilityNotGranted {
            capability: cap.name().to_string(),
            import: info
                .imports
                .iter()
                .find(|i| i.starts_with(&format!("carmen:city/{}@", cap.name())))
                .cloned()
                .unwrap_or_else(|| format!("carmen:city/{}", cap.name())),
        }
        .into());
    }
    if info.memories > limits::MAX_MEMORIES {
        return Err(PluginError::InvalidComponent(format!(
            "the component defines {} linear memories; a city service may have at most {}",
            info.memories,
            limits::MAX_MEMORIES
        ))
        .into());
    }
    Ok(())
}

/// `hosts` written one way (`registry::hosts::origin`); a malformed one is refused.
pub(crate) fn normalized_hosts(hosts: &[String]) -> Result<Vec<String>, RuntimeError> {
    let most = carmen_registry::hosts::MAX_HOSTS;
    if hosts.len() > most {
        return Err(RuntimeError::Invalid(format!(
            "{} hosts; a service is approved at most {most}",
            hosts.len()
        )));
    }
    let mut origins: Vec<String> = Vec::new();
    for host in hosts {
        let origin = carmen_registry::hosts::origin(host).map_err(RuntimeError::Invalid)?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    Ok(origins)
}

/// The hosts `manifest` names with `config`, when every one of them is approved: in `approved`
/// now, or in `kept` (approved for the version before). A host not approved is named in the
/// error with how to approve it.
pub(crate) fn approved_hosts(
    manifest: &Manifest,
    config: &BTreeMap<String, String>,
    approved: &[String],
    kept: &[String],
) -> Result<Vec<String>, RuntimeError> {
    let asked = manifest
        .hosts_for(config)
        .map_err(|e| RuntimeError::Invalid(e.0))?;
    let approved = normalized_hosts(approved)?;
    let waiting: Vec<&str> = asked
        .iter()
        .filter(|h| !approved.contains(h) && !kept.contains(h))
        .map(String::as_str)
        .collect();
    if !waiting.is_empty() {
        return Err(RuntimeError::Invalid(format!(
            "{} {} calls {}, which {} not approved: approve {} (carmen service install --allow-host, \
             \"hosts\" in the API, the box on the marketplace page) to let it",
            manifest.package.name,
            manifest.package.version,
            waiting.join(", "),
            if waiting.len() == 1 { "is" } else { "are" },
            if waiting.len() == 1 { "it" } else { "them" },
        )));
    }
    Ok(asked)
}

impl Carmen {
    /// Installs `bytes` as a service of `city`, as `actor`.
    pub async fn install(
        &self,
        admin: &Admin,
        bytes: &[u8],
        request: InstallRequest,
    ) -> Result<Install, RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        self.install_from(city, bytes, request, actor, None).await
    }

    /// Installs `bytes` as a service of `city`, recording where it came from.
    pub(crate) async fn install_from(
        &self,
        city: &str,
        bytes: &[u8],
        request: InstallRequest,
        actor: &Principal,
        origin: Option<Origin>,
    ) -> Result<Install, RuntimeError> {
        cities::get(&mut *self.db.read().await?, city).await?;
        check_limits(&request.limits)?;
        inspect(bytes, &request.grants)?;
        let mut request = request;
        let config = match &request.manifest {
            Some(manifest) => {
                if !CONTRACT_VERSIONS.contains(&manifest.package.contract.as_str()) {
                    return Err(RuntimeError::Invalid(format!(
                        "{} targets carmen:city {}, this host serves {}",
                        manifest.package.name,
                        manifest.package.contract,
                        CONTRACT_VERSIONS.join(", ")
                    )));
                }
                let undeclared: Vec<String> = request
                    .grants
                    .iter()
                    .filter(|cap| !manifest.declares(*cap))
                    .map(|cap| cap.name().to_string())
                    .collect();
                if !undeclared.is_empty() {
                    return Err(RuntimeError::Invalid(format!(
                        "{} does not ask for {}; grant only what its manifest declares",
                        manifest.package.name,
                        undeclared.join(", ")
                    )));
                }
                let config = manifest
                    .resolve_config(&request.config)
                    .map_err(|e| RuntimeError::Invalid(e.0))?;
                request.hosts = approved_hosts(manifest, &config, &request.hosts, &[])?;
                config
            }
            None => {
                request.hosts = normalized_hosts(&request.hosts)?;
                if !request.hosts.is_empty() && !request.grants.contains(Capability::Http) {
                    return Err(RuntimeError::Invalid(
                        "hosts are approved for capability http: grant it too".into(),
                    ));
                }
                request.config.clone()
            }
        };
        let digest = components::digest_of(bytes);
        let held = self.engine.hold(&digest);
        let owned = bytes.to_vec();
        let prepared = self
            .engine
            .prepare(&digest, &request.grants, async move || Ok(owned))
            .await;
        let installed = match prepared {
            Ok(_) => {
                self.record_install(city, bytes, request, config, digest.clone(), actor, origin)
                    .await
            }
            Err(error) => Err(error.into()),
        };
        self.discard_if_refused(held, &digest, installed).await
    }

    /// What became of an install or upgrade of a freshly prepared component: when it was refused
    /// (its description, its code, a conflict), the compiled form is discarded, unless an install
    /// keeps its bytes (or the store cannot say) or another install of it is under way.
    pub(crate) async fn discard_if_refused<T>(
        &self,
        held: crate::engine::Held<'_>,
        digest: &str,
        result: Result<T, RuntimeError>,
    ) -> Result<T, RuntimeError> {
        if result.is_err() {
            let kept = match self.db.read().await {
                Ok(mut conn) => components::exists(&mut conn, digest).await.unwrap_or(true),
                Err(_) => true,
            };
            if !kept {
                self.engine.discard(&held);
            }
        }
        drop(held);
        result
    }

    /// Describes a prepared component, then records the component, the install, its origin and
    /// the audit entry in one transaction.
    #[allow(clippy::too_many_arguments)]
    async fn record_install(
        &self,
        city: &str,
        bytes: &[u8],
        request: InstallRequest,
        config: BTreeMap<String, String>,
        digest: String,
        actor: &Principal,
        origin: Option<Origin>,
    ) -> Result<Install, RuntimeError> {
        let (plugin, version) = match &request.manifest {
            Some(m) => (m.package.name.clone(), m.package.version.clone()),
            None => (String::new(), "0.0.0-local".to_string()),
        };
        // Private unless its manifest says its requests are public.
        let (public, private_fields) = match &request.manifest {
            Some(m) => (m.package.public, m.package.private_fields.clone()),
            None => (false, Vec::new()),
        };
        let probe_install = Install {
            id: 0,
            city: city.to_string(),
            code: String::new(),
            plugin: plugin.clone(),
            version: version.clone(),
            digest: digest.clone(),
            grants: request.grants.clone(),
            config: config.clone(),
            limits: request.limits,
            installed_at: 0,
            anonymous: true,
            quotas: request.quotas,
            public,
            private_fields: private_fields.clone(),
            previous_version: None,
            hosts: request.hosts.clone(),
        };
        let probe = super::target_of(&probe_install, self.db.clone());
        let description = self.engine.describe(&probe, "en").await?;
        let code = description.code.trim().to_string();
        super::form::check_code(&code)?;
        let plugin = if plugin.is_empty() {
            code.clone()
        } else {
            plugin
        };

        let mut tx = self.db.begin_write().await?;
        components::put(&mut tx, bytes).await?;
        let install = installs::create(
            &mut tx,
            NewInstall {
                city: city.to_string(),
                code,
                plugin,
                version,
                digest,
                grants: request.grants,
                config,
                limits: request.limits,
                quotas: request.quotas,
                public,
                private_fields,
                hosts: request.hosts,
            },
        )
        .await?;
        if let Some(origin) = &origin {
            installs::set_origin(&mut tx, install.id, origin).await?;
        }
        // Good practice travels with the service: its articles come as drafts to adopt.
        if let Some(manifest) = &request.manifest {
            adopt_articles(&mut tx, city, &install.code, manifest).await?;
        }
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "service.install",
            &format!("service:{}", install.code),
            None,
            Some(install_view(&install, origin.as_ref())),
        )
        .await?;
        tx.commit().await?;
        Ok(install)
    }
}

/// The articles `manifest` brings, as drafts of `city` linked to service `code` (none past the
/// city's limit of articles: the install goes on without them).
async fn adopt_articles(
    tx: &mut crate::db::Conn,
    city: &str,
    code: &str,
    manifest: &Manifest,
) -> Result<(), RuntimeError> {
    for article in &manifest.articles {
        let draft = crate::crm::knowledge::Draft {
            texts: article
                .texts
                .iter()
                .map(|(language, text)| {
                    (
                        language.clone(),
                        crate::crm::knowledge::Text {
                            title: text.title.clone(),
                            body: text.body.clone(),
                        },
                    )
                })
                .collect(),
            tags: article.tags.clone(),
            services: vec![code.to_string()],
            ..Default::default()
        };
        match crate::crm::knowledge::create(tx, city, &draft).await {
            Ok(_) => {}
            Err(crate::crm::CrmError::LimitExceeded(why)) => {
                tracing::warn!(%city, service = %code, "a package's article was left out: {why}");
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// What the audit log keeps of an install.
pub(crate) fn install_view(install: &Install, origin: Option<&Origin>) -> serde_json::Value {
    json!({
        "plugin": install.plugin,
        "version": install.version,
        "code": install.code,
        "digest": install.digest,
        "grants": install.grants.to_string(),
        "hosts": install.hosts,
        "publisher": origin.map(|o| &o.publisher),
    })
}
