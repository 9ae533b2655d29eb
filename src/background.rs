//! Work that may wait: bulk writes and the search commits behind them run
//! at a lower CPU priority than queries, so that on a busy machine the
//! scheduler serves searches first and a large ingest slows itself rather
//! than the people searching.
//!
//! Bulk work nobody waits for at once (a large ingest, a fold of the graph
//! log) runs in the idle scheduling class on Linux ([`idle_this_thread`],
//! [`run_idle`]): a query's thread that wakes takes the core from it at
//! once, and a core running only such work counts as free when a woken
//! query's thread is placed, whereas a lower nice value alone lets
//! background work finish its time slice first, which a query split over
//! both cores waits for. Such work runs only on processor time no other
//! thread of the machine wants, so it is kept for work whose delay is
//! harmless.

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

/// Lowers the calling thread's priority as [`lower_this_thread`] does and
/// puts it in the idle scheduling class (`SCHED_IDLE`, on Linux): it runs
/// when no other thread wants the processor. Threads it starts afterwards
/// inherit both.
pub fn idle_this_thread() {
    lower_this_thread();
    #[cfg(target_os = "linux")]
    if idle_class_allowed() {
        let idle = libc::sched_param { sched_priority: 0 };
        // SAFETY: sched_setscheduler with pid 0 changes the calling thread
        // only and reads the parameter it is given, which lives across the
        // call.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &idle) } != 0 {
            tracing::debug!(error = %std::io::Error::last_os_error(), "background work keeps the default scheduling class");
        }
    }
}

/// Whether bulk work may use the idle scheduling class: yes unless the
/// environment sets `INNOGRAPH_BULK_IDLE=0` (on a machine busy with other
/// programs, where a bulk ingest in that class would get almost no time;
/// it then runs at the lower priority only), read once.
fn idle_class_allowed() -> bool {
    static ALLOWED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ALLOWED.get_or_init(|| idle_class_setting(std::env::var("INNOGRAPH_BULK_IDLE").ok().as_deref()))
}

/// The setting's value: anything but `0`, `false`, `no` or `off` allows it.
fn idle_class_setting(value: Option<&str>) -> bool {
    !matches!(
        value.map(|v| v.trim().to_ascii_lowercase()).as_deref(),
        Some("0" | "false" | "no" | "off")
    )
}

/// Runs `work`, when the calling thread is in the idle scheduling class,
/// on a pool of threads of that class, so that the parallel iterators
/// inside it (rayon's) run there too rather than on rayon's global pool,
/// whose threads run at the default priority; elsewhere (or without the
/// pool) on the calling thread as it is.
pub fn install<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    match idle_pool() {
        Some(pool) if in_idle_class() => pool.install(work),
        _ => work(),
    }
}

/// Whether the calling thread is in the idle scheduling class.
fn in_idle_class() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sched_getscheduler with pid 0 reads the calling thread's
        // class only
        unsafe { libc::sched_getscheduler(0) == libc::SCHED_IDLE }
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// The pool of idle-class threads parallel background work runs on (one
/// per core and one more, so that a long piece of work, such as a fold's,
/// never holds them all), made on first use; `None` when the system gave
/// no threads.
fn idle_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores + 1)
            .thread_name(|at| format!("innograph-idle-{at}"))
            .start_handler(|_| idle_this_thread())
            .build()
            .inspect_err(|error| tracing::warn!(%error, "parallel background work runs on the default pool"))
            .ok()
    })
    .as_ref()
}

/// Runs `work` on a thread of its own at the lower priority and returns
/// what it returns (a panic in it is resumed here); fails only when the
/// system has no thread to give.
pub fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> crate::Result<T> {
    run_lowered(lower_this_thread, work)
}

/// Runs `work` as [`run`] does, in the idle scheduling class
/// ([`idle_this_thread`]).
pub fn run_idle<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> crate::Result<T> {
    run_lowered(idle_this_thread, work)
}

fn run_lowered<T: Send + 'static>(lower: fn(), work: impl FnOnce() -> T + Send + 'static) -> crate::Result<T> {
    let thread = std::thread::Builder::new()
        .name("innograph-background".into())
        .spawn(move || {
            lower();
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

    #[cfg(target_os = "linux")]
    fn policy() -> i32 {
        // SAFETY: sched_getscheduler with pid 0 reads the calling thread's
        // class only
        unsafe { libc::sched_getscheduler(0) }
    }

    /// The scheduling classes, as `sched_getscheduler` names them.
    #[cfg(target_os = "linux")]
    const DEFAULT_CLASS: i32 = libc::SCHED_OTHER;
    #[cfg(target_os = "linux")]
    const IDLE_CLASS: i32 = libc::SCHED_IDLE;
    #[cfg(not(target_os = "linux"))]
    const DEFAULT_CLASS: i32 = 0;
    #[cfg(not(target_os = "linux"))]
    const IDLE_CLASS: i32 = 0;

    /// Work started by `start` runs at the lower priority in `class`, and
    /// threads it starts inherit both; the caller keeps its own (checked
    /// on Linux).
    fn runs_lowered(start: impl FnOnce(Box<dyn FnOnce() -> i32 + Send>) -> crate::Result<i32>, class: i32) {
        #[cfg(target_os = "linux")]
        let before = (niceness(), policy());
        let answer = start(Box::new(move || {
            #[cfg(target_os = "linux")]
            {
                assert!(niceness() >= NICENESS.min(19), "the background thread is lowered");
                assert_eq!(policy(), class, "in its scheduling class");
                std::thread::spawn(move || {
                    assert!(niceness() >= NICENESS.min(19));
                    assert_eq!(policy(), class);
                })
                .join()
                .unwrap();
            }
            #[cfg(not(target_os = "linux"))]
            let _ = class;
            6 * 7
        }))
        .unwrap();
        assert_eq!(answer, 42);
        #[cfg(target_os = "linux")]
        assert_eq!(
            (niceness(), policy()),
            before,
            "the caller keeps its priority and class"
        );
    }

    #[test]
    fn background_work_runs_lower_and_the_caller_stays_as_it_was() {
        runs_lowered(run, DEFAULT_CLASS);
    }

    #[test]
    fn idle_work_runs_in_the_idle_class_and_the_caller_stays_as_it_was() {
        // the idle class unless INNOGRAPH_BULK_IDLE=0
        runs_lowered(
            run_idle,
            if idle_class_allowed() {
                IDLE_CLASS
            } else {
                DEFAULT_CLASS
            },
        );
    }

    #[test]
    fn the_idle_class_is_turned_off_by_zero_false_no_or_off() {
        for off in ["0", "false", "no", "OFF", " 0 "] {
            assert!(!idle_class_setting(Some(off)), "{off}");
        }
        for on in [None, Some("1"), Some("yes"), Some("")] {
            assert!(idle_class_setting(on), "{on:?}");
        }
    }

    #[test]
    fn parallel_work_of_an_idle_thread_runs_on_idle_threads() {
        use rayon::prelude::*;
        let classes = run_idle(|| {
            install(|| {
                (0..64)
                    .into_par_iter()
                    .map(|_| {
                        #[cfg(target_os = "linux")]
                        return policy();
                        #[cfg(not(target_os = "linux"))]
                        0
                    })
                    .collect::<Vec<i32>>()
            })
        })
        .unwrap();
        #[cfg(target_os = "linux")]
        if idle_class_allowed() {
            assert!(classes.iter().all(|&class| class == IDLE_CLASS), "{classes:?}");
        }
        // elsewhere the work runs as it is
        assert_eq!(install(|| 6 * 7), 42);
    }

    #[test]
    fn a_panic_in_background_work_reaches_the_caller() {
        let result = std::panic::catch_unwind(|| run(|| panic!("inside")));
        assert!(result.is_err());
    }
}
