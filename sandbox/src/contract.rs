//! The `carmen:city` contract: the one `bindgen!` (host traits for the imports, typed calls for the
//! exports) and the conversions between its types and the domain's. `engine` and `capabilities`
//! both use it; neither imports the other for it.

wasmtime::component::bindgen!({
    path: "../wit/city@0.1.2",
    world: "city-service",
    imports: { default: async | trappable },
    exports: { default: async },
});

pub use self::carmen::city::types;
pub use self::exports::carmen::city::service;

use self::types as wit;
use crate::crm::cases::{Case, CaseStatus, Contact, Fields, Location, Priority};

/// The name prefix of the `erasure` export (0.1.2 on), which a component may or may not have.
pub const ERASURE_EXPORT: &str = "carmen:city/erasure@";

/// Whom `erasure.forget` forgets: a citizen's requester ids and verified contacts in one city.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErasureSubject {
    pub ids: Vec<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
}

impl ErasureSubject {
    /// The `subject` record, as a dynamic value (the export is optional, so it is called by name).
    pub fn to_val(&self) -> wasmtime::component::Val {
        use wasmtime::component::Val;
        let list = |items: &[String]| Val::List(items.iter().cloned().map(Val::String).collect());
        Val::Record(vec![
            ("ids".into(), list(&self.ids)),
            ("emails".into(), list(&self.emails)),
            ("phones".into(), list(&self.phones)),
        ])
    }
}

pub fn status_to_wit(status: CaseStatus) -> wit::CaseStatus {
    match status {
        CaseStatus::Submitted => wit::CaseStatus::Submitted,
        CaseStatus::Acknowledged => wit::CaseStatus::Acknowledged,
        CaseStatus::InProgress => wit::CaseStatus::InProgress,
        CaseStatus::Resolved => wit::CaseStatus::Resolved,
        CaseStatus::Closed => wit::CaseStatus::Closed,
        CaseStatus::Rejected => wit::CaseStatus::Rejected,
        CaseStatus::Duplicate => wit::CaseStatus::Duplicate,
    }
}

pub fn status_from_wit(status: wit::CaseStatus) -> CaseStatus {
    match status {
        wit::CaseStatus::Submitted => CaseStatus::Submitted,
        wit::CaseStatus::Acknowledged => CaseStatus::Acknowledged,
        wit::CaseStatus::InProgress => CaseStatus::InProgress,
        wit::CaseStatus::Resolved => CaseStatus::Resolved,
        wit::CaseStatus::Closed => CaseStatus::Closed,
        wit::CaseStatus::Rejected => CaseStatus::Rejected,
        wit::CaseStatus::Duplicate => CaseStatus::Duplicate,
    }
}

pub fn priority_from_wit(priority: wit::Priority) -> Priority {
    match priority {
        wit::Priority::Low => Priority::Low,
        wit::Priority::Normal => Priority::Normal,
        wit::Priority::High => Priority::High,
        wit::Priority::Urgent => Priority::Urgent,
    }
}

pub fn priority_to_wit(priority: Priority) -> wit::Priority {
    match priority {
        Priority::Low => wit::Priority::Low,
        Priority::Normal => wit::Priority::Normal,
        Priority::High => wit::Priority::High,
        Priority::Urgent => wit::Priority::Urgent,
    }
}

pub fn location_to_wit(location: &Location) -> wit::Location {
    wit::Location {
        latitude: location.latitude,
        longitude: location.longitude,
        address: location.address.clone(),
    }
}

pub fn location_from_wit(location: wit::Location) -> Location {
    Location {
        latitude: location.latitude,
        longitude: location.longitude,
        address: location.address,
    }
}

pub fn contact_to_wit(contact: &Contact) -> wit::Contact {
    wit::Contact {
        name: contact.name.clone(),
        email: contact.email.clone(),
        phone: contact.phone.clone(),
    }
}

pub fn contact_from_wit(contact: wit::Contact) -> Contact {
    Contact {
        name: contact.name,
        email: contact.email,
        phone: contact.phone,
    }
}

pub fn fields_to_wit(fields: &Fields) -> Vec<wit::FieldValue> {
    fields
        .iter()
        .map(|(code, values)| wit::FieldValue {
            code: code.clone(),
            values: values.clone(),
        })
        .collect()
}

pub fn case_to_wit(case: &Case) -> wit::CaseInfo {
    wit::CaseInfo {
        id: case.id as u64,
        service: case.service.clone(),
        status: status_to_wit(case.status),
        title: case.title.clone(),
        description: case.description.clone(),
        priority: priority_to_wit(case.priority),
        department: case.department.clone(),
        location: case.location.as_ref().map(location_to_wit),
        due: case.due_at,
        fields: fields_to_wit(&case.fields),
        created_at: case.created_at,
        updated_at: case.updated_at,
    }
}
