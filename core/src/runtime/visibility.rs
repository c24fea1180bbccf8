//! Who sees what of a request. Staff of its city see everything; its submitter (by account, or
//! by the secret returned when they filed it) sees all of it but the staff's internal notes; the
//! public sees only public requests, and of them only the status, the service, the description,
//! a location if the city shows locations, the public messages and the history — never contact
//! details, answers, notices, references, private fields or who is behind an account.

use super::Carmen;
use super::proofs::Identity;
use super::requesters::secret_hash;
use crate::crm::cases::{Case, CaseKind, HistoryEntry};
use crate::crm::messages::Message;

/// Who is looking at a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// Staff, administrators of its city, or the operator.
    Staff,
    /// Whoever filed it: their account, or the request's secret.
    Owner,
    /// Anyone else.
    Public,
}

impl Carmen {
    /// Who `who`, or the holder of `secret`, is to `case`.
    pub fn viewer(&self, case: &Case, who: Option<&Identity>, secret: Option<&str>) -> Viewer {
        if let Some(who) = who {
            if who.staff_of(&case.city).is_ok() {
                return Viewer::Staff;
            }
            if let Ok(citizen) = who.citizen_of(&case.city)
                && case.citizen_id == Some(citizen.user_id())
            {
                return Viewer::Owner;
            }
        }
        match (secret, &case.secret_hash) {
            (Some(secret), Some(hash)) if secret_hash(secret.trim()) == *hash => Viewer::Owner,
            _ => Viewer::Public,
        }
    }
}

/// `case` as `viewer` may see it; `None` when they may not see it at all.
pub fn shown(mut case: Case, viewer: Viewer, location_public: bool) -> Option<Case> {
    if viewer != Viewer::Public {
        return Some(case);
    }
    if !case.public {
        return None;
    }
    if let Some(reference) = case.reference.take()
        && case.kind == CaseKind::Answer
    {
        case.title = case.title.replace(&reference, "").trim().to_string();
    }
    case.contact = None;
    case.notice = None;
    case.citizen_id = None;
    case.assignee_id = None;
    let hidden = std::mem::take(&mut case.hidden_fields);
    case.fields.retain(|code, _| !hidden.contains(code));
    if !location_public {
        case.location = None;
    }
    Some(case)
}

/// A history as `viewer` may see it: the public sees roles, not accounts.
pub fn shown_history(mut history: Vec<HistoryEntry>, viewer: Viewer) -> Vec<HistoryEntry> {
    if viewer == Viewer::Public {
        for step in &mut history {
            step.actor = step.actor.split(':').next().unwrap_or_default().to_string();
        }
    }
    history
}

/// A public thread as `viewer` may see it: the public does not see whose accounts wrote it.
pub fn shown_messages(mut messages: Vec<Message>, viewer: Viewer) -> Vec<Message> {
    if viewer == Viewer::Public {
        for message in &mut messages {
            message.author_id = None;
        }
    }
    messages
}
