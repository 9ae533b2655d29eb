//! A cache hint: asking the processor to read memory ahead of its use, for
//! lookups whose addresses are known a little before they are read (the
//! tagger's weight rows).

/// Asks the processor to bring `item` into its caches (a hint: nothing
/// changes but the time the next read of it takes).
#[inline(always)]
pub(crate) fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: SSE is part of every x86_64 processor, and a prefetch
        // reads nothing the program sees (it cannot fault).
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(item).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}
