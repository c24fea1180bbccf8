//! Names used in URLs and paths: codes (city slugs, service and department codes) and package names.

/// Whether `text` is a code: 1 to `max` lowercase ASCII letters, digits and dashes, not starting
/// with a dash. Such a name is safe in a URL and a file name.
pub fn is_code(text: &str, max: usize) -> bool {
    !text.is_empty()
        && text.len() <= max
        && !text.starts_with('-')
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `name` is a package name: a code of at most 64 characters starting with a letter.
pub fn is_package_name(name: &str) -> bool {
    is_code(name, 64) && name.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Whether `tag` is a language tag as Carmen writes them: `it`, `en`, `pt-br` (2 to 8 lowercase
/// letters and dashes).
pub fn is_language_tag(tag: &str) -> bool {
    (2..=8).contains(&tag.len()) && tag.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_url_and_path_safe() {
        assert!(is_code("rivertown", 63));
        assert!(is_package_name("street-issue"));
        for bad in ["", "-x", "Street", "a/b", "..", "a b", "a_b", "é"] {
            assert!(!is_code(bad, 63), "{bad:?}");
        }
        assert!(!is_package_name("1abc"));
        assert!(!is_code(&"a".repeat(65), 64));
    }
}
