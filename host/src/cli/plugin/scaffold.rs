//! `carmen plugin new`: a ready project in Rust, Python or JavaScript — its world with exactly the
//! chosen capabilities, the contract in the standard `deps/` layout, carmen.toml, a working example
//! service with a form, scenarios for `carmen plugin test`, and a README.

use std::path::Path;

use anyhow::{Context, bail};
use carmen_registry::capabilities::{Capability, Grants};
use carmen_registry::manifest::Manifest;

use super::Lang;

/// The contract version new projects target, and its text.
pub const CONTRACT: &str = "0.1.2";
const CONTRACT_WIT: &str = include_str!("../../../../wit/city@0.1.2/city.wit");

const RUST_LIB: &str = include_str!("templates/rust-lib.rs");
const RUST_CARGO: &str = include_str!("templates/rust-Cargo.toml");
const PYTHON_APP: &str = include_str!("templates/python-app.py");
const JS_APP: &str = include_str!("templates/js-app.js");
/// The scenarios `carmen plugin test` runs, the same in every language.
const SCENARIOS: [(&str, &str); 2] = [
    (
        "scenarios/a-request-opens-a-case.toml",
        include_str!("templates/scenarios/a-request-opens-a-case.toml"),
    ),
    (
        "scenarios/too-few-words-are-refused.toml",
        include_str!("templates/scenarios/too-few-words-are-refused.toml"),
    ),
];
const README: &str = include_str!("templates/README.md");

/// The pinned toolchains, as `carmen plugin build` expects them.
pub const COMPONENTIZE_PY: &str = "componentize-py==0.25.1";
pub const COMPONENTIZE_JS: &str = "@bytecodealliance/componentize-js@0.23.0";
/// componentize-js 0.23 imports this without declaring it: a lock file made by `npm install`
/// marks it extraneous and `npm ci` leaves it out, unless the project names it.
const PREVIEW2_SHIM: (&str, &str) = ("@bytecodealliance/preview2-shim", "0.25.0");

/// What `new` makes.
pub struct Scaffold<'a> {
    pub name: &'a str,
    pub lang: Lang,
    /// Comma-separated capability names.
    pub caps: &'a str,
    pub dir: &'a Path,
}

/// `wit/world.wit` for a manifest: its capabilities imported, `service` exported.
pub fn world_wit(manifest: &Manifest) -> anyhow::Result<String> {
    let caps = manifest.capabilities()?;
    let version = &manifest.package.contract;
    let mut wit = format!(
        "// {}'s world: exactly the capabilities carmen.toml asks for.\n\
         // Written by `carmen plugin world` from carmen.toml; the contract is in deps/carmen-city/.\n\
         package local:{};\n\nworld service {{\n",
        manifest.package.name, manifest.package.name
    );
    // `http` is standard wasi:http, which the language's own tools bring (Rust's `wasip2`
    // crate through carmen-sdk, componentize-js's fetch()), not an interface of carmen:city.
    for cap in caps.iter().filter(|c| *c != Capability::Http) {
        wit.push_str(&format!(
            "    import carmen:city/{}@{version};\n",
            cap.name()
        ));
    }
    wit.push_str(&format!("    export carmen:city/service@{version};\n}}\n"));
    Ok(wit)
}

/// "street-light" -> "Street light".
fn title_of(name: &str) -> String {
    let words = name.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Fills `{{name}}`-style placeholders and keeps `@cap|` lines only for granted capabilities.
fn render(template: &str, vars: &[(&str, &str)], caps: &Grants) -> String {
    let mut out = String::new();
    for line in template.lines() {
        let kept = match line.strip_prefix('@') {
            Some(rest) => {
                let (cap, code) = rest.split_once('|').unwrap_or((rest, ""));
                caps.iter()
                    .any(|c| c.name() == cap)
                    .then(|| code.to_string())
            }
            None => Some(line.to_string()),
        };
        if let Some(line) = kept {
            out.push_str(&line);
            out.push('\n');
        }
    }
    for (key, value) in vars {
        out = out.replace(&format!("{{{{{key}}}}}"), value);
    }
    out
}

fn manifest_text(name: &str, title: &str, grants: &Grants) -> String {
    let caps: Vec<String> = grants.iter().map(|c| format!("{:?}", c.name())).collect();
    // `http` calls the hosts the manifest names, filled from a setting the city gives at install.
    let hosts = if grants.contains(Capability::Http) {
        concat!(
            "\n# The city's own application it calls (capability http); its administrator approves\n",
            "# the host at install. Call it with fetch() (JavaScript) or carmen_sdk::http (Rust).\n",
            "hosts = [\"{settings.backoffice}\"]\n\n",
            "[config.backoffice]\n",
            "label = \"Back office (address)\"\n",
            "type = \"string\"\n",
            "default = \"\"\n",
            "description = \"Where the city's back office answers, such as https://backoffice.example.org.\"\n",
        )
    } else {
        ""
    };
    format!(
        "[package]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         description = \"{title}: tell the city what you need and where.\"\n\
         license = \"Apache-2.0\"\n\
         contract = \"{CONTRACT}\"\n\
         group = \"General\"\n\
         keywords = [\"{name}\"]\n\
         # What it asks a city for; `carmen plugin world` writes wit/world.wit from this list.\n\
         capabilities = [{}]\n{hosts}",
        caps.join(", ")
    )
}

/// Makes the project; returns the files it wrote.
pub fn new_project(scaffold: &Scaffold) -> anyhow::Result<Vec<String>> {
    let Scaffold {
        name,
        lang,
        caps,
        dir,
    } = *scaffold;
    if !carmen_registry::names::is_package_name(name) {
        bail!(
            "{name:?} is not a package name: 1 to 64 lowercase letters, digits and dashes, starting with a letter"
        );
    }
    let grants = Grants::parse(caps).map_err(anyhow::Error::msg)?;
    if dir.exists() && dir.read_dir()?.next().is_some() {
        bail!(
            "{} exists and is not empty; choose another --dir",
            dir.display()
        );
    }
    let title = title_of(name);
    let manifest_text = manifest_text(name, &title, &grants);
    let manifest = Manifest::parse(&manifest_text)?;
    let caps_text = if grants.iter().next().is_none() {
        "none".to_string()
    } else {
        grants.to_string()
    };
    let (prepare, lang_name) = match lang {
        Lang::Rust => (
            "rustup target add wasm32-wasip2   # once\n".to_string(),
            "Rust",
        ),
        Lang::Python => (
            format!("pip install {COMPONENTIZE_PY}   # once\n"),
            "Python",
        ),
        Lang::Js => (
            "npm install                # once: the pinned componentize-js\n".to_string(),
            "JavaScript",
        ),
    };
    let vars = [
        ("name", name),
        ("title", title.as_str()),
        ("contract", CONTRACT),
        ("caps", caps_text.as_str()),
        ("source", lang.source()),
        ("prepare", prepare.as_str()),
        ("lang_name", lang_name),
    ];
    let mut files: Vec<(String, String)> = vec![
        ("carmen.toml".into(), manifest_text.clone()),
        ("wit/world.wit".into(), world_wit(&manifest)?),
        ("wit/deps/carmen-city/city.wit".into(), CONTRACT_WIT.into()),
        ("README.md".into(), render(README, &vars, &grants)),
    ];
    for (path, text) in SCENARIOS {
        files.push((path.into(), render(text, &vars, &grants)));
    }
    let ignore = match lang {
        Lang::Rust => {
            files.push(("Cargo.toml".into(), render(RUST_CARGO, &vars, &grants)));
            files.push(("src/lib.rs".into(), render(RUST_LIB, &vars, &grants)));
            "build/\ntarget/\nCargo.lock\nsigning.key\ncarmen-signing.key\n"
        }
        Lang::Python => {
            files.push(("app.py".into(), render(PYTHON_APP, &vars, &grants)));
            "build/\n__pycache__/\nstubs/\nsigning.key\ncarmen-signing.key\n"
        }
        Lang::Js => {
            files.push(("app.js".into(), render(JS_APP, &vars, &grants)));
            files.push(("package.json".into(), package_json(name)));
            "build/\nnode_modules/\ntypes/\nsigning.key\ncarmen-signing.key\n"
        }
    };
    files.push((".gitignore".into(), ignore.into()));
    for (path, text) in &files {
        let path_in = dir.join(path);
        if let Some(parent) = path_in.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot make {}", parent.display()))?;
        }
        std::fs::write(&path_in, text)
            .with_context(|| format!("cannot write {}", path_in.display()))?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

fn package_json(name: &str) -> String {
    let (package, version) = COMPONENTIZE_JS
        .rsplit_once('@')
        .unwrap_or((COMPONENTIZE_JS, "*"));
    serde_json::to_string_pretty(&serde_json::json!({
        "name": name,
        "version": "0.1.0",
        "private": true,
        "type": "module",
        "scripts": { "build": "carmen plugin build", "test": "carmen plugin test" },
        "devDependencies": { package: version, PREVIEW2_SHIM.0: PREVIEW2_SHIM.1 },
    }))
    .unwrap_or_default()
        + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_capabilities_not_chosen_are_left_out_and_placeholders_filled() {
        let caps = Grants::parse("log").unwrap();
        let text = render(
            "a {{name}}\n@log|    logged\n@store|stored\nb\n",
            &[("name", "x")],
            &caps,
        );
        assert_eq!(text, "a x\n    logged\nb\n");
    }

    #[test]
    fn the_world_imports_exactly_the_manifest_capabilities() {
        let manifest = Manifest::parse(&manifest_text(
            "noise",
            "Noise",
            &Grants::parse("store,log").unwrap(),
        ))
        .unwrap();
        let wit = world_wit(&manifest).unwrap();
        assert!(wit.contains("import carmen:city/store@0.1.2;"));
        assert!(wit.contains("import carmen:city/log@0.1.2;"));
        assert!(!wit.contains("cases"));
        assert!(wit.contains("export carmen:city/service@0.1.2;"));
        assert_eq!(title_of("street-light"), "Street light");
    }
}
