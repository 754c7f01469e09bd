//! What a coordinator reads after planning a school year of EPS meetings: how many meetings
//! are placed with all their required members, the invited who can come, the coordinators'
//! driving, the meetings per EPS and period, those unplaced with why — and, beside them, what
//! a poll would have done.

use std::fmt::Write as _;

use serde::Serialize;

use crate::domain::Territory;
use crate::planning::eps::{self, EpsOutcome, EpsPlan, EpsUnmet};

/// The headline figures of one plan of a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpsFigures {
    /// Meetings asked for (placed and unplaced).
    pub asked: usize,
    /// Meetings placed: each with every required member.
    pub placed: usize,
    /// Meetings unplaced.
    pub unmet: usize,
    /// Invited attendees (invited members, référents) who can come, over the meetings placed.
    pub invited_present: usize,
    /// Invited attendees in all, over the meetings placed.
    pub invited_total: usize,
    /// `invited_present / invited_total`, percent (100 when nobody is invited).
    pub invited_percent: f64,
    /// The coordinators' driving to and from the meetings, minutes.
    pub coordinator_minutes: i64,
    /// The same, kilometres.
    pub coordinator_km: f64,
    /// Meetings on a school holiday, a public holiday or a weekend, recounted from their dates.
    pub on_holidays: usize,
}

impl EpsFigures {
    /// The figures of `plan`.
    pub fn of(territory: &Territory, plan: &EpsPlan) -> EpsFigures {
        let (invited_present, invited_total) = plan.invited_attendance();
        let (minutes, meters) = plan.coordinator_driving();
        EpsFigures {
            asked: plan.asked(),
            placed: plan.meetings.len(),
            unmet: plan.unmet.len(),
            invited_present,
            invited_total,
            invited_percent: if invited_total == 0 {
                100.0
            } else {
                100.0 * invited_present as f64 / invited_total as f64
            },
            coordinator_minutes: minutes,
            coordinator_km: meters as f64 / 1000.0,
            on_holidays: eps::on_holidays(territory, plan),
        }
    }
}

/// One meeting, as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingLine {
    /// Its code.
    pub code: String,
    /// The EPS.
    pub eps: String,
    /// The period, from 1.
    pub period: u32,
    /// Local start, `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// Length, minutes.
    pub minutes: u32,
    /// The site.
    pub site: String,
    /// Invited who can come, and invited in all.
    pub invited: (usize, usize),
}

/// The report of `parcours eps plan`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpsReport {
    /// The school year.
    pub year: String,
    /// The version stored.
    pub version: i64,
    /// From which day it planned, when not the whole year.
    pub from: Option<String>,
    /// Parcours' figures.
    pub figures: EpsFigures,
    /// Why the solve stopped (key).
    pub stop: String,
    /// The proven relative gap, percent; `None` when none was proved.
    pub gap_percent: Option<f64>,
    /// Seconds the solve took.
    pub seconds: f64,
    /// Candidate slots, columns and rows of the MILP.
    pub model: (usize, usize, usize),
    /// The most invited attendees any plan could have present: each meeting at its best slot
    /// for them, ignoring the others.
    pub invited_ceiling: usize,
    /// Cost per rule.
    pub costs: Vec<(String, i64)>,
    /// The meetings, by date.
    pub meetings: Vec<MeetingLine>,
    /// Those unplaced, with why.
    pub unmet: Vec<EpsUnmet>,
    /// Meetings of the previous plan that moved.
    pub moved: Vec<String>,
    /// What a poll does, when compared.
    pub baseline: Option<EpsFigures>,
}

impl EpsReport {
    /// The report of `outcome`, stored as `version`.
    pub fn of(territory: &Territory, outcome: &EpsOutcome, version: i64) -> EpsReport {
        let plan = &outcome.plan;
        EpsReport {
            year: plan.year.to_string(),
            version,
            from: plan.from.map(|d| d.to_string()),
            figures: EpsFigures::of(territory, plan),
            stop: plan.stop.clone(),
            gap_percent: plan.gap.map(|g| 100.0 * g),
            seconds: outcome.stats.seconds,
            model: (
                outcome.stats.candidates,
                outcome.stats.variables,
                outcome.stats.rows,
            ),
            invited_ceiling: outcome.stats.invited_ceiling,
            costs: plan.costs.clone(),
            meetings: plan
                .meetings
                .iter()
                .map(|m| {
                    let invited = m.attendees.iter().filter(|a| !a.role.is_required());
                    let total = invited.clone().count();
                    let present = invited.filter(|a| a.present).count();
                    MeetingLine {
                        code: m.code.clone(),
                        eps: m.eps.clone(),
                        period: m.period,
                        start: m.start().format("%Y-%m-%dT%H:%M").to_string(),
                        minutes: m.minutes,
                        site: m.site.clone(),
                        invited: (present, total),
                    }
                })
                .collect(),
            unmet: plan.unmet.clone(),
            moved: outcome.moved.clone(),
            baseline: outcome
                .baseline
                .as_ref()
                .map(|b| EpsFigures::of(territory, b)),
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
            "Réunions d'EPS, année scolaire {}{from} (plan n° {}) :",
            self.year, self.version
        );
        let _ = writeln!(
            out,
            "  {} réunions demandées, {} placées avec tous leurs membres requis, {} non placée(s), {} pendant des vacances ou un jour férié.",
            f.asked, f.placed, f.unmet, f.on_holidays
        );
        let _ = writeln!(
            out,
            "  Présence des invités (membres invités et référentes) : {} sur {} ({:.1} %) ; au plus {} possibles, chaque réunion à son meilleur créneau pour eux.",
            f.invited_present, f.invited_total, f.invited_percent, self.invited_ceiling
        );
        let _ = writeln!(
            out,
            "  Trajets des coordinatrices vers les réunions : {} min ({:.0} km).",
            f.coordinator_minutes, f.coordinator_km
        );
        let gap = self
            .gap_percent
            .map(|g| format!(", écart prouvé {g:.2} %"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  Résolution : {}{gap}, en {:.1} s ({} créneaux candidats).",
            eps::stop_french(&self.stop),
            self.seconds,
            self.model.0
        );
        if !self.moved.is_empty() {
            let _ = writeln!(
                out,
                "  Réunions déplacées depuis le plan précédent : {}.",
                self.moved.join(", ")
            );
        }
        let _ = writeln!(out, "  Par EPS :");
        let mut by_eps: std::collections::BTreeMap<&str, Vec<&MeetingLine>> = Default::default();
        for m in &self.meetings {
            by_eps.entry(&m.eps).or_default().push(m);
        }
        for (code, meetings) in by_eps {
            let list: Vec<String> = meetings
                .iter()
                .map(|m| {
                    format!(
                        "P{} {} {} ({}/{} invités)",
                        m.period,
                        m.start.replace('T', " "),
                        m.site,
                        m.invited.0,
                        m.invited.1
                    )
                })
                .collect();
            let _ = writeln!(out, "    {code} : {}", list.join(" · "));
        }
        if !self.unmet.is_empty() {
            let _ = writeln!(out, "  Non placées :");
            for u in &self.unmet {
                let _ = writeln!(out, "    {}", u.message);
            }
        }
        if let Some(b) = &self.baseline {
            let _ = writeln!(
                out,
                "Comparaison avec un sondage par réunion (premier créneau libre de sa période, EPS par EPS) :"
            );
            let _ = writeln!(
                out,
                "  réunions placées : {} contre {} ; présence des invités : {:.1} % contre {:.1} % ; trajets des coordinatrices : {} min contre {} ({}).",
                f.placed,
                b.placed,
                f.invited_percent,
                b.invited_percent,
                f.coordinator_minutes,
                b.coordinator_minutes,
                percent_change(f.coordinator_minutes, b.coordinator_minutes)
            );
        }
        out
    }
}

/// « −31 % » from `before` to `after`… as the plan against the poll.
fn percent_change(plan: i64, poll: i64) -> String {
    if poll == 0 {
        return "sans objet".into();
    }
    let change = 100.0 * (plan - poll) as f64 / poll as f64;
    format!("{change:+.0} %").replace('-', "−")
}
