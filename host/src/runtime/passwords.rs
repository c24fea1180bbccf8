//! Passwords are hashed and checked with argon2 on a small blocking pool, never on the async
//! workers, so a flood of sign-ins slows only sign-ins; and an unknown account costs the same
//! work as a known one, so the time of an answer does not tell whether an account exists.

use std::sync::{Arc, OnceLock};

use tokio::sync::Semaphore;

use super::RuntimeError;
use crate::crm::people;

/// Argon2 runs at most this many at once.
const AT_ONCE: usize = 2;

/// The host's password work.
#[derive(Clone, Debug)]
pub struct Passwords {
    slots: Arc<Semaphore>,
}

impl Default for Passwords {
    fn default() -> Passwords {
        Passwords {
            slots: Arc::new(Semaphore::new(AT_ONCE)),
        }
    }
}

/// A hash of a password nobody knows, checked against when there is no account.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        people::hash_password(&hex::encode(bytes)).expect("a long random password hashes")
    })
}

impl Passwords {
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, RuntimeError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| RuntimeError::Invalid("the host is stopping".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| RuntimeError::Invalid(format!("password work failed: {e}")))
    }

    /// An argon2 hash of `password` (refused if too short or too long).
    pub async fn hash(&self, password: String) -> Result<String, RuntimeError> {
        Ok(self
            .blocking(move || people::hash_password(&password))
            .await??)
    }

    /// Whether `password` matches `hash`; with no hash, the same work against a decoy, false.
    pub async fn check(
        &self,
        hash: Option<String>,
        password: String,
    ) -> Result<bool, RuntimeError> {
        self.blocking(move || match hash {
            Some(hash) => people::password_matches(&hash, &password),
            None => {
                let _ = people::password_matches(decoy(), &password);
                false
            }
        })
        .await
    }
}
