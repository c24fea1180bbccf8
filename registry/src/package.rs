//! What a component is, read from its bytes without running it: whether it is a component at all,
//! which `carmen:city` version it serves, and which capabilities it really imports.

use wasmparser::{Parser, Payload};

use crate::capabilities::{Capability, Grants};
use crate::manifest::Manifest;

/// The `carmen:city` versions a component may target.
pub const CONTRACT_VERSIONS: &[&str] = &["0.1.0", "0.1.1", "0.1.2"];

/// The WASI 0.2 interfaces Carmen links for every city service (wasmtime-wasi's preview 2 set).
/// A service reaches nothing through them: no files, no network, no environment, a wall clock stuck
/// at the epoch; stdout and stderr go to the city's log. Anything else under `wasi:` (`wasi:http`,
/// say) is refused before the component is compiled.
pub const PROVIDED_WASI: &[&str] = &[
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stderr",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stderr",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:clocks/monotonic-clock",
    "wasi:clocks/wall-clock",
    "wasi:filesystem/preopens",
    "wasi:filesystem/types",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
    "wasi:random/random",
    "wasi:sockets/instance-network",
    "wasi:sockets/ip-name-lookup",
    "wasi:sockets/network",
    "wasi:sockets/tcp",
    "wasi:sockets/tcp-create-socket",
    "wasi:sockets/udp",
    "wasi:sockets/udp-create-socket",
];

/// The WASI 0.2 HTTP interfaces Carmen links for a service granted the `http` capability: it
/// sends requests only to the hosts its city approved (see the README's "Calling the city's
/// applications"). A service never serves HTTP itself (`wasi:http/incoming-handler`).
pub const HTTP_WASI: &[&str] = &["wasi:http/outgoing-handler", "wasi:http/types"];

/// Whether Carmen links `import` (`wasi:io/streams@0.2.6`, say): a provided interface at 0.2.x,
/// the HTTP ones to a service granted `http`.
pub fn provides_wasi(import: &str) -> bool {
    let (name, version) = import.rsplit_once('@').unwrap_or((import, ""));
    (PROVIDED_WASI.contains(&name) || HTTP_WASI.contains(&name)) && version.starts_with("0.2.")
}

/// What inspection found.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentInfo {
    /// Every top-level import, such as `carmen:city/store@0.1.0` or `wasi:cli/stdout@0.2.6`.
    pub imports: Vec<String>,
    /// The capabilities those imports need.
    pub capabilities: Grants,
    /// The `carmen:city` version of its `service` export.
    pub contract: String,
    /// How many linear memories its core modules define, all of them together.
    pub memories: u32,
}

/// Why a component was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct PackageError(pub String);

fn version_of(name: &str) -> Option<&str> {
    name.rsplit_once('@').map(|(_, v)| v)
}

fn full_name(name: &wasmparser::ComponentExternName) -> String {
    format!("{}{}", name.name, name.version_suffix.unwrap_or(""))
}

/// Reads a component's imports and exports.
pub fn inspect(bytes: &[u8]) -> Result<ComponentInfo, PackageError> {
    if !Parser::is_component(bytes) {
        return Err(PackageError(
            "not a WebAssembly component (a core module or other bytes)".into(),
        ));
    }
    let mut features = wasmparser::WasmFeatures::default();
    features.insert(wasmparser::WasmFeatures::COMPONENT_MODEL);
    wasmparser::Validator::new_with_features(features)
        .validate_all(bytes)
        .map_err(|e| PackageError(format!("invalid component: {e}")))?;
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    let mut depth = 0usize;
    let mut memories = 0u32;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| PackageError(format!("invalid component: {e}")))?;
        match payload {
            Payload::MemorySection(section) => memories += section.count(),
            Payload::ComponentSection { .. } | Payload::ModuleSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(section) if depth == 0 => {
                for import in section {
                    imports.push(full_name(
                        &import.map_err(|e| PackageError(e.to_string()))?.name,
                    ));
                }
            }
            Payload::ComponentExportSection(section) if depth == 0 => {
                for export in section {
                    exports.push(full_name(
                        &export.map_err(|e| PackageError(e.to_string()))?.name,
                    ));
                }
            }
            _ => {}
        }
    }
    // wasi:http/types comes with outgoing-handler: alone, it serves an HTTP handler, which a
    // city service is not.
    let sends_http = imports
        .iter()
        .any(|i| i.starts_with("wasi:http/outgoing-handler@"));
    let missing_wasi: Vec<&str> = imports
        .iter()
        .map(String::as_str)
        .filter(|i| {
            i.starts_with("wasi:")
                && (!provides_wasi(i) || (i.starts_with("wasi:http/") && !sends_http))
        })
        .collect();
    if !missing_wasi.is_empty() {
        return Err(PackageError(format!(
            "the component imports {}, which Carmen does not provide to city services. \
             It provides, at 0.2.x: {}, and {} to a service granted `http`. Build without the \
             others (`carmen plugin build` does; with componentize-js, disable fetch-event)",
            missing_wasi.join(", "),
            PROVIDED_WASI.join(", "),
            HTTP_WASI.join(" and ")
        )));
    }
    let service = exports
        .iter()
        .find(|e| e.starts_with("carmen:city/service@"))
        .ok_or_else(|| PackageError("the component does not export carmen:city/service".into()))?;
    let contract = version_of(service).unwrap_or_default().to_string();
    if !CONTRACT_VERSIONS.contains(&contract.as_str()) {
        return Err(PackageError(format!(
            "the component serves carmen:city {contract}; accepted: {}",
            CONTRACT_VERSIONS.join(", ")
        )));
    }
    let mut capabilities = Vec::new();
    for import in &imports {
        if (import.starts_with("wasi:") && !import.starts_with("wasi:http/"))
            || import.starts_with("carmen:city/types@")
        {
            continue;
        }
        match Capability::from_import(import) {
            Some(cap) => capabilities.push(cap),
            None => {
                return Err(PackageError(format!(
                    "the component imports {import}, which Carmen does not provide"
                )));
            }
        }
    }
    Ok(ComponentInfo {
        imports,
        capabilities: Grants::new(capabilities),
        contract,
        memories,
    })
}

/// Checks a component against its manifest: same contract, no capability beyond those declared.
pub fn check_against(manifest: &Manifest, info: &ComponentInfo) -> Result<(), PackageError> {
    if manifest.package.contract != info.contract {
        return Err(PackageError(format!(
            "the manifest targets carmen:city {}, the component serves {}",
            manifest.package.contract, info.contract
        )));
    }
    let declared = manifest.capabilities().map_err(|e| PackageError(e.0))?;
    let undeclared: Vec<&str> = info
        .capabilities
        .iter()
        .filter(|c| !declared.contains(*c))
        .map(|c| c.name())
        .collect();
    if !undeclared.is_empty() {
        return Err(PackageError(format!(
            "the component imports capabilities its manifest does not declare: {}",
            undeclared.join(", ")
        )));
    }
    Ok(())
}
