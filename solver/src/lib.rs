//! Parcours solver: pure, synchronous, deterministic planning for PRE teams.
//!
//! This crate knows nothing of files, HTTP, databases or async code. Every planning problem has
//! one shape (STYLE.md §1): a `Problem` validated once by `Problem::new` (which returns an
//! [`InputError`](error::InputError) naming the item and field), and
//! `solve(&Problem, &Params) -> Solution`, which cannot fail once the problem is valid. A
//! `Solution` carries its plan, its cost per rule ([`RuleCost`](cost::RuleCost)), what it could
//! not place with an [`UnmetReason`](unmet::UnmetReason), its stats and its
//! [`StopReason`](limits::StopReason). [`Params`](limits::Params) holds the seed, the limits
//! (time, iterations, cancel flag) and an optional progress listener: the same input, seed and
//! limits give the same answer (STYLE.md §8). Each problem has an independent `check` that
//! recomputes feasibility and costs from the raw input; debug builds assert it after each solve.
//!
//! # The problems and their rules
//!
//! Each rule below links to the function that states it (its first line is the rule).
//!
//! ## [`assign`]: families → référents (MILP)
//!
//! Hard rules:
//! - caseload: [`assign::Problem::capacity`];
//! - visits possible (her hours, the family's availability and the site's opening hours meet
//!   for one visit in a typical week, travel included): [`assign::Problem::can_visit`], each
//!   pair computed by the caller with [`rota::rules::first_visit_start`];
//! - language: [`assign::Problem::speaks`];
//! - sectors (when they bind): [`assign::Problem::sector_allows`];
//! - pins, and staying with the current référent (when she can visit the family):
//!   [`assign::Problem::pin_decides`].
//!
//! Soft rules ([`assign::Rule`]):
//! - travel: [`assign::Problem::travel`];
//! - continuity: [`assign::Problem::change_cost`];
//! - workload balance: [`assign::Problem::balance_cost`];
//! - sectors (when soft): [`assign::Problem::sector_cost`];
//! - families above a maximum caseload: [`assign::Problem::overload_cost`];
//! - families without a référent: [`assign::Problem::unassigned_cost`].
//!
//! Checker: [`assign::check::check`]. Solve: [`assign::solve`].
//!
//! ## [`routing`]: vehicle routing with time windows (the engine under the rota)
//!
//! Hard rules:
//! - each visit made once, or left out when optional: [`routing::check::each_visit_exactly_once`];
//! - allowed vehicles and pins: [`routing::check::visit_on_an_allowed_vehicle`];
//! - capacity: [`routing::check::load_within_capacity`];
//! - the break: [`routing::check::break_is_placed`];
//! - time windows: [`routing::check::start_inside_a_window`];
//! - shifts: [`routing::check::back_by_shift_end`];
//! - maximum duration: [`routing::check::within_max_duration`].
//!
//! Soft rules ([`routing::Rule`]):
//! - travel: [`routing::check::weighted_travel`];
//! - fixed cost of a vehicle used: [`routing::check::vehicle_fixed_cost`];
//! - optional visits left out: [`routing::check::left_out_penalty`].
//!
//! Checker: [`routing::check::check`]. Solve: [`routing::solve`].
//!
//! ## [`rota`]: a week of visits (which day, which time, in what order)
//!
//! The rota receives raw data ([`rota::Week`]) and applies its rules itself. Hard rules:
//! - closed days (public holidays, absences): [`rota::rules::working_days`];
//! - working hours: [`rota::rules::working_span`];
//! - stretches off between ranges of hours: [`rota::rules::stretches_off`];
//! - lunch: [`rota::rules::lunch_break`], and around appointments:
//!   [`rota::rules::lunch_fits_around`];
//! - fixed commitments hold her time: [`rota::rules::stretch_for`] (they are kept at their
//!   time: [`rota::Keep::Exact`], [`rota::Appointment`]);
//! - family availability and neutral-site opening hours: [`rota::rules::family_windows`];
//! - days open to a visit (a re-plan): [`rota::rules::on_open_days`];
//! - hours and travel from and to her base: [`rota::rules::start_windows`];
//! - (for the assignment) whether a référent can visit a family at all in a typical week:
//!   [`rota::rules::first_visit_start`];
//! - a re-plan that holds still: a visit stays at its time while its place holds
//!   ([`rota::Keep::Still`], [`rota::Problem::freed`] lists those that no longer do);
//! - then every routing rule above, each référent's week being a routing problem.
//!
//! Soft rules ([`rota::Rule`]):
//! - travel: [`rota::travel_cost`];
//! - visits and appointments left out: [`rota::left_out_cost`] (a visit that may wait for a
//!   later week costs less; late visits cost more).
//!
//! Why a visit is left out names its true cause: the family
//! ([`UnmetReason::NoCommonSlot`](unmet::UnmetReason::NoCommonSlot)), the site
//! ([`SiteClosed`](unmet::UnmetReason::SiteClosed)), her days off
//! ([`OnlyOnClosedDays`](unmet::UnmetReason::OnlyOnClosedDays)), her agenda
//! ([`AgendaFull`](unmet::UnmetReason::AgendaFull), [`rota::rules::free_start`]) or her
//! capacity ([`WeekFull`](unmet::UnmetReason::WeekFull)); see [`rota::rules::meets_closed_day`].
//!
//! Checker: [`rota::check::check`]. Solve: [`rota::solve`]; today's practice, for comparison:
//! [`rota::baseline::solve`].
//!
//! ## [`meetings`]: the EPS meetings of a school year (MILP, time-indexed)
//!
//! Hard rules: a school day ([`meetings::Problem::plannable_day`]); each required member free
//! ([`meetings::Problem::is_free`]); the group's own hours
//! ([`meetings::Problem::within_group_hours`]); the site open and big enough
//! ([`meetings::Problem::site_open`], [`meetings::Problem::site_fits`]); no person in two
//! meetings at once, a site one meeting at a time, and time to drive between two
//! ([`meetings::Problem::compatible`]); one meeting per period or the least spacing
//! ([`meetings::Problem::spacing_allows`], [`meetings::Problem::window`]); meetings held stay.
//!
//! Soft rules ([`meetings::Rule`]): invited absent, uneven spacing, driving, half-days in
//! several communes, meetings away from the usual site, meetings unplaced.
//!
//! Checker: [`meetings::check::check`]. Solve: [`meetings::solve`]; what a poll does, for
//! comparison: [`meetings::baseline::solve`].
//!
//! ## Coming (no code yet)
//!
//! - **Workshops** over a term: the sessions of each action collective, their sites and
//!   facilitators.
//! - **Mobility rides** over a day: pickups and drop-offs for families (aide à la mobilité),
//!   on the routing engine.
//!
//! # One solve
//!
//! A référent working on Tuesday 09:00–17:00, a family 15 minutes away free from 14:00 to
//! 16:00 that day:
//!
//! ```
//! use std::time::Duration;
//!
//! use parcours_solver::ids::LocationIdx;
//! use parcours_solver::limits::{Limits, Params};
//! use parcours_solver::rota::{self, DAY, Item, Keep, Span, Week, Weekly};
//! use parcours_solver::travel::{Leg, TravelMatrix};
//! use parcours_solver::units::{Meters, Minutes};
//!
//! let leg = Leg::new(Minutes(15), Meters(6_000));
//! let travel = TravelMatrix::new(2, vec![Leg::ZERO, leg, leg, Leg::ZERO])?;
//! let mut hours: Weekly = Default::default();
//! hours[1] = vec![Span::new(Minutes(9 * 60), Minutes(17 * 60))];
//! let mut available: Weekly = Default::default();
//! available[1] = vec![Span::new(Minutes(14 * 60), Minutes(16 * 60))];
//! let week = Week {
//!     referents: vec![rota::Referent {
//!         base: LocationIdx::new(0),
//!         travel: 0,
//!         hours,
//!         lunch: None,
//!     }],
//!     visits: vec![rota::Visit {
//!         referent: 0,
//!         location: LocationIdx::new(1),
//!         duration: Minutes(60),
//!         available,
//!         site: None,
//!         days: None,
//!         priority: 0,
//!         can_wait: false,
//!         keep: Keep::Free,
//!     }],
//!     ..Week::default()
//! };
//! let problem = rota::Problem::new(week, vec![&travel])?;
//! let limits = Limits::new(Duration::from_secs(10)).with_iterations(100);
//! let solution = rota::solve(&problem, &Params::new(1, limits));
//!
//! assert_eq!(solution.days[0].items, vec![Item::Visit(0)]);
//! assert_eq!(solution.days[0].starts, vec![Minutes(DAY + 14 * 60)]);
//! assert_eq!(solution.travel_minutes(), Minutes(30));
//! assert!(solution.unmet.is_empty());
//! rota::check::check(&problem, &solution).expect("a rota meets its rules");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod assign;
pub mod cost;
pub mod error;
pub mod ids;
pub mod limits;
pub mod meetings;
pub mod milp;
pub mod rng;
pub mod rota;
pub mod routing;
pub mod travel;
pub mod units;
pub mod unmet;
pub mod workshops;
