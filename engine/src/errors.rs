//! What can go wrong when the host calls a plugin, typed so that callers and citizens get a clear answer.

use wasmtime::{Trap, WasmBacktrace};

use super::limits::MemoryCapExceeded;
use crate::capabilities::CapabilityNotGranted;

/// A failed plugin call or install.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    /// The call ran past its deadline and was stopped.
    #[error("the service did not answer within its deadline of {ms} ms and was stopped")]
    Deadline { ms: u64 },
    /// The plugin asked for more memory than its cap.
    #[error("the service tried to use more than its memory cap of {bytes} bytes and was stopped")]
    MemoryCap { bytes: u64 },
    /// The plugin recursed too deep.
    #[error("the service overflowed its stack and was stopped")]
    StackOverflow,
    /// The plugin trapped (a panic, say).
    #[error("the service failed: {message}")]
    Trap { message: String, backtrace: String },
    /// The component imports a capability the install did not grant.
    #[error(
        "the component needs capability `{capability}` (it imports {import}), which was not granted"
    )]
    CapabilityNotGranted { capability: String, import: String },
    /// The plugin's own `on-case-event` or `tick` returned an error.
    #[error("the service reported an error: {0}")]
    Refused(String),
    /// The city (or the service) has all its call slots busy; its callers wait or retry.
    #[error("the service is busy with other requests in this city; try again shortly")]
    Busy,
    /// The bytes are not a component this host can run.
    #[error("not a valid city service component: {0}")]
    InvalidComponent(String),
    /// A fault on the host's side.
    #[error("host error: {0}")]
    Host(String),
}

impl PluginError {
    pub(crate) fn host(error: wasmtime::Error) -> PluginError {
        PluginError::Host(format!("{error:#}"))
    }

    /// Types the error of a call from what wasmtime reports and what the limiter saw.
    pub(crate) fn classify(
        error: wasmtime::Error,
        deadline_ms: u64,
        memory_bytes: u64,
        memory_cap_hit: bool,
        stderr: &str,
    ) -> PluginError {
        if memory_cap_hit || error.downcast_ref::<MemoryCapExceeded>().is_some() {
            return PluginError::MemoryCap {
                bytes: memory_bytes,
            };
        }
        if let Some(not_granted) = error.downcast_ref::<CapabilityNotGranted>() {
            return PluginError::CapabilityNotGranted {
                capability: not_granted.0.name().to_string(),
                import: format!("carmen:city/{}", not_granted.0.name()),
            };
        }
        let backtrace = error
            .downcast_ref::<WasmBacktrace>()
            .map(|bt| bt.to_string())
            .unwrap_or_default();
        match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => PluginError::Deadline { ms: deadline_ms },
            Some(Trap::StackOverflow) => PluginError::StackOverflow,
            Some(Trap::MemoryOutOfBounds) => PluginError::Trap {
                message: "out of bounds memory access: the service overran its stack in linear memory or used a bad pointer"
                    .into(),
                backtrace,
            },
            Some(trap) => {
                // What the service said is its message; the trap behind it goes to the log.
                let said = said_on_failure(stderr);
                let message = if said.is_empty() {
                    trap.to_string()
                } else {
                    tracing::debug!(target: "carmen::plugin", %trap, "the service failed with a message");
                    said
                };
                PluginError::Trap { message, backtrace }
            }
            // Not the guest's doing (instantiation, the pool, the host): the detail is for the log.
            None => PluginError::Host(format!("{error:#}")),
        }
    }

    /// A short machine-readable name for the kind of failure.
    pub fn kind(&self) -> &'static str {
        match self {
            PluginError::Deadline { .. } => "deadline",
            PluginError::MemoryCap { .. } => "memory",
            PluginError::StackOverflow => "stack-overflow",
            PluginError::Trap { .. } => "trap",
            PluginError::CapabilityNotGranted { .. } => "capability-not-granted",
            PluginError::Refused(_) => "refused",
            PluginError::Busy => "busy",
            PluginError::InvalidComponent(_) => "invalid-component",
            PluginError::Host(_) => "host",
        }
    }
}

/// What a plugin said when it failed, for the caller: a Rust panic's message without its source
/// location, a Python exception's last line, a JavaScript error's message — never a stack frame
/// or a path of the machine it was built on. The whole output stays in the log.
fn said_on_failure(stderr: &str) -> String {
    let said = said_in_full(stderr);
    match said.char_indices().nth(MAX_SAID) {
        Some((cut, _)) => format!("{}…", &said[..cut]),
        None => said,
    }
}

/// The most of what a plugin said that a caller is shown, in characters.
const MAX_SAID: usize = 300;

fn said_in_full(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("note:"))
        .collect();
    // Python (componentize-py): the traceback, then its runtime's own panic; the exception's
    // line is the last one of the traceback that is not indented.
    if let Some(at) = lines
        .iter()
        .rposition(|l| l.starts_with("Traceback (most recent call last)"))
    {
        let said = lines[at + 1..]
            .iter()
            .take_while(|l| !l.contains("panicked at"))
            .filter(|l| !l.starts_with(char::is_whitespace))
            .last();
        if let Some(said) = said {
            return without_paths(said);
        }
    }
    if let Some(at) = lines.iter().rposition(|l| l.contains("panicked at")) {
        return without_paths(&lines[at + 1..].join(" | "));
    }
    let said: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !is_stack_frame(l))
        .collect();
    without_paths(&said[said.len().saturating_sub(3)..].join(" | "))
}

/// A line of a stack trace: `at f (file:///x.js:1:2)`, `f@x.js:1:2`, `Stack:`, `File "x.py", ...`.
fn is_stack_frame(line: &str) -> bool {
    let ends_in_position = line
        .rsplit(':')
        .take(2)
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit() || c == ')'));
    line.starts_with("at ")
        || line.starts_with("File \"")
        || line == "Stack:"
        || line.starts_with("Redirecting call to abort()")
        || (line.contains('@') && ends_in_position)
        || (line.starts_with("wasm backtrace") || line.starts_with("0x"))
}

/// The text with every path-like word (`/home/x/app.js:3`, `file:///...`) cut to its file name.
fn without_paths(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let looks_like_path =
                word.contains("://") || word.trim_start_matches(['(', '"', '\'']).starts_with('/');
            match (looks_like_path, word.rsplit_once('/')) {
                (true, Some((_, file))) => file.to_string(),
                _ => word.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::{said_on_failure, without_paths};

    #[test]
    fn a_python_exception_is_reported_by_its_last_line() {
        let stderr = "Traceback (most recent call last):\n  File \"/home/dev/noise/app.py\", line 27, in submit\n    raise ValueError(\"the source is unknown\")\nValueError: the source is unknown\nthread '<unnamed>' (1) panicked at runtime/src/lib.rs:1280:25:\nPython function threw an unexpected exception\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(said_on_failure(stderr), "ValueError: the source is unknown");
    }

    #[test]
    fn a_javascript_error_is_reported_without_its_stack_or_paths() {
        let stderr = "Error: the name is refused\nStack:\n  submit@app.js:17:31\n  export_service_0_1_2$submit@/tmp/e1e3ae72d484/sources/initializer.js:1249:15\n  at call (file:///home/dev/card/app.js:3:9)\nRedirecting call to abort() to mozalloc_abort\n";
        assert_eq!(said_on_failure(stderr), "Error: the name is refused");
        assert_eq!(
            without_paths("failed in /home/dev/x/app.js:3 now"),
            "failed in app.js:3 now"
        );
    }

    #[test]
    fn a_panic_is_reported_by_its_message_without_the_source_location() {
        let stderr = "thread '<unnamed>' (1) panicked at plugins/x/src/lib.rs:9:5:\nthe form is broken\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(said_on_failure(stderr), "the form is broken");
        assert_eq!(
            said_on_failure("one\ntwo\nthree\nfour"),
            "two | three | four"
        );
        assert_eq!(said_on_failure(""), "");
        let long = format!(
            "Traceback (most recent call last):\nValueError: {}\n",
            "x".repeat(5000)
        );
        assert_eq!(said_on_failure(&long).chars().count(), super::MAX_SAID + 1);
    }
}
