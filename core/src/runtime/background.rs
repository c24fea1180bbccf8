//! Work the runtime does after it has answered (telling a service what happened to its case),
//! counted so that a clean stop waits for it.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The runtime's background work in flight.
#[derive(Clone, Debug, Default)]
pub struct Background(Arc<AtomicUsize>);

/// Counts one piece of work until dropped, however it ended.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Background {
    /// Runs `work` on its own task.
    pub fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        self.0.fetch_add(1, Ordering::AcqRel);
        let running = Running(self.0.clone());
        tokio::spawn(async move {
            let _running = running;
            work.await;
        });
    }

    /// True when nothing runs.
    pub fn is_idle(&self) -> bool {
        self.0.load(Ordering::Acquire) == 0
    }
}
