//! Calendar days from host timestamps (UTC), for services that book or remind by date.

use time::{
    Date, OffsetDateTime, format_description::BorrowedFormatItem, macros::format_description,
};

use crate::Timestamp;
use crate::text::base_language;

const ISO_DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// The UTC calendar day of a timestamp.
pub fn day_of(at: Timestamp) -> Date {
    OffsetDateTime::from_unix_timestamp(at)
        .map(|t| t.date())
        .unwrap_or(Date::MIN)
}

/// Parses `YYYY-MM-DD`, or the date part of an ISO 8601 date-time.
pub fn parse_day(text: &str) -> Option<Date> {
    let day = text.trim().get(..10)?;
    Date::parse(day, ISO_DATE).ok()
}

/// Formats a day as `YYYY-MM-DD`.
pub fn format_day(day: Date) -> String {
    day.format(ISO_DATE).unwrap_or_default()
}

/// A day as people of `language` write it in a sentence: `4 December 2026`, `4 dicembre 2026`,
/// `4. Dezember 2026`, `4 de diciembre de 2026`, `4 décembre 2026`, `4 december 2026`. A
/// language the SDK does not know gets the English form.
pub fn spell_day(day: Date, language: &str) -> String {
    let n = day.day();
    let year = day.year();
    let month = u8::from(day.month()) as usize - 1;
    let months: [&str; 12] = match base_language(language).as_str() {
        "nl" => [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        "it" => [
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ],
        "es" => [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
        "de" => [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        "fr" => [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        _ => [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
    };
    let month = months[month];
    match base_language(language).as_str() {
        "de" => format!("{n}. {month} {year}"),
        "es" => format!("{n} de {month} de {year}"),
        "fr" if n == 1 => format!("1er {month} {year}"),
        _ => format!("{n} {month} {year}"),
    }
}

/// `1 day` or `n days` in `language`, as a count stands in a sentence (`in 3 days`, `3 days
/// before`); German takes the dative form after `in` with `Tagen` (`dative`).
pub fn spell_days(n: i64, language: &str, dative: bool) -> String {
    let one = n == 1;
    let word = match base_language(language).as_str() {
        "nl" if one => "dag",
        "nl" => "dagen",
        "it" if one => "giorno",
        "it" => "giorni",
        "es" if one => "día",
        "es" => "días",
        "de" if one => "Tag",
        "de" if dative => "Tagen",
        "de" => "Tage",
        "fr" if one => "jour",
        "fr" => "jours",
        _ if one => "day",
        _ => "days",
    };
    format!("{n} {word}")
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_parsed_formatted_and_counted() {
        let day = parse_day("2026-12-01T10:00:00Z").unwrap();
        assert_eq!(format_day(day), "2026-12-01");
        assert_eq!(day_of(1_764_547_200), parse_day("2025-12-01").unwrap());
        assert_eq!(days_between(parse_day("2026-11-01").unwrap(), day), 30);
        assert!(parse_day("2026-13-01").is_none());
        assert!(parse_day("tomorrow").is_none());
    }

    #[test]
    fn days_are_spelled_as_each_language_writes_them() {
        let day = parse_day("2026-12-04").unwrap();
        assert_eq!(spell_day(day, "en"), "4 December 2026");
        assert_eq!(spell_day(day, "it-IT"), "4 dicembre 2026");
        assert_eq!(spell_day(day, "de"), "4. Dezember 2026");
        assert_eq!(spell_day(day, "es"), "4 de diciembre de 2026");
        assert_eq!(spell_day(day, "nl"), "4 december 2026");
        assert_eq!(
            spell_day(parse_day("2027-03-01").unwrap(), "fr"),
            "1er mars 2027"
        );
        assert_eq!(spell_day(day, "xx"), "4 December 2026");
        assert_eq!(spell_days(1, "en", false), "1 day");
        assert_eq!(spell_days(30, "en", false), "30 days");
        assert_eq!(spell_days(1, "it", false), "1 giorno");
        assert_eq!(spell_days(7, "de", true), "7 Tagen");
        assert_eq!(spell_days(7, "de", false), "7 Tage");
    }
}
