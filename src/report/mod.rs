//! Figures a coordinator recognises, computed from the territory: caseload per référent and
//! its imbalance, families per commune, and the estimated weekly drive time of the current
//! assignment. The text is French; nothing here names a child or a family member.

pub mod eps;
pub mod horizon;
pub mod map;
pub mod week;
pub mod workshops;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use parcours_solver::ids::LocationIdx;
use parcours_solver::travel::{GeoEstimator, TravelTimes};

use crate::domain::{Code, Territory};

/// One référent's line of the caseload table.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferentLoad {
    /// Code.
    pub code: Code,
    /// Display name.
    pub name: String,
    /// Working time, % of full time.
    pub working_time_pct: u32,
    /// Families she follows now.
    pub families: u32,
    /// Children in those families.
    pub children: u32,
    /// Target caseload.
    pub target: u32,
    /// Maximum caseload.
    pub max: u32,
    /// Estimated weekly drive, minutes: a round trip from her base per visit due on average.
    pub weekly_drive_min: i64,
    /// The same in metres.
    pub weekly_drive_m: i64,
}

/// Families of one commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneLoad {
    /// Commune name.
    pub name: String,
    /// Families living there.
    pub families: u32,
    /// Their children.
    pub children: u32,
    /// How many référents share those families.
    pub referents: u32,
}

/// The summary `parcours demo` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct TerritorySummary {
    /// Record counts, labelled in French.
    pub counts: Vec<(&'static str, usize)>,
    /// One line per référent, by code.
    pub referents: Vec<ReferentLoad>,
    /// One line per commune, most families first.
    pub communes: Vec<CommuneLoad>,
    /// Families with no référent.
    pub unassigned_families: u32,
}

impl TerritorySummary {
    /// Computes the summary.
    pub fn of(t: &Territory) -> TerritorySummary {
        let mut children_of: BTreeMap<&Code, u32> = BTreeMap::new();
        for c in &t.children {
            *children_of.entry(&c.family).or_default() += 1;
        }
        // Locations: référent bases first, then families.
        let mut points: Vec<(f64, f64)> = t
            .referents
            .iter()
            .map(|r| (r.base.lat(), r.base.lon()))
            .collect();
        points.extend(
            t.families
                .iter()
                .map(|f| (f.location.lat(), f.location.lon())),
        );
        let travel = GeoEstimator::new(points).expect("BUG: domain points are valid coordinates");
        let base_of: BTreeMap<&Code, usize> = t
            .referents
            .iter()
            .enumerate()
            .map(|(i, r)| (&r.code, i))
            .collect();

        let mut referents: Vec<ReferentLoad> = t
            .referents
            .iter()
            .map(|r| ReferentLoad {
                code: r.code.clone(),
                name: r.name.clone(),
                working_time_pct: r.working_time_pct,
                families: 0,
                children: 0,
                target: r.target_caseload,
                max: r.max_caseload,
                weekly_drive_min: 0,
                weekly_drive_m: 0,
            })
            .collect();
        let mut communes: BTreeMap<&Code, (u32, u32, std::collections::BTreeSet<&Code>)> =
            BTreeMap::new();
        let mut unassigned = 0;
        for (fi, f) in t.families.iter().enumerate() {
            let kids = children_of.get(&f.code).copied().unwrap_or(0);
            let entry = communes.entry(&f.commune).or_default();
            entry.0 += 1;
            entry.1 += kids;
            let Some((code, _)) = &f.referent else {
                unassigned += 1;
                continue;
            };
            entry.2.insert(code);
            let Some(&ri) = base_of.get(code) else {
                continue;
            };
            let load = &mut referents[ri];
            load.families += 1;
            load.children += kids;
            let (base, home) = (
                LocationIdx::new(ri),
                LocationIdx::new(t.referents.len() + fi),
            );
            let (out, back) = (travel.leg(base, home), travel.leg(home, base));
            // Visits per 28 days: weekly 4, fortnightly 2, monthly 1; weekly average = / 4.
            let per_4_weeks = i64::from(28 / f.frequency.interval_days());
            load.weekly_drive_min += (out.minutes.0 + back.minutes.0) * per_4_weeks;
            load.weekly_drive_m += (out.meters.0 + back.meters.0) * per_4_weeks;
        }
        for load in &mut referents {
            load.weekly_drive_min = (load.weekly_drive_min + 2) / 4;
            load.weekly_drive_m = (load.weekly_drive_m + 2) / 4;
        }
        let name_of: BTreeMap<&Code, &str> = t
            .communes
            .iter()
            .map(|c| (&c.insee, c.name.as_str()))
            .collect();
        let mut communes: Vec<CommuneLoad> = communes
            .into_iter()
            .map(|(code, (families, children, refs))| CommuneLoad {
                name: name_of
                    .get(code)
                    .map_or_else(|| code.to_string(), |n| (*n).to_owned()),
                families,
                children,
                referents: refs.len() as u32,
            })
            .collect();
        communes.sort_by(|a, b| {
            b.families
                .cmp(&a.families)
                .then_with(|| a.name.cmp(&b.name))
        });

        TerritorySummary {
            counts: vec![
                ("communes", t.communes.len()),
                ("QPV", t.qpvs.len()),
                ("écoles", t.schools.len()),
                ("lieux neutres", t.sites.len()),
                ("coordinatrices", t.coordinators.len()),
                ("référents", t.referents.len()),
                ("familles", t.families.len()),
                ("enfants", t.children.len()),
                ("professionnels partenaires", t.professionals.len()),
                ("EPS", t.eps.len()),
                ("ateliers", t.workshops.len()),
                ("rendez-vous de santé", t.appointments.len()),
                ("chauffeurs", t.drivers.len()),
                ("véhicules", t.vehicles.len()),
            ],
            referents,
            communes,
            unassigned_families: unassigned,
        }
    }

    /// Total estimated weekly drive, minutes and metres.
    pub fn weekly_drive(&self) -> (i64, i64) {
        self.referents.iter().fold((0, 0), |(m, d), r| {
            (m + r.weekly_drive_min, d + r.weekly_drive_m)
        })
    }

    /// The summary as French text for the terminal.
    pub fn to_french(&self) -> String {
        let mut s = String::new();
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(what, n)| format!("{n} {what}"))
            .collect();
        let _ = writeln!(s, "Territoire : {}.", counts.join(", "));

        let _ = writeln!(s, "\nCharge par référent (familles suivies aujourd'hui)");
        let _ = writeln!(
            s,
            "  {:<24} {:>6} {:>9} {:>8} {:>6} {:>5} {:>9} {:>16}",
            "Référent", "Temps", "Familles", "Enfants", "Cible", "Max", "Écart", "Trajets/semaine"
        );
        for r in &self.referents {
            let gap = i64::from(r.families) - i64::from(r.target);
            let flag = if r.families > r.max {
                "  au-delà du maximum"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  {:<24} {:>5}% {:>9} {:>8} {:>6} {:>5} {:>+9} {:>16}{flag}",
                format!("{} {}", r.code, r.name),
                r.working_time_pct,
                r.families,
                r.children,
                r.target,
                r.max,
                gap,
                hours(r.weekly_drive_min),
            );
        }
        if let (Some(lo), Some(hi)) = (
            self.referents
                .iter()
                .min_by_key(|r| (r.families, r.code.clone())),
            self.referents
                .iter()
                .max_by_key(|r| (r.families, std::cmp::Reverse(r.code.clone()))),
        ) {
            let per_fte = |r: &ReferentLoad| {
                f64::from(r.families) * 100.0 / f64::from(r.working_time_pct.max(1))
            };
            let ftes: Vec<f64> = self.referents.iter().map(per_fte).collect();
            let (fmin, fmax) = ftes
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
            let _ = writeln!(
                s,
                "  Déséquilibre : de {} familles ({}) à {} ({}), soit {} d'écart ; \
                 ramené au temps plein, de {:.0} à {:.0} familles par ETP.",
                lo.families,
                lo.code,
                hi.families,
                hi.code,
                hi.families - lo.families,
                fmin,
                fmax
            );
        }
        if self.unassigned_families > 0 {
            let _ = writeln!(
                s,
                "  Familles sans référent : {}.",
                self.unassigned_families
            );
        }

        let _ = writeln!(s, "\nFamilles par commune");
        for c in &self.communes {
            let _ = writeln!(
                s,
                "  {:<26} {:>4} familles {:>5} enfants   suivies par {} référent{}",
                c.name,
                c.families,
                c.children,
                c.referents,
                if c.referents > 1 { "s" } else { "" }
            );
        }

        let (minutes, metres) = self.weekly_drive();
        let _ = writeln!(
            s,
            "\nTemps de route hebdomadaire estimé de l'affectation actuelle : {} ({} km)",
            hours(minutes),
            (metres + 500) / 1000
        );
        let _ = writeln!(
            s,
            "  (un aller-retour depuis la base du référent par visite due, en moyenne sur 4 semaines ;\n   \
             distance à vol d'oiseau × 1,343, 36 km/h, 5 min de stationnement par trajet)"
        );
        s
    }
}

/// `125` → `2 h 05`.
pub fn hours(minutes: i64) -> String {
    format!("{} h {:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_are_shown_as_hours_and_minutes() {
        assert_eq!(hours(125), "2 h 05");
        assert_eq!(hours(0), "0 h 00");
    }
}
