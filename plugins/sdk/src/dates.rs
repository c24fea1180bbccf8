//! Calendar days from host timestamps (UTC), for services that book or remind by date.

use time::{
    Date, OffsetDateTime, format_description::BorrowedFormatItem, macros::format_description,
};

use crate::Timestamp;

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
}
