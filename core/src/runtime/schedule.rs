//! Scheduled work: every install's `tick`, so services can act before they are asked. Ticks of
//! different installs run concurrently (the engine's fair share keeps any one city to its part);
//! one install that fails never stops the others, and a tick still running when the next round
//! comes is not started again until it has finished.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::calls::Attempts;
use super::{Carmen, RuntimeError};
use crate::crm::installs::{self, Install};

/// Most ticks running at once across the host.
const CONCURRENT_TICKS: usize = 16;
/// Most ticks of one city running at once, so that one city's slow ticks cannot hold them all.
const CONCURRENT_TICKS_PER_CITY: usize = 4;
/// How many due installs a scheduled round claims at a time.
const CLAIM: i64 = 256;

/// The installs in turn by city (each city's first, then each city's second, ...), so that the
/// order of a round favours no city.
fn taking_turns(all: Vec<Install>) -> Vec<Install> {
    let mut by_city: std::collections::BTreeMap<String, std::collections::VecDeque<Install>> =
        Default::default();
    for install in all {
        by_city
            .entry(install.city.clone())
            .or_default()
            .push_back(install);
    }
    let mut turns = Vec::new();
    while !by_city.is_empty() {
        by_city.retain(|_, installs| {
            if let Some(install) = installs.pop_front() {
                turns.push(install);
            }
            !installs.is_empty()
        });
    }
    turns
}

/// The installs whose tick is running now, by install id.
#[derive(Clone, Debug, Default)]
pub struct Ticking(Arc<Mutex<HashSet<i64>>>);

impl Ticking {
    /// Marks `install` as ticking; false if it is ticking already.
    fn start(&self, install: i64) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(install)
    }

    fn is_idle(&self) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
    }

    fn finish(&self, install: i64) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&install);
    }
}

/// Marks an install's tick finished when dropped, however the tick ended.
struct Finished(Ticking, i64);

impl Drop for Finished {
    fn drop(&mut self) {
        self.0.finish(self.1);
    }
}

/// The outcome of one round of ticks.
#[derive(Debug, Default)]
pub struct TickReport {
    pub ticked: usize,
    /// Installs skipped because their previous tick is still running.
    pub skipped: usize,
    /// Installs whose tick failed: city, service code, and why.
    pub failed: Vec<(String, String, RuntimeError)>,
}

impl Carmen {
    /// One round, now: calls `tick(now)` on every install of every city and commits what each
    /// wrote; waits for the round to finish and reports it. (The console's and the tests' round;
    /// the scheduler ticks only the installs that are due, see `tick_due`.)
    pub async fn tick_all(&self, now: i64) -> Result<TickReport, RuntimeError> {
        let all = installs::list_all(&mut *self.db.read().await?).await?;
        let mut report = TickReport::default();
        self.tick_these(all, now, &mut report).await;
        Ok(report)
    }

    /// A scheduled round: ticks the installs due at `now`, claiming them a page at a time and
    /// moving each one's next tick `every` seconds on. Several nodes on one database share the
    /// round: each install is claimed, and ticked, by one of them.
    pub async fn tick_due(&self, now: i64, every: i64) -> Result<TickReport, RuntimeError> {
        let mut report = TickReport::default();
        loop {
            let mut tx = self.db.begin_write().await?;
            let due = installs::claim_due(&mut tx, now, now + every.max(1), CLAIM).await?;
            tx.commit().await?;
            let last = (due.len() as i64) < CLAIM;
            self.tick_these(due, now, &mut report).await;
            if last {
                return Ok(report);
            }
        }
    }

    /// Ticks `these` installs concurrently, taking turns by city, into `report`.
    async fn tick_these(&self, these: Vec<Install>, now: i64, report: &mut TickReport) {
        let slots = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_TICKS));
        let mut city_slots: HashMap<String, Arc<tokio::sync::Semaphore>> = HashMap::new();
        let mut running = tokio::task::JoinSet::new();
        for install in taking_turns(these) {
            if !self.ticking.start(install.id) {
                report.skipped += 1;
                continue;
            }
            let carmen = self.clone();
            let slots = slots.clone();
            let city_slot = city_slots
                .entry(install.city.clone())
                .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(CONCURRENT_TICKS_PER_CITY)))
                .clone();
            running.spawn(async move {
                let _done = Finished(carmen.ticking.clone(), install.id);
                let _city_slot = city_slot.acquire_owned().await;
                let _slot = slots.acquire_owned().await;
                let result = carmen.tick_one(&install, now).await;
                (install, result)
            });
        }
        while let Some(done) = running.join_next().await {
            match done {
                Ok((_, Ok(()))) => report.ticked += 1,
                Ok((install, Err(error))) => {
                    tracing::warn!(city = %install.city, service = %install.code, %error, "tick failed");
                    report.failed.push((install.city, install.code, error));
                }
                Err(panicked) => tracing::error!(error = %panicked, "a tick task panicked"),
            }
        }
    }

    /// Ticks one install and commits what it wrote.
    async fn tick_one(&self, install: &Install, now: i64) -> Result<(), RuntimeError> {
        let target = self.target_opening_cases(install).await?;
        let mut attempts = Attempts::default();
        loop {
            let ticked = self.engine.tick(&target, now).await;
            let staged = self.watched(install, ticked).await?;
            if let Some(done) = attempts.settle(self.commit_staged(&staged).await).await {
                return done;
            }
        }
    }

    /// Waits until no tick and no background work is running (each is bounded by its
    /// deadline), for a clean stop.
    pub async fn finish_background(&self) {
        while !(self.ticking.is_idle() && self.background.is_idle()) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Starts a round every `every`, forever; a round still running when the next is due delays
    /// nothing but its own slow ticks. Meant to be spawned beside the server.
    pub async fn run_scheduler(self, every: Duration) {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let seconds = every.as_secs().max(1) as i64;
        loop {
            interval.tick().await;
            let carmen = self.clone();
            tokio::spawn(async move {
                if let Err(error) = carmen.tick_due(crate::db::now(), seconds).await {
                    tracing::error!(%error, "scheduled ticks could not start");
                }
                if let Err(error) = carmen.escalate_overdue(crate::db::now()).await {
                    tracing::error!(%error, "overdue cases could not be escalated");
                }
                if let Err(error) = carmen.digest_round(crate::db::now()).await {
                    tracing::error!(%error, "digests could not be sent");
                }
                if let Err(error) = carmen.retry_erasures(crate::db::now()).await {
                    tracing::error!(%error, "services could not be asked again to forget");
                }
            });
        }
    }
}

impl Carmen {
    /// Escalates every open case past its due date at `now`, once: its department's lead (the
    /// administrators working there, else the city's) is told by message, and the escalation is
    /// audited, in one transaction per case. Returns how many were escalated.
    pub async fn escalate_overdue(&self, now: i64) -> Result<usize, RuntimeError> {
        use crate::crm::{audit, escalation, outbox};
        let overdue = escalation::overdue(&mut *self.db.read().await?, now, 200).await?;
        let mut escalated = 0;
        for case in overdue {
            let leads = escalation::leads(
                &mut *self.db.read().await?,
                &case.city,
                case.department.as_deref(),
            )
            .await?;
            // The message says times on the city's clock.
            let clock = crate::crm::cities::get(&mut *self.db.read().await?, &case.city)
                .await?
                .clock();
            let mut ids = Vec::new();
            for _ in &leads {
                ids.push(self.db.next_id(crate::db::Sequence::Outbox).await?);
            }
            let mut tx = self.db.begin_write().await?;
            if !escalation::mark(&mut tx, &case.city, case.id, now).await? {
                continue;
            }
            for (lead, id) in leads.iter().zip(&ids) {
                let t = crate::i18n::Texts::new(&lead.language).on(clock);
                let message = outbox::NewMessage {
                    city: case.city.clone(),
                    service: "escalation".into(),
                    case_id: Some(case.id),
                    recipient: crate::crm::cases::Contact {
                        name: None,
                        email: Some(lead.email.clone()),
                        phone: None,
                    },
                    channel: Some("email".into()),
                    subject: t.with(
                        "mail-overdue-subject",
                        &[("id", &case.id.to_string()), ("title", &case.title)],
                    ),
                    body: t.with(
                        "mail-overdue-body",
                        &[
                            ("id", &case.id.to_string()),
                            ("service", &case.service),
                            (
                                "department",
                                &case.department.clone().unwrap_or_else(|| "—".into()),
                            ),
                            ("due", &t.moment(case.due_at.unwrap_or(now))),
                            (
                                "status",
                                &t.t(&format!(
                                    "status-{}",
                                    case.status.as_str().replace('_', "-")
                                )),
                            ),
                        ],
                    ),
                };
                outbox::enqueue(&mut tx, *id, &message).await?;
            }
            audit::record(
                &mut tx,
                Some(&case.city),
                &crate::crm::people::Principal::console(),
                "case.escalated",
                &format!("case:{}", case.id),
                None,
                Some(serde_json::json!({"due_at": case.due_at, "told": leads.iter().map(|l| &l.email).collect::<Vec<_>>()})),
            )
            .await?;
            tx.commit().await?;
            escalated += 1;
        }
        Ok(escalated)
    }
}
