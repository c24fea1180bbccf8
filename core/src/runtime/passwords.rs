//! Passwords are hashed and checked with argon2 on a small blocking pool, never on the async
//! workers, so a flood of sign-ins slows only sign-ins; each city holds at most `PER_CITY` of the
//! pool's slots, so one city's flood of registrations or sign-ins leaves the others a slot; and
//! an unknown account costs the same work as a known one, so the time of an answer does not tell
//! whether an account exists.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::Semaphore;

use super::RuntimeError;
use crate::crm::people;

/// Argon2 runs at most this many at once.
const AT_ONCE: usize = 2;
/// Slots one city (or the operator) may hold at once; its other work waits in its own line.
const PER_CITY: usize = 1;
/// Cities whose lines are remembered before idle ones are forgotten.
const LINES_KEPT: usize = 1024;

/// The host's password work.
#[derive(Clone, Debug)]
pub struct Passwords {
    slots: Arc<Semaphore>,
    /// Each city's line to the slots.
    lines: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl Default for Passwords {
    fn default() -> Passwords {
        Passwords {
            slots: Arc::new(Semaphore::new(AT_ONCE)),
            lines: Default::default(),
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
    /// `city`'s line: a new one, or the one its other work waits in.
    fn line(&self, city: &str) -> Arc<Semaphore> {
        let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        if lines.len() >= LINES_KEPT {
            // Forget the lines nobody waits in.
            lines.retain(|_, line| Arc::strong_count(line) > 1);
        }
        lines
            .entry(city.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(PER_CITY)))
            .clone()
    }

    async fn blocking<T: Send + 'static>(
        &self,
        city: &str,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, RuntimeError> {
        let stopping = |_| RuntimeError::Invalid("the host is stopping".into());
        let turn = self.line(city).acquire_owned().await.map_err(stopping)?;
        let slot = self.slots.clone().acquire_owned().await.map_err(stopping)?;
        // The permits go with the work: a request dropped while it runs (a timeout, a client
        // gone) does not free its slot before the hashing is done.
        tokio::task::spawn_blocking(move || {
            let _held = (turn, slot);
            work()
        })
        .await
        .map_err(|e| RuntimeError::Invalid(format!("password work failed: {e}")))
    }

    /// An argon2 hash of `password` (refused if too short or too long), as work of `city`.
    pub async fn hash(&self, city: &str, password: String) -> Result<String, RuntimeError> {
        Ok(self
            .blocking(city, move || people::hash_password(&password))
            .await??)
    }

    /// Whether `password` matches `hash`, as work of `city`; with no hash, the same work
    /// against a decoy, false.
    pub async fn check(
        &self,
        city: &str,
        hash: Option<String>,
        password: String,
    ) -> Result<bool, RuntimeError> {
        self.blocking(city, move || match hash {
            Some(hash) => people::password_matches(&hash, &password),
            None => {
                let _ = people::password_matches(decoy(), &password);
                false
            }
        })
        .await
    }
}
