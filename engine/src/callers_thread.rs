//! Which cities' calls may start on their caller's thread (see `executor::spawn_starting_here`):
//! every city's, until one of its calls is caught using more of that thread than a quick call
//! does; then its calls start on the guest threads for a while, twice as long each time it is
//! caught again soon after, so that a city whose services compute for long holds a server's
//! thread a few times at most, however many services it has. A city caught again only after
//! many of its calls started there since its wait, and a second after it (a busy city's rare
//! outlier, an interrupt served in a quick call's slice), starts afresh: under PostgreSQL's load,
//! a city caught 6 times in 20,000 requests waited 100 ms, then 200, 400... and ran 38 µs a
//! request on the guest threads, where it ran 2.5 µs with SQLite's 2. A hostile city that sends
//! quick calls between its long ones holds each server thread for at most one slice a second
//! that way, and one more that ends on a long instruction within a tick of its slice (excused
//! once a second or a thousand calls: most such calls are quick ones the machine's time was
//! charged to).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::EPOCH_TICK;
use crate::executor::FirstSlice;

/// A call leaves its caller's thread at the first epoch tick once its first slice there has used
/// this much CPU time, and is caught. The thread's CPU time also counts the network's interrupts
/// it served and the pauses of the virtual machine, up to a few hundred µs under load: at 0.1 ms,
/// 1 to 3 calls in 4,000 of a 15 µs service were caught.
pub const FIRST_SLICE_HERE: Duration = Duration::from_micros(300);
// A slice's CPU time is precise from `executor::PRECISE_FROM` on: every rule here looks at more.
const _: () = assert!(crate::executor::PRECISE_FROM.as_nanos() <= FIRST_SLICE_HERE.as_nanos());
/// A call that finished in its first slice having used more than a guest that computes can
/// without leaving (its slice, and about an epoch tick) spent it in one long instruction or a host
/// function, and is caught.
const FINISHED_SLICE_CAUGHT: Duration = FIRST_SLICE_HERE.saturating_add(EPOCH_TICK);
/// A call that finished in its first slice having used between `FIRST_SLICE_HERE` and
/// `FINISHED_SLICE_CAUGHT` is excused once in this long for each city, or once in
/// `EXCUSED_EVERY_CALLS` of its calls judged, and caught otherwise: most such calls are quick ones
/// charged the machine's time (at `FIRST_SLICE_HERE` alone, 1 to 6 calls of a 15 µs service in
/// 400,000 in a row were caught, each sending its city to the guest threads for 100 ms; on a
/// loaded machine, several a second), but a guest can also end on one long instruction sized by
/// its clock, and that one is excused once a second, or once in a thousand of its calls (1.3 ms
/// beside at least a thousand slices of its own), at most.
const EXCUSED_EVERY: Duration = Duration::from_secs(1);
const EXCUSED_EVERY_CALLS: u32 = 1_000;
/// Past this many cities excused, those excused more than `EXCUSED_EVERY` ago are forgotten.
const EXCUSED_KEPT: usize = 1_024;

/// How long a city caught once starts its calls on the guest threads.
const FIRST_WAIT: Duration = Duration::from_millis(100);
/// The longest it waits, caught again and again.
const LONGEST_WAIT: Duration = Duration::from_secs(60);
/// A city not caught for this long after its wait ended starts afresh.
const FORGOTTEN_AFTER: Duration = Duration::from_secs(10);
/// A city caught after this many of its calls started on their callers' threads since its wait
/// ended, and `FORGIVEN_AFTER` after it, starts afresh too: a slice (1 to 2 ms, when it loops)
/// in so many calls and a second holds a server's thread for a few thousandths of its time.
const FORGIVEN_AFTER_CALLS: u32 = 100;
const FORGIVEN_AFTER: Duration = Duration::from_secs(1);

/// A caught city's wait.
struct Wait {
    until: Instant,
    /// How many times it was caught, each soon after the last wait ended.
    times: u32,
    /// Its calls started on their callers' threads since the wait ended.
    started: u32,
}

#[derive(Default)]
pub struct CallersThread {
    waits: Mutex<HashMap<String, Wait>>,
    /// Each city's last excuse (`EXCUSED_EVERY`).
    excused: Mutex<HashMap<String, Excused>>,
}

/// A city's last excuse.
struct Excused {
    at: Instant,
    /// Its calls judged since.
    calls: u32,
}

impl CallersThread {
    /// Judges a call of `city`'s by its first slice on its caller's thread: it is caught if it
    /// left at an epoch tick having used its slice, or finished having used more than a computing
    /// guest can; one that finished having used its slice but not that much is excused once a
    /// second, and caught after.
    pub fn judge(&self, city: &str, slice: FirstSlice) {
        if slice.used < FIRST_SLICE_HERE {
            self.count_call(city);
            return;
        }
        if slice.finished && slice.used < FINISHED_SLICE_CAUGHT && self.excuse(city) {
            return;
        }
        self.caught(city);
    }

    /// Counts a call of `city`'s judged since its last excuse, if it had one.
    fn count_call(&self, city: &str) {
        let mut excused = self.excused.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(last) = excused.get_mut(city) {
            last.calls = last.calls.saturating_add(1);
        }
    }

    /// Whether `city` may be excused now, and if so, that it was.
    fn excuse(&self, city: &str) -> bool {
        let now = Instant::now();
        let mut excused = self.excused.lock().unwrap_or_else(|e| e.into_inner());
        if excused
            .get(city)
            .is_some_and(|last| now < last.at + EXCUSED_EVERY && last.calls < EXCUSED_EVERY_CALLS)
        {
            return false;
        }
        if excused.len() >= EXCUSED_KEPT {
            excused.retain(|_, last| now < last.at + EXCUSED_EVERY);
        }
        excused.insert(city.to_string(), Excused { at: now, calls: 0 });
        true
    }

    /// Whether a call of `city`'s may start on its caller's thread now.
    pub fn may_start(&self, city: &str) -> bool {
        let mut waits = self.waits.lock().unwrap_or_else(|e| e.into_inner());
        let Some(wait) = waits.get(city) else {
            return true;
        };
        let now = Instant::now();
        if now < wait.until {
            return false;
        }
        if now >= wait.until + FORGOTTEN_AFTER {
            waits.remove(city);
        } else if let Some(wait) = waits.get_mut(city) {
            wait.started = wait.started.saturating_add(1);
        }
        true
    }

    /// One of `city`'s calls held its caller's thread too long (`judge`).
    fn caught(&self, city: &str) {
        crate::metrics::slow_on_callers_thread();
        let now = Instant::now();
        let mut waits = self.waits.lock().unwrap_or_else(|e| e.into_inner());
        let times = match waits.get(city) {
            Some(wait)
                if now < wait.until + FORGOTTEN_AFTER
                    && (wait.started < FORGIVEN_AFTER_CALLS
                        || now < wait.until + FORGIVEN_AFTER) =>
            {
                wait.times.saturating_add(1)
            }
            _ => 1,
        };
        let wait = FIRST_WAIT
            .saturating_mul(1 << (times - 1).min(20))
            .min(LONGEST_WAIT);
        waits.insert(
            city.to_string(),
            Wait {
                until: now + wait,
                times,
                started: 0,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_city_caught_waits_and_waits_longer_when_caught_again() {
        let callers = CallersThread::default();
        assert!(callers.may_start("rivertown"));
        callers.caught("rivertown");
        assert!(!callers.may_start("rivertown"));
        assert!(callers.may_start("hillcrest"), "another city is not held");
        let first = callers.waits.lock().unwrap()["rivertown"].until;
        callers.caught("rivertown");
        callers.caught("rivertown");
        let waits = callers.waits.lock().unwrap();
        let third = &waits["rivertown"];
        assert_eq!(third.times, 3);
        // 100 ms, then 200, then 400: the third wait ends about 300 ms after the first.
        assert!(third.until >= first + Duration::from_millis(290));
        assert!(third.until <= first + Duration::from_millis(400));
    }

    /// Ends `city`'s wait `ago`, as if its time had passed.
    fn end_wait(callers: &CallersThread, city: &str, ago: Duration) {
        callers.waits.lock().unwrap().get_mut(city).unwrap().until = Instant::now() - ago;
    }

    #[test]
    fn a_city_caught_again_only_after_many_quick_calls_and_a_second_starts_afresh() {
        let callers = CallersThread::default();
        callers.caught("rivertown");
        callers.caught("rivertown");
        assert_eq!(callers.waits.lock().unwrap()["rivertown"].times, 2);
        let level = |callers: &CallersThread| callers.waits.lock().unwrap()["rivertown"].times;
        // Its wait over long ago, it is caught again after 99 calls: it waits longer.
        end_wait(&callers, "rivertown", FORGIVEN_AFTER * 2);
        for _ in 0..FORGIVEN_AFTER_CALLS - 1 {
            assert!(callers.may_start("rivertown"));
        }
        callers.caught("rivertown");
        assert_eq!(
            level(&callers),
            3,
            "caught within a few calls: it waits longer"
        );
        // 100 calls, but within a second of its wait's end (a hostile city's quick calls between
        // its long ones): it waits longer.
        end_wait(&callers, "rivertown", Duration::ZERO);
        for _ in 0..FORGIVEN_AFTER_CALLS {
            assert!(callers.may_start("rivertown"));
        }
        callers.caught("rivertown");
        assert_eq!(
            level(&callers),
            4,
            "caught within a second: it waits longer"
        );
        // 100 calls and more than a second: a rare outlier starts afresh.
        end_wait(&callers, "rivertown", FORGIVEN_AFTER * 2);
        for _ in 0..FORGIVEN_AFTER_CALLS {
            assert!(callers.may_start("rivertown"));
        }
        callers.caught("rivertown");
        assert_eq!(level(&callers), 1, "a rare outlier starts afresh");
        assert!(callers.waits.lock().unwrap()["rivertown"].until <= Instant::now() + FIRST_WAIT);
    }

    fn slice(micros: u64, finished: bool) -> FirstSlice {
        FirstSlice {
            used: Duration::from_micros(micros),
            finished,
        }
    }

    fn is_waiting(callers: &CallersThread, city: &str) -> bool {
        callers.waits.lock().unwrap().contains_key(city)
    }

    #[test]
    fn a_slice_that_left_is_caught_at_its_slice_one_that_finished_past_a_tick_more() {
        let callers = CallersThread::default();
        callers.judge("quick", slice(20, true));
        callers.judge("awaiting", slice(299, false));
        assert!(!is_waiting(&callers, "quick") && !is_waiting(&callers, "awaiting"));
        callers.judge("computing", slice(300, false));
        assert!(
            is_waiting(&callers, "computing"),
            "it computed past its slice"
        );
        callers.judge("long-instruction", slice(1_300, true));
        assert!(
            is_waiting(&callers, "long-instruction"),
            "one long instruction, or a host function, even the first time"
        );
    }

    #[test]
    fn a_finished_slice_within_a_tick_of_its_own_is_excused_once_a_second() {
        let callers = CallersThread::default();
        callers.judge("rivertown", slice(1_299, true));
        assert!(
            !is_waiting(&callers, "rivertown"),
            "a quick call charged the machine's time is excused"
        );
        callers.judge("hillcrest", slice(600, true));
        assert!(!is_waiting(&callers, "hillcrest"), "each city has its own");
        // A guest ending on a long instruction at every call is caught at its second.
        callers.judge("rivertown", slice(1_200, true));
        assert!(
            is_waiting(&callers, "rivertown"),
            "excused once a second only"
        );
        // A second later, it is excused again.
        callers
            .excused
            .lock()
            .unwrap()
            .get_mut("hillcrest")
            .unwrap()
            .at -= EXCUSED_EVERY;
        callers.judge("hillcrest", slice(600, true));
        assert!(!is_waiting(&callers, "hillcrest"));
    }

    #[test]
    fn a_busy_city_is_excused_again_after_a_thousand_calls_within_the_second() {
        let callers = CallersThread::default();
        callers.judge("rivertown", slice(400, true));
        for _ in 0..EXCUSED_EVERY_CALLS - 1 {
            callers.judge("rivertown", slice(20, true));
        }
        callers.judge("rivertown", slice(400, true));
        assert!(
            is_waiting(&callers, "rivertown"),
            "999 calls after its excuse: caught"
        );
        let callers = CallersThread::default();
        callers.judge("rivertown", slice(400, true));
        for _ in 0..EXCUSED_EVERY_CALLS {
            callers.judge("rivertown", slice(20, true));
        }
        callers.judge("rivertown", slice(400, true));
        assert!(
            !is_waiting(&callers, "rivertown"),
            "1,000 calls after its excuse: excused again"
        );
        callers.judge("rivertown", slice(400, true));
        assert!(is_waiting(&callers, "rivertown"), "and counted afresh");
    }

    #[test]
    fn the_cities_excused_are_forgotten_a_second_later_once_many() {
        let callers = CallersThread::default();
        for n in 0..EXCUSED_KEPT {
            callers.judge(&format!("city-{n}"), slice(400, true));
        }
        for last in callers.excused.lock().unwrap().values_mut() {
            last.at -= EXCUSED_EVERY;
        }
        callers.judge("rivertown", slice(400, true));
        assert_eq!(callers.excused.lock().unwrap().len(), 1);
        assert!(!is_waiting(&callers, "rivertown"));
    }

    #[test]
    fn the_longest_wait_is_bounded() {
        let callers = CallersThread::default();
        for _ in 0..40 {
            callers.caught("rivertown");
        }
        let until = callers.waits.lock().unwrap()["rivertown"].until;
        assert!(until <= Instant::now() + LONGEST_WAIT);
    }
}
