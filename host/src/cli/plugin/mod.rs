//! `carmen plugin`: what a city's developer uses, in Rust, Python or JavaScript — a new project
//! (`new`), its world written again from its manifest (`world`), a build with the right toolchain
//! (`build`), a try-out against a real engine and a throwaway city (`test`), and the service served
//! on a port to try its form (`run`).

mod back_office;
mod build;
mod mistakes;
mod scaffold;
mod scenarios;
mod workbench;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Subcommand, ValueEnum};

pub use build::{Built, build, build_with};
pub use scaffold::{Scaffold, new_project, world_wit};
pub use workbench::{COMPILED_CACHE_BOUND, Reload, Report, Watch, run, test, user_cache};

/// The languages a project can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Rust,
    Python,
    Js,
}

impl Lang {
    pub fn name(self) -> &'static str {
        match self {
            Lang::Rust => "Rust",
            Lang::Python => "Python",
            Lang::Js => "JavaScript",
        }
    }

    /// The project's source file, by which its language is known.
    pub fn source(self) -> &'static str {
        match self {
            Lang::Rust => "src/lib.rs",
            Lang::Python => "app.py",
            Lang::Js => "app.js",
        }
    }

    /// The language of the project in `dir`, known by its source file.
    pub fn of(dir: &Path) -> anyhow::Result<Lang> {
        [Lang::Rust, Lang::Python, Lang::Js]
            .into_iter()
            .find(|lang| dir.join(lang.source()).exists())
            .with_context(|| {
                format!(
                    "{} holds no service: expected src/lib.rs (Rust), app.py (Python) or app.js (JavaScript)",
                    dir.display()
                )
            })
    }
}

#[derive(Subcommand)]
pub enum PluginCommand {
    /// A new service project: `carmen plugin new pothole-report --lang python --caps store,log`.
    New {
        /// The package name: lowercase letters, digits and dashes.
        name: String,
        /// The language: rust, python or js.
        #[arg(long, value_enum, default_value = "rust")]
        lang: Lang,
        /// The capabilities it asks a city for, comma-separated (cases, store, notify, config,
        /// log, clock, requester).
        #[arg(long, default_value = "store,log")]
        caps: String,
        /// Where to make it (default: a folder named after it).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Writes wit/world.wit again from carmen.toml's capabilities.
    World {
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Builds the component into build/<name>.wasm with the project's toolchain.
    Build {
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Runs the built component on a real engine against the project's scenarios
    /// (scenarios/*.toml), each in a throwaway city of its own.
    Test {
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The folder of scenario files (default: the project's scenarios/).
        #[arg(long)]
        scenarios: Option<PathBuf>,
        /// The component (default: the project's build/<name>.wasm).
        #[arg(long)]
        wasm: Option<PathBuf>,
    },
    /// Serves the built component in a throwaway city, to try its form in a browser.
    Run {
        /// The project folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Where to serve it.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// The component (default: the project's build/<name>.wasm).
        #[arg(long)]
        wasm: Option<PathBuf>,
        /// Rebuild on every saved edit and serve the new build at once, keeping the city's data.
        #[arg(long)]
        watch: bool,
    },
}

pub async fn run_command(command: PluginCommand) -> anyhow::Result<()> {
    match command {
        PluginCommand::New {
            name,
            lang,
            caps,
            dir,
        } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from(&name));
            let made = new_project(&Scaffold {
                name: &name,
                lang,
                caps: &caps,
                dir: &dir,
            })?;
            println!("made {} ({}) in {}:", name, lang.name(), dir.display());
            for file in made {
                println!("  {file}");
            }
            println!(
                "next: cd {} && carmen plugin build && carmen plugin test",
                dir.display()
            );
            Ok(())
        }
        PluginCommand::World { dir } => {
            let manifest = read_manifest(&dir)?;
            let path = dir.join("wit/world.wit");
            std::fs::write(&path, world_wit(&manifest)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!(
                "wrote {} with {}",
                path.display(),
                manifest.package.capabilities.join(", ")
            );
            Ok(())
        }
        PluginCommand::Build { dir } => {
            let built = build(&dir)?;
            println!("{built}");
            Ok(())
        }
        PluginCommand::Test {
            dir,
            scenarios,
            wasm,
        } => {
            let report = test(&dir, scenarios.as_deref(), wasm.as_deref(), &user_cache()?).await?;
            print!("{report}");
            if report.passed() {
                Ok(())
            } else {
                anyhow::bail!(
                    "{} of the service's answers were not as expected",
                    report.failures()
                )
            }
        }
        PluginCommand::Run {
            dir,
            listen,
            wasm,
            watch,
        } => {
            let watch = watch.then(Watch::printing);
            run(&dir, listen, wasm.as_deref(), &user_cache()?, watch).await
        }
    }
}

/// The project's carmen.toml.
pub fn read_manifest(dir: &Path) -> anyhow::Result<carmen_registry::manifest::Manifest> {
    Ok(carmen_registry::manifest::Manifest::read(
        &dir.join("carmen.toml"),
    )?)
}

/// Where `carmen plugin build` puts the project's component.
pub fn built_wasm(dir: &Path, name: &str) -> PathBuf {
    dir.join("build").join(format!("{name}.wasm"))
}
