//! What a solution costs, rule by rule: [`RuleCost`], the shape every problem reports its
//! soft rules in (STYLE.md §7: "every solution reports its cost per rule so a coordinator can
//! see why").
//!
//! Each problem has its own `Rule` enum (`assign::Rule`, `routing::Rule`, `rota::Rule`) naming
//! its soft rules; a solution lists one [`RuleCost`] per rule, in the enum's order, and its
//! total is their sum.

use crate::units::Cost;

/// The cost one soft rule adds to a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleCost<R> {
    /// The rule.
    pub rule: R,
    /// What it costs, in the problem's cost unit.
    pub cost: Cost,
}

impl<R> RuleCost<R> {
    /// `rule` costing `cost`.
    pub const fn new(rule: R, cost: Cost) -> RuleCost<R> {
        RuleCost { rule, cost }
    }
}

/// The sum of `costs`.
pub fn total<R>(costs: &[RuleCost<R>]) -> Cost {
    costs.iter().map(|c| c.cost).sum()
}

/// The cost of `rule` in `costs`, zero when it is not listed.
pub fn cost_of<R: PartialEq>(costs: &[RuleCost<R>], rule: R) -> Cost {
    costs
        .iter()
        .find(|c| c.rule == rule)
        .map_or(Cost::ZERO, |c| c.cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_is_the_sum_of_the_rules_and_a_missing_rule_costs_nothing() {
        let costs = [RuleCost::new('a', Cost(3)), RuleCost::new('b', Cost(4))];
        assert_eq!(total(&costs), Cost(7));
        assert_eq!(cost_of(&costs, 'b'), Cost(4));
        assert_eq!(cost_of(&costs, 'z'), Cost::ZERO);
    }
}
