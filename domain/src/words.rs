//! Words as search sees them: lowercase, split at anything not a letter or digit, reduced to their
//! stem by the language's Snowball stemmer (Italian `lampioni` and `lampione` are both `lampion`).
//! The same here for SQLite and PostgreSQL, so both stores find the same things.

use rust_stemmers::{Algorithm, Stemmer};

/// The stemmer of a language (BCP 47, its first part), if Snowball has one.
fn stemmer(language: &str) -> Option<Stemmer> {
    let algorithm = match language.split(['-', '_']).next().unwrap_or("") {
        "en" => Algorithm::English,
        "it" => Algorithm::Italian,
        "es" => Algorithm::Spanish,
        "de" => Algorithm::German,
        "fr" => Algorithm::French,
        "nl" => Algorithm::Dutch,
        "pt" => Algorithm::Portuguese,
        "sv" => Algorithm::Swedish,
        "da" => Algorithm::Danish,
        "no" | "nb" => Algorithm::Norwegian,
        "fi" => Algorithm::Finnish,
        "ro" => Algorithm::Romanian,
        "hu" => Algorithm::Hungarian,
        "ru" => Algorithm::Russian,
        "tr" => Algorithm::Turkish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// The words of `text`, lowercase, with where each starts and ends (bytes).
pub fn words(text: &str) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            found.push((s, i, text[s..i].to_lowercase()));
        }
    }
    if let Some(s) = start {
        found.push((s, text.len(), text[s..].to_lowercase()));
    }
    found
}

/// One word's stem in `language` (the word itself where there is no stemmer).
pub fn stem(word: &str, language: &str) -> String {
    let lower = word.to_lowercase();
    match stemmer(language) {
        Some(stemmer) => stemmer.stem(&lower).into_owned(),
        None => lower,
    }
}

/// The stems of `text`'s words in `language`, in order.
pub fn stems(text: &str, language: &str) -> Vec<String> {
    let stemmer = stemmer(language);
    words(text)
        .into_iter()
        .map(|(_, _, word)| match &stemmer {
            Some(stemmer) => stemmer.stem(&word).into_owned(),
            None => word,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_share_their_stem_in_their_language() {
        assert_eq!(stem("lampioni", "it"), stem("lampione", "it"));
        assert_eq!(stem("Straßenlaternen", "de"), stem("straßenlaterne", "de"));
        assert_eq!(stem("potholes", "en"), stem("pothole", "en"));
        assert_eq!(stems("Via Roma: lampioni spenti!", "it").len(), 4);
        assert_eq!(words("Via  Roma")[1], (5, 9, "roma".to_string()));
        assert_eq!(stem("Zzyx", "xx"), "zzyx");
    }
}
