//! Replies a city's staff save once and insert into a case's thread: a name, and a text per
//! language whose placeholders — `{reference}`, `{address}`, `{due}` — are filled from the case
//! when inserted (`runtime::knowledge`).

use crate::db::Binds;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// Most saved replies a city keeps.
pub const MAX_REPLIES: i64 = 500;
/// The longest text, in characters.
pub const MAX_TEXT: usize = 8_000;
/// The placeholders a text may hold.
pub const PLACEHOLDERS: [&str; 3] = ["reference", "address", "due"];

/// A saved reply as staff write it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReply {
    /// What staff pick it by.
    pub name: String,
    /// The text by language (`de`, `it`...), at least one.
    pub texts: BTreeMap<String, String>,
}

/// A saved reply as kept.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SavedReply {
    pub id: i64,
    pub city: String,
    pub name: String,
    pub texts: BTreeMap<String, String>,
    pub updated_at: i64,
}

fn check(reply: &NewReply) -> CrmResult<()> {
    let invalid = |why: String| Err(CrmError::Invalid(why));
    let name = reply.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return invalid("a saved reply has a name of 1 to 120 characters".into());
    }
    if reply.texts.is_empty() {
        return invalid("a saved reply has a text in at least one language".into());
    }
    for (language, text) in &reply.texts {
        if !carmen_registry::names::is_language_tag(language) {
            return invalid(format!(
                "{language:?} is not a language tag such as de or it"
            ));
        }
        if text.trim().is_empty() || text.chars().count() > MAX_TEXT {
            return invalid(format!(
                "the {language} text has 1 to {MAX_TEXT} characters"
            ));
        }
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c);
            let name = close.map(|c| &rest[open + 1..c]).unwrap_or("");
            if !PLACEHOLDERS.contains(&name) {
                return invalid(format!(
                    "the {language} text: {{{name}}} is not a placeholder; use {}",
                    PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                ));
            }
            rest = &rest[close.unwrap_or(rest.len() - 1) + 1..];
        }
    }
    Ok(())
}

fn from_row(row: &sqlx::any::AnyRow) -> CrmResult<SavedReply> {
    Ok(SavedReply {
        id: row.try_get("id")?,
        city: row.try_get("city")?,
        name: row.try_get("name")?,
        texts: serde_json::from_str(&row.try_get::<String, _>("texts")?)
            .map_err(|e| CrmError::Invalid(format!("stored texts are unreadable: {e}")))?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The saved reply in `row`; without one, saved reply `id` of `city` is not found.
fn found(row: Option<sqlx::any::AnyRow>, city: &str, id: i64) -> CrmResult<SavedReply> {
    let row = row.ok_or_else(|| CrmError::NotFound(format!("saved reply {id} in {city}")))?;
    from_row(&row)
}

/// Saves a new reply of `city`.
pub async fn create(conn: &mut Conn, city: &str, reply: &NewReply) -> CrmResult<SavedReply> {
    check(reply)?;
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM saved_replies WHERE city = $1")
        .bind(city)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    if count >= MAX_REPLIES {
        return Err(CrmError::LimitExceeded(format!(
            "a city keeps at most {MAX_REPLIES} saved replies"
        )));
    }
    let now = db::now();
    let row = sqlx::query(
        "INSERT INTO saved_replies (city, name, texts, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
         RETURNING id, city, name, texts, updated_at",
    )
    .binds((
        city,
        reply.name.trim(),
        serde_json::to_string(&reply.texts).expect("a string map serializes"),
        now,
    ))
    .fetch_one(&mut *conn)
    .await?;
    from_row(&row)
}

/// Replaces saved reply `id` of `city`.
pub async fn update(
    conn: &mut Conn,
    city: &str,
    id: i64,
    reply: &NewReply,
) -> CrmResult<SavedReply> {
    check(reply)?;
    let row = sqlx::query(
        "UPDATE saved_replies SET name = $1, texts = $2, updated_at = $3 WHERE city = $4 AND id = $5 \
         RETURNING id, city, name, texts, updated_at",
    )
    .binds((
        reply.name.trim(),
        serde_json::to_string(&reply.texts).expect("a string map serializes"),
        db::now(),
        city,
        id,
    ))
    .fetch_optional(&mut *conn)
    .await?;
    found(row, city, id)
}

/// Saved reply `id` of `city`.
pub async fn get(conn: &mut Conn, city: &str, id: i64) -> CrmResult<SavedReply> {
    let row = sqlx::query(
        "SELECT id, city, name, texts, updated_at FROM saved_replies WHERE city = $1 AND id = $2",
    )
    .binds((city, id))
    .fetch_optional(&mut *conn)
    .await?;
    found(row, city, id)
}

/// Every saved reply of `city`, by name.
pub async fn list(conn: &mut Conn, city: &str) -> CrmResult<Vec<SavedReply>> {
    sqlx::query(
        "SELECT id, city, name, texts, updated_at FROM saved_replies WHERE city = $1 ORDER BY name, id",
    )
    .bind(city)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// `text` with its placeholders replaced by `values` (name, value).
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(text.to_string(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_hold_only_known_placeholders_and_are_filled() {
        let reply = |text: &str| NewReply {
            name: "Pothole planned".into(),
            texts: [("de".to_string(), text.to_string())].into(),
        };
        check(&reply("Anfrage {reference}: bis {due} an {address}.")).unwrap();
        let err = check(&reply("Hallo {name}")).unwrap_err().to_string();
        assert!(err.contains("{name} is not a placeholder"), "{err}");
        assert!(check(&reply("offen {")).is_err());
        assert_eq!(
            fill(
                "Anfrage {reference} bis {due}",
                &[("reference", "42"), ("due", "5. Dezember 2026")]
            ),
            "Anfrage 42 bis 5. Dezember 2026"
        );
    }
}
