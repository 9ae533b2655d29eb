//! The index's write lock: one process at a time builds a generation or
//! takes changes. A build replaces the live generation, so changes a
//! server took meanwhile would land in a generation nobody reads; with the
//! lock, a build waits for no one and fails at once instead, and a server
//! refuses changes while a build runs. The lock is an advisory lock on a
//! file in the index directory, released when its holder exits, however it
//! exits.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use crate::{Error, Result};

/// The file locked, in the index directory.
pub const LOCK_FILE: &str = "WRITE.lock";

/// The held write lock of an index directory; released when dropped.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Takes the write lock of `index_dir` (which must exist), or fails
    /// with [`Error::IndexBusy`] when another holder has it.
    pub fn acquire(index_dir: &Path) -> Result<WriteLock> {
        let path = index_dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(WriteLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(Error::IndexBusy {
                path: index_dir.to_path_buf(),
            }),
            Err(TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let held = WriteLock::acquire(dir.path()).unwrap();
        assert!(matches!(WriteLock::acquire(dir.path()), Err(Error::IndexBusy { .. })));
        drop(held);
        WriteLock::acquire(dir.path()).expect("free again once released");
    }
}
