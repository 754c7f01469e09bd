//! The meetings of a school year: when and where each EPS (équipe pluridisciplinaire de
//! soutien) meets, with everyone it needs (MILP on HiGHS through `good_lp`, time-indexed).
//!
//! A [`Group`] (an EPS) has members, each required or invited, the sites where it may meet
//! (its usual one first) and its meetings' length; its [`Meeting`]s are listed in the order
//! they should follow one another over the year. The calendar is a list of [`Day`]s: which are
//! school days, and the period between holidays each falls in.
//!
//! Hard rules, each stated by a method of [`Problem`]:
//! - on a school day, from the first day open to planning: [`Problem::plannable_day`];
//! - inside each required member's weekly availability and outside her unavailability:
//!   [`Problem::is_free`];
//! - inside the group's own hours, if it sets them: [`Problem::within_group_hours`];
//! - the site open, not closed, big enough for every member: [`Problem::site_open`],
//!   [`Problem::site_fits`];
//! - no person in two meetings at once, a site holds one meeting at a time, and a person who
//!   drives (she has a base) reaches her next meeting that day: [`Problem::compatible`];
//! - one meeting of a group per period between holidays, or the least spacing it asks:
//!   [`Problem::spacing_allows`], each meeting inside its window of periods
//!   ([`Problem::window`]);
//! - a meeting kept ([`Keep::Exact`]: held or confirmed) stays where it is; one to hold still
//!   ([`Keep::Still`]) stays while its slot keeps every rule.
//!
//! Soft rules ([`Rule`]), in one currency (minutes, as of driving):
//! - invited members absent, per person: [`Problem::invited_absent_cost`];
//! - uneven spacing: days away from the evenly spread date, [`Problem::spacing_cost`];
//! - driving of those with a base (coordinators, référents): a round trip from the base to each
//!   site per half-day, [`Problem::round_trip`];
//! - one person's meetings in one half-day in different communes:
//!   [`Problem::communes_cost`];
//! - a meeting away from the group's usual site: [`Problem::site_cost`];
//! - meetings left unplaced: [`Weights::unmet`].
//!
//! Why a meeting is not placed names who or what: [`Unmet`]. Checker: [`check::check`].
//! Solve: [`solve`]; what a poll does, for comparison: [`baseline::solve`].

pub mod baseline;
mod candidates;
pub mod check;
mod model;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::cost::{self, RuleCost};
use crate::error::InputError;
use crate::ids::LocationIdx;
use crate::limits::{Params, StopReason};
use crate::rota::{DAY, Span, Weekly, check_week};
use crate::travel::TravelTimes;
use crate::units::{Cost, Minutes};
use crate::unmet::UnmetReason;

pub use candidates::Candidate;

/// Start times are tried every this many minutes inside each common stretch (and the last start
/// that still fits).
pub const GRID: i64 = 30;

/// Noon and a half: a meeting starting before 13:00 is a morning one.
pub const AFTERNOON: i64 = 13 * 60;

/// One day of the horizon, day 0 first, consecutive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    /// Day of the week, 0 = Monday.
    pub weekday: usize,
    /// A school day: not a weekend, not in the school holidays, not a public holiday.
    pub school: bool,
    /// The period between holidays it falls in (0 from September), for school days.
    pub period: usize,
}

/// A stretch of the horizon, minutes from day 0's midnight, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stretch {
    /// Start, included.
    pub start: Minutes,
    /// End, excluded.
    pub end: Minutes,
}

impl Stretch {
    /// From `start` to `end`.
    pub const fn new(start: Minutes, end: Minutes) -> Stretch {
        Stretch { start, end }
    }

    /// Whether it meets `[start, end)`.
    pub fn overlaps(&self, start: Minutes, end: Minutes) -> bool {
        self.start < end && start < self.end
    }
}

/// A person: a partner professional, a coordinator, a référent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// When she can attend, each week.
    pub available: Weekly,
    /// When she cannot (training, leave, a school trip, her other commitments), sorted.
    pub away: Vec<Stretch>,
    /// Where she drives from and back to, for those whose driving counts (coordinators,
    /// référents); `None` for the others.
    pub base: Option<LocationIdx>,
    /// Her travel mode: index into the travel sources given to [`Problem::new`].
    pub travel: usize,
}

/// A site where meetings are held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Where it is.
    pub location: LocationIdx,
    /// Its commune, an index chosen by the caller.
    pub commune: usize,
    /// People it holds.
    pub capacity: u32,
    /// Opening hours, each week.
    pub opening: Weekly,
    /// When it is closed besides (works), sorted.
    pub closed: Vec<Stretch>,
}

/// A member of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// The person (index into [`Problem::people`]).
    pub person: usize,
    /// Her presence is required; otherwise she is invited (wished).
    pub required: bool,
}

/// How far apart a group's meetings must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spacing {
    /// At most one meeting per period between holidays.
    OnePerPeriod,
    /// At least this many days between two meetings.
    MinDays(u32),
}

/// A group that meets: an EPS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its members, each person once.
    pub members: Vec<Member>,
    /// Sites where it may meet (indices into [`Problem::sites`]), its usual one first.
    pub sites: Vec<usize>,
    /// When it meets, if it restricts it (lunch time).
    pub hours: Option<Weekly>,
    /// Length of a meeting.
    pub duration: Minutes,
    /// How far apart its meetings are.
    pub spacing: Spacing,
}

/// Where and when a meeting is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    /// The day (index into [`Problem::days`]).
    pub day: usize,
    /// Its start, minutes from that day's midnight.
    pub start: Minutes,
    /// The site (index into [`Problem::sites`]).
    pub site: usize,
}

/// What a plan keeps of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Place it anywhere.
    Free,
    /// Held or confirmed: it stays at this slot whatever the rules say now.
    Exact(Slot),
    /// Planned before: it stays at this slot while the slot keeps every hard rule and meets no
    /// kept meeting; otherwise it is placed again.
    Still(Slot),
}

/// One meeting of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// Its group (index into [`Problem::groups`]).
    pub group: usize,
    /// What the plan keeps of it.
    pub keep: Keep,
    /// Slots it may not take (a meeting cancelled there).
    pub refused: Vec<Slot>,
}

/// Weights of the soft rules, in minutes as of driving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    /// Each invited member absent from a meeting.
    pub invited_absent: i64,
    /// Each day a meeting is away from its evenly spread date.
    pub spacing_per_day: i64,
    /// Each minute of driving.
    pub driving_per_minute: i64,
    /// Each commune beyond the first in one person's half-day.
    pub communes: i64,
    /// A meeting away from its group's usual site.
    pub other_site: i64,
    /// A meeting left unplaced.
    pub unmet: i64,
}

impl Default for Weights {
    /// An invited member's absence weighs an hour of driving; a meeting three weeks from its
    /// evenly spread date weighs about one absence; a second commune in a half-day half an
    /// hour; meeting away from the usual site a quarter of an hour; a meeting unplaced more
    /// than all of these together can.
    fn default() -> Weights {
        Weights {
            invited_absent: 60,
            spacing_per_day: 3,
            driving_per_minute: 1,
            communes: 30,
            other_site: 15,
            unmet: 100_000,
        }
    }
}

/// A validated meetings problem.
pub struct Problem<'t> {
    days: Vec<Day>,
    first_day: usize,
    people: Vec<Person>,
    sites: Vec<Site>,
    groups: Vec<Group>,
    meetings: Vec<Meeting>,
    weights: Weights,
    travels: Vec<&'t dyn TravelTimes>,
    /// Per meeting: its rank among its group's meetings and their number.
    ranks: Vec<(usize, usize)>,
    /// Per meeting: its evenly spread date (a day index).
    targets: Vec<usize>,
    /// Periods holding at least one school day, ascending.
    periods: Vec<usize>,
}

impl fmt::Debug for Problem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Problem")
            .field("days", &self.days.len())
            .field("first_day", &self.first_day)
            .field("people", &self.people.len())
            .field("sites", &self.sites.len())
            .field("groups", &self.groups.len())
            .field("meetings", &self.meetings.len())
            .finish_non_exhaustive()
    }
}

/// Everything a problem is made of.
#[derive(Debug, Clone, Default)]
pub struct Year {
    /// The days, day 0 first.
    pub days: Vec<Day>,
    /// The first day new meetings may take (planning the rest of a year already begun).
    pub first_day: usize,
    /// The people.
    pub people: Vec<Person>,
    /// The sites.
    pub sites: Vec<Site>,
    /// The groups.
    pub groups: Vec<Group>,
    /// The meetings, each group's in the order they follow one another.
    pub meetings: Vec<Meeting>,
    /// The weights.
    pub weights: Weights,
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
    /// Validates and builds a problem.
    ///
    /// # Errors
    /// [`InputError`] naming the day, person, site, group or meeting and the field: a weekday
    /// out of range, hours not sorted or overlapping, stretches ending before they start, an
    /// index that does not exist, a group without a site or with a member twice, a duration not
    /// positive, a kept slot outside the horizon.
    pub fn new(year: Year, travels: Vec<&'t dyn TravelTimes>) -> Result<Problem<'t>, InputError> {
        let Year {
            days,
            first_day,
            people,
            sites,
            groups,
            meetings,
            weights,
        } = year;
        for (i, d) in days.iter().enumerate() {
            if d.weekday > 6 {
                return Err(InputError::new(
                    "jour",
                    i,
                    "jour de la semaine",
                    "hors de 0 à 6",
                ));
            }
            if i > 0 && d.weekday != (days[i - 1].weekday + 1) % 7 {
                return Err(InputError::new(
                    "jour",
                    i,
                    "jour de la semaine",
                    "jours non consécutifs",
                ));
            }
        }
        let locations = travels.iter().map(|t| t.len()).min().unwrap_or(0);
        for (i, p) in people.iter().enumerate() {
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
        for (i, s) in sites.iter().enumerate() {
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
        for (i, g) in groups.iter().enumerate() {
            if g.sites.is_empty() {
                return Err(InputError::new("groupe", i, "lieux", "aucun lieu"));
            }
            if g.sites.iter().any(|&s| s >= sites.len()) {
                return Err(InputError::new("groupe", i, "lieux", "lieu inexistant"));
            }
            if g.members.iter().any(|m| m.person >= people.len()) {
                return Err(InputError::new(
                    "groupe",
                    i,
                    "membres",
                    "personne inexistante",
                ));
            }
            let mut persons: Vec<usize> = g.members.iter().map(|m| m.person).collect();
            persons.sort_unstable();
            if persons.windows(2).any(|w| w[0] == w[1]) {
                return Err(InputError::new(
                    "groupe",
                    i,
                    "membres",
                    "personne en double",
                ));
            }
            if g.members.len() > 64 {
                return Err(InputError::new(
                    "groupe",
                    i,
                    "membres",
                    "plus de 64 membres",
                ));
            }
            if g.duration.0 <= 0 || g.duration.0 > DAY {
                return Err(InputError::new("groupe", i, "durée", "hors d'une journée"));
            }
            if let Some(hours) = &g.hours {
                check_week(hours, "groupe", i, "horaires")?;
            }
        }
        let in_horizon = |slot: &Slot| slot.day < days.len() && slot.site < sites.len();
        for (i, m) in meetings.iter().enumerate() {
            if m.group >= groups.len() {
                return Err(InputError::new("réunion", i, "groupe", "inexistant"));
            }
            match &m.keep {
                Keep::Exact(slot) | Keep::Still(slot) if !in_horizon(slot) => {
                    return Err(InputError::new("réunion", i, "créneau", "hors de l'année"));
                }
                Keep::Exact(slot) | Keep::Still(slot)
                    if slot.start.0 < 0 || slot.start.0 + groups[m.group].duration.0 > DAY =>
                {
                    return Err(InputError::new("réunion", i, "début", "hors de la journée"));
                }
                _ => {}
            }
        }
        let mut count = vec![0usize; groups.len()];
        let ranks = meetings
            .iter()
            .map(|m| {
                count[m.group] += 1;
                count[m.group] - 1
            })
            .collect::<Vec<_>>()
            .into_iter()
            .zip(&meetings)
            .map(|(k, m)| (k, count[m.group]))
            .collect::<Vec<_>>();
        let school: Vec<usize> = (0..days.len()).filter(|&d| days[d].school).collect();
        let targets = ranks
            .iter()
            .map(|&(k, n)| {
                if school.is_empty() {
                    0
                } else {
                    school[((2 * k + 1) * school.len() / (2 * n)).min(school.len() - 1)]
                }
            })
            .collect();
        let mut periods: Vec<usize> = school.iter().map(|&d| days[d].period).collect();
        periods.sort_unstable();
        periods.dedup();
        Ok(Problem {
            days,
            first_day,
            people,
            sites,
            groups,
            meetings,
            weights,
            travels,
            ranks,
            targets,
            periods,
        })
    }

    /// The days.
    pub fn days(&self) -> &[Day] {
        &self.days
    }

    /// The first day open to new meetings.
    pub fn first_day(&self) -> usize {
        self.first_day
    }

    /// The people.
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// The sites.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// The groups.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The meetings.
    pub fn meetings(&self) -> &[Meeting] {
        &self.meetings
    }

    /// The weights.
    pub fn weights(&self) -> Weights {
        self.weights
    }

    /// Meeting `m`'s rank among its group's meetings (0 first) and their number.
    pub fn rank(&self, m: usize) -> (usize, usize) {
        self.ranks[m]
    }

    /// Meeting `m`'s evenly spread date: the school day at `(2k + 1) / 2n` of the year's school
    /// days, for the `k`-th of `n` meetings.
    pub fn target(&self, m: usize) -> usize {
        self.targets[m]
    }

    /// The group of meeting `m`.
    pub fn group_of(&self, m: usize) -> &Group {
        &self.groups[self.meetings[m].group]
    }

    /// Hard rule: a new meeting falls on a school day (not a weekend, not in the school
    /// holidays, not a public holiday), from the first day open to planning.
    pub fn plannable_day(&self, day: usize) -> bool {
        day >= self.first_day && self.days.get(day).is_some_and(|d| d.school)
    }

    /// Hard rule: each group's meetings follow one another through the year; with
    /// [`Spacing::OnePerPeriod`] the `k`-th of `n` meetings falls in the periods `k` to
    /// `k + P - n` of the `P` periods (so that each can have one), with [`Spacing::MinDays`]
    /// within a slice of the year around its evenly spread date. Whether meeting `m` may fall
    /// on `day`.
    pub fn window(&self, m: usize, day: usize) -> bool {
        let (k, n) = self.ranks[m];
        match self.group_of(m).spacing {
            Spacing::OnePerPeriod => {
                let Some(p) = self
                    .periods
                    .iter()
                    .position(|&p| p == self.days[day].period)
                else {
                    return false;
                };
                n <= self.periods.len() && k <= p && p <= k + self.periods.len() - n
            }
            Spacing::MinDays(_) => {
                let slice = self.days.len() / n.max(1);
                self.targets[m].abs_diff(day) <= slice
            }
        }
    }

    /// Hard rule: a member is there only inside her weekly availability and outside her
    /// unavailability (whether person `p` is free on `day` from `start` to `end`, minutes of
    /// the day).
    pub fn is_free(&self, p: usize, day: usize, start: Minutes, end: Minutes) -> bool {
        let person = &self.people[p];
        covers(&person.available[self.days[day].weekday], start, end)
            && !meets(&person.away, day, start, end)
    }

    /// Hard rule: a group that sets its hours meets inside them.
    pub fn within_group_hours(
        &self,
        g: usize,
        weekday: usize,
        start: Minutes,
        end: Minutes,
    ) -> bool {
        self.groups[g]
            .hours
            .as_ref()
            .is_none_or(|hours| covers(&hours[weekday], start, end))
    }

    /// Hard rule: the site is open for the whole meeting and not closed that day (works).
    pub fn site_open(&self, s: usize, day: usize, start: Minutes, end: Minutes) -> bool {
        let site = &self.sites[s];
        covers(&site.opening[self.days[day].weekday], start, end)
            && !meets(&site.closed, day, start, end)
    }

    /// Hard rule: the site holds everyone a group's meeting brings together, its members
    /// required and invited.
    pub fn site_fits(&self, g: usize, s: usize) -> bool {
        self.sites[s].capacity as usize >= self.groups[g].members.len()
    }

    /// The time from site `a` to site `b` for person `p`.
    pub fn leg(&self, p: usize, a: usize, b: usize) -> Minutes {
        let travel = self.travels[self.people[p].travel];
        travel
            .leg(self.sites[a].location, self.sites[b].location)
            .minutes
    }

    /// Hard rule: no person in two meetings at once, and one who drives (she has a base)
    /// reaches the next one in time; a site holds one meeting at a time. Whether person `p`
    /// can be at meeting slots `a` and `b`, of lengths `da` and `db`.
    pub fn compatible(&self, p: Option<usize>, a: Slot, da: Minutes, b: Slot, db: Minutes) -> bool {
        if a.day != b.day {
            return true;
        }
        let (first, d_first, second) = if a.start <= b.start {
            (a, da, b)
        } else {
            (b, db, a)
        };
        let gap = second.start - (first.start + d_first);
        match p {
            None => gap.0 >= 0,
            Some(p) if self.people[p].base.is_some() => {
                gap.0 >= 0
                    && (first.site == second.site || gap >= self.leg(p, first.site, second.site))
            }
            Some(_) => gap.0 >= 0,
        }
    }

    /// Hard rule: with [`Spacing::OnePerPeriod`], two meetings of a group are not in the same
    /// period; with [`Spacing::MinDays`], they are at least that many days apart.
    pub fn spacing_allows(&self, g: usize, a: usize, b: usize) -> bool {
        match self.groups[g].spacing {
            Spacing::OnePerPeriod => self.days[a].period != self.days[b].period,
            Spacing::MinDays(d) => a.abs_diff(b) >= d as usize,
        }
    }

    /// Soft rule: each invited member absent costs [`Weights::invited_absent`].
    pub fn invited_absent_cost(&self, absent: usize) -> i64 {
        absent as i64 * self.weights.invited_absent
    }

    /// Soft rule: a meeting costs [`Weights::spacing_per_day`] for each day between it and its
    /// evenly spread date ([`Problem::target`]).
    pub fn spacing_cost(&self, m: usize, day: usize) -> i64 {
        self.targets[m].abs_diff(day) as i64 * self.weights.spacing_per_day
    }

    /// Soft rule: who drives (she has a base) drives a round trip from her base to each site
    /// she goes to in a half-day; what person `p` drives to site `s` and back, minutes.
    pub fn round_trip(&self, p: usize, s: usize) -> Minutes {
        let person = &self.people[p];
        let Some(base) = person.base else {
            return Minutes(0);
        };
        let travel = self.travels[person.travel];
        let at = self.sites[s].location;
        travel.leg(base, at).minutes + travel.leg(at, base).minutes
    }

    /// Soft rule: one person's meetings of a half-day in `communes` different communes cost
    /// [`Weights::communes`] for each beyond the first.
    pub fn communes_cost(&self, communes: usize) -> i64 {
        communes.saturating_sub(1) as i64 * self.weights.communes
    }

    /// Soft rule: a meeting of group `g` at site `s` other than its usual one costs
    /// [`Weights::other_site`].
    pub fn site_cost(&self, g: usize, s: usize) -> i64 {
        if self.groups[g].sites.first() == Some(&s) {
            0
        } else {
            self.weights.other_site
        }
    }

    /// Whether the slot keeps every hard rule of meeting `m` alone: a plannable day (or kept
    /// `Exact`), required members free, the group's hours, the site open and big enough.
    pub fn slot_allowed(&self, m: usize, slot: Slot) -> bool {
        let g = self.meetings[m].group;
        let group = &self.groups[g];
        let end = slot.start + group.duration;
        let weekday = self.days[slot.day].weekday;
        self.plannable_day(slot.day)
            && self.window(m, slot.day)
            && group.sites.contains(&slot.site)
            && self.within_group_hours(g, weekday, slot.start, end)
            && self.site_open(slot.site, slot.day, slot.start, end)
            && self.site_fits(g, slot.site)
            && !self.meetings[m].refused.contains(&slot)
            && group
                .members
                .iter()
                .filter(|mb| mb.required)
                .all(|mb| self.is_free(mb.person, slot.day, slot.start, end))
    }
}

/// Whether one of `spans` holds `[start, end)`.
fn covers(spans: &[Span], start: Minutes, end: Minutes) -> bool {
    spans.iter().any(|s| s.start <= start && end <= s.end)
}

/// Whether one of `stretches` meets `[start, end)` of `day`.
fn meets(stretches: &[Stretch], day: usize, start: Minutes, end: Minutes) -> bool {
    let base = Minutes(day as i64 * DAY);
    stretches
        .iter()
        .any(|s| s.overlaps(base + start, base + end))
}

/// A soft rule of the meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Invited members absent, per person.
    InvitedAbsent,
    /// Days away from the evenly spread dates.
    Spacing,
    /// Driving of those with a base: a round trip to each site per half-day.
    Driving,
    /// One person's half-day in several communes.
    Communes,
    /// Meetings away from their group's usual site.
    OtherSite,
    /// Meetings left unplaced.
    Unmet,
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 6] = [
        Rule::InvitedAbsent,
        Rule::Spacing,
        Rule::Driving,
        Rule::Communes,
        Rule::OtherSite,
        Rule::Unmet,
    ];

    /// Stable key for JSON.
    pub const fn key(self) -> &'static str {
        match self {
            Rule::InvitedAbsent => "invited_absent",
            Rule::Spacing => "spacing",
            Rule::Driving => "driving",
            Rule::Communes => "communes",
            Rule::OtherSite => "other_site",
            Rule::Unmet => "unmet",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::InvitedAbsent => "invités absents",
            Rule::Spacing => "espacement irrégulier dans l'année",
            Rule::Driving => "trajets des coordinatrices et référentes",
            Rule::Communes => "demi-journées dans plusieurs communes",
            Rule::OtherSite => "réunions hors du lieu habituel",
            Rule::Unmet => "réunions non placées",
        })
    }
}

/// A meeting left unplaced, with why and whom it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmet {
    /// The meeting.
    pub meeting: usize,
    /// Why: [`UnmetReason::NoCommonMeetingSlot`], [`UnmetReason::NoMeetingSite`],
    /// [`UnmetReason::MembersAway`], [`UnmetReason::SlotsTaken`] or
    /// [`UnmetReason::NoPeriodLeft`].
    pub reason: UnmetReason,
    /// The people it concerns (those without a common slot, those away), indices into
    /// [`Problem::people`]; empty when it concerns no one in particular.
    pub who: Vec<usize>,
}

/// Who attends a placed meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    /// Per member of its group, in the group's order: whether she is there.
    pub present: Vec<bool>,
}

/// What a solve did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Relative gap HiGHS proved (0.001 = 0.1 %); 0 when nothing was left to decide, infinite
    /// when no bound was proved.
    pub gap: f64,
    /// Candidate slots of the meetings to place.
    pub candidates: usize,
    /// Columns of the model.
    pub variables: usize,
    /// Rows of the model.
    pub rows: usize,
    /// The most invited members any plan could have present, over the meetings that can be
    /// placed: each meeting's best candidate (or its kept slot), ignoring the others. A plan
    /// at this ceiling has no invited member absent that any slot could have brought.
    pub invited_ceiling: usize,
}

/// The outcome of a solve.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The slot of each meeting, `None` when unplaced.
    pub slots: Vec<Option<Slot>>,
    /// Who attends each meeting (empty for those unplaced).
    pub attendance: Vec<Attendance>,
    /// Meetings unplaced, by meeting.
    pub unmet: Vec<Unmet>,
    /// Meetings to hold still ([`Keep::Still`]) that had to move, by index.
    pub moved: Vec<usize>,
    /// Cost per rule, recomputed from the slots, in [`Rule::ALL`] order.
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

/// The relative gap the meetings are solved to: 1 %. Reached before the time limit, the solve
/// is the same on an idle or a loaded machine (one thread, a fixed seed).
pub const REL_GAP: f64 = 1e-2;

/// Solves `problem` within `params`: kept meetings first, then the MILP over the others on
/// HiGHS, one thread, `params.seed`, to a proven relative gap of [`REL_GAP`] or the time limit.
/// Never fails: should HiGHS fail on the model (a bug, asserted in debug builds), or stop
/// without a solution, the meetings it had to place are placed by the poll of
/// [`baseline::solve`] around those kept, with the stop reason saying so.
pub fn solve(problem: &Problem<'_>, params: &Params<'_>) -> Solution {
    let fixed = candidates::keep(problem);
    let (slots, gap, stop, stats) = model::solve(problem, &fixed, params);
    finish(problem, slots, &fixed, gap, stop, stats)
}

/// [`Stats::invited_ceiling`].
fn invited_ceiling(problem: &Problem<'_>, fixed: &candidates::Fixed) -> usize {
    (0..problem.meetings().len())
        .map(|m| {
            let invited = problem
                .group_of(m)
                .members
                .iter()
                .filter(|x| !x.required)
                .count();
            let least_absent = match fixed.slots[m] {
                Some(slot) => Some(candidates::at(problem, m, slot).absent as usize),
                None => fixed.candidates[m].iter().map(|c| c.absent as usize).min(),
            };
            least_absent.map_or(0, |absent| invited - absent)
        })
        .sum()
}

/// The solution of `slots`: attendance, costs and why the unplaced are.
fn finish(
    problem: &Problem<'_>,
    slots: Vec<Option<Slot>>,
    fixed: &candidates::Fixed,
    gap: f64,
    stop: StopReason,
    stats: (usize, usize, usize),
) -> Solution {
    let attendance = check::attendance(problem, &slots);
    let costs = check::costs(problem, &slots, &attendance);
    let unmet = (0..problem.meetings().len())
        .filter(|&m| slots[m].is_none())
        .map(|m| candidates::explain(problem, fixed, m))
        .collect();
    let moved = fixed.moved.clone();
    let solution = Solution {
        slots,
        attendance,
        unmet,
        moved,
        costs,
        stats: Stats {
            gap,
            candidates: stats.0,
            variables: stats.1,
            rows: stats.2,
            invited_ceiling: invited_ceiling(problem, fixed),
        },
        stop,
    };
    debug_assert!(
        check::check(problem, &solution).is_ok(),
        "BUG: a meetings solution breaks its rules: {:?}",
        check::check(problem, &solution)
    );
    solution
}
