//! Semver resolution: the highest version that matches a requirement, is not yanked, and targets a
//! `carmen:city` version the host serves; pre-releases only when the requirement names one.

use semver::{Version, VersionReq};

/// What resolution needs to know of one published version.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub version: Version,
    pub yanked: bool,
    pub contract: String,
}

/// Parses a requirement such as `^1.2`, `~1.2.3`, `=1.0.0`, `>=1.1, <2` or `*`.
pub fn parse_requirement(text: &str) -> Result<VersionReq, String> {
    VersionReq::parse(text.trim())
        .map_err(|e| format!("{text:?} is not a version requirement: {e}"))
}

/// The best candidate for `requirement`, if any.
pub fn resolve<'a>(
    requirement: &VersionReq,
    candidates: &'a [Candidate],
    contracts: &[&str],
) -> Option<&'a Candidate> {
    candidates
        .iter()
        .filter(|c| {
            !c.yanked && contracts.contains(&c.contract.as_str()) && requirement.matches(&c.version)
        })
        .max_by(|a, b| a.version.cmp(&b.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(v: &str, yanked: bool) -> Candidate {
        Candidate {
            version: Version::parse(v).unwrap(),
            yanked,
            contract: "0.1.0".into(),
        }
    }

    #[test]
    fn the_highest_matching_unyanked_version_wins() {
        let all = [
            c("1.0.0", false),
            c("1.1.0", true),
            c("1.2.0", false),
            c("1.3.0-beta.1", false),
            c("2.0.0", false),
        ];
        let pick = |req: &str| {
            resolve(&parse_requirement(req).unwrap(), &all, &["0.1.0"])
                .map(|c| c.version.to_string())
        };
        assert_eq!(pick("^1").as_deref(), Some("1.2.0"));
        assert_eq!(pick("~1.1").as_deref(), None);
        assert_eq!(pick("=1.0.0").as_deref(), Some("1.0.0"));
        assert_eq!(pick(">=1.1, <2").as_deref(), Some("1.2.0"));
        assert_eq!(pick("*").as_deref(), Some("2.0.0"));
        assert_eq!(
            pick(">=1.3.0-beta.1, <2").as_deref(),
            Some("1.3.0-beta.1"),
            "a pre-release when named"
        );
        assert!(parse_requirement("one").is_err());
        assert!(
            resolve(&parse_requirement("^1").unwrap(), &all, &["9.9.9"]).is_none(),
            "an unserved contract"
        );
    }
}
