//! The epoch's ticker: one thread that advances the engines' epoch every `EPOCH_TICK` while calls
//! are in flight, which is what stops a guest at its deadline and moves it off its caller's
//! thread. A host with no call in flight for `ASLEEP_AFTER` puts the ticker to sleep, so that an
//! idle host does not wake a thousand times a second; the next call wakes it.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use wasmtime::Engine;

use crate::{EPOCH_TICK, MAX_DEADLINE_MS};

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
    /// Run once by the ticker between its last look at `in_flight` and its wait (tests).
    #[cfg(test)]
    about_to_wait: Mutex<Option<Box<dyn FnOnce() + Send>>>,
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
        count_call(&self.shared)
    }

    /// The ticks so far.
    #[cfg(test)]
    fn ticks(&self) -> u64 {
        self.shared.ticks.load(Ordering::Relaxed)
    }

    /// Whether the ticker sleeps with no call in flight: its ticks stay as they are.
    #[cfg(test)]
    fn asleep(&self) -> bool {
        self.shared.asleep.load(Ordering::SeqCst)
            && self.shared.in_flight.load(Ordering::SeqCst) == 0
    }
}

/// `Ticker::call`. Both sides write their own flag, then read the other's, in `SeqCst`: the
/// ticker `asleep`, then `in_flight`; a call `in_flight`, then `asleep`. So either the call sees
/// the ticker asleep, or the ticker sees the call. The lock makes the wake-up wait until the ticker
/// waits.
fn count_call(shared: &Arc<Shared>) -> InFlight {
    shared.in_flight.fetch_add(1, Ordering::SeqCst);
    if shared.asleep.load(Ordering::SeqCst) {
        drop(shared.lock.lock().unwrap_or_else(|e| e.into_inner()));
        shared.wake.notify_one();
    }
    InFlight {
        shared: shared.clone(),
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

/// How long the ticker goes on ticking, once its `Ticker` was dropped, for calls still in flight:
/// the longest deadline a call can have, and a second.
const LAST_TICKS_FOR: Duration = Duration::from_millis(MAX_DEADLINE_MS + 1_000);

/// The ticker's loop, until its `Ticker` is dropped and no call is in flight. A guest still
/// looping when the engine is dropped (`host.stop()`, a test's host) is still stopped at its
/// deadline, not left to spin on its thread: the engines live as long as this thread.
fn tick(shared: &Shared, engines: &[Engine]) {
    let mut idle = 0;
    let mut stopped_at = None;
    loop {
        if shared.stopping.load(Ordering::SeqCst) {
            let since = *stopped_at.get_or_insert_with(Instant::now);
            if shared.in_flight.load(Ordering::SeqCst) == 0 || since.elapsed() > LAST_TICKS_FOR {
                return;
            }
        }
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
        // ticker, which cannot miss it: it holds the lock until it waits (`count_call`).
        let mut held = shared.lock.lock().unwrap_or_else(|e| e.into_inner());
        shared.asleep.store(true, Ordering::SeqCst);
        while shared.in_flight.load(Ordering::SeqCst) == 0
            && !shared.stopping.load(Ordering::SeqCst)
        {
            #[cfg(test)]
            if let Some(hook) = shared.about_to_wait.lock().unwrap().take() {
                hook();
            }
            held = shared.wake.wait(held).unwrap_or_else(|e| e.into_inner());
        }
        shared.asleep.store(false, Ordering::SeqCst);
        idle = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits until the ticker sleeps with no call in flight (at most 5 s), and says its ticks.
    fn until_asleep(ticker: &Ticker) -> u64 {
        let started = Instant::now();
        while !ticker.asleep() {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "the ticker kept ticking with no call in flight"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        ticker.ticks()
    }

    /// Waits until the ticker has ticked past `ticks` by `more` (at most 5 s).
    fn until_ticked(ticker: &Ticker, ticks: u64, more: u64, what: &str) {
        let started = Instant::now();
        while ticker.ticks() < ticks + more {
            assert!(started.elapsed() < Duration::from_secs(5), "{what}");
            std::thread::sleep(Duration::from_micros(200));
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
        until_ticked(
            &ticker,
            asleep,
            2 * u64::from(ASLEEP_AFTER),
            "a call in flight found the ticker asleep, or it fell asleep under the call",
        );
        assert!(!ticker.asleep());
        drop(call);
        until_asleep(&ticker);
    }

    #[test]
    fn a_call_between_the_tickers_last_look_and_its_sleep_wakes_it() {
        let ticker = Ticker::start(vec![Engine::default()]).unwrap();
        // The ticker has looked at the calls in flight, found none and holds its lock: a call
        // counts itself now, and the ticker goes to sleep a moment later.
        let (send, calls) = std::sync::mpsc::channel();
        let shared = ticker.shared.clone();
        *ticker.shared.about_to_wait.lock().unwrap() = Some(Box::new(move || {
            let calling = shared.clone();
            std::thread::spawn(move || send.send(count_call(&calling)).unwrap());
            while shared.in_flight.load(Ordering::SeqCst) == 0 {
                std::thread::yield_now();
            }
            std::thread::sleep(Duration::from_millis(20));
        }));
        let call = calls.recv_timeout(Duration::from_secs(5)).unwrap();
        let ticks = ticker.ticks();
        until_ticked(&ticker, ticks, 3, "the call's wake-up was lost");
        drop(call);
    }

    #[test]
    fn a_call_in_flight_when_the_ticker_is_dropped_is_ticked_until_it_ends() {
        let ticker = Ticker::start(vec![Engine::default()]).unwrap();
        let shared = ticker.shared.clone();
        let call = ticker.call();
        drop(ticker);
        // The call is still ticked, so that a guest looping in it meets its deadline.
        let ticks = shared.ticks.load(Ordering::Relaxed);
        let started = Instant::now();
        while shared.ticks.load(Ordering::Relaxed) < ticks + 5 {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "the ticker stopped under a call in flight"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        // Once the call ends, the ticker's thread ends.
        drop(call);
        std::thread::sleep(Duration::from_millis(20));
        let last = shared.ticks.load(Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            shared.ticks.load(Ordering::Relaxed),
            last,
            "the ticker went on with no call in flight after it was dropped"
        );
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
