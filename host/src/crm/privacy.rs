//! A citizen's rights over their data: download all of it, and erase it. Erasure removes the
//! personal data and keeps the cases (without it) for the city's statistics.

use serde_json::{Value, json};
use sqlx::Row;

use super::cases::{self, Contact};
use super::people::{self, User};
use super::{CrmError, CrmResult, messages, outbox};
use crate::db::{self, Conn};

fn same_person(contact: &Contact, user: &User) -> bool {
    let email = |e: &Option<String>| e.as_deref().map(str::to_lowercase);
    (user.email.is_some() && email(&contact.email) == email(&user.email))
        || (user.phone.is_some() && contact.phone == user.phone)
}

/// Everything the city holds about citizen `user_id`, as JSON.
pub async fn export(conn: &mut Conn, city: &str, user_id: i64) -> CrmResult<Value> {
    let user = people::get_in_city(conn, city, user_id).await?;
    let mut requests = Vec::new();
    for case in cases::of_citizen(conn, city, user_id).await? {
        let thread = messages::list(conn, city, case.id, false).await?;
        let history = cases::history(conn, city, case.id).await?;
        requests.push(json!({"request": case, "contact": case.contact, "messages": thread, "history": history}));
    }
    let sent: Vec<_> = outbox::list(conn, city)
        .await?
        .into_iter()
        .filter(|m| same_person(&m.recipient, &user))
        .collect();
    Ok(
        json!({"profile": user, "requests": requests, "messages_sent_to_you": sent, "exported_at": db::now()}),
    )
}

/// Erases citizen `user_id` of `city`: their account details, their contact details on requests
/// and in the outbox, their words in case threads, and any service store entry holding their
/// e-mail address or phone number. The requests themselves stay, without personal data.
pub async fn erase(conn: &mut Conn, city: &str, user_id: i64) -> CrmResult<()> {
    let user = people::get_in_city(conn, city, user_id).await?;
    if user.role != people::Role::Citizen {
        return Err(CrmError::Invalid(
            "only a citizen's own account is erased this way".into(),
        ));
    }
    let now = db::now();
    sqlx::query("UPDATE users SET name = '(erased)', email = NULL, phone = NULL, password_hash = NULL, erased_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
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

    let rows = sqlx::query(
        "SELECT id, citizen_id, contact FROM cases WHERE city = $1 AND contact IS NOT NULL",
    )
    .bind(city)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let (id, citizen, contact): (i64, Option<i64>, String) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let theirs = citizen == Some(user_id)
            || serde_json::from_str::<Contact>(&contact).is_ok_and(|c| same_person(&c, &user));
        if theirs {
            sqlx::query("UPDATE cases SET contact = NULL WHERE city = $1 AND id = $2")
                .bind(city)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    let rows = sqlx::query("SELECT id, recipient FROM outbox WHERE city = $1")
        .bind(city)
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        let (id, recipient): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
        if serde_json::from_str::<Contact>(&recipient).is_ok_and(|c| same_person(&c, &user)) {
            sqlx::query("UPDATE outbox SET recipient = '{}', subject = '(erased)', body = '(erased)' WHERE city = $1 AND id = $2")
                .bind(city)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    let needles: Vec<Vec<u8>> = [user.email.clone(), user.phone.clone()]
        .into_iter()
        .flatten()
        .map(String::into_bytes)
        .collect();
    let rows = sqlx::query("SELECT plugin, key, value FROM kv WHERE city = $1")
        .bind(city)
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        let (plugin, key, value): (String, String, Vec<u8>) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        if needles
            .iter()
            .any(|n| value.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n)))
        {
            sqlx::query("DELETE FROM kv WHERE city = $1 AND plugin = $2 AND key = $3")
                .bind(city)
                .bind(&plugin)
                .bind(&key)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}
