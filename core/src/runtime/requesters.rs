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

    /// The Open311 token of request `id` of `city`: it names the request, and is not its secret
    /// (a token may end up in URLs and logs; the secret reads a private request).
    pub fn for_open311(&self, city: &str, id: i64) -> String {
        format!(
            "ot_{id}_{}",
            &self.derive(city, "open311", id.to_string().as_bytes())[..20]
        )
    }

    /// The request an Open311 token of `city` names, if it is one this host made for that city.
    pub fn open311_id(&self, city: &str, token: &str) -> Option<i64> {
        let (id, mac) = token.trim().strip_prefix("ot_")?.split_once('_')?;
        let id: i64 = id.parse().ok()?;
        let expected = self.for_open311(city, id);
        let expected_mac = expected.rsplit('_').next()?;
        let same = mac.len() == expected_mac.len()
            && mac
                .bytes()
                .zip(expected_mac.bytes())
                .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                == 0;
        same.then_some(id)
    }

    /// The requester id proven by a request's secret in `city`.
    pub fn for_secret(&self, city: &str, secret: &str) -> String {
        self.derive(city, "secret", secret.as_bytes())
    }
}

/// A fresh secret for request `id` of its city: the request's number and 128 random bits
/// (`rs_<id>_<32 hex digits>`), so that it is found by its number, then checked by its hash.
pub fn new_secret(id: i64) -> String {
    format!("rs_{id}_{}", hex::encode(random::<16>()))
}

/// The request number a secret names, if it is one made by `new_secret`; `None` for the secrets
/// given before (`rs_<32 hex digits>`), found by their hash alone.
pub fn number_in_secret(secret: &str) -> Option<i64> {
    let (number, random) = secret.strip_prefix("rs_")?.split_once('_')?;
    let is_number =
        !number.is_empty() && number.len() <= 18 && number.bytes().all(|b| b.is_ascii_digit());
    let is_random = random.len() == 32 && random.bytes().all(|b| b.is_ascii_hexdigit());
    (is_number && is_random)
        .then(|| number.parse().ok())
        .flatten()
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
        assert!(new_secret(7).starts_with("rs_7_") && new_secret(7) != new_secret(7));
    }

    #[test]
    fn a_secret_names_its_request_and_an_earlier_one_names_none() {
        let secret = new_secret(4_321);
        assert_eq!(number_in_secret(&secret), Some(4_321));
        assert_eq!(secret.len(), "rs_4321_".len() + 32);
        // Given before secrets named their request: found by their hash alone.
        assert_eq!(
            number_in_secret("rs_0123456789abcdef0123456789abcdef"),
            None
        );
        for not_one in [
            "",
            "rs_",
            "rs__0123456789abcdef0123456789abcdef",
            "rs_12_0123456789abcdef",
            "rs_-3_0123456789abcdef0123456789abcdef",
            "rs_1e3_0123456789abcdef0123456789abcdef",
            "rs_99999999999999999999_0123456789abcdef0123456789abcdef",
            "rs_12_0123456789abcdef0123456789abcdeg",
            "xs_12_0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(number_in_secret(not_one), None, "{not_one}");
        }
    }
}
