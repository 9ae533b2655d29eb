//! Files written so that a crash leaves either their old content or all of
//! the new: the one way the index directory, the graph snapshot and its log
//! header, and exports reach the disk.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::{Error, Result};

/// Writes `bytes` to `path` so that after a crash the file holds either its
/// old content or all of the new: write a temporary file, flush it to disk,
/// rename it over `path`, flush the directory.
pub fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    write_durably_with(path, |out| out.write_all(bytes).map_err(|e| Error::io(path, e)))
}

/// [`write_durably`] for content written piece by piece: `write` fills a
/// buffered writer over the temporary file.
pub(crate) fn write_durably_with(
    path: &Path,
    write: impl FnOnce(&mut io::BufWriter<fs::File>) -> Result<()>,
) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{file_name}.tmp"));
    let file = fs::File::create(&temporary).map_err(|e| Error::io(&temporary, e))?;
    let mut out = io::BufWriter::with_capacity(1 << 20, file);
    write(&mut out)?;
    let file = out.into_inner().map_err(|e| Error::io(&temporary, e.into_error()))?;
    file.sync_all().map_err(|e| Error::io(&temporary, e))?;
    drop(file);
    fs::rename(&temporary, path).map_err(|e| Error::io(path, e))?;
    sync_dir(dir)
}

/// Flushes a directory's entries (renames, new files) to disk.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    let handle = fs::File::open(dir).map_err(|e| Error::io(dir, e))?;
    handle.sync_all().map_err(|e| Error::io(dir, e))
}
