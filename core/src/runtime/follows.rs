//! Following: a citizen follows a public request or an area of their city, and a digest of what
//! changed there reaches them at most once a day (an unprompted message: with their consent, and
//! with its unsubscribe link).

use super::proofs::Citizen;
use super::{Carmen, RuntimeError};
use crate::crm::follows::{self, Follow, Target};
use crate::crm::people;
use crate::crm::{CrmError, cities, outbox};
use crate::db;

/// How often a follow's digest may go out.
const DIGEST_EVERY: i64 = 86_400;

impl Carmen {
    /// `citizen` follows `target` in `city`: a public request, or an area (where the city shows
    /// where public requests are).
    pub async fn follow(&self, citizen: &Citizen, target: &Target) -> Result<(), RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
        let mut tx = self.db.begin_write().await?;
        let city_row = cities::get(&mut tx, city).await?;
        match target {
            Target::Request(id) => {
                let case = crate::crm::cases::get(&mut tx, city, *id).await?;
                if !case.public && case.citizen_id != Some(citizen.user_id) {
                    return Err(CrmError::NotFound(format!("request {id}")).into());
                }
            }
            Target::Area { .. } if !city_row.public_location => {
                return Err(RuntimeError::Invalid(
                    "this city does not show where requests are".into(),
                ));
            }
            Target::Area { .. } => {}
        }
        follows::add(&mut tx, city, citizen.user_id, target, db::now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What `citizen` follows in `city`.
    pub async fn follows(&self, citizen: &Citizen) -> Result<Vec<Follow>, RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
        Ok(follows::list(&mut *self.db.read().await?, city, citizen.user_id).await?)
    }

    /// `citizen` stops following follow `id` in `city`.
    pub async fn unfollow(&self, citizen: &Citizen, id: i64) -> Result<(), RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
        let mut tx = self.db.begin_write().await?;
        follows::remove(&mut tx, city, citizen.user_id, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sends the digests that are due at `now` (where this host delivers messages): for each
    /// follow last digested a day ago or more, the public requests that changed since, in one
    /// message to its citizen. Returns how many digests were queued.
    pub async fn digest_round(&self, now: i64) -> Result<usize, RuntimeError> {
        let Some(public) = self.public_url() else {
            return Ok(0);
        };
        let due = follows::due(&mut *self.db.read().await?, now - DIGEST_EVERY, 500).await?;
        let mut queued = 0;
        for follow in due {
            let outbox_id = self.db.next_id(db::Sequence::Outbox).await?;
            let mut tx = self.db.begin_write().await?;
            if !follows::mark_digested(&mut tx, follow.id, follow.last_digest_at, now).await? {
                continue;
            }
            let changed = follows::changes(&mut tx, &follow, follow.last_digest_at).await?;
            let user = people::get(&mut tx, follow.user_id).await?;
            // A digest goes only to a contact its citizen proved: an address someone merely typed
            // is never sent a stream of messages.
            let (emails, phones) = user.verified_contacts();
            let (email, phone) = (emails.into_iter().next(), phones.into_iter().next());
            let channel = match (user.channel.as_str(), &email, &phone) {
                ("sms", _, Some(_)) | (_, None, Some(_)) => "sms",
                _ => "email",
            };
            let reachable = email.is_some() || phone.is_some();
            if !changed.is_empty() && reachable {
                let t = crate::i18n::Texts::new(&user.language);
                let mut body = t.t("digest-lead");
                for case in &changed {
                    body.push_str(&format!(
                        "\n- {} ({}): {}/{}/requests/{}",
                        case.title,
                        t.t(&format!(
                            "status-{}",
                            case.status.as_str().replace('_', "-")
                        )),
                        public,
                        case.city,
                        case.id
                    ));
                }
                let message = outbox::NewMessage {
                    city: follow.city.clone(),
                    service: "follows".into(),
                    case_id: None,
                    recipient: crate::crm::cases::Contact {
                        name: Some(user.name.clone()),
                        email,
                        phone,
                    },
                    channel: Some(channel.to_string()),
                    subject: t.with("digest-subject", &[("count", &changed.len().to_string())]),
                    body,
                };
                outbox::enqueue(&mut tx, outbox_id, &message).await?;
                queued += 1;
            }
            tx.commit().await?;
        }
        Ok(queued)
    }
}
