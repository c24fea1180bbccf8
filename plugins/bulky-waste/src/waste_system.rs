//! The city's own waste system (setting `waste-system`, capability `http`): when an install names
//! it, pickups are booked there — on its free slots, under its reference — instead of in the
//! service's own calendar. `examples/waste-system/` is a small one to try it with. What it answers:
//!
//! - `GET /slots?from=YYYY-MM-DD&to=YYYY-MM-DD` → `200 {"slots": ["YYYY-MM-DD", ...]}`
//! - `POST /bookings {"day", "address", "items"}` → `201 {"reference": "..."}`, or `409` when the
//!   day filled up meanwhile
//! - `DELETE /bookings/{reference}` → `204` (or `404`: gone already)

use carmen_sdk::config;
use carmen_sdk::dates::{format_day, parse_day};
use carmen_sdk::http;
use time::Date;

/// How a booking there went.
pub enum Booked {
    /// Booked on this day under this reference.
    At(Date, String),
    /// No free slot on any of the days asked.
    Full,
}

/// The waste system's address, when the install names one.
pub fn address() -> Option<String> {
    let host = config::get("waste-system")?;
    let host = host.trim().trim_end_matches('/');
    if host.is_empty() {
        return None;
    }
    Some(
        if host.starts_with("http://") || host.starts_with("https://") {
            host.to_string()
        } else {
            format!("https://{host}")
        },
    )
}

fn json(response: &http::Response) -> Result<serde_json::Value, String> {
    serde_json::from_slice(&response.body).map_err(|e| {
        format!(
            "the waste system answered {} with no JSON: {e}",
            response.status
        )
    })
}

/// Books the earliest of `days` the waste system has free.
pub fn book(base: &str, days: &[Date], address: &str, items: &[String]) -> Result<Booked, String> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(Booked::Full);
    };
    let url = format!(
        "{base}/slots?from={}&to={}",
        format_day(*first),
        format_day(*last)
    );
    let answer = http::get(&url)?;
    if !answer.is_success() {
        return Err(format!(
            "the waste system answered {} to {url}",
            answer.status
        ));
    }
    let free: Vec<Date> = json(&answer)?["slots"]
        .as_array()
        .map(|slots| {
            slots
                .iter()
                .filter_map(|s| s.as_str().and_then(parse_day))
                .filter(|day| days.contains(day))
                .collect()
        })
        .unwrap_or_default();
    // A slot may fill between the two requests: try the next few.
    for day in free.into_iter().take(3) {
        let body = serde_json::json!({
            "day": format_day(day),
            "address": address,
            "items": items,
        });
        let answer = http::post_json(&format!("{base}/bookings"), &body.to_string())?;
        match answer.status {
            409 => continue,
            200 | 201 => {
                let reference = json(&answer)?["reference"]
                    .as_str()
                    .filter(|r| !r.is_empty() && r.len() <= 64 && !r.contains(['/', '\n']))
                    .ok_or("the waste system's booking has no reference")?
                    .to_ascii_uppercase();
                return Ok(Booked::At(day, reference));
            }
            status => return Err(format!("the waste system answered {status} to a booking")),
        }
    }
    Ok(Booked::Full)
}

/// Cancels booking `reference` in the waste system; one it no longer has is cancelled already.
pub fn cancel(base: &str, reference: &str) -> Result<(), String> {
    let answer = http::delete(&format!("{base}/bookings/{reference}"))?;
    match answer.status {
        200 | 202 | 204 | 404 => Ok(()),
        status => Err(format!(
            "the waste system answered {status} to cancelling {reference}"
        )),
    }
}
