//! `carmen plugin test` and `carmen plugin run`: the built component in a throwaway city on a real
//! engine and a real SQLite file under the project's build/ folder. Compiled forms are kept in the
//! user's own cache folder (`user_cache`), so a second run does not compile again — never in the
//! project, whose files come with it: a compiled form is native code the engine loads as it is.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Deserialize;

use super::{built_wasm, read_manifest};
use crate::manifest::Manifest;
use crate::runtime::Carmen;
use crate::runtime::form::RequestInput;
use crate::runtime::install::InstallRequest;
use crate::runtime::requests::Submitted;
use crate::runtime::types::{CaseStatus, Contact, Grants, Location, Written};

/// The throwaway city a component is tried in.
const CITY: &str = "try";

/// fixtures.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixtures {
    #[serde(default)]
    submission: Vec<Fixture>,
}

/// One citizen's request, and what the service must answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    expect: Expect,
    #[serde(default = "english")]
    language: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    fields: BTreeMap<String, Answer>,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    contact: Option<Contact>,
}

fn english() -> String {
    "en".into()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Expect {
    Opened,
    Answered,
    Rejected,
}

/// A field's answer: one value, or several for a multi-value list.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Answer {
    One(String),
    Many(Vec<String>),
}

/// One call and what became of it.
pub struct Step {
    pub call: String,
    pub took: Duration,
    pub said: String,
    /// None: nothing was expected; Some(false): not what was expected.
    pub as_expected: Option<bool>,
}

/// What `carmen plugin test` found.
pub struct Report {
    pub name: String,
    pub compiled_in: Duration,
    pub steps: Vec<Step>,
    pub written: Written,
}

impl Report {
    pub fn failures(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| s.as_expected == Some(false))
            .count()
    }

    pub fn passed(&self) -> bool {
        self.failures() == 0
    }
}

/// Text from the service as the terminal shows it: control characters (escape sequences) escaped.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: installed in a throwaway city (compile or load {})",
            self.name,
            ms(self.compiled_in)
        )?;
        for step in &self.steps {
            let mark = match step.as_expected {
                Some(true) => "ok  ",
                Some(false) => "FAIL",
                None => "    ",
            };
            writeln!(
                f,
                "{mark} {:<30} {:>10}  {}",
                step.call,
                ms(step.took),
                plain(&step.said)
            )?;
        }
        writeln!(f, "what it wrote:")?;
        for case in &self.written.cases {
            writeln!(
                f,
                "  case #{} [{}] {} (department {})",
                case.id,
                case.status.as_str(),
                plain(&case.title),
                plain(case.department.as_deref().unwrap_or("-"))
            )?;
        }
        for (key, value) in &self.written.store {
            let text = String::from_utf8_lossy(value);
            let shown: String = text.chars().take(80).collect();
            writeln!(f, "  store {key:?} = {shown:?} ({} bytes)", value.len())?;
        }
        for message in &self.written.outbox {
            let to = message
                .recipient
                .email
                .as_deref()
                .or(message.recipient.phone.as_deref())
                .unwrap_or("-");
            writeln!(f, "  message to {}: {}", plain(to), plain(&message.subject))?;
        }
        if self.written.cases.is_empty()
            && self.written.store.is_empty()
            && self.written.outbox.is_empty()
        {
            writeln!(f, "  nothing")?;
        }
        let failures = self.failures();
        if failures == 0 {
            writeln!(f, "all {} calls answered as expected", self.steps.len())
        } else {
            writeln!(f, "{failures} answer(s) not as expected")
        }
    }
}

/// A Carmen over build/<what>/ with the component installed in city `try`, granted exactly what
/// its manifest asks for; returns it, the install's service code and how long installing took.
async fn throwaway(
    dir: &Path,
    what: &str,
    wasm: Option<&Path>,
    cache: &Path,
) -> anyhow::Result<(Carmen, Manifest, String, Duration)> {
    let manifest = read_manifest(dir)?;
    let wasm = wasm.map_or_else(
        || built_wasm(dir, &manifest.package.name),
        Path::to_path_buf,
    );
    let bytes = std::fs::read(&wasm).with_context(|| {
        format!(
            "cannot read {}; run `carmen plugin build` first",
            wasm.display()
        )
    })?;
    let data = dir.join("build").join(what);
    if data.exists() {
        std::fs::remove_dir_all(&data)?;
    }
    std::fs::create_dir_all(&data)?;
    let carmen = Carmen::open(&data.join("carmen.db").to_string_lossy(), cache).await?;
    let console = carmen.console();
    carmen
        .create_city(&console, CITY, "Try-out city", None, None)
        .await?;
    let grants =
        Grants::parse(&manifest.package.capabilities.join(",")).map_err(anyhow::Error::msg)?;
    let request = InstallRequest {
        hosts: Vec::new(),
        grants,
        manifest: Some(manifest.clone()),
        ..Default::default()
    };
    let started = Instant::now();
    let install = carmen
        .install(&console.admin_of(CITY), &bytes, request)
        .await?;
    Ok((carmen, manifest, install.code, started.elapsed()))
}

/// Runs the component's exports against fixtures and reports what each returned and wrote.
pub async fn test(
    dir: &Path,
    fixtures: Option<&Path>,
    wasm: Option<&Path>,
    cache: &Path,
) -> anyhow::Result<Report> {
    let fixtures_path = fixtures.map_or_else(|| dir.join("fixtures.toml"), Path::to_path_buf);
    let fixtures: Fixtures = match std::fs::read_to_string(&fixtures_path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", fixtures_path.display(), e.message()))?,
        Err(_) if fixtures.is_none() => Fixtures::default(),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", fixtures_path.display()));
        }
    };
    let (carmen, manifest, code, compiled_in) = throwaway(dir, "test", wasm, cache).await?;
    let mut steps = Vec::new();

    let started = Instant::now();
    let described = carmen.service(CITY, &code, "en").await;
    steps.push(Step {
        call: "describe(en)".into(),
        took: started.elapsed(),
        said: match &described {
            Ok((_, service)) => {
                let fields: Vec<String> = service
                    .fields
                    .iter()
                    .map(|f| format!("{}{}", f.code, if f.required { "*" } else { "" }))
                    .collect();
                format!("{:?}, fields {}", service.name, fields.join(", "))
            }
            Err(error) => format!("failed: {error}"),
        },
        as_expected: Some(described.is_ok()),
    });

    let mut opened = None;
    for (n, fixture) in fixtures.submission.iter().enumerate() {
        let input = RequestInput {
            fields: fixture
                .fields
                .iter()
                .map(|(code, answer)| {
                    let values = match answer {
                        Answer::One(value) => vec![value.clone()],
                        Answer::Many(values) => values.clone(),
                    };
                    (code.clone(), values)
                })
                .collect(),
            description: fixture.description.clone(),
            location: fixture.location.clone(),
            contact: fixture.contact.clone(),
            language: fixture.language.clone(),
            ..Default::default()
        };
        let started = Instant::now();
        let submitted = carmen.submit(CITY, &code, input).await;
        let took = started.elapsed();
        let (got, said) = match submitted {
            Ok(Submitted::Opened(filed)) => {
                let said = format!("opened case #{}: {}", filed.case.id, filed.case.title);
                opened.get_or_insert(filed.case);
                (Some(Expect::Opened), said)
            }
            Ok(Submitted::Answered(filed)) => (
                Some(Expect::Answered),
                format!("answered: {}", filed.case.title),
            ),
            Ok(Submitted::Rejected(refusal)) => {
                let errors: Vec<String> = refusal
                    .errors
                    .iter()
                    .map(|e| format!("{}: {}", e.code, e.message))
                    .collect();
                (
                    Some(Expect::Rejected),
                    format!("rejected: {}", errors.join("; ")),
                )
            }
            Err(error) => (None, format!("failed: {error}")),
        };
        steps.push(Step {
            call: format!("validate+submit #{} ({:?})", n + 1, fixture.expect).to_lowercase(),
            took,
            said,
            as_expected: Some(got == Some(fixture.expect)),
        });
    }

    if let Some(case) = &opened {
        let started = Instant::now();
        let answered = carmen
            .trial_case_event(case, CaseStatus::Acknowledged)
            .await;
        steps.push(Step {
            call: format!("on-case-event #{}", case.id),
            took: started.elapsed(),
            said: match &answered {
                Ok(()) => "submitted -> acknowledged: ok".into(),
                Err(error) => format!("failed: {error}"),
            },
            as_expected: Some(answered.is_ok()),
        });
    }

    let started = Instant::now();
    let ticked = carmen.tick_all(crate::runtime::types::now()).await;
    let took = started.elapsed();
    let (said, ok) = match ticked {
        Ok(report) if report.failed.is_empty() => ("ok".to_string(), true),
        Ok(report) => {
            let mut said = String::new();
            for (_, _, error) in &report.failed {
                let _ = write!(said, "failed: {error}");
            }
            (said, false)
        }
        Err(error) => (format!("failed: {error}"), false),
    };
    steps.push(Step {
        call: "tick".into(),
        took,
        said,
        as_expected: Some(ok),
    });

    let written = carmen.written_by(CITY, &code).await?;
    carmen.finish_background().await;
    carmen.close().await;
    Ok(Report {
        name: format!("{} {}", manifest.package.name, manifest.package.version),
        compiled_in,
        steps,
        written,
    })
}

/// Serves the component in city `try` on `listen` until stopped (Ctrl-C).
pub async fn run(
    dir: &Path,
    listen: SocketAddr,
    wasm: Option<&Path>,
    cache: &Path,
) -> anyhow::Result<()> {
    // The address first: "ready" is said only once it is.
    let listener = super::super::bind(listen).await?;
    let (carmen, manifest, code, compiled_in) = throwaway(dir, "run", wasm, cache).await?;
    println!(
        "{} {} ready in {:.1} s: try its form at http://{listen}/{CITY}/services/{code} (Ctrl-C stops)",
        manifest.package.name,
        manifest.package.version,
        compiled_in.as_secs_f64()
    );
    super::super::serve_on(
        carmen,
        listener,
        60,
        None,
        crate::api::HttpPolicy::default(),
    )
    .await
}

/// Where `plugin test` and `plugin run` keep compiled components: `$XDG_CACHE_HOME/carmen/compiled`
/// (else `~/.cache/carmen/compiled`), made private to the user.
pub fn user_cache() -> anyhow::Result<std::path::PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| std::path::PathBuf::from(home).join(".cache")))
        .context("neither XDG_CACHE_HOME nor HOME is set: there is no cache folder of yours to compile into")?;
    let dir = base.join("carmen").join("compiled");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot make {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(base.join("carmen"), std::fs::Permissions::from_mode(0o700))?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(dir)
}
