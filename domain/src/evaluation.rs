//! How each service of a city performs: volume, first response, time to resolve, SLA hits,
//! reopenings, satisfaction and outreach, over the requests filed in a time window. The rows are
//! read here; the figures are computed by `figures`, a pure function the tests check by hand.

use crate::db::Binds;
use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::Row;

use super::CrmResult;
use crate::db::Conn;

/// One request, as the figures need it.
#[derive(Clone, Debug, Default)]
pub struct RequestFacts {
    pub created_at: i64,
    pub due_at: Option<i64>,
    pub resolved_at: Option<i64>,
    /// When staff first moved it (a status change after filing), if ever.
    pub first_response_at: Option<i64>,
    /// Whether it was reopened after a resolution.
    pub reopened: bool,
    /// Its citizen's rating, if any.
    pub rating: Option<i64>,
}

/// A service's figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub service: String,
    /// Requests filed in the window (cases and immediate answers).
    pub volume: i64,
    /// Seconds from filing to staff's first move, median (of those moved).
    pub first_response_median: Option<i64>,
    /// Seconds from filing to resolution: median and 90th percentile (of those resolved).
    pub resolve_median: Option<i64>,
    pub resolve_p90: Option<i64>,
    /// Of the resolved requests that had a due date, the share resolved by it (0 to 1).
    pub sla_hit_rate: Option<f64>,
    /// Of the resolved requests, the share reopened after a resolution (0 to 1).
    pub reopen_rate: Option<f64>,
    /// Satisfaction: mean score, number of ratings, and how many gave 1, 2, 3, 4, 5.
    pub satisfaction_mean: Option<f64>,
    pub satisfaction_count: i64,
    pub satisfaction_distribution: [i64; 5],
    /// Messages the service queued in the window, by what became of them.
    pub messages_sent: i64,
    pub messages_pending: i64,
    pub messages_dead: i64,
    pub messages_suppressed: i64,
    /// Its articles read (once per visitor and article), "this answered my question" votes on
    /// them, and visitors who read one from its form and did not file within a day.
    #[serde(default)]
    pub article_views: i64,
    #[serde(default)]
    pub answered_votes: i64,
    #[serde(default)]
    pub filings_avoided: i64,
}

/// The value at fraction `p` (0 to 1) of `sorted`, nearest rank.
fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// The figures of `service` from its requests' facts and its messages' statuses.
pub fn figures(
    service: &str,
    requests: &[RequestFacts],
    messages: &BTreeMap<String, i64>,
) -> Figures {
    let mut first: Vec<i64> = requests
        .iter()
        .filter_map(|r| r.first_response_at.map(|at| at - r.created_at))
        .collect();
    first.sort_unstable();
    let resolved: Vec<&RequestFacts> = requests
        .iter()
        .filter(|r| r.resolved_at.is_some())
        .collect();
    let mut resolve: Vec<i64> = resolved
        .iter()
        .map(|r| r.resolved_at.unwrap() - r.created_at)
        .collect();
    resolve.sort_unstable();
    let with_due: Vec<&&RequestFacts> = resolved.iter().filter(|r| r.due_at.is_some()).collect();
    let share = |part: usize, whole: usize| (whole > 0).then(|| part as f64 / whole as f64);
    let mut distribution = [0i64; 5];
    let ratings: Vec<i64> = requests.iter().filter_map(|r| r.rating).collect();
    for score in &ratings {
        if (1..=5).contains(score) {
            distribution[(*score - 1) as usize] += 1;
        }
    }
    let count = |status: &str| messages.get(status).copied().unwrap_or(0);
    Figures {
        service: service.to_string(),
        volume: requests.len() as i64,
        first_response_median: percentile(&first, 0.5),
        resolve_median: percentile(&resolve, 0.5),
        resolve_p90: percentile(&resolve, 0.9),
        sla_hit_rate: share(
            with_due
                .iter()
                .filter(|r| r.resolved_at.unwrap() <= r.due_at.unwrap())
                .count(),
            with_due.len(),
        ),
        reopen_rate: share(
            resolved.iter().filter(|r| r.reopened).count(),
            resolved.len(),
        ),
        satisfaction_mean: (!ratings.is_empty())
            .then(|| ratings.iter().sum::<i64>() as f64 / ratings.len() as f64),
        satisfaction_count: ratings.len() as i64,
        satisfaction_distribution: distribution,
        messages_sent: count("sent"),
        messages_pending: count("pending"),
        messages_dead: count("dead"),
        messages_suppressed: count("suppressed"),
        article_views: 0,
        answered_votes: 0,
        filings_avoided: 0,
    }
}

/// The facts of the requests of `city`, by service, filed from `from` to `to`.
pub async fn requests(
    conn: &mut Conn,
    city: &str,
    from: i64,
    to: i64,
) -> CrmResult<BTreeMap<String, Vec<RequestFacts>>> {
    let rows = sqlx::query(
        "SELECT c.id, c.service, c.created_at, c.due_at, c.resolved_at, r.score, \
           (SELECT MIN(h.at) FROM case_history h WHERE h.city = c.city AND h.case_id = c.id AND h.from_status IS NOT NULL) AS first_move, \
           (SELECT COUNT(*) FROM case_history h WHERE h.city = c.city AND h.case_id = c.id AND h.from_status = 'resolved' AND h.to_status = 'in_progress') AS reopenings \
         FROM cases c LEFT JOIN ratings r ON r.city = c.city AND r.case_id = c.id \
         WHERE c.city = $1 AND c.created_at >= $2 AND c.created_at <= $3 ORDER BY c.id",
    )
    .binds((city, from, to))
    .fetch_all(&mut *conn)
    .await?;
    let mut by_service: BTreeMap<String, Vec<RequestFacts>> = BTreeMap::new();
    for row in rows {
        let service: String = row.try_get("service")?;
        by_service.entry(service).or_default().push(RequestFacts {
            created_at: row.try_get("created_at")?,
            due_at: row.try_get("due_at")?,
            resolved_at: row.try_get("resolved_at")?,
            first_response_at: row.try_get("first_move")?,
            reopened: row.try_get::<i64, _>("reopenings")? > 0,
            rating: row.try_get("score")?,
        });
    }
    Ok(by_service)
}

/// The messages of `city` queued from `from` to `to`, counted by service and status.
pub async fn messages(
    conn: &mut Conn,
    city: &str,
    from: i64,
    to: i64,
) -> CrmResult<BTreeMap<String, BTreeMap<String, i64>>> {
    let rows = sqlx::query(
        "SELECT service, status, COUNT(*) AS n FROM outbox WHERE city = $1 AND created_at >= $2 AND created_at <= $3 \
         AND channel <> 'webhook' GROUP BY service, status",
    )
    .binds((city, from, to))
    .fetch_all(&mut *conn)
    .await?;
    let mut counts: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for row in rows {
        counts
            .entry(row.try_get("service")?)
            .or_default()
            .insert(row.try_get("status")?, row.try_get("n")?);
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_of_a_small_set_computed_by_hand() {
        let request = |created,
                       resolved: Option<i64>,
                       due: Option<i64>,
                       first: Option<i64>,
                       reopened,
                       rating| RequestFacts {
            created_at: created,
            resolved_at: resolved,
            due_at: due,
            first_response_at: first,
            reopened,
            rating,
        };
        let set = [
            request(0, Some(100), Some(150), Some(10), false, Some(5)),
            request(0, Some(200), Some(150), Some(20), true, Some(3)),
            request(0, Some(300), None, Some(30), false, None),
            request(0, None, Some(50), None, false, None),
        ];
        let figures = figures("s", &set, &BTreeMap::from([("sent".to_string(), 2)]));
        assert_eq!(figures.volume, 4);
        assert_eq!(figures.first_response_median, Some(20));
        assert_eq!(
            (figures.resolve_median, figures.resolve_p90),
            (Some(200), Some(300))
        );
        assert_eq!(figures.sla_hit_rate, Some(0.5));
        assert_eq!(figures.reopen_rate, Some(1.0 / 3.0));
        assert_eq!(figures.satisfaction_mean, Some(4.0));
        assert_eq!(figures.satisfaction_distribution, [0, 0, 1, 0, 1]);
        assert_eq!((figures.messages_sent, figures.messages_dead), (2, 0));
    }
}
