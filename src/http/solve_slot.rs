//! The server's one-solve-at-a-time slot (STYLE.md §2: a solve is CPU-bound and the machine has
//! two cores). Every solve the server runs goes through it, on a blocking thread, inside the
//! span of whoever asked for it (the request, or the plan job): a coordinator's plan job and a
//! référent's visit report alike.
//!
//! Two priorities, so that a long plan cannot starve a report (issue 14): a report's re-plan
//! ([`SolveSlot::urgent`], a référent waits for it within the request timeout) takes the slot
//! before any plan job waiting for it, and a plan job holding the slot gives way: its solve is
//! stopped through its cancel flag, the report runs, and the job is told it gave way
//! ([`Solved::GaveWay`]) so that it solves again from the start once the slot is free. The same
//! input, seed and budget give the same plan (STYLE.md §8), so a plan that gave way ends as it
//! would have; it only ends later, ahead of the plan jobs that came after it. Plan jobs among
//! themselves, and reports among themselves, take the slot in the order they asked for it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::Notify;
use tokio::task::JoinError;

/// What a plan job's solve came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Solved<T> {
    /// It ran to its end (or to its own cancellation): its result.
    Done(T),
    /// It was stopped to let a report run: its result is discarded, solve again.
    GaveWay,
}

/// The slot; share it behind an [`Arc`].
#[derive(Debug, Default)]
pub struct SolveSlot {
    state: Mutex<State>,
    /// Wakes the waiters whenever the slot is released or a waiter leaves the queue.
    changed: Notify,
}

#[derive(Debug, Default)]
struct State {
    next_ticket: u64,
    /// Reports waiting, in order.
    urgent: VecDeque<u64>,
    /// Plan jobs waiting, in order.
    background: VecDeque<u64>,
    holder: Option<Holder>,
}

#[derive(Debug)]
struct Holder {
    /// The flag that stops a plan job's solve; `None` for a report.
    stop: Option<Arc<AtomicBool>>,
    /// Whether a report stopped it.
    gave_way: bool,
}

impl SolveSlot {
    /// A free slot.
    pub fn new() -> SolveSlot {
        SolveSlot::default()
    }

    /// Runs a report's `solve` on a blocking thread, in the current span, as soon as the slot is
    /// free of any other report, stopping a plan job that holds it.
    ///
    /// # Errors
    /// When `solve` panics.
    pub async fn urgent<T: Send + 'static>(
        self: &Arc<Self>,
        solve: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, JoinError> {
        let turn = self.take(None, false).await;
        let (value, _) = turn.run(solve).await?;
        Ok(value)
    }

    /// Runs a plan job's `solve` on a blocking thread, in the current span, once no report
    /// waits and the plan jobs before it are done. A report that comes meanwhile sets `stop`
    /// (the flag `solve` must stop at) and the answer is then [`Solved::GaveWay`]. A job that
    /// solves `again` after it gave way goes before the plan jobs waiting: it had the slot
    /// first.
    ///
    /// # Errors
    /// When `solve` panics.
    pub async fn plan_job<T: Send + 'static>(
        self: &Arc<Self>,
        stop: Arc<AtomicBool>,
        again: bool,
        solve: impl FnOnce() -> T + Send + 'static,
    ) -> Result<Solved<T>, JoinError> {
        let turn = self.take(Some(stop), again).await;
        let (value, gave_way) = turn.run(solve).await?;
        Ok(if gave_way {
            Solved::GaveWay
        } else {
            Solved::Done(value)
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a few queues, consistent after every statement: a panic elsewhere
        // leaves it usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for the slot: a report when it is the first report waiting, a plan job when no
    /// report waits and it is the first plan job waiting (`first`: it goes before the others).
    async fn take(self: &Arc<Self>, stop: Option<Arc<AtomicBool>>, first: bool) -> Turn {
        let urgent = stop.is_none();
        let asked = Instant::now();
        let ticket = {
            let mut state = self.lock();
            let ticket = state.next_ticket;
            state.next_ticket += 1;
            if urgent {
                state.urgent.push_back(ticket);
                if let Some(holder) = &mut state.holder
                    && let Some(flag) = &holder.stop
                    && !holder.gave_way
                {
                    flag.store(true, Ordering::Relaxed);
                    holder.gave_way = true;
                    tracing::debug!("a report stops the plan job holding the solve slot");
                }
            } else if first {
                state.background.push_front(ticket);
            } else {
                state.background.push_back(ticket);
            }
            ticket
        };
        let mut waiting = Waiting {
            slot: self,
            ticket,
            queued: true,
        };
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut state = self.lock();
                let first = if urgent {
                    state.urgent.front() == Some(&ticket)
                } else {
                    state.urgent.is_empty() && state.background.front() == Some(&ticket)
                };
                if state.holder.is_none() && first {
                    if urgent {
                        state.urgent.pop_front();
                    } else {
                        state.background.pop_front();
                    }
                    state.holder = Some(Holder {
                        stop,
                        gave_way: false,
                    });
                    waiting.queued = false;
                    break;
                }
            }
            notified.await;
        }
        tracing::debug!(
            urgent,
            waited_ms = asked.elapsed().as_millis() as u64,
            "solve slot taken"
        );
        Turn {
            slot: Arc::clone(self),
            released: false,
        }
    }

    /// Frees the slot; whether a report stopped its holder.
    fn release(&self) -> bool {
        let gave_way = self.lock().holder.take().is_some_and(|h| h.gave_way);
        self.changed.notify_waiters();
        gave_way
    }
}

/// A place in the queue, left if the waiter is dropped (a request cut by its timeout).
struct Waiting<'a> {
    slot: &'a SolveSlot,
    ticket: u64,
    queued: bool,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if self.queued {
            let mut state = self.slot.lock();
            state.urgent.retain(|t| *t != self.ticket);
            state.background.retain(|t| *t != self.ticket);
            drop(state);
            self.slot.changed.notify_waiters();
        }
    }
}

/// The slot, held: released when the solve ends, even if it panics or its caller stopped
/// waiting for it (the solve's thread keeps it until then).
struct Turn {
    slot: Arc<SolveSlot>,
    released: bool,
}

impl Turn {
    /// Runs `solve` on a blocking thread in the current span, then frees the slot; the value,
    /// and whether a report stopped it.
    async fn run<T: Send + 'static>(
        mut self,
        solve: impl FnOnce() -> T + Send + 'static,
    ) -> Result<(T, bool), JoinError> {
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let value = solve();
            self.released = true;
            let gave_way = self.slot.release();
            (value, gave_way)
        })
        .await
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if !self.released {
            self.slot.release();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use super::*;

    /// A plan job's solve: runs until its flag is set (at most a minute), tells `started` when
    /// it runs; whether it was stopped.
    fn long_solve(
        stop: Arc<AtomicBool>,
        started: tokio::sync::oneshot::Sender<()>,
    ) -> impl FnOnce() -> bool + Send + 'static {
        move || {
            let _ = started.send(());
            let until = Instant::now() + Duration::from_secs(60);
            while !stop.load(Ordering::Relaxed) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(1));
            }
            stop.load(Ordering::Relaxed)
        }
    }

    #[tokio::test]
    async fn a_report_stops_the_plan_job_holding_the_slot_which_is_told_to_solve_again() {
        // Arrange: a plan job's long solve holds the slot.
        let slot = Arc::new(SolveSlot::new());
        let stop = Arc::new(AtomicBool::new(false));
        let (started, running) = tokio::sync::oneshot::channel();
        let job = tokio::spawn({
            let slot = slot.clone();
            let stop = stop.clone();
            async move {
                slot.plan_job(stop.clone(), false, long_solve(stop, started))
                    .await
            }
        });
        running.await.unwrap();

        // Act: a report asks for the slot.
        let report = slot.urgent(|| "rapport").await.unwrap();

        // Assert: it ran, and the plan job gave way instead of returning a cut-short plan.
        assert_eq!(report, "rapport");
        assert!(stop.load(Ordering::Relaxed));
        assert_eq!(job.await.unwrap().unwrap(), Solved::GaveWay);
        // The slot is free again: a plan job that is not disturbed runs to its end.
        let fresh = Arc::new(AtomicBool::new(false));
        assert_eq!(
            slot.plan_job(fresh, true, || 42).await.unwrap(),
            Solved::Done(42)
        );
    }

    #[tokio::test]
    async fn one_solve_runs_at_a_time_and_waiting_reports_go_before_waiting_plan_jobs() {
        // Arrange: a report holds the slot while three plan jobs and then a second report ask.
        let slot = Arc::new(SolveSlot::new());
        let running = Arc::new(AtomicUsize::new(0));
        let order = Arc::new(Mutex::new(Vec::new()));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, first_running) = tokio::sync::oneshot::channel();
        let first = tokio::spawn({
            let slot = slot.clone();
            async move {
                slot.urgent(move || {
                    let _ = started.send(());
                    hold.recv().unwrap();
                })
                .await
            }
        });
        first_running.await.unwrap();
        let solve = |name: &'static str| {
            let running = running.clone();
            let order = order.clone();
            move || {
                assert_eq!(
                    running.fetch_add(1, Ordering::SeqCst),
                    0,
                    "two solves at once"
                );
                order.lock().unwrap().push(name);
                running.fetch_sub(1, Ordering::SeqCst);
            }
        };
        let mut jobs = Vec::new();
        for name in ["plan 1", "plan 2", "plan 3"] {
            let job_slot = slot.clone();
            let solve = solve(name);
            jobs.push(tokio::spawn(async move {
                job_slot
                    .plan_job(Arc::default(), false, solve)
                    .await
                    .map(|_| ())
            }));
            // Each asks before the next: wait until it is queued.
            while slot.lock().background.len() < jobs.len() {
                tokio::task::yield_now().await;
            }
        }
        let second = tokio::spawn({
            let slot = slot.clone();
            let solve = solve("rapport 2");
            async move { slot.urgent(solve).await }
        });
        while slot.lock().urgent.is_empty() {
            tokio::task::yield_now().await;
        }

        // Act
        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        second.await.unwrap().unwrap();
        for job in jobs {
            job.await.unwrap().unwrap();
        }

        // Assert
        assert_eq!(
            *order.lock().unwrap(),
            ["rapport 2", "plan 1", "plan 2", "plan 3"]
        );
    }

    #[tokio::test]
    async fn a_waiter_that_gives_up_leaves_the_queue_and_the_slot_serves_the_next() {
        let slot = Arc::new(SolveSlot::new());
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, first_running) = tokio::sync::oneshot::channel();
        let first = tokio::spawn({
            let slot = slot.clone();
            async move {
                slot.urgent(move || {
                    let _ = started.send(());
                    hold.recv().unwrap();
                })
                .await
            }
        });
        first_running.await.unwrap();
        // A report that waits, then is given up (its request timed out).
        let given_up = tokio::spawn({
            let slot = slot.clone();
            async move { slot.urgent(|| ()).await }
        });
        while slot.lock().urgent.is_empty() {
            tokio::task::yield_now().await;
        }
        given_up.abort();
        let _ = given_up.await;
        assert!(slot.lock().urgent.is_empty());

        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        assert_eq!(
            slot.plan_job(Arc::default(), false, || "plan")
                .await
                .unwrap(),
            Solved::Done("plan")
        );
    }
}
