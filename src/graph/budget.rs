//! The bounds of a traversal: how many adjacency entries it may examine and
//! for how long it may run. A traversal that reaches either stops and says
//! so, as a `truncated` answer or as [`Error::BudgetExceeded`] naming the
//! bound.

use std::time::{Duration, Instant};

use crate::Error;

/// Limits of one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Adjacency entries (a node's relations, one each) a query may examine.
    pub max_visits: usize,
    /// Wall time a query may take.
    pub max_time: Duration,
}

impl Budget {
    /// The bounds of path queries.
    pub const PATHS: Budget = Budget {
        max_visits: 20_000_000,
        max_time: Duration::from_secs(2),
    };
    /// The bounds of neighbourhood queries.
    pub const NEIGHBORS: Budget = Budget {
        max_visits: 5_000_000,
        max_time: Duration::from_secs(2),
    };
}

/// Which bound a traversal reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    Visits,
    Time,
}

/// Counts a traversal's work against its [`Budget`].
#[derive(Debug)]
pub(crate) struct Meter {
    budget: Budget,
    started: Instant,
    visits: usize,
    /// Visit count at which the clock is read next.
    next_clock: usize,
    reached: Option<Bound>,
}

/// Visits between two readings of the clock.
const CLOCK_EVERY: usize = 16_384;

impl Meter {
    pub(crate) fn new(budget: Budget) -> Meter {
        Meter {
            budget,
            started: Instant::now(),
            visits: 0,
            next_clock: CLOCK_EVERY,
            reached: None,
        }
    }

    /// Counts `count` more visits; returns false once a bound is reached.
    #[inline]
    pub(crate) fn spend(&mut self, count: usize) -> bool {
        if self.reached.is_some() {
            return false;
        }
        self.visits += count;
        if self.visits > self.budget.max_visits {
            self.reached = Some(Bound::Visits);
            return false;
        }
        if self.visits >= self.next_clock {
            self.next_clock = self.visits + CLOCK_EVERY;
            if self.started.elapsed() > self.budget.max_time {
                self.reached = Some(Bound::Time);
                return false;
            }
        }
        true
    }

    pub(crate) fn exhausted(&self) -> bool {
        self.reached.is_some()
    }

    pub(crate) fn visits(&self) -> usize {
        self.visits
    }

    /// The error naming the bound that was reached (visits if none was).
    pub(crate) fn error(&self) -> Error {
        match self.reached {
            Some(Bound::Time) => Error::BudgetExceeded {
                bound: "time".into(),
                limit: format!("{} ms", self.budget.max_time.as_millis()),
            },
            _ => Error::BudgetExceeded {
                bound: "visited nodes".into(),
                limit: self.budget.max_visits.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visits_bound() {
        let mut meter = Meter::new(Budget {
            max_visits: 10,
            max_time: Duration::from_secs(60),
        });
        assert!(meter.spend(10));
        assert!(!meter.spend(1));
        assert!(meter.exhausted());
        assert!(!meter.spend(0), "stays exhausted");
        let error = meter.error();
        assert_eq!(error.code(), "budget_exceeded");
        assert_eq!(error.status(), 422);
        assert!(error.to_string().contains("visited nodes"), "{error}");
    }

    #[test]
    fn time_bound() {
        let mut meter = Meter::new(Budget {
            max_visits: usize::MAX,
            max_time: Duration::ZERO,
        });
        std::thread::sleep(Duration::from_millis(2));
        assert!(!meter.spend(CLOCK_EVERY));
        assert!(meter.error().to_string().contains("time"));
    }
}
