//! Dense indices: the solver's names for the things it plans (STYLE.md §2).
//!
//! The solver never sees database ids. `planning/` in the app numbers the locations, visits and
//! référents of a problem `0..n` and maps both ways (VROOM's `Id` vs `Index`); here each kind of
//! index is its own `u32` newtype so that a location cannot be used where a visit is meant, and
//! so that per-item data lives in `Vec`s addressed by these indices.

use std::fmt;

/// Declares one dense index newtype over `u32`.
macro_rules! dense_index {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            #[doc = concat!("The ", $what, " at position `index`.")]
            ///
            /// # Panics
            ///
            /// If `index` does not fit in a `u32`; problems are validated far below that size,
            /// so this is a programming error.
            pub fn new(index: usize) -> $name {
                $name(u32::try_from(index).expect("BUG: dense index beyond u32::MAX"))
            }

            /// The position, for addressing a `Vec`.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

dense_index!(
    /// Index of a place (lieu) in a problem's travel data: a family's home, a school, an EPS
    /// meeting room, a neutral site (lieu neutre), a référent's office. `0..len()` of the
    /// problem's [`TravelTimes`](crate::travel::TravelTimes).
    LocationIdx,
    "location"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_round_trips_through_usize() {
        let idx = LocationIdx::new(41);
        assert_eq!(idx.index(), 41);
        assert_eq!(idx.to_string(), "41");
    }

    #[test]
    fn indices_order_by_position() {
        assert!(LocationIdx::new(2) < LocationIdx::new(10));
    }
}
