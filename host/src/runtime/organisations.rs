//! Businesses and associations as customers: a citizen creates one and owns it, adds other
//! citizens of the city as representatives (by the e-mail address they proved), files requests on
//! its behalf; its requests are shared by its representatives; its owner exports or erases it as
//! a whole. Each use case is one transaction; owners' changes are audited.

use serde_json::{Value, json};

use super::{Carmen, RuntimeError};
use crate::crm::cases::{self, Case};
use crate::crm::organisations::{self, Kind, Member, Organisation};
use crate::crm::people::{self, Principal, Role};
use crate::crm::{CrmError, audit, contacts};
use crate::db;

/// `principal` as a citizen of `city`, or forbidden.
fn citizen_of<'a>(principal: &'a Principal, city: &str) -> Result<&'a Principal, RuntimeError> {
    if principal.role == Role::Citizen && principal.city.as_deref() == Some(city) {
        Ok(principal)
    } else {
        Err(RuntimeError::Invalid(
            "only a citizen's account of this city acts for an organisation".into(),
        ))
    }
}

/// An organisation with its representatives and the requests filed on its behalf.
#[derive(Debug)]
pub struct OrganisationFile {
    pub organisation: Organisation,
    pub members: Vec<Member>,
    pub requests: Vec<Case>,
    /// Whether the one asking owns it.
    pub owned: bool,
}

impl Carmen {
    /// Creates an organisation of `city` owned by `citizen`.
    pub async fn create_organisation(
        &self,
        city: &str,
        citizen: &Principal,
        name: &str,
        kind: &str,
    ) -> Result<Organisation, RuntimeError> {
        let citizen = citizen_of(citizen, city)?;
        let kind = Kind::parse(kind)?;
        let mut tx = self.db.begin_write().await?;
        let made =
            organisations::create(&mut tx, city, name, kind, citizen.user_id, db::now()).await?;
        tx.commit().await?;
        Ok(made)
    }

    /// The organisations of `city` that `citizen` represents, with whether they own each.
    pub async fn organisations(
        &self,
        city: &str,
        citizen: &Principal,
    ) -> Result<Vec<(Organisation, bool)>, RuntimeError> {
        let citizen = citizen_of(citizen, city)?;
        Ok(organisations::of_user(&mut *self.db.read().await?, city, citizen.user_id).await?)
    }

    /// Organisation `id` of `city` as one of its representatives sees it; anyone else finds nothing.
    pub async fn organisation(
        &self,
        city: &str,
        citizen: &Principal,
        id: i64,
    ) -> Result<OrganisationFile, RuntimeError> {
        let citizen = citizen_of(citizen, city)?;
        let mut conn = self.db.read().await?;
        let mine = organisations::of_user(&mut conn, city, citizen.user_id).await?;
        let (organisation, owned) = mine
            .into_iter()
            .find(|(o, _)| o.id == id)
            .ok_or_else(|| CrmError::NotFound(format!("organisation {id}")))?;
        let members = organisations::members(&mut conn, city, id).await?;
        let mut requests = Vec::new();
        for case_id in organisations::case_ids(&mut conn, city, id).await? {
            requests.push(cases::get(&mut conn, city, case_id).await?);
        }
        Ok(OrganisationFile {
            organisation,
            members,
            requests,
            owned,
        })
    }

    /// The owner of organisation `id` adds the citizen of `city` who proved `email` as a
    /// representative.
    pub async fn add_representative(
        &self,
        city: &str,
        owner: &Principal,
        id: i64,
        email: &str,
    ) -> Result<(), RuntimeError> {
        let owner = citizen_of(owner, city)?;
        let email = contacts::email(email)?;
        let mut tx = self.db.begin_write().await?;
        if !organisations::is_member(&mut tx, city, id, owner.user_id, true).await? {
            return Err(CrmError::NotFound(format!("organisation {id}")).into());
        }
        let user_id = people::citizen_by_proven_email(&mut tx, city, &email)
            .await?
            .ok_or_else(|| {
                RuntimeError::Invalid(
                    "no account of this city has proved that e-mail address; ask them to create one and confirm it first"
                        .into(),
                )
            })?;
        organisations::add_member(&mut tx, city, id, user_id, false, db::now()).await?;
        audit::record(
            &mut tx,
            Some(city),
            owner,
            "organisation.representative",
            &format!("organisation:{id}"),
            None,
            Some(json!({"user": user_id})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Everything the city keeps about organisation `id`, for its owner.
    pub async fn export_organisation(
        &self,
        city: &str,
        owner: &Principal,
        id: i64,
    ) -> Result<Value, RuntimeError> {
        let file = self.organisation(city, owner, id).await?;
        if !file.owned {
            return Err(CrmError::NotFound(format!("organisation {id}")).into());
        }
        let mut conn = self.db.read().await?;
        let mut requests = Vec::new();
        for case in &file.requests {
            let messages = crate::crm::messages::list(&mut conn, city, case.id, false).await?;
            requests.push(json!({"request": case, "messages": messages}));
        }
        Ok(json!({
            "organisation": file.organisation,
            "representatives": file.members,
            "requests": requests,
            "exported_at": db::now(),
        }))
    }

    /// The owner erases organisation `id` as a whole: its name, its representatives, and the
    /// contact details and words on its requests (the requests stay, without them).
    pub async fn erase_organisation(
        &self,
        city: &str,
        owner: &Principal,
        id: i64,
    ) -> Result<(), RuntimeError> {
        let owner = citizen_of(owner, city)?;
        let mut tx = self.db.begin_write().await?;
        if !organisations::is_member(&mut tx, city, id, owner.user_id, true).await? {
            return Err(CrmError::NotFound(format!("organisation {id}")).into());
        }
        organisations::erase(&mut tx, city, id, db::now()).await?;
        audit::record(
            &mut tx,
            Some(city),
            owner,
            "organisation.erase",
            &format!("organisation:{id}"),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The organisation a case of `city` was filed on behalf of, if any (as staff see it).
    pub async fn organisation_of_case(
        &self,
        city: &str,
        case_id: i64,
    ) -> Result<Option<Organisation>, RuntimeError> {
        Ok(organisations::of_case(&mut *self.db.read().await?, city, case_id).await?)
    }
}
