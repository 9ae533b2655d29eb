//! The index's write lock: one process at a time builds a generation or
//! takes changes. A build replaces the live generation, so changes a
//! server took meanwhile would land in a generation nobody reads; with the
//! lock, a build waits for no one and fails at once instead, and a server
//! refuses changes while a build runs. The lock is an advisory lock on a
//! file in the index directory, released when its holder exits, however it
//! exits.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// The file locked, in the index directory.
pub const LOCK_FILE: &str = "WRITE.lock";

/// How long a lock found held is tried again before the index is busy.
const RETRY_FOR: Duration = Duration::from_millis(300);

/// The held write lock of an index directory; released when dropped.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Takes the write lock of `index_dir` (which must exist), or fails
    /// with [`Error::IndexBusy`] when another holder has it.
    ///
    /// A lock just released can look held for a moment: a child process
    /// this process started shares the lock file's open description from
    /// its fork until its exec closes it. So a lock found held is tried
    /// again for [`RETRY_FOR`] before the index counts as busy.
    pub fn acquire(index_dir: &Path) -> Result<WriteLock> {
        let path = index_dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { _file: file }),
                Err(TryLockError::WouldBlock) if started.elapsed() < RETRY_FOR => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::IndexBusy {
                        path: index_dir.to_path_buf(),
                    })
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
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
