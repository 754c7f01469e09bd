//! A planned week as the coordinator, the feeds and the map read it: for each référent and day,
//! the ordered stops with local times and the travel between them, and the visits left unmet
//! with their reason. Built by [`super::plan_week`] from a solver solution; stored, exported
//! and compared as is.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::week::IsoWeek;

/// How a plan was made: by Parcours, or as today's practice would (to compare). Not what it
/// plans: that is its [`super::PlanKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanMethod {
    /// Parcours: optimised assignment and routes.
    Optimised,
    /// Today's practice: current assignment, first-fit by family code, no reordering.
    Baseline,
}

impl PlanMethod {
    /// Every method.
    pub const ALL: [PlanMethod; 2] = [PlanMethod::Optimised, PlanMethod::Baseline];

    /// Stable key, as stored (`optimised`, `baseline`).
    pub const fn key(self) -> &'static str {
        match self {
            PlanMethod::Optimised => "optimised",
            PlanMethod::Baseline => "baseline",
        }
    }

    /// The method of a key.
    pub fn parse(key: &str) -> Option<PlanMethod> {
        PlanMethod::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// Where a stop takes place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PlaceKind {
    /// At the family's home (domicile).
    Home,
    /// At the référent's base (her office).
    Base,
    /// At a neutral site (lieu neutre): its code and French kind label (`centre social`, …).
    Site {
        /// Site code (`LN-01`).
        code: String,
        /// French label of its kind.
        kind: String,
    },
}

impl PlaceKind {
    /// French label for calendars and summaries: `domicile`, `centre social`, …
    pub fn french(&self) -> &str {
        match self {
            PlaceKind::Home => "domicile",
            PlaceKind::Base => "bureau",
            PlaceKind::Site { kind, .. } => kind,
        }
    }
}

/// What a stop is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StopKind {
    /// A home (or neutral-site) visit to a family, by its pseudonymous code.
    Visit {
        /// Family code (`F-0001`): never a name.
        family: String,
    },
    /// An engagement fixed before planning (team or EPS meeting, workshop session, training,
    /// personal appointment): its French label, already free of personal data.
    Fixed {
        /// Label shown in the calendar (`Réunion EPS`, `Formation`).
        label: String,
        /// The agenda entry's code (`AG-001`).
        #[serde(default)]
        code: String,
        /// The référent's own appointment: it holds her time in the plan and is never
        /// published.
        #[serde(default)]
        private: bool,
        /// Published in her feed by a plan of its own (an EPS meeting of the year): her rota's
        /// calendar leaves it out, so that it shows once.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        published_apart: bool,
    },
}

/// One stop of a référent's day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    /// Stable identifier within the week, used for calendar UIDs: `visite-2026-W49-F-0001`.
    pub id: String,
    /// What it is.
    pub kind: StopKind,
    /// Local (Europe/Paris) start.
    pub start: NaiveDateTime,
    /// Local end.
    pub end: NaiveDateTime,
    /// INSEE code of the commune.
    pub commune: String,
    /// Commune name.
    pub commune_name: String,
    /// Home or neutral site.
    pub place: PlaceKind,
    /// Latitude and longitude, for the map (never written to a feed).
    pub point: (f64, f64),
    /// Travel from the previous stop (or the base), minutes.
    pub travel_minutes: i64,
    /// Travel from the previous stop (or the base), metres.
    pub travel_meters: i64,
    /// Whether the visit was confirmed and must be kept by a re-plan.
    pub confirmed: bool,
}

/// One référent's working day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayRoute {
    /// The date.
    pub date: NaiveDate,
    /// Local time she leaves her base; `None` on a day without stops.
    pub leave: Option<NaiveDateTime>,
    /// Local time she is back; `None` on a day without stops.
    pub back: Option<NaiveDateTime>,
    /// Lunch break start (local) and minutes, when the day has stops and a break.
    pub lunch: Option<(NaiveDateTime, i64)>,
    /// Stops in order.
    pub stops: Vec<Stop>,
    /// Travel from the last stop back to the base, minutes.
    pub return_minutes: i64,
    /// Travel from the last stop back to the base, metres.
    pub return_meters: i64,
}

impl DayRoute {
    /// Travel of the day, minutes, return included.
    pub fn travel_minutes(&self) -> i64 {
        self.stops.iter().map(|s| s.travel_minutes).sum::<i64>() + self.return_minutes
    }

    /// Travel of the day, metres, return included.
    pub fn travel_meters(&self) -> i64 {
        self.stops.iter().map(|s| s.travel_meters).sum::<i64>() + self.return_meters
    }
}

/// One référent's week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferentWeek {
    /// Code (`R-01`).
    pub code: String,
    /// Display name (staff, not a family).
    pub name: String,
    /// How she travels: `voiture`, `transports`, `velo`, `pied`.
    pub travel_mode: String,
    /// Her base, for the map.
    pub base: (f64, f64),
    /// Contracted minutes of the week (working hours on the days not off).
    pub working_minutes: i64,
    /// Her working days of the week, in order (holidays and absences excluded).
    pub days: Vec<DayRoute>,
}

impl ReferentWeek {
    /// Travel of the week, minutes.
    pub fn travel_minutes(&self) -> i64 {
        self.days.iter().map(DayRoute::travel_minutes).sum()
    }

    /// Travel of the week, metres.
    pub fn travel_meters(&self) -> i64 {
        self.days.iter().map(DayRoute::travel_meters).sum()
    }

    /// Visits made in the week.
    pub fn visits(&self) -> usize {
        self.days
            .iter()
            .flat_map(|d| &d.stops)
            .filter(|s| matches!(s.kind, StopKind::Visit { .. }))
            .count()
    }

    /// Minutes on site at visits and fixed appointments.
    pub fn on_site_minutes(&self) -> i64 {
        self.days
            .iter()
            .flat_map(|d| &d.stops)
            .map(|s| (s.end - s.start).num_minutes())
            .sum()
    }
}

/// A visit due this week that the plan does not make.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmetVisit {
    /// Family code.
    pub family: String,
    /// The référent who should make it, if any.
    pub referent: Option<String>,
    /// Why, in French.
    pub reason: String,
    /// What stands in the way, for grouping (plans stored before issue 15 read as `other`).
    #[serde(default)]
    pub cause: UnmetCause,
    /// Its due date (last visit + interval), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Days past the end of its tolerance on the week's Monday (0: not late yet).
    #[serde(default)]
    pub late_days: i64,
    /// Minutes on site it needed.
    #[serde(default)]
    pub minutes: i64,
    /// It may wait for a later week: this week was early inside its tolerance, which runs on
    /// past the Sunday. Not counted among the visits due.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub waits: bool,
    /// A plan over several weeks placed it in a later week, inside its tolerance: that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub later: Option<NaiveDate>,
}

/// What stands in the way of a visit the plan does not make: who or what would have to change
/// for it to happen.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum UnmetCause {
    /// The family's availability never meets the référent's hours.
    Family,
    /// The site where the family is met is closed when both could meet.
    Site,
    /// The référent does not work when the family could be seen (public holiday, absence, day
    /// off), or not at all this week.
    Referent,
    /// The référent's agenda (meetings, trainings, fixed visits) takes every common slot.
    Agenda,
    /// Her week is full: other visits take her time at the hours the family is free.
    Capacity,
    /// Nobody may follow the family (language, sector, caseload).
    Assignment,
    /// A fixed appointment clashes with another one.
    Fixed,
    /// The rhythm of the visits: the family is free this week only before the visit's tolerance
    /// opens (too soon after the last one).
    Rhythm,
    /// A plan over several weeks placed it in a later week, inside its tolerance: it waits.
    Later,
    /// Anything else (a re-plan that left it as it was; plans stored before causes existed).
    #[default]
    Other,
}

impl UnmetCause {
    /// Every cause, in report order.
    pub const ALL: [UnmetCause; 10] = [
        UnmetCause::Capacity,
        UnmetCause::Agenda,
        UnmetCause::Family,
        UnmetCause::Site,
        UnmetCause::Referent,
        UnmetCause::Assignment,
        UnmetCause::Fixed,
        UnmetCause::Rhythm,
        UnmetCause::Later,
        UnmetCause::Other,
    ];

    /// The cause of a solver's reason.
    pub fn of(reason: parcours_solver::unmet::UnmetReason) -> UnmetCause {
        use parcours_solver::unmet::UnmetReason as R;
        match reason {
            R::NoCommonSlot | R::NoCompatibleWindow => UnmetCause::Family,
            R::SiteClosed => UnmetCause::Site,
            R::NoWorkingDay | R::OnlyOnClosedDays | R::DayOff | R::NoAllowedVehicle => {
                UnmetCause::Referent
            }
            R::AgendaFull => UnmetCause::Agenda,
            R::WeekFull | R::NotWorthIt | R::TooLarge => UnmetCause::Capacity,
            R::NoLanguage
            | R::NoSector
            | R::NoLanguageInSector
            | R::Capacity
            | R::NoVisitAllowed => UnmetCause::Assignment,
            // No référent's hours ever meet the family's (and its site's): its availability is
            // what would have to change, not the rules of who may follow whom.
            R::NoVisitPossible => UnmetCause::Family,
            R::FixedClash => UnmetCause::Fixed,
            R::NotOnOpenDays => UnmetCause::Rhythm,
            // The meetings' and the workshops' reasons never reach a rota.
            R::NoCommonMeetingSlot
            | R::NoMeetingSite
            | R::MembersAway
            | R::SlotsTaken
            | R::NoPeriodLeft
            | R::OutsideAgeRange
            | R::TooFarFromSites
            | R::OrientedTooLate
            | R::NeverFreeAtSlots
            | R::WorkshopNotOpened
            | R::GroupsFull
            | R::WorkshopClash
            | R::NoGroupWhenFree => UnmetCause::Other,
        }
    }

    /// French heading of the group, for the coordinator: what would have to change.
    pub fn label(self) -> &'static str {
        match self {
            UnmetCause::Capacity => "temps de la référente (semaine pleine)",
            UnmetCause::Agenda => "agenda de la référente (réunions, formations, visites fixées)",
            UnmetCause::Family => "disponibilités de la famille",
            UnmetCause::Site => "horaires du lieu de rencontre",
            UnmetCause::Referent => {
                "jours de travail de la référente (férié, absence, jour non travaillé)"
            }
            UnmetCause::Assignment => "aucune référente possible (langue, secteur, charge)",
            UnmetCause::Fixed => "rendez-vous fixé en conflit",
            UnmetCause::Rhythm => "rythme des visites (trop tôt après la précédente)",
            UnmetCause::Later => "prévue une semaine suivante, dans sa tolérance",
            UnmetCause::Other => "autre",
        }
    }
}

/// A planned week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekPlan {
    /// The ISO week.
    pub week: IsoWeek,
    /// How it was planned (`kind` in format 1 of the stored body).
    #[serde(alias = "kind")]
    pub method: PlanMethod,
    /// One entry per référent, in code order.
    pub referents: Vec<ReferentWeek>,
    /// Visits due and not made, with why.
    pub unmet: Vec<UnmetVisit>,
    /// Who follows which family in this plan: (family code, référent code), in family order.
    pub assignment: Vec<(String, String)>,
    /// Families whose visit of this week was called off (a référent's report): no re-plan of
    /// the week places it again. Sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancelled: Vec<String>,
}

impl WeekPlan {
    /// Visits placed.
    pub fn visits(&self) -> usize {
        self.referents.iter().map(ReferentWeek::visits).sum()
    }

    /// Travel of the week, minutes.
    pub fn travel_minutes(&self) -> i64 {
        self.referents
            .iter()
            .map(ReferentWeek::travel_minutes)
            .sum()
    }

    /// Travel of the week, metres.
    pub fn travel_meters(&self) -> i64 {
        self.referents.iter().map(ReferentWeek::travel_meters).sum()
    }

    /// The visit to family `code`, to change it.
    fn visit_mut(&mut self, code: &str) -> Option<&mut Stop> {
        self.referents
            .iter_mut()
            .flat_map(|r| r.days.iter_mut())
            .flat_map(|d| d.stops.iter_mut())
            .find(|s| matches!(&s.kind, StopKind::Visit { family } if family == code))
    }

    /// Marks the visit to family `code` confirmed: a re-plan keeps it exactly. False when the
    /// plan has no such visit.
    pub fn confirm_visit(&mut self, code: &str) -> bool {
        self.visit_mut(code).map(|s| s.confirmed = true).is_some()
    }

    /// Moves the visit to family `code` to start at `to` (same length, on a day its référent
    /// works), confirmed so that a re-plan keeps it there.
    ///
    /// # Errors
    /// A French message when the plan has no such visit or she does not work that day.
    pub fn move_visit(&mut self, code: &str, to: NaiveDateTime) -> Result<(), String> {
        let referent = self
            .visit_of(code)
            .map(|(r, _, _)| r.code.clone())
            .ok_or_else(|| format!("pas de visite à la famille {code}"))?;
        let her = self
            .referents
            .iter_mut()
            .find(|r| r.code == referent)
            .expect("BUG: found above");
        if !her.days.iter().any(|d| d.date == to.date()) {
            return Err(format!("{referent} ne travaille pas le {}", to.date()));
        }
        let is_it = |s: &Stop| matches!(&s.kind, StopKind::Visit { family } if family == code);
        let mut stop = None;
        for day in &mut her.days {
            if let Some(i) = day.stops.iter().position(is_it) {
                stop = Some(day.stops.remove(i));
            }
        }
        let mut stop = stop.expect("BUG: found above");
        let length = stop.end - stop.start;
        (stop.start, stop.end, stop.confirmed) = (to, to + length, true);
        let day = her
            .days
            .iter_mut()
            .find(|d| d.date == to.date())
            .expect("BUG: checked above");
        day.stops.push(stop);
        day.stops.sort_by_key(|s| s.start);
        Ok(())
    }

    /// The families whose visit lies outside `referent`'s days `dates`: what a change on those
    /// days must leave exactly where it is ([`super::PlanOptions::keep_exact`]).
    pub fn visits_outside(&self, referent: &str, dates: &[NaiveDate]) -> Vec<String> {
        self.referents
            .iter()
            .flat_map(|r| {
                r.days
                    .iter()
                    .filter(move |d| r.code != referent || !dates.contains(&d.date))
                    .flat_map(|d| &d.stops)
            })
            .filter_map(|s| match &s.kind {
                StopKind::Visit { family } => Some(family.clone()),
                StopKind::Fixed { .. } => None,
            })
            .collect()
    }

    /// Where the visit to family `code` is: its référent's week, its day and the stop.
    pub fn visit_of(&self, code: &str) -> Option<(&ReferentWeek, &DayRoute, &Stop)> {
        self.referents.iter().find_map(|r| {
            r.days.iter().find_map(|d| {
                d.stops
                    .iter()
                    .find(|s| matches!(&s.kind, StopKind::Visit { family } if family == code))
                    .map(|s| (r, d, s))
            })
        })
    }
}
