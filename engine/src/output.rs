//! A plugin's stdout and stderr: kept in memory up to a bound, the rest counted and dropped,
//! then written to the log tagged with city and service. Writing never fails for the plugin.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError};

/// How much of each stream one call keeps.
pub const KEPT_BYTES: usize = 16 * 1024;

#[derive(Debug, Default)]
struct Buffer {
    kept: Vec<u8>,
    dropped: u64,
}

/// One bounded output stream; clones share the same buffer.
#[derive(Clone, Debug, Default)]
pub struct BoundedOutput {
    buffer: Arc<Mutex<Buffer>>,
}

impl BoundedOutput {
    fn push(&self, bytes: &[u8]) {
        let mut buffer = self.buffer.lock().unwrap_or_else(|e| e.into_inner());
        let room = KEPT_BYTES.saturating_sub(buffer.kept.len());
        let take = room.min(bytes.len());
        buffer.kept.extend_from_slice(&bytes[..take]);
        buffer.dropped += (bytes.len() - take) as u64;
    }

    /// What was kept, as text, and how many bytes were dropped.
    pub fn take(&self) -> (String, u64) {
        let mut buffer = self.buffer.lock().unwrap_or_else(|e| e.into_inner());
        let text = String::from_utf8_lossy(&buffer.kept).into_owned();
        let dropped = buffer.dropped;
        *buffer = Buffer::default();
        (text, dropped)
    }
}

impl IsTerminal for BoundedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for BoundedOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl OutputStream for BoundedOutput {
    fn write(&mut self, bytes: Bytes) -> Result<(), StreamError> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        Ok(64 * 1024)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for BoundedOutput {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for BoundedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_beyond_the_bound_is_counted_and_dropped() {
        let out = BoundedOutput::default();
        let mut stream = out.p2_stream();
        for _ in 0..100 {
            stream.write(Bytes::from(vec![b'x'; 1024])).unwrap();
        }
        let (text, dropped) = out.take();
        assert_eq!(text.len(), KEPT_BYTES);
        assert_eq!(dropped, 100 * 1024 - KEPT_BYTES as u64);
    }
}
