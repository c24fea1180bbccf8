//! The city's knowledge base: articles its staff write — a version per language, shown in the
//! reader's language, else in English, else in the one there is —, drafts or published, notices shown until a date, linked to
//! services, or saying that a problem is known and needs no report. Found by full-text search in
//! the store the host runs (an FTS5 table on SQLite, a `tsvector` on PostgreSQL) over the words'
//! stems (`words`), so an Italian inflection finds its article; ranked and highlighted here, the
//! same way on both stores.

use crate::db::Binds;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::words;
use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// Most articles a city keeps.
pub const MAX_ARTICLES: i64 = 2_000;
/// The longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest body, in characters.
pub const MAX_BODY: usize = 20_000;
/// Most search results.
pub const MAX_HITS: usize = 20;

/// Whether an article is public.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Staff only.
    #[default]
    Draft,
    /// On the portal (until its `until`, if any).
    Published,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
        }
    }
}

/// One language's version of an article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub title: String,
    /// Markdown: paragraphs, emphasis, lists, links and headings; HTML is shown as text.
    pub body: String,
}

/// An article as staff write it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// By language (`it`, `en`...); at least one.
    pub texts: BTreeMap<String, Text>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The services it is about, by service code: their forms show it.
    #[serde(default)]
    pub services: Vec<String>,
    /// The problem it describes is known: citizens need not report it.
    #[serde(default)]
    pub known_issue: bool,
    /// A notice: shown until this time (seconds since the epoch), then no more.
    #[serde(default)]
    pub until: Option<i64>,
    #[serde(default = "draft")]
    pub status: Status,
}

fn draft() -> Status {
    Status::Draft
}

/// An article as kept.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Article {
    pub id: i64,
    pub city: String,
    pub texts: BTreeMap<String, Text>,
    pub tags: Vec<String>,
    pub services: Vec<String>,
    pub known_issue: bool,
    pub until: Option<i64>,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Article {
    /// Whether the public sees it at `now`.
    pub fn is_public(&self, now: i64) -> bool {
        self.status == Status::Published && self.until.is_none_or(|until| until > now)
    }

    /// Its text in `language`, else in `fallback`, else in the one there is.
    pub fn text_in(&self, language: &str, fallback: &str) -> Option<(&str, &Text)> {
        [language, fallback]
            .iter()
            .find_map(|l| self.texts.get_key_value(*l))
            .or_else(|| self.texts.iter().next())
            .map(|(l, t)| (l.as_str(), t))
    }
}

/// A part of a highlighted snippet.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Part {
    pub text: String,
    /// A word the search matched.
    pub matched: bool,
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub article: i64,
    pub language: String,
    pub title: String,
    /// A few words of the body around the first match, matched words marked.
    pub snippet: Vec<Part>,
    pub known_issue: bool,
    pub services: Vec<String>,
}

fn check(draft: &Draft) -> CrmResult<()> {
    let invalid = |why: String| Err(CrmError::Invalid(why));
    if draft.texts.is_empty() {
        return invalid("an article has a title and a body in at least one language".into());
    }
    for (language, text) in &draft.texts {
        if !carmen_registry::names::is_language_tag(language) {
            return invalid(format!(
                "{language:?} is not a language tag such as it or en"
            ));
        }
        let title = text.title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE {
            return invalid(format!(
                "the {language} title has 1 to {MAX_TITLE} characters"
            ));
        }
        if text.body.chars().count() > MAX_BODY {
            return invalid(format!(
                "the {language} body has at most {MAX_BODY} characters"
            ));
        }
    }
    if draft.tags.len() > 10
        || draft
            .tags
            .iter()
            .any(|t| t.trim().is_empty() || t.len() > 40)
    {
        return invalid("at most 10 tags, each 1 to 40 characters".into());
    }
    if draft.services.len() > 20 || draft.services.iter().any(|s| s.is_empty() || s.len() > 64) {
        return invalid("at most 20 services, by their codes".into());
    }
    Ok(())
}

/// Writes `draft`'s texts of article `id`, and the words search finds them by.
async fn write_texts(conn: &mut Conn, city: &str, id: i64, draft: &Draft) -> CrmResult<()> {
    db::execute(
        conn,
        "DELETE FROM article_texts WHERE article_id = $1",
        (id,),
    )
    .await?;
    let postgres = db::is_postgres(conn);
    if !postgres {
        db::execute(
            conn,
            "DELETE FROM article_search WHERE article_id = $1",
            (id,),
        )
        .await?;
    }
    for (language, text) in &draft.texts {
        let terms = words::stems(&format!("{}\n{}", text.title, text.body), language).join(" ");
        db::execute(
            conn,
            "INSERT INTO article_texts (article_id, city, language, title, body, terms) VALUES ($1, $2, $3, $4, $5, $6)",
            (id, city, language, text.title.trim(), &text.body, &terms),
        )
        .await?;
        if !postgres {
            db::execute(
                conn,
                "INSERT INTO article_search (terms, city, article_id, language) VALUES ($1, $2, $3, $4)",
                (&terms, city, id, language),
            )
            .await?;
        }
    }
    Ok(())
}

/// Builds `city`'s search index again from its texts (after its rows were written directly, as an
/// import does); PostgreSQL keeps its index in the rows themselves.
pub async fn reindex(conn: &mut Conn, city: &str) -> CrmResult<()> {
    if db::is_postgres(conn) {
        return Ok(());
    }
    db::execute(conn, "DELETE FROM article_search WHERE city = $1", (city,)).await?;
    db::execute(
        conn,
        "INSERT INTO article_search (terms, city, article_id, language) \
         SELECT terms, city, article_id, language FROM article_texts WHERE city = $1",
        (city,),
    )
    .await?;
    Ok(())
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serializes")
}

/// Records a new article of `city`.
pub async fn create(conn: &mut Conn, city: &str, draft: &Draft) -> CrmResult<Article> {
    check(draft)?;
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM articles WHERE city = $1")
        .bind(city)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    if count >= MAX_ARTICLES {
        return Err(CrmError::LimitExceeded(format!(
            "a city keeps at most {MAX_ARTICLES} articles"
        )));
    }
    let now = db::now();
    let id: i64 = sqlx::query(
        "INSERT INTO articles (city, status, tags, services, known_issue, until_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .binds((
        city,
        draft.status.as_str(),
        json(&draft.tags),
        json(&draft.services),
        draft.known_issue as i64,
        draft.until,
        now,
    ))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    write_texts(conn, city, id, draft).await?;
    get(conn, city, id).await
}

/// Replaces article `id` of `city` with `draft`.
pub async fn update(conn: &mut Conn, city: &str, id: i64, draft: &Draft) -> CrmResult<Article> {
    check(draft)?;
    let changed = db::execute(
        conn,
        "UPDATE articles SET status = $1, tags = $2, services = $3, known_issue = $4, until_at = $5, updated_at = $6 \
         WHERE city = $7 AND id = $8",
        (
            draft.status.as_str(),
            json(&draft.tags),
            json(&draft.services),
            draft.known_issue as i64,
            draft.until,
            db::now(),
            city,
            id,
        ),
    )
    .await?;
    if changed == 0 {
        return Err(CrmError::NotFound(format!("article {id} in {city}")));
    }
    write_texts(conn, city, id, draft).await?;
    get(conn, city, id).await
}

const COLUMNS: &str =
    "id, city, status, tags, services, known_issue, until_at, created_at, updated_at";

async fn with_texts(conn: &mut Conn, rows: Vec<sqlx::any::AnyRow>) -> CrmResult<Vec<Article>> {
    let mut articles = Vec::with_capacity(rows.len());
    for row in rows {
        let parse = |column: &str| -> CrmResult<Vec<String>> {
            serde_json::from_str(&row.try_get::<String, _>(column)?)
                .map_err(|e| CrmError::Invalid(format!("stored {column} are unreadable: {e}")))
        };
        let id: i64 = row.try_get("id")?;
        let texts = sqlx::query(
            "SELECT language, title, body FROM article_texts WHERE article_id = $1 ORDER BY language",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|t| {
            Ok((
                t.try_get::<String, _>("language")?,
                Text {
                    title: t.try_get("title")?,
                    body: t.try_get("body")?,
                },
            ))
        })
        .collect::<CrmResult<BTreeMap<_, _>>>()?;
        articles.push(Article {
            id,
            city: row.try_get("city")?,
            texts,
            tags: parse("tags")?,
            services: parse("services")?,
            known_issue: row.try_get::<i64, _>("known_issue")? != 0,
            until: row.try_get("until_at")?,
            status: match row.try_get::<String, _>("status")?.as_str() {
                "published" => Status::Published,
                _ => Status::Draft,
            },
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        });
    }
    Ok(articles)
}

/// Article `id` of `city`.
pub async fn get(conn: &mut Conn, city: &str, id: i64) -> CrmResult<Article> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM articles WHERE city = $1 AND id = $2"
    ))
    .binds((city, id))
    .fetch_all(&mut *conn)
    .await?;
    with_texts(conn, rows)
        .await?
        .pop()
        .ok_or_else(|| CrmError::NotFound(format!("article {id} in {city}")))
}

/// A page of `city`'s articles, newest first: only those public at `now` unless `drafts`; about
/// `service` only, when given.
pub async fn list(
    conn: &mut Conn,
    city: &str,
    drafts: bool,
    now: i64,
    service: Option<&str>,
    (offset, limit): (i64, i64),
) -> CrmResult<Vec<Article>> {
    // The page is chosen here, and only its articles' texts are read: a service's form asks for
    // its own few on every view.
    let visible = if drafts {
        ""
    } else {
        " AND status = 'published' AND (until_at IS NULL OR until_at > $2)"
    };
    // `services` is a JSON list of codes: the code as JSON, its LIKE wildcards escaped.
    let about = service.map_or_else(String::new, |code| {
        let quoted = serde_json::to_string(code).expect("a string serializes");
        let escaped = quoted
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    let about_clause = if service.is_some() {
        " AND services LIKE $3 ESCAPE '\\'"
    } else {
        ""
    };
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM articles WHERE city = $1{visible}{about_clause} \
         ORDER BY updated_at DESC, id DESC LIMIT $4 OFFSET $5"
    ))
    .binds((city, now, about, limit.clamp(1, 100), offset.max(0)))
    .fetch_all(&mut *conn)
    .await?;
    let mut articles = with_texts(conn, rows).await?;
    if let Some(service) = service {
        articles.retain(|a| a.services.iter().any(|s| s == service));
    }
    Ok(articles)
}

/// How many of a query's words an article must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matching {
    /// Every word (what a reader searches).
    All,
    /// Any word (the articles a case's own text suggests).
    Any,
}

/// The articles of `city` public at `now` that match the words of `query`, best first: in each
/// language the city writes in, the query's stems in that language are looked up in the store's
/// full-text index, and the candidates ranked here (a word in the title counts three times).
pub async fn search(
    conn: &mut Conn,
    city: &str,
    query: &str,
    now: i64,
    matching: Matching,
) -> CrmResult<Vec<Hit>> {
    let mut asked: Vec<String> = Vec::new();
    for (_, _, word) in words::words(query) {
        // Short words say little on their own ("a", "di", "in").
        if (matching == Matching::All || word.chars().count() > 3) && !asked.contains(&word) {
            asked.push(word);
        }
    }
    asked.truncate(if matching == Matching::All { 8 } else { 16 });
    if asked.is_empty() {
        return Ok(Vec::new());
    }
    let languages: Vec<String> =
        sqlx::query("SELECT DISTINCT language FROM article_texts WHERE city = $1")
            .bind(city)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
    let postgres = db::is_postgres(conn);
    let mut scored: Vec<(i64, Hit)> = Vec::new();
    for language in languages {
        let stems: BTreeSet<String> = asked.iter().map(|w| words::stem(w, &language)).collect();
        let rows = if postgres {
            let query = stems
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(if matching == Matching::All {
                    " & "
                } else {
                    " | "
                });
            sqlx::query(
                "SELECT t.article_id, t.title, t.body, t.terms, a.known_issue, a.services FROM article_texts t \
                 JOIN articles a ON a.id = t.article_id \
                 WHERE t.city = $1 AND t.language = $2 AND t.search @@ to_tsquery('simple', $3) \
                 AND a.status = 'published' AND (a.until_at IS NULL OR a.until_at > $4) LIMIT 200",
            )
            .binds((city, &language, query, now))
            .fetch_all(&mut *conn)
            .await?
        } else {
            let query = stems
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(if matching == Matching::All {
                    " AND "
                } else {
                    " OR "
                });
            sqlx::query(
                "SELECT t.article_id, t.title, t.body, t.terms, a.known_issue, a.services FROM article_search s \
                 JOIN article_texts t ON t.article_id = s.article_id AND t.language = s.language \
                 JOIN articles a ON a.id = t.article_id \
                 WHERE article_search MATCH $1 AND s.city = $2 AND s.language = $3 \
                 AND a.status = 'published' AND (a.until_at IS NULL OR a.until_at > $4) LIMIT 200",
            )
            .binds((format!("terms : ({query})"), city, &language, now))
            .fetch_all(&mut *conn)
            .await?
        };
        for row in rows {
            let title: String = row.try_get("title")?;
            let body: String = row.try_get("body")?;
            let terms: String = row.try_get("terms")?;
            let in_title: BTreeSet<String> = words::stems(&title, &language).into_iter().collect();
            let score = stems
                .iter()
                .map(|s| {
                    3 * i64::from(in_title.contains(s))
                        + terms.split(' ').filter(|t| t == s).count().min(10) as i64
                })
                .sum();
            let services: Vec<String> =
                serde_json::from_str(&row.try_get::<String, _>("services")?).unwrap_or_default();
            scored.push((
                score,
                Hit {
                    article: row.try_get("article_id")?,
                    snippet: snippet(&body, &stems, &language),
                    language: language.clone(),
                    title,
                    known_issue: row.try_get::<i64, _>("known_issue")? != 0,
                    services,
                },
            ));
        }
    }
    // One hit per article (its best language), best first, then newest.
    scored.sort_by(|(a, x), (b, y)| b.cmp(a).then(y.article.cmp(&x.article)));
    let mut seen = BTreeSet::new();
    Ok(scored
        .into_iter()
        .filter(|(_, hit)| seen.insert(hit.article))
        .map(|(_, hit)| hit)
        .take(MAX_HITS)
        .collect())
}

/// About 24 words of `body` around its first word whose stem is in `stems`, those words marked.
fn snippet(body: &str, stems: &BTreeSet<String>, language: &str) -> Vec<Part> {
    let found = words::words(body);
    let matched: Vec<bool> = found
        .iter()
        .map(|(_, _, w)| stems.contains(&words::stem(w, language)))
        .collect();
    let first = matched.iter().position(|m| *m).unwrap_or(0);
    let from = first.saturating_sub(8);
    let to = (from + 24).min(found.len());
    let mut parts = Vec::new();
    if from > 0 {
        parts.push(Part {
            text: "… ".into(),
            matched: false,
        });
    }
    let mut at = found.get(from).map_or(0, |(s, _, _)| *s);
    for i in from..to {
        let (start, end, _) = &found[i];
        if *start > at {
            parts.push(Part {
                text: body[at..*start].to_string(),
                matched: false,
            });
        }
        parts.push(Part {
            text: body[*start..*end].to_string(),
            matched: matched[i],
        });
        at = *end;
    }
    if to < found.len() {
        parts.push(Part {
            text: " …".into(),
            matched: false,
        });
    }
    parts
}

/// What a visitor did with an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Read it (from service `service`'s form, when they came from one).
    View,
    /// Said it answered their question.
    Helpful,
    /// Filed with `service` (recorded only after they read one of its articles).
    Filed,
}

impl Event {
    fn as_str(self) -> &'static str {
        match self {
            Event::View => "view",
            Event::Helpful => "helpful",
            Event::Filed => "filed",
        }
    }
}

/// How long what visitors did is kept: a year and a little, for the evaluation's periods.
pub const EVENTS_KEPT: i64 = 400 * 86_400;

/// Records what `visitor` (a hash) did at `at`: a read or an answer once per visitor, article
/// and day (so reloading a page adds nothing); what is older than `EVENTS_KEPT` goes.
pub async fn record(
    conn: &mut Conn,
    city: &str,
    (article, service): (Option<i64>, Option<&str>),
    visitor: &str,
    event: Event,
    at: i64,
) -> CrmResult<()> {
    db::execute(
        conn,
        "DELETE FROM article_events WHERE city = $1 AND at < $2",
        (city, at - EVENTS_KEPT),
    )
    .await?;
    if let Some(article) = article {
        let day_start = at - at.rem_euclid(86_400);
        let seen = sqlx::query(
            "SELECT 1 FROM article_events WHERE city = $1 AND visitor = $2 AND kind = $3 \
             AND article_id = $4 AND at >= $5 AND (service = $6 OR (service IS NULL AND $7 = 0)) LIMIT 1",
        )
        .binds((
            city,
            visitor,
            event.as_str(),
            article,
            day_start,
            service.unwrap_or(""),
            i64::from(service.is_some()),
        ))
        .fetch_optional(&mut *conn)
        .await?;
        if seen.is_some() {
            return Ok(());
        }
    }
    db::execute(
        conn,
        "INSERT INTO article_events (city, article_id, service, visitor, kind, at) VALUES ($1, $2, $3, $4, $5, $6)",
        (city, article, service, visitor, event.as_str(), at),
    )
    .await?;
    Ok(())
}

/// Whether `visitor` read an article from `service`'s form since `since`.
pub async fn read_before_filing(
    conn: &mut Conn,
    city: &str,
    service: &str,
    visitor: &str,
    since: i64,
) -> CrmResult<bool> {
    Ok(db::exists(
        conn,
        "SELECT 1 FROM article_events WHERE city = $1 AND visitor = $2 AND service = $3 AND kind = 'view' AND at >= $4 LIMIT 1",
        (city, visitor, service, since),
    )
    .await?)
}

/// How long after reading a visitor's filing still counts as "read, then filed anyway".
pub const FILING_WINDOW: i64 = 86_400;

/// A service's knowledge-base figures over a window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    /// Articles linked to it read, once per visitor and article.
    pub views: i64,
    /// "This answered my question" on articles linked to it, once per visitor and article.
    pub answered: i64,
    /// Visitors who read an article from its form and did not file with it within a day.
    pub avoided: i64,
}

/// The knowledge-base figures of `city`'s services from `from` to `to`: views and votes count
/// for every service an article is linked to (as it is linked now).
pub async fn reading(
    conn: &mut Conn,
    city: &str,
    from: i64,
    to: i64,
) -> CrmResult<BTreeMap<String, Reading>> {
    let links: BTreeMap<i64, Vec<String>> =
        sqlx::query("SELECT id, services FROM articles WHERE city = $1")
            .bind(city)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<i64, _>("id")?,
                    serde_json::from_str(&r.try_get::<String, _>("services")?).unwrap_or_default(),
                ))
            })
            .collect::<CrmResult<_>>()?;
    let rows = sqlx::query(
        "SELECT article_id, service, visitor, kind, at FROM article_events WHERE city = $1 AND at >= $2 AND at < $3 ORDER BY at, id",
    )
    .binds((city, from, to + FILING_WINDOW))
    .fetch_all(&mut *conn)
    .await?;
    let mut seen: BTreeSet<(String, i64, String, String)> = BTreeSet::new();
    let mut figures: BTreeMap<String, Reading> = BTreeMap::new();
    // Each visitor's first read from a service's form in the window, and their filings.
    let mut first_read: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut filed: Vec<(String, String, i64)> = Vec::new();
    for row in &rows {
        let article: Option<i64> = row.try_get("article_id")?;
        let service: Option<String> = row.try_get("service")?;
        let visitor: String = row.try_get("visitor")?;
        let kind: String = row.try_get("kind")?;
        let at: i64 = row.try_get("at")?;
        if kind == "filed" {
            if let Some(service) = service {
                filed.push((service, visitor, at));
            }
            continue;
        }
        if at >= to {
            continue;
        }
        if let Some(article) = article {
            for linked in links.get(&article).into_iter().flatten() {
                if seen.insert((linked.clone(), article, visitor.clone(), kind.clone())) {
                    let entry = figures.entry(linked.clone()).or_default();
                    match kind.as_str() {
                        "view" => entry.views += 1,
                        "helpful" => entry.answered += 1,
                        _ => {}
                    }
                }
            }
        }
        if kind == "view"
            && let Some(service) = service
        {
            first_read.entry((service, visitor)).or_insert(at);
        }
    }
    for ((service, visitor), read_at) in first_read {
        let filed_after = filed.iter().any(|(s, v, at)| {
            *s == service && *v == visitor && *at >= read_at && *at <= read_at + FILING_WINDOW
        });
        if !filed_after {
            figures.entry(service).or_default().avoided += 1;
        }
    }
    Ok(figures)
}
