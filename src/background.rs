//! Work that may wait: bulk writes and the search commits behind them run
//! at a lower CPU priority than queries, so that on a busy machine the
//! scheduler serves searches first and a large ingest slows itself rather
//! than the people searching.

/// How much lower than a query's thread background work runs (a nice
/// value: 0 is the default, 19 the lowest priority).
const NICENESS: i32 = 10;

/// Lowers the calling thread's CPU priority, for good: threads it starts
/// afterwards inherit it. A thread cannot raise it again without
/// privileges, so only threads made for background work call this.
/// Elsewhere than on Linux, and when the system refuses, nothing changes.
pub fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid takes nothing and cannot fail; setpriority with
        // PRIO_PROCESS and a thread id changes that one thread (Linux keeps
        // the nice value per thread) and only reads its arguments.
        let result = unsafe {
            let thread = libc::gettid();
            libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, NICENESS)
        };
        if result != 0 {
            tracing::debug!(error = %std::io::Error::last_os_error(), "background work keeps the default priority");
        }
    }
}

/// Runs `work` on a thread of its own at the lower priority and returns
/// what it returns (a panic in it is resumed here); fails only when the
/// system has no thread to give.
pub fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> crate::Result<T> {
    let thread = std::thread::Builder::new()
        .name("innograph-background".into())
        .spawn(move || {
            lower_this_thread();
            work()
        });
    let handle = thread.map_err(|e| crate::Error::io("a thread for background work", e))?;
    Ok(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    fn niceness() -> i32 {
        // SAFETY: getpriority only reads its arguments; gettid cannot fail
        unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
    }

    #[test]
    fn background_work_runs_lower_and_the_caller_stays_as_it_was() {
        #[cfg(target_os = "linux")]
        let before = niceness();
        let answer = run(|| {
            #[cfg(target_os = "linux")]
            assert!(niceness() >= NICENESS.min(19), "the background thread is lowered");
            // threads it starts inherit the lower priority
            #[cfg(target_os = "linux")]
            std::thread::spawn(|| assert!(niceness() >= NICENESS.min(19)))
                .join()
                .unwrap();
            6 * 7
        })
        .unwrap();
        assert_eq!(answer, 42);
        #[cfg(target_os = "linux")]
        assert_eq!(niceness(), before, "the caller keeps its priority");
    }

    #[test]
    fn a_panic_in_background_work_reaches_the_caller() {
        let result = std::panic::catch_unwind(|| run(|| panic!("inside")));
        assert!(result.is_err());
    }
}
