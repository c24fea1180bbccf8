//! `carmen serve` in a child process for the benchmarks: the bench binary runs itself again as
//! the command line (`run_if_child` first thing in its `main`), so what is measured is the real
//! server in a process of its own, apart from the load generator.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;

/// Carries the `carmen` arguments when a bench binary runs as the server.
const CHILD_ARGS: &str = "CARMEN_BENCH_CHILD_ARGS";

/// In the child: runs the command line it was given and exits. In the bench itself: returns.
pub fn run_if_child() {
    let Ok(args) = std::env::var(CHILD_ARGS) else {
        return;
    };
    let cli = carmen::cli::Cli::parse_from(
        std::iter::once("carmen".to_string()).chain(args.split('\u{1f}').map(str::to_string)),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let code = match runtime.block_on(carmen::cli::run(cli)) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: {error:#}");
            1
        }
    };
    std::process::exit(code);
}

/// A server in a child process, killed when dropped.
pub struct ChildServer {
    pub child: Child,
    pub addr: std::net::SocketAddr,
}

/// A free loopback address.
pub fn free_addr() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

impl ChildServer {
    /// `carmen serve` over `db`, without ticks or rate limits; returns once `/healthz` answers,
    /// with how long that took.
    pub async fn carmen(db: &str, cache: &Path) -> (ChildServer, Duration) {
        let addr = free_addr();
        let args = [
            "serve",
            "--db",
            db,
            "--cache-dir",
            &cache.to_string_lossy(),
            "--listen",
            &addr.to_string(),
            "--tick-seconds",
            "0",
            "--rate-per-client",
            "1000000",
            "--max-concurrent",
            "4096",
        ];
        let mut command = Command::new(std::env::current_exe().unwrap());
        command.env(CHILD_ARGS, args.join("\u{1f}"));
        ChildServer::spawn(command, addr, "/healthz").await
    }

    /// Spawns `command`, which listens on `addr`; returns once `probe` answers.
    pub async fn spawn(
        mut command: Command,
        addr: std::net::SocketAddr,
        probe: &str,
    ) -> (ChildServer, Duration) {
        let started = Instant::now();
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = ChildServer { child, addr };
        let client = reqwest::Client::new();
        while client
            .get(format!("http://{addr}{probe}"))
            .send()
            .await
            .is_err()
        {
            assert!(started.elapsed() < Duration::from_secs(300), "no answer");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        (server, started.elapsed())
    }

    /// `http://addr` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Resident memory, in MiB.
    pub fn resident_mib(&self) -> f64 {
        resident_mib(&self.child.id().to_string())
    }

    /// A memory figure of the server from `/proc/<pid>/status` (`RssAnon`, `RssFile`, …), in MiB.
    pub fn memory_mib(&self, field: &str) -> f64 {
        memory_kib(&self.child.id().to_string(), field).unwrap_or(0) as f64 / 1024.0
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The number in the environment variable `name` (a bench's size, say), or `default`.
pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// The `p` quantile of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The resident memory of process `pid` (`self` for this one), in MiB.
pub fn resident_mib(pid: &str) -> f64 {
    memory_kib(pid, "VmRSS").unwrap_or(0) as f64 / 1024.0
}

/// A memory figure of process `pid` from `/proc/<pid>/status` (`VmRSS`, `VmHWM`, …), in KiB.
pub fn memory_kib(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}
