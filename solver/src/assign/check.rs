//! The independent checker of assignments: [`check`] verifies an assignment against the hard
//! rules and recomputes its cost per rule from the problem's raw data (STYLE.md §7).
//!
//! It shares no code with the model or with [`evaluate`](super::evaluate): it reads the
//! référents, families, pairs and weights only through their fields ([`Problem::referents`],
//! [`Problem::families`], [`Problem::pair`], [`Problem::weights`]). Tests use it, and debug
//! builds assert it after each solve.
//!
//! # The rules an assignment must meet
//!
//! - One entry per family; each référent named exists; the families without one are exactly
//!   those listed unmet, and a family followed today is never among them unless its current
//!   référent cannot visit it (and it is not pinned).
//! - **Pins.** A pinned family keeps its current référent.
//! - **Visits possible.** A family goes to a référent who can visit it in a typical week
//!   ([`Pair::can_visit`](super::Pair::can_visit)), even when it stays with its current
//!   référent; only a pinned family may keep one who cannot.
//! - **Language.** A family needing a language goes to someone who speaks it, unless she stays
//!   with her current référent.
//! - **Sectors.** With hard sectors, a family goes to a référent whose sector covers it, unless
//!   she stays with her current référent.
//! - **Caseload.** A référent follows at most her maximum caseload, or as many families as she
//!   follows today when that is more.

use super::{Problem, Rule, SectorRule, Solution};
use crate::cost::RuleCost;
use crate::units::Cost;

/// One way an assignment breaks a rule. The French `Display` names the family or référent by
/// index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    /// Not one entry per family.
    #[error("{found} affectations pour {families} familles")]
    Count {
        /// Entries given.
        found: usize,
        /// Families.
        families: usize,
    },
    /// A référent that does not exist.
    #[error("famille {family} : référent {referent} inexistant")]
    UnknownReferent {
        /// The family.
        family: usize,
        /// The référent named.
        referent: usize,
    },
    /// The unmet list is not the families without a référent.
    #[error("famille {family} : sans référent mais non signalée, ou signalée à tort")]
    Unmet {
        /// The family.
        family: usize,
    },
    /// A family followed today lost its référent.
    #[error("famille {family} : suivie aujourd'hui, elle perd son référent")]
    LostReferent {
        /// The family.
        family: usize,
    },
    /// A pinned family does not keep its référent.
    #[error("famille {family} : fixée, elle change de référent")]
    Pin {
        /// The family.
        family: usize,
    },
    /// A family goes to someone who cannot visit it.
    #[error("famille {family} : le référent {referent} ne peut pas la voir (aucun créneau commun)")]
    CannotVisit {
        /// The family.
        family: usize,
        /// Its référent.
        referent: usize,
    },
    /// A family goes to someone who does not speak its language.
    #[error("famille {family} : le référent {referent} ne parle pas sa langue")]
    Language {
        /// The family.
        family: usize,
        /// Its référent.
        referent: usize,
    },
    /// A family goes outside its référent's sector (hard sectors).
    #[error("famille {family} : hors du secteur du référent {referent}")]
    Sector {
        /// The family.
        family: usize,
        /// Its référent.
        referent: usize,
    },
    /// A référent follows more families than she may.
    #[error("référent {referent} : {families} familles pour une charge maximale de {max}")]
    Caseload {
        /// The référent.
        referent: usize,
        /// Families she follows.
        families: usize,
        /// What she may follow.
        max: usize,
    },
}

/// Checks `solution` against the hard rules of `problem` and recomputes its cost per rule, in
/// hundredths of a minute a month, in [`Rule::ALL`] order.
///
/// # Errors
/// Every [`Violation`] found.
pub fn check(
    problem: &Problem,
    solution: &Solution,
) -> Result<Vec<RuleCost<Rule>>, Vec<Violation>> {
    let (referents, families) = (problem.referents(), problem.families());
    let weights = problem.weights();
    let (nr, nf) = (referents.len(), families.len());
    if solution.assignment.len() != nf {
        return Err(vec![Violation::Count {
            found: solution.assignment.len(),
            families: nf,
        }]);
    }
    let mut violations = Vec::new();
    let mut count = vec![0usize; nr];
    let mut today = vec![0usize; nr];
    for family in families {
        if let Some(c) = family.current {
            today[c.referent] += 1;
        }
    }
    for (f, (chosen, family)) in solution.assignment.iter().zip(families).enumerate() {
        let listed = solution.unmet.iter().filter(|(x, _)| *x == f).count();
        let Some(r) = *chosen else {
            if listed != 1 {
                violations.push(Violation::Unmet { family: f });
            }
            if let Some(c) = family.current
                && (family.pinned || problem.pair(c.referent, f).can_visit)
            {
                violations.push(Violation::LostReferent { family: f });
            }
            continue;
        };
        if listed != 0 {
            violations.push(Violation::Unmet { family: f });
        }
        if r >= nr {
            violations.push(Violation::UnknownReferent {
                family: f,
                referent: r,
            });
            continue;
        }
        count[r] += 1;
        let stays = family.current.is_some_and(|c| c.referent == r);
        if family.pinned && !stays {
            violations.push(Violation::Pin { family: f });
        }
        if !problem.pair(r, f).can_visit && (!family.pinned || !stays) {
            violations.push(Violation::CannotVisit {
                family: f,
                referent: r,
            });
        }
        if stays {
            continue;
        }
        if let Some(language) = family.language
            && !referents[r].languages.contains(&language)
        {
            violations.push(Violation::Language {
                family: f,
                referent: r,
            });
        }
        // Hard sectors give way only when nobody of the family's sector can visit it.
        let sector_can_visit =
            (0..nr).any(|o| problem.pair(o, f).in_sector && problem.pair(o, f).can_visit);
        if weights.sectors == SectorRule::Hard && !problem.pair(r, f).in_sector && sector_can_visit
        {
            violations.push(Violation::Sector {
                family: f,
                referent: r,
            });
        }
    }
    for r in 0..nr {
        let max = (referents[r].max_caseload as usize).max(today[r]);
        if count[r] > max {
            violations.push(Violation::Caseload {
                referent: r,
                families: count[r],
                max,
            });
        }
    }
    if !violations.is_empty() {
        return Err(violations);
    }

    // Costs, hundredths of a minute a month.
    let (mut travel, mut continuity, mut sector) = (0i64, 0i64, 0i64);
    let mut load = vec![0i64; nr];
    let mut left = 0i64;
    for (f, chosen) in solution.assignment.iter().enumerate() {
        let family = &families[f];
        let Some(r) = *chosen else {
            left += 1;
            continue;
        };
        let trip = problem.pair(r, f).round_trip.0;
        travel += family.visits_per_month_x100 * trip;
        load[r] += family.visits_per_month_x100 * (family.visit_minutes + trip);
        if let Some(c) = family.current
            && c.referent != r
        {
            let months = i64::from(c.months.min(weights.continuity_cap_months));
            continuity += 100 * (weights.continuity_base + weights.continuity_per_month * months);
        }
        if let SectorRule::Soft { minutes } = weights.sectors
            && !problem.pair(r, f).in_sector
        {
            sector += 100 * minutes;
        }
    }
    let total_w: i64 = referents.iter().map(|r| r.monthly_minutes).sum();
    let mean = if total_w > 0 {
        load.iter().sum::<i64>() as f64 / total_w as f64
    } else {
        0.0
    };
    let mut deviation: f64 = 0.0;
    for (r, referent) in referents.iter().enumerate() {
        if referent.monthly_minutes > 0 {
            let u = load[r] as f64 / referent.monthly_minutes as f64;
            deviation = deviation.max((u - mean).abs());
        }
    }
    let balance = (deviation * 100.0 * weights.balance_per_point as f64).round() as i64;
    // A family left out weighs 100,000 minutes a month; each one above a maximum, twice that.
    let unassigned_each = 100 * 100_000;
    let overload: i64 = (0..nr)
        .map(|r| count[r].saturating_sub(referents[r].max_caseload as usize) as i64)
        .sum::<i64>()
        * 2
        * unassigned_each;
    Ok(vec![
        RuleCost::new(Rule::Travel, Cost(travel)),
        RuleCost::new(Rule::Continuity, Cost(continuity)),
        RuleCost::new(Rule::Balance, Cost(balance)),
        RuleCost::new(Rule::Sector, Cost(sector)),
        RuleCost::new(Rule::Overload, Cost(overload)),
        RuleCost::new(Rule::Unassigned, Cost(left * unassigned_each)),
    ])
}
