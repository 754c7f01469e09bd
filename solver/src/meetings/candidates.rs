//! The slots each meeting may take (filtered by its required members' availability first), the
//! meetings kept before any choice, and why a meeting finds no slot.

use super::{AFTERNOON, GRID, Keep, Problem, Slot, Spacing, Unmet};
use crate::rota::Span;
use crate::units::Minutes;
use crate::unmet::UnmetReason;

/// A slot a meeting may take, with who of its members attends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The slot.
    pub slot: Slot,
    /// Its end, minutes from the day's midnight.
    pub end: Minutes,
    /// Bit `i` set when the group's member `i` is there: every required member, the invited
    /// who are free then.
    pub present: u64,
    /// Invited members not free then.
    pub absent: u32,
}

impl Candidate {
    /// Whether the group's member `i` is there.
    pub fn has(&self, i: usize) -> bool {
        self.present & (1 << i) != 0
    }

    /// Morning (0) or afternoon (1).
    pub fn half(&self) -> usize {
        usize::from(self.slot.start.0 >= AFTERNOON)
    }
}

/// The meetings placed before any choice, and the candidates of the others.
#[derive(Debug, Clone)]
pub(super) struct Fixed {
    /// Per meeting: its slot when kept.
    pub slots: Vec<Option<Slot>>,
    /// Meetings to hold still that could not.
    pub moved: Vec<usize>,
    /// Per meeting: its candidates (empty for those kept), compatible with those kept.
    pub candidates: Vec<Vec<Candidate>>,
}

/// The stretches common to `a` and `b`.
pub(super) fn intersect(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut common = Vec::new();
    for x in a {
        for y in b {
            let start = x.start.max(y.start);
            let end = x.end.min(y.end);
            if start < end {
                common.push(Span::new(start, end));
            }
        }
    }
    common.sort_unstable();
    common
}

/// Whether `spans` hold a stretch of `duration`.
fn long_enough(spans: &[Span], duration: Minutes) -> bool {
    spans.iter().any(|s| s.end - s.start >= duration)
}

/// The weekly stretches on `weekday` when every person of `people` is available and the
/// group's hours allow (when `hours` is set).
fn common(
    problem: &Problem<'_>,
    g: usize,
    people: &[usize],
    weekday: usize,
    hours: bool,
) -> Vec<Span> {
    let mut spans = vec![Span::new(Minutes(0), Minutes(crate::rota::DAY))];
    if hours && let Some(h) = &problem.groups()[g].hours {
        spans = intersect(&spans, &h[weekday]);
    }
    for &p in people {
        spans = intersect(&spans, &problem.people()[p].available[weekday]);
    }
    spans
}

/// Starts every [`GRID`] minutes in each stretch, and the last one that fits.
fn starts(spans: &[Span], duration: Minutes) -> Vec<Minutes> {
    let mut starts = Vec::new();
    for s in spans {
        let last = s.end - duration;
        let mut t = s.start;
        while t <= last {
            starts.push(t);
            t += Minutes(GRID);
        }
        if last >= s.start && starts.last() != Some(&last) {
            starts.push(last);
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// The group's required members.
fn required(problem: &Problem<'_>, g: usize) -> Vec<usize> {
    problem.groups()[g]
        .members
        .iter()
        .filter(|m| m.required)
        .map(|m| m.person)
        .collect()
}

/// Every slot meeting `m` may take alone (without the other meetings), with its attendance:
/// `away` false ignores unavailability and closures (to explain).
fn alone(problem: &Problem<'_>, m: usize, away: bool) -> Vec<Candidate> {
    let g = problem.meetings()[m].group;
    let group = &problem.groups()[g];
    let req = required(problem, g);
    let mut weekly: Vec<Vec<(usize, Vec<Minutes>)>> = vec![Vec::new(); 7];
    for (weekday, per_site) in weekly.iter_mut().enumerate() {
        let spans = common(problem, g, &req, weekday, true);
        for &s in &group.sites {
            if !problem.site_fits(g, s) {
                continue;
            }
            let open = intersect(&spans, &problem.sites()[s].opening[weekday]);
            let at = starts(&open, group.duration);
            if !at.is_empty() {
                per_site.push((s, at));
            }
        }
    }
    let mut found = Vec::new();
    for day in 0..problem.days().len() {
        if !problem.plannable_day(day) || !problem.window(m, day) {
            continue;
        }
        for (s, at) in &weekly[problem.days()[day].weekday] {
            for &start in at {
                let slot = Slot {
                    day,
                    start,
                    site: *s,
                };
                let end = start + group.duration;
                if away
                    && (!problem.site_open(*s, day, start, end)
                        || req.iter().any(|&p| !problem.is_free(p, day, start, end))
                        || problem.meetings()[m].refused.contains(&slot))
                {
                    continue;
                }
                let mut present = 0u64;
                let mut absent = 0;
                for (i, member) in group.members.iter().enumerate() {
                    if member.required || problem.is_free(member.person, day, start, end) {
                        present |= 1 << i;
                    } else {
                        absent += 1;
                    }
                }
                found.push(Candidate {
                    slot,
                    end,
                    present,
                    absent,
                });
            }
        }
    }
    found
}

/// Whether meetings `a` (at `ca`) and `b` (at `cb`) can both be held: each person attending
/// both reaches both, a site holds one at a time, and a group's spacing.
pub(super) fn clash(
    problem: &Problem<'_>,
    a: usize,
    ca: &Candidate,
    b: usize,
    cb: &Candidate,
) -> bool {
    let (ga, gb) = (problem.meetings()[a].group, problem.meetings()[b].group);
    let (da, db) = (problem.groups()[ga].duration, problem.groups()[gb].duration);
    if ga == gb && !problem.spacing_allows(ga, ca.slot.day, cb.slot.day) {
        return true;
    }
    if ca.slot.day != cb.slot.day {
        return false;
    }
    if ca.slot.site == cb.slot.site && !problem.compatible(None, ca.slot, da, cb.slot, db) {
        return true;
    }
    let members_b = &problem.groups()[gb].members;
    problem.groups()[ga]
        .members
        .iter()
        .enumerate()
        .any(|(i, x)| {
            ca.has(i)
                && members_b
                    .iter()
                    .position(|y| y.person == x.person)
                    .is_some_and(|j| {
                        cb.has(j) && !problem.compatible(Some(x.person), ca.slot, da, cb.slot, db)
                    })
        })
}

/// The candidate of meeting `m` at `slot`, with its attendance.
pub(super) fn at(problem: &Problem<'_>, m: usize, slot: Slot) -> Candidate {
    let group = problem.group_of(m);
    let end = slot.start + group.duration;
    let mut present = 0u64;
    let mut absent = 0;
    for (i, member) in group.members.iter().enumerate() {
        if member.required || problem.is_free(member.person, slot.day, slot.start, end) {
            present |= 1 << i;
        } else {
            absent += 1;
        }
    }
    Candidate {
        slot,
        end,
        present,
        absent,
    }
}

/// Meetings held or confirmed stay; those to hold still stay while their slot keeps every rule
/// and meets no meeting kept before them; the others get their candidates, those meeting a
/// kept meeting left out.
pub(super) fn keep(problem: &Problem<'_>) -> Fixed {
    let n = problem.meetings().len();
    let mut slots: Vec<Option<Slot>> = vec![None; n];
    let mut kept: Vec<(usize, Candidate)> = Vec::new();
    for (m, meeting) in problem.meetings().iter().enumerate() {
        if let Keep::Exact(slot) = meeting.keep {
            slots[m] = Some(slot);
            kept.push((m, at(problem, m, slot)));
        }
    }
    let mut moved = Vec::new();
    for (m, meeting) in problem.meetings().iter().enumerate() {
        if let Keep::Still(slot) = meeting.keep {
            let c = at(problem, m, slot);
            if problem.slot_allowed(m, slot)
                && !kept.iter().any(|(k, ck)| clash(problem, m, &c, *k, ck))
            {
                slots[m] = Some(slot);
                kept.push((m, c));
            } else {
                moved.push(m);
            }
        }
    }
    let candidates = (0..n)
        .map(|m| {
            if slots[m].is_some() {
                return Vec::new();
            }
            alone(problem, m, true)
                .into_iter()
                .filter(|c| !kept.iter().any(|(k, ck)| clash(problem, m, c, *k, ck)))
                .collect()
        })
        .collect();
    Fixed {
        slots,
        moved,
        candidates,
    }
}

/// The smallest set of required members (in the group's order) whose weekly availability,
/// with the group's hours, never holds the meeting's length: a pair when one does not meet
/// another, one alone when her availability (within the group's hours) is too short.
fn no_common_slot(problem: &Problem<'_>, g: usize) -> Option<Vec<usize>> {
    let group = &problem.groups()[g];
    let fails = |people: &[usize]| {
        (0..7).all(|d| !long_enough(&common(problem, g, people, d, true), group.duration))
    };
    let req = required(problem, g);
    if !fails(&req) {
        return None;
    }
    if let Some(&p) = req.iter().find(|&&p| fails(&[p])) {
        return Some(vec![p]);
    }
    for (i, &a) in req.iter().enumerate() {
        if let Some(&b) = req[i + 1..].iter().find(|&&b| fails(&[a, b])) {
            return Some(vec![a, b]);
        }
    }
    let mut set = req.clone();
    let mut i = 0;
    while i < set.len() {
        let without: Vec<usize> = set.iter().copied().filter(|&p| p != set[i]).collect();
        if fails(&without) {
            set = without;
        } else {
            i += 1;
        }
    }
    Some(set)
}

/// Why meeting `m` is not placed.
pub(super) fn explain(problem: &Problem<'_>, fixed: &Fixed, m: usize) -> Unmet {
    let g = problem.meetings()[m].group;
    let unmet = |reason, who| Unmet {
        meeting: m,
        reason,
        who,
    };
    let (_, n) = problem.rank(m);
    let periods_short = problem.group_of(m).spacing == Spacing::OnePerPeriod
        && !(0..problem.days().len()).any(|d| problem.window(m, d))
        && n > 0;
    if periods_short {
        return unmet(UnmetReason::NoPeriodLeft, Vec::new());
    }
    if let Some(who) = no_common_slot(problem, g) {
        return unmet(UnmetReason::NoCommonMeetingSlot, who);
    }
    let weekly = alone(problem, m, false);
    if weekly.is_empty() {
        let any_day =
            (0..problem.days().len()).any(|d| problem.plannable_day(d) && problem.window(m, d));
        return if any_day {
            unmet(UnmetReason::NoMeetingSite, Vec::new())
        } else {
            unmet(UnmetReason::NoPeriodLeft, Vec::new())
        };
    }
    let possible = alone(problem, m, true);
    if possible.is_empty() {
        let duration = problem.group_of(m).duration;
        let who: Vec<usize> = required(problem, g)
            .into_iter()
            .filter(|&p| {
                weekly
                    .iter()
                    .any(|c| !problem.is_free(p, c.slot.day, c.slot.start, c.slot.start + duration))
            })
            .collect();
        return if who.is_empty() {
            unmet(UnmetReason::NoMeetingSite, Vec::new())
        } else {
            unmet(UnmetReason::MembersAway, who)
        };
    }
    let _ = fixed;
    unmet(UnmetReason::SlotsTaken, Vec::new())
}
