#!/usr/bin/env python3
"""How many families no schedule could see within twice their interval, for one assignment.

For developers (BENCHMARKS.md, issue 15). `parcours-dev bench horizon` counts the families a
simulation of N weeks leaves unseen for more than twice their interval. This script asks how
many of them any schedule of those weeks would have to leave unseen, with the assignment a plan
made (`parcours plan --json`), each référent on her own: a MILP per référent on HiGHS, over
every weekday of the horizon cut into 30-minute slots.

What it keeps: the référent's weekly hours and lunch break (the break's minutes taken from its
window), each family's availability and its site's opening hours, the visit's length, public
holidays, and the sliding windows of the simulation's metric (from the last visit, counting at
most one interval before the first Monday, each stretch of twice the interval holds a visit).

What it leaves out, so that with `--travel none` it is a lower bound for that assignment: the
order of the visits in a day (a visit's minutes may fill any free part of its window), travel,
the agenda unless `--agenda` (then her meetings, trainings and personal appointments take their
minutes of her slots; fixed visits stay left out), absences. With `--travel plan` each visit
also takes the référent's average drive per visit in the plan given: an estimate, not a bound.

    pip install highspy numpy
    parcours import fixtures/territory
    parcours plan --week 2026-W49 --weeks 2 --json > plan.json
    python3 tools/analysis/horizon_bound.py --territory fixtures/territory --plan plan.json
"""

import argparse
import collections
import csv
import datetime as dt
import json
import sys

import highspy
import numpy as np

DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
INTERVAL = {"hebdomadaire": 7, "quinzaine": 14, "mensuelle": 28}
SLOT = 30


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def weekly(text):
    """'lundi 09:00-12:00 13:30-18:00, mardi …' → {weekday: [(start, end)]}."""
    out = collections.defaultdict(list)
    for part in text.split(","):
        tokens = part.split()
        if not tokens:
            continue
        day = DAYS.index(tokens[0])
        for span in tokens[1:]:
            a, b = span.split("-")
            out[day].append((minutes(a), minutes(b)))
    return out


def meet(xs, ys):
    return [
        (max(a, c), min(b, d)) for a, b in xs for c, d in ys if min(b, d) > max(a, c)
    ]


def rows_of(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def can_see(referent, family, sites, margin=None):
    """Whether the référent's hours meet the family's (and its site's) for a visit in a
    typical week. With no `margin`, travel and lunch are left out: true whenever the planner's
    rule (`first_visit` in `src/planning/build.rs`) is. With a margin, the visit must also
    keep that many minutes from both ends of her hours and stay out of her lunch window: true
    only when the planner's rule is (no drive here takes that long)."""
    hours = weekly(referent["horaires"])
    free = weekly(family["disponibilites"])
    if family["lieu"] in sites:
        free = {d: meet(free[d], sites[family["lieu"]].get(d, [])) for d in free}
    length = int(family["duree_visite_min"])
    if margin is not None:
        p0, p1 = (minutes(x) for x in referent["pause"].split("-"))
        hours = {
            d: [
                part
                for a, b in spans
                for part in ((a + margin, min(b - margin, p0)), (max(a + margin, p1), b - margin))
                if part[1] > part[0]
            ]
            for d, spans in hours.items()
        }
    return any(b - a >= length for d in free for a, b in meet(free[d], hours.get(d, [])))


# Minutes kept from both ends of a référent's day when the sector's rule must surely hold: more
# than any one-way drive on the reference territory.
SURE_MARGIN = 90


def forced_referent(family, referents, sites):
    """The one référent every assignment under hard sectors gives the family to, when there is
    only one (the assignment's rules in `solver/src/assign`): a pinned family keeps its
    référent; otherwise a référent who can see it, of its sector (or of any sector when nobody
    in its own can see it), or its current one. Languages and caseloads are left out: they
    only bar more, so fewer families count as forced and the bound stays a bound."""
    current = family["referent"]
    if family["referent_fixe"] == "oui":
        return current or None
    able = [r for r in referents if can_see(r, family, sites)]

    def in_sector(r):
        return f"commune:{family['insee']}" in [x.strip() for x in r["secteurs"].split(",")]

    # The sector gives way when nobody of it can see the family: assumed unless someone of it
    # surely can, so that no family counts as forced that another référent might take.
    gives_way = not any(in_sector(r) and can_see(r, family, sites, SURE_MARGIN) for r in referents)
    may = [r for r in able if gives_way or in_sector(r) or r["code"] == current]
    return may[0]["code"] if len(may) == 1 else None


def busy_of(rows, code):
    """Référent `code`'s agenda entries other than fixed visits: {date: [(start, end)]},
    minutes of the day. Fixed visits are left out (their time is the family's visit, which this
    model would not credit), so the bound stays a bound."""
    out = collections.defaultdict(list)
    for row in rows:
        if row["referent"] != code or row["type"] == "visite":
            continue
        when = dt.datetime.strptime(row["debut"], "%Y-%m-%d %H:%M")
        begin = when.hour * 60 + when.minute
        out[when.date()].append((begin, begin + int(row["duree_min"])))
    return out


def bound_for(referent, families, days, start, end, sites, travel, time_limit, busy=None):
    """(families that must go unseen, whether HiGHS proved it, their codes). With `busy`
    ({date: [(start, end)]}), the référent's agenda takes those minutes of her slots."""
    busy = busy or {}
    hours = weekly(referent["horaires"])
    p0, p1 = (minutes(x) for x in referent["pause"].split("-"))
    pause = int(referent["pause_min"])
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 1)
    lower, upper, cost, integer = [], [], [], []

    def var(lo, hi, c=0.0, is_int=False):
        lower.append(lo)
        upper.append(hi)
        cost.append(c)
        integer.append(is_int)
        return len(lower) - 1

    rows = []
    used = collections.defaultdict(list)  # (day index, slot start) → minute variables
    unseen = {}
    for family in families:
        length = int(family["duree_visite_min"]) + travel
        free = weekly(family["disponibilites"])
        if family["lieu"] in sites:
            free = {d: meet(free[d], sites[family["lieu"]].get(d, [])) for d in free}
        visit = {}
        for di, day in enumerate(days):
            spans = [
                (a, b)
                for a, b in meet(free.get(day.weekday(), []), hours.get(day.weekday(), []))
                if b - a >= length
            ]
            if not spans:
                continue
            x = var(0, 1, 0.0, True)
            visit[day] = x
            parts = []
            for a, b in spans:
                t = a - a % SLOT
                while t < b:
                    lo, hi = max(a, t), min(b, t + SLOT)
                    if hi > lo:
                        y = var(0, hi - lo)
                        parts.append(y)
                        used[(di, t)].append(y)
                        rows.append((-np.inf, 0, [y, x], [1, -(hi - lo)]))
                    t += SLOT
            rows.append((0, 0, parts + [x], [1] * len(parts) + [-length]))
        if not visit:
            continue  # she can never see it: the plan reports it apart
        interval = INTERVAL[family["frequence"]]
        first = start - dt.timedelta(days=interval)
        last = family["derniere_visite"]
        since = max(dt.date.fromisoformat(last), first) if last else first
        u = var(0, 1, 1.0, True)
        unseen[family["code"]] = u
        x0 = since
        while x0 + dt.timedelta(days=2 * interval) <= end:
            window = [x for d, x in visit.items() if x0 < d <= x0 + dt.timedelta(days=2 * interval)]
            rows.append((1, np.inf, window + [u], [1] * len(window) + [1]))
            x0 += dt.timedelta(days=1)
    for (di, t), ys in used.items():
        taken = sum(max(0, min(b, t + SLOT) - max(a, t)) for a, b in busy.get(days[di], []))
        rows.append((-np.inf, max(0, SLOT - taken), ys, [1] * len(ys)))
    # Lunch: the break lies in its window; of the slots wholly inside it, visits take at most
    # what the break leaves.
    inside = [t for t in range(p0 - p0 % SLOT, p1, SLOT) if t >= p0 and t + SLOT <= p1]
    room = len(inside) * SLOT - max(0, pause - ((p1 - p0) - len(inside) * SLOT))
    for di in range(len(days)):
        # A day whose agenda leaves no free stretch of her lunch's length in its window has no
        # break (she eats at the meeting, `rules::lunch_fits_around`): no lunch row then.
        at, longest = p0, 0
        for a_, b_ in sorted(busy.get(days[di], [])):
            longest = max(longest, min(a_, p1) - at)
            at = max(at, b_)
        if max(longest, p1 - at) < pause:
            continue
        ys = [y for t in inside for y in used.get((di, t), [])]
        if ys:
            rows.append((-np.inf, room, ys, [1] * len(ys)))
    n = len(lower)
    h.addVars(n, np.array(lower, dtype=float), np.array(upper, dtype=float))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(cost, dtype=float))
    for lo, hi, idx, vals in rows:
        h.addRow(lo, hi, len(idx), np.array(idx, dtype=np.int32), np.array(vals, dtype=float))
    ints = [k for k in range(n) if integer[k]]
    h.changeColsIntegrality(
        len(ints),
        np.array(ints, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * len(ints)),
    )
    h.run()
    info = h.getInfo()
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    values = h.getSolution().col_value
    codes = sorted(c for c, u in unseen.items() if values[u] > 0.5)
    # A bound is what HiGHS proved: the dual bound, rounded up (it counts families).
    proved = int(np.ceil(info.mip_dual_bound - 1e-6)) if unseen else 0
    return proved, optimal, codes


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--territory", required=True, help="the imported folder (CSV files)")
    p.add_argument("--plan", required=True, help="`parcours plan --json` output")
    p.add_argument("--start", default=None, help="first Monday (default: the plan's week)")
    p.add_argument("--weeks", type=int, default=8)
    p.add_argument("--travel", choices=["none", "plan"], default="none")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds per référent")
    p.add_argument(
        "--forced",
        action="store_true",
        help="instead of the plan's assignment, each référent with only the families every "
        "assignment under hard sectors gives her: a bound for every assignment",
    )
    p.add_argument(
        "--agenda",
        action="store_true",
        help="the référents' meetings, trainings and personal appointments (agenda.csv, fixed "
        "visits aside) take their time: still a lower bound",
    )
    a = p.parse_args()
    t = a.territory.rstrip("/") + "/"
    with open(a.plan, encoding="utf-8") as f:
        plan = json.load(f)
    if a.start:
        start = dt.date.fromisoformat(a.start)
    else:
        year, week = plan["week"].split("-W")
        start = dt.date.fromisocalendar(int(year), int(week), 1)
    end = start + dt.timedelta(days=7 * a.weeks - 1)
    holidays = {dt.date.fromisoformat(r["date"]) for r in rows_of(t + "jours_feries.csv")}
    # Every day but public holidays: a référent with no hours on a day gives it no slot.
    days = [
        start + dt.timedelta(days=k)
        for k in range(7 * a.weeks)
        if start + dt.timedelta(days=k) not in holidays
    ]
    families = {f["code"]: f for f in rows_of(t + "familles.csv")}
    referents = rows_of(t + "referents.csv")
    sites = {s["code"]: weekly(s["horaires"]) for s in rows_of(t + "lieux.csv")}
    if a.forced:
        assignment = {c: forced_referent(f, referents, sites) for c, f in families.items()}
    else:
        assignment = {c: f["referent"] for c, f in families.items()}
        for move in plan["assignment"]["moves"]:
            assignment[move["family"]] = move["to"]
    # The families the plan leaves without a référent (nobody can see them, travel included, or
    # nobody may follow them) are counted apart by the bench: left out here.
    for code, _ in plan["assignment"]["unassigned"]:
        assignment[code] = None
    drive = {
        r["referent"]: (r["travel_minutes"] / r["visits"] if r["visits"] else 0.0)
        for r in plan["plan"]["referents"]
    }
    whose = (
        "the families only she may follow and see (any assignment under hard sectors)"
        if a.forced
        else f"the assignment of {a.plan} ({plan['week']})"
    )
    print(
        f"{a.weeks} weeks from {start}, {whose}, "
        f"agenda: {'meetings, trainings and personal appointments hold their time' if a.agenda else 'left out'}, "
        f"travel: {'none (a lower bound)' if a.travel == 'none' else 'each référent’s average drive per visit in that plan (an estimate)'}"
    )
    print()
    print("| référent | families | drive per visit (min) | must go unseen > 2× interval | proved optimal | families |")
    print("|---|---|---|---|---|---|")
    total = 0
    agenda = rows_of(t + "agenda.csv") if a.agenda else []
    for r in referents:
        mine = [families[c] for c, who in assignment.items() if who == r["code"]]
        travel = round(drive.get(r["code"], 0.0)) if a.travel == "plan" else 0
        busy = busy_of(agenda, r["code"]) if a.agenda else None
        proved, optimal, codes = bound_for(
            r, mine, days, start, end, sites, travel, a.time_limit, busy
        )
        total += proved
        print(
            f"| {r['code']} | {len(mine)} | {travel} | {proved} | {'yes' if optimal else 'no'} | {', '.join(codes) if optimal else ''} |"
        )
    print(f"| all | {sum(1 for v in assignment.values() if v)} | | {total} | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
