//! A citizen's request: host form checks, the plugin's `validate` and `submit`, then a stored case
//! (or a stored immediate answer) committed in one transaction with what the plugin wrote — or
//! field errors and nothing of the request written.

use std::sync::Arc;

use super::calls::Attempts;
use super::form::{self, RequestInput};
use super::requesters::{new_secret, secret_hash};
use super::{Carmen, RuntimeError};
use crate::capabilities::Caller;
use crate::contract;
use crate::contract::types::{FieldError, Outcome, ServiceDescription, Submission};
use crate::crm::cases::{self, Case, CaseKind, CaseStatus, Contact, NewCase, Priority};
use crate::crm::installs::{Filing, Install};
use crate::crm::{CrmError, organisations, photos};
use crate::db::{self, Sequence};
use crate::engine::Checked;

/// Most secrets of earlier requests one submission may present.
const MAX_SECRETS: usize = 8;

/// What became of a submission.
#[derive(Debug)]
pub enum Submitted {
    /// A case was opened.
    Opened(Filed),
    /// The service answered at once; the answer is stored as a closed request.
    Answered(Filed),
    /// Refused; no request was written.
    Rejected(Refusal),
}

/// A refused request: every error found, with the service's form it was checked against (in
/// the request's language), for the form to be shown again with each error in place.
#[derive(Debug)]
pub struct Refusal {
    pub errors: Vec<FieldError>,
    pub install: Install,
    pub form: Arc<ServiceDescription>,
}

/// A request as filed, with the secret its submitter follows it with (shown this once).
#[derive(Debug)]
pub struct Filed {
    pub case: Case,
    pub secret: String,
}

impl Carmen {
    /// Service `code`'s form checked against `input`, after `found` (what the caller already
    /// found wrong in what was entered, such as coordinates that are no numbers): every error at
    /// once, for a form that is refused before it is submitted (its photos were refused, say).
    pub async fn refusal(
        &self,
        city: &str,
        code: &str,
        input: &RequestInput,
        found: Vec<FieldError>,
    ) -> Result<Refusal, RuntimeError> {
        let install = self.install_of(city, code).await?;
        let form = self.describe(&install, &input.language).await?;
        let mut errors = found;
        for error in form::check(&form, input) {
            if !errors.iter().any(|e| e.code == error.code) {
                errors.push(error);
            }
        }
        Ok(Refusal {
            errors,
            install,
            form,
        })
    }

    /// Runs a submission for service `code` of `city`.
    ///
    /// A request to a service filed to lately is filed with the filing kept from then
    /// (`filings`), and stored only if that is still what is true; else, and for a request with
    /// photos (they are not copied for a second attempt), with the filing read now. A refusal
    /// or a failure met with a kept filing before the commit stands when the filing is still
    /// the same; else the request is filed again with what is true now.
    pub async fn submit(
        &self,
        city: &str,
        code: &str,
        input: RequestInput,
    ) -> Result<Submitted, RuntimeError> {
        let category = category_of(&input);
        if input.photos.is_empty()
            && let Some(kept) = self.filings.get(city, code, &category)
        {
            let met = match self.file(city, code, input.clone(), Some(&kept)).await {
                Ok(Attempt::Filed(submitted)) => return Ok(submitted),
                Ok(Attempt::FilingChanged) => None,
                Ok(Attempt::Refused(refused)) => Some(Ok(refused)),
                Err(error) => Some(Err(error)),
            };
            if let Some(met) = met {
                let unchanged = crate::crm::installs::filing_unchanged(
                    &mut *self.db.read().await?,
                    city,
                    kept.generation,
                )
                .await?;
                if unchanged {
                    return met;
                }
            }
            self.filings.forget(city, code, &category);
        }
        match self.file(city, code, input, None).await? {
            Attempt::Filed(submitted) | Attempt::Refused(submitted) => Ok(submitted),
            // A filing read now is not checked again at the commit; should it ever be, the
            // request is one to send again.
            Attempt::FilingChanged => Err(RuntimeError::Busy),
        }
    }

    /// Files a submission with the filing `kept` (then `FilingChanged` when it no longer holds
    /// at the commit), or with the filing read now.
    async fn file(
        &self,
        city: &str,
        code: &str,
        mut input: RequestInput,
        kept: Option<&Filing>,
    ) -> Result<Attempt, RuntimeError> {
        let citizen_id = match &input.citizen {
            Some(citizen) if citizen.city() != city => {
                return Err(RuntimeError::Forbidden(
                    "your account belongs to another city".into(),
                ));
            }
            citizen => citizen.as_ref().map(|c| c.user_id()),
        };
        let category = category_of(&input);
        // The request's id is known before its transaction, as every id is (`Db::next_id`); the
        // install, the city's move, its routing, its webhook and whether the id is an old number
        // the city brought along are read in one statement, unless a filing is kept.
        let mut id = self.db.next_id(Sequence::Cases).await?;
        let filing = match kept {
            Some(kept) => Some(Filing {
                // Checked at the commit instead, with the rest of the filing.
                id_taken: false,
                ..kept.clone()
            }),
            None => {
                crate::crm::installs::for_filing(
                    &mut *self.db.read().await?,
                    city,
                    code,
                    Some(&category),
                    id,
                )
                .await?
            }
        };
        let Some(filing) = filing else {
            // No such install: say whether the city moved, is unknown, or lacks the service.
            if let Some(to) = self.city(city).await?.moved_to {
                return Err(RuntimeError::Moved(to));
            }
            self.install_of(city, code).await?;
            return Err(CrmError::NotFound(format!("service {code:?} in city {city:?}")).into());
        };
        // A city that moved takes no request here, whichever door it came by.
        if let Some(to) = filing.moved_to {
            return Err(RuntimeError::Moved(to));
        }
        if filing.id_taken {
            id = cases::new_id(&self.db, city).await?;
        }
        // Read now: kept once the request is filed with it. Kept: the count of changes the
        // commit checks.
        let (to_keep, guard) = match kept {
            None => (Some(filing.clone()), None),
            Some(kept) => (None, Some(kept.generation)),
        };
        let install = filing.install;
        if !install.anonymous && citizen_id.is_none() {
            return Err(RuntimeError::AccountRequired);
        }
        if input.photos.len() > super::photos::MAX_PHOTOS {
            return Err(RuntimeError::Invalid(format!(
                "photo: at most {} photos a request",
                super::photos::MAX_PHOTOS
            )));
        }
        if input.secrets.len() > MAX_SECRETS {
            return Err(RuntimeError::Invalid(format!(
                "present at most {MAX_SECRETS} request secrets"
            )));
        }
        if let Some(organisation) = input.organisation_id {
            let represents = match citizen_id {
                Some(citizen) => {
                    organisations::is_member(
                        &mut *self.db.read().await?,
                        city,
                        organisation,
                        citizen,
                        false,
                    )
                    .await?
                }
                None => false,
            };
            if !represents {
                return Err(RuntimeError::Invalid(format!(
                    "you do not represent organisation {organisation} here"
                )));
            }
        }
        // A signed-in citizen who gives no contact is reached as their account is.
        if input.contact.is_none()
            && let Some(id) = citizen_id
        {
            let user = crate::crm::people::get(&mut *self.db.read().await?, id).await?;
            input.contact = Some(Contact {
                name: Some(user.name),
                email: user.email,
                phone: user.phone,
            });
        }
        let mut target = self.target(&install).await?;
        let described = self.engine.description(&target, &input.language).await;
        let form = self.watched(&install, described).await?;
        let errors = form::check(&form, &input);
        if !errors.is_empty() {
            return Ok(Attempt::Refused(Submitted::Rejected(Refusal {
                errors,
                install,
                form,
            })));
        }
        input.contact = input.contact.map(form::normalized);
        target
            .context
            .staged
            .set_default_department(&form.department);
        // Who files it, as the plugin may know: the citizen's account, else this request's secret.
        let secret = new_secret(id);
        let account = citizen_id.map(|id| self.requesters.for_account(city, id));
        let submitter = account
            .clone()
            .unwrap_or_else(|| self.requesters.for_secret(city, &secret));
        let mut proven: Vec<String> = account.into_iter().collect();
        proven.extend(
            input
                .secrets
                .iter()
                .map(|s| self.requesters.for_secret(city, s.trim())),
        );
        target.context.caller = Caller {
            submitter: Some(submitter),
            proven,
        };
        let received_at = db::now();
        let submission = Submission {
            language: input.language.clone(),
            fields: contract::fields_to_wit(&input.fields),
            description: input.description.clone(),
            location: input.location.as_ref().map(contract::location_to_wit),
            contact: input.contact.as_ref().map(contract::contact_to_wit),
            received_at,
        };
        let routed = filing.routed;
        let base = NewCase {
            city: city.to_string(),
            service: install.code.clone(),
            kind: CaseKind::Case,
            status: CaseStatus::Submitted,
            title: String::new(),
            description: input.description.clone().unwrap_or_default(),
            priority: Priority::Normal,
            department: Some(form.department.clone()).filter(|d| !d.is_empty()),
            location: input.location.clone(),
            contact: input.contact.clone(),
            fields: input.fields.clone(),
            notice: None,
            reference: None,
            language: form.language.clone(),
            due_at: None,
            citizen_id,
            actor: "citizen".into(),
            public: install.public,
            hidden_fields: install.private_fields.clone(),
            secret_hash: Some(secret_hash(&secret)),
        };
        // The event for the city's own systems, if it has a webhook.
        let event_id = match filing.has_webhook {
            true => Some(self.db.next_id(Sequence::Outbox).await?),
            false => None,
        };
        let mut attempts = Attempts::default();
        loop {
            let called = self.engine.validate_and_submit(&target, &submission).await;
            let (outcome, staged) = match self.watched(&install, called).await? {
                Checked::Invalid(errors) => {
                    return Ok(Attempt::Refused(Submitted::Rejected(Refusal {
                        errors,
                        install,
                        form,
                    })));
                }
                Checked::Submitted(outcome, staged) => (outcome, staged),
            };
            let new = match outcome {
                Outcome::Rejected(errors) if errors.is_empty() => Err(vec![FieldError {
                    code: "submission".into(),
                    message: "the service refused the request".into(),
                }]),
                Outcome::Rejected(errors) => Err(errors),
                Outcome::Opened(draft) => {
                    let sla_due = (form.sla_hours > 0)
                        .then(|| received_at + i64::from(form.sla_hours) * 3600);
                    let proposed = draft
                        .department
                        .and_then(|d| bounded(&d, 100))
                        .or(base.department.clone());
                    Ok(NewCase {
                        title: bounded(&draft.title, 200).unwrap_or_else(|| form.name.clone()),
                        description: bounded(&draft.description, form::MAX_TEXT)
                            .unwrap_or(base.description.clone()),
                        priority: contract::priority_from_wit(draft.priority),
                        department: routed.clone().or(proposed),
                        location: draft
                            .location
                            .map(contract::location_from_wit)
                            .or(base.location.clone()),
                        notice: draft.notice.and_then(|n| bounded(&n, 2_000)),
                        due_at: draft.due.or(sla_due),
                        ..base.clone()
                    })
                }
                Outcome::Answered(answer) => Ok(NewCase {
                    kind: CaseKind::Answer,
                    status: CaseStatus::Closed,
                    title: form.name.clone(),
                    notice: bounded(&answer.message, 2_000),
                    reference: bounded(&answer.reference, 100),
                    ..base.clone()
                }),
            };
            let committed = async {
                let mut tx = self.begin_commit_inserting(&staged).await?;
                let submitted = match &new {
                    Err(errors) => {
                        // What the service wrote stands only if it was the service in force.
                        if let Some(generation) = guard {
                            let unchanged =
                                crate::crm::installs::filing_unchanged(&mut tx, city, generation)
                                    .await?;
                            if !unchanged {
                                return Ok(Attempt::FilingChanged);
                            }
                        }
                        Submitted::Rejected(Refusal {
                            errors: errors.clone(),
                            install: install.clone(),
                            form: form.clone(),
                        })
                    }
                    Ok(new) => {
                        let case = match guard {
                            None => cases::create(&mut tx, id, new, received_at).await?,
                            Some(generation) => {
                                let opened = cases::create_if_filing_unchanged(
                                    &mut tx,
                                    id,
                                    new,
                                    received_at,
                                    generation,
                                )
                                .await?;
                                match opened {
                                    Some(case) => case,
                                    None => return Ok(Attempt::FilingChanged),
                                }
                            }
                        };
                        if let Some(organisation) = input.organisation_id {
                            organisations::link_case(&mut tx, city, id, organisation).await?;
                        }
                        for (n, photo) in input.photos.iter().enumerate() {
                            photos::add(&mut tx, city, id, n as i64 + 1, photo, received_at)
                                .await?;
                        }
                        if let Some(event_id) = event_id {
                            crate::crm::delivery::queue_event(
                                &mut tx,
                                event_id,
                                city,
                                &install.code,
                                id,
                                "request.created",
                                new.status.as_str(),
                                received_at,
                            )
                            .await?;
                        }
                        let filed = Filed {
                            case,
                            secret: secret.clone(),
                        };
                        match filed.case.kind {
                            CaseKind::Case => Submitted::Opened(filed),
                            CaseKind::Answer => Submitted::Answered(filed),
                        }
                    }
                };
                tx.commit().await?;
                if let (Some(filing), Submitted::Opened(_) | Submitted::Answered(_)) =
                    (&to_keep, &submitted)
                {
                    self.filings.keep(&category, filing.clone());
                }
                Ok(Attempt::Filed(submitted))
            }
            .await;
            if let Some(done) = attempts.settle(committed).await {
                return done;
            }
        }
    }
}

/// One filing of a submission.
enum Attempt {
    /// Through its commit, which checked a kept filing: it stands.
    Filed(Submitted),
    /// Refused before any transaction: with a kept filing, it stands only if the filing is
    /// still the same.
    Refused(Submitted),
    /// The kept filing it was filed with changed before its commit: nothing of it was written.
    FilingChanged,
}

/// The request's category, as its routing and its kept filing go by ('' for none).
fn category_of(input: &RequestInput) -> String {
    input
        .fields
        .get("category")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default()
}

/// `text` trimmed, if not empty, cut to at most `max` characters.
fn bounded(text: &str, max: usize) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.chars().take(max).collect())
}
