//! The evaluation in the city console: each service's figures as a table, and its satisfaction as
//! a bar chart drawn on the server (SVG, no script).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use maud::{Markup, html};
use serde::Deserialize;

use super::answers::problem_summary;
use super::layout::column_heads;
use super::pages::{Answer, Asked, OrPage, Page, StaffPage};
use crate::i18n::{Clock, Texts};
use crate::runtime::Carmen;
use crate::runtime::types::Figures;
use crate::runtime::types::now;

/// A duration in seconds, readable: minutes, hours or days.
fn duration(seconds: Option<i64>) -> String {
    match seconds {
        None => "—".into(),
        Some(s) if s < 3_600 => format!("{} min", (s + 59) / 60),
        Some(s) if s < 172_800 => format!("{:.1} h", s as f64 / 3_600.0),
        Some(s) => format!("{:.1} d", s as f64 / 86_400.0),
    }
}

fn share(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".into(), |r| format!("{:.0}%", r * 100.0))
}

/// The satisfaction of one service as five bars (1 to 5), labelled for screen readers.
fn satisfaction_chart(t: Texts, name: &str, figures: &Figures) -> Markup {
    let counts = figures.satisfaction_distribution;
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    let label = t.with(
        "eval-distribution",
        &[
            ("service", name),
            (
                "counts",
                &counts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{}: {c}", i + 1))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ],
    );
    let (width, height, bar) = (260, 80, 40);
    html! {
        svg.chart role="img" aria-label=(label) width=(width) height=(height + 16) viewBox={ "0 0 " (width) " " (height + 16) } {
            title { (label) }
            @for (i, count) in counts.iter().enumerate() {
                @let h = (count * height as i64 / most) as i32;
                @let x = i as i32 * (bar + 12) + 6;
                rect x=(x) y=(height - h) width=(bar) height=(h) fill="#1d4f91" {}
                text x=(x + bar / 2) y=(height + 13) text-anchor="middle" font-size="12" fill="#0b0c0c" { (i + 1) }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

/// Days the page looks back by default.
const DEFAULT_DAYS: i64 = 90;
/// The most points a trend has: a longer period makes each point span more days.
const MOST_POINTS: i64 = 26;

/// `YYYY-MM-DD` as the unix time of that day's start on the city's clock.
fn day(text: &str, clock: Clock) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text.trim(), format).ok()?;
    let midnight = date.midnight().assume_utc().unix_timestamp();
    Some(midnight - clock.offset_at(midnight))
}

/// The start of the day after the one `at` is in, on the city's clock.
fn next_day_start(at: i64, clock: Clock) -> i64 {
    let local = at + clock.offset_at(at);
    let next = (local.div_euclid(86_400) + 1) * 86_400;
    next - clock.offset_at(next)
}

/// The day `at` is in on the city's clock, as `YYYY-MM-DD`.
fn day_text(at: i64, clock: Clock) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(at + clock.offset_at(at))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// One service's requests over the period, a bar a step, labelled for screen readers.
fn trend_chart(t: Texts, name: &str, steps: &[(i64, i64)]) -> Markup {
    let most = steps.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let label = t.with(
        "eval-trend-of",
        &[
            ("service", name),
            (
                "points",
                &steps
                    .iter()
                    .map(|(at, volume)| format!("{}: {volume}", t.date(*at)))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ],
    );
    let (height, bar, gap) = (80_i64, 14_i64, 4_i64);
    let width = steps.len() as i64 * (bar + gap) + gap;
    html! {
        svg.chart.trend role="img" aria-label=(label) width=(width) height=(height + 4) viewBox={ "0 0 " (width) " " (height + 4) } {
            title { (label) }
            line x1="0" y1=(height) x2=(width) y2=(height) stroke="#505a5f" {}
            @for (i, (_, volume)) in steps.iter().enumerate() {
                @let h = volume * (height - 4) / most;
                rect x=(gap + i as i64 * (bar + gap)) y=(height - h) width=(bar) height=(h) fill="#1d4f91" {}
            }
        }
    }
}

/// `GET /{city}/console/evaluation` (`?from=&to=`, days; the last 90 by default): each service's
/// figures, its trend over the period, its satisfaction.
pub async fn page(
    State(carmen): State<Carmen>,
    Path(slug): Path<String>,
    Asked(period): Asked<Period>,
    page: StaffPage,
) -> Answer {
    let t = page.texts();
    // Days are the city's: a period starts and ends at midnight on its clock.
    let clock = t.clock;
    let day = |text: &str| day(text, clock);
    let today_end = next_day_start(now(), clock);
    let asked_to = period.to.as_deref().filter(|s| !s.trim().is_empty());
    let asked_from = period.from.as_deref().filter(|s| !s.trim().is_empty());
    let to = asked_to
        .and_then(day)
        .map_or(today_end, |d| next_day_start(d, clock));
    let from = asked_from
        .and_then(day)
        .unwrap_or(to - DEFAULT_DAYS * 86_400);
    let wrong = (asked_to.is_some() && asked_to.and_then(day).is_none())
        || (asked_from.is_some() && asked_from.and_then(day).is_none())
        || from >= to;
    let (from, to) = if wrong {
        (today_end - DEFAULT_DAYS * 86_400, today_end)
    } else {
        (from, to)
    };
    // The requests filed from the first day's start to the last day's end (`to` is the next
    // day's start, which the period does not hold).
    let figures = carmen
        .evaluation(&page.staff, from, to - 1)
        .await
        .or_fail(&page)?;
    // The trend: the period in at most `MOST_POINTS` steps of whole days, each service's
    // (those of the table, a service with no request in the period flat at zero).
    let days = (to - from) / 86_400;
    let step = ((days + MOST_POINTS - 1) / MOST_POINTS).max(1) * 86_400;
    let mut counted = carmen
        .volume_trend(&page.staff, from, to, step)
        .await
        .or_fail(&page)?;
    let trend: BTreeMap<String, Vec<(i64, i64)>> = figures
        .iter()
        .map(|f| {
            let steps = counted.remove(&f.service).unwrap_or_else(|| {
                (from..to)
                    .step_by(step as usize)
                    .map(|at| (at, 0))
                    .collect()
            });
            (f.service.clone(), steps)
        })
        .collect();
    let names = carmen
        .service_names(&slug, t.language)
        .await
        .unwrap_or_default();
    let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_string());
    let title = t.t("eval-title");
    let main = html! {
        h1 { (title) }
        p.lead { (t.with("eval-period", &[("from", &t.date(from)), ("to", &t.date(to - 1))])) }
        (problem_summary(wrong.then(|| t.t("eval-period-wrong")).as_deref()))
        form.filters method="get" action=(page.at.path) aria-label=(t.t("eval-period-choose")) {
            div.field {
                label for="from" { (t.t("eval-from")) }
                input #from type="date" name="from" value=(day_text(from, clock));
            }
            div.field {
                label for="to" { (t.t("eval-to")) }
                input #to type="date" name="to" value=(day_text(to - 1, clock));
            }
            button type="submit" { (t.t("eval-show")) }
        }
        @if figures.is_empty() {
            p { (t.t("eval-none")) }
        } @else {
            table #evaluation {
                (column_heads(t, &[
                    "eval-service", "eval-volume", "eval-first-response", "eval-resolve",
                    "eval-sla", "eval-reopen", "eval-satisfaction", "eval-messages",
                    "eval-articles",
                ]))
                tbody {
                    @for f in &figures {
                        tr {
                            th scope="row" { (name(&f.service)) }
                            td { (f.volume) }
                            td { (duration(f.first_response_median)) }
                            td { (duration(f.resolve_median)) " / " (duration(f.resolve_p90)) }
                            td { (share(f.sla_hit_rate)) }
                            td { (share(f.reopen_rate)) }
                            td {
                                (f.satisfaction_mean.map_or_else(|| "—".into(), |m| format!("{m:.1} / 5"))) " (" (f.satisfaction_count) ")"
                                br;
                                (satisfaction_chart(t, &name(&f.service), f))
                            }
                            td { (f.messages_sent) " / " (f.messages_dead) " / " (f.messages_suppressed) }
                            td { (f.article_views) " / " (f.answered_votes) " / " (f.filings_avoided) }
                        }
                    }
                }
            }
            h2 { (t.t("eval-trend")) }
            p { (t.with("eval-trend-lead", &[("days", &(step / 86_400).to_string())])) }
            ul.trends #trends {
                @for (service, steps) in &trend {
                    li {
                        h3 { (name(service)) }
                        (trend_chart(t, &name(service), steps))
                    }
                }
            }
            p { a href={ "/api/v1/cities/" (slug) "/evaluation?format=csv&from=" (day_text(from, clock)) "&to=" (day_text(to - 1, clock)) } download="evaluation.csv" { (t.t("eval-csv")) } }
        }
    };
    Ok(page.show(&title, main))
}
