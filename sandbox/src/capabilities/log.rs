//! `carmen:city/log`: the city's log for this service, tagged with city and service. What a plugin
//! writes — here or on stdout and stderr — becomes one log line each, escaped and bounded, so a
//! plugin cannot write lines that pass for the host's own or for another city's.

use super::CallContext;
use crate::contract::carmen::city::log::{Host, Level};
use crate::crm::grants::Capability;

/// Longest log line kept, in bytes, before escaping.
pub const MAX_LINE: usize = 4096;

/// `text` as one printable line: newlines, escape codes and other control characters (and
/// backslashes, so an escape cannot be forged either) written as escapes, cut to `MAX_LINE`
/// bytes first.
pub fn one_line(text: &str) -> String {
    let mut end = text.len().min(MAX_LINE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut line: String = text[..end]
        .chars()
        .flat_map(|c| match c {
            '"' | '\'' => vec![c],
            c => c.escape_debug().collect(),
        })
        .collect();
    if end < text.len() {
        line.push_str(" [cut]");
    }
    line
}

impl Host for CallContext {
    async fn write(&mut self, level: Level, message: String) -> wasmtime::Result<()> {
        self.require(Capability::Log)?;
        let line = one_line(&message);
        let (city, service) = (self.city(), self.service());
        match level {
            Level::Debug => tracing::debug!(target: "carmen::plugin", %city, %service, "{line}"),
            Level::Info => tracing::info!(target: "carmen::plugin", %city, %service, "{line}"),
            Level::Warn => tracing::warn!(target: "carmen::plugin", %city, %service, "{line}"),
            Level::Error => tracing::error!(target: "carmen::plugin", %city, %service, "{line}"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_and_escape_codes_become_one_escaped_line() {
        let forged = "booked\n2026-11-28T10:00:00Z  INFO carmen: city=hillcrest paid\x1b[2K\r\\n";
        let line = one_line(forged);
        assert!(!line.contains('\n') && !line.contains('\r') && !line.contains('\x1b'));
        assert_eq!(
            line,
            "booked\\n2026-11-28T10:00:00Z  INFO carmen: city=hillcrest paid\\u{1b}[2K\\r\\\\n"
        );
        assert_eq!(one_line("Grüße, \"quoted\""), "Grüße, \"quoted\"");
    }

    #[test]
    fn long_lines_are_cut_on_a_character_boundary() {
        let line = one_line(&"é".repeat(MAX_LINE));
        assert!(line.ends_with(" [cut]"));
        assert!(line.len() <= MAX_LINE + 6);
    }
}
