//! A citizen's rights over their data: download all of it, and erase it. What is theirs is found by
//! their account's id and by the contacts they proved (verified), matched exactly on structured
//! fields — never by substring, never by a contact anyone could type. Erasure removes the personal
//! data and keeps the requests (without it) for the city's statistics. (What services keep in
//! their own stores they forget themselves: see `runtime::privacy`.)

use crate::db::Binds;
use serde_json::{Value, json};
use sqlx::Row;

use super::cases::{self, Contact};
use super::people::{self, User};
use super::{CrmError, CrmResult, messages, outbox};
use crate::db::{self, Conn};

/// What is the person's: their account, and the contacts they proved.
struct Theirs {
    user: User,
    emails: Vec<String>,
    phones: Vec<String>,
}

impl Theirs {
    async fn of(conn: &mut Conn, city: &str, user_id: i64) -> CrmResult<Theirs> {
        let user = people::get_in_city(conn, city, user_id).await?;
        let (emails, phones) = user.verified_contacts();
        Ok(Theirs {
            user,
            emails,
            phones,
        })
    }

    /// Whether `contact` names one of their proved contacts exactly.
    fn is_theirs(&self, contact: &Contact) -> bool {
        contact
            .email
            .as_ref()
            .is_some_and(|e| self.emails.contains(e))
            || contact
                .phone
                .as_ref()
                .is_some_and(|p| self.phones.contains(p))
    }
}

/// The requests of `city` that are theirs: filed with their account, or with a proved contact.
async fn their_cases(conn: &mut Conn, city: &str, theirs: &Theirs) -> CrmResult<Vec<i64>> {
    let rows =
        sqlx::query("SELECT id, citizen_id, contact FROM cases WHERE city = $1 AND (citizen_id = $2 OR contact IS NOT NULL)")
            .binds((city, theirs.user.id))
            .fetch_all(&mut *conn)
            .await?;
    let mut ids = Vec::new();
    for row in rows {
        let (id, citizen, contact): (i64, Option<i64>, Option<String>) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let by_contact = contact
            .and_then(|c| serde_json::from_str::<Contact>(&c).ok())
            .is_some_and(|c| theirs.is_theirs(&c));
        if citizen == Some(theirs.user.id) || by_contact {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The messages of `city`'s outbox that are theirs: about their requests, or to a proved contact.
async fn their_messages(
    conn: &mut Conn,
    city: &str,
    theirs: &Theirs,
    cases: &[i64],
) -> CrmResult<Vec<outbox::Message>> {
    Ok(outbox::list(conn, city)
        .await?
        .into_iter()
        .filter(|m| {
            m.case_id.is_some_and(|id| cases.contains(&id)) || theirs.is_theirs(&m.recipient)
        })
        .collect())
}

/// Everything the city holds about citizen `user_id`, as JSON.
pub async fn export(conn: &mut Conn, city: &str, user_id: i64) -> CrmResult<Value> {
    let theirs = Theirs::of(conn, city, user_id).await?;
    let ids = their_cases(conn, city, &theirs).await?;
    let mut requests = Vec::new();
    for id in &ids {
        let case = cases::get(conn, city, *id).await?;
        let thread = messages::list(conn, city, case.id, false).await?;
        let history = cases::history(conn, city, case.id).await?;
        requests.push(json!({"request": case, "contact": case.contact, "messages": thread, "history": history}));
    }
    let sent = their_messages(conn, city, &theirs, &ids).await?;
    Ok(json!({
        "profile": theirs.user,
        "requests": requests,
        "messages_sent_to_you": sent,
        "exported_at": db::now(),
    }))
}

/// Erases citizen `user_id` of `city`: their account details, their contact details on their
/// requests, their messages in the outbox, and their words in case threads. The requests
/// themselves stay, without personal data. Nothing of anyone else is touched.
pub async fn erase(conn: &mut Conn, city: &str, user_id: i64) -> CrmResult<()> {
    let theirs = Theirs::of(conn, city, user_id).await?;
    if theirs.user.role != people::Role::Citizen {
        return Err(CrmError::Invalid(
            "only a citizen's own account is erased this way".into(),
        ));
    }
    let ids = their_cases(conn, city, &theirs).await?;
    let sent = their_messages(conn, city, &theirs, &ids).await?;
    let now = db::now();
    for email in &theirs.emails {
        db::execute(
            conn,
            "DELETE FROM organisation_invitations WHERE city = $1 AND email = $2",
            (city, email),
        )
        .await?;
    }
    db::execute(
        conn,
        "UPDATE users SET name = '(erased)', email = NULL, phone = NULL, password_hash = NULL, email_verified_at = NULL, phone_verified_at = NULL, erased_at = $1 WHERE id = $2",
        (now, user_id),
    )
    .await?;
    for table in ["verifications", "contact_proofs"] {
        db::execute(
            conn,
            &format!("DELETE FROM {table} WHERE user_id = $1"),
            (user_id,),
        )
        .await?;
    }
    db::execute(
        conn,
        "UPDATE tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        (now, user_id),
    )
    .await?;
    db::execute(
        conn,
        "UPDATE case_messages SET body = '(erased)' WHERE city = $1 AND author_id = $2 AND author_role = 'citizen'",
        (city, user_id),
    )
    .await?;
    for id in &ids {
        // What they wrote on their requests through the secret link, with no account named.
        db::execute(
            conn,
            "UPDATE case_messages SET body = '(erased)' WHERE city = $1 AND case_id = $2 AND author_role = 'citizen'",
            (city, id),
        )
        .await?;
        db::execute(
            conn,
            "UPDATE cases SET contact = NULL WHERE city = $1 AND id = $2",
            (city, id),
        )
        .await?;
    }
    super::ratings::erase_comments(conn, city, &ids).await?;
    for message in &sent {
        db::execute(
            conn,
            "UPDATE outbox SET recipient = '{}', subject = '(erased)', body = '(erased)' WHERE city = $1 AND id = $2",
            (city, message.id),
        )
        .await?;
    }
    Ok(())
}

/// A service's part of an erasure still to do: whom it is to forget, asked again from `next_at`.
#[derive(Clone, Debug)]
pub struct PendingErasure {
    pub city: String,
    pub install_code: String,
    pub user_id: i64,
    pub ids: Vec<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub attempts: i64,
}

/// Records that service `install_code` of `city` is still to forget citizen `user_id` (as `ids`,
/// `emails`, `phones`), asked again from `next_at`.
#[allow(clippy::too_many_arguments)]
pub async fn defer_erasure(
    conn: &mut Conn,
    city: &str,
    install_code: &str,
    user_id: i64,
    ids: &[String],
    emails: &[String],
    phones: &[String],
    next_at: i64,
    error: &str,
) -> CrmResult<()> {
    let subject = serde_json::json!({"ids": ids, "emails": emails, "phones": phones}).to_string();
    db::execute(
        conn,
        "INSERT INTO pending_erasures (city, install_code, user_id, subject, attempts, next_at, last_error) VALUES ($1, $2, $3, $4, 1, $5, $6) \
         ON CONFLICT (city, install_code, user_id) DO UPDATE SET subject = excluded.subject, next_at = excluded.next_at, last_error = excluded.last_error",
        (city, install_code, user_id, subject, next_at, error),
    )
    .await?;
    Ok(())
}

/// The services' parts of erasures due at `now`, oldest first.
pub async fn due_erasures(conn: &mut Conn, now: i64, limit: i64) -> CrmResult<Vec<PendingErasure>> {
    let rows = sqlx::query(
        "SELECT city, install_code, user_id, subject, attempts FROM pending_erasures WHERE next_at <= $1 \
         AND city NOT IN (SELECT slug FROM cities WHERE moved_to IS NOT NULL) ORDER BY next_at LIMIT $2",
    )
    .binds((now, limit))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let subject: serde_json::Value =
                serde_json::from_str(&row.try_get::<String, _>("subject")?).unwrap_or_default();
            let list = |key: &str| -> Vec<String> {
                subject[key]
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            Ok(PendingErasure {
                city: row.try_get("city")?,
                install_code: row.try_get("install_code")?,
                user_id: row.try_get("user_id")?,
                ids: list("ids"),
                emails: list("emails"),
                phones: list("phones"),
                attempts: row.try_get("attempts")?,
            })
        })
        .collect()
}

/// Service `install_code` of `city` forgot citizen `user_id`: nothing of them is kept for it.
pub async fn erasure_done(
    conn: &mut Conn,
    city: &str,
    install_code: &str,
    user_id: i64,
) -> CrmResult<()> {
    db::execute(
        conn,
        "DELETE FROM pending_erasures WHERE city = $1 AND install_code = $2 AND user_id = $3",
        (city, install_code, user_id),
    )
    .await?;
    Ok(())
}

/// Service `install_code` of `city` failed again to forget citizen `user_id`: asked again from
/// `next_at`.
pub async fn erasure_failed(
    conn: &mut Conn,
    city: &str,
    install_code: &str,
    user_id: i64,
    next_at: i64,
    error: &str,
) -> CrmResult<()> {
    db::execute(
        conn,
        "UPDATE pending_erasures SET attempts = attempts + 1, next_at = $4, last_error = $5 WHERE city = $1 AND install_code = $2 AND user_id = $3",
        (city, install_code, user_id, next_at, error),
    )
    .await?;
    Ok(())
}
