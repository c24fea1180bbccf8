//! The marketplace in the city console, over the shared registry: search and browse, a package's
//! page (versions, publisher and key fingerprint, what it may do in plain words, the cities that
//! run it), and for administrators install with an explicit approval of each capability and a
//! settings form from the manifest, upgrade (new capabilities need a new approval), roll back,
//! uninstall.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::{Markup, html};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::answers::when;
use super::layout::column_heads;
use super::pages::{Answer, Asked, OrPage, Page, Posted, StaffPage};
use crate::i18n::Texts;
use crate::runtime::jobs::{JobState, PATIENCE, Waited};
use crate::runtime::registry::Approval;
use crate::runtime::types::{ConfigType, Grants, Manifest, PackageInfo, VersionInfo};
use crate::runtime::{Carmen, RuntimeError};

/// The newest version that is not withdrawn.
fn latest(package: &PackageInfo) -> Option<&VersionInfo> {
    package
        .versions
        .iter()
        .filter(|v| !v.yanked)
        .max_by_key(|v| semver::Version::parse(&v.version).ok())
}

/// A short, readable fingerprint of a publisher's key: the first 16 bytes of its sha256.
fn fingerprint(public_key: &str) -> String {
    let digest = Sha256::digest(public_key.as_bytes());
    digest[..16]
        .chunks(2)
        .map(hex::encode)
        .collect::<Vec<_>>()
        .join(":")
}

/// A package's or a setting's name made readable: `document-reminder` is `Document reminder`.
fn readable(code: &str) -> String {
    let words = code.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A package's name for people: its manifest's title, else its name made readable.
fn title_of(package: &PackageInfo) -> String {
    latest(package)
        .and_then(|v| Manifest::parse(&v.manifest).ok())
        .and_then(|m| m.package.title)
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| readable(&package.name))
}

/// What a capability lets a service do, in the page's words.
fn capability(t: Texts, name: &str) -> String {
    t.t(&format!("capability-{name}"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BrowseQuery {
    q: Option<String>,
    /// Services named after this one (the previous page's last).
    after: Option<String>,
}

/// The query of the page after `after`, for the same search.
fn more_query(asked: &str, after: &str) -> String {
    serde_urlencoded::to_string([("q", asked), ("after", after)]).unwrap_or_default()
}

/// `GET /{city}/console/marketplace` (`?q=` to search, `?after=` for the next page).
pub async fn browse(
    State(carmen): State<Carmen>,
    Path(slug): Path<String>,
    Asked(query): Asked<BrowseQuery>,
    page: StaffPage,
) -> Answer {
    let path = &page.at.path;
    let t = page.texts();
    let title = t.t("market-title");
    let asked = query
        .q
        .map(|q| q.trim().chars().take(100).collect::<String>())
        .unwrap_or_default();
    let after = query
        .after
        .map(|a| a.trim().chars().take(100).collect::<String>())
        .filter(|a| !a.is_empty());
    let found = carmen.browse_registry(&asked, None, after.as_deref()).await;
    let installed: BTreeMap<String, String> = carmen
        .installs(&slug)
        .await
        .map(|list| list.into_iter().map(|i| (i.plugin, i.version)).collect())
        .unwrap_or_default();
    let main = html! {
        h1 { (title) }
        p.lead { (t.t("market-lead")) }
        form.search method="get" action=(path) role="search" {
            div.field {
                label for="q" { (t.t("market-search-label")) }
                input #q type="search" name="q" value=(asked);
            }
            button type="submit" { (t.t("market-search")) }
        }
        @match &found {
            Err(_) if carmen.registry.is_none() => p { (t.t("market-no-registry")) },
            Err(_) => p { (t.t("error-failed")) },
            Ok((packages, _)) if packages.is_empty() => p { (t.t("market-none")) },
            Ok((packages, next)) => {
                ul.services {
                    @for package in packages {
                        li {
                            a href={ (path) "/" (package.name) } { (title_of(package)) }
                            p { (package.description) }
                            p.help {
                                (t.with("market-publisher", &[("publisher", &package.publisher), ("city", &package.publisher_city)]))
                                @if let Some(version) = installed.get(&package.name) {
                                    " · " strong { (t.with("market-installed", &[("version", version)])) }
                                }
                            }
                        }
                    }
                }
                @if let Some(next) = next {
                    p { a href={ (path) "?" (more_query(&asked, next)) } { (t.t("market-more")) } }
                }
            },
        }
    };
    Ok(page.show(&title, main))
}

/// The settings form of a manifest's config keys.
fn settings_form(t: Texts, manifest: &Manifest) -> Markup {
    html! {
        @if !manifest.config.is_empty() {
            fieldset {
                legend { (t.t("market-settings")) }
                @for (key, spec) in &manifest.config {
                    @let id = format!("config-{key}");
                    div.field {
                        label for=(id) { (spec.label.clone().unwrap_or_else(|| readable(key))) }
                        @if !spec.description.is_empty() { span.help id={ (id) "-help" } { (spec.description) } }
                        @match spec.kind {
                            ConfigType::Boolean => select id=(id) name={ "config." (key) } {
                                option value="" { "—" }
                                option value="true" selected[spec.default.as_deref() == Some("true")] { (t.t("market-yes")) }
                                option value="false" selected[spec.default.as_deref() == Some("false")] { (t.t("market-no")) }
                            },
                            ConfigType::Integer | ConfigType::Number => input type="text" inputmode="decimal" id=(id) name={ "config." (key) } value=[spec.default.as_deref()];,
                            ConfigType::String => input type="text" id=(id) name={ "config." (key) } value=[spec.default.as_deref()];,
                        }
                    }
                }
            }
        }
    }
}

/// Checkboxes approving each of `capabilities`.
fn approvals(t: Texts, capabilities: &[String]) -> Markup {
    html! {
        fieldset {
            legend { (t.t("market-asks")) }
            @if capabilities.is_empty() { p { (t.t("market-asks-nothing")) } }
            @for name in capabilities {
                div.choice {
                    input type="checkbox" id={ "grant-" (name) } name="grant" value=(name);
                    label for={ "grant-" (name) } { (t.with("market-approve", &[("capability", &capability(t, name))])) }
                }
            }
        }
    }
}

/// A checkbox approving the requests to `hosts` (in words), when there are any.
fn host_approval(t: Texts, hosts: &[String]) -> Markup {
    html! {
        @if !hosts.is_empty() {
            div.choice {
                input type="checkbox" id="approve-hosts" name="approve-hosts" value="1";
                label for="approve-hosts" { (t.with("market-approve-hosts", &[("hosts", &hosts.join(", "))])) }
            }
        }
    }
}

/// The hosts version `v` would call that `install` was not approved for, as they would be with
/// the install's settings (new settings taking their defaults): what an upgrade must approve.
fn new_hosts(v: &VersionInfo, install: &crate::runtime::types::Install) -> Vec<String> {
    let Ok(manifest) = Manifest::parse(&v.manifest) else {
        return Vec::new();
    };
    let kept: BTreeMap<String, String> = install
        .config
        .iter()
        .filter(|(k, _)| manifest.config.contains_key(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    manifest
        .resolve_config(&kept)
        .ok()
        .and_then(|config| manifest.hosts_for(&config).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|host| !install.hosts.contains(host))
        .collect()
}

/// A checkbox per host an upgrade would newly call, each approved on its own.
fn host_checkboxes(t: Texts, hosts: &[String]) -> Markup {
    html! {
        @if !hosts.is_empty() {
            fieldset {
                legend { (t.t("market-hosts")) }
                @for (n, host) in hosts.iter().enumerate() {
                    div.choice {
                        input type="checkbox" id={ "host-" (n) } name="host" value=(host);
                        label for={ "host-" (n) } { (t.with("market-approve-hosts", &[("hosts", host)])) }
                    }
                }
            }
        }
    }
}

/// `GET /{city}/console/marketplace/{package}`.
pub async fn package_page(
    State(carmen): State<Carmen>,
    Path((slug, name)): Path<(String, String)>,
    page: StaffPage,
) -> Answer {
    let (who, city, path) = (&page.staff, &page.at.city, &page.at.path);
    let t = page.texts();
    let found = async {
        let package = carmen.registry_package(&name).await?;
        let installed = carmen.install_of_package(who, &name).await?;
        Ok::<_, RuntimeError>((package, installed))
    };
    let (package, installed) = found.await.or_refuse(&page)?;
    let newest = latest(&package);
    let manifest = newest.and_then(|v| Manifest::parse(&v.manifest).ok());
    let csrf = page.at.visitor.csrf.value();
    let asked: Vec<String> = newest.map(|v| v.capabilities.clone()).unwrap_or_default();
    let main = html! {
        p { a href={ "/" (slug) "/console/marketplace" } { (t.t("market-title")) } }
        h1 { (title_of(&package)) }
        p.lead { (package.description) }
        dl.facts {
            dt { (t.t("market-package")) } dd { code { (package.name) } }
            dt { (t.t("market-publisher-label")) }
            dd { (t.with("market-publisher", &[("publisher", &package.publisher), ("city", &package.publisher_city)])) }
            @if let Some(v) = newest {
                dt { (t.t("market-key")) } dd { code { (fingerprint(&v.public_key)) } }
            }
            @if let Some(install) = &installed {
                dt { (t.t("market-version")) } dd #installed { (t.with("market-installed", &[("version", &install.version)])) }
            }
        }
        @if let Some(readme) = package.readme.as_deref().filter(|r| !r.trim().is_empty()) {
            div #readme {
                @for paragraph in readme.split("\n\n").take(20) { p { (paragraph.trim()) } }
            }
        }
        h2 { (t.t("market-asks")) }
        @if asked.is_empty() { p { (t.t("market-asks-nothing")) } }
        ul #capabilities { @for name in &asked { li { (capability(t, name)) } } }
        @let hosts = newest.map(|v| v.hosts_in_words()).unwrap_or_default();
        @if !hosts.is_empty() {
            h2 { (t.t("market-hosts")) }
            p { (t.t("market-hosts-lead")) }
            ul #hosts { @for host in &hosts { li { code { (host) } } } }
        }
        h2 { (t.t("market-cities")) }
        @if package.cities.is_empty() { p { (t.t("market-no-cities")) } }
        ul #cities { @for (city, version) in &package.cities { li { (city) " — " (version) } } }
        h2 { (t.t("market-evidence")) }
        @if package.evidence.is_empty() {
            p { (t.t("market-no-evidence")) }
        } @else {
            table #evidence {
                (column_heads(t, &[
                    "market-city", "market-version", "eval-volume", "eval-resolve", "eval-sla",
                    "eval-satisfaction",
                ]))
                tbody {
                    @for e in &package.evidence {
                        @let number = |name: &str| e.figures.get(name).and_then(|v| v.as_f64());
                        tr {
                            th scope="row" { (e.city) }
                            td { (e.version) }
                            td { (number("volume").map_or("—".into(), |v| format!("{v:.0}"))) }
                            td { (number("resolve_median").map_or("—".into(), |v| format!("{:.1} h", v / 3600.0))) }
                            td { (number("sla_hit_rate").map_or("—".into(), |v| format!("{:.0}%", v * 100.0))) }
                            td { (number("satisfaction_mean").map_or("—".into(), |v| format!("{v:.1} / 5"))) " (" (number("satisfaction_count").unwrap_or(0.0)) ")" }
                        }
                    }
                }
            }
        }
        h2 { (t.t("market-versions")) }
        table {
            (column_heads(t, &["market-version", "market-published", "market-contract"]))
            tbody {
                @for v in package.versions.iter().rev() {
                    tr {
                        td {
                            (v.version)
                            @if v.yanked { " (" (t.t("market-yanked")) ")" }
                            @if let Some(message) = &v.deprecated { " (" (t.with("market-deprecated", &[("message", message)])) ")" }
                        }
                        td { (when(t, v.published_at)) }
                        td { (v.contract) }
                    }
                }
            }
        }
        @if who.admin().is_none() {
            p.notice { (t.t("market-not-admin")) }
        } @else if let Some(install) = &installed {
            @if let Some(v) = newest.filter(|v| semver::Version::parse(&v.version).ok() > semver::Version::parse(&install.version).ok()) {
                @let new_caps: Vec<String> = v.capabilities.iter().filter(|c| !install.grants.to_string().split(',').any(|g| g.trim() == c.as_str())).cloned().collect();
                h2 { (t.with("market-upgrade", &[("version", &v.version)])) }
                form method="post" action={ (path) "/upgrade" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    input type="hidden" name="version" value=(v.version);
                    @if !new_caps.is_empty() { p { (t.t("market-upgrade-new")) } (approvals(t, &new_caps)) }
                    (host_checkboxes(t, &new_hosts(v, install)))
                    button #upgrade type="submit" { (t.with("market-upgrade", &[("version", &v.version)])) }
                }
            }
            form method="post" action={ (path) "/evidence" } {
                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                button.secondary #publish-evidence type="submit" { (t.t("market-publish-evidence")) }
            }
            @if let Some(previous) = &install.previous_version {
                form method="post" action={ (path) "/rollback" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    button.secondary #rollback type="submit" { (t.with("market-rollback-to", &[("version", previous)])) }
                }
            }
            section aria-labelledby="uninstall-title" {
                h2 #uninstall-title { (t.t("market-uninstall")) }
                p { (t.t("market-uninstall-lead")) }
                form method="post" action={ (path) "/uninstall" } {
                    input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                    div.choice { input #uninstall-confirm type="checkbox" name="confirm" value="1" required; label for="uninstall-confirm" { (t.with("market-uninstall-confirm", &[("name", &package.name)])) } }
                    button.secondary #uninstall type="submit" { (t.t("market-uninstall")) }
                }
            }
        } @else if let Some(v) = newest {
            h2 { (t.t("market-install")) " " (v.version) }
            form method="post" action={ (path) "/install" } {
                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                input type="hidden" name="version" value=(v.version);
                (approvals(t, &v.capabilities))
                @if let Some(manifest) = &manifest { (settings_form(t, manifest)) }
                (host_approval(t, &v.hosts_in_words()))
                div.choice {
                    input #report type="checkbox" name="report" value="1";
                    label for="report" { (t.with("market-report", &[("city", &city.name)])) }
                }
                button #install type="submit" { (t.t("market-install")) }
            }
        }
    };
    Ok(page.show(&title_of(&package), main))
}

/// `POST /{city}/console/marketplace/{package}/{action}`: `install`, `upgrade`, `rollback`,
/// `uninstall` — administrators only, each audited by the runtime.
pub async fn package_action(
    State(carmen): State<Carmen>,
    Path((_, name, action)): Path<(String, String, String)>,
    posted: Posted<StaffPage>,
) -> Answer {
    let (page, form) = (&posted.page, &posted.form);
    let t = page.texts();
    let Some(who) = page.staff.admin() else {
        return Err(page.say(StatusCode::FORBIDDEN, &t.t("market-not-admin")));
    };
    let pairs = &posted.pairs;
    let approved: Vec<&str> = pairs
        .iter()
        .filter(|(n, _)| n == "grant")
        .map(|(_, v)| v.as_str())
        .collect();
    // An install approves the hosts its settings, typed on the same form, name; an upgrade each
    // new host by its own box.
    let approval = Approval {
        grants: Grants::parse(&approved.join(","))
            .map_err(|e| RuntimeError::Invalid(e.to_string()))
            .or_refuse(page)?,
        hosts: pairs
            .iter()
            .filter(|(n, _)| n == "host")
            .map(|(_, v)| v.clone())
            .collect(),
        named: action == "install" && form.contains_key("approve-hosts"),
    };
    let config: BTreeMap<String, String> = pairs
        .iter()
        .filter_map(|(n, v)| Some((n.strip_prefix("config.")?.to_string(), v.trim().to_string())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let requirement = form
        .get("version")
        .map(|v| format!("={v}"))
        .unwrap_or_else(|| "*".into());
    // An install or upgrade may compile for tens of seconds: past `PATIENCE` it goes on as a
    // job, and the administrator follows it on its page.
    if action == "install" || action == "upgrade" {
        let report = form.contains_key("report");
        let work = {
            let (carmen, name, who) = (carmen.clone(), name.clone(), who.clone());
            let install = action == "install";
            async move {
                if install {
                    carmen
                        .install_from_registry_approving(
                            &who,
                            &name,
                            &requirement,
                            approval,
                            config,
                            report,
                        )
                        .await
                } else {
                    carmen
                        .upgrade_approving(&who, &name, &requirement, &approval)
                        .await
                }
            }
        };
        let done = if action == "install" {
            "installed"
        } else {
            "upgraded"
        };
        return match carmen
            .as_job(&who, &format!("{action} {name}"), PATIENCE, work)
            .await
            .or_refuse(page)?
        {
            Waited::Done(_) => Ok(page.done(&format!("console/marketplace/{name}"), done)),
            Waited::Running(id) => Ok(page.go_to(&format!("console/marketplace/jobs/{id}"))),
        };
    }
    let done = match action.as_str() {
        "rollback" => carmen.rollback(&who, &name).await.map(|_| "rolled-back"),
        "evidence" => carmen
            .publish_evidence(&who, &name)
            .await
            .map(|_| "evidence"),
        "uninstall" if posted.ticked("confirm") => {
            carmen.uninstall(&who, &name).await.map(|_| "uninstalled")
        }
        "uninstall" => Err(RuntimeError::Invalid(
            t.with("market-uninstall-confirm", &[("name", &name)]),
        )),
        _ => return Err(page.not_found()),
    };
    Ok(page.done(
        &format!("console/marketplace/{name}"),
        done.or_refuse(page)?,
    ))
}

/// `GET /{city}/console/marketplace/jobs/{id}`: an install or upgrade going on in the background —
/// how long it has run; when done, a link to the service; when refused, why. The page reloads
/// itself every two seconds while it runs.
pub async fn job_page(
    State(carmen): State<Carmen>,
    Path((slug, id)): Path<(String, u64)>,
    page: StaffPage,
) -> Answer {
    let t = page.texts();
    let Some(job) = page.staff.admin().and_then(|admin| carmen.job(&admin, id)) else {
        return Err(page.say(StatusCode::NOT_FOUND, &t.t("market-job-gone")));
    };
    let seconds = format!("{:.0}", job.elapsed().as_secs_f64());
    let running = matches!(job.state, JobState::Running);
    let main = html! {
        h1 { (job.what) }
        @match &job.state {
            JobState::Running => p role="status" { (t.with("market-job-running", &[("seconds", &seconds)])) },
            JobState::Done(install) => {
                p role="status" { (t.with("market-job-done", &[("seconds", &seconds)])) }
                p { a href={ "/" (slug) "/console/marketplace/" (install.plugin) } { (install.plugin) " " (install.version) } }
            }
            JobState::Failed(reason) => p role="alert" { (t.t("market-job-failed")) " " (reason) },
        }
    };
    let mut answer = page.show(&job.what, main);
    if running {
        answer
            .headers_mut()
            .insert("refresh", axum::http::HeaderValue::from_static("2"));
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::{new_hosts, readable};
    use crate::runtime::types::{Install, VersionInfo};

    #[test]
    fn an_upgrade_asks_for_the_hosts_it_would_newly_call_with_the_citys_settings() {
        let manifest = |hosts: &str| {
            format!(
                "[package]\nname = \"w\"\nversion = \"1.1.0\"\ndescription = \"W\"\ncontract = \"0.1.2\"\n\
                 capabilities = [\"config\", \"http\"]\nhosts = [{hosts}]\n\n\
                 [config.office]\ntype = \"string\"\ndefault = \"\"\n\
                 [config.sync]\ntype = \"string\"\ndefault = \"collector.publisher.example\"\n"
            )
        };
        let version = |hosts: &str| VersionInfo {
            name: "w".into(),
            version: "1.1.0".into(),
            digest: String::new(),
            size: 0,
            manifest: manifest(hosts),
            signature: String::new(),
            publisher: String::new(),
            public_key: String::new(),
            contract: "0.1.2".into(),
            capabilities: vec![],
            published_at: 0,
            yanked: false,
            deprecated: None,
        };
        let install = Install {
            id: 1,
            city: "rivertown".into(),
            code: "w".into(),
            plugin: "w".into(),
            version: "1.0.0".into(),
            digest: String::new(),
            grants: Default::default(),
            config: [("office".to_string(), "office.rivertown.example".to_string())].into(),
            limits: Default::default(),
            installed_at: 0,
            anonymous: true,
            quotas: Default::default(),
            public: false,
            private_fields: vec![],
            previous_version: None,
            hosts: vec!["https://office.rivertown.example".into()],
        };
        // The host approved already is not asked again; a new setting's default host is shown
        // as it is, to be approved on its own.
        assert_eq!(
            new_hosts(
                &version("\"{settings.office}\", \"https://{settings.sync}\""),
                &install
            ),
            ["https://collector.publisher.example"]
        );
        assert!(new_hosts(&version("\"{settings.office}\""), &install).is_empty());
    }

    #[test]
    fn codes_are_made_readable() {
        assert_eq!(readable("document-reminder"), "Document reminder");
        assert_eq!(readable("remind_days"), "Remind days");
        assert_eq!(readable(""), "");
    }
}
