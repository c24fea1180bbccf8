//! The common mistakes of a service's author, each recognised by what the toolchain or the
//! sandbox says when it happens, and answered with one line that says what to do. `plugin build`
//! adds the line to a failed build; `plugin test` to a call that failed.

/// One mistake: the words that show it, and what to do.
pub struct Mistake {
    pub name: &'static str,
    /// Any of these, in what was said, shows the mistake.
    signs: &'static [&'static str],
    pub fix: &'static str,
}

/// The catalogue, the most specific first (a JavaScript import of a capability its world lacks
/// says "No such file or directory", which is not a file the service opened).
pub const CATALOGUE: &[Mistake] = &[
    Mistake {
        name: "a world out of date with carmen.toml",
        signs: &[
            "cannot import name '",
            "Error loading module \"carmen:city/",
            "unresolved import `carmen::city::",
            "could not find `store` in `city`",
        ],
        fix: "wit/world.wit does not import what the code uses: list the capability in carmen.toml, run `carmen plugin world`, then build again",
    },
    Mistake {
        name: "BigInt and number mixed in JavaScript",
        signs: &["BigInt"],
        fix: "in JavaScript the contract's s64 and u64 (ids, times, counts) are BigInt: pass 10n or BigInt(x), read one with Number(x), and never mix the two in arithmetic",
    },
    Mistake {
        name: "an Error thrown where JavaScript must throw a string",
        signs: &["expected a string, received [object]"],
        fix: "in JavaScript, what `tick` or `on-case-event` throws is the error the host is told, and it must be a string: catch the error and `throw String(error.message ?? error)`",
    },
    Mistake {
        name: "the network used from the sandbox",
        signs: &[
            "unknown encoding: idna",
            "URLError",
            "getaddrinfo",
            "gaierror",
            "Network is unreachable",
            "fetch is not defined",
        ],
        fix: "a service has no network of its own: it calls the city's applications through capability `http` (hosts named in carmen.toml, approved by the city; carmen_sdk::http in Rust, fetch() in JavaScript) and reaches everything else through carmen:city",
    },
    Mistake {
        name: "a Python module left out of the component",
        signs: &["ModuleNotFoundError: No module named"],
        fix: "componentize-py bundles only the modules app.py imports when it is built: import the module at the top of app.py (one that needs the network or files will not work in the sandbox either)",
    },
    Mistake {
        name: "files used from the sandbox",
        signs: &[
            "FileNotFoundError",
            "PermissionError",
            "No such file or directory",
            "os error 44",
            "ENOENT",
        ],
        fix: "a service has no files: keep what it must remember with capability `store` (get, set, list), and build the data it needs into its code",
    },
    Mistake {
        name: "a call past its deadline",
        signs: &["did not answer within its deadline"],
        fix: "validate and submit must answer within the install's deadline: look for a loop that does not end, or move slow work to `tick`; a city's administrator can raise the deadline in the service's settings",
    },
    Mistake {
        name: "a call past its memory cap",
        signs: &["more than its memory cap"],
        fix: "keep less in memory at once (read the store a page at a time with `list`); a city's administrator can raise the cap in the service's settings",
    },
    Mistake {
        name: "a recursion too deep",
        signs: &[
            "overflowed its stack",
            "maximum recursion depth",
            "too much recursion",
        ],
        fix: "the call recursed too deep for the sandbox's stack: make the recursion a loop",
    },
    Mistake {
        name: "a capability used but not granted",
        signs: &["which was not granted", "capabilities not granted"],
        fix: "list the capability in carmen.toml's capabilities, run `carmen plugin world` and build again; a city grants it at install (`--grant`)",
    },
];

/// The mistake `said` shows, if it is one of the catalogue's.
pub fn recognise(said: &str) -> Option<&'static Mistake> {
    CATALOGUE
        .iter()
        .find(|mistake| mistake.signs.iter().any(|sign| said.contains(sign)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each mistake looked like when it was made with the real toolchains and sandbox.
    #[test]
    fn every_mistake_is_recognised_from_what_it_really_says() {
        let seen = [
            (
                "ImportError: cannot import name 'store' from 'wit_world.imports' (/world/wit_world/imports/__init__.py)",
                "a world out of date with carmen.toml",
            ),
            (
                "Error loading module \"carmen:city/store@0.1.2\" (resolved path \"carmen:city/store@0.1.2\"): No such file or directory",
                "a world out of date with carmen.toml",
            ),
            (
                "error[E0432]: unresolved import `carmen::city::store`",
                "a world out of date with carmen.toml",
            ),
            (
                "the service failed: TypeError: can't convert BigInt to number",
                "BigInt and number mixed in JavaScript",
            ),
            (
                "the service failed: expected a string, received [object]",
                "an Error thrown where JavaScript must throw a string",
            ),
            (
                "the service failed: LookupError: unknown encoding: idna",
                "the network used from the sandbox",
            ),
            (
                "the service failed: ModuleNotFoundError: No module named 'urllib'",
                "a Python module left out of the component",
            ),
            (
                "the service failed: FileNotFoundError: [Errno 44] No such file or directory: '/etc/hosts'",
                "files used from the sandbox",
            ),
            (
                "the service did not answer within its deadline of 300 ms and was stopped",
                "a call past its deadline",
            ),
            (
                "the service tried to use more than its memory cap of 1048576 bytes and was stopped",
                "a call past its memory cap",
            ),
            (
                "the service overflowed its stack and was stopped",
                "a recursion too deep",
            ),
            (
                "the component needs capability `notify` (it imports carmen:city/notify@0.1.2), which was not granted",
                "a capability used but not granted",
            ),
        ];
        for (said, name) in seen {
            assert_eq!(recognise(said).map(|m| m.name), Some(name), "{said}");
        }
        assert!(recognise("the service failed: index out of bounds").is_none());
        for mistake in CATALOGUE {
            assert!(
                seen.iter().any(|(_, name)| *name == mistake.name),
                "{} has no example",
                mistake.name
            );
        }
    }
}
