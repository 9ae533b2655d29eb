//! The heap: the allocator the binaries that serve use, and giving freed
//! heap memory back to the system after a big load.
//!
//! The `innograph` binary (and the ingest bench, which measures it in
//! process) allocates with jemalloc ([`server_allocator!`]): it keeps the
//! memory a write frees for the next write to reuse. A write at a million
//! entities copies about 85 MB of graph columns; with the system
//! allocator every such buffer is a fresh mapping whose pages fault in one
//! by one (about 30 ms of a one-article write), and is unmapped when the
//! graph it belonged to is dropped.
//!
//! Loading a graph or opening an index allocates and frees many temporary
//! buffers between the allocations that stay. glibc's allocator keeps the
//! freed pages between live ones resident; `malloc_trim` returns them.
//! Elsewhere this is a no-op. Under jemalloc it trims only what C code
//! took from glibc: jemalloc returns its freed pages on its own.

/// Returns the allocator's free pages to the system.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: malloc_trim takes no pointers, only walks the allocator's
        // own free lists under its locks, and is safe to call from any thread.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// jemalloc, for [`server_allocator!`].
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
pub use tikv_jemallocator::Jemalloc;

/// jemalloc's settings: large buffers come from the ordinary arenas, whose
/// freed pages are kept for reuse, not from the arena for oversized ones,
/// which returns them at once; a background thread returns the pages left
/// unused for jemalloc's usual delay (10 s), so an idle server gives back
/// what its start-up freed.
pub const JEMALLOC_CONF: &[u8] = b"oversize_threshold:0,background_thread:true\0";

/// Makes jemalloc, with [`JEMALLOC_CONF`], the global allocator of the
/// binary that invokes it (once, at its root; on Linux with glibc).
#[macro_export]
macro_rules! server_allocator {
    () => {
        #[cfg(all(target_os = "linux", not(target_env = "musl")))]
        #[global_allocator]
        static ALLOCATOR: $crate::heap::Jemalloc = $crate::heap::Jemalloc;

        #[cfg(all(target_os = "linux", not(target_env = "musl")))]
        #[allow(non_upper_case_globals)]
        #[export_name = "_rjem_malloc_conf"]
        pub static malloc_conf: &[u8] = $crate::heap::JEMALLOC_CONF;
    };
}
