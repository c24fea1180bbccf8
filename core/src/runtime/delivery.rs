//! The dispatcher: drains the outbox through its channels — e-mail over SMTP (multipart text and
//! HTML, the city's sender and reply-to, the recipient's language) and SMS through the city's
//! gateway, a webhook signed with HMAC-SHA256 over a timestamp and the body. Each message is
//! claimed by one dispatcher at a time across processes (a lease), retried with exponential
//! backoff, and ends sent, dead with the reason, or suppressed when its recipient unsubscribed
//! from unprompted messages (those not about a request of theirs). Every attempt carries the
//! message's own id (`Message-ID`, `Carmen-Delivery`), so a receiver drops a repeat after a
//! dispatcher died between sending and recording it.

use std::time::Duration;

use sha2::Sha256;

use super::proofs::{Admin, SignedReply};
use super::transports::signed::HttpPost;
pub use super::transports::signed::{SIGNATURE_WINDOW_SECONDS, signature, verify_signature};
use super::transports::smtp::Smtp;
use super::transports::{Email, Failure, MailTransport, PostTransport, SignedPost};
use super::{Carmen, RuntimeError};
use crate::crm::delivery::{self, CityDelivery, Outcome};
use crate::crm::outbox::Message;
use crate::crm::{cases, people};
use crate::db;

/// How long a claim lasts by default: a dispatcher that dies mid-send leaves the message to
/// another after it.
pub const LEASE_SECONDS: i64 = 120;
/// Messages claimed at a time.
const BATCH: i64 = 64;
/// Attempts before a message is dead.
pub const MAX_ATTEMPTS: i64 = 6;

/// Where the host's messages leave from.
#[derive(Clone, Debug)]
pub struct DeliveryConfig {
    /// The SMTP server (`smtp://host:25`, `smtps://user:password@host`, or
    /// `smtp://host:587?tls=required`); e-mail waits in the outbox without one.
    pub smtp_url: Option<String>,
    /// The sender of cities that set none.
    pub default_from: String,
    /// The address citizens reach this host at, for the links in messages.
    pub public_url: String,
    /// How long a claim lasts before another dispatcher may take the message (seconds).
    pub lease_seconds: i64,
}

/// What one round of the dispatcher did.
#[derive(Debug, Default, PartialEq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
    pub suppressed: usize,
    /// Unprompted messages held back by the city's quiet hours.
    pub deferred: usize,
}

/// The dispatcher's settings and its mail transport, made once.
pub struct Dispatcher {
    config: DeliveryConfig,
    mail: Option<Box<dyn MailTransport>>,
}

impl Dispatcher {
    pub fn new(config: DeliveryConfig) -> Result<Dispatcher, RuntimeError> {
        let mail = match config.smtp_url.as_deref() {
            Some(url) => Some(
                Box::new(Smtp::from_url(url).map_err(RuntimeError::Invalid)?)
                    as Box<dyn MailTransport>,
            ),
            None => None,
        };
        Ok(Dispatcher { config, mail })
    }
}

/// Seconds to wait before attempt `attempt + 1`: 30 s, doubling, at most an hour.
pub fn backoff(attempt: i64) -> i64 {
    (30i64 << attempt.clamp(0, 7)).min(3600)
}

/// Whether a message is unprompted: not about a request, and not an account's own code.
fn unprompted(message: &Message) -> bool {
    message.case_id.is_none() && message.service != "account"
}

/// Minimal HTML escaping for the HTML part.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The top of a message's HTML part: the city's name on its colour, beside its crest (the colour
/// was checked as `#rrggbb` when it was set; the name is escaped).
fn letterhead(city: &crate::crm::cities::City, public_url: &str) -> String {
    let colour = city.colour.as_deref().unwrap_or("#0b0c0c");
    let crest = city
        .crest_at
        .map(|at| {
            format!(
                "<img src=\"{}/{}/crest.png?v={at}\" alt=\"\" width=\"40\" height=\"40\" style=\"vertical-align:middle;background:#fff;border-radius:4px;margin-right:10px\">",
                escaped(public_url.trim_end_matches('/')),
                escaped(&city.slug)
            )
        })
        .unwrap_or_default();
    format!(
        "<div id=\"letterhead\" style=\"background:{colour};color:#ffffff;padding:12px 16px;font:bold 18px sans-serif\">{crest}{}</div>",
        escaped(&city.name)
    )
}

impl Carmen {
    /// Sets where this host's messages leave from; `run_dispatcher` then drains the outbox.
    pub fn with_delivery(mut self, config: DeliveryConfig) -> Result<Carmen, RuntimeError> {
        self.shared_mut().dispatcher = Some(std::sync::Arc::new(Dispatcher::new(config)?));
        Ok(self)
    }

    /// The address citizens reach this host at: the operator's `--public-url`, or the one its
    /// messages link to when it delivers them.
    pub fn public_url(&self) -> Option<String> {
        self.public_url
            .clone()
            .or_else(|| {
                self.dispatcher
                    .as_ref()
                    .map(|d| d.config.public_url.clone())
            })
            .map(|url| url.trim_end_matches('/').to_string())
    }

    /// The same host, reached by citizens at `url` (absolute URLs it writes use it, whatever
    /// `Host` a request named).
    pub fn with_public_url(mut self, url: Option<String>) -> Carmen {
        self.shared_mut().public_url = url;
        self
    }

    /// A city's delivery settings, for its administrators.
    pub async fn delivery_settings(&self, admin: &Admin) -> Result<CityDelivery, RuntimeError> {
        self.city_delivery(admin.city()).await
    }

    async fn city_delivery(&self, city: &str) -> Result<CityDelivery, RuntimeError> {
        Ok(delivery::settings(&mut *self.db.read().await?, city).await?)
    }

    /// Sets a city's delivery settings (audited). The sender address is the operator's to set:
    /// every city sends through the operator's mail server, and a city that could choose its
    /// sender could send as another city. An administrator who leaves it out keeps it.
    pub async fn set_delivery_settings(
        &self,

        admin: &Admin,
        settings: &CityDelivery,
    ) -> Result<(), RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        // The city's own addresses are called by this host: never its own network.
        for url in [&settings.sms_url, &settings.webhook_url]
            .into_iter()
            .flatten()
        {
            self.outbound
                .policy
                .check_url(url)
                .map_err(RuntimeError::Invalid)?;
        }
        let mut tx = self.db.begin_write().await?;
        crate::crm::cities::get(&mut tx, city).await?;
        let current = delivery::settings(&mut tx, city).await?;
        let mut settings = settings.clone();
        if !admin.is_operator() && settings.email_from != current.email_from {
            if settings.email_from.is_some() {
                return Err(RuntimeError::Forbidden(
                    "the sender address is set by the operator of this host; ask them to change it"
                        .into(),
                ));
            }
            settings.email_from = current.email_from;
        }
        let settings = &settings;
        delivery::set_settings(&mut tx, city, settings).await?;
        crate::crm::audit::record(
            &mut tx,
            Some(city),
            actor,
            "city.delivery",
            &format!("city:{city}"),
            None,
            Some(serde_json::json!(settings)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A reply to an e-mail about a request, forwarded by the city's mail provider (whose
    /// signature was checked): the address it was sent to names the request and carries its
    /// token; the text, without the quoted message, joins its thread.
    async fn reply_by_email(
        &self,
        city: &str,
        to: &str,
        text: &str,
    ) -> Result<crate::crm::messages::Message, RuntimeError> {
        let not_ours = || RuntimeError::Crm(crate::crm::CrmError::NotFound("reply address".into()));
        let local = to.rsplit_once('@').map_or(to, |(local, _)| local);
        let local = local.rsplit_once('<').map_or(local, |(_, l)| l);
        let (_, tag) = local.split_once('+').ok_or_else(not_ours)?;
        let (id, token) = tag.split_once('.').ok_or_else(not_ours)?;
        let id: i64 = id.parse().map_err(|_| not_ours())?;
        let follower = self.reply_follower(city, id, token)?;
        let body: String = text
            .lines()
            .take_while(|line| !line.starts_with('>') && !line.trim_end().ends_with("wrote:"))
            .collect::<Vec<_>>()
            .join("\n");
        self.follower_message(city, id, &follower, body.trim())
            .await
    }

    /// A reply forwarded by a city's mail provider, its signature checked (`check_forwarded`):
    /// taken once, however often it is sent again within the
    /// signature's window (a repeat is a conflict); see `reply_by_email`.
    pub async fn forwarded_reply(
        &self,
        signed: &SignedReply,
        to: &str,
        text: &str,
    ) -> Result<crate::crm::messages::Message, RuntimeError> {
        let (city, signature) = (signed.city(), signed.signature());
        use sha2::Digest;
        let digest = hex::encode(Sha256::digest(signature.as_bytes()));
        let now = db::now();
        let mut tx = self.db.begin_write().await?;
        db::execute(
            &mut tx,
            "DELETE FROM inbound_seen WHERE seen_at < $1",
            (now - 2 * SIGNATURE_WINDOW_SECONDS,),
        )
        .await?;
        let fresh = db::execute(
            &mut tx,
            "INSERT INTO inbound_seen (city, digest, seen_at) VALUES ($1, $2, $3) ON CONFLICT (city, digest) DO NOTHING",
            (city, &digest, now),
        )
        .await?
            == 1;
        tx.commit().await?;
        if !fresh {
            return Err(RuntimeError::Crm(crate::crm::CrmError::Conflict(
                "this forwarded reply was taken already".into(),
            )));
        }
        let taken = self.reply_by_email(city, to, text).await;
        if taken.is_err() {
            // Not taken: the provider may send it again.
            let mut tx = self.db.begin_write().await?;
            sqlx::query("DELETE FROM inbound_seen WHERE city = $1 AND digest = $2")
                .bind(city)
                .bind(&digest)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        taken
    }

    /// A forwarded reply's proof: its `signature` (`Carmen-Signature`) is the HMAC of `body`
    /// with the inbound secret `city` set, made within the last five minutes.
    pub async fn check_forwarded(
        &self,
        city: &str,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<SignedReply, RuntimeError> {
        let unsigned = || {
            RuntimeError::Unsigned(
                "a forwarded reply carries Carmen-Signature made with the city's inbound secret, within five minutes".into(),
            )
        };
        let settings = delivery::settings(&mut *self.db.read().await?, city).await?;
        let (Some(secret), Some(signature)) = (settings.inbound_secret, signature) else {
            return Err(unsigned());
        };
        if !verify_signature(&secret, signature, body, db::now()) {
            return Err(unsigned());
        }
        Ok(SignedReply::new(city, signature))
    }

    /// The unsubscribe link of message `id` of `city`.
    pub fn unsubscribe_link(&self, public_url: &str, city: &str, id: i64) -> String {
        let token = self.requesters.for_unsubscribe(city, id);
        format!(
            "{}/{city}/unsubscribe/{id}/{token}",
            public_url.trim_end_matches('/')
        )
    }

    /// The recipient of message `id` of `city` asks for no more unprompted messages, by the
    /// link in it (no sign-in needed; the token proves the link).
    pub async fn unsubscribe(&self, city: &str, id: i64, token: &str) -> Result<(), RuntimeError> {
        let expected = self.requesters.for_unsubscribe(city, id);
        if !subtle_eq(expected.as_bytes(), token.as_bytes()) {
            return Err(crate::crm::CrmError::NotFound("link".into()).into());
        }
        let mut tx = self.db.begin_write().await?;
        let message = crate::crm::outbox::get(&mut tx, city, id).await?;
        let contacts = [
            message.recipient.email.clone(),
            message.recipient.phone.clone(),
        ];
        for contact in contacts.into_iter().flatten() {
            delivery::unsubscribe(&mut tx, city, &contact, db::now()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One round of the dispatcher: claims the due messages and tries each once.
    pub async fn deliver_due(&self, now: i64) -> Result<DeliveryReport, RuntimeError> {
        let Some(dispatcher) = self.dispatcher.clone() else {
            return Ok(DeliveryReport::default());
        };
        let claimed = {
            let mut tx = self.db.begin_write().await?;
            let lease = dispatcher.config.lease_seconds.max(1);
            let claimed = delivery::claim(&mut tx, now, lease, BATCH).await?;
            tx.commit().await?;
            claimed
        };
        let mut report = DeliveryReport::default();
        for message in claimed {
            let outcome = self.attempt(&dispatcher, &message, now).await;
            match &outcome {
                Outcome::Sent => report.sent += 1,
                Outcome::Failed { .. } => report.retried += 1,
                Outcome::Dead(_) => report.dead += 1,
                Outcome::Suppressed => report.suppressed += 1,
                Outcome::Deferred(_) => report.deferred += 1,
            }
            if let Outcome::Dead(reason) = &outcome {
                tracing::warn!(city = %message.city, message = message.id, %reason, "a message is dead");
            }
            let mut tx = self.db.begin_write().await?;
            delivery::settle(&mut tx, message.id, &outcome, db::now()).await?;
            tx.commit().await?;
        }
        Ok(report)
    }

    /// Runs `deliver_due` every `every` until the process stops.
    pub async fn run_dispatcher(self, every: Duration) {
        loop {
            match self.deliver_due(db::now()).await {
                Ok(report) if report != DeliveryReport::default() => {
                    tracing::info!(?report, "delivered")
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "the dispatcher's round failed"),
            }
            tokio::time::sleep(every).await;
        }
    }

    async fn attempt(&self, dispatcher: &Dispatcher, message: &Message, now: i64) -> Outcome {
        let (attempts, _) = {
            let found = async {
                let mut conn = self.db.read().await?;
                Ok::<_, RuntimeError>(delivery::attempts(&mut conn, message.id).await?)
            };
            found.await.unwrap_or((0, None))
        };
        if unprompted(message) {
            let contact = match message.channel.as_str() {
                "sms" => message.recipient.phone.clone(),
                _ => message.recipient.email.clone(),
            };
            // Unprompted contact needs consent: none after an unsubscribe, and none to an account
            // whose citizen did not consent to it.
            let suppressed = async {
                let mut conn = self.db.read().await?;
                let Some(contact) = contact else {
                    return Ok::<_, RuntimeError>(false);
                };
                if delivery::unsubscribed(&mut conn, &message.city, &contact).await? {
                    return Ok(true);
                }
                let account = match &message.recipient.email {
                    Some(email) => {
                        people::citizen_by_proven_email(&mut conn, &message.city, email).await?
                    }
                    None => None,
                };
                Ok(match account {
                    Some(user_id) => !people::get(&mut conn, user_id).await?.consent,
                    None => false,
                })
            };
            if suppressed.await.unwrap_or(false) {
                return Outcome::Suppressed;
            }
            // Not during the city's quiet hours: again when they end.
            let city = async {
                let mut conn = self.db.read().await?;
                Ok::<_, RuntimeError>(crate::crm::cities::get(&mut conn, &message.city).await?)
            };
            if let Some(until) = city.await.ok().and_then(|c| c.quiet_ends_after(now)) {
                return Outcome::Deferred(until);
            }
        }
        let sent = match message.channel.as_str() {
            "sms" => self.send_sms(dispatcher, message).await,
            "webhook" => self.send_event(message).await,
            _ => self.send_email(dispatcher, message).await,
        };
        match sent {
            Ok(()) => Outcome::Sent,
            Err(Failure::Permanent(reason)) => Outcome::Dead(reason),
            Err(Failure::Transient(error)) if attempts + 1 >= MAX_ATTEMPTS => {
                Outcome::Dead(format!("{error} (after {MAX_ATTEMPTS} attempts)"))
            }
            Err(Failure::Transient(error)) => Outcome::Failed {
                error,
                retry_at: now + backoff(attempts),
            },
        }
    }

    /// The language a message's recipient reads: its request's, else their account's, else English.
    async fn recipient_language(&self, message: &Message) -> String {
        let found = async {
            let mut conn = self.db.read().await?;
            if let Some(case_id) = message.case_id {
                return Ok::<_, RuntimeError>(Some(
                    cases::get(&mut conn, &message.city, case_id)
                        .await?
                        .language,
                ));
            }
            if let Some(email) = &message.recipient.email
                && let Some(user_id) =
                    people::citizen_by_proven_email(&mut conn, &message.city, email).await?
            {
                return Ok(Some(people::get(&mut conn, user_id).await?.language));
            }
            Ok(None)
        };
        found.await.ok().flatten().unwrap_or_else(|| "en".into())
    }

    async fn send_email(&self, dispatcher: &Dispatcher, message: &Message) -> Result<(), Failure> {
        let Some(mail) = &dispatcher.mail else {
            return Err(Failure::Transient("no SMTP server is configured".into()));
        };
        let Some(to) = &message.recipient.email else {
            return Err(Failure::Permanent("no e-mail address".into()));
        };
        let settings = self
            .city_delivery(&message.city)
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let language = self.recipient_language(message).await;
        let texts = crate::i18n::Texts::new(&language);
        let unsubscribe = unprompted(message).then(|| {
            self.unsubscribe_link(&dispatcher.config.public_url, &message.city, message.id)
        });
        let mut text = message.body.clone();
        let face = self
            .city(&message.city)
            .await
            .map(|city| letterhead(&city, &dispatcher.config.public_url))
            .unwrap_or_default();
        let mut html = format!(
            "<!DOCTYPE html><html lang=\"{}\"><body>{face}{}",
            escaped(texts.language),
            message
                .body
                .split("\n\n")
                .map(|p| format!("<p>{}</p>", escaped(p).replace('\n', "<br>")))
                .collect::<String>()
        );
        if let Some(link) = &unsubscribe {
            let words = texts.t("mail-unsubscribe");
            text.push_str(&format!("\n\n--\n{words}: {link}\n"));
            html.push_str(&format!(
                "<hr><p><a href=\"{}\">{}</a></p>",
                escaped(link),
                escaped(&words)
            ));
        }
        html.push_str("</body></html>");
        // About a request, replies go to an address that names it (with a token), and the city's
        // mail provider forwards them to its thread.
        let reply_to = settings.reply_to.as_ref().map(|reply_to| {
            match (message.case_id, reply_to.rsplit_once('@')) {
                (Some(case_id), Some((local, domain))) => {
                    let local = local.rsplit_once('<').map_or(local, |(_, l)| l);
                    let token = self.requesters.for_reply(&message.city, case_id);
                    format!("{local}+{case_id}.{token}@{}", domain.trim_end_matches('>'))
                }
                _ => reply_to.clone(),
            }
        });
        mail.send(Email {
            from: settings
                .email_from
                .unwrap_or_else(|| dispatcher.config.default_from.clone()),
            to_name: message.recipient.name.clone(),
            to: to.clone(),
            subject: message.subject.clone(),
            text,
            html,
            language: texts.language.to_string(),
            delivery_id: format!("{}-{}", message.city, message.id),
            reply_to,
            unsubscribe,
        })
        .await
    }

    async fn send_sms(&self, dispatcher: &Dispatcher, message: &Message) -> Result<(), Failure> {
        let settings = self
            .city_delivery(&message.city)
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let (Some(url), Some(secret)) = (&settings.sms_url, &settings.sms_secret) else {
            return Err(Failure::Permanent("the city has no SMS gateway".into()));
        };
        let Some(to) = &message.recipient.phone else {
            return Err(Failure::Permanent("no phone number".into()));
        };
        let mut text = format!("{}\n{}", message.subject, message.body);
        if unprompted(message) {
            let language = self.recipient_language(message).await;
            let words = crate::i18n::Texts::new(&language).t("mail-unsubscribe");
            let link =
                self.unsubscribe_link(&dispatcher.config.public_url, &message.city, message.id);
            text.push_str(&format!("\n{words}: {link}"));
        }
        let body = serde_json::to_vec(&serde_json::json!({
            "id": format!("{}-{}", message.city, message.id),
            "city": message.city,
            "to": to,
            "text": text,
        }))
        .expect("a message serializes");
        self.post_signed(url, secret, message, body).await
    }

    /// A request's event, to the city's own systems.
    async fn send_event(&self, message: &Message) -> Result<(), Failure> {
        let settings = self
            .city_delivery(&message.city)
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let (Some(url), Some(secret)) = (&settings.webhook_url, &settings.webhook_secret) else {
            return Err(Failure::Permanent(
                "the city has no webhook any more".into(),
            ));
        };
        self.post_signed(url, secret, message, message.body.clone().into_bytes())
            .await
    }

    /// POSTs `body` to a city's own system at `url`, signed with `secret`.
    async fn post_signed(
        &self,
        url: &str,
        secret: &str,
        message: &Message,
        body: Vec<u8>,
    ) -> Result<(), Failure> {
        let transport: &dyn PostTransport = &HttpPost::new(&self.outbound);
        transport
            .post(SignedPost {
                url: url.to_string(),
                secret: secret.to_string(),
                delivery_id: format!("{}-{}", message.city, message.id),
                body,
            })
            .await
    }
}

/// Constant-time equality of two byte strings.
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_for_its_body_within_the_window_only() {
        let body = br#"{"to":"+391234"}"#;
        let header = signature("a secret of sixteen", 1_000_000, body);
        assert!(verify_signature(
            "a secret of sixteen",
            &header,
            body,
            1_000_100
        ));
        assert!(!verify_signature(
            "another secret!!",
            &header,
            body,
            1_000_100
        ));
        assert!(!verify_signature(
            "a secret of sixteen",
            &header,
            b"{}",
            1_000_100
        ));
        assert!(!verify_signature(
            "a secret of sixteen",
            &header,
            body,
            1_000_000 + SIGNATURE_WINDOW_SECONDS + 1
        ));
        assert!(!verify_signature(
            "a secret of sixteen",
            "t=1,v1=zz",
            body,
            1
        ));
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(backoff(0), 30);
        assert_eq!(backoff(1), 60);
        assert_eq!(backoff(3), 240);
        assert_eq!(backoff(10), 3600);
    }
}
