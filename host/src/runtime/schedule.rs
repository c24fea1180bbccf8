//! Scheduled work: every install's `tick`, so services can act before they are asked.

use std::time::Duration;

use super::{Carmen, RuntimeError};
use crate::crm::installs;
use crate::engine::PluginError;

/// The outcome of one round of ticks.
#[derive(Debug, Default)]
pub struct TickReport {
    pub ticked: usize,
    pub failed: Vec<(String, String, PluginError)>,
}

impl Carmen {
    /// Calls `tick(now)` on every install of every city; a failing plugin is reported, the rest run.
    pub async fn tick_all(&self, now: i64) -> Result<TickReport, RuntimeError> {
        let mut report = TickReport::default();
        for install in installs::list_all(&self.db).await? {
            let target = self.target(&install).await?;
            match self.engine.tick(&target, now).await {
                Ok(()) => report.ticked += 1,
                Err(error) => {
                    tracing::warn!(city = %install.city, service = %install.code, %error, "tick failed");
                    report
                        .failed
                        .push((install.city.clone(), install.code.clone(), error));
                }
            }
        }
        Ok(report)
    }

    /// Runs `tick_all` every `every`, forever; meant to be spawned beside the server.
    pub async fn run_scheduler(self, every: Duration) {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if let Err(error) = self.tick_all(crate::db::now()).await {
                tracing::error!(%error, "scheduled ticks failed");
            }
        }
    }
}
