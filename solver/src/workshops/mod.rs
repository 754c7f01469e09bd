//! The collective workshops of a term or a school year (fiches-action): how many groups each
//! action opens, which child goes to which group, and each group's regular slot, site and dates
//! (MILP on HiGHS through `good_lp`, one column per group option).
//!
//! An [`Action`] is a cycle of sessions led by one facilitator, for children of an age range,
//! at one of a few sites, at preferred times. [`Orientation`]s say which child is oriented to
//! which action (by the EPS or her référent), when, and whether she is a priority. A group
//! takes one [`GroupSlot`]: a start time, a site and its dates — for an action of the school
//! weeks, the same weekday in consecutive school weeks (a public holiday skipped, the holidays
//! pausing the cycle); for an action of the holidays, consecutive weekdays of one holiday
//! period. The options a group may take are listed by [`Problem::options`].
//!
//! Hard rules, each stated by a method of [`Problem`]:
//! - the dates of a group: [`Problem::dates_follow`], from the first day open to planning;
//! - its size: [`Problem::size_allows`];
//! - children inside the action's age range: [`Problem::age_allows`];
//! - a child only when free ([`Problem::child_free`]), at most one session at a time
//!   ([`Problem::overlap`]), and only in groups starting after she was oriented
//!   ([`Problem::oriented_in_time`]);
//! - her home within the action's distance of the site: [`Problem::within_distance`];
//! - the site open, big enough and not closed ([`Problem::site_allows`]), one group at a time;
//! - the facilitator free ([`Problem::facilitator_free`]), in one group at a time, and in time
//!   for her next session elsewhere the same day ([`Problem::facilitator_compatible`]);
//! - a running group ([`Kept`] with `exact`) stays as it is, with its children.
//!
//! Soft rules ([`Rule`]), in one currency (minutes, as of travel):
//! - oriented children not enrolled, weighted by priority and waiting time:
//!   [`Problem::not_enrolled_cost`];
//! - siblings oriented to one action and split across slots: [`Weights::siblings_split`];
//! - families' travel to the site, each session: [`Problem::family_trip`];
//! - the facilitator's travel, each session: [`Problem::facilitator_trip`];
//! - sessions outside the action's preferred times: [`Problem::outside_preferred`];
//! - a planned group or enrolment of the previous plan that moved: [`Weights::moved`].
//!
//! Why a child is not enrolled: [`Unenrolled`]. Checker: [`check::check`]. Solve: [`solve`];
//! what is done by hand, for comparison: [`baseline::solve`].

pub mod baseline;
pub mod check;
mod greedy;
mod model;
mod options;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::cost::{self, RuleCost};
use crate::error::InputError;
use crate::ids::LocationIdx;
use crate::limits::{Params, StopReason};
use crate::rota::{DAY, Weekly, check_week};
use crate::travel::TravelTimes;
use crate::units::{Cost, Meters, Minutes};
use crate::unmet::UnmetReason;

pub use crate::meetings::{Person, Site, Stretch};

/// Start times are tried every this many minutes inside each window.
pub const GRID: i64 = 30;

/// What a day of the horizon is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A day of a school week (Monday to Saturday, not a public holiday).
    School,
    /// A day of the school holidays (not a public holiday), with the index of its holiday
    /// period (an index chosen by the caller, one per stretch of holidays).
    Holiday(usize),
    /// No session: a Sunday or a public holiday.
    Closed,
}

/// One day of the horizon, day 0 first, consecutive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    /// Day of the week, 0 = Monday.
    pub weekday: usize,
    /// What it is.
    pub kind: DayKind,
}

/// When an action runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// In school weeks, once a week.
    School,
    /// In the school holidays, on consecutive weekdays.
    Holidays,
}

/// Who attends an action's sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The children.
    Children,
    /// Their parents (a parents' group): the children's free time does not bind.
    Parents,
    /// Parents with their children: the children's free time binds, and the site holds both.
    Families,
}

/// A child oriented to one action or more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// Her home.
    pub home: LocationIdx,
    /// Her family, an index chosen by the caller: children of one family are siblings.
    pub family: usize,
    /// Her age, years.
    pub age: u32,
    /// When she is free in school weeks.
    pub school_weeks: Weekly,
    /// When she is free in the school holidays.
    pub holidays: Weekly,
}

/// A fiche-action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// Its facilitator (index into [`Problem::people`]).
    pub facilitator: usize,
    /// Its possible sites (indices into [`Problem::sites`]), in order of preference.
    pub sites: Vec<usize>,
    /// Sessions in a cycle.
    pub sessions: usize,
    /// Length of a session.
    pub duration: Minutes,
    /// Smallest and largest group.
    pub size: (u32, u32),
    /// Children's age range, inclusive.
    pub ages: (u32, u32),
    /// Its preferred times, each week. The facilitator offered them: she is free then.
    pub preferred: Weekly,
    /// School weeks or holidays.
    pub period: Period,
    /// Who attends.
    pub audience: Audience,
    /// The farthest a child's home may be from the site, by road.
    pub max_distance: Meters,
}

/// A child oriented to an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Orientation {
    /// The child (index into [`Problem::children`]).
    pub child: usize,
    /// The action (index into [`Problem::actions`]).
    pub action: usize,
    /// The EPS marked her as a priority.
    pub priority: bool,
    /// The day she was oriented, as a day index (negative: before day 0).
    pub oriented: i64,
    /// The group of [`Term::kept`] she is in, if any.
    pub kept: Option<usize>,
}

/// Where and when a group meets: its start, site and dates (the same start on each).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupSlot {
    /// Its weekday (0 = Monday) for an action of the school weeks, `None` for one of the
    /// holidays (its sessions follow one another day by day).
    pub weekday: Option<usize>,
    /// Start of each session, minutes from midnight.
    pub start: Minutes,
    /// The site (index into [`Problem::sites`]).
    pub site: usize,
    /// The days of its sessions (indices into [`Problem::days`]), ascending.
    pub days: Vec<usize>,
}

/// A group of a previous plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// Its action.
    pub action: usize,
    /// Its slot.
    pub slot: GroupSlot,
    /// Running (its first session is before the first day open to planning): it stays as it
    /// is, with its children, whatever the rules say now. Otherwise it is planned: it stays
    /// while it pays, [`Weights::moved`] costing each change.
    pub exact: bool,
}

/// Weights of the soft rules, in minutes as of travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    /// A child oriented and not enrolled.
    pub not_enrolled: i64,
    /// The factor on [`Weights::not_enrolled`] for a priority.
    pub priority_factor: i64,
    /// Added to [`Weights::not_enrolled`] for each week she has waited since her orientation.
    pub waiting_per_week: i64,
    /// Each pair of siblings oriented to one action and not in the same group.
    pub siblings_split: i64,
    /// Each minute a family travels to a session and back.
    pub family_travel_per_minute: i64,
    /// Each minute the facilitator travels to a session and back.
    pub facilitator_travel_per_minute: i64,
    /// Each session outside the action's preferred times.
    pub outside_preferred: i64,
    /// Each planned group, and each child's enrolment, of the previous plan that moved.
    pub moved: i64,
}

impl Default for Weights {
    /// A child not enrolled weighs more than any family's travel to the farthest site could
    /// (30 hours); a priority twice that; each week waited a hundredth more. A pair of siblings
    /// split weighs ten hours; a session outside the preferred times an hour. Holding a planned
    /// group or enrolment still weighs more than a session's travel.
    fn default() -> Weights {
        Weights {
            not_enrolled: 1_800,
            priority_factor: 2,
            waiting_per_week: 18,
            siblings_split: 600,
            family_travel_per_minute: 1,
            facilitator_travel_per_minute: 1,
            outside_preferred: 60,
            moved: 300,
        }
    }
}

/// Everything a problem is made of.
#[derive(Debug, Clone, Default)]
pub struct Term {
    /// The days, day 0 first.
    pub days: Vec<Day>,
    /// The first day open to new groups.
    pub first_day: usize,
    /// The facilitators.
    pub people: Vec<Person>,
    /// The sites.
    pub sites: Vec<Site>,
    /// The children.
    pub children: Vec<Child>,
    /// The actions.
    pub actions: Vec<Action>,
    /// The orientations, each (child, action) once.
    pub orientations: Vec<Orientation>,
    /// The groups of a previous plan.
    pub kept: Vec<Kept>,
    /// The families' travel mode: index into the travel sources given to [`Problem::new`].
    pub family_travel: usize,
    /// The weights.
    pub weights: Weights,
}

/// A validated workshops problem.
pub struct Problem<'t> {
    term: Term,
    travels: Vec<&'t dyn TravelTimes>,
    /// Per action: its options, the kept slots first.
    options: Vec<Vec<GroupSlot>>,
    /// Per orientation: whether some slot keeping the rules of the group alone has her free
    /// (within distance, in time), however few others could join it.
    reachable: Vec<bool>,
}

impl fmt::Debug for Problem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Problem")
            .field("days", &self.term.days.len())
            .field("actions", &self.term.actions.len())
            .field("orientations", &self.term.orientations.len())
            .finish_non_exhaustive()
    }
}

fn check_stretches(
    stretches: &[Stretch],
    item: &'static str,
    index: usize,
    field: &'static str,
) -> Result<(), InputError> {
    if stretches.iter().any(|s| s.end <= s.start) {
        return Err(InputError::new(item, index, field, "fin avant le début"));
    }
    if stretches.windows(2).any(|w| w[1].start < w[0].start) {
        return Err(InputError::new(item, index, field, "périodes non triées"));
    }
    Ok(())
}

impl<'t> Problem<'t> {
    /// Validates and builds a problem, and lists each action's options.
    ///
    /// # Errors
    /// [`InputError`] naming the day, person, site, child, action, orientation or kept group
    /// and the field: days not consecutive, hours not sorted or overlapping, an index that does
    /// not exist, an action without a site or session, a size or age range upside down, a
    /// length not inside a day, a (child, action) oriented twice, a kept slot outside the
    /// horizon or of another action.
    pub fn new(term: Term, travels: Vec<&'t dyn TravelTimes>) -> Result<Problem<'t>, InputError> {
        let t = &term;
        for (i, d) in t.days.iter().enumerate() {
            if d.weekday > 6 || (i > 0 && d.weekday != (t.days[i - 1].weekday + 1) % 7) {
                return Err(InputError::new(
                    "jour",
                    i,
                    "jour de la semaine",
                    "jours non consécutifs",
                ));
            }
        }
        let locations = travels.iter().map(|t| t.len()).min().unwrap_or(0);
        if t.family_travel >= travels.len() {
            return Err(InputError::new(
                "familles",
                0,
                "mode de déplacement",
                "inconnu",
            ));
        }
        for (i, p) in t.people.iter().enumerate() {
            check_week(&p.available, "personne", i, "disponibilités")?;
            check_stretches(&p.away, "personne", i, "indisponibilités")?;
            if p.travel >= travels.len() {
                return Err(InputError::new(
                    "personne",
                    i,
                    "mode de déplacement",
                    "inconnu",
                ));
            }
            if p.base.is_some_and(|b| b.index() >= locations) {
                return Err(InputError::new(
                    "personne",
                    i,
                    "base",
                    "lieu hors des trajets",
                ));
            }
        }
        for (i, s) in t.sites.iter().enumerate() {
            check_week(&s.opening, "lieu", i, "horaires d'ouverture")?;
            check_stretches(&s.closed, "lieu", i, "fermetures")?;
            if s.location.index() >= locations {
                return Err(InputError::new(
                    "lieu",
                    i,
                    "emplacement",
                    "lieu hors des trajets",
                ));
            }
        }
        for (i, c) in t.children.iter().enumerate() {
            check_week(&c.school_weeks, "enfant", i, "temps libre")?;
            check_week(&c.holidays, "enfant", i, "temps libre des vacances")?;
            if c.home.index() >= locations {
                return Err(InputError::new(
                    "enfant",
                    i,
                    "domicile",
                    "lieu hors des trajets",
                ));
            }
        }
        for (i, a) in t.actions.iter().enumerate() {
            if a.facilitator >= t.people.len() {
                return Err(InputError::new(
                    "action",
                    i,
                    "animateur",
                    "personne inexistante",
                ));
            }
            if a.sites.is_empty() {
                return Err(InputError::new("action", i, "lieux", "aucun lieu"));
            }
            if a.sites.iter().any(|&s| s >= t.sites.len()) {
                return Err(InputError::new("action", i, "lieux", "lieu inexistant"));
            }
            if a.sessions == 0 || a.sessions > 60 {
                return Err(InputError::new("action", i, "séances", "hors de 1 à 60"));
            }
            if a.duration.0 <= 0 || a.duration.0 > DAY {
                return Err(InputError::new("action", i, "durée", "hors d'une journée"));
            }
            if a.size.0 == 0 || a.size.0 > a.size.1 {
                return Err(InputError::new(
                    "action",
                    i,
                    "taille",
                    "minimum nul ou au-dessus du maximum",
                ));
            }
            if a.ages.0 > a.ages.1 {
                return Err(InputError::new(
                    "action",
                    i,
                    "âges",
                    "minimum au-dessus du maximum",
                ));
            }
            check_week(&a.preferred, "action", i, "créneaux")?;
        }
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (i, o) in t.orientations.iter().enumerate() {
            if o.child >= t.children.len() {
                return Err(InputError::new("orientation", i, "enfant", "inexistant"));
            }
            if o.action >= t.actions.len() {
                return Err(InputError::new("orientation", i, "action", "inexistante"));
            }
            if o.kept
                .is_some_and(|k| k >= t.kept.len() || t.kept[k].action != o.action)
            {
                return Err(InputError::new(
                    "orientation",
                    i,
                    "groupe",
                    "groupe inexistant ou d'une autre action",
                ));
            }
            pairs.push((o.child, o.action));
        }
        pairs.sort_unstable();
        if let Some(w) = pairs.windows(2).position(|w| w[0] == w[1]) {
            return Err(InputError::new(
                "orientation",
                w,
                "enfant",
                "orienté deux fois vers la même action",
            ));
        }
        for (i, k) in t.kept.iter().enumerate() {
            if k.action >= t.actions.len() {
                return Err(InputError::new("groupe", i, "action", "inexistante"));
            }
            let action = &t.actions[k.action];
            let s = &k.slot;
            if s.site >= t.sites.len()
                || s.days.is_empty()
                || s.days.iter().any(|&d| d >= t.days.len())
                || s.days.windows(2).any(|w| w[1] <= w[0])
            {
                return Err(InputError::new("groupe", i, "créneau", "hors de l'horizon"));
            }
            if s.start.0 < 0 || s.start.0 + action.duration.0 > DAY {
                return Err(InputError::new("groupe", i, "début", "hors de la journée"));
            }
        }
        let mut problem = Problem {
            term,
            travels,
            options: Vec::new(),
            reachable: Vec::new(),
        };
        (problem.options, problem.reachable) = options::all(&problem);
        Ok(problem)
    }

    /// The days.
    pub fn days(&self) -> &[Day] {
        &self.term.days
    }

    /// The first day open to new groups.
    pub fn first_day(&self) -> usize {
        self.term.first_day
    }

    /// The facilitators.
    pub fn people(&self) -> &[Person] {
        &self.term.people
    }

    /// The sites.
    pub fn sites(&self) -> &[Site] {
        &self.term.sites
    }

    /// The children.
    pub fn children(&self) -> &[Child] {
        &self.term.children
    }

    /// The actions.
    pub fn actions(&self) -> &[Action] {
        &self.term.actions
    }

    /// The orientations.
    pub fn orientations(&self) -> &[Orientation] {
        &self.term.orientations
    }

    /// The groups of the previous plan.
    pub fn kept(&self) -> &[Kept] {
        &self.term.kept
    }

    /// The weights.
    pub fn weights(&self) -> Weights {
        self.term.weights
    }

    /// The options of action `a`: the slots a group may take, keeping every hard rule that
    /// concerns the group alone ([`Problem::dates_follow`], [`Problem::site_allows`],
    /// [`Problem::facilitator_free`]) — the kept groups' slots first, whatever the rules say.
    pub fn options(&self, a: usize) -> &[GroupSlot] {
        &self.options[a]
    }

    /// Whether some slot that keeps the rules of the group alone has orientation `o`'s child
    /// free, near enough and oriented in time, however few others could join it.
    pub fn reachable(&self, o: usize) -> bool {
        self.reachable[o]
    }

    /// End of a session of action `a` starting at `start`.
    pub fn end(&self, a: usize, start: Minutes) -> Minutes {
        start + self.term.actions[a].duration
    }

    /// Hard rule: a group's dates follow one another. For an action of the school weeks, its
    /// sessions fall on the slot's weekday of consecutive school weeks: each a school day, no
    /// school day of that weekday skipped between two of them (a public holiday is skipped, the
    /// holidays pause the cycle). For an action of the holidays, on consecutive weekdays
    /// (Monday to Friday) of one holiday period, none skipped but public holidays. As many as
    /// the action's sessions, from the first day open to planning.
    pub fn dates_follow(&self, a: usize, slot: &GroupSlot) -> bool {
        let action = &self.term.actions[a];
        let days = &self.term.days;
        if slot.days.len() != action.sessions
            || slot.days.first().is_none_or(|&d| d < self.term.first_day)
            || slot.days.iter().any(|&d| d >= days.len())
            || slot.days.windows(2).any(|w| w[1] <= w[0])
        {
            return false;
        }
        match (action.period, slot.weekday) {
            (Period::School, Some(weekday)) => {
                let fits = |d: usize| days[d].weekday == weekday && days[d].kind == DayKind::School;
                slot.days.iter().all(|&d| fits(d))
                    && slot.days.windows(2).all(|w| !(w[0] + 1..w[1]).any(&fits))
            }
            (Period::Holidays, None) => {
                let DayKind::Holiday(period) = days[slot.days[0]].kind else {
                    return false;
                };
                let fits =
                    |d: usize| days[d].weekday < 5 && days[d].kind == DayKind::Holiday(period);
                slot.days.iter().all(|&d| fits(d))
                    && slot.days.windows(2).all(|w| !(w[0] + 1..w[1]).any(&fits))
            }
            _ => false,
        }
    }

    /// Hard rule: a group holds between the action's least and most children.
    pub fn size_allows(&self, a: usize, children: usize) -> bool {
        let (min, max) = self.term.actions[a].size;
        (min as usize..=max as usize).contains(&children)
    }

    /// Hard rule: the child of orientation `o` is inside the action's age range.
    pub fn age_allows(&self, o: usize) -> bool {
        let or = &self.term.orientations[o];
        let (min, max) = self.term.actions[or.action].ages;
        (min..=max).contains(&self.term.children[or.child].age)
    }

    /// Hard rule: the child of orientation `o` is free at every session of `slot` (always, for
    /// a parents' group): her free time of school weeks on school days, of the holidays on
    /// holidays.
    pub fn child_free(&self, o: usize, slot: &GroupSlot) -> bool {
        let or = &self.term.orientations[o];
        let action = &self.term.actions[or.action];
        if action.audience == Audience::Parents {
            return true;
        }
        let child = &self.term.children[or.child];
        let end = slot.start + action.duration;
        slot.days.iter().all(|&d| {
            let day = self.term.days[d];
            let week = match day.kind {
                DayKind::School => &child.school_weeks,
                DayKind::Holiday(_) => &child.holidays,
                DayKind::Closed => return false,
            };
            covers(&week[day.weekday], slot.start, end)
        })
    }

    /// Hard rule: a child joins only a group whose first session is on or after the day she
    /// was oriented.
    pub fn oriented_in_time(&self, o: usize, slot: &GroupSlot) -> bool {
        slot.days
            .first()
            .is_some_and(|&d| d as i64 >= self.term.orientations[o].oriented)
    }

    /// The road distance from the home of orientation `o`'s child to site `s`.
    pub fn distance(&self, o: usize, s: usize) -> Meters {
        let child = &self.term.children[self.term.orientations[o].child];
        self.travels[self.term.family_travel]
            .leg(child.home, self.term.sites[s].location)
            .meters
    }

    /// Hard rule: the child's home is within the action's distance of the site, by road.
    pub fn within_distance(&self, o: usize, s: usize) -> bool {
        let action = &self.term.actions[self.term.orientations[o].action];
        self.distance(o, s) <= action.max_distance
    }

    /// Hard rule: the site is open for every session, not closed then, and holds the largest
    /// group with its facilitator (and the parents, for a families' action).
    pub fn site_allows(&self, a: usize, slot: &GroupSlot) -> bool {
        let action = &self.term.actions[a];
        let site = &self.term.sites[slot.site];
        let headcount = match action.audience {
            Audience::Families => 2 * action.size.1 + 1,
            Audience::Children | Audience::Parents => action.size.1 + 1,
        };
        let end = slot.start + action.duration;
        site.capacity >= headcount
            && slot.days.iter().all(|&d| {
                covers(&site.opening[self.term.days[d].weekday], slot.start, end)
                    && !meets(&site.closed, d, slot.start, end)
            })
    }

    /// Hard rule: the facilitator is free at every session: inside her weekly availability or
    /// the action's preferred times (she offered them), outside her unavailability (leave,
    /// her EPS meetings, her fixed engagements).
    pub fn facilitator_free(&self, a: usize, slot: &GroupSlot) -> bool {
        let action = &self.term.actions[a];
        let person = &self.term.people[action.facilitator];
        let end = slot.start + action.duration;
        slot.days.iter().all(|&d| {
            let weekday = self.term.days[d].weekday;
            (covers(&person.available[weekday], slot.start, end)
                || covers(&action.preferred[weekday], slot.start, end))
                && !meets(&person.away, d, slot.start, end)
        })
    }

    /// Hard rule: no child, facilitator or site in two sessions at once. Whether sessions of
    /// lengths `da` and `db` at `a` and `b` on one day overlap.
    pub fn overlap(a: Minutes, da: Minutes, b: Minutes, db: Minutes) -> bool {
        a < b + db && b < a + da
    }

    /// The time from site `a` to site `b` for person `p`.
    pub fn leg(&self, p: usize, a: usize, b: usize) -> Minutes {
        let travel = self.travels[self.term.people[p].travel];
        travel
            .leg(self.term.sites[a].location, self.term.sites[b].location)
            .minutes
    }

    /// Hard rule: a facilitator with a base reaches her next session of the day in time. Whether
    /// person `p` can lead sessions at `(start, length, site)` `a` and `b` of one day.
    pub fn facilitator_compatible(
        &self,
        p: usize,
        a: (Minutes, Minutes, usize),
        b: (Minutes, Minutes, usize),
    ) -> bool {
        let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
        let gap = second.0 - (first.0 + first.1);
        gap.0 >= 0
            && (first.2 == second.2
                || self.term.people[p].base.is_none()
                || gap >= self.leg(p, first.2, second.2))
    }

    /// Soft rule: an orientation not enrolled costs [`Weights::not_enrolled`], times
    /// [`Weights::priority_factor`] for a priority, plus [`Weights::waiting_per_week`] for
    /// each week since she was oriented (to the first day open to planning).
    pub fn not_enrolled_cost(&self, o: usize) -> i64 {
        let w = self.term.weights;
        let or = &self.term.orientations[o];
        let base = if or.priority {
            w.not_enrolled * w.priority_factor
        } else {
            w.not_enrolled
        };
        let waited = (self.term.first_day as i64 - or.oriented).max(0) / 7;
        base + waited * w.waiting_per_week
    }

    /// Soft rule: the family of orientation `o` travels from home to site `s` and back each
    /// session (minutes, metres of one round trip).
    pub fn family_trip(&self, o: usize, s: usize) -> (Minutes, Meters) {
        let child = &self.term.children[self.term.orientations[o].child];
        let travel = self.travels[self.term.family_travel];
        let at = self.term.sites[s].location;
        let (go, back) = (travel.leg(child.home, at), travel.leg(at, child.home));
        (go.minutes + back.minutes, go.meters + back.meters)
    }

    /// Soft rule: the facilitator of action `a` travels from her base to site `s` and back each
    /// session (nothing when she has no base).
    pub fn facilitator_trip(&self, a: usize, s: usize) -> (Minutes, Meters) {
        let person = &self.term.people[self.term.actions[a].facilitator];
        let Some(base) = person.base else {
            return (Minutes::ZERO, Meters::ZERO);
        };
        let travel = self.travels[person.travel];
        let at = self.term.sites[s].location;
        let (go, back) = (travel.leg(base, at), travel.leg(at, base));
        (go.minutes + back.minutes, go.meters + back.meters)
    }

    /// Soft rule: the sessions of `slot` outside the action's preferred times, each costing
    /// [`Weights::outside_preferred`].
    pub fn outside_preferred(&self, a: usize, slot: &GroupSlot) -> usize {
        let action = &self.term.actions[a];
        let end = slot.start + action.duration;
        slot.days
            .iter()
            .filter(|&&d| {
                !covers(
                    &action.preferred[self.term.days[d].weekday],
                    slot.start,
                    end,
                )
            })
            .count()
    }

    /// What a group of action `a` at `slot` costs by itself: the facilitator's travel and the
    /// sessions outside the preferred times.
    pub fn group_cost(&self, a: usize, slot: &GroupSlot) -> (i64, i64) {
        let w = self.term.weights;
        let sessions = slot.days.len() as i64;
        let travel =
            self.facilitator_trip(a, slot.site).0.0 * sessions * w.facilitator_travel_per_minute;
        let outside = self.outside_preferred(a, slot) as i64 * w.outside_preferred;
        (travel, outside)
    }

    /// What enrolling orientation `o` in a group at `slot` costs: her family's travel.
    pub fn enrolment_cost(&self, o: usize, slot: &GroupSlot) -> i64 {
        self.family_trip(o, slot.site).0.0
            * slot.days.len() as i64
            * self.term.weights.family_travel_per_minute
    }

    /// Whether orientation `o`'s child may join a group at `slot` of her action, by the rules
    /// that concern her alone: age, distance, free time, oriented in time.
    pub fn may_join(&self, o: usize, slot: &GroupSlot) -> bool {
        self.age_allows(o)
            && self.within_distance(o, slot.site)
            && self.child_free(o, slot)
            && self.oriented_in_time(o, slot)
    }

    /// Pairs of orientations of siblings to one action, each pair once, lower index first.
    pub fn sibling_pairs(&self) -> Vec<(usize, usize)> {
        let t = &self.term;
        let mut pairs = Vec::new();
        for (i, a) in t.orientations.iter().enumerate() {
            for (j, b) in t.orientations.iter().enumerate().skip(i + 1) {
                if a.action == b.action && t.children[a.child].family == t.children[b.child].family
                {
                    pairs.push((i, j));
                }
            }
        }
        pairs
    }
}

/// Whether one of `spans` holds `[start, end)`.
fn covers(spans: &[crate::rota::Span], start: Minutes, end: Minutes) -> bool {
    spans.iter().any(|s| s.start <= start && end <= s.end)
}

/// Whether one of `stretches` meets `[start, end)` of `day`.
fn meets(stretches: &[Stretch], day: usize, start: Minutes, end: Minutes) -> bool {
    let base = Minutes(day as i64 * DAY);
    stretches
        .iter()
        .any(|s| s.overlaps(base + start, base + end))
}

/// A soft rule of the workshops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Oriented children not enrolled, by priority and waiting time.
    NotEnrolled,
    /// Siblings oriented to one action split across groups.
    SiblingsSplit,
    /// Families' travel to the sites.
    FamilyTravel,
    /// Facilitators' travel to the sites.
    FacilitatorTravel,
    /// Sessions outside the preferred times.
    OutsidePreferred,
    /// Planned groups and enrolments of the previous plan that moved.
    Moved,
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 6] = [
        Rule::NotEnrolled,
        Rule::SiblingsSplit,
        Rule::FamilyTravel,
        Rule::FacilitatorTravel,
        Rule::OutsidePreferred,
        Rule::Moved,
    ];

    /// Stable key for JSON.
    pub const fn key(self) -> &'static str {
        match self {
            Rule::NotEnrolled => "not_enrolled",
            Rule::SiblingsSplit => "siblings_split",
            Rule::FamilyTravel => "family_travel",
            Rule::FacilitatorTravel => "facilitator_travel",
            Rule::OutsidePreferred => "outside_preferred",
            Rule::Moved => "moved",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::NotEnrolled => "enfants orientés non inscrits",
            Rule::SiblingsSplit => "fratries séparées",
            Rule::FamilyTravel => "trajets des familles",
            Rule::FacilitatorTravel => "trajets des animateurs",
            Rule::OutsidePreferred => "séances hors des créneaux souhaités",
            Rule::Moved => "groupes et inscriptions déplacés",
        })
    }
}

/// A group of the solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its action.
    pub action: usize,
    /// Its slot.
    pub slot: GroupSlot,
    /// Its children: orientation indices, ascending.
    pub orientations: Vec<usize>,
}

/// An orientation not enrolled, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unenrolled {
    /// The orientation.
    pub orientation: usize,
    /// Why: [`UnmetReason::OutsideAgeRange`], [`UnmetReason::TooFarFromSites`],
    /// [`UnmetReason::OrientedTooLate`], [`UnmetReason::NeverFreeAtSlots`],
    /// [`UnmetReason::WorkshopNotOpened`], [`UnmetReason::GroupsFull`],
    /// [`UnmetReason::WorkshopClash`], [`UnmetReason::NoGroupWhenFree`] or
    /// [`UnmetReason::NotWorthIt`].
    pub reason: UnmetReason,
    /// The action's site nearest to her home, and its distance.
    pub nearest: Option<(usize, Meters)>,
    /// For a clash, the other orientation of hers whose group takes the time.
    pub other: Option<usize>,
}

/// What a solve did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Relative gap HiGHS proved; 0 when nothing was left to decide, infinite when no bound was
    /// proved.
    pub gap: f64,
    /// Group options over all actions.
    pub options: usize,
    /// Columns of the model.
    pub variables: usize,
    /// Rows of the model.
    pub rows: usize,
}

/// The outcome of a solve.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The groups opened, by action, then first day, then start, then site.
    pub groups: Vec<Group>,
    /// Per orientation: the group she is in (index into `groups`).
    pub enrolled: Vec<Option<usize>>,
    /// Orientations not enrolled, by orientation.
    pub unenrolled: Vec<Unenrolled>,
    /// Cost per rule, recomputed from the groups, in [`Rule::ALL`] order.
    pub costs: Vec<RuleCost<Rule>>,
    /// What the solve did.
    pub stats: Stats,
    /// Why it stopped.
    pub stop: StopReason,
}

impl Solution {
    /// Total cost.
    pub fn cost(&self) -> Cost {
        cost::total(&self.costs)
    }

    /// Cost of one rule.
    pub fn cost_of(&self, rule: Rule) -> Cost {
        cost::cost_of(&self.costs, rule)
    }
}

/// The relative gap the workshops are solved to: 1 %. Reached before the time limit, the solve
/// is the same on an idle or a loaded machine (one thread, a fixed seed).
pub const REL_GAP: f64 = 1e-2;

/// Solves `problem` within `params`: the MILP on HiGHS, one thread, `params.seed`, started from
/// a greedy plan (each time the group that saves the most), to a proven relative gap of
/// [`REL_GAP`] of the plan's whole cost or the time limit. Never fails: should HiGHS fail on the model
/// (a bug, asserted in debug builds) or stop without a solution, the groups are those of
/// [`baseline::solve`], with the stop reason saying so.
pub fn solve(problem: &Problem<'_>, params: &Params<'_>) -> Solution {
    let (groups, gap, stop, size) = model::solve(problem, params);
    finish(problem, groups, gap, stop, size)
}

/// The solution of `groups` (each with its slot and children): sorted, costed, explained.
pub(crate) fn finish(
    problem: &Problem<'_>,
    mut groups: Vec<Group>,
    gap: f64,
    stop: StopReason,
    size: (usize, usize),
) -> Solution {
    for g in &mut groups {
        g.orientations.sort_unstable();
    }
    groups.sort_by(|a, b| {
        (a.action, &a.slot.days, a.slot.start, a.slot.site).cmp(&(
            b.action,
            &b.slot.days,
            b.slot.start,
            b.slot.site,
        ))
    });
    let mut enrolled = vec![None; problem.orientations().len()];
    for (g, group) in groups.iter().enumerate() {
        for &o in &group.orientations {
            enrolled[o] = Some(g);
        }
    }
    let costs = check::costs(problem, &groups, &enrolled);
    let unenrolled = (0..problem.orientations().len())
        .filter(|&o| enrolled[o].is_none())
        .map(|o| options::explain(problem, &groups, &enrolled, o))
        .collect();
    let solution = Solution {
        groups,
        enrolled,
        unenrolled,
        costs,
        stats: Stats {
            gap,
            options: problem.options.iter().map(Vec::len).sum(),
            variables: size.0,
            rows: size.1,
        },
        stop,
    };
    debug_assert!(
        check::check(problem, &solution).is_ok(),
        "BUG: a workshops solution breaks its rules: {:?}",
        check::check(problem, &solution)
    );
    solution
}
