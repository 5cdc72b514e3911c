//! The crash policy for one server: how long to wait before the next start, and when
//! to stop trying.
//!
//! Each crash in a row doubles the wait (`backoff_initial_ms`, up to `backoff_max_s`);
//! a run of at least `stable_after_s` before a crash starts the count over; after
//! `crash_limit` crashes in a row the breaker opens and the vendor is `failed` until a
//! person restarts it. A remote server (a self-hosted HTTP one, the team gateway) is
//! never given up on: a network that is down comes back on its own, so it keeps
//! backing off at the longest wait and the next call after it tries again. Pure: times
//! are passed in.

use std::time::Duration;

use tokio::time::Instant;

use crate::config::SupervisorSettings;

/// What to do after a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Start again, but not before `until`.
    BackOff { until: Instant },
    /// Too many crashes in a row: stop trying until a person restarts it.
    Open,
}

#[derive(Debug, Default)]
pub struct Breaker {
    crashes_in_a_row: u32,
    /// Every crash since the actor started, for `status`.
    restarts: u32,
    backoff_until: Option<Instant>,
    /// Reached over the network: the breaker never opens.
    remote: bool,
}

impl Breaker {
    /// A crash at `now`, after running for `ran_for` (`None`: it never came up).
    pub fn crashed(
        &mut self,
        ran_for: Option<Duration>,
        now: Instant,
        policy: &SupervisorSettings,
    ) -> Verdict {
        let stable = ran_for.is_some_and(|d| d >= policy.stable_after());
        self.crashes_in_a_row = if stable { 1 } else { self.crashes_in_a_row + 1 };
        self.restarts += 1;
        if self.crashes_in_a_row >= policy.crash_limit && !self.remote {
            return Verdict::Open;
        }
        let until = now + policy.backoff(self.crashes_in_a_row);
        self.backoff_until = Some(until);
        Verdict::BackOff { until }
    }

    /// Whether the server is reached over the network (set at each start).
    pub fn set_remote(&mut self, remote: bool) {
        self.remote = remote;
    }

    pub fn remote(&self) -> bool {
        self.remote
    }

    /// A person restarted it, or its connection changed: start afresh.
    pub fn reset(&mut self) {
        self.crashes_in_a_row = 0;
        self.backoff_until = None;
    }

    /// When the next start may happen, if that is after `now`.
    pub fn waiting_until(&self, now: Instant) -> Option<Instant> {
        self.backoff_until.filter(|until| *until > now)
    }

    /// The wait is over (a start begins).
    pub fn clear_wait(&mut self) {
        self.backoff_until = None;
    }

    /// The end of the current wait, for the actor's timer.
    pub fn wake_at(&self) -> Option<Instant> {
        self.backoff_until
    }

    pub fn crashes_in_a_row(&self) -> u32 {
        self.crashes_in_a_row
    }

    pub fn restarts(&self) -> u32 {
        self.restarts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> SupervisorSettings {
        SupervisorSettings {
            backoff_initial_ms: 100,
            backoff_max_s: 1,
            crash_limit: 5,
            stable_after_s: 60,
            ..SupervisorSettings::default()
        }
    }

    #[test]
    fn each_crash_in_a_row_doubles_the_wait_up_to_the_cap_then_the_breaker_opens() {
        let p = policy();
        let now = Instant::now();
        let mut b = Breaker::default();
        let waits: Vec<Verdict> = (0..5).map(|_| b.crashed(None, now, &p)).collect();
        let ms = |ms| Verdict::BackOff {
            until: now + Duration::from_millis(ms),
        };
        assert_eq!(waits, [ms(100), ms(200), ms(400), ms(800), Verdict::Open]);
        assert_eq!((b.crashes_in_a_row(), b.restarts()), (5, 5));
    }

    #[test]
    fn a_remote_server_keeps_backing_off_at_the_cap_and_never_opens() {
        let p = policy();
        let now = Instant::now();
        let mut b = Breaker::default();
        b.set_remote(true);
        let verdicts: Vec<Verdict> = (0..20).map(|_| b.crashed(None, now, &p)).collect();
        assert!(
            verdicts
                .iter()
                .all(|v| matches!(v, Verdict::BackOff { .. }))
        );
        assert_eq!(
            verdicts.last(),
            Some(&Verdict::BackOff {
                until: now + Duration::from_secs(1)
            })
        );
        // The same count on a local server opens the breaker.
        b.set_remote(false);
        assert_eq!(b.crashed(None, now, &p), Verdict::Open);
    }

    #[test]
    fn the_wait_never_passes_the_cap() {
        let p = SupervisorSettings {
            crash_limit: 50,
            ..policy()
        };
        let now = Instant::now();
        let mut b = Breaker::default();
        for _ in 0..30 {
            b.crashed(None, now, &p);
        }
        assert_eq!(b.wake_at(), Some(now + Duration::from_secs(1)));
    }

    #[test]
    fn a_stable_run_starts_the_count_over() {
        let p = policy();
        let now = Instant::now();
        let mut b = Breaker::default();
        for _ in 0..4 {
            b.crashed(Some(Duration::from_secs(1)), now, &p);
        }
        assert_eq!(b.crashes_in_a_row(), 4);
        let v = b.crashed(Some(Duration::from_secs(60)), now, &p);
        assert_eq!(
            v,
            Verdict::BackOff {
                until: now + Duration::from_millis(100)
            }
        );
        assert_eq!((b.crashes_in_a_row(), b.restarts()), (1, 5));
    }

    #[test]
    fn a_reset_forgets_the_crashes_but_not_the_restart_count() {
        let p = policy();
        let now = Instant::now();
        let mut b = Breaker::default();
        for _ in 0..5 {
            b.crashed(None, now, &p);
        }
        b.reset();
        assert_eq!((b.crashes_in_a_row(), b.restarts()), (0, 5));
        assert_eq!(b.waiting_until(now), None);
        assert!(matches!(b.crashed(None, now, &p), Verdict::BackOff { .. }));
    }

    #[test]
    fn the_wait_is_over_once_its_time_has_come() {
        let p = policy();
        let now = Instant::now();
        let mut b = Breaker::default();
        b.crashed(None, now, &p);
        let until = now + Duration::from_millis(100);
        assert_eq!(b.waiting_until(now), Some(until));
        assert_eq!(b.waiting_until(until), None);
        b.clear_wait();
        assert_eq!(b.wake_at(), None);
    }
}
