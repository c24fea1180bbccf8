//! `carmen.toml`: what a service package says about itself — name, version, the capabilities it
//! needs and its config keys with types and defaults.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::capabilities::{Capability, Grants};
use crate::{hosts, names};

/// A parsed and checked manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub package: Package,
    #[serde(default)]
    pub config: BTreeMap<String, ConfigKey>,
    /// Articles the package brings: a city that installs it gets them as drafts to adopt, linked
    /// to the service (`[[article]]` tables, a text per language).
    #[serde(default, rename = "article", skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<PackageArticle>,
}

/// An article a package brings, in the languages it is written in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageArticle {
    /// By language (`en`, `it`...): `title` and `body` (Markdown).
    pub texts: BTreeMap<String, ArticleText>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One language of a package's article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleText {
    pub title: String,
    pub body: String,
}

/// Most articles a package brings.
pub const MAX_PACKAGE_ARTICLES: usize = 10;

/// The `[package]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// Its name for people, such as `Document reminders` (the marketplace shows the package's
    /// name made readable when there is none).
    #[serde(default)]
    pub title: Option<String>,
    pub description: String,
    #[serde(default)]
    pub license: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    /// The `carmen:city` version the component targets.
    pub contract: String,
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// The hosts the service calls with capability `http`, as templates filled from its settings:
    /// `https://{settings.waste-system}`, `https://api.example.org`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub readme: Option<String>,
    /// The group the service is listed under, such as `Streets`.
    #[serde(default)]
    pub group: Option<String>,
    /// Search words.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Whether the service's requests may be shown to the public (a pothole: yes; a booking or a
    /// reminder: no). Private unless it says so; a city may change it.
    #[serde(default)]
    pub public: bool,
    /// Form fields whose answers stay private even on a public request.
    #[serde(default, rename = "private-fields")]
    pub private_fields: Vec<String>,
}

/// One config key a service accepts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigKey {
    #[serde(rename = "type")]
    pub kind: ConfigType,
    #[serde(default)]
    pub default: Option<String>,
    /// Its name for people, such as `Days before expiry`.
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub description: String,
}

/// The type of a config value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfigType {
    String,
    Integer,
    Number,
    Boolean,
}

/// Why a manifest or a config was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct ManifestError(pub String);

impl Manifest {
    /// Parses and checks a manifest's text.
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        let manifest: Manifest = toml::from_str(text)
            .map_err(|e| ManifestError(format!("carmen.toml: {}", e.message())))?;
        manifest.check()?;
        Ok(manifest)
    }

    /// Reads and checks `path`.
    pub fn read(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ManifestError(format!("cannot read {}: {e}", path.display())))?;
        Manifest::parse(&text)
    }

    fn check(&self) -> Result<(), ManifestError> {
        let p = &self.package;
        if !names::is_package_name(&p.name) {
            return Err(ManifestError(format!(
                "package name {:?} must be 1 to 64 lowercase letters, digits and dashes, starting with a letter",
                p.name
            )));
        }
        semver::Version::parse(&p.version)
            .map_err(|e| ManifestError(format!("version {:?} is not semver: {e}", p.version)))?;
        semver::Version::parse(&p.contract).map_err(|e| {
            ManifestError(format!(
                "contract {:?} is not a carmen:city version: {e}",
                p.contract
            ))
        })?;
        if p.description.trim().is_empty() {
            return Err(ManifestError("description must not be empty".into()));
        }
        if let Some(bad) = p
            .private_fields
            .iter()
            .find(|f| f.is_empty() || f.len() > 64)
        {
            return Err(ManifestError(format!(
                "private-fields: {bad:?} is not a field code"
            )));
        }
        let capabilities = self.capabilities()?;
        self.check_hosts(capabilities.contains(Capability::Http))?;
        if self.articles.len() > MAX_PACKAGE_ARTICLES {
            return Err(ManifestError(format!(
                "at most {MAX_PACKAGE_ARTICLES} [[article]] tables"
            )));
        }
        for (n, article) in self.articles.iter().enumerate() {
            if article.texts.is_empty() {
                return Err(ManifestError(format!(
                    "article {}: a text in at least one language ([article.texts.en])",
                    n + 1
                )));
            }
            for (language, text) in &article.texts {
                if !names::is_language_tag(language) {
                    return Err(ManifestError(format!(
                        "article {}: {language:?} is not a language tag such as en or it",
                        n + 1
                    )));
                }
                if text.title.trim().is_empty() || text.title.chars().count() > 200 {
                    return Err(ManifestError(format!(
                        "article {}: the {language} title has 1 to 200 characters",
                        n + 1
                    )));
                }
                if text.body.chars().count() > 20_000 {
                    return Err(ManifestError(format!(
                        "article {}: the {language} body has at most 20000 characters",
                        n + 1
                    )));
                }
            }
        }
        for (key, spec) in &self.config {
            if key.is_empty() || key.len() > 128 {
                return Err(ManifestError(format!(
                    "config key {key:?} must be 1 to 128 characters"
                )));
            }
            if let Some(default) = &spec.default {
                check_value(key, spec.kind, default)?;
            }
        }
        Ok(())
    }

    fn check_hosts(&self, declares_http: bool) -> Result<(), ManifestError> {
        let hosts = &self.package.hosts;
        match (declares_http, hosts.is_empty()) {
            (true, true) => {
                return Err(ManifestError(
                    "capability http needs the hosts it calls: hosts = [\"https://{settings.my-system}\"] (a setting the city fills in) or a fixed https://… address".into(),
                ));
            }
            (false, false) => {
                return Err(ManifestError(
                    "hosts are called with capability http: add \"http\" to capabilities".into(),
                ));
            }
            _ => {}
        }
        if hosts.len() > hosts::MAX_HOSTS {
            return Err(ManifestError(format!(
                "hosts: at most {} hosts",
                hosts::MAX_HOSTS
            )));
        }
        for template in hosts {
            hosts::check_template(template).map_err(|e| ManifestError(format!("hosts: {e}")))?;
            for key in hosts::keys_of(template).map_err(ManifestError)? {
                match self.config.get(key) {
                    Some(spec) if spec.kind == ConfigType::String => {}
                    Some(_) => {
                        return Err(ManifestError(format!(
                            "hosts: {template:?} is filled from setting {key}, which must be of type \"string\""
                        )));
                    }
                    None => {
                        return Err(ManifestError(format!(
                            "hosts: {template:?} is filled from setting {key}; add [config.{key}] with type = \"string\""
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// The hosts the service may call with the install's (resolved) `config`: what its city's
    /// administrator approves.
    pub fn hosts_for(
        &self,
        config: &BTreeMap<String, String>,
    ) -> Result<Vec<String>, ManifestError> {
        hosts::resolve(&self.package.hosts, config).map_err(ManifestError)
    }

    /// The capabilities the manifest declares.
    pub fn capabilities(&self) -> Result<Grants, ManifestError> {
        Grants::parse(&self.package.capabilities.join(",")).map_err(ManifestError)
    }

    /// The install's config: the defaults, overridden by `given`; unknown keys and ill-typed values are refused.
    pub fn resolve_config(
        &self,
        given: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, ManifestError> {
        let mut config = BTreeMap::new();
        for (key, value) in given {
            let spec = self.config.get(key).ok_or_else(|| {
                let known: Vec<&str> = self.config.keys().map(String::as_str).collect();
                ManifestError(format!(
                    "unknown config key {key:?} for {}; known keys: {}",
                    self.package.name,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ))
            })?;
            check_value(key, spec.kind, value)?;
            config.insert(key.clone(), value.clone());
        }
        for (key, spec) in &self.config {
            if let (false, Some(default)) = (config.contains_key(key), &spec.default) {
                config.insert(key.clone(), default.clone());
            }
        }
        Ok(config)
    }

    /// Whether the manifest declares `cap`.
    pub fn declares(&self, cap: Capability) -> bool {
        self.capabilities().is_ok_and(|grants| grants.contains(cap))
    }
}

fn check_value(key: &str, kind: ConfigType, value: &str) -> Result<(), ManifestError> {
    let ok = match kind {
        ConfigType::String => value.len() <= 4096,
        ConfigType::Integer => value.trim().parse::<i64>().is_ok(),
        ConfigType::Number => value.trim().parse::<f64>().is_ok_and(f64::is_finite),
        ConfigType::Boolean => matches!(value.trim(), "true" | "false"),
    };
    if ok {
        Ok(())
    } else {
        Err(ManifestError(
            format!("config {key}={value:?} is not a valid {kind:?}").to_lowercase(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[package]
name = "bulky-waste"
version = "1.2.0"
description = "Book a pickup."
contract = "0.1.0"
capabilities = ["store", "config"]

[config.capacity-per-day]
type = "integer"
default = "20"
"#;

    #[test]
    fn a_good_manifest_parses_and_resolves_config_with_defaults() {
        let m = Manifest::parse(GOOD).unwrap();
        assert!(m.declares(Capability::Store));
        assert!(!m.declares(Capability::Notify));
        let config = m.resolve_config(&BTreeMap::new()).unwrap();
        assert_eq!(config["capacity-per-day"], "20");
        let given = BTreeMap::from([("capacity-per-day".to_string(), "5".to_string())]);
        assert_eq!(m.resolve_config(&given).unwrap()["capacity-per-day"], "5");
    }

    #[test]
    fn hosts_go_with_capability_http_and_are_filled_from_string_settings() {
        let with_http = GOOD.replace(
            r#"capabilities = ["store", "config"]"#,
            "capabilities = [\"store\", \"config\", \"http\"]\nhosts = [\"https://{settings.waste-system}\"]",
        );
        let err = Manifest::parse(&with_http).unwrap_err();
        assert!(err.0.contains("add [config.waste-system]"), "{err}");
        let good =
            format!("{with_http}\n[config.waste-system]\ntype = \"string\"\ndefault = \"\"\n");
        let m = Manifest::parse(&good).unwrap();
        let config = m.resolve_config(&BTreeMap::new()).unwrap();
        assert!(m.hosts_for(&config).unwrap().is_empty(), "unset: no host");
        let set = BTreeMap::from([("waste-system".to_string(), "waste.example.org".to_string())]);
        let config = m.resolve_config(&set).unwrap();
        assert_eq!(m.hosts_for(&config).unwrap(), ["https://waste.example.org"]);
        let err =
            Manifest::parse(&good.replace("hosts = [\"https://{settings.waste-system}\"]", ""))
                .unwrap_err();
        assert!(err.0.contains("capability http needs the hosts"), "{err}");
        let err = Manifest::parse(&good.replace(", \"http\"]", "]")).unwrap_err();
        assert!(err.0.contains("add \"http\" to capabilities"), "{err}");
        let err = Manifest::parse(
            &good.replace("type = \"string\"\ndefault = \"\"", "type = \"integer\""),
        )
        .unwrap_err();
        assert!(err.0.contains("must be of type"), "{err}");
    }

    #[test]
    fn bad_manifests_and_configs_are_refused_with_the_reason() {
        let err = Manifest::parse(&GOOD.replace("1.2.0", "one")).unwrap_err();
        assert!(err.0.contains("not semver"), "{err}");
        let err = Manifest::parse(&GOOD.replace("\"store\"", "\"filesystem\"")).unwrap_err();
        assert!(err.0.contains("filesystem"), "{err}");
        let err = Manifest::parse(&GOOD.replace("bulky-waste", "../etc")).unwrap_err();
        assert!(err.0.contains("package name"), "{err}");
        assert!(Manifest::parse("not toml [").is_err());
        let m = Manifest::parse(GOOD).unwrap();
        let err = m
            .resolve_config(&BTreeMap::from([("colour".to_string(), "red".to_string())]))
            .unwrap_err();
        assert!(
            err.0.contains("unknown config key") && err.0.contains("capacity-per-day"),
            "{err}"
        );
        let err = m
            .resolve_config(&BTreeMap::from([(
                "capacity-per-day".to_string(),
                "many".to_string(),
            )]))
            .unwrap_err();
        assert!(err.0.contains("integer"), "{err}");
    }
}
