//! Reading a city's requests: the staff queue and a case with its whole thread, a request as the
//! public or its citizen sees it, and the searches and updates of Open311. An unknown city is
//! not found, whatever is asked of it.

use super::{Carmen, RuntimeError};
use crate::crm::cases::{self, Case, HistoryEntry, Note, QueueFilter, RequestSearch};
use crate::crm::cities;
use crate::crm::messages::{self, Message};
use crate::crm::updates::{self, Update};

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
        city: &str,
        filter: &QueueFilter,
    ) -> Result<(Vec<Case>, i64), RuntimeError> {
        let mut conn = self.db.read().await?;
        cities::get(&mut conn, city).await?;
        Ok(cases::queue(&mut conn, city, filter).await?)
    }

    /// One case of `city` as staff see it.
    pub async fn case_file(&self, city: &str, id: i64) -> Result<CaseFile, RuntimeError> {
        let mut conn = self.db.read().await?;
        Ok(CaseFile {
            case: cases::get(&mut conn, city, id).await?,
            history: cases::history(&mut conn, city, id).await?,
            messages: messages::list(&mut conn, city, id, true).await?,
            notes: cases::notes(&mut conn, city, id).await?,
        })
    }

    /// One request of `city` with its history and public messages.
    pub async fn request_file(&self, city: &str, id: i64) -> Result<RequestFile, RuntimeError> {
        let mut conn = self.db.read().await?;
        cities::get(&mut conn, city).await?;
        Ok(RequestFile {
            case: cases::get(&mut conn, city, id).await?,
            history: cases::history(&mut conn, city, id).await?,
            messages: messages::list(&mut conn, city, id, false).await?,
        })
    }

    /// One request of `city`.
    pub async fn request(&self, city: &str, id: i64) -> Result<Case, RuntimeError> {
        Ok(cases::get(&mut *self.db.read().await?, city, id).await?)
    }

    /// The requests a citizen filed in `city`, newest first.
    pub async fn citizens_requests(
        &self,
        city: &str,
        citizen_id: i64,
    ) -> Result<Vec<Case>, RuntimeError> {
        Ok(cases::of_citizen(&mut *self.db.read().await?, city, citizen_id).await?)
    }

    /// A city's requests matching an Open311 search, newest first.
    pub async fn search_requests(
        &self,
        city: &str,
        search: &RequestSearch,
    ) -> Result<Vec<Case>, RuntimeError> {
        Ok(cases::search(&mut *self.db.read().await?, city, search).await?)
    }

    /// The latest public message of a request of `city`, if any.
    pub async fn latest_public_message(
        &self,
        city: &str,
        id: i64,
    ) -> Result<Option<String>, RuntimeError> {
        Ok(messages::latest_public(&mut *self.db.read().await?, city, id).await?)
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
