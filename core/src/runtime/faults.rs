//! A service's own faults: kept per city, service and version, and the first of each version told
//! to the city's administrators, so a service that fails every call tells them once. A busy city
//! or a fault of the host's is not the service's, and is not kept here.

use crate::crm::faults::{self, Fault};
use crate::crm::installs::Install;
use crate::crm::{audit, cities, escalation, outbox};
use crate::db::{self, Sequence};
use crate::engine::PluginError;

use super::proofs::Admin;
use super::{Carmen, RuntimeError};

/// Whether `error` is the service's own doing (what it did or what it is), not the host's.
fn is_the_services_own(error: &PluginError) -> bool {
    matches!(
        error,
        PluginError::Deadline { .. }
            | PluginError::MemoryCap { .. }
            | PluginError::StackOverflow
            | PluginError::Trap { .. }
            | PluginError::InvalidComponent(_)
            | PluginError::CapabilityNotGranted { .. }
    )
}

impl Carmen {
    /// `result`, the answer of a call to `install`'s service, as the runtime answers it; a fault
    /// of the service's own is kept on the way (and its first told), never hiding the answer.
    pub(crate) async fn watched<T>(
        &self,
        install: &Install,
        result: Result<T, PluginError>,
    ) -> Result<T, RuntimeError> {
        let error = match result {
            Ok(answer) => return Ok(answer),
            Err(error) => error,
        };
        if is_the_services_own(&error)
            && let Err(failure) = self.keep_fault(install, &error).await
        {
            tracing::warn!(city = %install.city, service = %install.code, error = %failure, "a service's fault was not kept");
        }
        Err(error.into())
    }

    /// Keeps the fault; the first of this version is told by e-mail to every administrator of
    /// the city, in their language, and audited, in one transaction.
    async fn keep_fault(&self, install: &Install, error: &PluginError) -> Result<(), RuntimeError> {
        let (city, service, version) = (&install.city, &install.code, &install.version);
        let now = db::now();
        let said = error.to_string();
        // A fault seen before is only counted: nothing more is read for it.
        let known = faults::known(&mut *self.db.read().await?, city, service, version).await?;
        let (told, clock) = if known {
            (Vec::new(), None)
        } else {
            let mut conn = self.db.read().await?;
            let leads = escalation::leads(&mut conn, city, None).await?;
            (leads, Some(cities::get(&mut conn, city).await?.clock()))
        };
        let mut ids = Vec::new();
        for _ in &told {
            ids.push(self.db.next_id(Sequence::Outbox).await?);
        }
        let mut tx = self.db.begin_write().await?;
        let first =
            faults::record(&mut tx, city, service, version, error.kind(), &said, now).await?;
        if first {
            for (lead, id) in told.iter().zip(&ids) {
                let mut t = crate::i18n::Texts::new(&lead.language);
                if let Some(clock) = clock {
                    t = t.on(clock);
                }
                let message = outbox::NewMessage {
                    city: city.clone(),
                    service: "service-fault".into(),
                    case_id: None,
                    recipient: crate::crm::cases::Contact {
                        name: None,
                        email: Some(lead.email.clone()),
                        phone: None,
                    },
                    channel: Some("email".into()),
                    subject: t.with("mail-fault-subject", &[("service", service)]),
                    body: t.with(
                        "mail-fault-body",
                        &[
                            ("service", service),
                            ("version", version),
                            ("when", &t.moment(now)),
                            ("message", &said),
                        ],
                    ),
                };
                outbox::enqueue(&mut tx, *id, &message).await?;
            }
            audit::record(
                &mut tx,
                Some(city),
                &crate::crm::people::Principal::console(),
                "service.fault",
                &format!("service:{service}"),
                None,
                Some(serde_json::json!({
                    "version": version,
                    "kind": error.kind(),
                    "message": said,
                    "told": told.iter().map(|l| &l.email).collect::<Vec<_>>(),
                })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The faults of the services `admin`'s city runs now (at their current versions), latest
    /// first.
    pub async fn service_faults(&self, admin: &Admin) -> Result<Vec<Fault>, RuntimeError> {
        Ok(faults::current(&mut *self.db.read().await?, admin.city()).await?)
    }
}
