//! A référent's report on a visit of her published week, applied to that week: done (kept
//! exactly from now on), cancelled (not planned again this week), or moved to the time she
//! gives (which then holds, or the move is refused with the conflict named). A cancellation or
//! a move re-plans only the days it touches: every other visit of the week stays exactly where
//! it was, and the other référents' weeks do not change at all. A cancellation moves no other
//! visit at all: the time it frees may only take a visit of hers that was not placed.
//!
//! Pure: the caller reads the published week and the territory, and stores the result (in one
//! transaction with its publication, see `Store::record_report`).

use chrono::{Datelike as _, NaiveDate, NaiveDateTime};

use super::{PlanError, PlanOptions, StopKind, WeekPlan, plan_week};
use crate::domain::{Territory, TravelOverride, Weekday};

/// What became of the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitReport {
    /// It took place.
    Done,
    /// The family or the référent called it off: not planned again this week.
    Cancelled,
    /// It takes place at this local (Europe/Paris) time instead.
    Moved(NaiveDateTime),
}

impl VisitReport {
    /// Whether applying it re-plans days of the week (a solve, which the server runs in its
    /// solve slot): a cancellation or a move does; a visit done is only confirmed.
    pub fn replans(self) -> bool {
        !matches!(self, VisitReport::Done)
    }
}

/// Why a report cannot be applied to the week as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The week has no visit to that family.
    #[error("pas de visite à cette famille dans la semaine publiée")]
    NoVisit,
    /// The visit was called off earlier this week (French message).
    #[error("{0}")]
    Gone(String),
    /// The move cannot stand at that time: what it conflicts with (French, field `to`).
    #[error("{0}")]
    Move(String),
    /// A visit reported done before its day (French, field `status`).
    #[error("{0}")]
    NotYet(String),
    /// The week cannot be re-planned.
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// The week as a report leaves it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedWeek {
    /// The new week; `None` when the report changes nothing in it (a visit already confirmed
    /// reported done).
    pub plan: Option<WeekPlan>,
    /// For a visit done: its date, the family's last visit from now on.
    pub done_on: Option<NaiveDate>,
    /// The référent whose visit it is.
    pub referent: String,
    /// Visits of hers the re-plan moved to another day or could no longer place.
    pub moved: Vec<String>,
}

/// Applies `report` on family `family`'s visit to `published`, on `today` (Europe/Paris).
///
/// `options` gives the week, the seed and the limits of the re-plan; what it keeps is set
/// here. `territory` and `travel` are the stored records.
///
/// # Errors
/// [`ReportError::NoVisit`] when the week has no visit to the family, [`ReportError::Gone`]
/// when it was cancelled earlier, [`ReportError::Move`] when the visit cannot take place at the
/// time given (another fixed engagement, outside her hours, no way to get there in time),
/// [`ReportError::NotYet`] for a visit reported done before its day, and
/// [`ReportError::Plan`] when the week cannot be re-planned.
pub fn apply_visit_report(
    territory: &Territory,
    travel: &[TravelOverride],
    published: &WeekPlan,
    family: &str,
    report: VisitReport,
    today: NaiveDate,
    mut options: PlanOptions,
) -> Result<ReportedWeek, ReportError> {
    let Some((her, day, stop)) = published.visit_of(family) else {
        if published.cancelled.iter().any(|c| c == family) {
            return Err(ReportError::Gone(format!(
                "la visite à {family} a déjà été annulée cette semaine"
            )));
        }
        return Err(ReportError::NoVisit);
    };
    let referent = her.code.clone();
    let date = day.date;
    let mut plan = published.clone();
    let touched = match report {
        VisitReport::Done => {
            // Its date becomes the family's last visit: a date to come would hold the next
            // visit back (the import refuses a last visit after today for the same reason).
            if date > today {
                return Err(ReportError::NotYet(format!(
                    "la visite à {family} est prévue {} : elle ne peut pas encore avoir eu lieu",
                    when(stop.start)
                )));
            }
            let changed = !stop.confirmed;
            plan.confirm_visit(family);
            return Ok(ReportedWeek {
                plan: changed.then_some(plan),
                done_on: Some(date),
                referent,
                moved: Vec::new(),
            });
        }
        VisitReport::Cancelled => {
            options.excluded.push(family.to_owned());
            vec![date]
        }
        VisitReport::Moved(to) => {
            check_move(territory, published, family, to)?;
            plan.move_visit(family, to).map_err(ReportError::Move)?;
            let mut dates = vec![date, to.date()];
            dates.dedup();
            dates
        }
    };
    // A cancellation only frees time: every other visit stays exactly where it is (an unplaced
    // visit of hers may take the freed time). A move may push the visits of the days it
    // touches, which the answer then lists.
    options.keep_exact = match report {
        VisitReport::Cancelled => plan.visits_outside(&referent, &[]),
        _ => plan.visits_outside(&referent, &touched),
    };
    options.touched = Some((referent.clone(), touched));
    options.previous = Some(plan);
    options.travel = travel.to_vec();
    let outcome = plan_week(territory, &options, &mut |_| {})?;
    if let VisitReport::Moved(to) = report {
        let stands = outcome
            .plan
            .visit_of(family)
            .is_some_and(|(_, _, s)| s.start == to);
        if !stands {
            let why = outcome
                .plan
                .unmet
                .iter()
                .find(|u| u.family == family)
                .map_or("elle ne tient pas dans sa journée", |u| u.reason.as_str());
            return Err(ReportError::Move(format!(
                "la visite ne peut pas avoir lieu {} : {why}",
                when(to)
            )));
        }
    }
    // From the difference between the week she reported on and the re-plan: her visits on
    // another day, or no longer placed.
    let moved = outcome
        .changes
        .as_ref()
        .and_then(|c| c.of(&referent))
        .map(|c| {
            let mut moved: Vec<String> = c
                .moved
                .iter()
                .filter(|m| m.from.date() != m.to.date())
                .map(|m| m.family.clone())
                .chain(c.dropped.iter().map(|d| d.family.clone()))
                .collect();
            moved.sort();
            moved
        })
        .unwrap_or_default();
    Ok(ReportedWeek {
        plan: Some(outcome.plan),
        done_on: None,
        referent,
        moved,
    })
}

/// « le vendredi 04/12 »
fn day_of(t: NaiveDateTime) -> String {
    format!(
        "le {} {}",
        Weekday::from_chrono(t.weekday()).french(),
        t.format("%d/%m")
    )
}

/// « le vendredi 04/12 à 16:00 »
fn when(t: NaiveDateTime) -> String {
    format!("{} à {}", day_of(t), t.format("%H:%M"))
}

/// Whether family `family`'s visit can start at `to`: on a day its référent works, inside her
/// hours, overlapping none of her fixed engagements or confirmed visits.
fn check_move(
    territory: &Territory,
    plan: &WeekPlan,
    family: &str,
    to: NaiveDateTime,
) -> Result<(), ReportError> {
    let (her, _, stop) = plan.visit_of(family).ok_or(ReportError::NoVisit)?;
    let end = to + (stop.end - stop.start);
    let hm = |t: NaiveDateTime| t.format("%H:%M").to_string();
    let Some(day) = her.days.iter().find(|d| d.date == to.date()) else {
        return Err(ReportError::Move(format!(
            "{} ne travaille pas {}",
            her.code,
            day_of(to)
        )));
    };
    if let Some(referent) = territory
        .referents
        .iter()
        .find(|r| r.code.as_str() == her.code)
    {
        let weekday = Weekday::from_chrono(to.weekday());
        let hours: Vec<_> = referent.working_hours.on(weekday).collect();
        let inside = hours.iter().any(|h| {
            let (start, finish) = (h.start().minutes(), h.end().minutes());
            let minute = |t: NaiveDateTime| {
                (t.date() == to.date())
                    .then(|| chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t))
            };
            minute(to).is_some_and(|m| m >= start) && minute(end).is_some_and(|m| m <= finish)
        });
        if !inside {
            let shown: Vec<String> = hours.iter().map(ToString::to_string).collect();
            return Err(ReportError::Move(format!(
                "de {} à {}, la visite sort des horaires de {} ({})",
                hm(to),
                hm(end),
                her.code,
                shown.join(", ")
            )));
        }
    }
    for other in &day.stops {
        let is_this = matches!(&other.kind, StopKind::Visit { family: f } if f == family);
        let fixed = match &other.kind {
            StopKind::Fixed { code, private, .. } => Some(if *private || code.is_empty() {
                "un engagement".to_owned()
            } else {
                code.clone()
            }),
            StopKind::Visit { family: f } if other.confirmed => Some(format!("la visite à {f}")),
            StopKind::Visit { .. } => None,
        };
        if let Some(what) = fixed.filter(|_| !is_this)
            && other.start < end
            && to < other.end
        {
            return Err(ReportError::Move(format!(
                "en conflit avec {what} de {} à {}",
                hm(other.start),
                hm(other.end)
            )));
        }
    }
    Ok(())
}
