//! Businesses and associations as customers: a citizen creates one and owns it, invites other
//! citizens of the city as representatives (by the e-mail address they proved; they join by
//! accepting), files requests on its behalf; its requests are shared by its representatives; its owner exports or erases it as
//! a whole. Each use case is one transaction; owners' changes are audited.

use serde_json::{Value, json};

use super::proofs::{Citizen, Staff};
use super::{Carmen, RuntimeError};
use crate::crm::cases::{self, Case};
use crate::crm::organisations::{self, Kind, Member, Organisation};
use crate::crm::people;
use crate::crm::{CrmError, audit, contacts};
use crate::db;

/// `principal` as a citizen of `city`, or forbidden.
/// An organisation with its representatives and the requests filed on its behalf.
#[derive(Debug)]
pub struct OrganisationFile {
    pub organisation: Organisation,
    pub members: Vec<Member>,
    /// A page of the requests made for it, newest first.
    pub requests: Vec<Case>,
    /// The request the next (older) page starts before, when there are more.
    pub older: Option<i64>,
    /// Whether the one asking owns it.
    pub owned: bool,
}

impl Carmen {
    /// Creates an organisation of `city` owned by `citizen`.
    pub async fn create_organisation(
        &self,
        citizen: &Citizen,
        name: &str,
        kind: &str,
    ) -> Result<Organisation, RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
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
        citizen: &Citizen,
    ) -> Result<Vec<(Organisation, bool)>, RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
        Ok(organisations::of_user(&mut *self.db.read().await?, city, citizen.user_id).await?)
    }

    /// Organisation `id` of `city` as one of its representatives sees it, with up to `limit` (1 to
    /// 100) of its requests before request `before` (the newest without it); anyone else finds
    /// nothing.
    pub async fn organisation(
        &self,
        citizen: &Citizen,
        id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<OrganisationFile, RuntimeError> {
        self.organisation_file(citizen, id, before, i64::from(limit.clamp(1, 100)))
            .await
    }

    /// Organisation `id` as `citizen` sees it, with up to `limit` of its requests before `before`.
    async fn organisation_file(
        &self,
        citizen: &Citizen,
        id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<OrganisationFile, RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
        let mut conn = self.db.read().await?;
        let mine = organisations::of_user(&mut conn, city, citizen.user_id).await?;
        let (organisation, owned) = mine
            .into_iter()
            .find(|(o, _)| o.id == id)
            .ok_or_else(|| CrmError::NotFound(format!("organisation {id}")))?;
        let members = organisations::members(&mut conn, city, id).await?;
        let mut ids =
            organisations::case_ids(&mut conn, city, id, before, limit.saturating_add(1)).await?;
        let shown = usize::try_from(limit).unwrap_or(usize::MAX);
        let older = (ids.len() > shown).then(|| {
            ids.truncate(shown);
            ids[shown - 1]
        });
        let mut requests = Vec::new();
        for case_id in ids {
            requests.push(cases::get(&mut conn, city, case_id).await?);
        }
        Ok(OrganisationFile {
            organisation,
            members,
            requests,
            older,
            owned,
        })
    }

    /// The owner of organisation `id` invites whoever proved `email` in `city` to represent it.
    /// The answer is the same whether or not anyone did: the owner learns who joined only when
    /// they accept (`accept_invitation`), and nobody is added without saying yes.
    pub async fn invite_representative(
        &self,
        owner: &Citizen,
        id: i64,
        email: &str,
    ) -> Result<(), RuntimeError> {
        let (city, owner) = (owner.city(), owner.principal());
        let email = contacts::email(email)?;
        let mut tx = self.db.begin_write().await?;
        organisations::check_owner(&mut tx, city, id, owner.user_id).await?;
        organisations::invite(&mut tx, city, id, &email, db::now()).await?;
        audit::record_action(
            &mut tx,
            Some(city),
            owner,
            "organisation.invitation",
            &format!("organisation:{id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The addresses organisation `id` invited that have not answered, for its owner.
    pub async fn invited_representatives(
        &self,
        owner: &Citizen,
        id: i64,
    ) -> Result<Vec<String>, RuntimeError> {
        let (city, owner) = (owner.city(), owner.principal());
        let mut conn = self.db.read().await?;
        organisations::check_owner(&mut conn, city, id, owner.user_id).await?;
        Ok(organisations::invited(&mut conn, city, id, db::now()).await?)
    }

    /// The organisations of `city` that invited `citizen` at the e-mail address they proved.
    pub async fn invitations(&self, citizen: &Citizen) -> Result<Vec<Organisation>, RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
        let mut conn = self.db.read().await?;
        let user = people::get(&mut conn, citizen.user_id).await?;
        let (emails, _) = user.verified_contacts();
        let mut found = Vec::new();
        for email in emails {
            found.extend(organisations::invitations_to(&mut conn, city, &email, db::now()).await?);
        }
        Ok(found)
    }

    /// `citizen` answers organisation `id`'s invitation to the address they proved: `accept`
    /// makes them a representative; either way the invitation is gone.
    pub async fn answer_invitation(
        &self,
        citizen: &Citizen,
        id: i64,
        accept: bool,
    ) -> Result<(), RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
        let mut tx = self.db.begin_write().await?;
        let user = people::get(&mut tx, citizen.user_id).await?;
        let (emails, _) = user.verified_contacts();
        let now = db::now();
        let mut invited = false;
        for email in &emails {
            invited |= organisations::take_invitation(&mut tx, city, id, email, now).await?;
        }
        if !invited {
            return Err(CrmError::NotFound(format!("invitation of organisation {id}")).into());
        }
        if accept && !organisations::is_member(&mut tx, city, id, citizen.user_id, false).await? {
            organisations::add_member(&mut tx, city, id, citizen.user_id, false, now).await?;
            audit::record(
                &mut tx,
                Some(city),
                citizen,
                "organisation.representative",
                &format!("organisation:{id}"),
                None,
                Some(json!({"user": citizen.user_id})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Everything the city keeps about organisation `id`, for its owner.
    pub async fn export_organisation(
        &self,
        owner: &Citizen,
        id: i64,
    ) -> Result<Value, RuntimeError> {
        // Everything: every request, not a page of them.
        let file = self.organisation_file(owner, id, None, i64::MAX).await?;
        let city = owner.city();
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
    pub async fn erase_organisation(&self, owner: &Citizen, id: i64) -> Result<(), RuntimeError> {
        let (city, owner) = (owner.city(), owner.principal());
        let mut tx = self.db.begin_write().await?;
        organisations::check_owner(&mut tx, city, id, owner.user_id).await?;
        organisations::erase(&mut tx, city, id, db::now()).await?;
        audit::record_action(
            &mut tx,
            Some(city),
            owner,
            "organisation.erase",
            &format!("organisation:{id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The organisation a case of `city` was filed on behalf of, if any (as staff see it).
    pub async fn organisation_of_case(
        &self,
        staff: &Staff,
        case_id: i64,
    ) -> Result<Option<Organisation>, RuntimeError> {
        let city = staff.city();
        let case_id = self.case_number(city, case_id).await?;
        Ok(organisations::of_case(&mut *self.db.read().await?, city, case_id).await?)
    }
}
