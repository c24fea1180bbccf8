//! Installs and upgrades that outlast a request. A Python or JavaScript component compiles for
//! tens of seconds; its administrator should not hold a request open for it. The caller waits a
//! little (`PATIENCE`); work not done by then goes on in the background as a job of the city,
//! which the caller follows — running for how long, then done or failed with the reason — and the
//! install or upgrade takes effect when the compile is done (until then, on an upgrade, the
//! version before it serves).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::proofs::Admin;
use super::{Carmen, RuntimeError};
use crate::crm::CrmError;
use crate::crm::installs::Install;

/// How long a caller waits for an install or upgrade before it becomes a job.
pub const PATIENCE: Duration = Duration::from_secs(5);
/// How long a finished job can still be asked about.
const KEPT: Duration = Duration::from_secs(3600);
/// How many installs and upgrades one city runs in the background at once.
const PER_CITY: usize = 4;
/// The longest reason a failed job gives, in characters.
const MAX_REASON: usize = 500;

/// Where a job stands.
#[derive(Clone, Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "a few jobs at a time; the install is what they are for"
)]
pub enum JobState {
    /// Downloading, checking, compiling.
    Running,
    /// Done: the service as installed now.
    Done(Install),
    /// Refused or failed; nothing changed.
    Failed(String),
}

/// One install or upgrade in the background.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: u64,
    pub city: String,
    /// What it does, such as `install noise-report`.
    pub what: String,
    pub state: JobState,
    started: Instant,
    finished: Option<Instant>,
}

impl Job {
    /// How long it ran, or has run so far.
    pub fn elapsed(&self) -> Duration {
        self.finished.unwrap_or_else(Instant::now) - self.started
    }
}

/// The jobs of every city on this node.
#[derive(Debug, Default)]
pub struct Jobs {
    next: AtomicU64,
    all: Mutex<HashMap<u64, Job>>,
}

impl Jobs {
    /// A new running job of `city`, unless the city runs `PER_CITY` already.
    fn start(&self, city: &str, what: &str) -> Result<u64, RuntimeError> {
        // Ids that tell nothing of how busy the node is; below 2^53 for JSON.
        let id = getrandom::u64()
            .map(|n| n & ((1 << 53) - 1))
            .unwrap_or_else(|_| self.next.fetch_add(1, Ordering::Relaxed) + 1);
        let mut all = self.all.lock().unwrap_or_else(|e| e.into_inner());
        all.retain(|_, job| job.finished.is_none_or(|at| at.elapsed() < KEPT));
        let running = all
            .values()
            .filter(|job| job.city == city && job.finished.is_none())
            .count();
        if running >= PER_CITY {
            return Err(RuntimeError::Busy);
        }
        all.insert(
            id,
            Job {
                id,
                city: city.to_string(),
                what: what.chars().take(100).collect(),
                state: JobState::Running,
                started: Instant::now(),
                finished: None,
            },
        );
        Ok(id)
    }

    fn finish(&self, id: u64, state: JobState) {
        let mut all = self.all.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(job) = all.get_mut(&id) {
            job.state = state;
            job.finished = Some(Instant::now());
        }
    }

    /// Job `id`, if it is `city`'s: another city's job is not found.
    pub fn get(&self, city: &str, id: u64) -> Option<Job> {
        let all = self.all.lock().unwrap_or_else(|e| e.into_inner());
        all.get(&id).filter(|job| job.city == city).cloned()
    }
}

/// Marks its job failed if the work ends without saying (a panic, a cancelled task).
struct Finishing {
    jobs: std::sync::Arc<Jobs>,
    id: u64,
    done: bool,
}

impl Finishing {
    fn finish(&mut self, state: JobState) {
        self.done = true;
        self.jobs.finish(self.id, state);
    }
}

impl Drop for Finishing {
    fn drop(&mut self) {
        if !self.done {
            self.jobs.finish(
                self.id,
                JobState::Failed("the install stopped unexpectedly; nothing changed".into()),
            );
        }
    }
}

/// What a failed job tells its city: the refusal's words, but not the store's or the host's
/// internals (those go to the log), and at most `MAX_REASON` characters.
fn public_reason(error: &RuntimeError) -> String {
    let text = match error {
        RuntimeError::Crm(CrmError::Storage(_)) => {
            "the store is unavailable; try again".to_string()
        }
        RuntimeError::Service(super::ServiceFailure::Unavailable) => {
            "a fault on the host; try again".to_string()
        }
        other => other.to_string(),
    };
    if matches!(
        error,
        RuntimeError::Crm(CrmError::Storage(_))
            | RuntimeError::Service(super::ServiceFailure::Unavailable)
    ) {
        tracing::warn!(%error, "a background install failed");
    }
    match text.char_indices().nth(MAX_REASON) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// What became of an install or upgrade within the caller's patience.
#[allow(
    clippy::large_enum_variant,
    reason = "made once per install; the install is its answer"
)]
pub enum Waited {
    Done(Install),
    /// Still running, as this job of the city.
    Running(u64),
}

impl Carmen {
    /// Runs `work` (an install or upgrade of `city`) on a task of its own and waits up to
    /// `patience` for it; what is not done by then goes on as a job.
    pub async fn as_job(
        &self,
        admin: &Admin,
        what: &str,
        patience: Duration,
        work: impl Future<Output = Result<Install, RuntimeError>> + Send + 'static,
    ) -> Result<Waited, RuntimeError> {
        let city = admin.city();
        let (answer, answered) = tokio::sync::oneshot::channel();
        let id = self.jobs.start(city, what)?;
        let mut finishing = Finishing {
            jobs: self.jobs.clone(),
            id,
            done: false,
        };
        self.background.spawn(async move {
            let result = work.await;
            finishing.finish(match &result {
                Ok(install) => JobState::Done(install.clone()),
                Err(error) => JobState::Failed(public_reason(error)),
            });
            let _ = answer.send(result);
        });
        match tokio::time::timeout(patience, answered).await {
            Ok(Ok(result)) => result.map(Waited::Done),
            Ok(Err(_)) => Err(RuntimeError::Invalid("the install stopped".into())),
            Err(_) => {
                tracing::info!(%city, job = id, what, "still compiling; going on in the background");
                Ok(Waited::Running(id))
            }
        }
    }

    /// Job `id` of `city`.
    pub fn job(&self, admin: &Admin, id: u64) -> Option<Job> {
        let city = admin.city();
        self.jobs.get(city, id)
    }
}
