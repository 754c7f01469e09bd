//! The reference territory the repository ships in `fixtures/territory` (synthetic people,
//! written by the developers' generator, `parcours-dev fixtures generate`): the week it is
//! written for. The demo plans that week; tests and fuzz targets date their data from it.
//! Nothing here generates data: the product reads the committed CSV files.

use chrono::NaiveDate;

/// Monday 30 November 2026, the first day of the week the reference territory plans (ISO week
/// 2026-W49); its referral dates, last visits and appointments are placed relative to it.
pub const MONDAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 30) {
    Some(d) => d,
    None => panic!("BUG: 2026-11-30 is a valid date"),
};
