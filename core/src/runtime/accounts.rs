//! People and their credentials: citizens' accounts and the proof of their contacts, signing in
//! and out, staff, API keys for apps, and the operator. Every action of staff, administrators and
//! the operator is audited in the transaction that makes it.
//!
//! Nothing here tells whether an account exists: registering with an address in use answers as a
//! new registration does (and tells the address's owner); signing in to an unknown account costs
//! the same work and gets the same answer as a wrong password; failures slow down each account
//! and each client address, whoever asks.

use std::net::IpAddr;

use serde_json::json;

use super::proofs::{Admin, Citizen, Member, Operator};
use super::{Carmen, RuntimeError};
use crate::crm::cases::Contact;
use crate::crm::outbox::{self, NewMessage};
use crate::crm::people::{self, NewUser, Role, User};
use crate::crm::{CrmError, audit, cities, sign_ins, verifications};
use crate::db::{self, Sequence};
use crate::i18n::Texts;

/// Failures an account may have before each next try waits (1 s, then twice as long each time).
const ACCOUNT_FREE_FAILURES: i64 = 5;
/// Failures a client address may have before its tries wait (many people share an address).
const ADDRESS_FREE_FAILURES: i64 = 100;
/// The longest wait between tries, in seconds.
const LONGEST_WAIT: i64 = 15 * 60;
/// Failures older than this are forgotten, in seconds.
const FAILURES_LAST: i64 = 3_600;

/// How long `failures` (the last at `last_at`) make the next try wait from now, in seconds. Times
/// are whole seconds, so the wait counts from the end of the second of the last failure: a wait of
/// 1 s is at least one real second, never none.
fn wait(failures: i64, last_at: i64, free: i64, now: i64) -> i64 {
    if failures < free || now - last_at > FAILURES_LAST {
        return 0;
    }
    let wait = 1i64 << (failures - free).min(20);
    (last_at + (wait + 1).min(LONGEST_WAIT) - now).max(0)
}

/// How long an address an account signed in from stays its owner's, in seconds.
const KNOWN_ADDRESS_LASTS: i64 = 90 * 24 * 3600;

/// The client as its limits know it: an IPv4 address, or the /64 network of an IPv6 one (one
/// subscriber's line holds a whole /64, and its devices' addresses change daily).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// What a sign-in tries, as throttling subjects.
struct Subjects {
    /// The account from anywhere: slows guessing spread over many addresses; not applied at an
    /// address its owner signed in from.
    account: String,
    /// From a known client address: the account from there (also what marks the address as its
    /// owner's once a sign-in succeeds), and the address for every account.
    here: Option<(String, String)>,
}

impl Subjects {
    fn of(city: Option<&str>, email: &str, from: Option<IpAddr>) -> Subjects {
        let account = format!(
            "account:{}:{}",
            city.unwrap_or("-operator-"),
            email.trim().to_lowercase()
        );
        let here = from
            .map(client_key)
            .map(|from| (format!("{account}|{from}"), format!("address:{from}")));
        Subjects { account, here }
    }
}

/// Accounts one client address may make at once, and then one every `REGISTRATION_EVERY`.
pub const REGISTRATIONS_BURST: u32 = 20;
const REGISTRATION_EVERY: std::time::Duration = std::time::Duration::from_secs(180);

/// The accounts each client address made lately, across every city.
#[derive(Debug)]
pub struct Registrations(governor::DefaultKeyedRateLimiter<IpAddr>);

impl Default for Registrations {
    fn default() -> Registrations {
        let quota = governor::Quota::with_period(REGISTRATION_EVERY)
            .expect("a period")
            .allow_burst(std::num::NonZeroU32::new(REGISTRATIONS_BURST).expect("not zero"));
        Registrations(governor::RateLimiter::keyed(quota))
    }
}

impl Registrations {
    /// Counts one registration from `from`; how long to wait when it is over its allowance.
    fn take(&self, from: IpAddr) -> Result<(), RuntimeError> {
        use governor::clock::Clock;
        if self.0.len() > 100_000 {
            self.0.retain_recent();
        }
        self.0.check_key(&client_key(from)).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            RuntimeError::RateLimited(wait.as_secs().max(1))
        })
    }
}

/// What a registration answers, the same whether or not the address was in use.
pub const REGISTERED: &str = "If this e-mail address is new here, the account is made and you can sign in; \
    a code to verify the address (and one for the phone number, if given) is on its way.";

impl Carmen {
    /// Registers a citizen of `city`. Answers the same whether or not the e-mail address is in
    /// use: a new one gets an account and verification codes, one in use gets a note to its
    /// owner and nothing else. A client address (`from`) makes `REGISTRATIONS_BURST` accounts
    /// at once at most, then a few an hour.
    pub async fn register_citizen(
        &self,
        city: &str,
        new: NewUser,
        from: Option<IpAddr>,
    ) -> Result<(), RuntimeError> {
        if new.email.is_none() {
            return Err(RuntimeError::Invalid(
                "an account needs an e-mail address to sign in with".into(),
            ));
        }
        // Everything is checked before it matters whether the address is in use.
        let (email, phone, _) = people::check_new(&new)?;
        let email = email.unwrap_or_default();
        cities::get(&mut *self.db.read().await?, city).await?;
        // Only a well-formed registration for a real city counts against the address.
        if let Some(from) = from {
            self.registrations.take(from)?;
        }
        // The same work either way: the hash is made whether or not it is kept.
        let password = new.password.clone().unwrap_or_default();
        let hash = self.passwords.hash(city, password).await?;
        let ids = [
            self.db.next_id(Sequence::Outbox).await?,
            self.db.next_id(Sequence::Outbox).await?,
        ];
        let mut tx = self.db.begin_write().await?;
        if people::email_taken(&mut tx, city, &email).await? {
            let t = Texts::new(new.language.as_deref().unwrap_or("en"));
            let note = account_message(
                city,
                Contact {
                    email: Some(email.clone()),
                    ..Default::default()
                },
                &t.t("mail-taken-subject"),
                &t.t("mail-taken-body"),
            );
            outbox::enqueue(&mut tx, ids[0], &note).await?;
        } else {
            let user = people::create(
                &mut tx,
                Role::Citizen,
                NewUser {
                    city: Some(city.to_string()),
                    email: Some(email),
                    phone,
                    password: None,
                    password_hash: Some(hash),
                    ..new
                },
            )
            .await?;
            match self.send_codes(&mut tx, &user, &ids).await {
                // The contact had all the codes it may have today: the account is made all the
                // same (and answers as always); its owner asks for a code again later.
                Ok(()) | Err(RuntimeError::Crm(CrmError::LimitExceeded(_))) => {}
                Err(e) => return Err(e),
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Queues a verification code for each unproven contact of `user` under `ids`.
    async fn send_codes(
        &self,
        conn: &mut db::Conn,
        user: &User,
        ids: &[i64],
    ) -> Result<(), RuntimeError> {
        let city = user.city.as_deref().unwrap_or_default();
        let unproven = [
            ("email", user.email.clone().filter(|_| !user.email_verified)),
            ("phone", user.phone.clone().filter(|_| !user.phone_verified)),
        ];
        for ((channel, contact), id) in unproven.into_iter().zip(ids) {
            let Some(contact) = contact else { continue };
            let code = verifications::start(conn, user.id, channel, &contact).await?;
            let recipient = match channel {
                "email" => Contact {
                    email: Some(contact),
                    ..Default::default()
                },
                _ => Contact {
                    phone: Some(contact),
                    ..Default::default()
                },
            };
            let t = Texts::new(&user.language);
            let message = account_message(
                city,
                recipient,
                &t.t("mail-code-subject"),
                &t.with("mail-code-body", &[("code", &code)]),
            );
            outbox::enqueue(conn, *id, &message).await?;
        }
        Ok(())
    }

    /// Sends new codes for the signed-in person's unproven contacts; `LimitExceeded`, sending
    /// nothing, once a contact's budget of codes is spent.
    pub async fn resend_codes(&self, citizen: &Citizen) -> Result<(), RuntimeError> {
        let principal = citizen.principal();
        let ids = [
            self.db.next_id(Sequence::Outbox).await?,
            self.db.next_id(Sequence::Outbox).await?,
        ];
        let mut tx = self.db.begin_write().await?;
        let user = people::get(&mut tx, principal.user_id).await?;
        self.send_codes(&mut tx, &user, &ids).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Proves the signed-in person's contact on `channel` (`email` or `phone`) with the code
    /// sent to it.
    pub async fn verify_contact(
        &self,
        citizen: &Citizen,
        channel: &str,
        code: &str,
    ) -> Result<User, RuntimeError> {
        let principal = citizen.principal();
        let mut tx = self.db.begin_write().await?;
        let user = people::get(&mut tx, principal.user_id).await?;
        let current = match channel {
            "email" => user.email.as_deref(),
            "phone" => user.phone.as_deref(),
            _ => {
                return Err(RuntimeError::Invalid(
                    "the channel is email or phone".into(),
                ));
            }
        };
        // A wrong code is counted, so the count commits even when the answer is no.
        let checked = verifications::check(&mut tx, user.id, channel, code, current).await;
        if checked.is_ok() {
            people::mark_verified(&mut tx, user.id, channel).await?;
        }
        tx.commit().await?;
        checked?;
        Ok(people::get(&mut *self.db.read().await?, user.id).await?)
    }

    /// Checks an e-mail address and password in `city` (`None`: the operator) from a client at
    /// `from`, and opens a web session: the person and the session's token (shown once).
    pub async fn sign_in(
        &self,
        city: Option<&str>,
        email: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> Result<(User, String), RuntimeError> {
        if let Some(city) = city {
            cities::get(&mut *self.db.read().await?, city).await?;
        }
        let subjects = Subjects::of(city, email, from);
        // The try is counted before the password is checked, in one transaction: of parallel
        // tries, those past the allowance wait without costing a check.
        {
            let mut tx = self.db.begin_write().await?;
            let owners_address = match &subjects.here {
                Some((account_here, _)) => {
                    sign_ins::known(&mut tx, account_here, KNOWN_ADDRESS_LASTS).await?
                }
                None => false,
            };
            let mut counted: Vec<(&str, i64)> = Vec::new();
            if !owners_address {
                counted.push((&subjects.account, ACCOUNT_FREE_FAILURES));
            }
            if let Some((account_here, address)) = &subjects.here {
                counted.push((account_here, ACCOUNT_FREE_FAILURES));
                counted.push((address, ADDRESS_FREE_FAILURES));
            }
            let now = db::now();
            for (subject, free) in counted {
                let waits = sign_ins::reserve(&mut tx, subject, |failures, last_at| {
                    wait(failures, last_at, free, now)
                })
                .await?;
                if let Some(seconds) = waits {
                    // Nothing of this try is kept.
                    return Err(RuntimeError::Throttled(seconds as u64));
                }
            }
            tx.commit().await?;
        }
        let found = people::with_password(&mut *self.db.read().await?, city, email).await?;
        let (user, hash) = match found {
            Some((user, hash)) => (Some(user), hash),
            None => (None, None),
        };
        let right = self
            .passwords
            .check(city.unwrap_or("-operator-"), hash, password.to_string())
            .await?;
        match (user, right) {
            (Some(user), true) => {
                let mut tx = self.db.begin_write().await?;
                sign_ins::forget(&mut tx, &subjects.account).await?;
                if let Some((account_here, address)) = &subjects.here {
                    sign_ins::forget(&mut tx, account_here).await?;
                    sign_ins::remember(&mut tx, account_here).await?;
                    sign_ins::give_back(&mut tx, address).await?;
                }
                let token = people::issue_token(&mut tx, &user, "session", "web session").await?;
                tx.commit().await?;
                Ok((user, token))
            }
            _ => Err(RuntimeError::Crm(CrmError::Invalid(
                "wrong e-mail address or password".into(),
            ))),
        }
    }

    /// Ends the web session `token`. An API key or the operator's token is not a session: it is
    /// revoked by its own route (or replaced at the console), never by signing out.
    pub async fn sign_out(&self, token: &str) -> Result<(), RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        if people::token_kind(&mut tx, token).await?.as_deref() != Some("session") {
            return Err(RuntimeError::Invalid(
                "signing out ends a web session; this token is an API key: revoke it with DELETE /cities/{city}/api-keys/{id}, or replace the operator's with carmen operator token".into(),
            ));
        }
        people::revoke_session(&mut tx, token).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A new API token for the operator, issued at the console (the way back in when the last
    /// one is lost); shown once, audited. Earlier tokens keep working until revoked.
    pub async fn new_operator_token(
        &self,
        console: &Operator,
    ) -> Result<(User, String), RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        let operator = people::operator(&mut tx).await?;
        let token = people::issue_token(&mut tx, &operator, "api", "operator token").await?;
        audit::record_action(
            &mut tx,
            None,
            console.principal(),
            "operator.token",
            &format!("user:{}", operator.id),
        )
        .await?;
        tx.commit().await?;
        Ok((operator, token))
    }

    /// A citizen sets how the city contacts them: language, channel, consent to proactive contact.
    pub async fn set_preferences(
        &self,
        citizen: &Citizen,
        language: &str,
        channel: &str,
        consent: bool,
    ) -> Result<User, RuntimeError> {
        let principal = citizen.principal();
        let mut tx = self.db.begin_write().await?;
        let user =
            people::set_preferences(&mut tx, principal.user_id, language, channel, consent).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// A citizen's inbox: the messages the city sent to the contacts they proved, newest first.
    pub async fn inbox(&self, citizen: &Citizen) -> Result<Vec<outbox::Message>, RuntimeError> {
        let (city, citizen) = (citizen.city(), citizen.principal());
        let mut conn = self.db.read().await?;
        let user = people::get(&mut conn, citizen.user_id).await?;
        let email = user.email.as_deref().filter(|_| user.email_verified);
        let phone = user.phone.as_deref().filter(|_| user.phone_verified);
        if email.is_none() && phone.is_none() {
            return Ok(Vec::new());
        }
        Ok(outbox::to_contacts(&mut conn, city, email, phone, 50).await?)
    }

    /// A person's own profile.
    pub async fn profile(&self, member: &Member) -> Result<User, RuntimeError> {
        let principal = member.principal();
        Ok(people::get(&mut *self.db.read().await?, principal.user_id).await?)
    }

    /// `new` with its password replaced by its hash, made off the async workers.
    pub(crate) async fn with_hashed_password(
        &self,
        mut new: NewUser,
    ) -> Result<NewUser, RuntimeError> {
        if let Some(password) = new.password.take() {
            let city = new.city.clone().unwrap_or_else(|| "-operator-".into());
            new.password_hash = Some(self.passwords.hash(&city, password).await?);
        }
        Ok(new)
    }

    /// Adds a staff member or administrator to `city`.
    pub async fn add_staff(
        &self,

        admin: &Admin,
        role: Role,
        new: NewUser,
    ) -> Result<User, RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        if !matches!(role, Role::Staff | Role::Admin) {
            return Err(RuntimeError::Invalid("role is staff or admin".into()));
        }
        let new = self.with_hashed_password(new).await?;
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        let user = people::create(
            &mut tx,
            role,
            NewUser {
                city: Some(city.to_string()),
                ..new
            },
        )
        .await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "user.create",
            &format!("user:{}", user.id),
            None,
            Some(json!({"role": role, "email": user.email})),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Issues an API key of `city` for the app `label`: the key's id and the key itself, which
    /// is shown once and never stored.
    pub async fn issue_api_key(
        &self,

        admin: &Admin,
        label: &str,
    ) -> Result<(String, String), RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        let (key_id, key) = people::issue_api_key(&mut tx, city, label).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "key.issue",
            &format!("key:{key_id}"),
            None,
            Some(json!({"label": label.trim()})),
        )
        .await?;
        tx.commit().await?;
        Ok((key_id, key))
    }

    /// Revokes the API key `key_id` of `city`; false if there is no such key.
    pub async fn revoke_api_key(&self, admin: &Admin, key_id: &str) -> Result<bool, RuntimeError> {
        let (city, actor) = (admin.city(), admin.principal());
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        if !people::revoke_key(&mut tx, city, key_id).await? {
            return Ok(false);
        }
        audit::record_action(
            &mut tx,
            Some(city),
            actor,
            "key.revoke",
            &format!("key:{key_id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Creates the first operator at the console, with an API token (shown once).
    pub async fn create_operator(
        &self,
        console: &Operator,
        new: NewUser,
    ) -> Result<(User, String), RuntimeError> {
        let new = self.with_hashed_password(new).await?;
        let mut tx = self.db.begin_write().await?;
        if people::operator_exists(&mut tx).await? {
            return Err(RuntimeError::Invalid(
                "an operator exists already; the first operator is created once".into(),
            ));
        }
        let operator = people::create(&mut tx, Role::Operator, new).await?;
        let token = people::issue_token(&mut tx, &operator, "api", "operator init").await?;
        audit::record_action(
            &mut tx,
            None,
            console.principal(),
            "operator.create",
            &format!("user:{}", operator.id),
        )
        .await?;
        tx.commit().await?;
        Ok((operator, token))
    }
}

/// A message about a person's account (codes, notes), sent on the channel of its recipient.
fn account_message(city: &str, recipient: Contact, subject: &str, body: &str) -> NewMessage {
    let channel = if recipient.email.is_some() {
        "email"
    } else {
        "sms"
    };
    NewMessage {
        city: city.to_string(),
        service: "account".into(),
        case_id: None,
        recipient,
        channel: Some(channel.into()),
        subject: subject.into(),
        body: body.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::{client_key, wait};
    use std::net::IpAddr;

    #[test]
    fn an_ipv6_client_is_known_by_its_64_and_an_ipv4_one_by_its_address() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(
            client_key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            client_key(ip("2001:db8:1:2::99")),
            client_key(ip("2001:db8:1:2:1::1"))
        );
        assert_ne!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(client_key(ip("203.0.113.7")), ip("203.0.113.7"));
        assert_eq!(client_key(ip("::ffff:203.0.113.7")), ip("203.0.113.7"));
    }

    #[test]
    fn waits_grow_after_the_free_failures_and_are_forgotten_after_an_hour() {
        assert_eq!(wait(4, 1_000, 5, 1_000), 0);
        assert_eq!(wait(5, 1_000, 5, 1_000), 2);
        assert_eq!(
            wait(5, 1_000, 5, 1_001),
            1,
            "a full second after the failure's second"
        );
        assert_eq!(wait(5, 1_000, 5, 1_002), 0);
        assert_eq!(wait(8, 1_000, 5, 1_002), 7);
        assert_eq!(wait(40, 1_000, 5, 1_000), 900);
        assert_eq!(wait(40, 1_000, 5, 1_000 + 3_601), 0);
    }
}
