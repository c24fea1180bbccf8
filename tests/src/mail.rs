//! A real SMTP server for the tests: `tests/smtp/sink.py` (Python's aiosmtpd, installed by
//! `.ci/run`) in a child process, keeping each message it accepts as a file; and a reader of
//! those messages' headers and parts.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An SMTP server on a loopback port, stopped when dropped.
pub struct SmtpSink {
    pub port: u16,
    folder: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let port = crate::child::free_addr().port();
        let folder = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(crate::workspace().join("tests/smtp/sink.py"))
            .arg(port.to_string())
            .arg(folder.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the SMTP sink (pip install aiosmtpd; .ci/run does)");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        assert_eq!(
            ready.trim(),
            "ready",
            "the SMTP sink starts (is aiosmtpd installed?)"
        );
        SmtpSink {
            port,
            folder,
            child,
        }
    }

    /// `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, oldest first.
    pub fn received(&self) -> Vec<Mail> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| Mail(String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned()))
            .collect()
    }

    /// Waits (up to 10 s) until `count` messages have arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Mail> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{count} messages did not arrive; {} did",
            self.received().len()
        );
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One message as it arrived.
pub struct Mail(pub String);

impl Mail {
    /// The value of header `name` (unfolded), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.0.split("\r\n\r\n").next().unwrap_or("");
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(current) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    current.push_str(line.trim_start());
                    continue;
                }
                break;
            }
            if let Some((key, rest)) = line.split_once(':')
                && key.eq_ignore_ascii_case(name)
            {
                value = Some(rest.trim().to_string());
            }
        }
        value
    }

    /// The whole message, quoted-printable soft line breaks joined.
    pub fn text(&self) -> String {
        self.0.replace("=\r\n", "").replace("=3D", "=")
    }
}

/// Whether `subject` is the subject of a verification code's message, in any page language.
pub fn is_code_subject(subject: &str) -> bool {
    carmen::i18n::LANGUAGES
        .iter()
        .any(|(language, _)| carmen::i18n::Texts::new(language).t("mail-code-subject") == subject)
}
