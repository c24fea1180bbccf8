//! The runtime: where a city's request meets its plugin. Holds the store and the engine, installs
//! services into cities, runs submissions through the form checks and the plugin, and runs the
//! scheduled `tick` of every install.

pub mod casework;
pub mod form;
pub mod install;
pub mod registry;
pub mod requests;
pub mod schedule;

use std::path::Path;
use std::sync::Arc;

use crate::capabilities::CallContext;
use crate::crm::installs::{self, Install};
use crate::crm::{CrmError, components};
use crate::db::Db;
use crate::contract::types::ServiceDescription;
use crate::engine::{PluginEngine, PluginError, Target};

/// Failures of the runtime, as callers must tell them apart.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Crm(#[from] CrmError),
    #[error(transparent)]
    Plugin(#[from] PluginError),
    #[error("{0}")]
    Invalid(String),
    /// The service takes requests only from citizens with an account.
    #[error("this service takes requests only from citizens who are signed in")]
    AccountRequired,
}

/// One Carmen host: the store and the engine shared by every city.
#[derive(Clone)]
pub struct Carmen {
    pub db: Db,
    pub engine: Arc<PluginEngine>,
    /// The shared registry this host installs from, if one is configured.
    pub registry: Option<String>,
}

impl Carmen {
    /// Opens the store at `db` and an engine caching compiled components in `cache_dir`.
    pub async fn open(db: &str, cache_dir: &Path) -> anyhow::Result<Carmen> {
        let db = Db::open(db).await?;
        let engine = Arc::new(PluginEngine::new(cache_dir)?);
        Ok(Carmen {
            db,
            engine,
            registry: None,
        })
    }

    /// The same host, installing from the registry at `url`.
    pub fn with_registry(mut self, url: Option<String>) -> Carmen {
        self.registry = url.map(|u| u.trim_end_matches('/').to_string());
        self
    }

    /// Loads every installed component into the engine (from the disk cache when it has them).
    pub async fn warm(&self) -> Result<usize, RuntimeError> {
        let all = installs::list_all(&self.db).await?;
        for install in &all {
            self.ensure_loaded(install).await?;
        }
        Ok(all.len())
    }

    pub(crate) async fn ensure_loaded(&self, install: &Install) -> Result<(), RuntimeError> {
        if self.engine.is_loaded(&install.digest) {
            return Ok(());
        }
        let db = self.db.clone();
        let digest = install.digest.clone();
        self.engine
            .prepare(&install.digest, &install.grants, async move || {
                Ok(components::get(&db, &digest).await?)
            })
            .await?;
        Ok(())
    }

    /// The engine target of an install: its component, limits, and the context it acts in.
    pub async fn target(&self, install: &Install) -> Result<Target, RuntimeError> {
        self.ensure_loaded(install).await?;
        Ok(Target {
            digest: install.digest.clone(),
            limits: install.limits,
            context: CallContext {
                city: install.city.clone(),
                service: install.code.clone(),
                plugin: install.plugin.clone(),
                grants: install.grants.clone(),
                config: install.config.clone(),
                db: self.db.clone(),
            },
        })
    }

    /// The installs of a city with their descriptions in `language`.
    pub async fn services(
        &self,
        city: &str,
        language: &str,
    ) -> Result<Vec<(Install, ServiceDescription)>, RuntimeError> {
        crate::crm::cities::get(&self.db, city).await?;
        let mut out = Vec::new();
        for install in installs::list(&self.db, city).await? {
            let description = self.describe(&install, language).await?;
            out.push((install, description));
        }
        Ok(out)
    }

    /// One install of a city with its description in `language`.
    pub async fn service(
        &self,
        city: &str,
        code: &str,
        language: &str,
    ) -> Result<(Install, ServiceDescription), RuntimeError> {
        crate::crm::cities::get(&self.db, city).await?;
        let install = installs::get(&self.db, city, code).await?;
        let description = self.describe(&install, language).await?;
        Ok((install, description))
    }

    async fn describe(
        &self,
        install: &Install,
        language: &str,
    ) -> Result<ServiceDescription, RuntimeError> {
        let target = self.target(install).await?;
        Ok(self.engine.describe(&target, language).await?)
    }
}
