//! A registered document as kept in the store: one `name=value` line per field.

use carmen_sdk::Contact;
use carmen_sdk::dates::{format_day, parse_day};
use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub document: String,
    pub expires_on: Date,
    pub language: String,
    pub contact: Contact,
    /// Reminder thresholds (days before expiry) already sent.
    pub sent: Vec<i64>,
    /// Who registered it: their requester id (empty for registrations made before 0.2.0).
    pub owner: String,
}

fn clean(value: &Option<String>) -> String {
    value.as_deref().unwrap_or("").replace('\n', " ")
}

impl Registration {
    pub fn encode(&self) -> String {
        let sent: Vec<String> = self.sent.iter().map(|d| d.to_string()).collect();
        format!(
            "document={}\nexpires={}\nlanguage={}\nname={}\nemail={}\nphone={}\nsent={}\nowner={}",
            self.document,
            format_day(self.expires_on),
            self.language,
            clean(&self.contact.name),
            clean(&self.contact.email),
            clean(&self.contact.phone),
            sent.join(","),
            self.owner.replace('\n', " "),
        )
    }

    pub fn decode(bytes: &[u8]) -> Option<Registration> {
        let text = std::str::from_utf8(bytes).ok()?;
        let get = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
                .unwrap_or("")
        };
        let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
        Some(Registration {
            document: get("document").to_string(),
            expires_on: parse_day(get("expires"))?,
            language: get("language").to_string(),
            contact: Contact {
                name: some(get("name")),
                email: some(get("email")),
                phone: some(get("phone")),
            },
            sent: get("sent")
                .split(',')
                .filter_map(|d| d.parse().ok())
                .collect(),
            owner: get("owner").to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_registration_survives_the_store() {
        let r = Registration {
            document: "passport".into(),
            expires_on: date!(2027 - 03 - 01),
            language: "nl".into(),
            contact: Contact {
                name: Some("An".into()),
                email: Some("an@example.org".into()),
                phone: None,
            },
            sent: vec![30],
            owner: "7f3a".into(),
        };
        assert_eq!(Registration::decode(r.encode().as_bytes()), Some(r));
        assert_eq!(Registration::decode(b"expires=soon"), None);
    }
}
