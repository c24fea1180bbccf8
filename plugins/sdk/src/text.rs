//! Picking a translation: the requested language where the service has it, its default otherwise.

/// The text for `language` from `(language, text)` pairs; the first pair is the default.
/// `nl-BE` matches `nl`.
pub fn pick<'a>(language: &str, texts: &[(&str, &'a str)]) -> &'a str {
    let base = base_language(language);
    texts
        .iter()
        .find(|(lang, _)| *lang == base)
        .or_else(|| texts.first())
        .map(|(_, text)| *text)
        .unwrap_or("")
}

/// The language `pick` will answer in.
pub fn chosen<'a>(language: &str, available: &[&'a str]) -> &'a str {
    let base = base_language(language);
    available
        .iter()
        .find(|lang| **lang == base)
        .or_else(|| available.first())
        .copied()
        .unwrap_or("en")
}

/// `nl-BE` → `nl`: the part of a language tag the texts are chosen by.
pub(crate) fn base_language(language: &str) -> String {
    language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_the_default_language() {
        let texts = [("en", "Pothole"), ("nl", "Gat in de weg")];
        assert_eq!(pick("nl-BE", &texts), "Gat in de weg");
        assert_eq!(pick("fr", &texts), "Pothole");
        assert_eq!(chosen("NL", &["en", "nl"]), "nl");
        assert_eq!(chosen("fr", &["en", "nl"]), "en");
    }
}
