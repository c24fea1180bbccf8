//! Installing a component into a city: store its bytes, check its imports against the grant,
//! resolve its config against its manifest, learn its service code, record the install.

use std::collections::BTreeMap;

use super::{Carmen, RuntimeError};
use crate::crm::components;
use crate::crm::grants::Grants;
use crate::crm::installs::{self, Install, Limits, NewInstall};
use crate::engine::{CONTRACT_VERSIONS, MAX_DEADLINE_MS, MAX_MEMORY_CAP, Target};
use crate::manifest::Manifest;

/// What an administrator asks for.
#[derive(Clone, Debug, Default)]
pub struct InstallRequest {
    pub grants: Grants,
    pub config: BTreeMap<String, String>,
    pub manifest: Option<Manifest>,
    pub limits: Limits,
}

fn check_limits(limits: &Limits) -> Result<(), RuntimeError> {
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

impl Carmen {
    /// Installs `bytes` as a service of `city`.
    pub async fn install(
        &self,
        city: &str,
        bytes: &[u8],
        request: InstallRequest,
    ) -> Result<Install, RuntimeError> {
        crate::crm::cities::get(&self.db, city).await?;
        check_limits(&request.limits)?;
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
                manifest
                    .resolve_config(&request.config)
                    .map_err(|e| RuntimeError::Invalid(e.0))?
            }
            None => request.config.clone(),
        };
        let digest = components::digest_of(bytes);
        let owned = bytes.to_vec();
        self.engine
            .prepare(&digest, &request.grants, async move || Ok(owned))
            .await?;
        if let Some(manifest) = &request.manifest {
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
        }
        components::put(&self.db, bytes).await?;

        let (plugin, version) = match &request.manifest {
            Some(m) => (m.package.name.clone(), m.package.version.clone()),
            None => (String::new(), "0.0.0-local".to_string()),
        };
        let probe = Target {
            digest: digest.clone(),
            limits: request.limits,
            context: crate::capabilities::CallContext {
                city: city.to_string(),
                service: String::new(),
                plugin: plugin.clone(),
                grants: request.grants.clone(),
                config: config.clone(),
                db: self.db.clone(),
            },
        };
        let description = self.engine.describe(&probe, "en").await?;
        let code = description.code.trim().to_string();
        crate::runtime::form::check_code(&code)?;
        let plugin = if plugin.is_empty() {
            code.clone()
        } else {
            plugin
        };
        Ok(installs::create(
            &self.db,
            NewInstall {
                city: city.to_string(),
                code,
                plugin,
                version,
                digest,
                grants: request.grants,
                config,
                limits: request.limits,
            },
        )
        .await?)
    }
}
