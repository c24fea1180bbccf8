//! Businesses and associations: accounts of a city with several representatives, each a citizen's
//! account of the same city; one of them owns it. Requests filed on an organisation's behalf are
//! linked to it and shared by its representatives.

use crate::db::Binds;
use serde::Serialize;
use sqlx::Row;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// What an organisation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Business,
    Association,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Business => "business",
            Kind::Association => "association",
        }
    }

    pub fn parse(text: &str) -> CrmResult<Kind> {
        match text {
            "business" => Ok(Kind::Business),
            "association" => Ok(Kind::Association),
            other => Err(CrmError::Invalid(format!(
                "an organisation is a business or an association, not {other:?}"
            ))),
        }
    }
}

/// One organisation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Organisation {
    pub id: i64,
    pub city: String,
    pub name: String,
    pub kind: Kind,
    pub created_at: i64,
}

/// A representative of an organisation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub owner: bool,
}

fn from_row(row: &sqlx::any::AnyRow) -> CrmResult<Organisation> {
    Ok(Organisation {
        id: row.try_get("id")?,
        city: row.try_get("city")?,
        name: row.try_get("name")?,
        kind: Kind::parse(&row.try_get::<String, _>("kind")?)?,
        created_at: row.try_get("created_at")?,
    })
}

/// Creates an organisation of `city` owned by citizen `owner_id`.
pub async fn create(
    conn: &mut Conn,
    city: &str,
    name: &str,
    kind: Kind,
    owner_id: i64,
    now: i64,
) -> CrmResult<Organisation> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(CrmError::Invalid(
            "an organisation's name is 1 to 200 characters".into(),
        ));
    }
    let row = sqlx::query(
        "INSERT INTO organisations (city, name, kind, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .binds((city, name, kind.as_str(), now))
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    add_member(conn, city, id, owner_id, true, now).await?;
    get(conn, city, id).await
}

/// Makes `user_id` a representative (or the owner) of organisation `id` of `city`.
pub async fn add_member(
    conn: &mut Conn,
    city: &str,
    id: i64,
    user_id: i64,
    owner: bool,
    now: i64,
) -> CrmResult<()> {
    let changed = db::execute(
        conn,
        "INSERT INTO organisation_members (organisation_id, city, user_id, role, added_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (organisation_id, user_id) DO NOTHING",
        (
            id,
            city,
            user_id,
            if owner { "owner" } else { "representative" },
            now,
        ),
    )
    .await?;
    if changed == 0 {
        return Err(CrmError::Conflict("already a representative".into()));
    }
    Ok(())
}

/// Organisation `id` of `city` (not erased).
pub async fn get(conn: &mut Conn, city: &str, id: i64) -> CrmResult<Organisation> {
    let row = sqlx::query(
        "SELECT id, city, name, kind, created_at FROM organisations WHERE city = $1 AND id = $2 AND erased_at IS NULL",
    )
    .binds((city, id))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CrmError::NotFound(format!("organisation {id}")))?;
    from_row(&row)
}

/// The organisations of `city` that citizen `user_id` represents, with whether they own each.
pub async fn of_user(
    conn: &mut Conn,
    city: &str,
    user_id: i64,
) -> CrmResult<Vec<(Organisation, bool)>> {
    let rows = sqlx::query(
        "SELECT o.id, o.city, o.name, o.kind, o.created_at, m.role FROM organisations o \
         JOIN organisation_members m ON m.organisation_id = o.id AND m.city = o.city \
         WHERE m.city = $1 AND m.user_id = $2 AND o.erased_at IS NULL ORDER BY o.name, o.id",
    )
    .binds((city, user_id))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| Ok((from_row(row)?, row.try_get::<String, _>("role")? == "owner")))
        .collect()
}

/// Whether citizen `user_id` represents organisation `id` of `city` (and owns it, when `owner`).
pub async fn is_member(
    conn: &mut Conn,
    city: &str,
    id: i64,
    user_id: i64,
    owner: bool,
) -> CrmResult<bool> {
    Ok(of_user(conn, city, user_id)
        .await?
        .iter()
        .any(|(o, owns)| o.id == id && (*owns || !owner)))
}

/// Fails with "not found" unless `user_id` owns organisation `id` of `city` (to anyone else it
/// does not exist).
pub async fn check_owner(conn: &mut Conn, city: &str, id: i64, user_id: i64) -> CrmResult<()> {
    if !is_member(conn, city, id, user_id, true).await? {
        return Err(CrmError::NotFound(format!("organisation {id}")));
    }
    Ok(())
}

/// The representatives of organisation `id` of `city`, the owner first.
pub async fn members(conn: &mut Conn, city: &str, id: i64) -> CrmResult<Vec<Member>> {
    let rows = sqlx::query(
        "SELECT m.user_id, u.name, m.role FROM organisation_members m JOIN users u ON u.id = m.user_id \
         WHERE m.city = $1 AND m.organisation_id = $2 ORDER BY CASE WHEN m.role = 'owner' THEN 0 ELSE 1 END, m.added_at",
    )
    .binds((city, id))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Member {
                user_id: row.try_get("user_id")?,
                name: row.try_get("name")?,
                owner: row.try_get::<String, _>("role")? == "owner",
            })
        })
        .collect()
}

/// Files case `case_id` of `city` as made on behalf of organisation `id`.
pub async fn link_case(conn: &mut Conn, city: &str, case_id: i64, id: i64) -> CrmResult<()> {
    db::execute(
        conn,
        "INSERT INTO organisation_cases (city, case_id, organisation_id) VALUES ($1, $2, $3)",
        (city, case_id, id),
    )
    .await?;
    Ok(())
}

/// The organisation case `case_id` of `city` was filed on behalf of, if any.
pub async fn of_case(conn: &mut Conn, city: &str, case_id: i64) -> CrmResult<Option<Organisation>> {
    let row = sqlx::query(
        "SELECT o.id, o.city, o.name, o.kind, o.created_at FROM organisation_cases c \
         JOIN organisations o ON o.id = c.organisation_id AND o.city = c.city \
         WHERE c.city = $1 AND c.case_id = $2",
    )
    .binds((city, case_id))
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The ids of the cases of `city` filed on behalf of organisation `id`, newest first: up to
/// `limit` before case `before` (from the newest without it).
pub async fn case_ids(
    conn: &mut Conn,
    city: &str,
    id: i64,
    before: Option<i64>,
    limit: i64,
) -> CrmResult<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT case_id FROM organisation_cases WHERE city = $1 AND organisation_id = $2 AND case_id < $3 \
         ORDER BY case_id DESC LIMIT $4",
    )
    .binds((city, id, before.unwrap_or(i64::MAX), limit))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|row| Ok(row.try_get("case_id")?)).collect()
}

/// Whether citizen `user_id` represents the organisation case `case_id` of `city` was filed for.
pub async fn represents(
    conn: &mut Conn,
    city: &str,
    case_id: i64,
    user_id: i64,
) -> CrmResult<bool> {
    let row = sqlx::query(
        "SELECT 1 AS found FROM organisation_cases c JOIN organisation_members m \
         ON m.organisation_id = c.organisation_id AND m.city = c.city \
         JOIN organisations o ON o.id = c.organisation_id AND o.erased_at IS NULL \
         WHERE c.city = $1 AND c.case_id = $2 AND m.user_id = $3",
    )
    .binds((city, case_id, user_id))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

/// Erases organisation `id` of `city` as a whole: its name, its representatives, and the contact
/// details on its requests (which stay, without them).
pub async fn erase(conn: &mut Conn, city: &str, id: i64, now: i64) -> CrmResult<()> {
    for case_id in case_ids(conn, city, id, None, i64::MAX).await? {
        db::execute(
            conn,
            "UPDATE cases SET contact = NULL WHERE city = $1 AND id = $2",
            (city, case_id),
        )
        .await?;
        db::execute(
            conn,
            "UPDATE case_messages SET body = '(erased)' WHERE city = $1 AND case_id = $2 AND author_role = 'citizen'",
            (city, case_id),
        )
        .await?;
    }
    for table in ["organisation_members", "organisation_invitations"] {
        db::execute(
            conn,
            &format!("DELETE FROM {table} WHERE city = $1 AND organisation_id = $2"),
            (city, id),
        )
        .await?;
    }
    db::execute(
        conn,
        "UPDATE organisations SET name = '(erased)', erased_at = $3 WHERE city = $1 AND id = $2",
        (city, id, now),
    )
    .await?;
    Ok(())
}

/// How long an invitation waits for an answer, in seconds.
const INVITATION_LASTS: i64 = 30 * 24 * 3600;

/// Invites whoever proved `email` in `city` to represent organisation `id` (again: the date is
/// renewed).
pub async fn invite(conn: &mut Conn, city: &str, id: i64, email: &str, now: i64) -> CrmResult<()> {
    db::execute(
        conn,
        "INSERT INTO organisation_invitations (city, organisation_id, email, invited_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (city, organisation_id, email) DO UPDATE SET invited_at = excluded.invited_at",
        (city, id, email, now),
    )
    .await?;
    Ok(())
}

/// The addresses organisation `id` invited and that have not answered, oldest first.
pub async fn invited(conn: &mut Conn, city: &str, id: i64, now: i64) -> CrmResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT email FROM organisation_invitations WHERE city = $1 AND organisation_id = $2 AND invited_at > $3 ORDER BY invited_at, email",
    )
    .binds((city, id, now - INVITATION_LASTS))
    .fetch_all(&mut *conn)
    .await?)
}

/// The live organisations of `city` that invited `email`.
pub async fn invitations_to(
    conn: &mut Conn,
    city: &str,
    email: &str,
    now: i64,
) -> CrmResult<Vec<Organisation>> {
    let rows = sqlx::query(
        "SELECT o.id, o.city, o.name, o.kind, o.created_at FROM organisation_invitations i \
         JOIN organisations o ON o.city = i.city AND o.id = i.organisation_id \
         WHERE i.city = $1 AND i.email = $2 AND i.invited_at > $3 AND o.erased_at IS NULL ORDER BY o.name, o.id",
    )
    .binds((city, email, now - INVITATION_LASTS))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Removes the invitation of organisation `id` to `email`; whether there was a live one.
pub async fn take_invitation(
    conn: &mut Conn,
    city: &str,
    id: i64,
    email: &str,
    now: i64,
) -> CrmResult<bool> {
    let live = sqlx::query(
        "DELETE FROM organisation_invitations WHERE city = $1 AND organisation_id = $2 AND email = $3 RETURNING invited_at",
    )
    .binds((city, id, email))
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| row.try_get::<i64, _>(0))
    .transpose()?
    .is_some_and(|at| at > now - INVITATION_LASTS);
    Ok(live)
}
