//! The evaluation in the city console: each service's figures as a table, and its satisfaction as
//! a bar chart drawn on the server (SVG, no script).

use axum::extract::{Path, State};
use maud::{Markup, html};

use super::pages::{Answer, OrPage, Page, StaffPage};
use crate::i18n::Texts;
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
fn satisfaction_chart(t: Texts, figures: &Figures) -> Markup {
    let counts = figures.satisfaction_distribution;
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    let label = t.with(
        "eval-distribution",
        &[
            ("service", &figures.service),
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
    let (width, height, bar) = (200, 60, 30);
    html! {
        svg.chart role="img" aria-label=(label) width=(width) height=(height + 16) viewBox={ "0 0 " (width) " " (height + 16) } {
            title { (label) }
            @for (i, count) in counts.iter().enumerate() {
                @let h = (count * height as i64 / most) as i32;
                @let x = i as i32 * (bar + 10) + 5;
                rect x=(x) y=(height - h) width=(bar) height=(h) fill="#1d4f91" {}
                text x=(x + bar / 2) y=(height + 13) text-anchor="middle" font-size="12" fill="#0b0c0c" { (i + 1) }
            }
        }
    }
}

/// `GET /{city}/console/evaluation`: the last 90 days.
pub async fn page(
    State(carmen): State<Carmen>,
    Path(slug): Path<String>,
    page: StaffPage,
) -> Answer {
    let to = now();
    let figures = carmen
        .evaluation(&slug, to - 90 * 86_400, to)
        .await
        .or_fail(&page)?;
    let t = page.texts();
    let title = t.t("eval-title");
    let main = html! {
        h1 { (title) }
        p.lead { (t.t("eval-lead")) }
        @if figures.is_empty() {
            p { (t.t("eval-none")) }
        } @else {
            table #evaluation {
                thead { tr {
                    th scope="col" { (t.t("eval-service")) }
                    th scope="col" { (t.t("eval-volume")) }
                    th scope="col" { (t.t("eval-first-response")) }
                    th scope="col" { (t.t("eval-resolve")) }
                    th scope="col" { (t.t("eval-sla")) }
                    th scope="col" { (t.t("eval-reopen")) }
                    th scope="col" { (t.t("eval-satisfaction")) }
                    th scope="col" { (t.t("eval-messages")) }
                } }
                tbody {
                    @for f in &figures {
                        tr {
                            th scope="row" { (f.service) }
                            td { (f.volume) }
                            td { (duration(f.first_response_median)) }
                            td { (duration(f.resolve_median)) " / " (duration(f.resolve_p90)) }
                            td { (share(f.sla_hit_rate)) }
                            td { (share(f.reopen_rate)) }
                            td {
                                (f.satisfaction_mean.map_or_else(|| "—".into(), |m| format!("{m:.1} / 5"))) " (" (f.satisfaction_count) ")"
                                br;
                                (satisfaction_chart(t, f))
                            }
                            td { (f.messages_sent) " / " (f.messages_dead) " / " (f.messages_suppressed) }
                        }
                    }
                }
            }
            p { a href={ "/api/v1/cities/" (slug) "/evaluation?format=csv" } download="evaluation.csv" { (t.t("eval-csv")) } }
        }
    };
    Ok(page.show(&title, main))
}
