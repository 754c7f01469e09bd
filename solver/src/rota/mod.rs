//! The weekly rota: which day, which time and in what order each référent makes her visits
//! (built on the routing engine), and the first-fit [`baseline`] a team builds by hand.
//!
//! The rota receives the week as raw data ([`Week`]): each référent's working hours per day
//! and lunch rule, the days closed (public holidays, absences), each family's availability per
//! day and the opening hours of the neutral site where it is met, the appointments fixed in
//! the agenda. It applies the rules itself ([`rules`]): which days she works, the stretches off
//! between her ranges of hours, her lunch break, her day stretched for an evening meeting, the
//! windows where family, site and référent meet. Who decides which days are closed is the
//! caller's business; the rota only reads the list.
//!
//! Times are minutes from the Monday 00:00 of the week, local wall-clock time; times of one day
//! ([`Span`]) are minutes from its midnight. A rota may plan several weeks at once
//! ([`Week::weeks`]): days then run from the first Monday (day 7 is the second Monday), the
//! weekly patterns of hours, availability and opening repeat, and closed days, appointments and
//! the days open to a visit ([`Visit::days`]) are given over the whole span. Once families are assigned, référents share
//! nothing, so the week splits into one routing problem per référent: her working days are the
//! vehicles, her visits the visits, her travel mode the matrix. Each gets a share of the time
//! limit proportional to its visits and a seed derived from `(seed, référent)`.

pub mod baseline;
pub mod check;
pub mod rules;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::cost::{self, RuleCost};
use crate::error::InputError;
use crate::ids::LocationIdx;
use crate::limits::{Deadline, Limits, Params, Progress, StopReason};
use crate::routing::{self, Break, Pin, TimeWindow};
use crate::travel::{Leg, TravelTimes};
use crate::units::{Cost, Meters, Minutes};
use crate::unmet::UnmetReason;

/// Days in a week; day 0 is the Monday. A rota plans [`Week::weeks`] weeks at once: its days
/// are numbered from the first Monday, and the weekly patterns (hours, availability, opening)
/// repeat every [`DAYS`] days.
pub const DAYS: usize = 7;

/// Minutes in a day.
pub const DAY: i64 = 24 * 60;

/// A stretch of one day, `start < end`, minutes from that day's midnight (`end` may be 24:00,
/// 1440): a range of working hours, of availability, of opening hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Start, minutes from midnight.
    pub start: Minutes,
    /// End, minutes from midnight.
    pub end: Minutes,
}

impl Span {
    /// The stretch from `start` to `end` (validated by [`Problem::new`]).
    pub const fn new(start: Minutes, end: Minutes) -> Span {
        Span { start, end }
    }
}

/// Stretches of each day of the week (day 0 = Monday), each day's sorted and disjoint
/// (touching allowed).
pub type Weekly = [Vec<Span>; DAYS];

/// A référent's lunch (pause déjeuner): `minutes` long, inside `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LunchRule {
    /// When it may be taken, minutes of the day.
    pub window: Span,
    /// How long it lasts.
    pub minutes: Minutes,
}

/// A référent as the rota sees her.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referent {
    /// Where her days start and end.
    pub base: LocationIdx,
    /// Her travel mode: index into the travel sources given to [`Problem::new`].
    pub travel: usize,
    /// Her working hours, per day.
    pub hours: Weekly,
    /// Her lunch rule, if she has one.
    pub lunch: Option<LunchRule>,
}

/// A neutral site (lieu neutre) where families are met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Its opening hours, per day.
    pub opening: Weekly,
}

/// What a re-plan keeps of a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Nothing: any day, any time.
    Free,
    /// Its day of the week (0 = Monday), preferably: a re-plan frees it only if something could
    /// not be placed otherwise. Free when she no longer works that day.
    Day(usize),
    /// Its start, always: a confirmed visit, a visit fixed in the agenda. Free when she no
    /// longer works that day.
    Exact {
        /// The start, minutes from Monday 00:00.
        start: Minutes,
    },
    /// Its start, while its place still holds (a re-plan that holds still, issue 15): she works
    /// that day, the visit starts inside one of its windows there (the family's availability,
    /// its site's opening, her hours with the way there and back, the days open to it), and it
    /// leaves the time to travel to and from her fixed commitments of that day (appointments,
    /// stretches off, visits kept exactly, and the visits kept still that start before it).
    /// Held, it is kept exactly; otherwise it is free ([`Problem::freed`]).
    Still {
        /// The start, minutes from Monday 00:00.
        start: Minutes,
    },
}

/// A visit due this week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// Who makes it (index into [`Week::referents`]).
    pub referent: usize,
    /// Where.
    pub location: LocationIdx,
    /// How long on site.
    pub duration: Minutes,
    /// When the family can host it, per day. Ignored for [`Keep::Exact`].
    pub available: Weekly,
    /// The neutral site where the family is met (index into [`Week::sites`]), if it is: the
    /// visit also falls inside its opening hours.
    pub site: Option<usize>,
    /// The days it may be placed on, when not every day: inside its due window, or the days a
    /// visit report's re-plan reopens (0 = the first Monday).
    pub days: Option<Vec<usize>>,
    /// What leaving it out costs on top of [`UNMET_MINUTES`], in travel minutes: the larger,
    /// the harder the search tries (the planner adds the days it would be late).
    pub priority: i64,
    /// It may wait for a later week: its tolerance ends after this one. Leaving it out then
    /// costs [`WAIT_MINUTES`] (plus its priority) instead of [`UNMET_MINUTES`]: it is placed
    /// where it fits at a reasonable detour, never at the expense of a visit that is due.
    pub can_wait: bool,
    /// What a re-plan keeps.
    pub keep: Keep,
}

/// An appointment fixed in a référent's agenda: a team or EPS meeting, a workshop session, a
/// training, a personal appointment, or a family visit fixed at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    /// Whose (index into [`Week::referents`]).
    pub referent: usize,
    /// Where.
    pub location: LocationIdx,
    /// Start, minutes from Monday 00:00.
    pub start: Minutes,
    /// How long.
    pub duration: Minutes,
    /// A family visit fixed in the agenda: the rota places it through its [`Visit`] (kept
    /// exactly), when that visit is due; the appointment only holds her time (her day stretches
    /// to reach it, her lunch is planned around it). Otherwise the rota places the appointment
    /// itself, at its time.
    pub is_visit: bool,
}

/// Why a day is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Closure {
    /// A public holiday (jour férié).
    PublicHoliday,
    /// The référent is absent.
    Absence,
    /// A school holiday, where the caller's rule closes the day for the rota.
    SchoolHoliday,
}

/// A day no visit takes place on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosedDay {
    /// The référent it is closed for; `None` for everyone.
    pub referent: Option<usize>,
    /// The day of the week, 0 = Monday.
    pub day: usize,
    /// Why.
    pub reason: Closure,
}

/// The week as the caller gives it: raw data, the rules not yet applied. It may hold several
/// weeks planned together ([`Week::weeks`]): days, starts and closed days then run from the
/// first Monday to the last Sunday, and each weekly pattern repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    /// How many weeks are planned together, at least 1: a plan over several weeks lets a visit
    /// due every fortnight or month float inside its window, and neighbours share a day.
    pub weeks: usize,
    /// The référents.
    pub referents: Vec<Referent>,
    /// The neutral sites.
    pub sites: Vec<Site>,
    /// The visits due.
    pub visits: Vec<Visit>,
    /// The appointments of the agenda, in the agenda's order.
    pub appointments: Vec<Appointment>,
    /// The closed days.
    pub closed: Vec<ClosedDay>,
}

impl Default for Week {
    fn default() -> Week {
        Week {
            weeks: 1,
            referents: Vec::new(),
            sites: Vec::new(),
            visits: Vec::new(),
            appointments: Vec::new(),
            closed: Vec::new(),
        }
    }
}

impl Week {
    /// Days planned: seven per week.
    pub fn days(&self) -> usize {
        DAYS * self.weeks.max(1)
    }
}

/// What a stop of a day, or an item left out, is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Item {
    /// A visit (index into [`Week::visits`]).
    Visit(usize),
    /// A stretch off between two ranges of her hours, spent at her base (index into
    /// [`Problem::offs`]).
    Off(usize),
    /// An appointment the rota places (index into [`Week::appointments`]).
    Appointment(usize),
}

/// French, for messages: `visite 3`, `hors horaires 0`, `rendez-vous 2`.
impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Visit(v) => write!(f, "visite {v}"),
            Item::Off(k) => write!(f, "hors horaires {k}"),
            Item::Appointment(a) => write!(f, "rendez-vous {a}"),
        }
    }
}

/// One working day of one référent, as the rules make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    /// Whose day (index into [`Week::referents`]).
    pub referent: usize,
    /// The day of the week, 0 = Monday.
    pub day: usize,
    /// She leaves her base no earlier than `hours.start` and is back by `hours.end`: her
    /// working span, stretched to reach an appointment outside it.
    pub hours: TimeWindow,
    /// When visits that are not fixed may take place, with the way there and back: her
    /// working span.
    pub open: TimeWindow,
    /// Her lunch break: it starts inside `window` and lasts `duration`, if she takes one.
    pub lunch: Option<Break>,
}

/// A stretch off between two ranges of a référent's hours (not her lunch): she is at her base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Off {
    /// The day (index into [`Problem::days`]).
    pub day: usize,
    /// Start, minutes from Monday 00:00.
    pub start: Minutes,
    /// How long.
    pub duration: Minutes,
}

/// How a re-plan's keep is honoured once the days are known (index into the days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    Free,
    Day(usize),
    Exact { day: usize, start: Minutes },
}

/// What the search places: a visit, a stretch off or an appointment, with its windows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Task {
    pub(crate) item: Item,
    pub(crate) referent: usize,
    pub(crate) location: LocationIdx,
    pub(crate) duration: Minutes,
    /// When it may take place (start and end inside one), minutes of the week.
    pub(crate) available: Vec<TimeWindow>,
    /// For a visit at a site: when the family is available, whatever the site's hours (to tell
    /// a closed site from a family that is never free). Empty for other tasks.
    pub(crate) family_only: Vec<TimeWindow>,
    /// For a visit open on some days only: its windows on every day, to tell a family free
    /// only on the other days. Empty otherwise.
    pub(crate) every_day: Vec<TimeWindow>,
    pub(crate) priority: i64,
    pub(crate) can_wait: bool,
    pub(crate) hold: Hold,
}

/// A validated week, the rules applied.
pub struct Problem<'t> {
    week: Week,
    days: Vec<Day>,
    offs: Vec<Off>,
    tasks: Vec<Task>,
    /// Appointments on a day their référent does not work.
    day_off: Vec<usize>,
    travels: Vec<&'t dyn TravelTimes>,
    /// Per référent: her routing problem, and the one with kept days pinned when she has any.
    subs: Vec<(Subproblem, Option<Subproblem>)>,
    /// Visits kept still ([`Keep::Still`]) whose place no longer holds, sorted.
    freed: Vec<usize>,
}

impl fmt::Debug for Problem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Problem")
            .field("week", &self.week)
            .field("days", &self.days)
            .field("offs", &self.offs)
            .field("travels", &self.travels.len())
            .finish()
    }
}

/// Checks the stretches of one day: inside the day, each ending after it starts, sorted and
/// disjoint.
pub(crate) fn check_spans(
    spans: &[Span],
    item: &'static str,
    index: usize,
    field: &'static str,
) -> Result<(), InputError> {
    for s in spans {
        if s.start.0 < 0 || s.end.0 > DAY || s.end <= s.start {
            return Err(InputError::new(
                item,
                index,
                field,
                format!(
                    "la plage {}–{} (minutes du jour) n'est pas une plage de la journée",
                    s.start.0, s.end.0
                ),
            ));
        }
    }
    if spans.windows(2).any(|w| w[1].start < w[0].end) {
        return Err(InputError::new(
            item,
            index,
            field,
            "plages non triées ou qui se chevauchent",
        ));
    }
    Ok(())
}

pub(crate) fn check_week(
    spans: &Weekly,
    item: &'static str,
    index: usize,
    field: &'static str,
) -> Result<(), InputError> {
    spans
        .iter()
        .try_for_each(|day| check_spans(day, item, index, field))
}

/// Whether `start` falls inside the weeks planned.
fn in_week(week: &Week, start: Minutes) -> bool {
    (0..week.days() as i64 * DAY).contains(&start.0)
}

fn validate(week: &Week, travels: &[&dyn TravelTimes]) -> Result<(), InputError> {
    if week.weeks == 0 {
        return Err(InputError::new(
            "semaine",
            0,
            "semaines",
            "au moins une semaine à planifier",
        ));
    }
    let horizon = week.days();
    let locations = travels.iter().map(|t| t.len()).min().unwrap_or(0);
    let place = |item, index, field, at: LocationIdx| {
        if at.index() >= locations {
            Err(InputError::new(item, index, field, "lieu hors des trajets"))
        } else {
            Ok(())
        }
    };
    for (i, r) in week.referents.iter().enumerate() {
        if r.travel >= travels.len() {
            return Err(InputError::new(
                "référent",
                i,
                "mode de déplacement",
                "inconnu",
            ));
        }
        place("référent", i, "base", r.base)?;
        check_week(&r.hours, "référent", i, "horaires")?;
        if let Some(lunch) = r.lunch {
            check_spans(&[lunch.window], "référent", i, "pause déjeuner")?;
            if lunch.minutes.is_negative() {
                return Err(InputError::new(
                    "référent",
                    i,
                    "pause déjeuner",
                    "durée négative",
                ));
            }
        }
    }
    for (i, s) in week.sites.iter().enumerate() {
        check_week(&s.opening, "lieu", i, "horaires d'ouverture")?;
    }
    let referent = |item, i, r: usize| {
        if r >= week.referents.len() {
            Err(InputError::new(item, i, "référent", "inexistant"))
        } else {
            Ok(())
        }
    };
    for (i, v) in week.visits.iter().enumerate() {
        referent("visite", i, v.referent)?;
        place("visite", i, "lieu", v.location)?;
        if v.duration.is_negative() {
            return Err(InputError::new("visite", i, "durée", "négative"));
        }
        check_week(&v.available, "visite", i, "disponibilités")?;
        if v.site.is_some_and(|s| s >= week.sites.len()) {
            return Err(InputError::new("visite", i, "lieu neutre", "inexistant"));
        }
        if v.days
            .as_ref()
            .is_some_and(|d| d.iter().any(|&d| d >= horizon))
        {
            return Err(InputError::new(
                "visite",
                i,
                "jours",
                "jour hors de la semaine",
            ));
        }
        match v.keep {
            Keep::Day(d) if d >= horizon => {
                return Err(InputError::new(
                    "visite",
                    i,
                    "jour",
                    "jour hors de la semaine",
                ));
            }
            Keep::Exact { start } | Keep::Still { start } if !in_week(week, start) => {
                return Err(InputError::new("visite", i, "début", "hors de la semaine"));
            }
            _ => {}
        }
    }
    for (i, a) in week.appointments.iter().enumerate() {
        referent("rendez-vous", i, a.referent)?;
        place("rendez-vous", i, "lieu", a.location)?;
        if a.duration.is_negative() {
            return Err(InputError::new("rendez-vous", i, "durée", "négative"));
        }
        if !in_week(week, a.start) {
            return Err(InputError::new(
                "rendez-vous",
                i,
                "début",
                "hors de la semaine",
            ));
        }
    }
    for (i, c) in week.closed.iter().enumerate() {
        if c.day >= horizon {
            return Err(InputError::new(
                "jour fermé",
                i,
                "jour",
                "hors de la semaine",
            ));
        }
        if let Some(r) = c.referent {
            referent("jour fermé", i, r)?;
        }
    }
    Ok(())
}

/// The working day of référent `r` on day `d` of the week, if she works then.
fn day_index(days: &[Day], r: usize, d: usize) -> Option<usize> {
    days.iter().position(|x| x.referent == r && x.day == d)
}

/// The day of the week `start` falls on.
fn day_of_week(start: Minutes) -> usize {
    usize::try_from(start.0.div_euclid(DAY)).unwrap_or(usize::MAX)
}

impl<'t> Problem<'t> {
    /// Validates a week and applies its rules. `travels` holds one source per travel mode, all
    /// over the same locations.
    ///
    /// # Errors
    /// [`InputError`] naming the item and field: a référent, visit or appointment pointing
    /// nowhere, a location outside the travel sources, a range of hours, availability or
    /// opening that is not inside its day, ends before it starts or overlaps another, a
    /// negative duration, a day or start outside the week; or naming the référent and her
    /// travel (`"trajets"`) when a trip is too long to plan.
    pub fn new(week: Week, travels: Vec<&'t dyn TravelTimes>) -> Result<Problem<'t>, InputError> {
        validate(&week, &travels)?;
        let mut days = Vec::new();
        let mut offs = Vec::new();
        for w in rules::working_days(&week.referents, &week.closed, week.weeks) {
            let referent = &week.referents[w.referent];
            let hours = &referent.hours[w.day % DAYS];
            let at = Minutes(w.day as i64 * DAY);
            let span = rules::working_span(hours).expect("BUG: a working day has hours");
            let (lunch, as_break) = rules::lunch_break(hours, referent.lunch);
            for (g, gap) in rules::stretches_off(hours).into_iter().enumerate() {
                if Some(g) != as_break {
                    offs.push(Off {
                        day: days.len(),
                        start: at + gap.start,
                        duration: gap.end - gap.start,
                    });
                }
            }
            let hours = TimeWindow::new(at + span.start, at + span.end);
            days.push(Day {
                referent: w.referent,
                day: w.day,
                hours,
                open: hours,
                lunch: lunch.map(|b| Break {
                    window: TimeWindow::new(at + b.window.start, at + b.window.end),
                    duration: b.duration,
                }),
            });
        }
        let appointment_day: Vec<Option<usize>> = week
            .appointments
            .iter()
            .map(|a| day_index(&days, a.referent, day_of_week(a.start)))
            .collect();
        for (a, &k) in week.appointments.iter().zip(&appointment_day) {
            let Some(k) = k else { continue };
            let referent = &week.referents[a.referent];
            let travel = travels[referent.travel];
            days[k].hours = rules::stretch_for(
                days[k].hours,
                a,
                travel.leg(referent.base, a.location).minutes,
                travel.leg(a.location, referent.base).minutes,
            );
        }
        for (k, day) in days.iter_mut().enumerate() {
            let Some(lunch) = day.lunch else { continue };
            let busy: Vec<(Minutes, Minutes)> = week
                .appointments
                .iter()
                .zip(&appointment_day)
                .filter(|&(_, &d)| d == Some(k))
                .map(|(a, _)| (a.start, a.start + a.duration))
                .collect();
            if !busy.is_empty() && !rules::lunch_fits_around(lunch, &busy) {
                day.lunch = None;
            }
        }
        let mut tasks = Vec::new();
        let weeks = week.weeks;
        for (i, v) in week.visits.iter().enumerate() {
            let hold = match v.keep {
                Keep::Free => Hold::Free,
                Keep::Day(d) => day_index(&days, v.referent, d).map_or(Hold::Free, Hold::Day),
                Keep::Exact { start } => day_index(&days, v.referent, day_of_week(start))
                    .map_or(Hold::Free, |day| Hold::Exact { day, start }),
                // Decided once every fixed commitment is known, below.
                Keep::Still { .. } => Hold::Free,
            };
            let site = v.site.map(|s| &week.sites[s].opening);
            let available = rules::on_open_days(
                rules::family_windows(&v.available, site, weeks),
                v.days.as_deref(),
            );
            let family_only = match site {
                Some(_) => rules::on_open_days(
                    rules::family_windows(&v.available, None, weeks),
                    v.days.as_deref(),
                ),
                None => Vec::new(),
            };
            let every_day = match v.days {
                Some(_) => rules::family_windows(&v.available, site, weeks),
                None => Vec::new(),
            };
            tasks.push(Task {
                item: Item::Visit(i),
                referent: v.referent,
                location: v.location,
                duration: v.duration,
                available,
                family_only,
                every_day,
                priority: v.priority,
                can_wait: v.can_wait,
                hold,
            });
        }
        for (i, off) in offs.iter().enumerate() {
            let referent = days[off.day].referent;
            tasks.push(Task {
                item: Item::Off(i),
                referent,
                location: week.referents[referent].base,
                duration: off.duration,
                available: Vec::new(),
                family_only: Vec::new(),
                every_day: Vec::new(),
                priority: 0,
                can_wait: false,
                hold: Hold::Exact {
                    day: off.day,
                    start: off.start,
                },
            });
        }
        let mut day_off = Vec::new();
        for (i, (a, &k)) in week.appointments.iter().zip(&appointment_day).enumerate() {
            if a.is_visit {
                continue;
            }
            let Some(day) = k else {
                day_off.push(i);
                continue;
            };
            tasks.push(Task {
                item: Item::Appointment(i),
                referent: a.referent,
                location: a.location,
                duration: a.duration,
                available: Vec::new(),
                family_only: Vec::new(),
                every_day: Vec::new(),
                priority: 0,
                can_wait: false,
                hold: Hold::Exact {
                    day,
                    start: a.start,
                },
            });
        }
        let freed = hold_still(&week, &days, &travels, &mut tasks);
        let mut problem = Problem {
            week,
            days,
            offs,
            tasks,
            day_off,
            travels,
            subs: Vec::new(),
            freed,
        };
        let mut subs = Vec::with_capacity(problem.week.referents.len());
        for r in 0..problem.week.referents.len() {
            let refused = |e: InputError| {
                InputError::new("référent", r, "trajets", format!("tournées refusées : {e}"))
            };
            let relaxed = subproblem(&problem, r, false).map_err(refused)?;
            let kept_days = problem
                .tasks
                .iter()
                .any(|t| t.referent == r && matches!(t.hold, Hold::Day(_)));
            let strict = if kept_days {
                Some(subproblem(&problem, r, true).map_err(refused)?)
            } else {
                None
            };
            subs.push((relaxed, strict));
        }
        problem.subs = subs;
        Ok(problem)
    }

    /// The week as given.
    pub fn week(&self) -> &Week {
        &self.week
    }

    /// Visits kept still ([`Keep::Still`]) whose place no longer holds: the rota places them
    /// as free visits. Sorted indices into [`Week::visits`].
    pub fn freed(&self) -> &[usize] {
        &self.freed
    }

    /// Whether visit `v` is kept still and its place holds: it is kept exactly.
    pub(crate) fn is_held(&self, v: usize) -> bool {
        matches!(self.week.visits[v].keep, Keep::Still { .. })
            && matches!(self.tasks[v].hold, Hold::Exact { .. })
    }

    /// The working days, as the rules make them: référent-major, then by day.
    pub fn days(&self) -> &[Day] {
        &self.days
    }

    /// The stretches off inside the working days.
    pub fn offs(&self) -> &[Off] {
        &self.offs
    }

    /// The travel source of référent `r`.
    pub fn travel_of(&self, r: usize) -> &'t dyn TravelTimes {
        self.travels[self.week.referents[r].travel]
    }

    pub(crate) fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    /// When task `t` may start on day `d`: its availability shrunk by its duration, inside the
    /// day's [`Day::open`] hours (leaving time to come from and go back to the base).
    pub(crate) fn start_windows(&self, t: usize, d: usize) -> Vec<TimeWindow> {
        self.start_windows_in(t, d, &self.tasks[t].available)
    }

    /// [`Problem::start_windows`] of task `t` on day `d` for other windows than its own.
    fn start_windows_in(&self, t: usize, d: usize, windows: &[TimeWindow]) -> Vec<TimeWindow> {
        let task = &self.tasks[t];
        let day = &self.days[d];
        if let Hold::Exact { day: kept, start } = task.hold {
            return if kept == d {
                vec![TimeWindow::new(start, start)]
            } else {
                Vec::new()
            };
        }
        let travel = self.travel_of(task.referent);
        let base = self.week.referents[task.referent].base;
        rules::start_windows(
            windows,
            task.duration,
            day.open,
            travel.leg(base, task.location).minutes,
            travel.leg(task.location, base).minutes,
        )
    }

    /// Why visit task `t`, which has no start window on its référent's working days `days`,
    /// cannot be placed: the days it is open to when the family is free only on others
    /// ([`UnmetReason::NotOnOpenDays`]); the site's opening hours when the family is free while she works
    /// ([`UnmetReason::SiteClosed`]); her days off this week when the family is free only then
    /// ([`UnmetReason::OnlyOnClosedDays`]); else the family's availability
    /// ([`UnmetReason::NoCommonSlot`]).
    fn no_slot_reason(&self, t: usize, days: &[usize]) -> UnmetReason {
        let task = &self.tasks[t];
        if days
            .iter()
            .any(|&d| !self.start_windows_in(t, d, &task.every_day).is_empty())
        {
            return UnmetReason::NotOnOpenDays;
        }
        let at_site = !task.family_only.is_empty();
        if at_site
            && days
                .iter()
                .any(|&d| !self.start_windows_in(t, d, &task.family_only).is_empty())
        {
            return UnmetReason::SiteClosed;
        }
        let windows = if at_site {
            &task.family_only
        } else {
            &task.available
        };
        if rules::meets_closed_day(
            windows,
            task.duration,
            &self.week.referents[task.referent],
            task.referent,
            &self.week.closed,
        ) {
            return UnmetReason::OnlyOnClosedDays;
        }
        UnmetReason::NoCommonSlot
    }

    /// Why visit task `t`, which the search left out for want of room, could not be placed:
    /// her fixed commitments (appointments, stretches off, fixed visits) cover every slot she
    /// shares with the family ([`UnmetReason::AgendaFull`]), or her other visits do
    /// ([`UnmetReason::WeekFull`]).
    pub(crate) fn no_room_reason(&self, t: usize) -> UnmetReason {
        let task = &self.tasks[t];
        let days: Vec<usize> = (0..self.days.len())
            .filter(|&d| self.days[d].referent == task.referent)
            .collect();
        let fixed: Vec<(Minutes, Minutes)> = self
            .tasks
            .iter()
            .enumerate()
            .filter(|&(u, other)| u != t && other.referent == task.referent)
            .filter_map(|(_, other)| match other.hold {
                Hold::Exact { start, .. } => Some((start, start + other.duration)),
                _ => None,
            })
            .collect();
        let room = days.iter().any(|&d| {
            self.start_windows(t, d)
                .iter()
                .any(|w| rules::free_start(*w, task.duration, &fixed).is_some())
        });
        if room {
            UnmetReason::WeekFull
        } else {
            UnmetReason::AgendaFull
        }
    }

    /// What leaving task `t` out costs.
    fn penalty(&self, t: usize) -> Cost {
        let task = &self.tasks[t];
        left_out_cost(
            matches!(task.hold, Hold::Exact { .. }),
            task.can_wait,
            task.priority,
        )
    }
}

/// Decides each visit kept still ([`Keep::Still`]): held (kept exactly) when its place still
/// holds, in order of start for each référent so that an earlier one wins a clash; returns the
/// others, freed. Visits are the first tasks, in [`Week::visits`] order.
fn hold_still(
    week: &Week,
    days: &[Day],
    travels: &[&dyn TravelTimes],
    tasks: &mut [Task],
) -> Vec<usize> {
    let mut still: Vec<(usize, Minutes, usize)> = week
        .visits
        .iter()
        .enumerate()
        .filter_map(|(v, visit)| match visit.keep {
            Keep::Still { start } => Some((visit.referent, start, v)),
            _ => None,
        })
        .collect();
    still.sort_unstable();
    let mut freed = Vec::new();
    for (r, start, v) in still {
        let referent = &week.referents[r];
        let travel = travels[referent.travel];
        let task = &tasks[v];
        let (location, end) = (task.location, start + task.duration);
        let held = day_index(days, r, day_of_week(start)).filter(|&k| {
            let windows = rules::start_windows(
                &task.available,
                task.duration,
                days[k].open,
                travel.leg(referent.base, location).minutes,
                travel.leg(location, referent.base).minutes,
            );
            let inside = windows.iter().any(|w| w.start <= start && start <= w.end);
            // What holds her time at a fixed hour that day: her stretches off, appointments
            // and visits kept exactly (earlier visits held still among them), and the visits
            // fixed in the agenda.
            let mut fixed = tasks.iter().filter_map(|t| match t.hold {
                Hold::Exact { day, start } if day == k && t.referent == r => {
                    Some((t.location, start, start + t.duration))
                }
                _ => None,
            });
            let mut agenda = week.appointments.iter().filter_map(|a| {
                let same_day = day_index(days, r, day_of_week(a.start)) == Some(k);
                (a.is_visit && a.referent == r && same_day).then_some((
                    a.location,
                    a.start,
                    a.start + a.duration,
                ))
            });
            let clear = |(at, from, to): (LocationIdx, Minutes, Minutes)| {
                end + travel.leg(location, at).minutes <= from
                    || to + travel.leg(at, location).minutes <= start
            };
            inside && fixed.all(clear) && agenda.all(clear)
        });
        match held {
            Some(day) => tasks[v].hold = Hold::Exact { day, start },
            None => freed.push(v),
        }
    }
    freed.sort_unstable();
    freed
}

/// One day of the rota.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayPlan {
    /// Whose day (index into [`Week::referents`]).
    pub referent: usize,
    /// The day of the week, 0 = Monday.
    pub day: usize,
    /// What she does, in order.
    pub items: Vec<Item>,
    /// Start of each item.
    pub starts: Vec<Minutes>,
    /// Start of the lunch break, when the day has stops and a break.
    pub lunch: Option<Minutes>,
    /// When she leaves her base (the day's start when she has no stop).
    pub leave: Minutes,
    /// When she is back.
    pub back: Minutes,
    /// Travel time of the day.
    pub travel_minutes: Minutes,
    /// Travel distance of the day.
    pub travel_meters: Meters,
}

/// A soft rule of the rota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Weighted travel of the week ([`travel_cost`]).
    Travel,
    /// Visits and appointments left out ([`left_out_cost`]).
    LeftOut,
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 2] = [Rule::Travel, Rule::LeftOut];

    /// Stable key for JSON.
    pub const fn key(self) -> &'static str {
        match self {
            Rule::Travel => "travel",
            Rule::LeftOut => "left_out",
        }
    }
}

/// French, for reports.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::Travel => "trajets de la semaine",
            Rule::LeftOut => "visites et rendez-vous non planifiés",
        })
    }
}

/// What the solve did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Routing iterations, all référents together.
    pub iterations: u64,
    /// Référents planned a second time with their kept days freed.
    pub replanned: usize,
}

/// A rota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// One plan per day of [`Problem::days`].
    pub days: Vec<DayPlan>,
    /// Visits, stretches off and appointments not placed, with why, sorted.
    pub unmet: Vec<(Item, UnmetReason)>,
    /// Visits kept on a day ([`Keep::Day`]) that the plan moved to another day or could no
    /// longer place (those are also in `unmet`), by index into [`Week::visits`].
    pub moved: Vec<usize>,
    /// Cost of each soft rule, in [`Rule::ALL`] order.
    pub costs: Vec<RuleCost<Rule>>,
    /// Total cost, the sum of `costs`.
    pub cost: Cost,
    /// What the solve did.
    pub stats: Stats,
    /// The first stop reason that is not reproducible (time guard, cancel), else the last.
    pub stop: StopReason,
}

impl Solution {
    /// Travel of the week, minutes.
    pub fn travel_minutes(&self) -> Minutes {
        self.days.iter().map(|d| d.travel_minutes).sum()
    }

    /// Travel of the week, metres.
    pub fn travel_meters(&self) -> Meters {
        self.days.iter().map(|d| d.travel_meters).sum()
    }

    /// Items placed.
    pub fn placed(&self) -> usize {
        self.days.iter().map(|d| d.items.len()).sum()
    }

    /// Cost of one rule.
    pub fn cost_of(&self, rule: Rule) -> Cost {
        cost::cost_of(&self.costs, rule)
    }
}

/// How travel is weighed: a minute costs 10,000, a metre 1. Time decides; distance only breaks
/// ties between routes of equal time (10 km weigh as one minute).
pub const WEIGHTS: routing::Weights = routing::Weights {
    per_minute: 10_000,
    per_meter: 1,
};

/// Travel minutes a left-out visit costs, before its priority: a full day of driving, so the
/// search never drops a visit to save travel.
pub const UNMET_MINUTES: i64 = 600;

/// Travel minutes a left-out visit that may wait for a later week costs, before its priority:
/// half an hour of driving, so it is placed when it is on her way (a neighbour's day), and
/// waits otherwise.
pub const WAIT_MINUTES: i64 = 30;

/// Travel minutes a fixed (exact) visit, stretch off or appointment left out costs: it is only
/// ever left out when it clashes with another fixed one.
pub const FIXED_UNMET_MINUTES: i64 = 100_000;

/// Soft rule: travel costs [`WEIGHTS`] (per minute, and per metre to break ties) on every day.
pub fn travel_cost(minutes: Minutes, meters: Meters) -> Cost {
    Cost(WEIGHTS.per_minute * minutes.0 + WEIGHTS.per_meter * meters.0)
}

/// Soft rule: a visit left out costs [`UNMET_MINUTES`] of travel plus its priority (late
/// visits weigh more), or [`WAIT_MINUTES`] plus its priority when it may wait for a later week;
/// a fixed visit, stretch off or appointment left out costs [`FIXED_UNMET_MINUTES`].
pub fn left_out_cost(fixed: bool, can_wait: bool, priority: i64) -> Cost {
    let minutes = if fixed {
        FIXED_UNMET_MINUTES
    } else if can_wait {
        WAIT_MINUTES + priority.max(0)
    } else {
        UNMET_MINUTES + priority.max(0)
    };
    Cost(WEIGHTS.per_minute * minutes)
}

/// One référent's week as a routing problem: her days are the vehicles; local location 0 is
/// her base, then the locations of her tasks.
pub(crate) struct Subproblem {
    pub(crate) days: Vec<usize>,
    /// Task index of each routing visit.
    pub(crate) tasks: Vec<usize>,
    pub(crate) unmet: Vec<(usize, UnmetReason)>,
    pub(crate) routing: Option<routing::Problem>,
}

/// The travel of one référent restricted to her locations.
struct LocalTravel<'a> {
    source: &'a dyn TravelTimes,
    global: Vec<LocationIdx>,
}

impl TravelTimes for LocalTravel<'_> {
    fn leg(&self, from: LocationIdx, to: LocationIdx) -> Leg {
        self.source
            .leg(self.global[from.index()], self.global[to.index()])
    }

    fn len(&self) -> usize {
        self.global.len()
    }
}

/// Référent `r`'s routing problem; `strict` pins kept-day tasks ([`Hold::Day`]) to their day.
fn subproblem(problem: &Problem<'_>, r: usize, strict: bool) -> Result<Subproblem, InputError> {
    let days: Vec<usize> = (0..problem.days.len())
        .filter(|&d| problem.days[d].referent == r)
        .collect();
    let base = problem.week.referents[r].base;
    let mut global = vec![base];
    let mut local_of = std::collections::BTreeMap::new();
    local_of.insert(base, LocationIdx::new(0));
    let mut tasks = Vec::new();
    let mut routing_visits = Vec::new();
    let mut unmet = Vec::new();
    for t in (0..problem.tasks.len()).filter(|&t| problem.tasks[t].referent == r) {
        let task = &problem.tasks[t];
        if days.is_empty() {
            unmet.push((t, UnmetReason::NoWorkingDay));
            continue;
        }
        let pinned_day = match task.hold {
            Hold::Exact { day, .. } => Some(day),
            Hold::Day(day) if strict => Some(day),
            _ => None,
        };
        let allowed: Vec<usize> = (0..days.len())
            .filter(|&k| pinned_day.is_none_or(|d| d == days[k]))
            .collect();
        let mut windows: Vec<TimeWindow> = allowed
            .iter()
            .flat_map(|&k| problem.start_windows(t, days[k]))
            .collect();
        windows.sort();
        windows.dedup();
        let exact = matches!(task.hold, Hold::Exact { .. });
        if windows.is_empty() {
            let reason = if exact {
                UnmetReason::FixedClash
            } else {
                let allowed_days: Vec<usize> = allowed.iter().map(|&k| days[k]).collect();
                problem.no_slot_reason(t, &allowed_days)
            };
            unmet.push((t, reason));
            continue;
        }
        let next = LocationIdx::new(global.len());
        let location = *local_of.entry(task.location).or_insert_with(|| {
            global.push(task.location);
            next
        });
        tasks.push(t);
        routing_visits.push(routing::Visit {
            location,
            service: task.duration,
            demand: 1,
            windows,
            allowed_vehicles: Some(allowed.clone()),
            penalty: Some(problem.penalty(t)),
            pin: pinned_day.map(|_| Pin {
                vehicle: allowed[0],
                position: None,
            }),
        });
    }
    let vehicles: Vec<routing::Vehicle> = days
        .iter()
        .map(|&d| {
            let day = &problem.days[d];
            routing::Vehicle {
                start: LocationIdx::new(0),
                end: LocationIdx::new(0),
                shift: day.hours,
                capacity: i64::from(u32::MAX),
                max_duration: None,
                lunch: day.lunch,
                fixed_cost: Cost::ZERO,
            }
        })
        .collect();
    let routing = if routing_visits.is_empty() {
        None
    } else {
        let travel = LocalTravel {
            source: problem.travel_of(r),
            global,
        };
        Some(routing::Problem::new(
            vehicles,
            routing_visits,
            &travel,
            WEIGHTS,
        )?)
    };
    Ok(Subproblem {
        days,
        tasks,
        unmet,
        routing,
    })
}

/// Turns routes into day plans through the independent checker's schedules.
pub(crate) fn day_plans(
    problem: &Problem<'_>,
    sub: &Subproblem,
    routes: &[routing::Route],
    unassigned: &[usize],
) -> Vec<(usize, DayPlan)> {
    let Some(routing) = &sub.routing else {
        return Vec::new();
    };
    let report = routing::check::check(routing, routes, unassigned)
        .expect("BUG: the rota's routes break the routing contract");
    let mut out = Vec::new();
    for (k, (route, schedule)) in routes.iter().zip(&report.routes).enumerate() {
        let mut travel_minutes = 0;
        let mut travel_meters = 0;
        let mut at = LocationIdx::new(0);
        for &v in route.visits.iter().chain(std::iter::once(&usize::MAX)) {
            let to = if v == usize::MAX {
                LocationIdx::new(0)
            } else {
                routing.visits()[v].location
            };
            if v == usize::MAX && route.visits.is_empty() {
                break;
            }
            travel_minutes += routing.minutes(at, to).0;
            travel_meters += routing.meters(at, to).0;
            at = to;
        }
        let d = sub.days[k];
        out.push((
            d,
            DayPlan {
                referent: problem.days[d].referent,
                day: problem.days[d].day,
                items: route
                    .visits
                    .iter()
                    .map(|&v| problem.tasks[sub.tasks[v]].item)
                    .collect(),
                starts: schedule.starts.clone(),
                lunch: schedule.break_start,
                leave: schedule.departure,
                back: schedule.arrival,
                travel_minutes: Minutes(travel_minutes),
                travel_meters: Meters(travel_meters),
            },
        ));
    }
    out
}

fn unmet_reason(reason: UnmetReason, exact: bool) -> UnmetReason {
    match reason {
        _ if exact => UnmetReason::FixedClash,
        UnmetReason::NoCompatibleWindow => UnmetReason::NoCommonSlot,
        UnmetReason::NoAllowedVehicle => UnmetReason::NoWorkingDay,
        _ => UnmetReason::WeekFull,
    }
}

/// Empty plans for every working day of `problem`.
fn empty_days(problem: &Problem<'_>) -> Vec<DayPlan> {
    problem
        .days
        .iter()
        .map(|day| DayPlan {
            referent: day.referent,
            day: day.day,
            leave: day.hours.start,
            back: day.hours.start,
            ..DayPlan::default()
        })
        .collect()
}

/// The solution of `days` and `unmet` (task indices), with its costs per rule.
fn finish(
    problem: &Problem<'_>,
    days: Vec<DayPlan>,
    mut unmet: Vec<(usize, UnmetReason)>,
    moved: Vec<usize>,
    stats: Stats,
    stop: StopReason,
) -> Solution {
    unmet.sort();
    let travel = days
        .iter()
        .map(|d| travel_cost(d.travel_minutes, d.travel_meters))
        .sum();
    let mut left_out: Cost = unmet.iter().map(|&(t, _)| problem.penalty(t)).sum();
    left_out += problem
        .day_off
        .iter()
        .map(|_| left_out_cost(true, false, 0))
        .sum::<Cost>();
    let mut unmet: Vec<(Item, UnmetReason)> = unmet
        .into_iter()
        .map(|(t, reason)| (problem.tasks[t].item, reason))
        .collect();
    unmet.extend(
        problem
            .day_off
            .iter()
            .map(|&a| (Item::Appointment(a), UnmetReason::DayOff)),
    );
    unmet.sort();
    let costs = vec![
        RuleCost::new(Rule::Travel, travel),
        RuleCost::new(Rule::LeftOut, left_out),
    ];
    let solution = Solution {
        days,
        unmet,
        moved,
        cost: cost::total(&costs),
        costs,
        stats,
        stop,
    };
    #[cfg(debug_assertions)]
    assert_checked(problem, &solution);
    solution
}

/// Debug builds: the independent checker accepts every rota and agrees on its costs.
#[cfg(debug_assertions)]
fn assert_checked(problem: &Problem<'_>, solution: &Solution) {
    match check::check(problem, solution) {
        Ok(report) => assert_eq!(
            report.costs, solution.costs,
            "BUG: the rota and its checker disagree on the costs"
        ),
        Err(violations) => panic!("BUG: the rota breaks its rules: {violations:?}"),
    }
}

/// Plans the week within `params`, reporting [`Progress`] after each référent.
///
/// A référent whose kept-day visits ([`Keep::Day`]) leave some visit unplaced is planned again
/// with those visits free to move; [`Solution::moved`] lists the visits that changed. Never
/// fails: what cannot be placed is in [`Solution::unmet`] with its reason.
pub fn solve(problem: &Problem<'_>, params: &Params<'_>) -> Solution {
    let deadline = Deadline::start(&params.limits);
    let nr = problem.week.referents.len();
    let mut counts = vec![0u64; nr];
    for t in &problem.tasks {
        counts[t.referent] += 1;
    }
    let total: u64 = counts.iter().sum::<u64>().max(1);
    let mut days = empty_days(problem);
    let mut unmet = Vec::new();
    let mut moved = Vec::new();
    let mut stats = Stats::default();
    let mut stop = StopReason::NoImprovement;
    let mut travel_done = Minutes::ZERO;
    let is_visit = |t: usize| match problem.tasks[t].item {
        Item::Visit(v) => Some(v),
        _ => None,
    };
    for (r, &count) in counts.iter().enumerate() {
        // This référent's share of the time limit, of the work time and of the iteration
        // budget: a share of the limits, not of the time left, so that the same limits give
        // the same budgets on any machine. When earlier référents overran, only her guard is
        // cut to what is left; if it fires, her search says so (`TimeGuard`).
        let share = |whole: u64| whole.saturating_mul(count) / total;
        let fraction = count as f64 / total as f64;
        let time = params.limits.time_limit.mul_f64(fraction);
        let work = params
            .limits
            .work_time
            .unwrap_or(params.limits.time_limit)
            .mul_f64(fraction);
        let limits = Limits {
            time_limit: time.min(deadline.remaining()),
            iterations: params.limits.iterations.map(share),
            work_time: Some(work),
            cancel: params.limits.cancel.clone(),
        };
        let sub_params = Params::new(crate::rng::child_seed(params.seed, r as u64), limits);
        let (relaxed, strict) = &problem.subs[r];
        let mut sub = strict.as_ref().unwrap_or(relaxed);
        let mut solution = sub.routing.as_ref().map(|p| routing::solve(p, &sub_params));
        let left_out =
            |s: &Option<routing::Solution>| s.as_ref().is_some_and(|s| !s.unmet.is_empty());
        if strict.is_some() && left_out(&solution) {
            stats.iterations += solution.as_ref().map_or(0, |s| s.stats.iterations);
            stats.replanned += 1;
            sub = relaxed;
            solution = sub.routing.as_ref().map(|p| routing::solve(p, &sub_params));
        }
        unmet.extend(sub.unmet.iter().copied());
        if let Some(solution) = &solution {
            for (d, plan) in day_plans(problem, sub, &solution.routes, &solution.unmet_visits()) {
                days[d] = plan;
            }
            for &(v, reason) in &solution.unmet {
                let t = sub.tasks[v];
                let exact = matches!(problem.tasks[t].hold, Hold::Exact { .. });
                let reason = match unmet_reason(reason, exact) {
                    UnmetReason::WeekFull => problem.no_room_reason(t),
                    other => other,
                };
                unmet.push((t, reason));
            }
            stats.iterations += solution.stats.iterations;
            if stop.is_reproducible() {
                stop = solution.stop;
            }
        }
        for (d, plan) in days.iter().enumerate() {
            if problem.days[d].referent != r {
                continue;
            }
            travel_done += plan.travel_minutes;
            for item in &plan.items {
                if let Item::Visit(v) = *item
                    && let Hold::Day(kept) = problem.tasks[v].hold
                    && kept != d
                {
                    moved.push(v);
                }
            }
        }
        // A kept visit the re-plan could no longer place has changed too.
        for &(t, _) in &unmet {
            if problem.tasks[t].referent == r
                && matches!(problem.tasks[t].hold, Hold::Day(_))
                && let Some(v) = is_visit(t)
            {
                moved.push(v);
            }
        }
        params.report(Progress {
            done: r + 1,
            total: nr,
            travel_minutes: travel_done,
            unmet: unmet.len(),
        });
    }
    moved.sort_unstable();
    finish(problem, days, unmet, moved, stats, stop)
}
