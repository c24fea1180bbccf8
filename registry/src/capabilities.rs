//! Capabilities: the host interfaces a service may import, and the set an administrator granted.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// One host interface of `carmen:city` that a plugin may import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    Cases,
    Store,
    Notify,
    Config,
    Log,
    Clock,
    /// Who is asking, as opaque ids (contract 0.1.2).
    Requester,
    /// Outbound HTTP to the hosts approved at install: standard `wasi:http/outgoing-handler`.
    Http,
}

impl Capability {
    pub const ALL: [Capability; 8] = [
        Capability::Cases,
        Capability::Store,
        Capability::Notify,
        Capability::Config,
        Capability::Log,
        Capability::Clock,
        Capability::Requester,
        Capability::Http,
    ];

    /// The capability's name, which is also its WIT interface name.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Cases => "cases",
            Capability::Store => "store",
            Capability::Notify => "notify",
            Capability::Config => "config",
            Capability::Log => "log",
            Capability::Clock => "clock",
            Capability::Requester => "requester",
            Capability::Http => "http",
        }
    }

    /// What granting it allows, in words an administrator reads before granting it.
    pub fn allows(self) -> &'static str {
        match self {
            Capability::Cases => "open, read and change this service's cases",
            Capability::Store => "keep its own data in this city",
            Capability::Notify => "send messages to citizens",
            Capability::Config => "read the settings this city gives it",
            Capability::Log => "write to the city's log",
            Capability::Clock => "read the time",
            Capability::Requester => {
                "recognise a citizen who comes back (by an opaque id, never who they are)"
            }
            Capability::Http => {
                "call the city's own applications over HTTP, only at the hosts approved at install"
            }
        }
    }

    /// The capability behind a component import such as `carmen:city/store@0.1.0`, if it is one.
    /// `wasi:http/*` is the `http` capability.
    pub fn from_import(import: &str) -> Option<Capability> {
        if import.starts_with("wasi:http/") {
            return Some(Capability::Http);
        }
        let rest = import.strip_prefix("carmen:city/")?;
        let interface = rest.split('@').next().unwrap_or(rest);
        interface
            .parse()
            .ok()
            .filter(|cap| *cap != Capability::Http)
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Capability {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Capability::ALL
            .into_iter()
            .find(|c| c.name() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown capability {s:?}; known: {}",
                    Capability::ALL.map(|c| c.name()).join(", ")
                )
            })
    }
}

/// The capabilities granted to one install.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grants(BTreeSet<Capability>);

impl Grants {
    pub fn new(caps: impl IntoIterator<Item = Capability>) -> Grants {
        Grants(caps.into_iter().collect())
    }

    /// Parses a comma-separated list such as `store,config,log`; empty means none.
    pub fn parse(list: &str) -> Result<Grants, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Capability::from_str)
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Grants)
    }

    pub fn contains(&self, cap: Capability) -> bool {
        self.0.contains(&cap)
    }

    pub fn iter(&self) -> impl Iterator<Item = Capability> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for Grants {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|c| c.name()).collect();
        f.write_str(&names.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_round_trip_through_their_text_form() {
        let grants = Grants::parse("log, store,config").unwrap();
        assert_eq!(grants.to_string(), "store,config,log");
        assert_eq!(Grants::parse(&grants.to_string()).unwrap(), grants);
        assert_eq!(Grants::parse("").unwrap(), Grants::default());
    }

    #[test]
    fn unknown_capability_is_named_in_the_error() {
        let err = Grants::parse("store,filesystem").unwrap_err();
        assert!(err.contains("filesystem"), "{err}");
    }

    #[test]
    fn imports_map_to_capabilities() {
        assert_eq!(
            Capability::from_import("carmen:city/cases@0.1.0"),
            Some(Capability::Cases)
        );
        assert_eq!(Capability::from_import("carmen:city/types@0.1.0"), None);
        assert_eq!(Capability::from_import("wasi:cli/stdout@0.2.0"), None);
        assert_eq!(
            Capability::from_import("wasi:http/outgoing-handler@0.2.6"),
            Some(Capability::Http)
        );
        assert_eq!(Capability::from_import("carmen:city/http@0.1.2"), None);
    }
}
