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

use std::io::Cursor;
use std::sync::Arc;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use tokio::sync::Semaphore;

use super::proofs::Identity;
use super::{Carmen, RuntimeError};
use crate::crm::photos::{self, Photo};

/// Most photos one request takes.
pub const MAX_PHOTOS: usize = 3;
/// Largest photo file, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// Largest side of a photo, in pixels.
const MAX_SIDE: u32 = 8000;
/// Most pixels a photo may have: 24.4 megapixels, 6048×4032 (a phone's usual photo has 12 or 24).
/// Decoded as RGBA that is 93 MiB, about the most one worker holds.
pub const MAX_PIXELS: u64 = 6048 * 4032;
/// Seconds a shed upload is told to wait.
pub const RETRY_AFTER: u64 = 5;
/// Longest side of a thumbnail, in pixels.
const THUMBNAIL_SIDE: u32 = 320;

/// `bytes` as a photo to keep: a JPEG, PNG or WebP file of at most `MAX_PHOTO_BYTES` and
/// `MAX_SIDE` pixels a side, re-encoded (PNG stays PNG, the rest become JPEG) with a JPEG
/// thumbnail. Blocking work: run it off the async workers.
pub fn prepare(bytes: &[u8]) -> Result<Photo, RuntimeError> {
    let invalid = |why: &str| RuntimeError::Invalid(format!("photo: {why}"));
    if bytes.is_empty() {
        return Err(invalid("the file is empty"));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(invalid(&format!(
            "larger than {} MiB",
            MAX_PHOTO_BYTES / (1024 * 1024)
        )));
    }
    let format = image::guess_format(bytes).map_err(|_| invalid("not an image"))?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(invalid("send a JPEG, PNG or WebP image"));
    }
    let reader = || {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_PIXELS * 4 + 1024 * 1024);
        reader.limits(limits);
        reader
    };
    // The header alone says how large the image is: nothing is decoded before it is checked.
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|e| invalid(&format!("it could not be read ({e})")))?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(invalid(&format!(
            "{width}×{height} pixels is larger than {} megapixels; send a smaller photo",
            MAX_PIXELS / 1_000_000
        )));
    }
    let decoded = reader()
        .decode()
        .map_err(|e| invalid(&format!("it could not be read ({e})")))?;
    let thumbnail = encode(
        &flattened(decoded.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)),
        ImageFormat::Jpeg,
    )?;
    let (width, height) = (decoded.width(), decoded.height());
    let (content_type, encoded) = match format {
        ImageFormat::Png => ("image/png", encode(&decoded, ImageFormat::Png)?),
        _ => (
            "image/jpeg",
            encode(&flattened(decoded), ImageFormat::Jpeg)?,
        ),
    };
    Ok(Photo {
        content_type: content_type.to_string(),
        bytes: encoded,
        thumbnail,
        width,
        height,
    })
}

/// The image without transparency (JPEG has none): RGB, without a copy when it is RGB already.
fn flattened(image: DynamicImage) -> DynamicImage {
    DynamicImage::ImageRgb8(image.into_rgb8())
}

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

fn encode(image: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, RuntimeError> {
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .map_err(|e| RuntimeError::Invalid(format!("photo: it could not be stored ({e})")))?;
    Ok(out.into_inner())
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
            files.iter().map(|f| prepare(f)).collect()
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
        // Who may see the request may see its photos (this also finds the city and the request).
        self.request_file(city, id, who, secret).await?;
        Ok(photos::get(&mut *self.db.read().await?, city, id, n, thumbnail).await?)
    }

    /// How many photos request `id` of `city` has (for whoever may see it).
    pub async fn photo_count(&self, city: &str, id: i64) -> Result<i64, RuntimeError> {
        Ok(photos::count(&mut *self.db.read().await?, city, id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small JPEG with an EXIF block (GPS tags included) before the image data.
    fn jpeg_with_exif() -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }));
        let plain = encode(&image, ImageFormat::Jpeg).unwrap();
        // APP1 "Exif\0\0" segment with a marker text standing for GPS data, after SOI.
        let payload = b"Exif\0\0MM\0*GPSLatitude 45.4642 GPSLongitude 9.1900";
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn a_photo_is_re_encoded_without_its_metadata_and_gets_a_thumbnail() {
        let original = jpeg_with_exif();
        assert!(original.windows(11).any(|w| w == b"GPSLatitude"));
        let photo = prepare(&original).unwrap();
        assert_eq!(photo.content_type, "image/jpeg");
        assert_eq!((photo.width, photo.height), (640, 480));
        assert!(
            !photo.bytes.windows(4).any(|w| w == b"Exif"),
            "no EXIF survives"
        );
        assert!(!photo.bytes.windows(11).any(|w| w == b"GPSLatitude"));
        let thumbnail = image::load_from_memory(&photo.thumbnail).unwrap();
        assert!(thumbnail.width() <= THUMBNAIL_SIDE && thumbnail.height() <= THUMBNAIL_SIDE);
    }

    #[test]
    fn an_image_over_the_pixel_budget_is_refused_from_its_header() {
        // 8000×8000 is within the side limit but four times the pixel budget: a valid header
        // (its CRC right) and no image data at all.
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            let crc = !body.iter().fold(!0u32, |crc, byte| {
                (0..8).fold(crc ^ u32::from(*byte), |c, _| {
                    if c & 1 == 1 {
                        (c >> 1) ^ 0xEDB8_8320
                    } else {
                        c >> 1
                    }
                })
            });
            let mut out = (data.len() as u32).to_be_bytes().to_vec();
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc.to_be_bytes());
            out
        };
        let mut ihdr = 8000u32.to_be_bytes().repeat(2);
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut header = b"\x89PNG\r\n\x1a\n".to_vec();
        header.extend_from_slice(&chunk(b"IHDR", &ihdr));
        header.extend_from_slice(&chunk(b"IDAT", &[]));
        let Err(RuntimeError::Invalid(why)) = prepare(&header) else {
            panic!("refused");
        };
        assert!(why.contains("8000×8000"), "{why}");
    }

    #[test]
    fn what_is_not_a_bounded_image_is_refused() {
        assert!(prepare(b"").is_err());
        assert!(prepare(b"GIF89a not allowed").is_err());
        assert!(prepare(&vec![0xFF; MAX_PHOTO_BYTES + 1]).is_err());
        // A PNG header claiming 100,000 x 100,000 pixels: refused before any allocation.
        let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bomb.extend_from_slice(&100_000u32.to_be_bytes());
        bomb.extend_from_slice(&100_000u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(prepare(&bomb).is_err());
    }
}
