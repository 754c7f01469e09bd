//! The rules of the week, each a named function that starts with the rule in plain words
//! (STYLE.md §7). [`Problem::new`](super::Problem::new) applies them to the raw inputs (working
//! hours, lunch rule, closed days, family availability, opening hours, appointments) to build
//! the days and the windows the search works in; [`check`](super::check) verifies a week
//! against the same rules from the raw inputs, with its own code.
//!
//! Times of one day are minutes from its midnight ([`Span`]); times of the week are minutes
//! from the Monday 00:00 ([`TimeWindow`]).

use super::{Appointment, ClosedDay, DAY, DAYS, LunchRule, Referent, Span};
use crate::routing::{Break, TimeWindow};
use crate::units::Minutes;

/// One day a référent works: whose, and which day (0 = the first Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkingDay {
    /// The référent (index into the week's référents).
    pub referent: usize,
    /// The day, 0 = the first Monday (day `d` is weekday `d % 7`).
    pub day: usize,
}

/// Closed days: over `weeks` weeks, a référent works on the days she has hours, except a day
/// closed for everyone (a public holiday) or for her (an absence). Référent-major, then by day.
pub fn working_days(referents: &[Referent], closed: &[ClosedDay], weeks: usize) -> Vec<WorkingDay> {
    let mut out = Vec::new();
    for (r, referent) in referents.iter().enumerate() {
        for day in 0..DAYS * weeks.max(1) {
            let is_closed = closed
                .iter()
                .any(|c| c.day == day && c.referent.is_none_or(|x| x == r));
            if !referent.hours[day % DAYS].is_empty() && !is_closed {
                out.push(WorkingDay { referent: r, day });
            }
        }
    }
    out
}

/// Working hours: on a working day she leaves her base no earlier than the start of her first
/// range of hours and is back by the end of her last; `None` on a day without hours.
pub fn working_span(hours: &[Span]) -> Option<Span> {
    let (first, last) = (hours.first()?, hours.last()?);
    Some(Span::new(first.start, last.end))
}

/// Stretches off: between two ranges of her hours she is off (the stretch that holds her
/// lunch is her break, see [`lunch_break`]; the others keep her at her base).
pub fn stretches_off(hours: &[Span]) -> Vec<Span> {
    hours
        .windows(2)
        .map(|w| Span::new(w[0].end, w[1].start))
        .filter(|gap| gap.start < gap.end)
        .collect()
}

/// Whether stretch off `gap` holds her lunch: it overlaps her lunch window by the length of
/// her lunch. Without a lunch rule any stretch off does.
fn holds_lunch(gap: Span, rule: Option<LunchRule>) -> bool {
    rule.is_none_or(|l| {
        gap.end.min(l.window.end).0 - gap.start.max(l.window.start).0 >= l.minutes.0
    })
}

/// Lunch rule: on a working day she takes one break of her lunch's length that starts inside
/// her lunch window, clipped to her hours; none on a day that cannot hold it (a morning only).
/// When a stretch off between two ranges of her hours holds her lunch, that whole stretch is
/// her break. Returns the break (minutes of the day) and which stretch off it is, if one.
pub fn lunch_break(hours: &[Span], rule: Option<LunchRule>) -> (Option<Break>, Option<usize>) {
    let gaps = stretches_off(hours);
    if let Some(g) = gaps.iter().position(|&gap| holds_lunch(gap, rule)) {
        let gap = gaps[g];
        let lunch = Break {
            window: TimeWindow::new(gap.start, gap.start),
            duration: gap.end - gap.start,
        };
        return (Some(lunch), Some(g));
    }
    let (Some(span), Some(rule)) = (working_span(hours), rule) else {
        return (None, None);
    };
    let from = rule.window.start.max(span.start);
    let to = rule.window.end.min(span.end) - rule.minutes;
    let lunch = (from <= to).then(|| Break {
        window: TimeWindow::new(from, to),
        duration: rule.minutes,
    });
    (lunch, None)
}

/// Fixed commitments hold her time: her day stretches to reach an appointment outside her
/// hours, with the way there (`to_minutes`) and back (`back_minutes`), for that appointment
/// only (visits that are not fixed stay inside her hours).
pub fn stretch_for(
    hours: TimeWindow,
    appointment: &Appointment,
    to_minutes: Minutes,
    back_minutes: Minutes,
) -> TimeWindow {
    let end = appointment.start + appointment.duration;
    TimeWindow::new(
        hours.start.min(appointment.start - to_minutes),
        hours.end.max(end + back_minutes),
    )
}

/// Lunch around commitments: a day whose appointments (`busy`, minutes of the week) leave no
/// free stretch of her lunch's length between the start of her lunch window and its end has
/// no break: she eats at the meeting or training.
pub fn lunch_fits_around(lunch: Break, busy: &[(Minutes, Minutes)]) -> bool {
    let mut busy = busy.to_vec();
    busy.sort_unstable();
    let (from, to) = (lunch.window.start.0, lunch.window.end.0 + lunch.duration.0);
    let mut at = from;
    let mut room = 0;
    for (a, b) in busy {
        room = room.max(a.0.min(to) - at);
        at = at.max(b.0);
    }
    room = room.max(to - at);
    room >= lunch.duration.0
}

/// Family availability and opening hours: a visit takes place while the family is available
/// and, when it is met at a neutral site, while the site is open. Returns the windows of
/// `weeks` weeks (minutes from the first Monday), sorted; touching windows merge (the site
/// closes at noon, the family is free until 12:30: one window).
pub fn family_windows(
    available: &[Vec<Span>; DAYS],
    opening: Option<&[Vec<Span>; DAYS]>,
    weeks: usize,
) -> Vec<TimeWindow> {
    let mut out = Vec::new();
    for day in 0..DAYS * weeks.max(1) {
        let at = Minutes(day as i64 * DAY);
        for family in &available[day % DAYS] {
            match opening {
                None => out.push(TimeWindow::new(at + family.start, at + family.end)),
                Some(opening) => {
                    for open in &opening[day % DAYS] {
                        let (s, e) = (family.start.max(open.start), family.end.min(open.end));
                        if s < e {
                            out.push(TimeWindow::new(at + s, at + e));
                        }
                    }
                }
            }
        }
    }
    out.sort();
    let mut merged: Vec<TimeWindow> = Vec::with_capacity(out.len());
    for w in out {
        match merged.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    merged
}

/// Days open to a visit: when the visit may only take place on some days of the week (a visit
/// report's re-plan reopens only the days it touched), its windows on other days are dropped.
pub fn on_open_days(windows: Vec<TimeWindow>, days: Option<&[usize]>) -> Vec<TimeWindow> {
    match days {
        None => windows,
        Some(days) => windows
            .into_iter()
            .filter(|w| {
                usize::try_from(w.start.0.div_euclid(DAY)).is_ok_and(|day| days.contains(&day))
            })
            .collect(),
    }
}

/// Hours and travel: a visit that is not fixed starts inside its windows, once she can have
/// come from her base after the start of her hours (`open`), and ends in time to be back by
/// their end. Returns the windows its start may fall in.
pub fn start_windows(
    windows: &[TimeWindow],
    duration: Minutes,
    open: TimeWindow,
    to_minutes: Minutes,
    back_minutes: Minutes,
) -> Vec<TimeWindow> {
    let earliest = open.start + to_minutes;
    let latest = open.end - duration - back_minutes;
    windows
        .iter()
        .filter_map(|w| {
            let start = w.start.max(earliest);
            let end = (w.end - duration).min(latest);
            (start <= end).then(|| TimeWindow::new(start, end))
        })
        .collect()
}

/// Days off: the family's windows (minutes of the week) meet référent `r`'s hours, for a visit
/// of `duration`, only on days closed to her this week (a public holiday, an absence); returns
/// whether they meet them on at least one such day.
pub fn meets_closed_day(
    windows: &[TimeWindow],
    duration: Minutes,
    referent: &Referent,
    r: usize,
    closed: &[ClosedDay],
) -> bool {
    closed
        .iter()
        .filter(|c| c.referent.is_none_or(|x| x == r))
        .any(|c| {
            let at = Minutes(c.day as i64 * DAY);
            referent.hours[c.day % DAYS].iter().any(|h| {
                windows.iter().any(|w| {
                    let (s, e) = (w.start.max(at + h.start), w.end.min(at + h.end));
                    e - s >= duration
                })
            })
        })
}

/// Fixed commitments hold her time: the first start in `window` at which a visit of
/// `duration` overlaps none of the `busy` stretches (minutes of the week), if one.
pub fn free_start(
    window: TimeWindow,
    duration: Minutes,
    busy: &[(Minutes, Minutes)],
) -> Option<Minutes> {
    let mut busy = busy.to_vec();
    busy.sort_unstable();
    let mut start = window.start;
    for &(a, b) in &busy {
        if start > window.end {
            return None;
        }
        if a < start + duration && start < b {
            start = b;
        }
    }
    (start <= window.end).then_some(start)
}

/// Visits possible in a typical week: a référent can visit a family when, on some day of the
/// week, one range of her hours, the family's availability and, when it is met at a neutral
/// site, the site's opening hours leave room for one visit of `duration`, with the way from her
/// base (`to_minutes`) and back (`back_minutes`) inside that range and her lunch still possible.
/// Returns the first such start (minutes from Monday 00:00), `None` when there is none.
///
/// Closed days do not count (a typical week has none). Between two ranges of her hours she is
/// at her base, so a visit fits inside one range; she takes a lunch held by a stretch off at the
/// visit's place (the way back waits until after it), else her lunch fits before the visit (at
/// her base), after it (at the family's) or in another range of the day: the rota's rules
/// ([`stretches_off`], [`lunch_break`], [`family_windows`], [`start_windows`]).
pub fn first_visit_start(
    hours: &[Vec<Span>; DAYS],
    lunch: Option<LunchRule>,
    available: &[Vec<Span>; DAYS],
    opening: Option<&[Vec<Span>; DAYS]>,
    duration: Minutes,
    to_minutes: Minutes,
    back_minutes: Minutes,
) -> Option<Minutes> {
    let windows = family_windows(available, opening, 1);
    for (day, ranges) in hours.iter().enumerate() {
        let at = Minutes(day as i64 * DAY);
        let (lunch_break, held_by) = lunch_break(ranges, lunch);
        // A floating lunch: its latest start, and whether it fits in range `i` alone.
        let floating = lunch_break.filter(|_| held_by.is_none());
        let fits_in = |i: usize| {
            floating.is_some_and(|b| {
                let t = ranges[i].start.max(b.window.start);
                t <= b.window.end && t + b.duration <= ranges[i].end
            })
        };
        for (i, range) in ranges.iter().enumerate() {
            // Followed by the stretch off that holds her lunch: she eats where the visit was.
            let back = if held_by == Some(i) {
                Minutes(0)
            } else {
                back_minutes
            };
            for w in &windows {
                if w.start < at || w.start >= at + Minutes(DAY) {
                    continue;
                }
                let (from, to) = (w.start - at, w.end - at);
                let lo = from.max(range.start + to_minutes);
                let hi = (to - duration).min(range.end - back - duration);
                if lo > hi {
                    continue;
                }
                let Some(b) = floating else {
                    return Some(at + lo);
                };
                if (0..ranges.len()).any(|j| j != i && fits_in(j)) {
                    return Some(at + lo);
                }
                // Lunch after the visit, at the family's place, then the way back.
                let t = (lo + duration).max(b.window.start);
                if t <= b.window.end && t + b.duration + back <= range.end {
                    return Some(at + lo);
                }
                // Lunch at her base before she leaves.
                let t = range.start.max(b.window.start);
                let start = lo.max(t + b.duration + to_minutes);
                if t <= b.window.end && start <= hi {
                    return Some(at + start);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(a: i64, b: i64) -> Span {
        Span::new(Minutes(a * 60), Minutes(b * 60))
    }

    fn rule(a: i64, b: i64, minutes: i64) -> Option<LunchRule> {
        Some(LunchRule {
            window: span(a, b),
            minutes: Minutes(minutes),
        })
    }

    #[test]
    fn a_day_split_around_noon_takes_its_lunch_in_the_stretch_off() {
        let hours = [span(9, 12), span(13, 17)];
        let (lunch, gap) = lunch_break(&hours, rule(12, 14, 45));
        assert_eq!(gap, Some(0));
        let lunch = lunch.unwrap();
        assert_eq!(lunch.window, TimeWindow::new(Minutes(720), Minutes(720)));
        assert_eq!(lunch.duration, Minutes(60));
    }

    #[test]
    fn a_morning_only_day_has_no_lunch_and_a_full_day_has_one_inside_its_window() {
        assert_eq!(lunch_break(&[span(9, 12)], rule(12, 14, 45)), (None, None));
        let (lunch, gap) = lunch_break(&[span(9, 17)], rule(12, 14, 45));
        assert_eq!(gap, None);
        assert_eq!(
            lunch.unwrap().window,
            TimeWindow::new(Minutes(720), Minutes(840 - 45))
        );
    }

    #[test]
    fn a_training_over_the_whole_lunch_window_removes_the_break() {
        let lunch = Break {
            window: TimeWindow::new(Minutes(720), Minutes(795)),
            duration: Minutes(45),
        };
        assert!(lunch_fits_around(lunch, &[(Minutes(600), Minutes(700))]));
        assert!(!lunch_fits_around(lunch, &[(Minutes(690), Minutes(870))]));
    }

    #[test]
    fn a_visit_at_a_site_falls_inside_both_the_family_and_the_opening_hours() {
        let mut family: [Vec<Span>; DAYS] = Default::default();
        family[1] = vec![span(10, 16)];
        let mut site: [Vec<Span>; DAYS] = Default::default();
        site[1] = vec![span(9, 12), span(14, 18)];
        let windows = family_windows(&family, Some(&site), 1);
        assert_eq!(
            windows,
            vec![
                TimeWindow::new(Minutes(DAY + 600), Minutes(DAY + 720)),
                TimeWindow::new(Minutes(DAY + 840), Minutes(DAY + 960)),
            ]
        );
        assert_eq!(family_windows(&family, None, 1).len(), 1);
        assert!(on_open_days(windows, Some(&[2])).is_empty());
    }

    fn hm(h: i64, m: i64) -> Minutes {
        Minutes(h * 60 + m)
    }

    fn on(day: usize, spans: &[(Minutes, Minutes)]) -> [Vec<Span>; DAYS] {
        let mut week: [Vec<Span>; DAYS] = Default::default();
        week[day] = spans.iter().map(|&(a, b)| Span::new(a, b)).collect();
        week
    }

    #[test]
    fn a_family_free_only_after_her_hours_cannot_be_visited_by_her_but_by_a_later_colleague() {
        // F-0024 of the reference territory: Thursday 17:30–19:30, Friday 07:30–08:30 and
        // 17:00–19:00, one hour.
        let mut family = on(3, &[(hm(17, 30), hm(19, 30))]);
        family[4] = vec![
            Span::new(hm(7, 30), hm(8, 30)),
            Span::new(hm(17, 0), hm(19, 0)),
        ];
        let mut nine_to_five = on(3, &[(hm(9, 0), hm(17, 0))]);
        nine_to_five[4] = vec![Span::new(hm(9, 0), hm(17, 0))];
        let lunch = rule(12, 14, 45);
        let hour = Minutes(60);
        let visit = |hours: &[Vec<Span>; DAYS], trip: i64| {
            first_visit_start(
                hours,
                lunch,
                &family,
                None,
                hour,
                Minutes(trip),
                Minutes(trip),
            )
        };
        assert_eq!(visit(&nine_to_five, 15), None);
        let late_thursday = on(3, &[(hm(10, 30), hm(19, 0))]);
        assert_eq!(
            visit(&late_thursday, 10),
            Some(Minutes(3 * DAY) + hm(17, 30))
        );
        // The way back counts: 17:30 + 1 h + 45 min is past 19:00.
        assert_eq!(visit(&late_thursday, 45), None);
    }

    #[test]
    fn a_visit_at_a_site_needs_the_site_open_as_well() {
        let family = on(3, &[(hm(14, 0), hm(18, 0))]);
        let site = on(3, &[(hm(16, 30), hm(18, 30))]);
        let hours = on(3, &[(hm(9, 0), hm(17, 0))]);
        let start = |opening| {
            first_visit_start(
                &hours,
                None,
                &family,
                opening,
                Minutes(45),
                Minutes(0),
                Minutes(0),
            )
        };
        assert_eq!(start(None), Some(Minutes(3 * DAY) + hm(14, 0)));
        assert_eq!(start(Some(&site)), None);
    }

    #[test]
    fn her_lunch_must_still_fit_around_the_visit() {
        let hours = on(0, &[(hm(12, 0), hm(15, 0))]);
        let family = on(0, &[(hm(12, 0), hm(15, 0))]);
        let two_hours = Minutes(120);
        let start = |lunch, trip| {
            first_visit_start(
                &hours,
                lunch,
                &family,
                None,
                two_hours,
                Minutes(trip),
                Minutes(trip),
            )
        };
        // Lunch 12:00–13:00 at her base, then the visit 13:00–15:00.
        assert_eq!(start(rule(12, 14, 60), 0), Some(hm(13, 0)));
        // With ten minutes each way there is no room for both.
        assert_eq!(start(rule(12, 14, 60), 10), None);
        assert_eq!(start(None, 10), Some(hm(12, 10)));
    }

    #[test]
    fn a_visit_fits_inside_one_range_of_her_hours_she_is_at_her_base_in_between() {
        // 10:00–10:30 is a stretch off at her base; 12:00–13:00 holds her lunch.
        let split = on(
            0,
            &[
                (hm(8, 0), hm(10, 0)),
                (hm(10, 30), hm(12, 0)),
                (hm(13, 0), hm(17, 0)),
            ],
        );
        let whole = on(0, &[(hm(8, 0), hm(12, 0)), (hm(13, 0), hm(17, 0))]);
        let family = on(0, &[(hm(9, 0), hm(10, 30))]);
        let start = |hours: &[Vec<Span>; DAYS]| {
            first_visit_start(
                hours,
                rule(12, 13, 45),
                &family,
                None,
                Minutes(60),
                Minutes(15),
                Minutes(15),
            )
        };
        assert_eq!(start(&split), None);
        assert_eq!(start(&whole), Some(hm(9, 0)));
        // Just before the stretch that holds her lunch she eats at the family's: no way back.
        let noon = on(0, &[(hm(11, 0), hm(12, 0))]);
        let at_noon = first_visit_start(
            &whole,
            rule(12, 13, 45),
            &noon,
            None,
            Minutes(60),
            Minutes(0),
            Minutes(15),
        );
        assert_eq!(at_noon, Some(hm(11, 0)));
    }

    #[test]
    fn a_public_holiday_closes_every_day_and_an_absence_only_hers() {
        let mut hours: [Vec<Span>; DAYS] = Default::default();
        hours[0] = vec![span(9, 17)];
        hours[1] = vec![span(9, 17)];
        let referent = Referent {
            base: crate::ids::LocationIdx::new(0),
            travel: 0,
            hours,
            lunch: None,
        };
        let referents = vec![referent.clone(), referent];
        let closed = vec![
            ClosedDay {
                referent: None,
                day: 0,
                reason: super::super::Closure::PublicHoliday,
            },
            ClosedDay {
                referent: Some(1),
                day: 1,
                reason: super::super::Closure::Absence,
            },
        ];
        assert_eq!(
            working_days(&referents, &closed, 1),
            vec![WorkingDay {
                referent: 0,
                day: 1
            }]
        );
    }
}
