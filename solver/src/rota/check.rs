//! The independent checker of rotas: [`check`] verifies a week against every rule from the raw
//! inputs ([`Week`]) and recomputes its travel and costs (STYLE.md §7).
//!
//! It shares no code with the search nor with [`rules`](super::rules): it reads the week as
//! the caller gave it, the stretches off the problem lists ([`Problem::offs`], which it
//! recomputes and compares) and the travel sources, and simulates each day naively. Tests use
//! it, and debug builds assert it after each solve.
//!
//! # The rules a rota must meet
//!
//! - **Working days and closed days.** There is one day plan per day a référent has hours and
//!   that is not closed for everyone or for her, référent-major then by day.
//! - **Each item once.** Every visit, every appointment the rota places (not the visits fixed
//!   in the agenda, which are placed through their visit) and every stretch off appears once:
//!   on one day or in `unmet`.
//! - **Windows.** A visit that is not kept exactly starts and ends inside the family's
//!   availability that day, inside the opening hours of its site if it is met at one, inside her
//!   working span that day, on a day open to it.
//! - **Fixed commitments.** A visit kept exactly on a day she works, a visit kept still whose
//!   place the problem found to hold ([`Problem::freed`] lists the others), an appointment and
//!   a stretch off take place at their time, on their référent's day.
//! - **Travel and sequence.** She leaves her base no earlier than her day's start (stretched
//!   for an appointment outside her hours, with the way there) and is back by its end; between
//!   two stops she has the time to drive, and her lunch when she takes it there.
//! - **Lunch.** On a day with stops, when her lunch rule can be met (a stretch off or her hours
//!   overlap her lunch window by its length) and her appointments leave room for it, she takes
//!   a break that leaves her the lunch's length inside the window.
//! - **Reported travel and moves.** Each day's travel is the sum of its legs; a visit kept on a
//!   day she works is in `moved` exactly when it is not on that day.

use super::{
    DAY, DAYS, FIXED_UNMET_MINUTES, Item, Keep, Problem, Rule, Solution, UNMET_MINUTES,
    WAIT_MINUTES, WEIGHTS, Week,
};
use crate::cost::RuleCost;
use crate::units::{Cost, Meters, Minutes};

/// What a rota costs, recomputed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Cost of each soft rule, in [`Rule::ALL`] order.
    pub costs: Vec<RuleCost<Rule>>,
    /// Travel of the week.
    pub travel_minutes: Minutes,
    /// Travel distance of the week.
    pub travel_meters: Meters,
}

/// One way a rota breaks its rules. Days are named by their index in the solution; the French
/// `Display` is meant for developers and coordinators alike.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    /// The day plans are not the working days.
    #[error("la solution a {found} journées pour {expected} journées de travail")]
    DayCount {
        /// Plans given.
        found: usize,
        /// Working days.
        expected: usize,
    },
    /// A day plan is for a day the référent does not work (no hours, closed).
    #[error("journée {index} : la référente {referent} ne travaille pas le jour {day}")]
    NotAWorkingDay {
        /// Index of the plan.
        index: usize,
        /// Its référent.
        referent: usize,
        /// Its day of the week.
        day: usize,
    },
    /// The stretches off listed by the problem are not those of the hours.
    #[error("les plages hors horaires ne sont pas celles des horaires des référentes")]
    Offs,
    /// A plan has not one start per item.
    #[error("journée {day} : {items} arrêts pour {starts} heures de début")]
    Shape {
        /// Index of the plan.
        day: usize,
        /// Items.
        items: usize,
        /// Starts.
        starts: usize,
    },
    /// An item that does not exist, or that the rota does not place itself.
    #[error("{item} inconnu")]
    UnknownItem {
        /// The item.
        item: Item,
    },
    /// An item neither placed nor reported unmet.
    #[error("{item} ni planifié ni signalé")]
    Missing {
        /// The item.
        item: Item,
    },
    /// An item placed or reported more than once.
    #[error("{item} présent {times} fois")]
    Repeated {
        /// The item.
        item: Item,
        /// How many times.
        times: usize,
    },
    /// An item on another référent's day.
    #[error("journée {day} : {item} d'une autre référente")]
    WrongReferent {
        /// Index of the plan.
        day: usize,
        /// The item.
        item: Item,
    },
    /// A visit outside the family's availability, the site's opening hours or her hours.
    #[error(
        "journée {day} : {item} à {start} hors des disponibilités, des heures d'ouverture ou des horaires"
    )]
    OutsideWindows {
        /// Index of the plan.
        day: usize,
        /// The item.
        item: Item,
        /// Its start.
        start: Minutes,
    },
    /// A visit on a day not open to it.
    #[error("journée {day} : {item} un jour qui ne lui est pas ouvert")]
    DayNotOpen {
        /// Index of the plan.
        day: usize,
        /// The item.
        item: Item,
    },
    /// A fixed item not at its time.
    #[error("journée {day} : {item} à {start} au lieu de {fixed}")]
    NotAtItsTime {
        /// Index of the plan.
        day: usize,
        /// The item.
        item: Item,
        /// Its start in the plan.
        start: Minutes,
        /// Its fixed start.
        fixed: Minutes,
    },
    /// She leaves before her day starts or is back after it ends.
    #[error("journée {day} : départ ou retour hors de sa journée")]
    OutsideDay {
        /// Index of the plan.
        day: usize,
    },
    /// Not enough time between two stops (travel, lunch) or an item overlapping the next.
    #[error("journée {day} : pas le temps d'arriver à l'arrêt {position}")]
    TooTight {
        /// Index of the plan.
        day: usize,
        /// Position of the stop reached late (the number of items for the return to base).
        position: usize,
    },
    /// Her lunch is missing or not inside its window.
    #[error("journée {day} : pause déjeuner manquante ou hors de sa plage")]
    Lunch {
        /// Index of the plan.
        day: usize,
    },
    /// The reported travel is not the sum of the legs.
    #[error("journée {day} : trajets annoncés {reported}, recalculés {computed}")]
    Travel {
        /// Index of the plan.
        day: usize,
        /// As reported.
        reported: Minutes,
        /// As recomputed.
        computed: Minutes,
    },
    /// A kept visit moved, or not, unlike what `moved` says.
    #[error("visite {visit} : déplacement mal signalé")]
    Moved {
        /// The visit.
        visit: usize,
    },
}

/// Whether the référent `r` works on day `d` of `week`.
fn works(week: &Week, r: usize, d: usize) -> bool {
    d < week.days()
        && !week.referents[r].hours[d % DAYS].is_empty()
        && !week
            .closed
            .iter()
            .any(|c| c.day == d && (c.referent.is_none() || c.referent == Some(r)))
}

/// Whether `[from, to]` (minutes of the week) lies inside the union of `spans` (minutes of day
/// `d`), touching stretches joined.
fn covered(spans: &[super::Span], d: usize, from: i64, to: i64) -> bool {
    let at = d as i64 * DAY;
    let mut pieces: Vec<(i64, i64)> = spans
        .iter()
        .map(|s| (at + s.start.0, at + s.end.0))
        .collect();
    pieces.sort_unstable();
    let mut joined: Vec<(i64, i64)> = Vec::new();
    for (a, b) in pieces {
        match joined.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => joined.push((a, b)),
        }
    }
    joined.iter().any(|&(a, b)| a <= from && to <= b)
}

/// The longest free stretch of `[from, to]` outside `busy`.
fn room(from: i64, to: i64, busy: &[(i64, i64)]) -> i64 {
    let mut busy = busy.to_vec();
    busy.sort_unstable();
    let (mut at, mut best) = (from, 0);
    for (a, b) in busy {
        best = best.max(a.min(to) - at);
        at = at.max(b);
    }
    best.max(to - at)
}

/// Checks `solution` against every rule of the module documentation.
///
/// # Errors
/// Every [`Violation`] found when the rota breaks a rule.
pub fn check(problem: &Problem<'_>, solution: &Solution) -> Result<Report, Vec<Violation>> {
    let week = problem.week();
    let mut violations = Vec::new();

    // Working days.
    let expected: Vec<(usize, usize)> = (0..week.referents.len())
        .flat_map(|r| (0..week.days()).map(move |d| (r, d)))
        .filter(|&(r, d)| works(week, r, d))
        .collect();
    for (index, plan) in solution.days.iter().enumerate() {
        if plan.referent >= week.referents.len()
            || plan.day >= week.days()
            || !works(week, plan.referent, plan.day)
        {
            violations.push(Violation::NotAWorkingDay {
                index,
                referent: plan.referent,
                day: plan.day,
            });
        }
    }
    let found: Vec<(usize, usize)> = solution.days.iter().map(|p| (p.referent, p.day)).collect();
    if found != expected {
        violations.push(Violation::DayCount {
            found: found.len(),
            expected: expected.len(),
        });
    }
    if !violations.is_empty() {
        return Err(violations);
    }

    // Stretches off: between ranges, but not the first one that holds the lunch.
    let mut offs = Vec::new();
    for (k, &(r, d)) in expected.iter().enumerate() {
        let referent = &week.referents[r];
        let hours = &referent.hours[d % DAYS];
        let gaps: Vec<(i64, i64)> = hours
            .windows(2)
            .map(|w| (w[0].end.0, w[1].start.0))
            .filter(|(a, b)| a < b)
            .collect();
        let lunch_gap = gaps.iter().position(|&(a, b)| match referent.lunch {
            None => true,
            Some(l) => b.min(l.window.end.0) - a.max(l.window.start.0) >= l.minutes.0,
        });
        for (g, &(a, b)) in gaps.iter().enumerate() {
            if Some(g) != lunch_gap {
                offs.push((k, d as i64 * DAY + a, b - a));
            }
        }
    }
    let listed: Vec<(usize, i64, i64)> = problem
        .offs()
        .iter()
        .map(|o| (o.day, o.start.0, o.duration.0))
        .collect();
    if listed != offs {
        return Err(vec![Violation::Offs]);
    }

    // Each item once.
    let mut seen: std::collections::BTreeMap<Item, usize> = std::collections::BTreeMap::new();
    let placed = solution.days.iter().flat_map(|p| p.items.iter().copied());
    for item in placed.chain(solution.unmet.iter().map(|(item, _)| *item)) {
        let known = match item {
            Item::Visit(v) => v < week.visits.len(),
            Item::Off(k) => k < offs.len(),
            Item::Appointment(a) => week.appointments.get(a).is_some_and(|a| !a.is_visit),
        };
        if !known {
            violations.push(Violation::UnknownItem { item });
            continue;
        }
        *seen.entry(item).or_default() += 1;
    }
    let all = (0..week.visits.len())
        .map(Item::Visit)
        .chain((0..offs.len()).map(Item::Off))
        .chain(
            (0..week.appointments.len())
                .filter(|&a| !week.appointments[a].is_visit)
                .map(Item::Appointment),
        );
    for item in all {
        match seen.get(&item).copied().unwrap_or(0) {
            0 => violations.push(Violation::Missing { item }),
            1 => {}
            times => violations.push(Violation::Repeated { item, times }),
        }
    }

    // Each day.
    let day_index = |r: usize, d: usize| expected.iter().position(|&x| x == (r, d));
    let mut travel_minutes = 0;
    let mut travel_meters = 0;
    for (k, plan) in solution.days.iter().enumerate() {
        let (r, d) = (plan.referent, plan.day);
        let referent = &week.referents[r];
        let travel = problem.travel_of(r);
        let base = referent.base;
        let at = d as i64 * DAY;
        if plan.items.len() != plan.starts.len() {
            violations.push(Violation::Shape {
                day: k,
                items: plan.items.len(),
                starts: plan.starts.len(),
            });
            continue;
        }
        let hours = &referent.hours[d % DAYS];
        let (first, last) = (at + hours[0].start.0, at + hours[hours.len() - 1].end.0);
        // Her day, stretched for her appointments of that day.
        let (mut lo, mut hi) = (first, last);
        let mut busy = Vec::new();
        for a in week.appointments.iter().filter(|a| a.referent == r) {
            if a.start.0.div_euclid(DAY) != d as i64 {
                continue;
            }
            let end = a.start.0 + a.duration.0;
            lo = lo.min(a.start.0 - travel.leg(base, a.location).minutes.0);
            hi = hi.max(end + travel.leg(a.location, base).minutes.0);
            busy.push((a.start.0, end));
        }
        // Each stop: (where, start, end).
        let mut stops = Vec::new();
        for (&item, &start) in plan.items.iter().zip(&plan.starts) {
            let (owner, location, duration, fixed) = match item {
                Item::Visit(v) => {
                    let visit = &week.visits[v];
                    let fixed = match visit.keep {
                        Keep::Exact { start } => {
                            let kept =
                                usize::try_from(start.0.div_euclid(DAY)).unwrap_or(usize::MAX);
                            (kept < week.days() && works(week, visit.referent, kept))
                                .then_some(start)
                        }
                        // Whether its place holds is the problem's decision; held, it is at
                        // its start.
                        Keep::Still { start } if problem.is_held(v) => Some(start),
                        _ => None,
                    };
                    (visit.referent, visit.location, visit.duration, fixed)
                }
                Item::Off(o) => {
                    let (day, start, minutes) = offs[o];
                    let (owner, _) = expected[day];
                    let fixed = if day == k {
                        Minutes(start)
                    } else {
                        Minutes(-1)
                    };
                    (owner, base, Minutes(minutes), Some(fixed))
                }
                Item::Appointment(a) => {
                    let a = &week.appointments[a];
                    (a.referent, a.location, a.duration, Some(a.start))
                }
            };
            if owner != r {
                violations.push(Violation::WrongReferent { day: k, item });
            }
            let end = start.0 + duration.0;
            match (fixed, item) {
                (Some(fixed), _) if fixed != start => violations.push(Violation::NotAtItsTime {
                    day: k,
                    item,
                    start,
                    fixed,
                }),
                (Some(_), _) | (None, Item::Off(_) | Item::Appointment(_)) => {}
                (None, Item::Visit(v)) => {
                    let visit = &week.visits[v];
                    let in_site = visit.site.is_none_or(|s| {
                        week.sites
                            .get(s)
                            .is_some_and(|site| covered(&site.opening[d % DAYS], d, start.0, end))
                    });
                    if !covered(&visit.available[d % DAYS], d, start.0, end)
                        || !in_site
                        || start.0 < first
                        || end > last
                    {
                        violations.push(Violation::OutsideWindows {
                            day: k,
                            item,
                            start,
                        });
                    }
                    if visit.days.as_ref().is_some_and(|days| !days.contains(&d)) {
                        violations.push(Violation::DayNotOpen { day: k, item });
                    }
                }
            }
            stops.push((location, start.0, end));
        }
        if plan.items.is_empty() {
            if plan.travel_minutes != Minutes::ZERO || plan.travel_meters != Meters::ZERO {
                violations.push(Violation::Travel {
                    day: k,
                    reported: plan.travel_minutes,
                    computed: Minutes::ZERO,
                });
            }
            continue;
        }
        if plan.leave.0 < lo || plan.back.0 > hi {
            violations.push(Violation::OutsideDay { day: k });
        }
        // Lunch: must she take it, and where is it.
        let mut lunch_slot = None;
        if let Some(rule) = referent.lunch {
            let (ws, we, m) = (
                at + rule.window.start.0,
                at + rule.window.end.0,
                rule.minutes.0,
            );
            let gaps: Vec<(i64, i64)> = hours
                .windows(2)
                .map(|w| (at + w[0].end.0, at + w[1].start.0))
                .filter(|(a, b)| a < b)
                .collect();
            let gap = gaps.iter().find(|&&(a, b)| b.min(we) - a.max(ws) >= m);
            let (from, to, length) = match gap {
                Some(&(a, b)) => (a, b, b - a),
                None => (ws.max(first), we.min(last), m),
            };
            let possible = to - from >= m;
            let blocked = !busy.is_empty() && room(from, to, &busy) < length;
            match plan.lunch {
                Some(t) => {
                    let from = t.0.max(ws);
                    if from + m > we {
                        violations.push(Violation::Lunch { day: k });
                    }
                    lunch_slot = Some((t.0, from + m - t.0));
                }
                None if possible && !blocked => violations.push(Violation::Lunch { day: k }),
                None => {}
            }
        }
        // Sequence: leave, stops, back, with the lunch where it falls.
        let mut ready = plan.leave.0;
        let mut here = base;
        let mut computed = (0, 0);
        for (position, &(location, start, end)) in stops
            .iter()
            .chain(std::iter::once(&(base, plan.back.0, plan.back.0)))
            .enumerate()
        {
            let leg = travel.leg(here, location);
            computed.0 += leg.minutes.0;
            computed.1 += leg.meters.0;
            let mut arrive = ready + leg.minutes.0;
            if let Some((t, length)) = lunch_slot
                && t >= ready
                && t < start
            {
                arrive = arrive.max(t + length + leg.minutes.0);
            }
            if arrive > start {
                violations.push(Violation::TooTight { day: k, position });
            }
            ready = end;
            here = location;
        }
        if let Some((t, _)) = lunch_slot
            && (t < plan.leave.0 || t > plan.back.0)
        {
            violations.push(Violation::Lunch { day: k });
        }
        if (Minutes(computed.0), Meters(computed.1)) != (plan.travel_minutes, plan.travel_meters) {
            violations.push(Violation::Travel {
                day: k,
                reported: plan.travel_minutes,
                computed: Minutes(computed.0),
            });
        }
        travel_minutes += computed.0;
        travel_meters += computed.1;
    }

    // Moves of the visits kept on a day.
    for (v, visit) in week.visits.iter().enumerate() {
        let Keep::Day(d) = visit.keep else { continue };
        let Some(k) = day_index(visit.referent, d) else {
            continue;
        };
        let stayed = solution.days[k].items.contains(&Item::Visit(v));
        if stayed == solution.moved.contains(&v) {
            violations.push(Violation::Moved { visit: v });
        }
    }
    if !violations.is_empty() {
        return Err(violations);
    }

    // Costs.
    let travel = WEIGHTS.per_minute * travel_minutes + WEIGHTS.per_meter * travel_meters;
    let left_out: i64 = solution
        .unmet
        .iter()
        .map(|&(item, _)| {
            let minutes = match item {
                Item::Visit(v) => {
                    let visit = &week.visits[v];
                    let exact = matches!(visit.keep, Keep::Exact { start }
                        if usize::try_from(start.0.div_euclid(DAY))
                            .is_ok_and(|d| d < week.days() && works(week, visit.referent, d)))
                        || problem.is_held(v);
                    if exact {
                        FIXED_UNMET_MINUTES
                    } else if visit.can_wait {
                        WAIT_MINUTES + visit.priority.max(0)
                    } else {
                        UNMET_MINUTES + visit.priority.max(0)
                    }
                }
                Item::Off(_) | Item::Appointment(_) => FIXED_UNMET_MINUTES,
            };
            WEIGHTS.per_minute * minutes
        })
        .sum();
    Ok(Report {
        costs: vec![
            RuleCost::new(Rule::Travel, Cost(travel)),
            RuleCost::new(Rule::LeftOut, Cost(left_out)),
        ],
        travel_minutes: Minutes(travel_minutes),
        travel_meters: Meters(travel_meters),
    })
}
