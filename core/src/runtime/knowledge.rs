//! The knowledge base's use cases: staff of a city write its articles (audited); anyone reads and
//! searches what is published; only that city's staff see its drafts. A search answers articles
//! and the city's services together, so a citizen finds the answer or the right form.

use std::collections::BTreeSet;

use serde::Serialize;

use super::proofs::Staff;
use super::{Carmen, RuntimeError};
use crate::crm::knowledge::{self, Article, Draft, Event, Hit, Matching};
use crate::crm::{CrmError, audit, words};

/// A service a search found.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ServiceHit {
    pub code: String,
    pub name: String,
    pub description: String,
}

/// What a search found: articles and services.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Found {
    pub articles: Vec<Hit>,
    pub services: Vec<ServiceHit>,
}

impl Carmen {
    /// Writes a new article in the staff member's city.
    pub async fn write_article(
        &self,
        staff: &Staff,
        draft: &Draft,
    ) -> Result<Article, RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        let article = knowledge::create(&mut tx, staff.city(), draft).await?;
        audit::record(
            &mut tx,
            Some(staff.city()),
            staff.principal(),
            "article.create",
            &format!("article:{}", article.id),
            None,
            Some(serde_json::json!({"status": article.status, "languages": article.texts.keys().collect::<Vec<_>>()})),
        )
        .await?;
        tx.commit().await?;
        Ok(article)
    }

    /// Replaces article `id` of the staff member's city.
    pub async fn rewrite_article(
        &self,
        staff: &Staff,
        id: i64,
        draft: &Draft,
    ) -> Result<Article, RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        let before = knowledge::get(&mut tx, staff.city(), id).await?;
        let article = knowledge::update(&mut tx, staff.city(), id, draft).await?;
        audit::record(
            &mut tx,
            Some(staff.city()),
            staff.principal(),
            "article.update",
            &format!("article:{id}"),
            Some(serde_json::json!({"status": before.status})),
            Some(serde_json::json!({"status": article.status, "languages": article.texts.keys().collect::<Vec<_>>()})),
        )
        .await?;
        tx.commit().await?;
        Ok(article)
    }

    /// Article `id` of `city` as `staff` (of that city: drafts too) or the public sees it.
    pub async fn article(
        &self,
        city: &str,
        id: i64,
        staff: Option<&Staff>,
    ) -> Result<Article, RuntimeError> {
        self.known_city(city).await?;
        let article = knowledge::get(&mut *self.db.read().await?, city, id).await?;
        let staff_here = staff.is_some_and(|s| s.city() == city);
        if staff_here || article.is_public(crate::db::now()) {
            Ok(article)
        } else {
            Err(CrmError::NotFound(format!("article {id} in {city}")).into())
        }
    }

    /// A page of `city`'s articles (about `service`, when given), newest first: what the public
    /// sees, or, for its own staff, drafts and past notices too.
    pub async fn articles(
        &self,
        city: &str,
        staff: Option<&Staff>,
        service: Option<&str>,
        page: (i64, i64),
    ) -> Result<Vec<Article>, RuntimeError> {
        self.known_city(city).await?;
        let drafts = staff.is_some_and(|s| s.city() == city);
        Ok(knowledge::list(
            &mut *self.db.read().await?,
            city,
            drafts,
            crate::db::now(),
            service,
            page,
        )
        .await?)
    }

    /// What `query` finds in `city`: published articles with every word (or, `any`, with any
    /// of its longer words: suggestions as a citizen types), best first, and the services whose
    /// name, description or keywords (in `language`) share a word's stem with it.
    pub async fn search(
        &self,
        city: &str,
        query: &str,
        language: &str,
        any: bool,
    ) -> Result<Found, RuntimeError> {
        self.known_city(city).await?;
        let query = query.chars().take(200).collect::<String>();
        let articles = knowledge::search(
            &mut *self.db.read().await?,
            city,
            &query,
            crate::db::now(),
            if any { Matching::Any } else { Matching::All },
        )
        .await?;
        let asked: BTreeSet<String> = words::stems(&query, language).into_iter().collect();
        let mut services = Vec::new();
        if !asked.is_empty() {
            for (install, description) in self.services(city, language).await? {
                let text = format!(
                    "{} {} {}",
                    description.name,
                    description.description,
                    description.keywords.join(" ")
                );
                let has: BTreeSet<String> = words::stems(&text, &description.language)
                    .into_iter()
                    .collect();
                if asked.iter().any(|s| has.contains(s)) {
                    services.push(ServiceHit {
                        code: install.code,
                        name: description.name.clone(),
                        description: description.description.clone(),
                    });
                }
            }
        }
        Ok(Found { articles, services })
    }

    /// Article `id` of `city` as the public reads it, counted as read by `visitor` (a hash of
    /// their browser's token) — from service `from`'s form, when they came from one it links.
    pub async fn read_article(
        &self,
        city: &str,
        id: i64,
        from: Option<&str>,
        visitor: &str,
    ) -> Result<Article, RuntimeError> {
        let article = self.article(city, id, None).await?;
        let from = from.filter(|code| article.services.iter().any(|s| s == *code));
        let mut tx = self.db.begin_write().await?;
        knowledge::record(
            &mut tx,
            city,
            (Some(id), from),
            visitor,
            Event::View,
            crate::db::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(article)
    }

    /// `visitor` says article `id` of `city` answered their question.
    pub async fn found_helpful(
        &self,
        city: &str,
        id: i64,
        visitor: &str,
    ) -> Result<(), RuntimeError> {
        self.article(city, id, None).await?;
        let mut tx = self.db.begin_write().await?;
        knowledge::record(
            &mut tx,
            city,
            (Some(id), None),
            visitor,
            Event::Helpful,
            crate::db::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `visitor` filed with `service` of `city`: noted when they read one of its articles from
    /// its form within the day before (so the evaluation does not count them as avoided).
    pub async fn note_filing(
        &self,
        city: &str,
        service: &str,
        visitor: &str,
    ) -> Result<(), RuntimeError> {
        let now = crate::db::now();
        let since = now - knowledge::FILING_WINDOW;
        let read = knowledge::read_before_filing(
            &mut *self.db.read().await?,
            city,
            service,
            visitor,
            since,
        )
        .await?;
        if read {
            let mut tx = self.db.begin_write().await?;
            knowledge::record(
                &mut tx,
                city,
                (None, Some(service)),
                visitor,
                Event::Filed,
                now,
            )
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }
}
