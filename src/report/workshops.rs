//! What a coordinator reads after planning a school year of collective workshops: how many
//! fiches-action open groups, how many oriented children are enrolled, the families' travel,
//! the sessions at the preferred times, each group with its slot and site, the children left
//! out with why — and, beside them, what is done by hand.

use std::fmt::Write as _;

use serde::Serialize;

use crate::domain::Territory;
use crate::planning::eps::stop_french;
use crate::planning::workshops::{self, WorkshopOutcome, WorkshopPlan, WorkshopUnenrolled};

/// The headline figures of one plan of a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkshopFigures {
    /// Fiches-action of the territory.
    pub workshops: usize,
    /// Fiches-action with at least one group.
    pub scheduled: usize,
    /// Groups opened.
    pub groups: usize,
    /// Orientations (child, fiche-action).
    pub oriented: usize,
    /// Orientations met: the child is in a group.
    pub enrolled: usize,
    /// `enrolled / oriented`, percent (100 when nobody is oriented).
    pub enrolled_percent: f64,
    /// Priority orientations, and those met.
    pub priority: (usize, usize),
    /// Families' travel to the sessions and back, by car: minutes.
    pub family_minutes: i64,
    /// The same, kilometres.
    pub family_km: f64,
    /// Sessions in all.
    pub sessions: usize,
    /// Sessions at the fiches-action's preferred times.
    pub sessions_preferred: usize,
    /// What [`workshops::verify`] finds: sessions on public holidays or Sundays, outside their
    /// period, groups out of size or age, double bookings (0 in a good plan).
    pub breaches: usize,
}

impl WorkshopFigures {
    /// The figures of `plan`.
    pub fn of(territory: &Territory, plan: &WorkshopPlan) -> WorkshopFigures {
        let oriented = plan.oriented();
        let enrolled = plan.enrolled();
        let mut scheduled: Vec<&str> = plan.groups.iter().map(|g| g.workshop.as_str()).collect();
        scheduled.dedup();
        let missed_priority = plan.unenrolled.iter().filter(|u| u.priority).count();
        let priority = territory.orientations.iter().filter(|o| o.priority).count();
        let (sessions, sessions_preferred) = plan.sessions();
        WorkshopFigures {
            workshops: territory.workshops.len(),
            scheduled: scheduled.len(),
            groups: plan.groups.len(),
            oriented,
            enrolled,
            enrolled_percent: if oriented == 0 {
                100.0
            } else {
                100.0 * enrolled as f64 / oriented as f64
            },
            priority: (priority, priority.saturating_sub(missed_priority)),
            family_minutes: plan.family_minutes,
            family_km: plan.family_meters as f64 / 1000.0,
            sessions,
            sessions_preferred,
            breaches: workshops::verify(territory, plan).len(),
        }
    }
}

/// One group, as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupLine {
    /// Its code (`FA-04-G2`).
    pub code: String,
    /// Its slot (« le mercredi à 14:00 »), first and last dates.
    pub when: String,
    /// The site.
    pub site: String,
    /// Children.
    pub children: usize,
    /// Sessions outside the preferred times.
    pub outside_preferred: u32,
}

/// The report of `parcours ateliers plan`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkshopReport {
    /// The school year.
    pub year: String,
    /// The version stored.
    pub version: i64,
    /// From which day it planned, when not the whole year.
    pub from: Option<String>,
    /// Parcours' figures.
    pub figures: WorkshopFigures,
    /// Why the solve stopped (key).
    pub stop: String,
    /// The proven relative gap, percent; `None` when none was proved.
    pub gap_percent: Option<f64>,
    /// Seconds the solve took.
    pub seconds: f64,
    /// Group options, columns and rows of the MILP.
    pub model: (usize, usize, usize),
    /// Cost per rule.
    pub costs: Vec<(String, i64)>,
    /// The groups, by fiche-action.
    pub groups: Vec<GroupLine>,
    /// The children left out, with why.
    pub unenrolled: Vec<WorkshopUnenrolled>,
    /// What is done by hand, when compared.
    pub baseline: Option<WorkshopFigures>,
}

impl WorkshopReport {
    /// The report of `outcome`, stored as `version`.
    pub fn of(territory: &Territory, outcome: &WorkshopOutcome, version: i64) -> WorkshopReport {
        let plan = &outcome.plan;
        WorkshopReport {
            year: plan.year.to_string(),
            version,
            from: plan.from.map(|d| d.to_string()),
            figures: WorkshopFigures::of(territory, plan),
            stop: plan.stop.clone(),
            gap_percent: plan.gap.map(|g| 100.0 * g),
            seconds: outcome.stats.seconds,
            model: (
                outcome.stats.options,
                outcome.stats.variables,
                outcome.stats.rows,
            ),
            costs: plan.costs.clone(),
            groups: plan
                .groups
                .iter()
                .map(|g| GroupLine {
                    code: g.code.clone(),
                    when: match (g.dates.first(), g.dates.last()) {
                        (Some(a), Some(b)) => format!(
                            "{}, {:02}:{:02}, du {} au {}",
                            weekday_of(g.weekday),
                            g.start_minutes / 60,
                            g.start_minutes % 60,
                            a.format("%d/%m/%Y"),
                            b.format("%d/%m/%Y")
                        ),
                        _ => String::new(),
                    },
                    site: g.place.clone(),
                    children: g.children.len(),
                    outside_preferred: g.outside_preferred,
                })
                .collect(),
            unenrolled: plan.unenrolled.clone(),
            baseline: outcome
                .baseline
                .as_ref()
                .map(|b| WorkshopFigures::of(territory, b)),
        }
    }

    /// The French summary.
    pub fn to_french(&self) -> String {
        let mut out = String::new();
        let f = &self.figures;
        let from = self
            .from
            .as_ref()
            .map(|d| format!(", à partir du {d}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Ateliers collectifs, année scolaire {}{from} (plan n° {}) :",
            self.year, self.version
        );
        let _ = writeln!(
            out,
            "  {} fiches-action sur {} ouvrent {} groupe(s) ; {} enfants inscrits sur {} orientations ({:.1} %), dont {} prioritaires sur {}.",
            f.scheduled,
            f.workshops,
            f.groups,
            f.enrolled,
            f.oriented,
            f.enrolled_percent,
            f.priority.1,
            f.priority.0
        );
        let _ = writeln!(
            out,
            "  {} séances, dont {} aux créneaux souhaités ; trajets des familles : {} min ({:.0} km) ; anomalies : {}.",
            f.sessions, f.sessions_preferred, f.family_minutes, f.family_km, f.breaches
        );
        let gap = self
            .gap_percent
            .map(|g| format!(", écart prouvé {g:.2} %"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  Résolution : {}{gap}, en {:.1} s ({} options de groupe).",
            stop_french(&self.stop),
            self.seconds,
            self.model.0
        );
        let _ = writeln!(out, "  Groupes :");
        for g in &self.groups {
            let outside = if g.outside_preferred > 0 {
                format!(
                    ", {} séance(s) hors créneaux souhaités",
                    g.outside_preferred
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "    {} : {}, {} ; {} enfant(s){outside}",
                g.code, g.when, g.site, g.children
            );
        }
        if !self.unenrolled.is_empty() {
            let _ = writeln!(out, "  Non inscrits :");
            for u in &self.unenrolled {
                let priority = if u.priority { " (prioritaire)" } else { "" };
                let _ = writeln!(out, "    {}{priority}", u.message);
            }
        }
        if let Some(b) = &self.baseline {
            let _ = writeln!(
                out,
                "Comparaison avec le remplissage à la main (un groupe par fiche-action au premier créneau souhaité et au premier lieu, les enfants dans l'ordre d'orientation) :"
            );
            let _ = writeln!(
                out,
                "  enfants inscrits : {} contre {} ({:.1} % contre {:.1} %) ; trajets des familles : {:.0} km contre {:.0} km ; séances aux créneaux souhaités : {} sur {} contre {} sur {}.",
                f.enrolled,
                b.enrolled,
                f.enrolled_percent,
                b.enrolled_percent,
                f.family_km,
                b.family_km,
                f.sessions_preferred,
                f.sessions,
                b.sessions_preferred,
                b.sessions
            );
        }
        out
    }
}

/// « mercredi », or « vacances » for a group of the holidays.
fn weekday_of(weekday: Option<u32>) -> String {
    match weekday.and_then(|d| chrono::Weekday::try_from(d as u8).ok()) {
        Some(w) => crate::domain::Weekday::from_chrono(w).french().to_owned(),
        None => "vacances".to_owned(),
    }
}
