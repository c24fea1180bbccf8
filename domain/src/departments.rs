//! A city's departments, and its routing of services (or one category of a service) to them.

use crate::db::Binds;
use serde::Serialize;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// One department of a city.
#[derive(Clone, Debug, Serialize, PartialEq, sqlx::FromRow)]
pub struct Department {
    pub code: String,
    pub name: String,
}

/// One routing rule: cases of `service` (of `category`, when not empty) go to `department`.
#[derive(Clone, Debug, Serialize, PartialEq, sqlx::FromRow)]
pub struct Route {
    pub service: String,
    pub category: String,
    pub department: String,
}

fn check_code(code: &str) -> CrmResult<()> {
    if super::is_code(code, 64) {
        Ok(())
    } else {
        Err(CrmError::Invalid(format!(
            "department code {code:?}: 1 to 64 lowercase letters, digits and dashes"
        )))
    }
}

/// Adds a department to `city`.
pub async fn create(conn: &mut Conn, city: &str, code: &str, name: &str) -> CrmResult<Department> {
    check_code(code)?;
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(CrmError::Invalid(
            "a department name is 1 to 200 characters".into(),
        ));
    }
    sqlx::query("INSERT INTO departments (city, code, name) VALUES ($1, $2, $3)")
        .binds((city, code, name))
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            if db::is_unique_violation(&e) {
                CrmError::Conflict(format!("department {code:?} exists already"))
            } else {
                e.into()
            }
        })?;
    Ok(Department {
        code: code.into(),
        name: name.into(),
    })
}

/// The departments of `city`.
pub async fn list(conn: &mut Conn, city: &str) -> CrmResult<Vec<Department>> {
    let departments = db::fetch_all(
        conn,
        "SELECT code, name FROM departments WHERE city = $1 ORDER BY code",
        (city,),
    )
    .await?;
    Ok(departments)
}

/// Whether `city` has department `code`.
pub async fn exists(conn: &mut Conn, city: &str, code: &str) -> CrmResult<bool> {
    Ok(db::exists(
        conn,
        "SELECT 1 FROM departments WHERE city = $1 AND code = $2",
        (city, code),
    )
    .await?)
}

/// Sets a routing rule; the department must exist in the city.
pub async fn set_route(conn: &mut Conn, city: &str, route: &Route) -> CrmResult<()> {
    if !exists(conn, city, &route.department).await? {
        return Err(CrmError::Invalid(format!(
            "department {:?} does not exist in this city",
            route.department
        )));
    }
    if route.service.is_empty() || route.service.len() > 64 || route.category.len() > 200 {
        return Err(CrmError::Invalid(
            "a route names a service (and optionally a category)".into(),
        ));
    }
    db::execute(
        conn,
        "INSERT INTO routes (city, service, category, department) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (city, service, category) DO UPDATE SET department = excluded.department",
        (city, &route.service, &route.category, &route.department),
    )
    .await?;
    Ok(())
}

/// The routing rules of `city`.
pub async fn routes(conn: &mut Conn, city: &str) -> CrmResult<Vec<Route>> {
    let routes = db::fetch_all(
        conn,
        "SELECT service, category, department FROM routes WHERE city = $1 ORDER BY service, category",
        (city,),
    )
    .await?;
    Ok(routes)
}

/// Where the city routes a case of `service` with `category`: the category's rule, else the
/// service's rule, else `None` (the plugin's proposal stands).
pub async fn route_for(
    conn: &mut Conn,
    city: &str,
    service: &str,
    category: Option<&str>,
) -> CrmResult<Option<String>> {
    let routed: Option<(String,)> =
        db::fetch_optional(conn, ROUTED, (city, service, category.unwrap_or_default())).await?;
    Ok(routed.map(|(department,)| department))
}

/// The department a request of category `$3` (or '' for none) to service `$2` of city `$1` is
/// routed to: the category's own rule, else the whole service's (category '').
pub const ROUTED: &str = "SELECT department FROM routes WHERE city = $1 AND service = $2
    AND (category = $3 OR category = '')
    ORDER BY CASE WHEN category = '' THEN 1 ELSE 0 END LIMIT 1";
