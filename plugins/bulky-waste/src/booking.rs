//! A booking as kept in the store: one line each for the day, the address, the items and who
//! made it (their requester id).

use carmen_sdk::dates::{format_day, parse_day};
use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    pub day: Date,
    pub address: String,
    pub items: Vec<String>,
    /// Who made it: their requester id (empty for bookings made before 0.2.0).
    pub owner: String,
    /// Whether it was booked in the city's waste system (under its reference) rather than in
    /// the service's own calendar.
    pub remote: bool,
}

impl Booking {
    pub fn encode(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n{}",
            format_day(self.day),
            self.address.replace('\n', " "),
            self.items.join(","),
            self.owner.replace('\n', " "),
            if self.remote { "remote" } else { "" },
        )
    }

    pub fn decode(bytes: &[u8]) -> Option<Booking> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.splitn(5, '\n');
        let day = parse_day(lines.next()?)?;
        let address = lines.next()?.to_string();
        let items = lines
            .next()
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let owner = lines.next().unwrap_or("").to_string();
        let remote = lines.next() == Some("remote");
        Some(Booking {
            day,
            address,
            items,
            owner,
            remote,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_booking_survives_the_store() {
        let booking = Booking {
            day: date!(2026 - 12 - 01),
            address: "Main St\n1".into(),
            items: vec!["sofa".into(), "fridge".into()],
            owner: "9c1d".into(),
            remote: true,
        };
        let back = Booking::decode(booking.encode().as_bytes()).unwrap();
        assert_eq!(back.day, booking.day);
        assert_eq!(back.address, "Main St 1");
        assert_eq!(back.items, booking.items);
        assert_eq!(back.owner, "9c1d");
        assert!(back.remote);
        let before_remote = Booking::decode(b"2026-12-01\nMain St\nsofa\n9c1d").unwrap();
        assert!(
            !before_remote.remote,
            "bookings made before the waste system stay local"
        );
        assert!(Booking::decode(b"garbage").is_none());
    }
}
