//! Who is asking, as a plugin may know it: opaque requester ids, derived with a key of this host's
//! database so they cannot be guessed or linked between cities; and the secrets a request's
//! submitter follows it with (shown once, kept as sha256).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::RuntimeError;
use crate::crm::host_keys;
use crate::db::Db;

/// The host key requester ids are derived with.
#[derive(Clone)]
pub struct RequesterKey([u8; 32]);

impl std::fmt::Debug for RequesterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequesterKey(..)")
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes
}

impl RequesterKey {
    /// The database's key, made at first use (every node on one database shares it).
    pub async fn load(db: &Db) -> Result<RequesterKey, RuntimeError> {
        let mut tx = db.begin_write().await?;
        let value =
            host_keys::get_or_make(&mut tx, "requester", || hex::encode(random::<32>())).await?;
        tx.commit().await?;
        let mut key = [0u8; 32];
        hex::decode_to_slice(&value, &mut key).map_err(|e| {
            RuntimeError::Invalid(format!("the stored requester key is unreadable: {e}"))
        })?;
        Ok(RequesterKey(key))
    }

    fn derive(&self, city: &str, kind: &str, value: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works");
        mac.update(city.as_bytes());
        mac.update(b"\0");
        mac.update(kind.as_bytes());
        mac.update(b"\0");
        mac.update(value);
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The requester id of a signed-in citizen in `city`.
    pub fn for_account(&self, city: &str, user_id: i64) -> String {
        self.derive(city, "account", user_id.to_string().as_bytes())
    }

    /// The token of the satisfaction survey link of request `id` of `city`.
    pub fn for_survey(&self, city: &str, id: i64) -> String {
        self.derive(city, "survey", id.to_string().as_bytes())
    }

    /// The token in the reply address of e-mails about request `id` of `city` (16 hex digits, to
    /// keep the address short).
    pub fn for_reply(&self, city: &str, id: i64) -> String {
        self.derive(city, "reply", id.to_string().as_bytes())[..16].to_string()
    }

    /// The token of the unsubscribe link in message `id` of `city`.
    pub fn for_unsubscribe(&self, city: &str, id: i64) -> String {
        self.derive(city, "unsubscribe", id.to_string().as_bytes())
    }

    /// The requester id proven by a request's secret in `city`.
    pub fn for_secret(&self, city: &str, secret: &str) -> String {
        self.derive(city, "secret", secret.as_bytes())
    }
}

/// A fresh secret for a new request (128 random bits).
pub fn new_secret() -> String {
    format!("rs_{}", hex::encode(random::<16>()))
}

/// What is kept of a request's secret.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_differ_by_city_and_kind_and_never_show_the_input() {
        let key = RequesterKey([7; 32]);
        let a = key.for_account("rivertown", 42);
        assert_eq!(a, key.for_account("rivertown", 42));
        assert_ne!(a, key.for_account("hillcrest", 42));
        assert_ne!(a, key.for_secret("rivertown", "42"));
        assert_ne!(a, RequesterKey([8; 32]).for_account("rivertown", 42));
        assert_eq!(a.len(), 32);
        assert!(new_secret().starts_with("rs_") && new_secret() != new_secret());
    }
}
