//! {{title}}: a Carmen city service. A citizen describes what they need and where; the service
//! opens a case for the city's staff.
//!
//! The bindings come from `wit/` (your world, with exactly the capabilities in `carmen.toml`).
//! Build with `carmen plugin build`, try with `carmen plugin test`.

wit_bindgen::generate!({ path: "wit", world: "service", generate_all });

use carmen::city::types::*;
@log|use carmen::city::log;
@store|use carmen::city::store;
use exports::carmen::city::service::Guest;

struct Service;

/// The first answer to the field `code`, or "".
fn answer<'a>(submission: &'a Submission, code: &str) -> &'a str {
    submission
        .fields
        .iter()
        .find(|f| f.code == code)
        .and_then(|f| f.values.first())
        .map_or("", String::as_str)
}

impl Guest for Service {
    fn describe(language: String) -> ServiceDescription {
        // Answer in the citizen's language where you have it; `language` is BCP 47 (`en`, `nl`...).
        let dutch = language.starts_with("nl");
        ServiceDescription {
            code: "{{name}}".into(),
            name: if dutch { "{{title}} (nl)".into() } else { "{{title}}".into() },
            description: "Tell the city what you need and where; staff take it from there.".into(),
            group: "General".into(),
            keywords: vec!["{{name}}".into()],
            department: "general".into(),
            sla_hours: 72,
            fields: vec![Field {
                code: "what".into(),
                label: if dutch { "Waar gaat het om?".into() } else { "What is it about?".into() },
                help: "A few words are enough.".into(),
                required: true,
                order: 1,
                datatype: Datatype::String,
            }],
            location: Need::Required,
            contact: Need::Optional,
            language: if dutch { "nl".into() } else { "en".into() },
        }
    }

    fn validate(submission: Submission) -> Vec<FieldError> {
        if answer(&submission, "what").trim().chars().count() < 3 {
            return vec![FieldError {
                code: "what".into(),
                message: "Say in a few words what it is about.".into(),
            }];
        }
        Vec::new()
    }

    fn submit(submission: Submission) -> Outcome {
        let what = answer(&submission, "what").trim().to_string();
@store|        // The store is this service's own, in this city: count the requests so far.
@store|        let count = store::get("requests")
@store|            .ok()
@store|            .flatten()
@store|            .and_then(|bytes| String::from_utf8(bytes).ok())
@store|            .and_then(|text| text.parse::<u64>().ok())
@store|            .unwrap_or(0)
@store|            + 1;
@store|        let _ = store::set("requests", count.to_string().as_bytes());
@log|        log::write(log::Level::Info, &format!("a new request: {what}"));
        Outcome::Opened(CaseDraft {
            title: format!("{{title}}: {what}"),
            description: submission.description.clone().unwrap_or_default(),
            priority: Priority::Normal,
            location: submission.location.clone(),
            department: None,
            due: None,
            notice: Some("Thank you: the city's staff will look at it.".into()),
        })
    }

    fn on_case_event(_event: CaseEvent) -> Result<(), String> {
        Ok(())
    }

    fn tick(_now: Timestamp) -> Result<(), String> {
        Ok(())
    }
}

export!(Service);
