//! Where guest code runs: a few threads of their own, so no plugin can hold up the HTTP server or
//! the store. A call someone waits for may run its first slice on its caller's thread (a tokio
//! worker), which a quick call (most are) ends within, saving two hand-offs between threads; one
//! that does not leaves that thread at an epoch tick and goes on here (`spawn_starting_here`; the
//! engine decides when, from `cpu_used_here`, and which cities may start there at all).
//!
//! Two lanes, each with its threads and its fair queue. A call starts in the first, whose threads
//! run at the server's own priority: most calls end within a fraction of a millisecond, and a
//! citizen's request should not wait behind the server's other work for the part of it that runs
//! in the sandbox. The first lane has half the cores' threads, so that calls there never take more
//! than half the machine from the server. A call that runs long is moved (`Lane::demote`, by the
//! engine, which sees its epoch ticks) to the second lane, whose threads run at a lower priority
//! than the server's, so that answering requests comes first when long calls keep the machine
//! busy.
//!
//! In each lane calls are scheduled fairly between cities: a call yields at an epoch tick when
//! another slice waits in its lane, and the next slice goes to the city that has used the least
//! time running guest code there (a city that was idle starts level with the least-served busy
//! one, so it cannot bank time either). One city with a hundred looping calls and another with one
//! call each get half the threads; the one call runs within one slice of arriving, in the first
//! lane, while the hundred loop in the second.
//!
//! Two things keep one call's latency near its work when the machine is quiet: what a call leaves
//! behind (its store, whose memory is reset) is dropped after its answer has gone (`afterwards`),
//! and a caller whose call starts at once waits for it a short while before sleeping (`Answer`),
//! as waking a sleeping thread costs more than many a call.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use async_task::{Runnable, Task};

/// How long an idle guest thread looks for work before it sleeps.
const SPIN: std::time::Duration = std::time::Duration::from_micros(50);

/// How long a caller waits for an answer before it sleeps, when its call started at once.
const WAIT: std::time::Duration = std::time::Duration::from_micros(50);

/// The niceness of the long calls' threads: below tokio's workers (0), so they yield the CPU to
/// them.
const LONG_CALLS_NICENESS: i32 = 10;

/// The runnable slices of one city's calls, and how much guest time the city has used.
#[derive(Default)]
struct CityQueue {
    runnable: VecDeque<Runnable>,
    /// Nanoseconds of guest time used, on the scale of `Queue::floor`.
    used: u64,
    /// Slices of this city running now.
    running: usize,
}

#[derive(Default)]
struct Queue {
    cities: HashMap<Arc<str>, CityQueue>,
    /// The used time of the city served last: where a city that was idle starts.
    floor: u64,
    stopping: bool,
    /// Whether an idle guest thread looks for work (then a new slice needs no wake-up: it finds
    /// it). At most one looks, for `SPIN`, and only in the first lane, and the others sleep: on
    /// two cores, two threads looking and a caller waiting for its answer would take the core the
    /// running call needs.
    looking: bool,
}

impl Queue {
    fn push(&mut self, city: &Arc<str>, runnable: Runnable) {
        let floor = self.floor;
        let queue = self
            .cities
            .entry(city.clone())
            .or_insert_with(|| CityQueue {
                used: floor,
                ..Default::default()
            });
        queue.runnable.push_back(runnable);
    }

    /// The next slice: the oldest runnable one of the city that has used the least time.
    fn pop(&mut self) -> Option<(Arc<str>, Runnable)> {
        let city = self
            .cities
            .iter()
            .filter(|(_, q)| !q.runnable.is_empty())
            .min_by_key(|(_, q)| q.used)
            .map(|(city, _)| city.clone())?;
        let queue = self.cities.get_mut(&city)?;
        let runnable = queue.runnable.pop_front()?;
        queue.running += 1;
        self.floor = self.floor.max(queue.used);
        Some((city, runnable))
    }

    /// Charges a slice that ran on its caller's thread to its city, if the city has slices here.
    fn charge_here(&mut self, city: &str, nanos: u64) {
        if let Some(queue) = self.cities.get_mut(city) {
            queue.used += nanos;
        }
    }

    /// Charges a finished slice to its city; forgets cities with nothing left to run.
    fn charge(&mut self, city: &Arc<str>, nanos: u64) {
        if let Some(queue) = self.cities.get_mut(city) {
            queue.used += nanos;
            queue.running -= 1;
            if queue.running == 0 && queue.runnable.is_empty() {
                self.cities.remove(city);
            }
        }
    }
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    /// Calls spawned and not yet finished.
    calls: AtomicUsize,
    /// Callers waiting for an answer before sleeping (at most one at a time).
    waiting: AtomicUsize,
    /// Slices waiting for a thread.
    queued: AtomicUsize,
    /// First slices running on their callers' threads now (see `spawn_starting_here`).
    here: AtomicUsize,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The guest threads of both lanes and their fair queues.
pub struct GuestExecutor {
    /// Calls start here, at the server's priority.
    first: Arc<Shared>,
    /// How many first slices may run on callers' threads at once: as many as the machine has
    /// cores (a slice there is part of answering its request, and short: see
    /// `spawn_starting_here`). With half as many (one on 2 cores), a second request's call waited
    /// for a guest thread: 3,665-3,889 submits/s against 4,249-4,765 in the same hour.
    places_here: usize,
    /// Calls that ran long, and calls nobody waits for, go on here at a lower priority.
    long: Arc<Shared>,
}

/// The lane of one call: the first until it is demoted, the long calls' after.
#[derive(Clone)]
pub struct Lane {
    demoted: Arc<AtomicBool>,
    first: Arc<Shared>,
    long: Arc<Shared>,
}

impl Lane {
    /// Moves the call's next slices to the long calls' lane, for good.
    pub fn demote(&self) {
        self.demoted.store(true, Ordering::Release);
    }

    pub fn demoted(&self) -> bool {
        self.demoted.load(Ordering::Acquire)
    }

    fn shared(&self) -> &Arc<Shared> {
        if self.demoted() {
            &self.long
        } else {
            &self.first
        }
    }

    /// Whether another slice waits for a thread of this call's lane: a running call need not
    /// yield when none does.
    pub fn others_waiting(&self) -> bool {
        self.shared().queued.load(Ordering::Acquire) > 0
    }
}

impl GuestExecutor {
    /// Starts `first` guest threads in the first lane and `long` in the long calls', which enter
    /// `runtime` (host functions use its I/O and timers).
    pub fn start(
        first: usize,
        long: usize,
        runtime: tokio::runtime::Handle,
    ) -> std::io::Result<GuestExecutor> {
        let lane = |name: &'static str, threads: usize, first_lane: bool| {
            let shared = Arc::new(Shared {
                queue: Mutex::new(Queue::default()),
                wake: Condvar::new(),
                calls: AtomicUsize::new(0),
                waiting: AtomicUsize::new(0),
                queued: AtomicUsize::new(0),
                here: AtomicUsize::new(0),
            });
            for n in 0..threads.max(1) {
                let shared = shared.clone();
                let runtime = runtime.clone();
                std::thread::Builder::new()
                    .name(format!("carmen-{name}-{n}"))
                    .spawn(move || {
                        if !first_lane {
                            lower_priority(LONG_CALLS_NICENESS);
                        }
                        GUEST.set(true);
                        let _entered = runtime.enter();
                        work(&shared, first_lane);
                    })?;
            }
            Ok::<_, std::io::Error>(shared)
        };
        Ok(GuestExecutor {
            first: lane("guest", first, true)?,
            places_here: std::thread::available_parallelism().map_or(1, |n| n.get()),
            long: lane("long", long, false)?,
        })
    }

    /// A new call's lane, for `spawn` and for the call to demote itself when it runs long.
    pub fn lane(&self) -> Lane {
        Lane {
            demoted: Arc::new(AtomicBool::new(false)),
            first: self.first.clone(),
            long: self.long.clone(),
        }
    }

    /// How a slice of `city`'s is queued: in its call's lane, behind the city's others there,
    /// waking a thread if none is looking for work.
    fn schedule(city: &str, lane: Lane) -> impl Fn(Runnable) + Send + Sync + 'static {
        let city: Arc<str> = Arc::from(city);
        move |runnable: Runnable| {
            let shared = lane.shared();
            let mut queue = shared.lock();
            queue.push(&city, runnable);
            shared.queued.fetch_add(1, Ordering::AcqRel);
            // A thread looking for work finds it; else one sleeping is woken.
            if !queue.looking {
                shared.wake.notify_one();
            }
        }
    }

    /// Runs `future` (a guest call) on the guest threads of `lane` (from `GuestExecutor::lane`)
    /// as part of `city`'s share; a panic in it comes back as `Err(Panicked)` and leaves the
    /// threads working. Dropping the returned answer cancels the call.
    pub fn spawn<T: Send + 'static>(
        &self,
        city: &str,
        lane: &Lane,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Answer<T> {
        let (runnable, answer) = self.prepare(city, lane, future);
        runnable.schedule();
        answer
    }

    /// As `spawn`, but the call's first slice runs at once on the caller's thread, which saves a
    /// quick call the two hand-offs between threads, when fewer first slices than the machine has
    /// cores run on callers' threads already. The call must leave that thread at an epoch
    /// tick (see `cpu_used_here`): it goes on on the guest threads. Also says what the first
    /// slice did here, its time charged to the city (`None`: it was queued as `spawn` does).
    pub fn spawn_starting_here<T: Send + 'static>(
        &self,
        city: &str,
        lane: &Lane,
        future: impl Future<Output = T> + Send + 'static,
    ) -> (Answer<T>, Option<FirstSlice>) {
        let (runnable, mut answer) = self.prepare(city, lane, future);
        let Some(_here) = Here::take(&self.first, self.places_here) else {
            runnable.schedule();
            return (answer, None);
        };
        let started = Instant::now();
        let before = thread_cpu_time();
        let outer = SLICE_HERE_SINCE.replace(Some(before));
        let outer_finished = FINISHED_HERE.replace(false);
        // The call catches its own panics (`CatchPanic`), and says if it finished here.
        runnable.run();
        let finished = FINISHED_HERE.replace(outer_finished);
        SLICE_HERE_SINCE.set(outer);
        let used = used_since(started, before);
        if self.first.queued.load(Ordering::Acquire) > 0 {
            let nanos = used.as_nanos().min(u128::from(u64::MAX)) as u64;
            self.first.lock().charge_here(city, nanos);
        }
        // A call that went on elsewhere is not worth spinning for.
        if !finished {
            answer.may_wait = false;
        }
        (answer, Some(FirstSlice { used, finished }))
    }

    /// The call's first slice, to run or schedule, and its answer (counted from now on).
    fn prepare<T: Send + 'static>(
        &self,
        city: &str,
        lane: &Lane,
        future: impl Future<Output = T> + Send + 'static,
    ) -> (Runnable, Answer<T>) {
        let schedule = Self::schedule(city, lane.clone());
        let future = CatchPanic(Box::pin(future));
        let (runnable, task) = async_task::spawn(future, schedule);
        // Only the first of a few calls at once may be waited for: with more, the guest threads
        // are busy and the caller's thread has better things to do.
        let alone = self.first.calls.fetch_add(1, Ordering::AcqRel) == 0;
        let answer = Answer {
            task,
            shared: self.first.clone(),
            may_wait: alone,
        };
        (runnable, answer)
    }
}

/// What a call's first slice did on its caller's thread.
#[derive(Clone, Copy, Debug)]
pub struct FirstSlice {
    /// The CPU time the thread used in it: the call's, and whatever the machine charged the
    /// thread meanwhile (the interrupts it served, a pause of the virtual machine).
    pub used: std::time::Duration,
    /// Whether the call finished there, or went on elsewhere.
    pub finished: bool,
}

/// One of the first lane's places for a first slice on its caller's thread, given back on drop.
struct Here<'a>(&'a Shared);

impl<'a> Here<'a> {
    fn take(shared: &'a Shared, most: usize) -> Option<Here<'a>> {
        let here = Here(shared);
        (shared.here.fetch_add(1, Ordering::AcqRel) < most).then_some(here)
    }
}

impl Drop for Here<'_> {
    fn drop(&mut self) {
        self.0.here.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The answer of a call on the guest threads, to await.
pub struct Answer<T> {
    task: Task<Result<T, Panicked>>,
    shared: Arc<Shared>,
    /// Whether the caller may wait a little for it before sleeping.
    may_wait: bool,
}

impl<T> Future for Answer<T> {
    type Output = Result<T, Panicked>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(answer) = Pin::new(&mut self.task).poll(cx) {
            return Poll::Ready(answer);
        }
        if std::mem::take(&mut self.may_wait)
            && self
                .shared
                .waiting
                .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            let started = Instant::now();
            while !self.task.is_finished() && started.elapsed() < WAIT {
                std::hint::spin_loop();
            }
            self.shared.waiting.fetch_sub(1, Ordering::AcqRel);
            return Pin::new(&mut self.task).poll(cx);
        }
        Poll::Pending
    }
}

impl<T> Drop for Answer<T> {
    fn drop(&mut self) {
        self.shared.calls.fetch_sub(1, Ordering::AcqRel);
    }
}

thread_local! {
    /// Whether this thread is a guest thread.
    static GUEST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The thread's CPU time when the first slice it runs for its caller began, while it runs.
    static SLICE_HERE_SINCE: std::cell::Cell<Option<std::time::Duration>> =
        const { std::cell::Cell::new(None) };
    /// Whether the call whose first slice runs on this caller's thread finished in it (set by
    /// `CatchPanic`: asking its task after the slice could find it finished by a guest thread).
    static FINISHED_HERE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// What the slice running on this guest thread leaves to do once it has returned.
    static AFTERWARDS: RefCell<Vec<Box<dyn FnOnce() + Send>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `job` on this guest thread once the slice calling it has returned, and so once a call's
/// answer has reached its caller (the time is the city's); in a task of the runtime (a call's
/// first slice run by its caller), as a task of its own, which runs once the caller waits for
/// something else; elsewhere at once.
pub fn afterwards(job: impl FnOnce() + Send + 'static) {
    if GUEST.get() {
        AFTERWARDS.with_borrow_mut(|jobs| jobs.push(Box::new(job)));
    } else if tokio::task::try_id().is_some() {
        tokio::spawn(async move { job() });
    } else {
        job();
    }
}

/// The CPU time this thread has used: what a call has run on its caller's thread, which a busy
/// machine may take from it for a while without the call having run any longer.
fn thread_cpu_time() -> std::time::Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    std::time::Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// A slice shorter than this by the wall clock is said to have used all of it: a thread cannot
/// use more CPU time than passes, and the precise figure would cost another read of the thread's
/// CPU clock, a system call (about 0.5 µs on this project's machine, 3% of a quick call). Every
/// rule about a slice's CPU time looks at more (`callers_thread::FIRST_SLICE_HERE`, 300 µs).
pub(crate) const PRECISE_FROM: std::time::Duration = std::time::Duration::from_micros(100);

/// The CPU time this thread used since `started`, when its CPU clock read `before`: precise
/// from `PRECISE_FROM` on, the wall-clock time before (never less than the CPU time).
fn used_since(started: Instant, before: std::time::Duration) -> std::time::Duration {
    let passed = started.elapsed();
    if passed < PRECISE_FROM {
        return passed;
    }
    thread_cpu_time().saturating_sub(before)
}

/// Whether this thread is a guest thread.
pub fn on_guest_thread() -> bool {
    GUEST.get()
}

/// The CPU time the first slice running on this caller's thread has used so far; `None` on a
/// guest thread, or outside such a slice. A call polled here checks it at its epoch ticks, and
/// leaves when it has used enough.
pub fn cpu_used_here() -> Option<std::time::Duration> {
    let since = SLICE_HERE_SINCE.get()?;
    Some(thread_cpu_time().saturating_sub(since))
}

/// A guest call panicked (a bug in the host or in wasmtime, never the guest's own doing).
#[derive(Debug)]
pub struct Panicked;

/// A future whose panics become `Err(Panicked)`.
struct CatchPanic<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, Panicked>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let polled = match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(Panicked)),
        };
        if polled.is_ready() && SLICE_HERE_SINCE.get().is_some() {
            FINISHED_HERE.set(true);
        }
        polled
    }
}

impl Drop for GuestExecutor {
    fn drop(&mut self) {
        for shared in [&self.first, &self.long] {
            shared.lock().stopping = true;
            shared.wake.notify_all();
        }
    }
}

/// A guest thread's loop; `looks` whether it looks for work a while before it sleeps.
fn work(shared: &Shared, looks: bool) {
    loop {
        let (city, runnable) = {
            let mut queue = shared.lock();
            // When this thread started looking for work, if it is the one looking.
            let mut looking_since = None;
            loop {
                if queue.stopping {
                    return;
                }
                if let Some(next) = queue.pop() {
                    let more = shared.queued.fetch_sub(1, Ordering::AcqRel) > 1;
                    if looking_since.is_some() {
                        queue.looking = false;
                    }
                    // Slices that came while a thread was looking woke no one: wake one now.
                    if more {
                        shared.wake.notify_one();
                    }
                    break next;
                }
                // A call often follows a call: one thread looks again for a short while before
                // sleeping, as waking a sleeping thread costs more than the call itself.
                if looks && looking_since.is_none() && !queue.looking {
                    queue.looking = true;
                    looking_since = Some(Instant::now());
                }
                if let Some(since) = looking_since {
                    if since.elapsed() < SPIN {
                        drop(queue);
                        std::thread::yield_now();
                        queue = shared.lock();
                        continue;
                    }
                    queue.looking = false;
                    looking_since = None;
                }
                queue = shared.wake.wait(queue).unwrap_or_else(|e| e.into_inner());
            }
        };
        let started = Instant::now();
        // Calls catch their own panics (`CatchPanic`); this keeps the thread and the accounting
        // whatever happens.
        let _ = catch_unwind(AssertUnwindSafe(|| runnable.run()));
        for job in AFTERWARDS.with_borrow_mut(std::mem::take) {
            let _ = catch_unwind(AssertUnwindSafe(job));
        }
        let nanos = started.elapsed().as_nanos().min(u64::MAX as u128) as u64;
        shared.lock().charge(&city, nanos);
    }
}

/// Lowers this thread's scheduling priority to `niceness`, unless it is lower already (Linux
/// threads have their own).
fn lower_priority(niceness: i32) {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid has no preconditions; getpriority and setpriority on our own thread id only
    // read and change this thread.
    unsafe {
        let tid = libc::gettid() as libc::id_t;
        let now = libc::getpriority(libc::PRIO_PROCESS, tid);
        libc::setpriority(libc::PRIO_PROCESS, tid, niceness.max(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop(queue: &mut Queue, city: &str) {
        let (runnable, task) = async_task::spawn(async {}, |_| {});
        task.detach();
        queue.push(&Arc::from(city), runnable);
    }

    #[test]
    fn the_city_that_used_least_goes_first_and_an_idle_city_cannot_bank_time() {
        let mut queue = Queue::default();
        for _ in 0..3 {
            noop(&mut queue, "storm");
        }
        let (city, _) = queue.pop().unwrap();
        assert_eq!(&*city, "storm");
        queue.charge(&city, 5_000_000);
        // A city arriving now starts level with the least-served busy one, not at zero.
        noop(&mut queue, "calm");
        assert_eq!(queue.cities["calm"].used, queue.floor);
        let (city, _) = queue.pop().unwrap();
        assert_eq!(
            &*city, "calm",
            "the calm city's one call goes before the storm's next slice"
        );
        queue.charge(&city, 100_000);
        assert!(
            !queue.cities.contains_key("calm"),
            "an idle city is forgotten"
        );
        let (city, _) = queue.pop().unwrap();
        assert_eq!(&*city, "storm");
    }
}

#[cfg(test)]
mod panics {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_panicking_call_comes_back_as_panicked_and_the_threads_keep_working() {
        let executor = GuestExecutor::start(1, 1, tokio::runtime::Handle::current()).unwrap();
        let panicked = executor
            .spawn("storm", &executor.lane(), async {
                if std::hint::black_box(true) {
                    panic!("a host bug");
                }
            })
            .await;
        assert!(panicked.is_err());
        assert_eq!(
            executor
                .spawn("calm", &executor.lane(), async { 7 })
                .await
                .unwrap(),
            7
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn what_a_call_leaves_is_done_after_its_answer_has_gone() {
        use std::sync::atomic::AtomicBool;
        use std::time::Duration;
        let executor = GuestExecutor::start(1, 1, tokio::runtime::Handle::current()).unwrap();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let done = Arc::new(AtomicBool::new(false));
        let job_done = done.clone();
        let answer = executor.spawn("rivertown", &executor.lane(), async move {
            afterwards(move || {
                // Held until the test has the answer: were it done first, no answer would come.
                let _ = released.recv_timeout(Duration::from_secs(5));
                job_done.store(true, Ordering::SeqCst);
            });
            7
        });
        let answer = tokio::time::timeout(Duration::from_secs(2), answer)
            .await
            .expect("the answer comes before what the call left is done");
        assert_eq!(answer.unwrap(), 7);
        assert!(!done.load(Ordering::SeqCst));
        release.send(()).unwrap();
        // One thread: the next call runs once the job is done.
        executor
            .spawn("rivertown", &executor.lane(), async {})
            .await
            .unwrap();
        assert!(done.load(Ordering::SeqCst));
        // Every answer awaited and dropped: no call counted, no caller counted as waiting.
        assert_eq!(executor.first.calls.load(Ordering::SeqCst), 0);
        assert_eq!(executor.first.waiting.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_calls_at_once_all_answer_and_leave_no_count_behind() {
        let executor = GuestExecutor::start(2, 2, tokio::runtime::Handle::current()).unwrap();
        let answers: Vec<_> = (0..200)
            .map(|n| {
                executor.spawn(
                    if n % 2 == 0 { "a" } else { "b" },
                    &executor.lane(),
                    async move { n },
                )
            })
            .collect();
        for (n, answer) in answers.into_iter().enumerate() {
            assert_eq!(answer.await.unwrap(), n);
        }
        assert_eq!(executor.first.calls.load(Ordering::SeqCst), 0);
        assert_eq!(executor.first.waiting.load(Ordering::SeqCst), 0);
        assert!(!executor.lane().others_waiting());
    }

    /// A future that is pending once, woken at once: a call yielding its thread.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if std::mem::replace(&mut self.0, true) {
                return Poll::Ready(());
            }
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    /// This thread's name and niceness.
    #[cfg(target_os = "linux")]
    fn this_thread() -> (String, i32) {
        let name = std::thread::current()
            .name()
            .unwrap_or_default()
            .to_string();
        // SAFETY: gettid has no preconditions; getpriority only reads this thread's niceness.
        let niceness =
            unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        (name, niceness)
    }

    #[cfg(target_os = "linux")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_demoted_call_goes_on_in_the_long_lane_and_leaves_the_first_to_new_calls() {
        use std::time::Duration;
        let executor = GuestExecutor::start(1, 1, tokio::runtime::Handle::current()).unwrap();
        let lane = executor.lane();
        let demoting = lane.clone();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let long = executor.spawn("storm", &lane, async move {
            let before = this_thread();
            demoting.demote();
            YieldOnce(false).await;
            let after = this_thread();
            // Holds the long lane's only thread until the new call has run.
            let _ = released.recv_timeout(Duration::from_secs(5));
            (before, after)
        });
        while !lane.demoted() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let new = tokio::time::timeout(
            Duration::from_secs(2),
            executor.spawn("calm", &executor.lane(), async { this_thread() }),
        )
        .await
        .expect("a new call runs while the long lane is busy")
        .unwrap();
        release.send(()).unwrap();
        let (before, after) = long.await.unwrap();
        // The first lane's threads keep the process's niceness, as the server's threads do.
        let server = this_thread().1;
        assert_eq!(before, ("carmen-guest-0".to_string(), server));
        assert_eq!(
            after,
            ("carmen-long-0".to_string(), LONG_CALLS_NICENESS.max(server))
        );
        assert_eq!(new, ("carmen-guest-0".to_string(), server));
        // Nothing is left counted in either lane once the slices are charged.
        let started = Instant::now();
        while [&executor.first, &executor.long]
            .iter()
            .any(|lane| lane.queued.load(Ordering::SeqCst) > 0 || !lane.lock().cities.is_empty())
        {
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "a lane keeps a count"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_slice_here_is_charged_the_cpu_it_used_never_more_than_passed() {
        use std::time::Duration;
        let executor = GuestExecutor::start(1, 1, tokio::runtime::Handle::current()).unwrap();
        // A slice that waits (as a thread the machine paused would) uses little CPU: past
        // `PRECISE_FROM`, it is charged what the thread's CPU clock says, not the time that passed.
        let (answer, slice) = executor.spawn_starting_here("rivertown", &executor.lane(), async {
            std::thread::sleep(Duration::from_millis(5));
        });
        answer.await.unwrap();
        let used = slice.unwrap().used;
        assert!(
            used < Duration::from_millis(2),
            "a slice that slept 5 ms was charged {used:?}"
        );
        // A quick slice is charged at most the time that passed.
        let started = Instant::now();
        let (answer, slice) = executor.spawn_starting_here("rivertown", &executor.lane(), async {
            let spinning = Instant::now();
            while spinning.elapsed() < Duration::from_micros(20) {
                std::hint::spin_loop();
            }
        });
        let passed = started.elapsed();
        answer.await.unwrap();
        let used = slice.unwrap().used;
        assert!(
            used >= Duration::from_micros(20) || passed >= PRECISE_FROM,
            "a slice that spun 20 µs was charged {used:?}"
        );
        assert!(used <= passed, "charged {used:?} of {passed:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_call_started_here_runs_here_until_it_yields_then_on_a_guest_thread() {
        let executor =
            Arc::new(GuestExecutor::start(1, 1, tokio::runtime::Handle::current()).unwrap());
        let caller = std::thread::current().id();
        let (quick, slice) = executor.spawn_starting_here("rivertown", &executor.lane(), async {
            (
                std::thread::current().id(),
                on_guest_thread(),
                cpu_used_here().is_some(),
            )
        });
        assert!(
            slice.is_some_and(|slice| slice.finished),
            "the first slice ran here, and the call finished in it"
        );
        assert_eq!(quick.await.unwrap(), (caller, false, true));
        assert!(
            cpu_used_here().is_none(),
            "outside the slice, nothing is counted"
        );
        let (yielding, slice) =
            executor.spawn_starting_here("rivertown", &executor.lane(), async {
                let before = (std::thread::current().id(), on_guest_thread());
                YieldOnce(false).await;
                let after = (
                    std::thread::current().name().map(String::from),
                    on_guest_thread() && cpu_used_here().is_none(),
                );
                (before, after)
            });
        assert!(
            slice.is_some_and(|slice| !slice.finished),
            "the call went on elsewhere"
        );
        let (before, after) = yielding.await.unwrap();
        assert_eq!(before, (caller, false));
        assert_eq!(after, (Some("carmen-guest-0".to_string()), true));
        // A call spawned the usual way never runs on its caller's thread.
        let elsewhere = executor
            .spawn("rivertown", &executor.lane(), async { on_guest_thread() })
            .await
            .unwrap();
        assert!(elsewhere);
        // While every place on callers' threads is taken, a call is queued.
        let places = executor.places_here;
        let taken: Vec<_> = (1..places)
            .map(|_| Here::take(&executor.first, places).unwrap())
            .collect();
        let inner = executor.clone();
        let (outer, _) = executor.spawn_starting_here("rivertown", &executor.lane(), async move {
            let (answer, slice) =
                inner.spawn_starting_here("hillcrest", &inner.lane(), async { on_guest_thread() });
            (answer, slice)
        });
        let (answer, slice) = outer.await.unwrap();
        assert!(
            slice.is_none(),
            "no second first slice on a caller's thread"
        );
        assert!(answer.await.unwrap(), "it ran on a guest thread");
        drop(taken);
        // What a call started here by a task leaves is done by a task of its own, after the
        // answer: on the runtime's one worker, only once the caller's task waits.
        let started_here = executor.clone();
        tokio::spawn(async move {
            let (done, mut finished) = tokio::sync::oneshot::channel();
            let (answer, _) =
                started_here.spawn_starting_here("rivertown", &started_here.lane(), async move {
                    afterwards(move || {
                        let _ = done.send(());
                    });
                });
            answer.await.unwrap();
            assert!(
                finished.try_recv().is_err(),
                "left for after the answer, not done in the call"
            );
            tokio::time::timeout(std::time::Duration::from_secs(5), finished)
                .await
                .expect("done once the caller waits")
                .unwrap();
        })
        .await
        .unwrap();
        assert_eq!(executor.first.calls.load(Ordering::SeqCst), 0);
        assert_eq!(executor.first.here.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_queued_while_a_thread_looks_for_work_still_get_every_thread() {
        use std::time::Duration;
        let executor = GuestExecutor::start(2, 2, tokio::runtime::Handle::current()).unwrap();
        for _ in 0..100 {
            // After a call, one thread looks for work and the other sleeps: two calls that come
            // at once must wake the sleeper, or the first blocks the second for ever.
            executor
                .spawn("a", &executor.lane(), async {})
                .await
                .unwrap();
            let both = Arc::new(std::sync::Barrier::new(2));
            let answers: Vec<_> = (0..2)
                .map(|_| {
                    let both = both.clone();
                    executor.spawn("a", &executor.lane(), async move {
                        both.wait();
                    })
                })
                .collect();
            for answer in answers {
                tokio::time::timeout(Duration::from_secs(5), answer)
                    .await
                    .expect("both calls run at once, on both threads")
                    .unwrap();
            }
        }
    }
}
