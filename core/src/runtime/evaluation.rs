//! Evaluating a city's pilots: each service's figures over a window, for staff, as JSON or CSV.

use super::proofs::Staff;
use super::{Carmen, RuntimeError};
use crate::crm::cities;
use crate::crm::evaluation::{self, Figures};

impl Carmen {
    /// The figures of every service of the staff member's city over the requests filed from
    /// `from` to `to`.
    pub async fn evaluation(
        &self,
        staff: &Staff,
        from: i64,
        to: i64,
    ) -> Result<Vec<Figures>, RuntimeError> {
        let city = staff.city();
        let mut conn = self.db.read().await?;
        cities::get(&mut conn, city).await?;
        let requests = evaluation::requests(&mut conn, city, from, to).await?;
        let messages = evaluation::messages(&mut conn, city, from, to).await?;
        let reading = crate::crm::knowledge::reading(&mut conn, city, from, to).await?;
        // The city's services: those with requests, and those installed (not the host's own
        // messages, such as account codes).
        let installed: Vec<String> = crate::crm::installs::list(&mut conn, city)
            .await?
            .into_iter()
            .map(|i| i.code)
            .collect();
        let mut services: Vec<&String> = requests
            .keys()
            .chain(messages.keys().filter(|s| installed.contains(s)))
            .chain(reading.keys().filter(|s| installed.contains(s)))
            .collect();
        services.sort();
        services.dedup();
        Ok(services
            .into_iter()
            .map(|service| {
                let mut figures = evaluation::figures(
                    service,
                    requests.get(service).map(Vec::as_slice).unwrap_or_default(),
                    &messages.get(service).cloned().unwrap_or_default(),
                );
                let read = reading.get(service).copied().unwrap_or_default();
                figures.article_views = read.views;
                figures.answered_votes = read.answered;
                figures.filings_avoided = read.avoided;
                figures
            })
            .collect())
    }
}

impl Carmen {
    /// How many requests each service of `city` received in each `step` seconds from `from` up
    /// to (not including) `to`: one count per step, zeros included, from one read of the period.
    pub async fn volume_trend(
        &self,
        staff: &Staff,
        from: i64,
        to: i64,
        step: i64,
    ) -> Result<std::collections::BTreeMap<String, Vec<(i64, i64)>>, RuntimeError> {
        let city = staff.city();
        let step = step.max(1);
        let steps = ((to - from).max(0) + step - 1) / step;
        let mut conn = self.db.read().await?;
        cities::get(&mut conn, city).await?;
        let requests = evaluation::requests(&mut conn, city, from, to - 1).await?;
        Ok(requests
            .into_iter()
            .map(|(service, filed)| {
                let mut counts: Vec<(i64, i64)> =
                    (0..steps).map(|n| (from + n * step, 0)).collect();
                for request in filed {
                    let n = (request.created_at - from) / step;
                    if let Some(count) = usize::try_from(n).ok().and_then(|n| counts.get_mut(n)) {
                        count.1 += 1;
                    }
                }
                (service, counts)
            })
            .collect())
    }
}

/// `figures` as CSV: a header line, then one line per service.
pub fn csv(figures: &[Figures]) -> String {
    let mut out = String::from(
        "service,volume,first_response_median_s,resolve_median_s,resolve_p90_s,sla_hit_rate,reopen_rate,satisfaction_mean,satisfaction_count,satisfied_1,satisfied_2,satisfied_3,satisfied_4,satisfied_5,messages_sent,messages_pending,messages_dead,messages_suppressed,article_views,answered_votes,filings_avoided\n",
    );
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let rate = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
    for f in figures {
        let d = f.satisfaction_distribution;
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            f.service,
            f.volume,
            opt(f.first_response_median),
            opt(f.resolve_median),
            opt(f.resolve_p90),
            rate(f.sla_hit_rate),
            rate(f.reopen_rate),
            rate(f.satisfaction_mean),
            f.satisfaction_count,
            d[0],
            d[1],
            d[2],
            d[3],
            d[4],
            f.messages_sent,
            f.messages_pending,
            f.messages_dead,
            f.messages_suppressed,
            f.article_views,
            f.answered_votes,
            f.filings_avoided
        ));
    }
    out
}
