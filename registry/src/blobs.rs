//! Components on disk, content-addressed by sha256: written atomically (temporary file, fsync,
//! rename), stored once however many packages point at them.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::signing::digest;

/// The blob store in one folder.
#[derive(Clone, Debug)]
pub struct BlobStore {
    dir: PathBuf,
}

fn is_digest(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl BlobStore {
    pub fn open(dir: &Path) -> std::io::Result<BlobStore> {
        std::fs::create_dir_all(dir)?;
        Ok(BlobStore {
            dir: dir.to_path_buf(),
        })
    }

    /// Where the blob `digest` lives; `None` for anything that is not a digest (no path tricks).
    pub fn path(&self, digest: &str) -> Option<PathBuf> {
        is_digest(digest).then(|| self.dir.join(&digest[..2]).join(digest))
    }

    /// Stores `bytes` (once) and returns their digest.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let digest = digest(bytes);
        let path = self.path(&digest).expect("a sha256 is a digest");
        if path.exists() {
            return Ok(digest);
        }
        let dir = path.parent().expect("blobs live in a folder");
        std::fs::create_dir_all(dir)?;
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        file.write_all(bytes)?;
        file.as_file().sync_all()?;
        file.persist(&path).map_err(|e| e.error)?;
        Ok(digest)
    }

    /// The bytes of blob `digest`, as stored (the reader checks the digest).
    pub fn get(&self, digest: &str) -> std::io::Result<Option<Vec<u8>>> {
        match self.path(digest) {
            Some(path) if path.exists() => std::fs::read(path).map(Some),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_stored_once_by_digest_and_names_cannot_escape() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path()).unwrap();
        let a = store.put(b"hello").unwrap();
        assert_eq!(store.put(b"hello").unwrap(), a);
        assert_eq!(store.get(&a).unwrap().unwrap(), b"hello");
        assert!(store.get("../../etc/passwd").unwrap().is_none());
        assert!(store.path("ABC").is_none());
    }
}
