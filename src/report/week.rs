//! The coordinator's week in French for the terminal, and the same figures as JSON for
//! scripts: visits placed and due, travel per référent and in all, workload, unmet visits with
//! their reasons, the assignment's moves, and the comparison with today's practice.

use std::fmt::Write as _;

use serde::Serialize;

use super::hours;
use crate::planning::{
    AssignmentReport, CapacityReport, PlanChanges, UnmetCause, WeekOutcome, WeekPlan,
};

/// One référent's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferentFigures {
    /// Code.
    pub referent: String,
    /// Travel mode keyword.
    pub travel_mode: String,
    /// Visits placed.
    pub visits: usize,
    /// Travel minutes.
    pub travel_minutes: i64,
    /// Travel kilometres.
    pub travel_km: i64,
    /// Minutes on site.
    pub on_site_minutes: i64,
    /// Working minutes of the week.
    pub working_minutes: i64,
    /// Visits and travel, percent of working time.
    pub workload_percent: i64,
}

/// The headline figures of one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanFigures {
    /// Visits placed.
    pub visits_placed: usize,
    /// Visits due (placed + unmet).
    pub visits_due: usize,
    /// Travel, minutes.
    pub travel_minutes: i64,
    /// Travel, kilometres.
    pub travel_km: i64,
    /// Per référent.
    pub referents: Vec<ReferentFigures>,
    /// Unmet visits: (family, référent, reason).
    pub unmet: Vec<(String, Option<String>, String)>,
    /// The same, grouped by what stands in the way, largest group first.
    pub unmet_by_cause: Vec<UnmetGroup>,
    /// Visits this week could have made early, inside their tolerance, that wait for a later
    /// week (family codes): not due, not counted above.
    pub deferred: Vec<String>,
    /// Of those, the ones a plan over several weeks placed in a later week: (family, day).
    pub later: Vec<(String, chrono::NaiveDate)>,
}

/// Unmet visits that share a cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmetGroup {
    /// Stable key of the cause (`capacity`, `family`, …).
    pub cause: UnmetCause,
    /// What stands in the way, in French.
    pub label: String,
    /// Why, in French, when every visit of the group has the same reason.
    pub reason: Option<String>,
    /// Minutes on site of these visits.
    pub minutes: i64,
    /// The visits: (family, référent, days late on the Monday, why in French).
    pub visits: Vec<(String, Option<String>, i64, String)>,
}

impl UnmetGroup {
    /// The groups of `plan`'s unmet visits that are due (not those that may wait), in
    /// [`UnmetCause::ALL`] order; visits by référent, then family.
    fn of(plan: &WeekPlan) -> Vec<UnmetGroup> {
        let mut groups: Vec<UnmetGroup> = Vec::new();
        for cause in UnmetCause::ALL {
            let of_cause: Vec<_> = plan
                .unmet
                .iter()
                .filter(|u| !u.waits && u.cause == cause)
                .collect();
            if of_cause.is_empty() {
                continue;
            }
            let minutes = of_cause.iter().map(|u| u.minutes).sum();
            let mut visits: Vec<(String, Option<String>, i64, String)> = of_cause
                .iter()
                .map(|u| {
                    (
                        u.family.clone(),
                        u.referent.clone(),
                        u.late_days,
                        u.reason.clone(),
                    )
                })
                .collect();
            visits.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            let first = &visits[0].3;
            let reason = visits.iter().all(|v| &v.3 == first).then(|| first.clone());
            groups.push(UnmetGroup {
                cause,
                label: cause.label().to_owned(),
                reason,
                minutes,
                visits,
            });
        }
        groups
    }
}

impl PlanFigures {
    /// The figures of `plan`.
    pub fn of(plan: &WeekPlan) -> PlanFigures {
        PlanFigures {
            visits_placed: plan.visits(),
            visits_due: plan.visits() + plan.unmet.iter().filter(|u| !u.waits).count(),
            travel_minutes: plan.travel_minutes(),
            travel_km: (plan.travel_meters() + 500) / 1000,
            referents: plan
                .referents
                .iter()
                .map(|r| {
                    let busy = r.on_site_minutes() + r.travel_minutes();
                    ReferentFigures {
                        referent: r.code.clone(),
                        travel_mode: r.travel_mode.clone(),
                        visits: r.visits(),
                        travel_minutes: r.travel_minutes(),
                        travel_km: (r.travel_meters() + 500) / 1000,
                        on_site_minutes: r.on_site_minutes(),
                        working_minutes: r.working_minutes,
                        workload_percent: if r.working_minutes > 0 {
                            (100 * busy + r.working_minutes / 2) / r.working_minutes
                        } else {
                            0
                        },
                    }
                })
                .collect(),
            unmet: plan
                .unmet
                .iter()
                .filter(|u| !u.waits)
                .map(|u| (u.family.clone(), u.referent.clone(), u.reason.clone()))
                .collect(),
            unmet_by_cause: UnmetGroup::of(plan),
            deferred: plan
                .unmet
                .iter()
                .filter(|u| u.waits)
                .map(|u| u.family.clone())
                .collect(),
            later: plan
                .unmet
                .iter()
                .filter_map(|u| u.later.map(|day| (u.family.clone(), day)))
                .collect(),
        }
    }
}

/// The comparison with today's practice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Today's practice: current assignment, first fit.
    pub baseline: PlanFigures,
    /// Current assignment, optimised routes.
    pub current_assignment_routed: PlanFigures,
    /// Travel saved by Parcours, percent of the baseline's.
    pub saving_percent: f64,
    /// Of which the routing (same assignment, optimised routes), percentage points.
    pub from_routing_points: f64,
    /// Of which the assignment, percentage points.
    pub from_assignment_points: f64,
    /// Parcours on exactly the visits today's practice placed.
    pub same_visits: PlanFigures,
    /// Travel saved for the same visits, percent of the baseline's.
    pub same_visits_saving_percent: f64,
}

/// Everything `parcours plan` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekReport {
    /// ISO week.
    pub week: String,
    /// Version stored.
    pub version: i64,
    /// Parcours' plan.
    pub plan: PlanFigures,
    /// The assignment behind it.
    pub assignment: AssignmentReport,
    /// With `--compare-baseline`.
    pub comparison: Option<Comparison>,
    /// A re-plan: what changed from the plan re-planned, per référent (the difference between
    /// the two stored versions).
    pub changes: Option<PlanChanges>,
    /// Agenda entries of the week the plan does not honour: (code, why).
    pub agenda_unplaced: Vec<(String, String)>,
    /// Why the rota search stopped.
    pub rota_stop: String,
    /// What the team's hours cannot hold.
    pub capacity: CapacityReport,
    /// Days that start before or end after a référent's hours, for an agenda entry.
    pub outside_hours: Vec<crate::planning::OutsideHours>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// School holidays of the week, if any.
    pub school_holidays: Option<String>,
    /// Public holidays of the week: (date, name).
    pub public_holidays: Vec<(String, String)>,
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

impl WeekReport {
    /// The report of `outcome`, stored as `version`.
    pub fn of(outcome: &WeekOutcome, version: i64) -> WeekReport {
        let comparison = outcome
            .baseline
            .as_ref()
            .zip(outcome.current_routed.as_ref())
            .zip(outcome.same_visits.as_ref())
            .map(|((baseline, routed), same)| {
                let base = baseline.travel_minutes();
                let total = base - outcome.plan.travel_minutes();
                let routing = base - routed.travel_minutes();
                Comparison {
                    baseline: PlanFigures::of(baseline),
                    current_assignment_routed: PlanFigures::of(routed),
                    saving_percent: percent(total, base),
                    from_routing_points: percent(routing, base),
                    from_assignment_points: percent(total - routing, base),
                    same_visits: PlanFigures::of(same),
                    same_visits_saving_percent: percent(base - same.travel_minutes(), base),
                }
            });
        WeekReport {
            week: outcome.plan.week.to_string(),
            version,
            plan: PlanFigures::of(&outcome.plan),
            assignment: outcome.assignment.clone(),
            comparison,
            changes: outcome.changes.clone(),
            agenda_unplaced: outcome.agenda_unplaced.clone(),
            rota_stop: outcome.rota_stop.clone(),
            capacity: outcome.capacity.clone(),
            outside_hours: outcome.outside_hours.clone(),
            seconds: outcome.seconds,
            school_holidays: outcome.school_holidays.clone(),
            public_holidays: outcome
                .public_holidays
                .iter()
                .map(|(d, n)| (d.to_string(), n.clone()))
                .collect(),
        }
    }

    /// French text for the terminal.
    pub fn to_french(&self) -> String {
        let mut s = String::new();
        let p = &self.plan;
        let _ = writeln!(
            s,
            "Semaine {} — plan n° {} enregistré ({} s)",
            self.week,
            self.version,
            fr_decimal(self.seconds, 1)
        );
        for (date, name) in &self.public_holidays {
            let _ = writeln!(s, "Jour férié : {name} ({date}), personne ne travaille.");
        }
        if let Some(label) = &self.school_holidays {
            let _ = writeln!(s, "Vacances scolaires : {label}.");
        }
        let _ = writeln!(
            s,
            "Visites placées : {} sur {} dues. Trajets : {}, {} km.",
            p.visits_placed,
            p.visits_due,
            hours(p.travel_minutes),
            fr_int(p.travel_km)
        );
        let _ = writeln!(
            s,
            "\n{:<6} {:<11} {:>7} {:>9} {:>6} {:>11} {:>8}",
            "", "mode", "visites", "trajet", "km", "temps trav.", "charge"
        );
        for r in &p.referents {
            let _ = writeln!(
                s,
                "{:<6} {:<11} {:>7} {:>9} {:>6} {:>11} {:>7} %",
                r.referent,
                r.travel_mode,
                r.visits,
                hours(r.travel_minutes),
                r.travel_km,
                hours(r.working_minutes),
                r.workload_percent
            );
        }
        let _ = writeln!(
            s,
            "(charge : temps sur place et trajets, en % du temps de travail de la semaine)"
        );
        match self.rota_stop.as_str() {
            "time_guard" => {
                let _ = writeln!(
                    s,
                    "Attention : la recherche des tournées s'est arrêtée sur sa limite de temps \
                     avant la fin de son travail (machine lente ou très chargée) ; ce plan peut \
                     différer d'un autre lancement. Relancez avec une limite plus grande \
                     (--time-limit) pour un plan reproductible."
                );
            }
            "cancelled" => {
                let _ = writeln!(
                    s,
                    "Attention : la recherche des tournées a été interrompue ; ce plan est le \
                     meilleur trouvé jusque-là."
                );
            }
            _ => {}
        }
        if p.unmet.is_empty() {
            let _ = writeln!(s, "\nToutes les visites dues sont placées.");
        } else {
            let _ = writeln!(s, "\nVisites non placées ({}), par cause :", p.unmet.len());
            for g in &p.unmet_by_cause {
                let _ = write!(
                    s,
                    "  {} — {} visite(s), {} sur place",
                    g.label,
                    g.visits.len(),
                    hours(g.minutes)
                );
                match &g.reason {
                    Some(reason) => {
                        let _ = writeln!(s, " : {reason}");
                    }
                    None => {
                        let _ = writeln!(s);
                    }
                }
                let late = |family: &str, late: i64| {
                    if late > 0 {
                        format!("{family} ({late} j de retard)")
                    } else {
                        family.to_owned()
                    }
                };
                if g.reason.is_none() {
                    // Reasons differ (they name each family's hours): one line each.
                    for (family, referent, days, reason) in &g.visits {
                        let who = referent.as_deref().unwrap_or("sans référent");
                        let _ = writeln!(s, "    {} ({who}) : {reason}", late(family, *days));
                    }
                    continue;
                }
                let mut by_referent: Vec<(Option<&str>, Vec<String>)> = Vec::new();
                for (family, referent, days, _) in &g.visits {
                    let shown = late(family, *days);
                    match by_referent.last_mut() {
                        Some((r, list)) if *r == referent.as_deref() => list.push(shown),
                        _ => by_referent.push((referent.as_deref(), vec![shown])),
                    }
                }
                for (referent, families) in by_referent {
                    let who = referent.unwrap_or("sans référent");
                    let _ = writeln!(s, "    {who} : {}", families.join(", "));
                }
            }
        }
        if !p.deferred.is_empty() {
            let _ = writeln!(
                s,
                "{} visite(s) possibles en avance cette semaine, dans leur tolérance, attendent la \
                 semaine suivante : {}.",
                p.deferred.len(),
                p.deferred.join(", ")
            );
            if !p.later.is_empty() {
                let days: Vec<String> = p
                    .later
                    .iter()
                    .map(|(f, d)| format!("{f} le {}", d.format("%d/%m")))
                    .collect();
                let _ = writeln!(
                    s,
                    "  Le plan sur plusieurs semaines en a prévu {} la ou les semaines suivantes \
                     (non publiées : le prochain plan les reprend) : {}.",
                    p.later.len(),
                    days.join(", ")
                );
            }
        }
        let c = &self.capacity;
        if c.minutes > 0 {
            let who: Vec<String> = c
                .per_referent
                .iter()
                .map(|(r, m)| format!("{r} {}", hours(*m)))
                .collect();
            let when: Vec<String> = c
                .half_days
                .iter()
                .take(3)
                .map(|(half, m)| format!("{} le {half}", hours(*m)))
                .collect();
            let _ = writeln!(
                s,
                "Capacité : {} de visites dues ne tiennent pas dans la semaine ({}) ; \
                 les familles concernées sont disponibles surtout : {}.",
                hours(c.minutes),
                who.join(", "),
                when.join(", ")
            );
        }
        for o in &self.outside_hours {
            let weekday = crate::domain::Weekday::from_chrono(chrono::Datelike::weekday(&o.date));
            let what = if o.entries.is_empty() {
                String::new()
            } else {
                format!(" pour {}", o.entries.join(", "))
            };
            if o.leave.0 < o.leave.1 {
                let _ = writeln!(
                    s,
                    "{} part à {} le {} {}, avant le début de ses horaires ({}){what}.",
                    o.referent,
                    o.leave.0.format("%H:%M"),
                    weekday.french(),
                    o.date.format("%d/%m"),
                    o.leave.1.format("%H:%M")
                );
            }
            if o.back.0 > o.back.1 {
                let _ = writeln!(
                    s,
                    "{} rentre à {} le {} {}, après la fin de ses horaires ({}){what}.",
                    o.referent,
                    o.back.0.format("%H:%M"),
                    weekday.french(),
                    o.date.format("%d/%m"),
                    o.back.1.format("%H:%M")
                );
            }
        }
        if !self.agenda_unplaced.is_empty() {
            let _ = writeln!(
                s,
                "\nEngagements de l'agenda non planifiés ({}) :",
                self.agenda_unplaced.len()
            );
            for (code, reason) in &self.agenda_unplaced {
                let _ = writeln!(s, "  {code} : {reason}");
            }
        }
        if let Some(changes) = &self.changes {
            write_changes(&mut s, changes);
        }
        let a = &self.assignment;
        let proof = match (a.stop.as_str(), a.gap_percent) {
            ("kept", _) => "reprise du plan précédent".to_owned(),
            ("optimal", Some(gap)) => {
                format!("optimum prouvé à {} % près", fr_decimal(gap, 2))
            }
            (stop, _) => format!("arrêt : {stop}, sans preuve d'optimalité"),
        };
        let _ = writeln!(
            s,
            "\nAffectation des familles : {proof} ({} s).",
            fr_decimal(a.seconds, 1)
        );
        if a.moves.is_empty() {
            let _ = writeln!(s, "Aucune famille ne change de référent.");
        } else {
            let _ = writeln!(s, "{} famille(s) changent de référent :", a.moves.len());
            for m in &a.moves {
                let _ = writeln!(s, "  {} : {} → {} ({})", m.family, m.from, m.to, m.reason);
            }
        }
        for (family, reason) in &a.unassigned {
            let _ = writeln!(s, "  {family} sans référent : {reason}");
        }
        if !a.outside_sector.is_empty() {
            // Hard sectors price them at zero: list them so that zero does not read as none.
            let _ = writeln!(
                s,
                "{} famille(s) suivie(s) hors du secteur de leur référente :",
                a.outside_sector.len()
            );
            let mut whys: Vec<&str> = a.outside_sector.iter().map(|o| o.why.as_str()).collect();
            whys.sort_unstable();
            whys.dedup();
            for why in whys {
                let families: Vec<String> = a
                    .outside_sector
                    .iter()
                    .filter(|o| o.why == why)
                    .map(|o| format!("{} ({})", o.family, o.referent))
                    .collect();
                let _ = writeln!(s, "  {why} : {}", families.join(", "));
            }
        }
        for load in a.loads.iter().filter(|l| l.families > l.max_caseload) {
            let extra = match load.families - load.max_caseload {
                1 => "la famille en trop".to_owned(),
                n => format!("les {n} familles en trop"),
            };
            let _ = writeln!(
                s,
                "  {} suit {} familles pour une charge maximale de {} : aucune collègue ne peut \
                 reprendre {extra} (langue, secteur ou charge) ; elle les garde et ne reçoit \
                 aucune nouvelle famille.",
                load.referent, load.families, load.max_caseload
            );
        }
        // Families without a référent or above a maximum are counted above, not priced.
        let costs: Vec<String> = a
            .costs
            .iter()
            .filter(|(key, _, minutes)| *minutes != 0 && key != "unassigned" && key != "overload")
            .map(|(_, label, minutes)| format!("{label} {}", fr_int(*minutes)))
            .collect();
        let _ = writeln!(
            s,
            "Coût par règle (équivalent minutes de trajet par mois) : {}.",
            costs.join(", ")
        );
        if let Some(c) = &self.comparison {
            let _ = writeln!(
                s,
                "\nComparaison avec la pratique actuelle (affectation actuelle ; chaque référent \
                 place ses visites dans l'ordre des codes, au premier créneau libre) :"
            );
            let _ = writeln!(
                s,
                "  {:<22} {:>18} {:>22} {:>12}",
                "", "pratique actuelle", "tournées optimisées*", "Parcours"
            );
            let row = |label: &str, f: &dyn Fn(&PlanFigures) -> String| {
                format!(
                    "  {:<22} {:>18} {:>22} {:>12}\n",
                    label,
                    f(&c.baseline),
                    f(&c.current_assignment_routed),
                    f(p)
                )
            };
            s.push_str(&row("visites placées", &|f| {
                format!("{} / {}", f.visits_placed, f.visits_due)
            }));
            s.push_str(&row("trajets", &|f| hours(f.travel_minutes)));
            s.push_str(&row("km", &|f| fr_int(f.travel_km)));
            s.push_str(&row("trajet par visite", &|f| {
                format!("{} min", per_visit(f.travel_minutes, f.visits_placed))
            }));
            let _ = writeln!(
                s,
                "  * affectation actuelle, tournées optimisées par Parcours"
            );
            let _ = writeln!(
                s,
                "Économie de trajet : {} % ({} points grâce aux tournées, {} grâce à l'affectation).",
                fr_decimal(c.saving_percent, 1),
                fr_decimal(c.from_routing_points, 1),
                fr_decimal(c.from_assignment_points, 1)
            );
            let same = &c.same_visits;
            let _ = writeln!(
                s,
                "À visites égales (les {} familles que la pratique actuelle visite, avec \
                 l'affectation et les tournées de Parcours) : {} visites placées, trajets {} \
                 au lieu de {}, économie de {} %.",
                same.visits_due,
                same.visits_placed,
                hours(same.travel_minutes),
                hours(c.baseline.travel_minutes),
                fr_decimal(c.same_visits_saving_percent, 1)
            );
        }
        s
    }
}

/// Travel minutes per visit placed, rounded.
/// « jeudi 03/12 14:00 »
fn day_time(t: chrono::NaiveDateTime) -> String {
    format!(
        "{} {}",
        crate::domain::Weekday::from_chrono(chrono::Datelike::weekday(&t.date())).french(),
        t.format("%d/%m %H:%M")
    )
}

/// A re-plan's changes, per référent, in French.
fn write_changes(s: &mut String, changes: &PlanChanges) {
    if changes.is_empty() {
        let _ = writeln!(
            s,
            "\nRe-planification : rien n'a changé par rapport au plan précédent (aucune visite \
             déplacée, retirée ni ajoutée)."
        );
        return;
    }
    let _ = writeln!(
        s,
        "\nRe-planification, par rapport au plan précédent : {} visite(s) déplacée(s), {} \
         retirée(s), {} ajoutée(s).",
        changes.moved(),
        changes.dropped(),
        changes.added()
    );
    for r in &changes.referents {
        let _ = writeln!(s, "  {} :", r.referent);
        for m in &r.moved {
            let _ = writeln!(
                s,
                "    {} déplacée : {} → {}",
                m.family,
                day_time(m.from),
                day_time(m.to)
            );
        }
        for d in &r.dropped {
            let why = d
                .reason
                .as_deref()
                .map_or_else(String::new, |r| format!(" ({r})"));
            let _ = writeln!(
                s,
                "    {} retirée : était {}{why}",
                d.family,
                day_time(d.start)
            );
        }
        for a in &r.added {
            let _ = writeln!(s, "    {} ajoutée : {}", a.family, day_time(a.start));
        }
    }
}

fn per_visit(minutes: i64, visits: usize) -> i64 {
    if visits == 0 {
        0
    } else {
        (minutes + visits as i64 / 2) / visits as i64
    }
}

/// `12345` → `12 345` (narrow no-break space is not used: terminals differ).
fn fr_int(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `31.25` with 1 decimal → `31,3`.
fn fr_decimal(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_french_way() {
        assert_eq!(fr_int(1234567), "1 234 567");
        assert_eq!(fr_int(999), "999");
        assert_eq!(fr_decimal(31.25, 1), "31,2");
        assert_eq!(fr_decimal(0.0, 2), "0,00");
    }
}
