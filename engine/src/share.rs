//! Fair share of the engine's call slots: a call takes a slot of its install, of its city and of
//! the host; an install and a city may hold only a bounded part of the host's slots, so one
//! city's storm leaves the other cities theirs. A call that waits too long for a slot is refused
//! as busy, and only its own city's callers see that.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::PluginError;

/// Most plugin calls running at once on this host.
pub const HOST_SLOTS: usize = 256;
/// Most calls one city runs at once.
pub const CITY_SLOTS: usize = 16;
/// Most calls one install runs at once.
pub const INSTALL_SLOTS: usize = 8;
/// How long a call waits for its slots before it is refused as busy.
const QUEUE_WAIT: Duration = Duration::from_secs(5);

/// The slots of the host, its cities and their installs.
pub struct Shares {
    host: Arc<Semaphore>,
    cities: Mutex<HashMap<String, Arc<Semaphore>>>,
    installs: Mutex<HashMap<(String, String), Arc<Semaphore>>>,
}

/// The slots one call holds until it is dropped.
pub struct Slots {
    _install: OwnedSemaphorePermit,
    _city: OwnedSemaphorePermit,
    _host: OwnedSemaphorePermit,
}

fn semaphore<K: Eq + std::hash::Hash>(
    map: &Mutex<HashMap<K, Arc<Semaphore>>>,
    key: K,
    slots: usize,
) -> Arc<Semaphore> {
    map.lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_insert_with(|| Arc::new(Semaphore::new(slots)))
        .clone()
}

impl Default for Shares {
    fn default() -> Shares {
        Shares {
            host: Arc::new(Semaphore::new(HOST_SLOTS)),
            cities: Mutex::default(),
            installs: Mutex::default(),
        }
    }
}

impl Shares {
    /// Slots for one call of `service` in `city`, waiting at most `QUEUE_WAIT` for them.
    pub async fn take(&self, city: &str, service: &str) -> Result<Slots, PluginError> {
        let install = semaphore(
            &self.installs,
            (city.to_string(), service.to_string()),
            INSTALL_SLOTS,
        );
        let city = semaphore(&self.cities, city.to_string(), CITY_SLOTS);
        let host = self.host.clone();
        let taken = tokio::time::timeout(QUEUE_WAIT, async move {
            let install = install.acquire_owned().await;
            let city = city.acquire_owned().await;
            let host = host.acquire_owned().await;
            Some(Slots {
                _install: install.ok()?,
                _city: city.ok()?,
                _host: host.ok()?,
            })
        })
        .await;
        match taken {
            Ok(Some(slots)) => Ok(slots),
            Ok(None) => Err(PluginError::Host("the engine is shutting down".into())),
            Err(_) => Err(PluginError::Busy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_city_cannot_take_more_than_its_share_of_the_host() {
        let shares = Shares::default();
        let mut held = Vec::new();
        for n in 0..CITY_SLOTS {
            held.push(shares.take("storm", &format!("s{}", n % 4)).await.unwrap());
        }
        let started = std::time::Instant::now();
        let more =
            tokio::time::timeout(Duration::from_millis(50), shares.take("storm", "s9")).await;
        assert!(more.is_err(), "the storming city waits for its own slots");
        assert!(
            shares.take("calm", "s0").await.is_ok(),
            "another city does not"
        );
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
