//! Admission control: at most `limit` requests in flight on this node. Beyond it a request is
//! answered at once with 503 and `Retry-After` instead of waiting in a queue, so the requests
//! that are accepted keep their latency and a client (or balancer) can go elsewhere or come
//! back. Health, readiness and metrics always answer. The number in flight and the refusals are
//! Prometheus metrics.

use prometheus::{IntCounter, IntGauge};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Paths that must answer even when the node is full.
pub fn exempt(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// The node's in-flight counter.
#[derive(Clone)]
pub struct Admission {
    in_flight: Arc<AtomicUsize>,
    limit: usize,
    gauge: IntGauge,
    refused: IntCounter,
}

/// A request's place; given back when dropped (the response is on its way, or the request was
/// abandoned).
pub struct Slot {
    in_flight: Arc<AtomicUsize>,
    gauge: IntGauge,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
        self.gauge.dec();
    }
}

impl Admission {
    /// `limit` 0 admits everything.
    pub fn new(limit: usize, gauge: IntGauge, refused: IntCounter) -> Self {
        Admission {
            in_flight: Arc::new(AtomicUsize::new(0)),
            limit,
            gauge,
            refused,
        }
    }

    /// A slot, or `None` when `limit` requests are already in flight.
    pub fn try_admit(&self) -> Option<Slot> {
        let taken = self.in_flight.fetch_add(1, Ordering::AcqRel);
        if self.limit > 0 && taken >= self.limit {
            self.in_flight.fetch_sub(1, Ordering::AcqRel);
            self.refused.inc();
            return None;
        }
        self.gauge.inc();
        Some(Slot {
            in_flight: self.in_flight.clone(),
            gauge: self.gauge.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(limit: usize) -> Admission {
        Admission::new(
            limit,
            IntGauge::new("t_in_flight", "t").unwrap_or_else(|_| unreachable!()),
            IntCounter::new("t_refused", "t").unwrap_or_else(|_| unreachable!()),
        )
    }

    #[test]
    fn the_limit_is_held_and_slots_come_back() {
        let a = admission(2);
        let one = a.try_admit();
        let two = a.try_admit();
        assert!(one.is_some() && two.is_some());
        assert!(a.try_admit().is_none(), "a third is refused");
        assert_eq!(a.refused.get(), 1);
        assert_eq!(a.gauge.get(), 2);
        drop(one);
        assert!(a.try_admit().is_some(), "a slot given back is free again");
        assert_eq!(a.gauge.get(), 1, "the dropped temporary slot went back too");
    }

    #[test]
    fn zero_admits_everything() {
        let a = admission(0);
        let slots: Vec<_> = (0..1000).filter_map(|_| a.try_admit()).collect();
        assert_eq!(slots.len(), 1000);
    }

    #[test]
    fn probes_and_metrics_are_exempt() {
        assert!(exempt("/healthz") && exempt("/readyz") && exempt("/metrics"));
        assert!(!exempt("/api/v1/orders"));
    }
}
