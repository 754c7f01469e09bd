//! Today's practice, so that the gain is measured rather than claimed: each référent takes her
//! due visits in the order given (family-code order) and puts each on the earliest working day
//! and earliest time where the family is available and it fits, without moving what she has
//! already placed. Fixed appointments are placed first. Same travel model and constraints as
//! the optimised rota; the routes it produces are scheduled and measured by the same checker.

use super::{Hold, Problem, Solution, Stats, day_plans, empty_days, finish};
use crate::ids::LocationIdx;
use crate::limits::StopReason;
use crate::routing::Route;
use crate::travel::TravelTimes;
use crate::unmet::UnmetReason;

/// A placed stop: visit, start, end, location.
#[derive(Debug, Clone, Copy)]
struct Placed {
    visit: usize,
    start: i64,
    end: i64,
    at: LocationIdx,
}

/// One day being filled by hand.
struct DayFill<'a> {
    day: usize,
    base: LocationIdx,
    hours: (i64, i64),
    lunch: Option<(i64, i64, i64)>,
    travel: &'a dyn TravelTimes,
    stops: Vec<Placed>,
}

impl DayFill<'_> {
    fn minutes(&self, from: LocationIdx, to: LocationIdx) -> i64 {
        self.travel.leg(from, to).minutes.0
    }

    /// The gaps between stops: (previous end, previous place, next start, next place).
    fn gaps(&self) -> Vec<(i64, LocationIdx, i64, LocationIdx)> {
        let mut gaps = Vec::with_capacity(self.stops.len() + 1);
        let (mut end, mut at) = (self.hours.0, self.base);
        for s in &self.stops {
            gaps.push((end, at, s.start, s.at));
            (end, at) = (s.end, s.at);
        }
        gaps.push((end, at, self.hours.1, self.base));
        gaps
    }

    /// The gap where lunch fits, if it does (after how many stops).
    fn lunch_gap(&self) -> Option<usize> {
        let Some((open, close, length)) = self.lunch else {
            return Some(0);
        };
        self.gaps().iter().position(|&(end, from, next, to)| {
            let latest_leave = next - self.minutes(from, to);
            end.max(open) <= close && end.max(open) + length <= latest_leave
        })
    }

    /// The earliest start of `visit` lasting `duration` at `at` within `windows`, fitting
    /// between the stops already placed and leaving room for lunch.
    fn earliest(
        &mut self,
        visit: usize,
        at: LocationIdx,
        duration: i64,
        windows: &[crate::routing::TimeWindow],
    ) -> Option<i64> {
        for (i, (end, from, next, to)) in self.gaps().into_iter().enumerate() {
            let arrive = end + self.minutes(from, at);
            // Straight there; or, when that leaves no room for lunch, lunch first, then there.
            let after_lunch = self
                .lunch
                .map(|(open, _, length)| end.max(open) + length + self.minutes(from, at));
            for w in windows {
                for earliest in [Some(arrive), after_lunch].into_iter().flatten() {
                    let start = earliest.max(w.start.0);
                    if start > w.end.0 || start + duration + self.minutes(at, to) > next {
                        continue;
                    }
                    let placed = Placed {
                        visit,
                        start,
                        end: start + duration,
                        at,
                    };
                    self.stops.insert(i, placed);
                    if self.lunch_gap().is_some() {
                        return Some(start);
                    }
                    self.stops.remove(i);
                }
            }
        }
        None
    }
}

/// The first-fit week of every référent. Never fails: what does not fit is in
/// [`Solution::unmet`] with its reason.
pub fn solve(problem: &Problem<'_>) -> Solution {
    let mut days = empty_days(problem);
    let mut unmet = Vec::new();
    for r in 0..problem.week().referents.len() {
        let sub = &problem.subs[r].0;
        unmet.extend(sub.unmet.iter().copied());
        if sub.routing.is_none() {
            continue;
        }
        let travel = problem.travel_of(r);
        let mut fills: Vec<DayFill<'_>> = sub
            .days
            .iter()
            .map(|&d| {
                let day = &problem.days()[d];
                DayFill {
                    day: d,
                    base: problem.week().referents[r].base,
                    hours: (day.hours.start.0, day.hours.end.0),
                    lunch: day
                        .lunch
                        .map(|b| (b.window.start.0, b.window.end.0, b.duration.0)),
                    travel,
                    stops: Vec::new(),
                }
            })
            .collect();
        fills.sort_by_key(|f| f.hours.0);
        // Fixed appointments first, then visits in the order given.
        let mut order: Vec<usize> = sub.tasks.clone();
        order.sort_by_key(|&t| !matches!(problem.tasks()[t].hold, Hold::Exact { .. }));
        for t in order {
            let task = &problem.tasks()[t];
            let placed = fills.iter_mut().any(|fill| {
                let windows = problem.start_windows(t, fill.day);
                fill.earliest(t, task.location, task.duration.0, &windows)
                    .is_some()
            });
            if !placed {
                let reason = if matches!(task.hold, Hold::Exact { .. }) {
                    UnmetReason::FixedClash
                } else {
                    problem.no_room_reason(t)
                };
                unmet.push((t, reason));
            }
        }
        // The same routes, measured by the engine's checker.
        let local = |t: usize| {
            sub.tasks
                .iter()
                .position(|&x| x == t)
                .expect("BUG: a placed visit belongs to the subproblem")
        };
        let mut routes = vec![Route::default(); sub.days.len()];
        let mut placed = vec![false; sub.tasks.len()];
        for fill in &fills {
            let k = sub
                .days
                .iter()
                .position(|&d| d == fill.day)
                .expect("BUG: a day of the référent");
            routes[k].visits = fill.stops.iter().map(|s| local(s.visit)).collect();
            for &l in &routes[k].visits {
                placed[l] = true;
            }
            if fill.lunch.is_some() && !fill.stops.is_empty() {
                routes[k].break_after = fill.lunch_gap();
            }
        }
        let unassigned: Vec<usize> = (0..sub.tasks.len()).filter(|&l| !placed[l]).collect();
        for (d, plan) in day_plans(problem, sub, &routes, &unassigned) {
            days[d] = plan;
        }
    }
    finish(
        problem,
        days,
        unmet,
        Vec::new(),
        Stats::default(),
        StopReason::NoImprovement,
    )
}
