//! Working a case: status changes, messages and assignment, each one transaction with its history,
//! audit entry and outbox rows; then the case's service is told through `on-case-event` inside the
//! sandbox, and what it writes commits on its own — a failing plugin never undoes the change.

use super::calls::Attempts;
use super::proofs::{Citizen, Staff};
use super::{Carmen, RuntimeError};
use crate::contract;
use crate::contract::types::{CaseChange, CaseEvent};
use crate::crm::cases::{self, Case, CaseStatus, Contact};
use crate::crm::messages::{self, Message};
use crate::crm::outbox::{self, NewMessage};
use crate::crm::people::{self, Principal, Role};
use crate::crm::ratings::{self, Rating};
use crate::crm::{CrmError, audit, cities, installs};
use crate::db::{self, Conn, Sequence};

fn actor_name(actor: &Principal) -> String {
    format!("{}:{}", actor.role, actor.user_id)
}

/// Moves a case and audits a move made by staff; part of the caller's transaction.
async fn move_case(
    conn: &mut Conn,
    city: &str,
    id: i64,
    to: CaseStatus,
    actor: &Principal,
    note: Option<&str>,
    duplicate_of: Option<i64>,
) -> Result<(Case, CaseStatus), RuntimeError> {
    let (case, from) =
        cases::update_status(conn, city, id, to, &actor_name(actor), note, duplicate_of).await?;
    if actor.role != Role::Citizen {
        audit::record(
            conn,
            Some(city),
            actor,
            "case.status",
            &format!("case:{id}"),
            Some(serde_json::json!({"status": from.as_str()})),
            Some(
                serde_json::json!({"status": to.as_str(), "note": note, "duplicate_of": duplicate_of}),
            ),
        )
        .await?;
    }
    Ok((case, from))
}

/// Adds a message to a case's thread, audits it when staff wrote it, and queues a public staff
/// reply for the citizen under `outbox_id`; part of the caller's transaction.
async fn add_message(
    conn: &mut Conn,
    case: &Case,
    actor: &Principal,
    body: &str,
    internal: bool,
    outbox_id: Option<i64>,
) -> Result<Message, RuntimeError> {
    let message = messages::add(
        conn,
        &case.city,
        case.id,
        // A citizen who follows by the secret link has no account to name.
        (actor.user_id != 0).then_some(actor.user_id),
        actor.role.as_str(),
        body,
        internal,
    )
    .await?;
    if actor.role != Role::Citizen {
        audit::record(
            conn,
            Some(&case.city),
            actor,
            if internal { "case.note" } else { "case.reply" },
            &format!("case:{}", case.id),
            None,
            Some(serde_json::json!({"message": message.id})),
        )
        .await?;
        if let Some(outbox_id) = outbox_id {
            tell_citizen(conn, case, &message.body, outbox_id).await?;
        }
    }
    Ok(message)
}

/// Whom a message about `case` goes to, in which language and on which channel: the account's
/// when they filed signed in, else the contact details and language of the request; `None` when
/// there is no one to reach.
async fn recipient_of(
    conn: &mut Conn,
    case: &Case,
) -> Result<Option<(Contact, String, Option<String>)>, RuntimeError> {
    let account = match case.citizen_id {
        Some(user_id) => people::get(conn, user_id).await.ok(),
        None => None,
    };
    let (recipient, language, channel) = match account {
        Some(user) => (
            Contact {
                name: Some(user.name),
                email: user.email,
                phone: user.phone,
            },
            user.language,
            Some(user.channel),
        ),
        None => match case.contact.clone() {
            Some(contact) => (contact, case.language.clone(), None),
            None => return Ok(None),
        },
    };
    if recipient.email.is_none() && recipient.phone.is_none() {
        return Ok(None);
    }
    Ok(Some((recipient, language, channel)))
}

/// Queues a staff reply for the citizen, in their language and on their channel.
async fn tell_citizen(
    conn: &mut Conn,
    case: &Case,
    body: &str,
    outbox_id: i64,
) -> Result<(), RuntimeError> {
    let Some((recipient, language, channel)) = recipient_of(conn, case).await? else {
        return Ok(());
    };
    let id = case.id.to_string();
    let subject = crate::i18n::Texts::new(&language)
        .with("mail-reply-subject", &[("id", &id), ("title", &case.title)]);
    let new = NewMessage {
        city: case.city.clone(),
        service: case.service.clone(),
        case_id: Some(case.id),
        recipient,
        channel,
        subject,
        body: body.to_string(),
    };
    outbox::enqueue(conn, outbox_id, &new).await?;
    Ok(())
}

/// Queues the satisfaction survey of a resolved `case` for its citizen: one link per score, each
/// opening the survey with that score chosen (`survey` makes a score's link).
async fn ask_satisfaction(
    conn: &mut Conn,
    case: &Case,
    outbox_id: i64,
    survey: impl Fn(i64) -> String,
) -> Result<(), RuntimeError> {
    let Some((recipient, language, channel)) = recipient_of(conn, case).await? else {
        return Ok(());
    };
    let t = crate::i18n::Texts::new(&language);
    let id = case.id.to_string();
    let mut body = t.with("survey-body", &[("id", &id), ("title", &case.title)]);
    for score in (1..=5).rev() {
        body.push_str(&format!(
            "\n{}: {}",
            t.t(&format!("rating-{score}")),
            survey(score)
        ));
    }
    let new = NewMessage {
        city: case.city.clone(),
        service: case.service.clone(),
        case_id: Some(case.id),
        recipient,
        channel,
        subject: t.with("survey-subject", &[("id", &id)]),
        body,
    };
    outbox::enqueue(conn, outbox_id, &new).await?;
    Ok(())
}

impl Carmen {
    /// Staff move a case of their city to `to`, then its service is told.
    pub async fn change_status(
        &self,
        staff: &Staff,
        id: i64,
        to: CaseStatus,
        note: Option<&str>,
        duplicate_of: Option<i64>,
    ) -> Result<Case, RuntimeError> {
        let (city, actor) = (staff.city(), staff.principal());
        let id = self.case_number(city, id).await?;
        let duplicate_of = match duplicate_of {
            Some(original) => Some(self.case_number(city, original).await?),
            None => None,
        };
        self.move_and_tell(city, id, to, actor, note, duplicate_of)
            .await
    }

    /// Moves a case of `city` to `to` as `actor`, then tells its service.
    async fn move_and_tell(
        &self,
        city: &str,
        id: i64,
        to: CaseStatus,
        actor: &Principal,
        note: Option<&str>,
        duplicate_of: Option<i64>,
    ) -> Result<Case, RuntimeError> {
        // Where the host delivers messages, a resolved case's citizen is asked how it went.
        let survey = match (to, self.public_url()) {
            (CaseStatus::Resolved, Some(public)) => {
                Some((self.db.next_id(Sequence::Outbox).await?, public))
            }
            _ => None,
        };
        let event_id =
            match crate::crm::delivery::has_webhook(&mut *self.db.read().await?, city).await? {
                true => Some(self.db.next_id(Sequence::Outbox).await?),
                false => None,
            };
        let mut tx = self.db.begin_write().await?;
        let (case, from) = move_case(&mut tx, city, id, to, actor, note, duplicate_of).await?;
        if let Some(event_id) = event_id {
            crate::crm::delivery::queue_event(
                &mut tx,
                event_id,
                city,
                &case.service,
                id,
                "request.status",
                to.as_str(),
                db::now(),
            )
            .await?;
        }
        if let Some((outbox_id, public)) = survey {
            let token = self.requesters.for_survey(city, id);
            let link = |score: i64| format!("{public}/{city}/survey/{id}/{token}?score={score}");
            ask_satisfaction(&mut tx, &case, outbox_id, link).await?;
        }
        tx.commit().await?;
        let change =
            CaseChange::StatusChanged((contract::status_to_wit(from), contract::status_to_wit(to)));
        self.tell_service(&case, vec![change]);
        Ok(case)
    }

    /// Staff write in a case's thread: a reply (which also goes to the citizen's outbox), or an
    /// internal note.
    pub async fn post_message(
        &self,
        staff: &Staff,
        id: i64,
        body: &str,
        internal: bool,
    ) -> Result<Message, RuntimeError> {
        let (city, actor) = (staff.city(), staff.principal());
        let id = self.case_number(city, id).await?;
        self.write_in_thread(city, id, actor, body, internal).await
    }

    /// Adds a message to a case's thread as `actor`, then tells its service.
    async fn write_in_thread(
        &self,
        city: &str,
        id: i64,
        actor: &Principal,
        body: &str,
        internal: bool,
    ) -> Result<Message, RuntimeError> {
        let outbox_id = match (actor.role, internal) {
            (Role::Citizen, _) | (_, true) => None,
            _ => Some(self.db.next_id(Sequence::Outbox).await?),
        };
        let mut tx = self.db.begin_write().await?;
        let case = cases::get(&mut tx, city, id).await?;
        let message = add_message(&mut tx, &case, actor, body, internal, outbox_id).await?;
        tx.commit().await?;
        if !internal {
            self.tell_service(&case, vec![CaseChange::Message(message.body.clone())]);
        }
        Ok(message)
    }

    /// Tells the case's service what changed, after the answer (in the background): its
    /// `on-case-event` runs and what it wrote commits; failures are logged and never undo
    /// anything.
    fn tell_service(&self, case: &Case, changes: Vec<CaseChange>) {
        let carmen = self.clone();
        let case = case.clone();
        self.background.spawn(async move {
            for change in changes {
                carmen.tell_service_now(&case, change).await;
            }
        });
    }

    async fn tell_service_now(&self, case: &Case, change: CaseChange) {
        if let Err(error) = self.case_event(case, change).await {
            tracing::warn!(city = %case.city, service = %case.service, case = case.id, %error, "on-case-event failed; the change stands");
        }
    }

    /// Calls the case's service's `on-case-event` with `change` now and commits what it wrote;
    /// its error comes back (`tell_service` only logs it).
    pub(crate) async fn case_event(
        &self,
        case: &Case,
        change: CaseChange,
    ) -> Result<(), RuntimeError> {
        let install = installs::get(&mut *self.db.read().await?, &case.city, &case.service).await?;
        let event = CaseEvent {
            case: contract::case_to_wit(case),
            change,
            at: db::now(),
        };
        let target = self.target_opening_cases(&install).await?;
        let mut attempts = Attempts::default();
        loop {
            let told = self.engine.on_case_event(&target, &event).await;
            let staged = self.watched(&install, told).await?;
            if let Some(done) = attempts.settle(self.commit_staged(&staged).await).await {
                return done;
            }
        }
    }

    /// The citizen accepts the resolution of their case: it closes.
    pub async fn accept_resolution(
        &self,
        city: &str,
        id: i64,
        follower: &Follower<'_>,
    ) -> Result<Case, RuntimeError> {
        // `followed_case` turns the number into the case's own (once: done again, it could name
        // another case of a city that moved here).
        let case = self.followed_case(city, id, follower).await?;
        if case.status != CaseStatus::Resolved {
            return Err(RuntimeError::Invalid(format!(
                "only a resolved case can be accepted; this one is {}",
                case.status
            )));
        }
        self.move_and_tell(
            city,
            case.id,
            CaseStatus::Closed,
            &follower.actor(city),
            Some("resolution accepted"),
            None,
        )
        .await
    }

    /// The citizen rejects the resolution of their case within the city's window: it reopens,
    /// with their reason in its thread.
    pub async fn reject_resolution(
        &self,
        city: &str,
        id: i64,
        follower: &Follower<'_>,
        reason: &str,
    ) -> Result<Case, RuntimeError> {
        let id = self.case_number(city, id).await?;
        let citizen = &follower.actor(city);
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RuntimeError::Invalid(
                "say why the resolution is not good enough".into(),
            ));
        }
        let mut tx = self.db.begin_write().await?;
        let case = followed_case(&mut tx, city, id, follower).await?;
        if case.status != CaseStatus::Resolved {
            return Err(RuntimeError::Invalid(format!(
                "only a resolved case can be rejected; this one is {}",
                case.status
            )));
        }
        let window = cities::get(&mut tx, city).await?.reopen_days * 86_400;
        if case.resolved_at.is_some_and(|at| db::now() - at > window) {
            return Err(RuntimeError::Invalid(
                "the time to reject this resolution has passed".into(),
            ));
        }
        let (case, from) = move_case(
            &mut tx,
            city,
            id,
            CaseStatus::InProgress,
            citizen,
            Some("resolution rejected"),
            None,
        )
        .await?;
        let message = add_message(&mut tx, &case, citizen, reason, false, None).await?;
        tx.commit().await?;
        let change = CaseChange::StatusChanged((
            contract::status_to_wit(from),
            contract::status_to_wit(case.status),
        ));
        self.tell_service(&case, vec![change, CaseChange::Message(message.body)]);
        Ok(case)
    }

    /// A case of `city` that `follower` filed; anyone else's is not found.
    pub async fn followed_case(
        &self,
        city: &str,
        id: i64,
        follower: &Follower<'_>,
    ) -> Result<Case, RuntimeError> {
        let id = self.case_number(city, id).await?;
        followed_case(&mut *self.db.read().await?, city, id, follower).await
    }

    /// The survey link `token` of request `id` of `city`, checked: who may rate it by the link.
    pub fn survey_follower(
        &self,
        city: &str,
        id: i64,
        token: &str,
    ) -> Result<Follower<'static>, RuntimeError> {
        checked_link(&self.requesters.for_survey(city, id), token, id)
    }

    /// The reply-address token `token` of request `id` of `city`, checked: who may write to its
    /// thread by e-mail.
    pub fn reply_follower(
        &self,
        city: &str,
        id: i64,
        token: &str,
    ) -> Result<Follower<'static>, RuntimeError> {
        checked_link(&self.requesters.for_reply(city, id), token, id)
    }

    /// The one who filed a case of `city` writes to the city about it.
    pub async fn follower_message(
        &self,
        city: &str,
        id: i64,
        follower: &Follower<'_>,
        body: &str,
    ) -> Result<Message, RuntimeError> {
        let case = self.followed_case(city, id, follower).await?;
        self.write_in_thread(city, case.id, &follower.actor(city), body, false)
            .await
    }

    /// The one who filed a case of `city` rates how it was resolved (1 to 5, and a comment),
    /// once it is resolved or closed; rating again replaces the rating.
    pub async fn rate(
        &self,
        city: &str,
        id: i64,
        follower: &Follower<'_>,
        score: i64,
        comment: &str,
    ) -> Result<Rating, RuntimeError> {
        let id = self.case_number(city, id).await?;
        let mut tx = self.db.begin_write().await?;
        let case = followed_case(&mut tx, city, id, follower).await?;
        if !matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed) {
            return Err(RuntimeError::Invalid(format!(
                "a request is rated once it is resolved; this one is {}",
                case.status
            )));
        }
        let rating = ratings::set(&mut tx, city, id, score, comment, db::now()).await?;
        tx.commit().await?;
        Ok(rating)
    }

    /// The rating of `case` (a request its caller was shown, found through a use case that
    /// checked who may see it), if it has one.
    pub async fn rating(&self, case: &Case) -> Result<Option<Rating>, RuntimeError> {
        Ok(ratings::get(&mut *self.db.read().await?, &case.city, case.id).await?)
    }

    /// Assigns a case to a staff member (or administrator) of the same city and, for staff with a
    /// department, of the case's department.
    pub async fn assign(
        &self,
        staff: &Staff,
        id: i64,
        assignee: Option<i64>,
    ) -> Result<Case, RuntimeError> {
        let (city, actor) = (staff.city(), staff.principal());
        let id = self.case_number(city, id).await?;
        let mut tx = self.db.begin_write().await?;
        let before = cases::get(&mut tx, city, id).await?;
        if let Some(user_id) = assignee {
            let user = people::get_in_city(&mut tx, city, user_id)
                .await
                .map_err(|_| {
                    RuntimeError::Invalid(format!("user {user_id} is not staff of this city"))
                })?;
            if !matches!(user.role, Role::Staff | Role::Admin) {
                return Err(RuntimeError::Invalid(format!(
                    "user {user_id} is not staff of this city"
                )));
            }
            if let (Some(theirs), Some(case_dept)) = (&user.department, &before.department)
                && theirs != case_dept
            {
                return Err(RuntimeError::Invalid(format!(
                    "user {user_id} works in {theirs}, the case is for {case_dept}"
                )));
            }
        }
        let case = cases::assign(&mut tx, city, id, assignee).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "case.assign",
            &format!("case:{id}"),
            Some(serde_json::json!({"assignee": before.assignee_id})),
            Some(serde_json::json!({"assignee": assignee})),
        )
        .await?;
        tx.commit().await?;
        Ok(case)
    }
}

/// Who filed a request and may act on it as its submitter: the citizen's account, or whoever
/// holds the request's secret link.
#[derive(Clone, Debug)]
pub enum Follower<'a> {
    Account(Citizen),
    Secret(&'a str),
    /// Whoever holds a link made for this request — its survey, or the reply address of its
    /// e-mails (checked by `Carmen::survey_follower` and `Carmen::reply_follower`).
    Link(CheckedLink),
}

/// A checked link: the id of the request it is for.
#[derive(Clone, Copy, Debug)]
pub struct CheckedLink(i64);

impl Follower<'_> {
    /// Whom its acts are recorded as: the account, or a citizen of `city` with no account.
    fn actor(&self, city: &str) -> Principal {
        match self {
            Follower::Account(citizen) => citizen.principal().clone(),
            Follower::Secret(_) | Follower::Link(_) => Principal {
                user_id: 0,
                city: Some(city.to_string()),
                role: Role::Citizen,
                department: None,
            },
        }
    }
}

/// `Follower::Link` for request `id` when `token` is `expected`; else not found.
fn checked_link(expected: &str, token: &str, id: i64) -> Result<Follower<'static>, RuntimeError> {
    let same = expected.len() == token.len()
        && expected
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |d, (a, b)| d | (a ^ b))
            == 0;
    if !same {
        return Err(CrmError::NotFound("link".into()).into());
    }
    Ok(Follower::Link(CheckedLink(id)))
}

/// A case of `city` that `follower` filed; anyone else's is not found.
async fn followed_case(
    conn: &mut Conn,
    city: &str,
    id: i64,
    follower: &Follower<'_>,
) -> Result<Case, RuntimeError> {
    match follower {
        Follower::Account(citizen) => citizens_case(conn, city, id, citizen).await,
        Follower::Link(CheckedLink(linked)) => {
            if *linked != id {
                return Err(CrmError::NotFound(format!("request {id}")).into());
            }
            Ok(cases::get(conn, city, id).await?)
        }
        Follower::Secret(secret) => {
            let case = cases::get(conn, city, id).await?;
            let presented = super::requesters::secret_hash(secret.trim());
            if case.secret_hash.as_deref() != Some(presented.as_str()) {
                return Err(CrmError::NotFound(format!("request {id}")).into());
            }
            Ok(case)
        }
    }
}

/// A case of `city` filed by `citizen`; anyone else's is not found.
async fn citizens_case(
    conn: &mut Conn,
    city: &str,
    id: i64,
    citizen: &Citizen,
) -> Result<Case, RuntimeError> {
    // A citizen of another city has no request here, whatever its id.
    if citizen.city() != city {
        return Err(CrmError::NotFound(format!("request {id}")).into());
    }
    let case = cases::get(conn, city, id).await?;
    let theirs = case.citizen_id == Some(citizen.user_id())
        || crate::crm::organisations::represents(conn, city, id, citizen.user_id()).await?;
    if !theirs {
        return Err(CrmError::NotFound(format!("request {id}")).into());
    }
    Ok(case)
}
