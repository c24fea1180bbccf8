//! Reading a city's requests: the staff queue and a case with its whole thread, a request as the
//! public or its citizen sees it, and the searches and updates of Open311. An unknown city is
//! not found, whatever is asked of it.

use super::proofs::{Citizen, Identity, Staff};
use super::visibility::{Viewer, shown, shown_history, shown_messages};
use super::{Carmen, RuntimeError};
use crate::crm::cases::{self, Case, HistoryEntry, Note, QueueFilter, RequestSearch};
use crate::crm::messages::{self, Message};
use crate::crm::updates::{self, Update};
use crate::crm::{CrmError, cities};

/// A case as staff see it: its history, whole thread (internal notes too) and notes.
#[derive(Debug)]
pub struct CaseFile {
    pub case: Case,
    pub history: Vec<HistoryEntry>,
    pub messages: Vec<Message>,
    pub notes: Vec<Note>,
}

/// A request as its follower sees it: its history and the public part of its thread.
#[derive(Debug)]
pub struct RequestFile {
    pub case: Case,
    pub history: Vec<HistoryEntry>,
    pub messages: Vec<Message>,
}

impl Carmen {
    /// A city's cases matching `filter`, soonest due first, with the total count.
    pub async fn queue(
        &self,
        staff: &Staff,
        filter: &QueueFilter,
    ) -> Result<(Vec<Case>, i64), RuntimeError> {
        let city = staff.city();
        let mut conn = self.db.read().await?;
        cities::get(&mut conn, city).await?;
        Ok(cases::queue(&mut conn, city, filter).await?)
    }

    /// The request number `id` names in `city`: itself, or the request that had that number on
    /// the host the city moved from (its citizens' links and apps keep it).
    pub(crate) async fn case_number(&self, city: &str, id: i64) -> Result<i64, RuntimeError> {
        Ok(cases::resolve(&mut *self.db.read().await?, city, id).await?)
    }

    /// One case of `city` as staff see it.
    pub async fn case_file(&self, staff: &Staff, id: i64) -> Result<CaseFile, RuntimeError> {
        let city = staff.city();
        let id = self.case_number(city, id).await?;
        let mut conn = self.db.read().await?;
        Ok(CaseFile {
            case: cases::get(&mut conn, city, id).await?,
            history: cases::history(&mut conn, city, id).await?,
            messages: messages::list(&mut conn, city, id, true).await?,
            notes: cases::notes(&mut conn, city, id).await?,
        })
    }

    /// One request of `city` with its history and public messages, as `principal` (or the
    /// holder of `secret`) may see it; not found when they may not see it at all.
    pub async fn request_file(
        &self,
        city: &str,
        id: i64,
        who: Option<&Identity>,
        secret: Option<&str>,
    ) -> Result<RequestFile, RuntimeError> {
        let id = self.case_number(city, id).await?;
        let mut conn = self.db.read().await?;
        let city_row = cities::get(&mut conn, city).await?;
        let case = cases::get(&mut conn, city, id).await?;
        let mut viewer = self.viewer(&case, who, secret);
        // A representative of the organisation it was filed for sees it as its submitter.
        if viewer == Viewer::Public
            && let Some(citizen) = who.and_then(|who| who.citizen_of(city).ok())
            && crate::crm::organisations::represents(&mut conn, city, id, citizen.user_id()).await?
        {
            viewer = Viewer::Owner;
        }
        let case = shown(case, viewer, city_row.public_location)
            .ok_or_else(|| CrmError::NotFound(format!("request {id}")))?;
        Ok(RequestFile {
            case,
            history: shown_history(cases::history(&mut conn, city, id).await?, viewer),
            messages: shown_messages(messages::list(&mut conn, city, id, false).await?, viewer),
        })
    }

    /// One public request of `city`, as the public sees it.
    pub async fn public_request(&self, city: &str, id: i64) -> Result<Case, RuntimeError> {
        // `request_file` turns the number into the case's own (once).
        Ok(self.request_file(city, id, None, None).await?.case)
    }

    /// The id of the request of `city` that `secret` follows.
    pub async fn request_by_secret(&self, city: &str, secret: &str) -> Result<i64, RuntimeError> {
        let mut conn = self.db.read().await?;
        let secret = secret.trim();
        let number = super::requesters::number_in_secret(secret);
        let hash = super::requesters::secret_hash(secret);
        Ok(cases::id_by_secret(&mut conn, city, number, &hash).await?)
    }

    /// The Open311 token of request `id` of `city` (not its secret).
    pub fn open311_token(&self, city: &str, id: i64) -> String {
        self.requesters.for_open311(city, id)
    }

    /// The id of the request of `city` that Open311 `token` names.
    pub fn request_by_open311_token(&self, city: &str, token: &str) -> Result<i64, RuntimeError> {
        self.requesters
            .open311_id(city, token)
            .ok_or_else(|| RuntimeError::Crm(crate::crm::CrmError::NotFound("token".into())))
    }

    /// A page of the requests a citizen filed in `city`, newest first: at most `limit` (1 to
    /// 100) numbered below `before`, and the `before` of the next page unless this is the last.
    pub async fn citizens_requests(
        &self,
        citizen: &Citizen,
        before: Option<i64>,
        limit: u32,
    ) -> Result<(Vec<Case>, Option<i64>), RuntimeError> {
        let (city, citizen_id) = (citizen.city(), citizen.user_id());
        let limit = limit.clamp(1, 100);
        let mut conn = self.db.read().await?;
        let mut page =
            cases::of_citizen(&mut conn, city, citizen_id, before, i64::from(limit) + 1).await?;
        let next = (page.len() > limit as usize).then(|| {
            page.truncate(limit as usize);
            page.last().map(|case| case.id)
        });
        Ok((page, next.flatten()))
    }

    /// A city's public requests matching an Open311 search, newest first, as the public sees them.
    pub async fn search_public_requests(
        &self,
        city: &str,
        search: &RequestSearch,
    ) -> Result<Vec<Case>, RuntimeError> {
        let mut conn = self.db.read().await?;
        let city_row = cities::get(&mut conn, city).await?;
        let search = RequestSearch {
            public_only: true,
            ..search.clone()
        };
        let found = cases::search(&mut conn, city, &search).await?;
        Ok(found
            .into_iter()
            .filter_map(|case| shown(case, Viewer::Public, city_row.public_location))
            .collect())
    }

    /// What staff said publicly when they last moved `case` (a request its caller was shown;
    /// Open311's `status_notes`), if anything.
    pub async fn status_notes(&self, case: &Case) -> Result<Option<String>, RuntimeError> {
        Ok(cases::latest_status_note(&mut *self.db.read().await?, &case.city, case.id).await?)
    }

    /// A city's updates (status changes and public messages) between `start` and `end`.
    pub async fn updates(
        &self,
        city: &str,
        start: i64,
        end: i64,
        limit: u32,
    ) -> Result<Vec<Update>, RuntimeError> {
        Ok(updates::between(&mut *self.db.read().await?, city, start, end, limit).await?)
    }
}
