//! The hosts a service may call over HTTP (capability `http`). Its manifest names them as
//! templates, fixed (`https://api.example.org`) or filled from the install's settings
//! (`https://{settings.waste-system}`); an install resolves them into origins
//! (`https://waste.rivertown.example:8443`), which the city's administrator approves, and a request
//! goes out only to an approved origin: the same scheme, host and port.

use std::collections::BTreeMap;

use reqwest::Url;

/// The most hosts one service may name.
pub const MAX_HOSTS: usize = 8;

/// `url` as an origin: `scheme://host` with the port only when it is not the scheme's default,
/// lowercase, without a trailing dot. Only http and https, without user, path, query or fragment.
pub fn origin(url: &str) -> Result<String, String> {
    let trimmed = url.trim();
    let parsed = Url::parse(trimmed).map_err(|e| format!("{trimmed:?} is not an address: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "{trimmed:?}: a host starts with https:// (or http://)"
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "{trimmed:?}: a host has no user name or password in it"
        ));
    }
    if !matches!(parsed.path(), "" | "/") || parsed.query().is_some() || parsed.fragment().is_some()
    {
        return Err(format!(
            "{trimmed:?}: a host is scheme, name and port only, such as https://waste.example.org:8443; \
             the service adds the path"
        ));
    }
    origin_of(parsed.scheme(), &parsed)
}

/// The origin a request to `url` goes to (its path and query left out).
pub fn origin_of_request(url: &str) -> Result<String, String> {
    let parsed = Url::parse(url).map_err(|e| format!("{url:?} is not an address: {e}"))?;
    origin_of(parsed.scheme(), &parsed)
}

fn origin_of(scheme: &str, parsed: &Url) -> Result<String, String> {
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("{parsed} names no host"))?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let port = match parsed.port() {
        Some(port) if Some(port) != default_port(scheme) => format!(":{port}"),
        _ => String::new(),
    };
    Ok(format!("{scheme}://{host}{port}"))
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// One placeholder of a template: `{settings.KEY}` (or `{config.KEY}`).
fn placeholders(template: &str) -> Result<Vec<(usize, usize, &str)>, String> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(open) = template[rest..].find('{').map(|i| i + rest) {
        let close = template[open..]
            .find('}')
            .map(|i| i + open)
            .ok_or_else(|| format!("{template:?}: a '{{' without its '}}'"))?;
        let inner = &template[open + 1..close];
        let key = inner
            .strip_prefix("settings.")
            .or_else(|| inner.strip_prefix("config."))
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                format!("{template:?}: {{{inner}}} is not a setting; write {{settings.KEY}}")
            })?;
        found.push((open, close + 1, key));
        rest = close + 1;
    }
    Ok(found)
}

/// The setting keys a template is filled from.
pub fn keys_of(template: &str) -> Result<Vec<&str>, String> {
    Ok(placeholders(template)?
        .into_iter()
        .map(|(_, _, k)| k)
        .collect())
}

/// Whether `template` is one setting alone (`{settings.my-system}`): its value is then a host
/// or a whole origin, `http://` allowed (else `https://`).
fn is_whole_setting(template: &str) -> bool {
    placeholders(template)
        .is_ok_and(|found| matches!(found.as_slice(), [(0, end, _)] if *end == template.len()))
}

/// Checks a template: an http(s) origin once its settings are filled with a host name.
pub fn check_template(template: &str) -> Result<(), String> {
    if is_whole_setting(template) {
        return Ok(());
    }
    let filled = placeholders(template)?.into_iter().rev().fold(
        template.to_string(),
        |mut text, (from, to, _)| {
            text.replace_range(from..to, "host.example");
            text
        },
    );
    if !(filled.starts_with("https://") || filled.starts_with("http://")) {
        return Err(format!(
            "{template:?}: a host starts with https:// (or http://), written in the template"
        ));
    }
    origin(&filled).map(|_| ())
}

/// The origin `template` names with `settings` filled in; `None` when a setting it uses is empty
/// (the service then does without that host).
pub fn fill(template: &str, settings: &BTreeMap<String, String>) -> Result<Option<String>, String> {
    let whole = is_whole_setting(template);
    let mut text = template.to_string();
    for (from, to, key) in placeholders(template)?.into_iter().rev() {
        let value = settings.get(key).map(|v| v.trim()).unwrap_or_default();
        if value.is_empty() {
            return Ok(None);
        }
        let scheme = if value.starts_with("http://") {
            "http://"
        } else {
            "https://"
        };
        let bare = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"))
            .unwrap_or(value)
            .trim_end_matches('/');
        if bare.is_empty()
            || bare
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, '/' | '@' | '?' | '#' | '{' | '}'))
        {
            return Err(format!(
                "setting {key} = {value:?} must be a host name such as waste.example.org (a port may follow: waste.example.org:8443)"
            ));
        }
        if whole {
            text.replace_range(from..to, &format!("{scheme}{bare}"));
        } else {
            text.replace_range(from..to, bare);
        }
    }
    origin(&text).map(Some)
}

/// A template as people read it: `https://‹waste-system›`, the setting's name in angle quotes; a
/// fixed host as it is connected to (its name in ASCII, so that no look-alike letter hides).
pub fn in_words(template: &str) -> String {
    match placeholders(template) {
        Ok(found) if found.is_empty() => origin(template).unwrap_or_else(|_| template.to_string()),
        Ok(found) => {
            found
                .into_iter()
                .rev()
                .fold(template.to_string(), |mut text, (from, to, key)| {
                    text.replace_range(from..to, &format!("‹{key}›"));
                    text
                })
        }
        Err(_) => template.to_string(),
    }
}

/// Every origin `templates` name with `settings`, each once, in order.
pub fn resolve(
    templates: &[String],
    settings: &BTreeMap<String, String>,
) -> Result<Vec<String>, String> {
    let mut origins: Vec<String> = Vec::new();
    for template in templates {
        if let Some(origin) = fill(template, settings)?
            && !origins.contains(&origin)
        {
            origins.push(origin);
        }
    }
    Ok(origins)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn origins_are_scheme_host_and_port_written_one_way() {
        assert_eq!(
            origin("https://Waste.Example.org/").unwrap(),
            "https://waste.example.org"
        );
        assert_eq!(
            origin("https://waste.example.org:443").unwrap(),
            "https://waste.example.org"
        );
        assert_eq!(
            origin("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(origin("http://[::1]:80").unwrap(), "http://[::1]");
        assert_eq!(
            origin_of_request("https://waste.example.org:443/slots?day=3").unwrap(),
            "https://waste.example.org"
        );
        for bad in [
            "ftp://waste.example.org",
            "https://user:pw@waste.example.org",
            "https://waste.example.org/api",
            "https://waste.example.org/?q=1",
            "waste.example.org",
        ] {
            assert!(origin(bad).is_err(), "{bad} is refused");
        }
    }

    #[test]
    fn templates_are_filled_from_settings_and_an_empty_setting_names_no_host() {
        let templates = vec![
            "https://{settings.waste-system}".to_string(),
            "https://api.example.org".to_string(),
            "http://{config.gateway}:8080".to_string(),
        ];
        for template in &templates {
            check_template(template).unwrap();
        }
        let resolved = resolve(
            &templates,
            &settings(&[
                ("waste-system", "Waste.Rivertown.example:8443"),
                ("gateway", ""),
            ]),
        )
        .unwrap();
        assert_eq!(
            resolved,
            [
                "https://waste.rivertown.example:8443",
                "https://api.example.org"
            ]
        );
        assert_eq!(
            fill(
                "https://{settings.h}",
                &settings(&[("h", "https://w.example/")])
            )
            .unwrap(),
            Some("https://w.example".to_string())
        );
        let err = fill(
            "https://{settings.h}",
            &settings(&[("h", "evil.example/@x")]),
        )
        .unwrap_err();
        assert!(err.contains("must be a host name"), "{err}");
        assert!(fill("https://{settings.h}", &settings(&[("h", "a.example#x")])).is_err());
        assert!(check_template("https://{secret}").is_err());
        assert!(check_template("https://{settings.h}/path").is_err());
        assert_eq!(
            keys_of("https://{settings.a}:{settings.b}").unwrap(),
            ["a", "b"]
        );
        assert_eq!(
            in_words("https://{settings.waste-system}"),
            "https://‹waste-system›"
        );
    }
}
