//! `carmen plugin build`: the project's toolchain with the flags that make a component Carmen
//! runs — installing nothing behind the developer's back: a missing tool is named, with the command
//! that installs it. The component is then inspected as the registry and the host will: a
//! capability its manifest does not declare, or a WASI interface Carmen does not provide, fails
//! the build here rather than at publish or install.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use carmen_registry::capabilities::Capability;
use carmen_registry::package;

use super::scaffold::{COMPONENTIZE_JS, COMPONENTIZE_PY};
use super::{Lang, built_wasm, read_manifest};
use carmen_registry::manifest::Manifest;

/// What a build made.
#[derive(Debug)]
pub struct Built {
    pub lang: Lang,
    pub wasm: PathBuf,
    pub bytes: u64,
    pub took: Duration,
    pub capabilities: String,
}

impl fmt::Display for Built {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "built {} ({}, {:.1} MB) in {:.1} s; it imports: {}",
            self.wasm.display(),
            self.lang.name(),
            self.bytes as f64 / 1e6,
            self.took.as_secs_f64(),
            if self.capabilities.is_empty() {
                "no capability"
            } else {
                &self.capabilities
            }
        )
    }
}

/// Builds the project in `dir` into build/<name>.wasm.
pub fn build(dir: &Path) -> anyhow::Result<Built> {
    build_with(dir, None)
}

/// Builds the project in `dir`; a Rust project's cargo builds in `cargo_target` when given
/// (several projects share one: the dependencies compile once).
pub fn build_with(dir: &Path, cargo_target: Option<&Path>) -> anyhow::Result<Built> {
    let manifest = read_manifest(dir)?;
    let lang = Lang::of(dir)?;
    check_project(dir, &manifest, lang)?;
    let name = &manifest.package.name;
    let out = built_wasm(dir, name);
    std::fs::create_dir_all(out.parent().unwrap_or(dir))?;
    let started = Instant::now();
    match lang {
        Lang::Rust => build_rust(dir, name, &out, cargo_target)?,
        Lang::Python => {
            let tool = find_tool(dir, "componentize-py").with_context(|| {
                format!("componentize-py is not installed; install it with: pip install {COMPONENTIZE_PY}")
            })?;
            let mut command = Command::new(&tool);
            command
                .current_dir(dir)
                .args(["-d", "wit", "-w", "service", "componentize", "app", "-o"])
                .arg(out.canonicalize_parent()?);
            run_tool(command, "componentize-py")?;
            // Typed bindings for the developer's editor (not part of the component).
            let mut stubs = Command::new(&tool);
            stubs
                .current_dir(dir)
                .args(["-d", "wit", "-w", "service", "bindings", "stubs"])
                .stdout(std::process::Stdio::null());
            run_tool(stubs, "componentize-py bindings")?;
        }
        Lang::Js => {
            let tool = find_tool(dir, "componentize-js").with_context(|| {
                format!("componentize-js is not installed; in the project run `npm install` (its package.json pins {COMPONENTIZE_JS}), or `npm install -g {COMPONENTIZE_JS}`")
            })?;
            let mut command = Command::new(&tool);
            // Carmen links no fetch event, and wasi:http only for a service granted `http` (its
            // fetch()); the clock it shows is frozen and the randomness is the host's: stdio
            // stays, so that what the service prints is logged.
            let mut disabled = vec!["fetch-event", "clocks", "random"];
            if !manifest.declares(Capability::Http) {
                disabled.push("http");
            }
            command
                .current_dir(dir)
                .args(["app.js", "--wit", "wit", "--world-name", "service"])
                .arg("-d")
                .args(disabled)
                .arg("-o")
                .arg(out.canonicalize_parent()?);
            run_tool(command, "componentize-js")?;
            write_js_types(dir, &tool);
        }
    }
    let took = started.elapsed();
    let bytes =
        std::fs::read(&out).with_context(|| format!("the build wrote no {}", out.display()))?;
    let info = package::inspect(&bytes)
        .map_err(|e| anyhow::anyhow!("the built component is refused: {e}"))?;
    package::check_against(&manifest, &info).map_err(|e| {
        anyhow::anyhow!("{e}; add them to carmen.toml's capabilities and run `carmen plugin world`")
    })?;
    Ok(Built {
        lang,
        wasm: out,
        bytes: bytes.len() as u64,
        took,
        capabilities: info.capabilities.to_string(),
    })
}

fn build_rust(
    dir: &Path,
    name: &str,
    out: &Path,
    cargo_target: Option<&Path>,
) -> anyhow::Result<()> {
    if Command::new("cargo").arg("--version").output().is_err() {
        bail!("cargo is not installed; install Rust from https://rustup.rs");
    }
    if let Ok(listed) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        && listed.status.success()
        && !String::from_utf8_lossy(&listed.stdout)
            .lines()
            .any(|l| l.trim() == "wasm32-wasip2")
    {
        bail!(
            "the wasm32-wasip2 target is not installed; install it with: rustup target add wasm32-wasip2"
        );
    }
    let mut command = Command::new("cargo");
    command
        .current_dir(dir)
        .args(["build", "--release", "--target", "wasm32-wasip2", "--quiet"]);
    if let Some(target) = cargo_target {
        command.env("CARGO_TARGET_DIR", target);
    }
    run_tool(command, "cargo")?;
    let target_dir = cargo_target
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from))
        .map(|d| if d.is_absolute() { d } else { dir.join(d) })
        .unwrap_or_else(|| dir.join("target"));
    let made = target_dir
        .join("wasm32-wasip2/release")
        .join(format!("{}.wasm", name.replace('-', "_")));
    std::fs::copy(&made, out)
        .with_context(|| format!("cannot copy {} to {}", made.display(), out.display()))?;
    Ok(())
}

/// Writes `types/`, the TypeScript declarations of the project's world, with the type generator
/// componentize-js brings (jco's); without it, or when it fails, the build goes on without them.
fn write_js_types(dir: &Path, componentize_js: &Path) {
    const SCRIPT: &str = include_str!("templates/js-types.mjs");
    let bindgen = componentize_js
        .canonicalize()
        .ok()
        .and_then(|tool| {
            tool.ancestors()
                .find(|p| p.ends_with("node_modules"))
                .map(Path::to_path_buf)
        })
        .map(|modules| {
            modules.join("@bytecodealliance/jco-transpile/vendor/js-component-bindgen-component.js")
        })
        .filter(|p| p.is_file());
    let Some(bindgen) = bindgen else {
        tracing::debug!("no jco type generator beside componentize-js: no types/");
        return;
    };
    let written = Command::new("node")
        .current_dir(dir)
        .args(["--input-type=module", "-e", SCRIPT, "--"])
        .arg(&bindgen)
        .args(["wit", "types"])
        .output();
    match written {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            tracing::warn!(stderr = %String::from_utf8_lossy(&out.stderr), "the TypeScript declarations were not written")
        }
        Err(error) => tracing::warn!(%error, "the TypeScript declarations were not written"),
    }
}

/// `tool` from PATH; for a JavaScript project, its own node_modules/.bin first.
fn find_tool(dir: &Path, tool: &str) -> Option<PathBuf> {
    let local = dir.join("node_modules/.bin").join(tool);
    if Lang::of(dir).ok() == Some(Lang::Js) && local.is_file() {
        return Some(local);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    })
}

/// Runs a toolchain command, its output passed through; a failure names the tool, and what to do
/// when its output shows a mistake of the catalogue's.
fn run_tool(mut command: Command, tool: &str) -> anyhow::Result<()> {
    use std::io::{BufRead, Write};
    let mut child = command
        .stderr(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {tool}"))?;
    let mut said = String::new();
    if let Some(stderr) = child.stderr.take() {
        // Read to the end whatever it writes (bytes that are not UTF-8 too), or the tool would
        // block on a full pipe.
        let mut reader = std::io::BufReader::new(stderr);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            let _ = std::io::stderr().write_all(&line);
            if said.len() < 1 << 20 {
                said.push_str(&String::from_utf8_lossy(&line));
            }
            line.clear();
        }
    }
    let status = child.wait().with_context(|| format!("cannot run {tool}"))?;
    if !status.success() {
        match super::mistakes::recognise(&said) {
            Some(mistake) => bail!(
                "{tool} failed ({status}), {}: {}",
                mistake.name,
                mistake.fix
            ),
            None => bail!("{tool} failed ({status}); its output is above"),
        }
    }
    Ok(())
}

/// The capabilities `wit/world.wit` imports from carmen:city, in carmen.toml's words.
fn world_imports(dir: &Path) -> Option<Vec<String>> {
    let world = std::fs::read_to_string(dir.join("wit/world.wit")).ok()?;
    let mut caps: Vec<String> = world
        .lines()
        .filter_map(|line| line.trim().strip_prefix("import carmen:city/"))
        .filter_map(|rest| rest.split(['@', ';']).next())
        .map(str::to_string)
        .collect();
    caps.sort();
    Some(caps)
}

/// What a build would otherwise fail on with a toolchain's long story: a world that imports
/// other capabilities than carmen.toml asks for, a Rust package named otherwise in Cargo.toml.
fn check_project(dir: &Path, manifest: &Manifest, lang: Lang) -> anyhow::Result<()> {
    let mut asked: Vec<String> = manifest
        .capabilities()?
        .iter()
        .filter(|c| *c != Capability::Http)
        .map(|c| c.name().to_string())
        .collect();
    asked.sort();
    if let Some(imported) = world_imports(dir)
        && imported != asked
    {
        bail!(
            "wit/world.wit imports {} but carmen.toml asks for {}: run `carmen plugin world`, then build again",
            words(&imported),
            words(&asked)
        );
    }
    if lang == Lang::Rust
        && let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml"))
        && let Ok(cargo) = text.parse::<toml::Table>()
        && let Some(named) = cargo
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
        && named.replace('-', "_") != manifest.package.name.replace('-', "_")
    {
        bail!(
            "carmen.toml names the package {:?} but Cargo.toml names it {named:?}: give both the same name",
            manifest.package.name
        );
    }
    Ok(())
}

fn words(caps: &[String]) -> String {
    if caps.is_empty() {
        "no capability".into()
    } else {
        caps.join(", ")
    }
}

trait CanonicalParent {
    /// The path with its parent folder made absolute (the tools run in the project folder).
    fn canonicalize_parent(&self) -> anyhow::Result<PathBuf>;
}

impl CanonicalParent for PathBuf {
    fn canonicalize_parent(&self) -> anyhow::Result<PathBuf> {
        let parent = self.parent().unwrap_or(Path::new("."));
        let file = self.file_name().context("the output has no file name")?;
        Ok(parent.canonicalize()?.join(file))
    }
}
