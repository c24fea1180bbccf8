//! The words Carmen itself writes — its pages and its messages — in every language it speaks:
//! Fluent catalogues compiled into the binary, one per language, each with exactly the ids of the
//! English one (a test compares them).

use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use crate::crm::cities::Clock;

/// The languages the pages are written in, English first (the fallback).
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("it", "Italiano"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("nl", "Nederlands"),
];

const CATALOGUES: &[(&str, &str)] = &[
    ("en", include_str!("locales/en.ftl")),
    ("it", include_str!("locales/it.ftl")),
    ("es", include_str!("locales/es.ftl")),
    ("de", include_str!("locales/de.ftl")),
    ("fr", include_str!("locales/fr.ftl")),
    ("nl", include_str!("locales/nl.ftl")),
];

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static HashMap<&'static str, Bundle> {
    static BUNDLES: OnceLock<HashMap<&'static str, Bundle>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        CATALOGUES
            .iter()
            .map(|(language, text)| {
                let resource = FluentResource::try_new(text.to_string())
                    .unwrap_or_else(|(_, errors)| panic!("{language}.ftl: {errors:?}"));
                let mut bundle =
                    FluentBundle::new_concurrent(vec![language.parse().expect("a language tag")]);
                // The text goes into HTML, escaped there: no bidi isolation marks around values.
                bundle.set_use_isolating(false);
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|errors| panic!("{language}.ftl: {errors:?}"));
                (*language, bundle)
            })
            .collect()
    })
}

/// The page language for an asked tag (`it`, `it-CH`, `IT`): one of `LANGUAGES`, else English.
pub fn supported(tag: &str) -> &'static str {
    let primary = tag
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    LANGUAGES
        .iter()
        .find(|(code, _)| *code == primary)
        .map_or("en", |(code, _)| code)
}

/// The words of one page language, and the clock its reader's times are shown on.
#[derive(Clone, Copy)]
pub struct Texts {
    pub language: &'static str,
    /// The clock of the reader's times (the city's).
    pub clock: Clock,
}

impl Texts {
    pub fn new(language: &str) -> Texts {
        Texts {
            language: supported(language),
            clock: Clock::default(),
        }
    }

    /// The same words, with times shown on `clock` (a city's: `City::clock`).
    pub fn on(self, clock: Clock) -> Texts {
        Texts { clock, ..self }
    }

    /// The day of unix time `at` in words (`4 December 2026`), on the reader's clock.
    pub fn date(&self, at: i64) -> String {
        let local = self.local(at);
        self.with(
            "date-long",
            &[
                ("day", &local.day().to_string()),
                (
                    "month",
                    &self.t(&format!("month-{}", u8::from(local.month()))),
                ),
                ("year", &format!("{:04}", local.year())),
            ],
        )
    }

    /// Unix time `at` in words (`4 December 2026, 18:05`), on the reader's clock.
    pub fn moment(&self, at: i64) -> String {
        let local = self.local(at);
        let clock = format!("{:02}:{:02}", local.hour(), local.minute());
        self.with("moment", &[("date", &self.date(at)), ("time", &clock)])
    }

    fn local(&self, at: i64) -> time::OffsetDateTime {
        // A fixed offset is bounded to real ones (-12 h to +14 h).
        let offset = self.clock.offset_at(at).clamp(-43_200, 50_400);
        time::OffsetDateTime::from_unix_timestamp(at + offset)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }

    /// The text of `id`.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The text of `id` with its placeholders filled from `args`.
    pub fn with(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            // A whole number is passed as one, for the languages' plural rules to choose by.
            // (Not a code such as `012345`, whose leading zero is part of it.)
            let number = value
                .parse::<i64>()
                .ok()
                .filter(|n| n.to_string() == *value);
            match number {
                Some(number) => fluent.set(*name, FluentValue::from(number)),
                None => fluent.set(*name, FluentValue::from(value.to_string())),
            }
        }
        self.format(id, Some(&fluent))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let bundles = bundles();
        for language in [self.language, "en"] {
            let bundle = &bundles[language];
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if errors.is_empty() {
                    return text.into_owned();
                }
                tracing::warn!(id, language, ?errors, "a page text did not format");
            }
        }
        tracing::warn!(id, "a page text is missing");
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use fluent_syntax::ast::{Expression, InlineExpression, Pattern, PatternElement};

    /// The variables `pattern` names, in its plural and other selections too.
    fn variables(pattern: &Pattern<&str>, names: &mut Vec<String>) {
        fn inline(expression: &InlineExpression<&str>, names: &mut Vec<String>) {
            match expression {
                InlineExpression::VariableReference { id } => names.push(id.name.to_string()),
                InlineExpression::Placeable { expression } => of(expression, names),
                _ => {}
            }
        }
        fn of(expression: &Expression<&str>, names: &mut Vec<String>) {
            match expression {
                Expression::Inline(e) => inline(e, names),
                Expression::Select { selector, variants } => {
                    inline(selector, names);
                    for variant in variants {
                        variables(&variant.value, names);
                    }
                }
            }
        }
        for element in &pattern.elements {
            if let PatternElement::Placeable { expression } = element {
                of(expression, names);
            }
        }
    }

    /// The ids of a catalogue, in order, each with its placeholders.
    fn messages(text: &str) -> Vec<(String, Vec<String>)> {
        let resource = FluentResource::try_new(text.to_string()).expect("parses");
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => {
                    let mut names = Vec::new();
                    if let Some(pattern) = &m.value {
                        variables(pattern, &mut names);
                    }
                    names.sort();
                    names.dedup();
                    Some((m.id.name.to_string(), names))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_catalogue_has_the_english_ids_and_placeholders_and_no_untranslated_text() {
        let english = messages(CATALOGUES[0].1);
        assert!(english.len() > 50);
        // Each message formatted with its placeholders filled.
        let formatted = |texts: Texts, id: &str, names: &[String]| {
            let args: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "X")).collect();
            texts.with(id, &args)
        };
        let english_text: HashMap<String, String> = english
            .iter()
            .map(|(id, names)| (id.clone(), formatted(Texts::new("en"), id, names)))
            .collect();
        for (language, text) in &CATALOGUES[1..] {
            let theirs = messages(text);
            assert_eq!(
                theirs.iter().map(|(id, _)| id).collect::<Vec<_>>(),
                english.iter().map(|(id, _)| id).collect::<Vec<_>>(),
                "{language}.ftl has other ids than en.ftl"
            );
            assert_eq!(theirs, english, "{language}.ftl has other placeholders");
            let texts = Texts::new(language);
            // Words that are the same in English and elsewhere: the product's name and the like.
            let same_everywhere = ["site-name", "console-by-system", "market-no"];
            for (id, names) in &english {
                // Some months are named alike, and a date's pattern may be English's.
                if same_everywhere.contains(&id.as_str())
                    || id.starts_with("month-")
                    || id == "date-long"
                {
                    continue;
                }
                let translated = formatted(texts, id, names);
                assert_ne!(&translated, id, "{language}: {id} does not format");
                assert!(!translated.trim().is_empty(), "{language}: {id} is empty");
                assert_ne!(
                    translated, english_text[id],
                    "{language}: {id} is not translated"
                );
            }
        }
    }

    #[test]
    fn a_moment_is_said_in_the_readers_words_on_the_citys_clock() {
        // 2026-12-04 17:05 UTC.
        let at = 1_796_403_900;
        assert_eq!(Texts::new("en").moment(at), "4 December 2026, 17:05");
        assert_eq!(
            Texts::new("it").on(Clock::Offset(3_600)).moment(at),
            "4 dicembre 2026, ore 18:05"
        );
        assert_eq!(
            Texts::new("de").on(Clock::Offset(3_600)).moment(at),
            "4. Dezember 2026, 18:05 Uhr"
        );
        // Past midnight on the city's clock, the date is the next day's.
        assert_eq!(
            Texts::new("fr").on(Clock::Offset(420 * 60)).moment(at),
            "5 décembre 2026 à 00:05"
        );
        assert_eq!(Texts::new("es").date(at), "4 de diciembre de 2026");
        // A time zone follows summer time: 1 July 2026, 10:00 UTC is noon in Rome.
        let rome = Clock::Zone(crate::crm::cities::zone("Europe/Rome").unwrap());
        assert_eq!(
            Texts::new("en").on(rome).moment(1_782_900_000),
            "1 July 2026, 12:00"
        );
        assert_eq!(
            Texts::new("en").on(rome).moment(at),
            "4 December 2026, 18:05"
        );
    }

    #[test]
    fn asked_languages_fall_back_to_english() {
        assert_eq!(supported("it-CH"), "it");
        assert_eq!(supported("DE"), "de");
        assert_eq!(supported("nl-BE"), "nl");
        assert_eq!(supported("pt"), "en");
        assert_eq!(supported(""), "en");
        assert_eq!(
            Texts::new("pt").with("request-title", &[("id", "7")]),
            "Request 7"
        );
        assert!(
            Texts::new("it")
                .with("services-title", &[("city", "Rivertown")])
                .contains("Rivertown")
        );
    }
}
