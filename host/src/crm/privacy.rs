//! A citizen's rights over their data: download all of it, and erase it. What is theirs is found by
//! their account's id and by the contacts they proved (verified), matched exactly on structured
//! fields — never by substring, never by a contact anyone could type. Erasure removes the personal
//! data and keeps the requests (without it) for the city's statistics. (What services keep in
//! their own stores they forget themselves: see `runtime::privacy`.)

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
            .bind(city)
            .bind(theirs.user.id)
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
        sqlx::query("DELETE FROM organisation_invitations WHERE city = $1 AND email = $2")
            .bind(city)
            .bind(email)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE users SET name = '(erased)', email = NULL, phone = NULL, password_hash = NULL, email_verified_at = NULL, phone_verified_at = NULL, erased_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for table in ["verifications", "contact_proofs"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE case_messages SET body = '(erased)' WHERE city = $1 AND author_id = $2 AND author_role = 'citizen'")
        .bind(city)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for id in &ids {
        // What they wrote on their requests through the secret link, with no account named.
        sqlx::query("UPDATE case_messages SET body = '(erased)' WHERE city = $1 AND case_id = $2 AND author_role = 'citizen'")
            .bind(city)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE cases SET contact = NULL WHERE city = $1 AND id = $2")
            .bind(city)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    super::ratings::erase_comments(conn, city, &ids).await?;
    for message in &sent {
        sqlx::query("UPDATE outbox SET recipient = '{}', subject = '(erased)', body = '(erased)' WHERE city = $1 AND id = $2")
            .bind(city)
            .bind(message.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
