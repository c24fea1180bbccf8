//! Replies staff never retype: a city's saved replies (written by its staff, audited), one filled
//! in for a case — its reference, address and due date in the reply's language, on the city's
//! clock —, and what a case's own words suggest: the articles and saved replies they share words
//! with.

use std::collections::BTreeSet;

use super::proofs::Staff;
use super::{Carmen, RuntimeError};
use crate::crm::knowledge::{self, Hit, Matching};
use crate::crm::saved_replies::{self, NewReply, SavedReply};
use crate::crm::{CrmError, audit, words};
use crate::i18n::Texts;

impl Carmen {
    /// Saves a new reply for the staff member's city.
    pub async fn save_reply(
        &self,
        staff: &Staff,
        reply: &NewReply,
    ) -> Result<SavedReply, RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        let saved = saved_replies::create(&mut tx, staff.city(), reply).await?;
        audit::record(
            &mut tx,
            Some(staff.city()),
            staff.principal(),
            "reply.save",
            &format!("saved-reply:{}", saved.id),
            None,
            Some(serde_json::json!({"name": saved.name})),
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Replaces saved reply `id` of the staff member's city.
    pub async fn resave_reply(
        &self,
        staff: &Staff,
        id: i64,
        reply: &NewReply,
    ) -> Result<SavedReply, RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        let before = saved_replies::get(&mut tx, staff.city(), id).await?;
        let saved = saved_replies::update(&mut tx, staff.city(), id, reply).await?;
        audit::record(
            &mut tx,
            Some(staff.city()),
            staff.principal(),
            "reply.update",
            &format!("saved-reply:{id}"),
            Some(serde_json::json!({"name": before.name})),
            Some(serde_json::json!({"name": saved.name})),
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// The saved replies of the staff member's city.
    pub async fn saved_replies(&self, staff: &Staff) -> Result<Vec<SavedReply>, RuntimeError> {
        Ok(saved_replies::list(&mut *self.db.read().await?, staff.city()).await?)
    }

    /// Saved reply `reply` filled in for case `case` of the staff member's city: in `language`
    /// (else the case's, else English, else the one it has), `{reference}` the request's number,
    /// `{address}` its address, `{due}` its due date in words on the city's clock.
    pub async fn filled_reply(
        &self,
        staff: &Staff,
        case: i64,
        reply: i64,
        language: Option<&str>,
    ) -> Result<(String, String), RuntimeError> {
        let file = self.case_file(staff, case).await?;
        let saved = saved_replies::get(&mut *self.db.read().await?, staff.city(), reply).await?;
        let case = &file.case;
        let (language, text) = [language.unwrap_or(&case.language), &case.language, "en"]
            .iter()
            .find_map(|l| saved.texts.get_key_value(*l))
            .or_else(|| saved.texts.iter().next())
            .ok_or_else(|| CrmError::NotFound(format!("saved reply {reply}'s text")))?;
        let city = self.city(staff.city()).await?;
        let t = Texts::new(language).on(city.clock());
        let address = case
            .location
            .as_ref()
            .and_then(|l| l.address.clone())
            .unwrap_or_default();
        let due = case.due_at.map(|at| t.date(at)).unwrap_or_default();
        let reference = case.id.to_string();
        let filled = saved_replies::fill(
            text,
            &[
                ("reference", &reference),
                ("address", &address),
                ("due", &due),
            ],
        );
        Ok((language.clone(), filled))
    }

    /// What case `case`'s own words suggest: published articles sharing words with it (best
    /// first, at most 5) and the saved replies sharing the most words with it (at most 3).
    pub async fn suggestions(
        &self,
        staff: &Staff,
        case: i64,
    ) -> Result<(Vec<Hit>, Vec<SavedReply>), RuntimeError> {
        let file = self.case_file(staff, case).await?;
        let text = format!("{} {}", file.case.title, file.case.description);
        let mut conn = self.db.read().await?;
        let mut articles = knowledge::search(
            &mut conn,
            staff.city(),
            &text,
            crate::db::now(),
            Matching::Any,
        )
        .await?;
        articles.truncate(5);
        let language = &file.case.language;
        let asked: BTreeSet<String> = words::stems(&text, language)
            .into_iter()
            .filter(|s| s.chars().count() > 3)
            .collect();
        let mut replies: Vec<(usize, SavedReply)> = saved_replies::list(&mut conn, staff.city())
            .await?
            .into_iter()
            .map(|reply| {
                let own: BTreeSet<String> = reply
                    .texts
                    .iter()
                    .flat_map(|(l, text)| words::stems(&format!("{} {text}", reply.name), l))
                    .collect();
                (asked.intersection(&own).count(), reply)
            })
            .filter(|(shared, _)| *shared > 0)
            .collect();
        replies.sort_by(|(a, x), (b, y)| b.cmp(a).then(x.name.cmp(&y.name)));
        Ok((
            articles,
            replies.into_iter().take(3).map(|(_, r)| r).collect(),
        ))
    }
}
