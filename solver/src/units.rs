//! Integer quantities with their unit in the type: [`Minutes`], [`Meters`], [`Cost`].
//!
//! The solver adds, compares and totals these exactly (STYLE.md §7, after VROOM's `typedefs.h`
//! and PyVRP's `Measure.h`); floats appear only at the MILP boundary and in the travel
//! estimator, which round once into these types. This module owns the arithmetic and the
//! display of the three units; it knows nothing of what they measure.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};

/// Declares one integer unit newtype with its arithmetic and display.
macro_rules! integer_unit {
    ($(#[$meta:meta])* $name:ident, $suffix:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl $name {
            /// Nothing of this quantity.
            pub const ZERO: $name = $name(0);

            /// The raw integer count.
            pub const fn get(self) -> i64 {
                self.0
            }

            /// Whether the quantity is below zero (only differences and deltas can be).
            pub const fn is_negative(self) -> bool {
                self.0 < 0
            }

            /// The amount by which `self` exceeds `limit`, or zero: the size of a violation,
            /// which penalties grow with (STYLE.md §7).
            pub fn excess_over(self, limit: $name) -> $name {
                $name((self.0 - limit.0).max(0))
            }
        }

        impl Add for $name {
            type Output = $name;
            fn add(self, rhs: $name) -> $name {
                $name(self.0 + rhs.0)
            }
        }

        impl Sub for $name {
            type Output = $name;
            fn sub(self, rhs: $name) -> $name {
                $name(self.0 - rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: $name) {
                self.0 += rhs.0;
            }
        }

        impl SubAssign for $name {
            fn sub_assign(&mut self, rhs: $name) {
                self.0 -= rhs.0;
            }
        }

        impl Neg for $name {
            type Output = $name;
            fn neg(self) -> $name {
                $name(-self.0)
            }
        }

        /// Scaling by a dimensionless integer count (a weight, a number of weeks).
        impl Mul<i64> for $name {
            type Output = $name;
            fn mul(self, rhs: i64) -> $name {
                $name(self.0 * rhs)
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = $name>>(iter: I) -> $name {
                iter.fold($name::ZERO, Add::add)
            }
        }

        impl<'a> Sum<&'a $name> for $name {
            fn sum<I: Iterator<Item = &'a $name>>(iter: I) -> $name {
                iter.copied().sum()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", self.0, $suffix)
            }
        }
    };
}

integer_unit!(
    /// A duration or a time of day in whole minutes (displayed `"12 min"`).
    Minutes,
    " min"
);

integer_unit!(
    /// A distance in whole metres (displayed `"1500 m"`).
    Meters,
    " m"
);

integer_unit!(
    /// An objective value in abstract integer cost units (displayed as the bare number).
    /// Each rule converts its violation (minutes late, metres over) into cost with an integer
    /// weight, so totals are exact and comparisons are total.
    Cost,
    ""
);

impl Minutes {
    /// `hours` whole hours.
    pub const fn from_hours(hours: i64) -> Minutes {
        Minutes(hours * 60)
    }
}

impl Meters {
    /// `km` whole kilometres.
    pub const fn from_km(km: i64) -> Meters {
        Meters(km * 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_of_minutes_are_exact_and_start_from_zero() {
        let legs = [Minutes(10), Minutes(13), Minutes(31)];
        assert_eq!(legs.iter().sum::<Minutes>(), Minutes(54));
        assert_eq!(legs.into_iter().sum::<Minutes>(), Minutes(54));
        assert_eq!(
            Vec::<Minutes>::new().into_iter().sum::<Minutes>(),
            Minutes::ZERO
        );
    }

    #[test]
    fn arithmetic_keeps_the_unit_and_allows_negative_deltas() {
        let mut total = Meters::from_km(2);
        total += Meters(500);
        total -= Meters(100);
        assert_eq!(total, Meters(2400));
        let delta = Meters(300) - total;
        assert!(delta.is_negative());
        assert_eq!(-delta, Meters(2100));
        assert_eq!(Cost(7) * 3, Cost(21));
        assert_eq!(Minutes::from_hours(2) + Minutes(5), Minutes(125));
    }

    #[test]
    fn the_excess_over_a_limit_is_never_negative() {
        assert_eq!(Minutes(50).excess_over(Minutes(45)), Minutes(5));
        assert_eq!(Minutes(40).excess_over(Minutes(45)), Minutes::ZERO);
    }

    #[test]
    fn quantities_order_by_their_value() {
        let mut costs = vec![Cost(3), Cost(-1), Cost(2)];
        costs.sort();
        assert_eq!(costs, vec![Cost(-1), Cost(2), Cost(3)]);
        assert_eq!(Minutes(3).max(Minutes(9)), Minutes(9));
    }

    #[test]
    fn display_shows_the_unit() {
        assert_eq!(Minutes(12).to_string(), "12 min");
        assert_eq!(Meters(1500).to_string(), "1500 m");
        assert_eq!(Cost(42).to_string(), "42");
    }
}
