//! Image processing for photos, behind a small trait (`PhotoProcessing`): the `image` crate's
//! decoders and encoders, within bounds checked from the header before anything is decoded. The
//! photo use case (`runtime::photos`) knows only the trait.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use super::RuntimeError;
use super::photos::MAX_PHOTO_BYTES;
use crate::crm::photos::Photo;

/// Largest side of a photo, in pixels.
const MAX_SIDE: u32 = 8000;
/// Most pixels a photo may have: 24.4 megapixels, 6048×4032 (a phone's usual photo has 12 or 24).
/// Decoded as RGBA that is 93 MiB, about the most one worker holds.
pub const MAX_PIXELS: u64 = 6048 * 4032;
/// Longest side of a thumbnail, in pixels.
const THUMBNAIL_SIDE: u32 = 320;

/// Turns an uploaded file into a photo to keep. Blocking work: run it off the async workers.
pub trait PhotoProcessing: Send + Sync {
    fn prepare(&self, bytes: &[u8]) -> Result<Photo, RuntimeError>;
}

/// Longest side of a city's crest, in pixels.
const CREST_SIDE: u32 = 256;

/// `bytes` (a JPEG, PNG or WebP image, checked as a photo is) as a city's crest: a PNG of at most
/// `CREST_SIDE` pixels a side, transparency kept. Blocking work: run it off the async workers.
pub fn crest(bytes: &[u8]) -> Result<Vec<u8>, RuntimeError> {
    let (decoded, _) = decoded(bytes)?;
    let crest = if decoded.width().max(decoded.height()) > CREST_SIDE {
        decoded.thumbnail(CREST_SIDE, CREST_SIDE)
    } else {
        decoded
    };
    encode(&crest, ImageFormat::Png)
}

/// The `image` crate.
pub struct ImageCrate;

impl PhotoProcessing for ImageCrate {
    fn prepare(&self, bytes: &[u8]) -> Result<Photo, RuntimeError> {
        prepare(bytes)
    }
}

/// `bytes` as a photo to keep: a JPEG, PNG or WebP file of at most `MAX_PHOTO_BYTES` and
/// `MAX_SIDE` pixels a side, re-encoded (PNG stays PNG, the rest become JPEG) with a JPEG
/// thumbnail. Blocking work: run it off the async workers.
fn prepare(bytes: &[u8]) -> Result<Photo, RuntimeError> {
    let (decoded, format) = decoded(bytes)?;
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

/// `bytes` decoded: a JPEG, PNG or WebP file of at most `MAX_PHOTO_BYTES` and `MAX_SIDE`
/// pixels a side (checked from its header before anything is decoded), and its format.
fn decoded(bytes: &[u8]) -> Result<(DynamicImage, ImageFormat), RuntimeError> {
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
    Ok((decoded, format))
}

/// The image without transparency (JPEG has none): RGB, without a copy when it is RGB already.
fn flattened(image: DynamicImage) -> DynamicImage {
    DynamicImage::ImageRgb8(image.into_rgb8())
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, RuntimeError> {
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .map_err(|e| RuntimeError::Invalid(format!("photo: it could not be stored ({e})")))?;
    Ok(out.into_inner())
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
