//! The console's knowledge base: the city's articles, drafts included, each written one language
//! at a time (title, body, status, until, known problem, the services it is about), and its
//! saved replies. Staff of the city only; every change audited by the runtime.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use maud::{Markup, html};
use serde::Deserialize;

use super::answers::when;
use super::layout::column_heads;
use super::pages::{Answer, Asked, OrPage, Page, Posted, StaffPage};
use crate::i18n::{LANGUAGES, Texts};
use crate::runtime::Carmen;
use crate::runtime::types::{Article, ArticleDraft, ArticleStatus, ArticleText, NewReply};

/// Which language of an article the form writes.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LanguageQuery {
    language: Option<String>,
}

fn status_name(t: Texts, status: ArticleStatus) -> String {
    t.t(match status {
        ArticleStatus::Draft => "kb-draft",
        ArticleStatus::Published => "kb-published",
    })
}

/// `GET /{city}/console/articles`: the city's articles and saved replies.
pub async fn list(State(carmen): State<Carmen>, page: StaffPage) -> Answer {
    let t = page.texts();
    let slug = &page.at.city.slug;
    let articles = carmen
        .articles(slug, Some(&page.staff), None, (0, 100))
        .await
        .or_fail(&page)?;
    let replies = carmen.saved_replies(&page.staff).await.or_fail(&page)?;
    let csrf = page.at.visitor.csrf.value();
    let title = t.t("kb-title");
    let main = html! {
        h1 { (title) }
        p { a #new-article href={ "/" (slug) "/console/articles/new" } { (t.t("kb-new")) } }
        @if articles.is_empty() {
            p { (t.t("kb-none")) }
        } @else {
            table #articles {
                (column_heads(t, &["kb-article", "kb-status", "kb-languages", "kb-updated"]))
                tbody {
                    @for article in &articles {
                        tr {
                            td {
                                a href={ "/" (slug) "/console/articles/" (article.id) } {
                                    (article.text_in(t.language, "en").map(|(_, text)| text.title.clone()).unwrap_or_default())
                                }
                            }
                            td { (status_name(t, article.status)) @if article.known_issue { " · " (t.t("help-known-short")) } }
                            td { (article.texts.keys().cloned().collect::<Vec<_>>().join(", ")) }
                            td { (when(t, article.updated_at)) }
                        }
                    }
                }
            }
        }
        h2 #replies-title { (t.t("kb-replies")) }
        @if !replies.is_empty() {
            ul #replies {
                @for reply in &replies {
                    li { strong { (reply.name) } " (" (reply.texts.keys().cloned().collect::<Vec<_>>().join(", ")) ")" }
                }
            }
        }
        form #new-reply method="post" action={ "/" (slug) "/console/replies" } aria-labelledby="replies-title" {
            input type="hidden" name=(super::csrf::FIELD) value=(csrf);
            div.field {
                label for="reply-name" { (t.t("kb-reply-name")) }
                input #reply-name type="text" name="name" required maxlength="120";
            }
            div.field {
                label for="reply-language" { (t.t("kb-language")) }
                select #reply-language name="language" {
                    @for (code, name) in LANGUAGES { option value=(code) selected[*code == t.language] { (name) } }
                }
            }
            div.field {
                label for="reply-text" { (t.t("kb-reply-text")) }
                p.hint #reply-text-hint { (t.t("kb-reply-hint")) }
                textarea #reply-text name="text" required aria-describedby="reply-text-hint" {}
            }
            button #save-reply type="submit" { (t.t("kb-save-reply")) }
        }
    };
    Ok(page.show(&title, main))
}

/// The form that writes one language of `article` (a new one when `None`).
fn editor(
    page: &StaffPage,
    article: Option<&Article>,
    language: &str,
    services: &[(String, String)],
) -> Markup {
    let t = page.texts();
    let slug = &page.at.city.slug;
    let text = article.and_then(|a| a.texts.get(language));
    let action = match article {
        Some(a) => format!("/{slug}/console/articles/{}", a.id),
        None => format!("/{slug}/console/articles"),
    };
    // Kept as the start of the day after the last day shown (UTC).
    let until = article.and_then(|a| a.until).map(|at| {
        let day = time::OffsetDateTime::from_unix_timestamp(at - 1)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
            .date();
        format!(
            "{:04}-{:02}-{:02}",
            day.year(),
            u8::from(day.month()),
            day.day()
        )
    });
    html! {
        @if let Some(article) = article {
            p {
                (t.t("kb-other-languages")) " "
                @for (code, name) in LANGUAGES {
                    a href={ "/" (slug) "/console/articles/" (article.id) "?language=" (code) } aria-current=[(*code == language).then_some("page")] {
                        (name) @if article.texts.contains_key(*code) { " ✓" }
                    }
                    " "
                }
            }
            @if article.status == ArticleStatus::Published {
                p { a href={ "/" (slug) "/help/" (article.id) "?language=" (language) } { (t.t("kb-see-public")) } }
            }
        }
        form #article method="post" action=(action) {
            input type="hidden" name=(super::csrf::FIELD) value=(page.at.visitor.csrf.value());
            input type="hidden" name="language" value=(language);
            div.field {
                label for="title" { (t.t("kb-article-title")) " (" (language) ")" }
                input #title type="text" name="title" required maxlength="200" value=[text.map(|x| x.title.as_str())];
            }
            div.field {
                label for="body" { (t.t("kb-body")) }
                p.hint #body-hint { (t.t("kb-body-hint")) }
                textarea #body name="body" rows="12" aria-describedby="body-hint" { (text.map(|x| x.body.as_str()).unwrap_or_default()) }
            }
            div.field {
                label for="status" { (t.t("kb-status")) }
                select #status name="status" {
                    @for status in [ArticleStatus::Draft, ArticleStatus::Published] {
                        option value=(if status == ArticleStatus::Draft { "draft" } else { "published" })
                            selected[article.map_or(status == ArticleStatus::Draft, |a| a.status == status)] { (status_name(t, status)) }
                    }
                }
            }
            div.choice {
                input #known-issue type="checkbox" name="known_issue" value="1" checked[article.is_some_and(|a| a.known_issue)];
                label for="known-issue" { (t.t("kb-known-issue")) }
            }
            div.field {
                label for="until" { (t.t("kb-until")) }
                input #until type="date" name="until" value=[until.as_deref()];
            }
            @if !services.is_empty() {
                fieldset {
                    legend { (t.t("kb-services")) }
                    @for (code, name) in services {
                        div.choice {
                            input type="checkbox" id={ "service-" (code) } name="service" value=(code) checked[article.is_some_and(|a| a.services.contains(code))];
                            label for={ "service-" (code) } { (name) }
                        }
                    }
                }
            }
            button #save-article type="submit" { (t.t("kb-save")) }
        }
    }
}

async fn services_of(carmen: &Carmen, page: &StaffPage) -> Vec<(String, String)> {
    carmen
        .service_names(&page.at.city.slug, page.texts().language)
        .await
        .map(|names| names.into_iter().collect())
        .unwrap_or_default()
}

/// `GET /{city}/console/articles/new`: a new article's first language.
pub async fn new_page(
    State(carmen): State<Carmen>,
    Asked(asked): Asked<LanguageQuery>,
    page: StaffPage,
) -> Answer {
    let language = asked
        .language
        .unwrap_or_else(|| page.texts().language.to_string());
    let services = services_of(&carmen, &page).await;
    let t = page.texts();
    let title = t.t("kb-new");
    let main = html! {
        p { a href={ "/" (page.at.city.slug) "/console/articles" } { (t.t("kb-title")) } }
        h1 { (title) }
        (editor(&page, None, &language, &services))
    };
    Ok(page.show(&title, main))
}

/// `GET /{city}/console/articles/{id}`: one language of an article, to write.
pub async fn edit_page(
    State(carmen): State<Carmen>,
    Path((slug, id)): Path<(String, String)>,
    Asked(asked): Asked<LanguageQuery>,
    page: StaffPage,
) -> Answer {
    let id = page.id(&id)?;
    let article = carmen
        .article(&slug, id, Some(&page.staff))
        .await
        .or_fail(&page)?;
    let t = page.texts();
    let language = asked
        .language
        .or_else(|| {
            article
                .text_in(t.language, "en")
                .map(|(l, _)| l.to_string())
        })
        .unwrap_or_else(|| t.language.to_string());
    let services = services_of(&carmen, &page).await;
    let title = article
        .text_in(&language, "en")
        .map(|(_, text)| text.title.clone())
        .unwrap_or_default();
    let main = html! {
        p { a href={ "/" (slug) "/console/articles" } { (t.t("kb-title")) } }
        h1 { (title) }
        (editor(&page, Some(&article), &language, &services))
    };
    Ok(page.show(&title, main))
}

/// The article the form describes: `before`'s other languages kept, this one written.
fn draft_of(posted: &Posted<StaffPage>, before: Option<&Article>) -> ArticleDraft {
    let language = posted.value("language").to_string();
    let mut texts = before.map(|a| a.texts.clone()).unwrap_or_default();
    texts.insert(
        language,
        ArticleText {
            title: posted.value("title").to_string(),
            body: posted.form.get("body").cloned().unwrap_or_default(),
        },
    );
    let until = time::Date::parse(
        posted.value("until"),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
    .and_then(|day| day.next_day())
    .map(|day| day.midnight().assume_utc().unix_timestamp());
    ArticleDraft {
        texts,
        tags: before.map(|a| a.tags.clone()).unwrap_or_default(),
        services: posted
            .pairs
            .iter()
            .filter(|(n, _)| n == "service")
            .map(|(_, v)| v.clone())
            .collect(),
        known_issue: posted.form.contains_key("known_issue"),
        until,
        status: if posted.value("status") == "published" {
            ArticleStatus::Published
        } else {
            ArticleStatus::Draft
        },
    }
}

/// `POST /{city}/console/articles`: a new article.
pub async fn create(State(carmen): State<Carmen>, posted: Posted<StaffPage>) -> Answer {
    let page = &posted.page;
    let draft = draft_of(&posted, None);
    let article = carmen
        .write_article(&page.staff, &draft)
        .await
        .or_refuse(page)?;
    Ok(page.done(
        &format!(
            "console/articles/{}?language={}",
            article.id,
            posted.value("language")
        ),
        "saved",
    ))
}

/// `POST /{city}/console/articles/{id}`: one language of an article written.
pub async fn save(
    State(carmen): State<Carmen>,
    Path((slug, id)): Path<(String, String)>,
    posted: Posted<StaffPage>,
) -> Answer {
    let page = &posted.page;
    let id = page.id(&id)?;
    let before = carmen
        .article(&slug, id, Some(&page.staff))
        .await
        .or_fail(page)?;
    let draft = draft_of(&posted, Some(&before));
    carmen
        .rewrite_article(&page.staff, id, &draft)
        .await
        .or_refuse(page)?;
    Ok(page.done(
        &format!(
            "console/articles/{id}?language={}",
            posted.value("language")
        ),
        "saved",
    ))
}

/// `POST /{city}/console/replies`: a saved reply in one language.
pub async fn save_reply(State(carmen): State<Carmen>, posted: Posted<StaffPage>) -> Answer {
    let page = &posted.page;
    let reply = NewReply {
        name: posted.value("name").to_string(),
        texts: BTreeMap::from([(
            posted.value("language").to_string(),
            posted.form.get("text").cloned().unwrap_or_default(),
        )]),
    };
    carmen
        .save_reply(&page.staff, &reply)
        .await
        .or_refuse(page)?;
    Ok(page.done("console/articles", "saved"))
}
