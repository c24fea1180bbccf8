//! Photos citizens attach to their requests: checked (type, size, dimensions), decoded within
//! bounds, re-encoded — so nothing of the original file survives, EXIF location included — and
//! given a thumbnail; then read back by whoever may see the request.
//!
//! Anyone may send photos, so the work is bounded before it is done: the file's size and the
//! image's dimensions (read from its header) are checked before anything is decoded, decoding may
//! allocate at most what the largest allowed image needs, and decoding runs on a small pool of
//! workers with a short queue. An upload takes its place in the line before its files are read
//! (`photo_place`); one that finds the line full has its files skipped unread and is shed
//! (`Overloaded`), so however many strangers upload at once the host holds at most
//! `workers + queue` uploads and `workers` decoded images in memory.

use std::sync::Arc;

use tokio::sync::Semaphore;

pub use super::images::MAX_PIXELS;
use super::images::{ImageCrate, PhotoProcessing};
use super::proofs::Identity;
use super::{Carmen, RuntimeError};
use crate::crm::cases::Case;
use crate::crm::photos::{self, Photo};

/// Most photos one request takes.
pub const MAX_PHOTOS: usize = 3;
/// Largest photo file, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// Seconds a shed upload is told to wait.
pub const RETRY_AFTER: u64 = 5;

/// A place in the photo pool's line: held from before an upload is read until its photos are
/// prepared.
#[derive(Debug)]
pub struct PhotoPlace {
    _held: tokio::sync::OwnedSemaphorePermit,
}

/// The pool photos are decoded on: a few workers and a short queue, shared by every city.
#[derive(Clone, Debug)]
pub struct PhotoWork {
    /// One permit per worker.
    workers: Arc<Semaphore>,
    /// One permit per upload running or waiting; none left means shed.
    places: Arc<Semaphore>,
}

impl PhotoWork {
    /// `workers` decoding at once, and at most `queue` more uploads waiting for one.
    pub fn new(workers: usize, queue: usize) -> PhotoWork {
        let workers = workers.max(1);
        PhotoWork {
            workers: Arc::new(Semaphore::new(workers)),
            places: Arc::new(Semaphore::new(workers + queue)),
        }
    }
}

impl Default for PhotoWork {
    /// Two workers and eight waiting: at most two images in memory, about 250 MiB at worst.
    fn default() -> PhotoWork {
        PhotoWork::new(2, 8)
    }
}

impl Carmen {
    /// A place in the photo pool's line, taken before an upload's body is read (so that at most
    /// `workers + queue` uploads are held in memory at once); `Overloaded` when there is none.
    pub fn photo_place(&self) -> Result<PhotoPlace, RuntimeError> {
        self.photo_work
            .places
            .clone()
            .try_acquire_owned()
            .map(|held| PhotoPlace { _held: held })
            .map_err(|_| RuntimeError::Overloaded(RETRY_AFTER))
    }

    /// Prepares `files` (at most `MAX_PHOTOS`), read under `place`, one after the other on a
    /// worker of the photo pool.
    pub async fn prepare_photos(
        &self,
        place: PhotoPlace,
        files: Vec<Vec<u8>>,
    ) -> Result<Vec<Photo>, RuntimeError> {
        if files.len() > MAX_PHOTOS {
            return Err(RuntimeError::Invalid(format!(
                "photo: at most {MAX_PHOTOS} photos a request"
            )));
        }
        if files.is_empty() {
            return Ok(Vec::new());
        }
        self.on_photo_worker(place, move || {
            files.iter().map(|f| ImageCrate.prepare(f)).collect()
        })
        .await
    }

    /// Runs `decode` (an image's decoding, read under `place`) on a worker of the photo pool,
    /// once one is free.
    pub(crate) async fn on_photo_worker<T: Send + 'static>(
        &self,
        place: PhotoPlace,
        decode: impl FnOnce() -> Result<T, RuntimeError> + Send + 'static,
    ) -> Result<T, RuntimeError> {
        let worker = self
            .photo_work
            .workers
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| RuntimeError::Overloaded(RETRY_AFTER))?;
        // The place and the worker go with the work: an upload dropped while it is decoded (a
        // timeout, a client gone) frees neither before the decoding is done.
        tokio::task::spawn_blocking(move || {
            let _held = (place, worker);
            decode()
        })
        .await
        .map_err(|_| RuntimeError::Invalid("photo: it could not be read".into()))?
    }

    /// Photo `n` of request `id` of `city` (or its thumbnail), for whoever may see the request:
    /// staff, its submitter (`principal` or the holder of `secret`), the public for a public one.
    pub async fn photo(
        &self,
        city: &str,
        id: i64,
        n: i64,
        thumbnail: bool,
        who: Option<&Identity>,
        secret: Option<&str>,
    ) -> Result<(String, Vec<u8>), RuntimeError> {
        let id = self.case_number(city, id).await?;
        // Who may see the request may see its photos (this also finds the city and the request).
        self.request_file(city, id, who, secret).await?;
        Ok(photos::get(&mut *self.db.read().await?, city, id, n, thumbnail).await?)
    }

    /// How many photos `case` has: a request its caller was shown (found through a use case
    /// that checked who may see it), by its own number.
    pub async fn photo_count(&self, case: &Case) -> Result<i64, RuntimeError> {
        Ok(photos::count(&mut *self.db.read().await?, &case.city, case.id).await?)
    }
}
