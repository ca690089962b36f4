//! Failed sign-ins per client address, in memory: a sliding window that slows password
//! guessing across many accounts. (Per-account locking lives in the database.)

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct SigninLimiter {
    max: usize,
    window: Duration,
    failures: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

impl SigninLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        SigninLimiter {
            max,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn with_map<T>(&self, f: impl FnOnce(&mut HashMap<IpAddr, Vec<Instant>>) -> T) -> T {
        let mut guard = match self.failures.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Whether this address has used up its failures for the window.
    pub fn is_blocked(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        self.with_map(|m| {
            let list = m.entry(ip).or_default();
            list.retain(|t| now.duration_since(*t) < self.window);
            list.len() >= self.max
        })
    }

    pub fn record_failure(&self, ip: IpAddr) {
        let now = Instant::now();
        self.with_map(|m| {
            // Forget idle addresses so the map cannot grow without bound.
            if m.len() > 10_000 {
                m.retain(|_, l| l.iter().any(|t| now.duration_since(*t) < self.window));
            }
            m.entry(ip).or_default().push(now);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures() {
        let l = SigninLimiter::new(3, Duration::from_secs(60));
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..3 {
            assert!(!l.is_blocked(ip));
            l.record_failure(ip);
        }
        assert!(l.is_blocked(ip));
        assert!(!l.is_blocked([10, 0, 0, 2].into()));
    }
}
