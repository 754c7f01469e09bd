//! Families → référents: who follows which family (MILP on HiGHS through `good_lp`).
//!
//! Hard rules: a référent takes no new family beyond her maximum caseload; a family goes only
//! to a référent who can visit it in a typical week (her hours, its availability, the site's
//! opening hours: [`Pair::can_visit`]); a family needing a language is followed by someone who
//! speaks it; with [`SectorRule::Hard`], only by a référent whose sector covers it; a pinned
//! family keeps its référent. A family may stay with its current référent, even where she
//! breaks the language or sector rule, as long as she can visit it: the team chose her, and a
//! family already followed never loses its référent for want of a place (a référent already
//! over her maximum keeps her families when no colleague may take them, at a cost). A family
//! its référent cannot visit moves to a colleague who can, or is left without a référent with
//! the reason; only a pin keeps it where it is. Soft
//! rules, each with its weight and its cost reported ([`Rule`]): travel, continuity, workload
//! balance, families above a maximum caseload and, with [`SectorRule::Soft`], sectors. Every cost is in hundredths of a minute per month, so that
//! rules add up in one currency a coordinator can read ("minutes of driving a month").
//!
//! Travel is estimated as visits per month × the round trip from the référent's base to the
//! family. It over-counts what a route that chains several families drives, but it is linear
//! in the assignment, ranks référents by distance the way routes do, and is what a coordinator
//! already reasons with; the rota then measures real routes.

pub mod check;
mod model;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::cost::{self, RuleCost};
use crate::error::InputError;
use crate::limits::{Params, StopReason};
use crate::units::{Cost, Minutes};
use crate::unmet::UnmetReason;

/// A référent as the assignment sees her.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referent {
    /// Families she may follow at most.
    pub max_caseload: u32,
    /// Languages she holds visits in besides French (indices chosen by the caller).
    pub languages: Vec<u32>,
    /// Working minutes a month she has for visits and their travel: the balance rule compares
    /// each référent's load to it.
    pub monthly_minutes: i64,
}

/// Who follows a family today, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Current {
    /// The référent (index into [`Problem::referents`]).
    pub referent: usize,
    /// Whole months she has followed the family.
    pub months: u32,
}

/// A family as the assignment sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// Language the visits need, `None` for French.
    pub language: Option<u32>,
    /// Visits a month, in hundredths (4.33 a month for weekly visits: 433).
    pub visits_per_month_x100: i64,
    /// Minutes on site per visit.
    pub visit_minutes: i64,
    /// Current référent, if any.
    pub current: Option<Current>,
    /// Keeps its current référent whatever the cost (requires `current`).
    pub pinned: bool,
}

/// What links one référent to one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// Round trip from her base to the family's meeting place, with her travel mode.
    pub round_trip: Minutes,
    /// Whether her sector covers the family.
    pub in_sector: bool,
    /// Whether she can visit the family in a typical week: her hours (less her lunch), its
    /// availability and the opening hours of the site where it is met leave room for one visit
    /// with the way there and back (`rota::rules::first_visit_start`).
    pub can_visit: bool,
}

/// Whether sectors bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectorRule {
    /// Only a référent whose sector covers the family may follow it.
    Hard,
    /// Any référent may, at this cost in minutes a month per family outside her sector.
    Soft {
        /// Minutes a month.
        minutes: i64,
    },
}

/// Weights of the soft rules, in minutes a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    /// Cost of changing a family's référent, whatever the time she followed it.
    pub continuity_base: i64,
    /// Added for each month the current référent has followed the family…
    pub continuity_per_month: i64,
    /// …up to this many months.
    pub continuity_cap_months: u32,
    /// Cost of each percentage point of the largest deviation of a référent's load (relative to
    /// her working time) from the team's.
    pub balance_per_point: i64,
    /// Sectors, hard or soft.
    pub sectors: SectorRule,
}

impl Default for Weights {
    /// A change of référent costs one hour a month plus a quarter of an hour per month of
    /// follow-up (at most two years): a family followed for a year moves only to save about
    /// four hours of driving a month. One point of imbalance costs an hour a month. Sectors
    /// bind.
    fn default() -> Weights {
        Weights {
            continuity_base: 60,
            continuity_per_month: 15,
            continuity_cap_months: 24,
            balance_per_point: 60,
            sectors: SectorRule::Hard,
        }
    }
}

/// A validated assignment problem.
#[derive(Debug, Clone)]
pub struct Problem {
    referents: Vec<Referent>,
    families: Vec<Family>,
    /// `pairs[r * families + f]`.
    pairs: Vec<Pair>,
    weights: Weights,
}

fn invalid(item: &'static str, index: usize, field: &'static str, message: String) -> InputError {
    InputError::new(item, index, field, message)
}

impl Problem {
    /// Validates and builds a problem; `pairs` is référent-major: `pairs[r * families.len() + f]`.
    ///
    /// # Errors
    /// [`InputError`] naming the référent or family and the field: a negative count
    /// or duration, a current référent that does not exist, a pin without a current référent,
    /// more pinned families than a référent's maximum caseload, a `pairs` table of the wrong
    /// size.
    pub fn new(
        referents: Vec<Referent>,
        families: Vec<Family>,
        pairs: Vec<Pair>,
        weights: Weights,
    ) -> Result<Problem, InputError> {
        if pairs.len() != referents.len() * families.len() {
            return Err(invalid(
                "référent",
                0,
                "trajets",
                format!(
                    "{} trajets pour {} référents × {} familles",
                    pairs.len(),
                    referents.len(),
                    families.len()
                ),
            ));
        }
        for (r, referent) in referents.iter().enumerate() {
            if referent.monthly_minutes < 0 {
                return Err(invalid("référent", r, "temps de travail", "négatif".into()));
            }
        }
        let mut pinned = vec![0u32; referents.len()];
        for (f, family) in families.iter().enumerate() {
            if family.visits_per_month_x100 < 0 || family.visit_minutes < 0 {
                return Err(invalid("famille", f, "visites", "valeur négative".into()));
            }
            if let Some(current) = family.current
                && current.referent >= referents.len()
            {
                return Err(invalid(
                    "famille",
                    f,
                    "référent",
                    format!("référent {} inexistant", current.referent),
                ));
            }
            if family.pinned {
                let Some(current) = family.current else {
                    return Err(invalid(
                        "famille",
                        f,
                        "référent fixé",
                        "une famille fixée doit avoir un référent".into(),
                    ));
                };
                pinned[current.referent] += 1;
            }
        }
        for (r, (&count, referent)) in pinned.iter().zip(&referents).enumerate() {
            if count > referent.max_caseload {
                return Err(invalid(
                    "référent",
                    r,
                    "charge max",
                    format!(
                        "{count} familles fixées pour une charge maximale de {}",
                        referent.max_caseload
                    ),
                ));
            }
        }
        for (index, pair) in pairs.iter().enumerate() {
            if pair.round_trip.is_negative() {
                return Err(invalid(
                    "référent",
                    index / families.len().max(1),
                    "trajet",
                    "durée négative".into(),
                ));
            }
        }
        Ok(Problem {
            referents,
            families,
            pairs,
            weights,
        })
    }

    /// The référents.
    pub fn referents(&self) -> &[Referent] {
        &self.referents
    }

    /// The families.
    pub fn families(&self) -> &[Family] {
        &self.families
    }

    /// The weights.
    pub fn weights(&self) -> Weights {
        self.weights
    }

    /// What links référent `r` to family `f`.
    pub fn pair(&self, r: usize, f: usize) -> Pair {
        self.pairs[r * self.families.len() + f]
    }

    /// Hard rule: a family needing a language is followed by someone who speaks it (whether
    /// référent `r` speaks what family `f` needs).
    pub fn speaks(&self, r: usize, f: usize) -> bool {
        self.families[f]
            .language
            .is_none_or(|l| self.referents[r].languages.contains(&l))
    }

    /// Hard rule: with [`SectorRule::Hard`], only a référent whose sector covers a family
    /// follows it (whether the sector rule lets référent `r` follow family `f`).
    pub fn sector_allows(&self, r: usize, f: usize) -> bool {
        self.weights.sectors != SectorRule::Hard
            || self.pair(r, f).in_sector
            || self.sector_gives_way(f)
    }

    /// Sectors give way to availability: a family that no référent of its sector can visit
    /// (her hours never meet its availability) may be followed by one outside its sector who
    /// can, rather than by nobody. The plan lists it as followed outside its sector.
    pub fn sector_gives_way(&self, f: usize) -> bool {
        !(0..self.referents.len()).any(|r| self.pair(r, f).in_sector && self.pair(r, f).can_visit)
    }

    /// Hard rule: a family goes only to a référent who can visit it in a typical week (whether
    /// référent `r` can visit family `f`: [`Pair::can_visit`]).
    pub fn can_visit(&self, r: usize, f: usize) -> bool {
        self.pair(r, f).can_visit
    }

    /// Hard rule: a pinned family keeps its référent, and any family may stay with its current
    /// one when she can visit it (the team chose her, perhaps as an exception to its own rules:
    /// an interpreter, a history with the family). `Some(allowed)` when this rule decides,
    /// `None` otherwise.
    pub fn pin_decides(&self, r: usize, f: usize) -> Option<bool> {
        let family = &self.families[f];
        let is_current = family.current.is_some_and(|c| c.referent == r);
        if family.pinned {
            Some(is_current)
        } else {
            (is_current && self.can_visit(r, f)).then_some(true)
        }
    }

    /// Whether the hard rules let référent `r` follow family `f`: [`Problem::pin_decides`],
    /// else [`Problem::can_visit`], [`Problem::speaks`] and [`Problem::sector_allows`].
    pub fn may_follow(&self, r: usize, f: usize) -> bool {
        self.pin_decides(r, f).unwrap_or_else(|| {
            self.can_visit(r, f) && self.speaks(r, f) && self.sector_allows(r, f)
        })
    }

    /// Whether family `f` may stay with its current référent (pinned, or she can visit it).
    pub fn may_stay(&self, f: usize) -> bool {
        self.families[f]
            .current
            .is_some_and(|c| self.may_follow(c.referent, f))
    }

    /// Families référent `r` follows today.
    pub fn current_count(&self, r: usize) -> u32 {
        self.families
            .iter()
            .filter(|f| f.current.is_some_and(|c| c.referent == r))
            .count() as u32
    }

    /// Hard rule: a référent takes no new family beyond her maximum caseload (the families
    /// référent `r` may follow at most: her maximum caseload, or as many as she follows today
    /// when that is more).
    pub fn capacity(&self, r: usize) -> u32 {
        self.referents[r].max_caseload.max(self.current_count(r))
    }

    /// Monthly load of family `f` on référent `r`, hundredths of a minute: visits × (time on
    /// site + round trip).
    pub fn load(&self, r: usize, f: usize) -> i64 {
        let family = &self.families[f];
        family.visits_per_month_x100 * (family.visit_minutes + self.pair(r, f).round_trip.0)
    }

    /// Soft rule: travel costs the family's visits a month × the round trip from her base
    /// (monthly travel of family `f` with référent `r`, hundredths of a minute).
    pub fn travel(&self, r: usize, f: usize) -> i64 {
        self.families[f].visits_per_month_x100 * self.pair(r, f).round_trip.0
    }

    /// Soft rule: changing a family's référent costs a base plus a cost per month she followed
    /// it, up to a cap (giving family `f` to référent `r`, hundredths of a minute a month; zero
    /// when `r` is the current one or the family has none).
    pub fn change_cost(&self, r: usize, f: usize) -> i64 {
        match self.families[f].current {
            Some(c) if c.referent != r => {
                let w = self.weights;
                let months = i64::from(c.months.min(w.continuity_cap_months));
                100 * (w.continuity_base + w.continuity_per_month * months)
            }
            _ => 0,
        }
    }

    /// Soft rule: with [`SectorRule::Soft`], a family outside its référent's sector costs the
    /// rule's minutes a month (giving family `f` to référent `r`, hundredths of a minute).
    pub fn sector_cost(&self, r: usize, f: usize) -> i64 {
        match self.weights.sectors {
            SectorRule::Soft { minutes } if !self.pair(r, f).in_sector => 100 * minutes,
            _ => 0,
        }
    }

    /// Soft rule: the team's workload is balanced; the largest deviation of a référent's load
    /// from the team's, relative to working time (`deviation`, a fraction), costs
    /// [`Weights::balance_per_point`] per percentage point (hundredths of a minute a month).
    pub fn balance_cost(&self, deviation: f64) -> i64 {
        (deviation * 100.0 * self.weights.balance_per_point as f64).round() as i64
    }

    /// Soft rule: each family a référent follows above her maximum caseload (only families
    /// she already followed that no colleague may take) costs more than leaving a new family
    /// without a référent (référent `r` following `families`, hundredths of a minute a month).
    pub fn overload_cost(&self, r: usize, families: u32) -> i64 {
        i64::from(families.saturating_sub(self.referents[r].max_caseload)) * model::OVERLOAD_COST
    }

    /// Soft rule: a family left without a référent costs a hundred thousand minutes a month,
    /// more than any travel, continuity or balance cost can outweigh.
    pub fn unassigned_cost(&self) -> i64 {
        model::UNASSIGNED_COST
    }
}

/// A soft rule of the assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Visits a month × round trip from the référent's base.
    Travel,
    /// Changing a family's référent.
    Continuity,
    /// The largest deviation of a référent's load from the team's, relative to working time.
    Balance,
    /// Families outside their référent's sector (soft sectors only).
    Sector,
    /// Families a référent follows above her maximum caseload (only ever families she already
    /// followed and no colleague may take).
    Overload,
    /// Families left without a référent.
    Unassigned,
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 6] = [
        Rule::Travel,
        Rule::Continuity,
        Rule::Balance,
        Rule::Sector,
        Rule::Overload,
        Rule::Unassigned,
    ];

    /// Stable key for JSON.
    pub const fn key(self) -> &'static str {
        match self {
            Rule::Travel => "travel",
            Rule::Continuity => "continuity",
            Rule::Balance => "balance",
            Rule::Sector => "sector",
            Rule::Overload => "overload",
            Rule::Unassigned => "unassigned",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::Travel => "trajets (visites × aller-retour)",
            Rule::Continuity => "continuité du suivi",
            Rule::Balance => "équilibre des charges",
            Rule::Sector => "hors secteur",
            Rule::Overload => "familles au-delà de la charge maximale",
            Rule::Unassigned => "familles sans référent",
        })
    }
}

/// Why a family changes référent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MoveReason {
    /// Its référent cannot visit it: her hours never meet its availability (and the site's
    /// opening hours) for one visit.
    Availability,
    /// Its référent does not speak the language it needs.
    Language,
    /// Its référent's sector does not cover it (hard sectors).
    Sector,
    /// Its référent is over her maximum caseload.
    Capacity,
    /// Another référent is closer: this many minutes of travel a month less.
    Travel {
        /// Minutes a month saved on this family's visits.
        saved_minutes: i64,
    },
    /// It evens out the team's workload.
    Balance,
}

impl fmt::Display for MoveReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoveReason::Availability => f.write_str(
                "la référente actuelle ne peut pas la voir : ses horaires ne rencontrent jamais \
                 les disponibilités de la famille (et les horaires du lieu) le temps d'une visite, \
                 trajet compris",
            ),
            MoveReason::Language => f.write_str("la référente actuelle ne parle pas sa langue"),
            MoveReason::Sector => f.write_str("hors du secteur de la référente actuelle"),
            MoveReason::Capacity => f.write_str("la référente actuelle dépasse sa charge maximale"),
            MoveReason::Travel { saved_minutes } => {
                write!(
                    f,
                    "trajets plus courts : {saved_minutes} min de moins par mois"
                )
            }
            MoveReason::Balance => f.write_str("rééquilibrage de la charge de l'équipe"),
        }
    }
}

/// A family that changes référent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// The family.
    pub family: usize,
    /// Its current référent.
    pub from: usize,
    /// Its new référent.
    pub to: usize,
    /// Why.
    pub reason: MoveReason,
}

/// One référent's share of an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Load {
    /// Families followed.
    pub families: u32,
    /// Visits and their estimated travel, minutes a month.
    pub minutes: i64,
    /// `minutes` relative to her monthly working minutes, in tenths of a percent.
    pub permille: i64,
}

/// The outcome of an assignment solve.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The référent of each family, `None` when unassigned.
    pub assignment: Vec<Option<usize>>,
    /// Families left without a référent, with why.
    pub unmet: Vec<(usize, UnmetReason)>,
    /// Families whose référent changes, with why.
    pub moves: Vec<Move>,
    /// Families followed by a référent whose sector does not cover them (kept or pinned with
    /// hard sectors, or because nobody of its sector can visit it, or at a cost with soft
    /// ones), by index.
    pub outside_sector: Vec<usize>,
    /// Cost per rule, hundredths of a minute a month, recomputed exactly from the assignment,
    /// in [`Rule::ALL`] order.
    pub costs: Vec<RuleCost<Rule>>,
    /// Each référent's load.
    pub loads: Vec<Load>,
    /// What the solve did.
    pub stats: Stats,
    /// Why the solve stopped.
    pub stop: StopReason,
}

/// What an assignment solve did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Relative gap HiGHS proved (0.001 = 0.1 %); infinite when it proved none.
    pub gap: f64,
}

impl Solution {
    /// Total cost, hundredths of a minute a month.
    pub fn cost(&self) -> Cost {
        cost::total(&self.costs)
    }

    /// Cost of one rule.
    pub fn cost_of(&self, rule: Rule) -> Cost {
        cost::cost_of(&self.costs, rule)
    }
}

/// The relative gap the assignment is solved to: 0.1 %.
pub const REL_GAP: f64 = 1e-3;

/// Solves `problem` within `params`: the MILP on HiGHS, one thread, `params.seed`, to a proven
/// relative gap of [`REL_GAP`] or the time limit. Never fails: should HiGHS fail on the model
/// (a bug, asserted in debug builds), the solution keeps who follows whom today where the hard
/// rules allow it, with [`StopReason::Failed`].
pub fn solve(problem: &Problem, params: &Params<'_>) -> Solution {
    let (assignment, gap, stop) = match model::solve(problem, params) {
        Ok(found) => found,
        Err(e) => {
            debug_assert!(false, "BUG: HiGHS failed on the assignment model: {e}");
            (model::today(problem), f64::INFINITY, StopReason::Failed)
        }
    };
    let solution = evaluate(problem, assignment, gap, stop);
    #[cfg(debug_assertions)]
    match check::check(problem, &solution) {
        Ok(costs) => assert_eq!(costs, solution.costs, "BUG: assignment costs disagree"),
        Err(violations) => panic!("BUG: the assignment breaks its rules: {violations:?}"),
    }
    solution
}

/// The solution of a given assignment: its costs per rule, loads and moves, recomputed from
/// scratch. Also how the current assignment is measured, to compare.
pub fn evaluate(
    problem: &Problem,
    assignment: Vec<Option<usize>>,
    gap: f64,
    stop: StopReason,
) -> Solution {
    let nr = problem.referents.len();
    let mut loads = vec![
        Load {
            families: 0,
            minutes: 0,
            permille: 0,
        };
        nr
    ];
    let (mut travel, mut continuity, mut sector, mut unassigned_cost) = (0, 0, 0, 0);
    let mut overload = 0;
    let mut unassigned = Vec::new();
    let mut outside_sector = Vec::new();
    let mut load_x100 = vec![0i64; nr];
    for (f, chosen) in assignment.iter().enumerate() {
        match *chosen {
            Some(r) => {
                if !problem.pair(r, f).in_sector {
                    outside_sector.push(f);
                }
                loads[r].families += 1;
                load_x100[r] += problem.load(r, f);
                travel += problem.travel(r, f);
                continuity += problem.change_cost(r, f);
                sector += problem.sector_cost(r, f);
            }
            None => {
                unassigned.push((f, unassigned_reason(problem, f)));
                unassigned_cost += problem.unassigned_cost();
            }
        }
    }
    // Balance: largest |u_r − ū| in points, u_r = load_r / W_r, ū = Σ load / Σ W.
    let total_w: i64 = problem.referents.iter().map(|r| r.monthly_minutes).sum();
    let total_load: i64 = load_x100.iter().sum();
    let mean = if total_w > 0 {
        total_load as f64 / total_w as f64
    } else {
        0.0
    };
    let mut deviation: f64 = 0.0;
    for (r, referent) in problem.referents.iter().enumerate() {
        overload += problem.overload_cost(r, loads[r].families);
        loads[r].minutes = (load_x100[r] + 50) / 100;
        if referent.monthly_minutes > 0 {
            let u = load_x100[r] as f64 / referent.monthly_minutes as f64;
            loads[r].permille = (u * 10.0).round() as i64;
            deviation = deviation.max((u - mean).abs());
        }
    }
    let balance = problem.balance_cost(deviation);
    let moves = moves(problem, &assignment, &loads);
    Solution {
        assignment,
        unmet: unassigned,
        moves,
        outside_sector,
        costs: vec![
            RuleCost::new(Rule::Travel, Cost(travel)),
            RuleCost::new(Rule::Continuity, Cost(continuity)),
            RuleCost::new(Rule::Balance, Cost(balance)),
            RuleCost::new(Rule::Sector, Cost(sector)),
            RuleCost::new(Rule::Overload, Cost(overload)),
            RuleCost::new(Rule::Unassigned, Cost(unassigned_cost)),
        ],
        loads,
        stats: Stats { gap },
        stop,
    }
}

fn unassigned_reason(problem: &Problem, f: usize) -> UnmetReason {
    let nr = problem.referents.len();
    let speaks = (0..nr).any(|r| problem.speaks(r, f));
    let hard = problem.weights.sectors == SectorRule::Hard;
    let covered = !hard || (0..nr).any(|r| problem.pair(r, f).in_sector);
    let speaks_in_sector = (0..nr).any(|r| problem.speaks(r, f) && problem.sector_allows(r, f));
    if (0..nr).any(|r| problem.may_follow(r, f)) {
        UnmetReason::Capacity
    } else if !(0..nr).any(|r| problem.can_visit(r, f)) {
        UnmetReason::NoVisitPossible
    } else if speaks_in_sector {
        UnmetReason::NoVisitAllowed
    } else if !speaks {
        UnmetReason::NoLanguage
    } else if !covered {
        UnmetReason::NoSector
    } else {
        UnmetReason::NoLanguageInSector
    }
}

fn moves(problem: &Problem, assignment: &[Option<usize>], loads: &[Load]) -> Vec<Move> {
    let mut current_count = vec![0u32; problem.referents.len()];
    for family in &problem.families {
        if let Some(c) = family.current {
            current_count[c.referent] += 1;
        }
    }
    let mut out = Vec::new();
    for (f, family) in problem.families.iter().enumerate() {
        let (Some(current), Some(to)) = (family.current, assignment[f]) else {
            continue;
        };
        let from = current.referent;
        if from == to {
            continue;
        }
        let reason = if !problem.can_visit(from, f) {
            MoveReason::Availability
        } else if !problem.speaks(from, f) {
            MoveReason::Language
        } else if problem.weights.sectors == SectorRule::Hard && !problem.pair(from, f).in_sector {
            MoveReason::Sector
        } else if current_count[from] > problem.referents[from].max_caseload
            && loads[from].families < current_count[from]
            && problem.travel(to, f) >= problem.travel(from, f)
        {
            MoveReason::Capacity
        } else if problem.travel(to, f) < problem.travel(from, f) {
            MoveReason::Travel {
                saved_minutes: (problem.travel(from, f) - problem.travel(to, f) + 50) / 100,
            }
        } else {
            MoveReason::Balance
        };
        out.push(Move {
            family: f,
            from,
            to,
            reason,
        });
    }
    out
}
