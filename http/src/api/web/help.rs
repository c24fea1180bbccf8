//! The knowledge base on the portal: an article's own page, the articles a search finds (shown
//! before the services it finds), and, on a service's form, the articles and notices linked to
//! it — "is this what you mean?" before a citizen files.

use axum::extract::{Path, State};
use maud::{Markup, html};

use super::markdown;
use super::pages::{Answer, Asked, CityPage, OrPage, Page, Posted};
use crate::i18n::Texts;
use crate::runtime::Carmen;
use crate::runtime::types::{Article, ArticleHit, ArticleText};

/// The reader's language, else English, else the one there is.
fn text_of(t: Texts, article: &Article) -> Option<(&str, &ArticleText)> {
    article.text_in(t.language, "en")
}

/// Who reads, as the evaluation counts them: a hash of their browser's own token.
pub fn visitor(at: &CityPage) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(at.visitor.csrf.value().as_bytes())[..12])
}

/// Where an article was opened from, and whether its reader just said it helped.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ArticleQuery {
    /// The service whose form linked to it.
    from: Option<String>,
}

/// `GET /{city}/help/{id}`: one published article, counted as read.
pub async fn article_page(
    State(carmen): State<Carmen>,
    Path((slug, id)): Path<(String, String)>,
    Asked(asked): Asked<ArticleQuery>,
    at: CityPage,
) -> Answer {
    let id: i64 = id.parse().unwrap_or(-1);
    let article = carmen
        .read_article(&slug, id, asked.from.as_deref(), &visitor(&at))
        .await
        .or_fail(&at)?;
    let t = at.texts();
    let csrf = at.visitor.csrf.value();
    let Some((language, text)) = text_of(t, &article) else {
        return Err(at.say(axum::http::StatusCode::NOT_FOUND, &t.t("help-missing")));
    };
    let services = carmen.services(&slug, t.language).await.unwrap_or_default();
    let main = html! {
        p { a href={ "/" (slug) "/" } { (t.t("form-back")) } }
        article lang=(language) {
            h1 { (text.title) }
            @if article.known_issue { p.notice #known { (t.t("help-known")) } }
            (markdown::render(&text.body))
        }
        p.meta { (t.with("help-updated", &[("date", &t.moment(article.updated_at))])) }
        @if at.done.is_none() {
            form #helpful method="post" action={ "/" (slug) "/help/" (article.id) "/helpful" } {
                input type="hidden" name=(super::csrf::FIELD) value=(csrf);
                button.secondary type="submit" { (t.t("help-helpful")) }
            }
        }
        @let linked: Vec<_> = services.iter().filter(|(i, _)| article.services.contains(&i.code)).collect();
        @if !linked.is_empty() {
            h2 { (t.t("help-services")) }
            ul.services {
                @for (install, d) in linked {
                    li { a href={ "/" (slug) "/services/" (install.code) } { (d.name) } }
                }
            }
        }
    };
    Ok(at.show(&text.title, main))
}

/// `POST /{city}/help/{id}/helpful`: "this answered my question".
pub async fn helpful(
    State(carmen): State<Carmen>,
    Path((slug, id)): Path<(String, String)>,
    posted: Posted<CityPage>,
) -> Answer {
    let at = &posted.page;
    let id: i64 = id.parse().unwrap_or(-1);
    carmen
        .found_helpful(&slug, id, &visitor(at))
        .await
        .or_fail(at)?;
    Ok(at.done(&format!("help/{id}"), "helpful"))
}

/// What a search found among the articles, before the services.
pub fn answers(t: Texts, slug: &str, hits: &[ArticleHit]) -> Markup {
    html! {
        @if !hits.is_empty() {
            section #answers aria-labelledby="answers-title" {
                h2 #answers-title { (t.t("help-answers")) }
                ul.answers {
                    @for hit in hits {
                        li lang=(hit.language) {
                            a href={ "/" (slug) "/help/" (hit.article) } { (hit.title) }
                            @if hit.known_issue { " " strong.tag { (t.t("help-known-short")) } }
                            p {
                                @for part in &hit.snippet {
                                    @if part.matched { mark { (part.text) } } @else { (part.text) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The articles linked to service `code`, for its form: known problems first.
pub fn before_filing(t: Texts, slug: &str, code: &str, articles: &[Article]) -> Markup {
    let mut shown: Vec<(&Article, &str, &ArticleText)> = articles
        .iter()
        .filter_map(|a| text_of(t, a).map(|(l, text)| (a, l, text)))
        .collect();
    shown.sort_by_key(|(a, _, _)| !a.known_issue);
    html! {
        @if !shown.is_empty() {
            aside #before-filing aria-labelledby="before-filing-title" {
                h2 #before-filing-title { (t.t("help-before")) }
                ul {
                    @for (article, language, text) in shown.iter().take(5) {
                        li lang=(language) {
                            a href={ "/" (slug) "/help/" (article.id) "?from=" (code) } { (text.title) }
                            @if article.known_issue { " " strong.tag { (t.t("help-known-short")) } }
                        }
                    }
                }
            }
        }
    }
}
