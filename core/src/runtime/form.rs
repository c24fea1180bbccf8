//! The host's own check of a submission against a service's form, before the plugin sees it:
//! unknown fields, required fields, datatypes, list values, location and contact.

use super::RuntimeError;
use crate::contract::types::{Datatype, FieldError, Need, ServiceDescription};
use crate::crm::cases::{Contact, Fields, Location};
use crate::crm::contacts;
use crate::i18n::Texts;

/// Longest single-line answer, in characters.
pub const MAX_STRING: usize = 1_000;
/// Longest free text (a `text` field or the description), in characters.
pub const MAX_TEXT: usize = 10_000;

/// What a citizen sent, in the host's terms.
#[derive(Clone, Debug, Default)]
pub struct RequestInput {
    pub fields: Fields,
    pub description: Option<String>,
    pub location: Option<Location>,
    pub contact: Option<Contact>,
    pub language: String,
    /// The citizen's account, when they are signed in.
    pub citizen: Option<super::proofs::Citizen>,
    /// Secrets of earlier requests the citizen presents, to prove they filed them.
    pub secrets: Vec<String>,
    /// The organisation it is filed on behalf of (the citizen must represent it).
    pub organisation_id: Option<i64>,
    /// Photos, prepared by `Carmen::prepare_photos` (at most `photos::MAX_PHOTOS`).
    pub photos: Vec<crate::crm::photos::Photo>,
}

/// Checks a service code from a plugin: 1 to 64 lowercase letters, digits and dashes.
pub fn check_code(code: &str) -> Result<(), RuntimeError> {
    if crate::crm::is_code(code, 64) {
        Ok(())
    } else {
        Err(RuntimeError::Invalid(format!(
            "the plugin describes itself with an invalid service code {code:?}"
        )))
    }
}

fn err(code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        code: code.to_string(),
        message: message.into(),
    }
}

fn is_datetime(value: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    let date = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::parse(value, &Rfc3339).is_ok() || time::Date::parse(value, &date).is_ok()
}

/// Every problem with `input` against `form`; empty when it may go to the plugin.
pub fn check(form: &ServiceDescription, input: &RequestInput) -> Vec<FieldError> {
    // The host's own words, in the request's language.
    let t = Texts::new(&input.language);
    let mut errors = Vec::new();
    for code in input.fields.keys() {
        if !form.fields.iter().any(|f| &f.code == code) {
            errors.push(err(code, t.t("check-no-such-field")));
        }
    }
    for field in &form.fields {
        let values: Vec<&str> = input
            .fields
            .get(&field.code)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if values.is_empty() {
            if field.required {
                errors.push(err(
                    &field.code,
                    t.with("check-required", &[("label", &field.label)]),
                ));
            }
            continue;
        }
        let multi = matches!(field.datatype, Datatype::MultiValueList(_));
        if values.len() > 1 && !multi {
            errors.push(err(&field.code, t.t("check-one-value")));
            continue;
        }
        for value in &values {
            let problem = match &field.datatype {
                Datatype::String if value.chars().count() > MAX_STRING => {
                    Some(t.with("check-too-long", &[("max", &MAX_STRING.to_string())]))
                }
                Datatype::Text if value.chars().count() > MAX_TEXT => {
                    Some(t.with("check-too-long", &[("max", &MAX_TEXT.to_string())]))
                }
                Datatype::Number if !value.parse::<f64>().is_ok_and(f64::is_finite) => {
                    Some(t.with("check-not-number", &[("value", value)]))
                }
                Datatype::Datetime if !is_datetime(value) => {
                    Some(t.with("check-not-date", &[("value", value)]))
                }
                Datatype::SingleValueList(choices) | Datatype::MultiValueList(choices)
                    if !choices.iter().any(|c| c.key == *value) =>
                {
                    let keys: Vec<&str> = choices.iter().map(|c| c.key.as_str()).collect();
                    Some(t.with(
                        "check-not-choice",
                        &[("value", value), ("choices", &keys.join(", "))],
                    ))
                }
                _ => None,
            };
            if let Some(problem) = problem {
                errors.push(err(&field.code, problem));
            }
        }
        if multi {
            let mut seen = values.clone();
            seen.sort_unstable();
            seen.dedup();
            if seen.len() != values.len() {
                errors.push(err(&field.code, t.t("check-twice")));
            }
        }
    }
    if let Some(text) = &input.description
        && text.chars().count() > MAX_TEXT
    {
        errors.push(err(
            "description",
            t.with("check-too-long", &[("max", &MAX_TEXT.to_string())]),
        ));
    }
    check_location(t, form.location, input.location.as_ref(), &mut errors);
    check_contact(t, form.contact, input.contact.as_ref(), &mut errors);
    errors
}

fn check_location(t: Texts, need: Need, location: Option<&Location>, errors: &mut Vec<FieldError>) {
    let given = location.filter(|l| {
        l.latitude.is_some()
            || l.longitude.is_some()
            || l.address.as_deref().is_some_and(|a| !a.trim().is_empty())
    });
    match (need, given) {
        (Need::Required, None) => errors.push(err("location", t.t("check-location-required"))),
        (_, Some(l)) => {
            match (l.latitude, l.longitude) {
                (Some(lat), Some(lon)) => {
                    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                        errors.push(err("location", t.t("check-coordinates-range")));
                    }
                }
                (None, None) => {}
                _ => errors.push(err("location", t.t("check-coordinates-pair"))),
            }
            if l.address
                .as_deref()
                .is_some_and(|a| a.chars().count() > MAX_STRING)
            {
                errors.push(err(
                    "location",
                    t.with("check-too-long", &[("max", &MAX_STRING.to_string())]),
                ));
            }
        }
        _ => {}
    }
}

fn check_contact(t: Texts, need: Need, contact: Option<&Contact>, errors: &mut Vec<FieldError>) {
    let given = contact.filter(|c| c.name.is_some() || c.email.is_some() || c.phone.is_some());
    match (need, given) {
        (Need::Required, None) => errors.push(err("contact", t.t("check-contact-required"))),
        (_, Some(c)) => {
            if let Some(Err(_)) = c.email.as_deref().map(contacts::email) {
                errors.push(err("contact", t.t("check-email")));
            }
            if let Some(Err(_)) = c.phone.as_deref().map(contacts::phone) {
                errors.push(err("contact", t.t("check-phone")));
            }
            if c.name.as_deref().is_some_and(|n| n.chars().count() > 200) {
                errors.push(err("contact", t.with("check-too-long", &[("max", "200")])));
            }
        }
        _ => {}
    }
}

/// `contact` in the one form contacts are matched in (checked by `check` first): e-mail
/// lowercase, phone in E.164, blank parts left out.
pub fn normalized(contact: Contact) -> Contact {
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    Contact {
        name: contact.name.clone().filter(|_| !blank(&contact.name)),
        email: contact
            .email
            .as_deref()
            .and_then(|e| contacts::email(e).ok()),
        phone: contact
            .phone
            .as_deref()
            .and_then(|p| contacts::phone(p).ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::types::{Choice, Field};

    fn form() -> ServiceDescription {
        let list = vec![
            Choice {
                key: "a".into(),
                name: "A".into(),
            },
            Choice {
                key: "b".into(),
                name: "B".into(),
            },
        ];
        let field = |code: &str, required, datatype| Field {
            code: code.into(),
            label: code.into(),
            help: String::new(),
            required,
            order: 0,
            datatype,
        };
        ServiceDescription {
            code: "t".into(),
            name: "T".into(),
            description: String::new(),
            group: String::new(),
            keywords: vec![],
            department: "d".into(),
            sla_hours: 0,
            fields: vec![
                field("one", true, Datatype::SingleValueList(list.clone())),
                field("many", false, Datatype::MultiValueList(list)),
                field("n", false, Datatype::Number),
                field("when", false, Datatype::Datetime),
            ],
            location: Need::Required,
            contact: Need::Optional,
            language: "en".into(),
        }
    }

    fn input(fields: &[(&str, &[&str])]) -> RequestInput {
        RequestInput {
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect(),
            location: Some(Location {
                latitude: Some(52.0),
                longitude: Some(4.0),
                address: None,
            }),
            language: "en".into(),
            ..Default::default()
        }
    }

    fn codes(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.code.as_str()).collect()
    }

    #[test]
    fn a_complete_submission_passes() {
        assert!(
            check(
                &form(),
                &input(&[
                    ("one", &["a"]),
                    ("many", &["a", "b"]),
                    ("n", &["3.5"]),
                    ("when", &["2026-12-01"])
                ])
            )
            .is_empty()
        );
    }

    #[test]
    fn missing_unknown_and_mistyped_fields_are_each_named() {
        let errors = check(
            &form(),
            &input(&[
                ("many", &["a", "a", "z"]),
                ("n", &["lots"]),
                ("when", &["tomorrow"]),
                ("x", &["1"]),
            ]),
        );
        assert_eq!(codes(&errors), ["x", "one", "many", "many", "n", "when"]);
        assert_eq!(
            codes(&check(&form(), &input(&[("one", &["a", "b"])]))),
            ["one"]
        );
    }

    #[test]
    fn location_and_contact_are_checked() {
        let mut bad = input(&[("one", &["a"])]);
        bad.location = Some(Location {
            latitude: Some(91.0),
            longitude: Some(0.0),
            address: None,
        });
        bad.contact = Some(Contact {
            email: Some("not-an-address".into()),
            ..Default::default()
        });
        assert_eq!(codes(&check(&form(), &bad)), ["location", "contact"]);
        bad.location = None;
        bad.contact = None;
        assert_eq!(codes(&check(&form(), &bad)), ["location"]);
    }
}
