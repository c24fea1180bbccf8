//! `legacy-counter`: a service built against `carmen:city@0.1.0` — its own bindings, not the SDK's,
//! which follow the newest contract. It proves that a host serving a newer, compatible contract
//! still runs what cities installed before. It answers each request with the next visit number.

wit_bindgen::generate!({
    path: "../../wit/city@0.1.0",
    world: "city-service",
});

use carmen::city::store;
use carmen::city::types::*;
use exports::carmen::city::service::Guest;

struct LegacyCounter;

impl Guest for LegacyCounter {
    fn describe(_language: String) -> ServiceDescription {
        ServiceDescription {
            code: "legacy-counter".into(),
            name: "Visit counter (contract 0.1.0)".into(),
            description: "Answers with the number of this visit.".into(),
            group: "Tests".into(),
            keywords: vec![],
            department: "testing".into(),
            sla_hours: 0,
            fields: vec![Field {
                code: "visitor".into(),
                label: "Your name".into(),
                help: String::new(),
                required: true,
                order: 1,
                datatype: Datatype::String,
            }],
            location: Need::None,
            contact: Need::None,
            language: "en".into(),
        }
    }

    fn validate(_submission: Submission) -> Vec<FieldError> {
        Vec::new()
    }

    fn submit(submission: Submission) -> Outcome {
        let visitor = submission
            .fields
            .iter()
            .find(|f| f.code == "visitor")
            .and_then(|f| f.values.first().cloned())
            .unwrap_or_default();
        let count = store::get("visits")
            .ok()
            .flatten()
            .and_then(|v| String::from_utf8(v).ok())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            + 1;
        match store::set("visits", count.to_string().as_bytes()) {
            Ok(()) => Outcome::Answered(Answer {
                reference: format!("V-{count}"),
                message: format!("Welcome, {visitor}: visit {count}."),
            }),
            Err(e) => Outcome::Rejected(vec![FieldError {
                code: "visitor".into(),
                message: format!("could not count this visit: {e:?}"),
            }]),
        }
    }

    fn on_case_event(_event: CaseEvent) -> Result<(), String> {
        Ok(())
    }

    fn tick(_now: Timestamp) -> Result<(), String> {
        Ok(())
    }
}

export!(LegacyCounter);
