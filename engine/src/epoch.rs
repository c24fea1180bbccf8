//! The epoch's ticker: one thread that advances the engines' epoch every `EPOCH_TICK` while calls
//! are in flight, which is what stops a guest at its deadline and moves it off its caller's
//! thread. A host with no call in flight for `ASLEEP_AFTER` puts the ticker to sleep, so that an
//! idle host does not wake a thousand times a second; the next call wakes it.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use wasmtime::Engine;

use crate::EPOCH_TICK;

/// The ticker sleeps once no call has been in flight at this many ticks in a row (100 ms): a busy
/// host's short gaps between calls do not cost a wake-up each.
const ASLEEP_AFTER: u32 = 100;

#[derive(Default)]
struct Shared {
    /// Calls in flight: each holds an `InFlight`.
    in_flight: AtomicUsize,
    /// Whether the ticker sleeps, or is about to.
    asleep: AtomicBool,
    /// Held by the ticker from its last look at `in_flight` until it sleeps.
    lock: Mutex<()>,
    wake: Condvar,
    stopping: AtomicBool,
    /// Ticks so far.
    ticks: AtomicU64,
}

pub struct Ticker {
    shared: Arc<Shared>,
}

/// A call in flight: the ticker ticks until every one is dropped.
pub struct InFlight {
    shared: Arc<Shared>,
}

impl Ticker {
    /// Starts the thread that ticks `engines`' epoch.
    pub fn start(engines: Vec<Engine>) -> std::io::Result<Ticker> {
        let shared = Arc::new(Shared::default());
        let ticking = shared.clone();
        std::thread::Builder::new()
            .name("carmen-epoch".into())
            .spawn(move || tick(&ticking, &engines))?;
        Ok(Ticker { shared })
    }

    /// Counts a call in flight until the answer is dropped, waking the ticker if it sleeps.
    pub fn call(&self) -> InFlight {
        let shared = &self.shared;
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        if shared.asleep.load(Ordering::SeqCst) {
            let _held = shared.lock.lock().unwrap_or_else(|e| e.into_inner());
            shared.wake.notify_one();
        }
        InFlight {
            shared: shared.clone(),
        }
    }

    /// The ticks so far.
    #[cfg(test)]
    fn ticks(&self) -> u64 {
        self.shared.ticks.load(Ordering::Relaxed)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        let _held = self.shared.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.shared.wake.notify_one();
    }
}

/// The ticker's loop, until its `Ticker` is dropped.
fn tick(shared: &Shared, engines: &[Engine]) {
    let mut idle = 0;
    while !shared.stopping.load(Ordering::SeqCst) {
        std::thread::sleep(EPOCH_TICK);
        for engine in engines {
            engine.increment_epoch();
        }
        shared.ticks.fetch_add(1, Ordering::Relaxed);
        if shared.in_flight.load(Ordering::SeqCst) > 0 {
            idle = 0;
            continue;
        }
        idle += 1;
        if idle < ASLEEP_AFTER {
            continue;
        }
        // A call that counts itself in flight after `asleep` is set sees it and wakes the
        // ticker, which cannot miss it: it holds the lock until it waits.
        let mut held = shared.lock.lock().unwrap_or_else(|e| e.into_inner());
        shared.asleep.store(true, Ordering::SeqCst);
        while shared.in_flight.load(Ordering::SeqCst) == 0
            && !shared.stopping.load(Ordering::SeqCst)
        {
            held = shared.wake.wait(held).unwrap_or_else(|e| e.into_inner());
        }
        shared.asleep.store(false, Ordering::SeqCst);
        idle = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// Waits until the ticker's count stops moving for a while (it sleeps), at most 5 s.
    fn until_asleep(ticker: &Ticker) -> u64 {
        let started = Instant::now();
        loop {
            let before = ticker.ticks();
            std::thread::sleep(Duration::from_millis(30));
            let after = ticker.ticks();
            if after == before {
                return after;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "the ticker kept ticking with no call in flight"
            );
        }
    }

    #[test]
    fn the_ticker_sleeps_with_no_call_in_flight_and_ticks_again_for_the_next() {
        let ticker = Ticker::start(vec![Engine::default()]).unwrap();
        let asleep = until_asleep(&ticker);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(ticker.ticks(), asleep, "an idle host's ticker sleeps");

        // A call in flight wakes it, and it ticks for as long as the call lasts, well past the
        // idle ticks after which it would sleep.
        let call = ticker.call();
        std::thread::sleep(Duration::from_millis(300));
        let during = ticker.ticks() - asleep;
        assert!(
            during >= 150,
            "{during} ticks in 300 ms of a call in flight"
        );
        drop(call);
        let slept_again = until_asleep(&ticker);
        assert!(slept_again > asleep + during);
    }

    #[test]
    fn calls_that_come_as_it_falls_asleep_are_never_missed() {
        let ticker = Ticker::start(vec![Engine::default()]).unwrap();
        // Each round's call comes a little later after the last, from before the ticker would
        // sleep to after it has: some find it awake, some falling asleep, some asleep.
        for round in 0..20 {
            drop(ticker.call());
            std::thread::sleep(Duration::from_millis(90 + 2 * round));
            let before = ticker.ticks();
            std::thread::scope(|scope| {
                for _ in 0..4 {
                    scope.spawn(|| drop(ticker.call()));
                }
            });
            let call = ticker.call();
            let started = Instant::now();
            while ticker.ticks() < before + 3 {
                assert!(
                    started.elapsed() < Duration::from_secs(1),
                    "round {round}: a call in flight found the ticker asleep"
                );
                std::thread::sleep(Duration::from_micros(200));
            }
            drop(call);
        }
    }
}
