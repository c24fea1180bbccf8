//! What citizens follow — one public request, or an area of their city — and what changed there
//! since their last digest.

use crate::db::Binds;
use serde::Serialize;
use sqlx::Row;

use super::cases::{self, Case};
use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// Most follows one citizen keeps in a city.
pub const MAX_FOLLOWS: i64 = 20;
/// The largest area, in metres from its centre.
pub const MAX_RADIUS_M: i64 = 5_000;

/// What is followed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Target {
    Request(i64),
    Area {
        latitude: f64,
        longitude: f64,
        radius_m: i64,
    },
}

/// One follow.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Follow {
    pub id: i64,
    pub city: String,
    pub user_id: i64,
    pub target: Target,
    pub last_digest_at: i64,
}

fn from_row(row: &sqlx::any::AnyRow) -> CrmResult<Follow> {
    let case_id: Option<i64> = row.try_get("case_id")?;
    let target = match case_id {
        Some(id) => Target::Request(id),
        None => Target::Area {
            latitude: row.try_get::<Option<f64>, _>("latitude")?.unwrap_or(0.0),
            longitude: row.try_get::<Option<f64>, _>("longitude")?.unwrap_or(0.0),
            radius_m: row.try_get::<Option<i64>, _>("radius_m")?.unwrap_or(0),
        },
    };
    Ok(Follow {
        id: row.try_get("id")?,
        city: row.try_get("city")?,
        user_id: row.try_get("user_id")?,
        target,
        last_digest_at: row.try_get("last_digest_at")?,
    })
}

const COLUMNS: &str = "id, city, user_id, case_id, latitude, longitude, radius_m, last_digest_at";

/// Adds a follow of `target` for citizen `user_id` of `city`, its digest starting from `now`.
pub async fn add(
    conn: &mut Conn,
    city: &str,
    user_id: i64,
    target: &Target,
    now: i64,
) -> CrmResult<()> {
    if let Target::Area {
        latitude,
        longitude,
        radius_m,
    } = target
        && (!(-90.0..=90.0).contains(latitude)
            || !(-180.0..=180.0).contains(longitude)
            || !(50..=MAX_RADIUS_M).contains(radius_m))
    {
        return Err(CrmError::Invalid(format!(
            "an area is a point (latitude -90 to 90, longitude -180 to 180) and a radius of 50 to {MAX_RADIUS_M} m"
        )));
    }
    if list(conn, city, user_id).await?.len() as i64 >= MAX_FOLLOWS {
        return Err(CrmError::LimitExceeded(format!(
            "at most {MAX_FOLLOWS} follows"
        )));
    }
    let (case_id, lat, lon, radius) = match target {
        Target::Request(id) => (Some(*id), None, None, None),
        Target::Area {
            latitude,
            longitude,
            radius_m,
        } => (None, Some(*latitude), Some(*longitude), Some(*radius_m)),
    };
    db::execute(
        conn,
        "INSERT INTO follows (city, user_id, case_id, latitude, longitude, radius_m, created_at, last_digest_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        (city, user_id, case_id, lat, lon, radius, now),
    )
    .await?;
    Ok(())
}

/// The follows of citizen `user_id` of `city`.
pub async fn list(conn: &mut Conn, city: &str, user_id: i64) -> CrmResult<Vec<Follow>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM follows WHERE city = $1 AND user_id = $2 ORDER BY id"
    ))
    .binds((city, user_id))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Removes follow `id` of citizen `user_id` of `city` (another's is not found).
pub async fn remove(conn: &mut Conn, city: &str, user_id: i64, id: i64) -> CrmResult<()> {
    let changed = db::execute(
        conn,
        "DELETE FROM follows WHERE city = $1 AND user_id = $2 AND id = $3",
        (city, user_id, id),
    )
    .await?;
    if changed == 0 {
        return Err(CrmError::NotFound(format!("follow {id}")));
    }
    Ok(())
}

/// Follows (of every city) whose last digest is at or before `before`, up to `limit`.
pub async fn due(conn: &mut Conn, before: i64, limit: i64) -> CrmResult<Vec<Follow>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM follows WHERE last_digest_at <= $1 \
         AND city NOT IN (SELECT slug FROM cities WHERE moved_to IS NOT NULL) ORDER BY last_digest_at, id LIMIT $2"
    ))
    .binds((before, limit))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Marks follow `id` digested at `now`, if it still was at `was` (another node did not first).
pub async fn mark_digested(conn: &mut Conn, id: i64, was: i64, now: i64) -> CrmResult<bool> {
    let changed = db::execute(
        conn,
        "UPDATE follows SET last_digest_at = $1 WHERE id = $2 AND last_digest_at = $3",
        (now, id, was),
    )
    .await?;
    Ok(changed == 1)
}

/// Metres between two points (haversine).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1, lat2, lon2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// The public requests of `follow`'s city that changed (filed or moved) after `since`: the one it
/// follows, or those in its area (when the city shows locations).
pub async fn changes(conn: &mut Conn, follow: &Follow, since: i64) -> CrmResult<Vec<Case>> {
    match &follow.target {
        Target::Request(id) => {
            let case = cases::get(conn, &follow.city, *id).await?;
            Ok((case.public && case.updated_at > since)
                .then_some(case)
                .into_iter()
                .collect())
        }
        Target::Area {
            latitude,
            longitude,
            radius_m,
        } => {
            // A box around the circle first (1 degree of latitude is about 111 km), then the circle.
            let dlat = *radius_m as f64 / 111_000.0;
            let dlon = dlat / latitude.to_radians().cos().max(0.01);
            let rows = sqlx::query(
                "SELECT id FROM cases WHERE city = $1 AND public <> 0 AND updated_at > $2 \
                 AND latitude BETWEEN $3 AND $4 AND longitude BETWEEN $5 AND $6 ORDER BY id LIMIT 100",
            )
            .binds((
                &follow.city,
                since,
                latitude - dlat,
                latitude + dlat,
                longitude - dlon,
                longitude + dlon,
            ))
            .fetch_all(&mut *conn)
            .await?;
            let mut found = Vec::new();
            for row in rows {
                let case = cases::get(conn, &follow.city, row.try_get("id")?).await?;
                let inside = case
                    .location
                    .as_ref()
                    .and_then(|l| Some((l.latitude?, l.longitude?)))
                    .is_some_and(|at| distance_m(at, (*latitude, *longitude)) <= *radius_m as f64);
                if inside {
                    found.push(case);
                }
            }
            Ok(found)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_in_metres() {
        let d = distance_m((45.4642, 9.19), (45.4642, 9.2028));
        assert!((d - 1_000.0).abs() < 15.0, "{d}");
        assert_eq!(distance_m((1.0, 1.0), (1.0, 1.0)), 0.0);
    }
}
