//! Escalating overdue cases: finding open cases past their due date not yet escalated, whom to
//! tell (the administrators working in the case's department, else the city's administrators),
//! and marking a case escalated, once.

use crate::db::Binds;
use sqlx::Row;

use super::CrmResult;
use super::cases::{self, Case};
use crate::db::{self, Conn};

/// Open cases (of any city) past their due date at `now`, not yet escalated, oldest due first.
pub async fn overdue(conn: &mut Conn, now: i64, limit: i64) -> CrmResult<Vec<Case>> {
    let rows = sqlx::query(
        "SELECT city, id FROM cases WHERE kind = 'case' AND escalated_at IS NULL AND due_at IS NOT NULL AND due_at < $1 \
         AND city NOT IN (SELECT slug FROM cities WHERE moved_to IS NOT NULL) \
         AND status IN ('submitted', 'acknowledged', 'in_progress') ORDER BY due_at, id LIMIT $2",
    )
    .binds((now, limit))
    .fetch_all(&mut *conn)
    .await?;
    let mut found = Vec::new();
    for row in rows {
        let city: String = row.try_get("city")?;
        found.push(cases::get(conn, &city, row.try_get("id")?).await?);
    }
    Ok(found)
}

/// Marks case `id` of `city` escalated at `now`; false when another node did it first.
pub async fn mark(conn: &mut Conn, city: &str, id: i64, now: i64) -> CrmResult<bool> {
    let changed = db::execute(
        conn,
        "UPDATE cases SET escalated_at = $1 WHERE city = $2 AND id = $3 AND escalated_at IS NULL",
        (now, city, id),
    )
    .await?;
    Ok(changed == 1)
}

/// The e-mail addresses of whom to tell about an overdue case of `city` in `department`: its
/// administrators who work in that department, else every administrator of the city.
/// Whom an overdue case is told to: an administrator's address, in their language.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Lead {
    pub email: String,
    pub language: String,
}

pub async fn leads(conn: &mut Conn, city: &str, department: Option<&str>) -> CrmResult<Vec<Lead>> {
    let admins = sqlx::query(
        "SELECT email, language, department FROM users WHERE city = $1 AND role = 'admin' AND email IS NOT NULL AND erased_at IS NULL ORDER BY id",
    )
    .bind(city)
    .fetch_all(&mut *conn)
    .await?;
    let all: Vec<(Lead, Option<String>)> = admins
        .iter()
        .map(|r| {
            let lead = Lead {
                email: r.try_get("email")?,
                language: r.try_get("language")?,
            };
            Ok((lead, r.try_get("department")?))
        })
        .collect::<CrmResult<_>>()?;
    let of_department: Vec<Lead> = all
        .iter()
        .filter(|(_, d)| department.is_some() && d.as_deref() == department)
        .map(|(lead, _)| lead.clone())
        .collect();
    Ok(if of_department.is_empty() {
        all.into_iter().map(|(lead, _)| lead).collect()
    } else {
        of_department
    })
}
