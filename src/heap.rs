//! Giving freed heap memory back to the system after a big load.
//!
//! Loading a graph or opening an index allocates and frees many temporary
//! buffers between the allocations that stay. glibc's allocator keeps the
//! freed pages between live ones resident; `malloc_trim` returns them.
//! Elsewhere this is a no-op. The `innograph` binary allocates with
//! jemalloc (see `main.rs`), which returns freed pages on its own after a
//! delay; there this trims what C code took from glibc.

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
