"""PyVRP side of `parcours-dev bench vrptw` (issue 4); embedded in the binary, written beside the
venv and run there.

    python pyvrp_solve.py --time-limit SECS --seeds N INSTANCE.vrp ...

For each instance and each seed 1..=N, runs PyVRP's default solver for SECS seconds of wall
clock (`MaxRuntime`), on one thread, on the instance read with `round_func="dimacs"`: distances
are the Euclidean distance times ten, truncated, with times and service durations times ten,
which is exactly the convention of `parcours_solver::routing::vrplib` and of the best-known
solutions. Prints one JSON object per line on stdout:

    {"pyvrp": "0.14.1"}                                   first, the version actually installed
    {"instance": "C101", "seed": 1, "cost": 8273, "feasible": true, "runtime": 10.0,
     "routes": [[5, 3, 7], ...]}                          one per run; cost in tenths, routes
                                                          with customers numbered 1..n
    {"instance": "C101", "error": "..."}                  an instance PyVRP could not read
"""

import argparse
import importlib.metadata
import json
import os
import sys

import pyvrp
from pyvrp.stop import MaxRuntime


def emit(record):
    print(json.dumps(record), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, required=True)
    parser.add_argument("--seeds", type=int, required=True)
    parser.add_argument("instances", nargs="+")
    args = parser.parse_args()

    emit({"pyvrp": importlib.metadata.version("pyvrp")})
    for path in args.instances:
        name = os.path.splitext(os.path.basename(path))[0]
        try:
            data = pyvrp.read(path, round_func="dimacs")
        except Exception as err:  # noqa: BLE001 - reported, and the other instances still run
            emit({"instance": name, "error": f"{type(err).__name__}: {err}"})
            continue
        clients = data.clients()
        for seed in range(1, args.seeds + 1):
            result = pyvrp.solve(
                data,
                stop=MaxRuntime(args.time_limit),
                seed=seed,
                collect_stats=False,
                display=False,
            )
            best = result.best
            # A client's location is its VRPLIB node number minus one (the depot is location
            # 0), which is its customer number in a solution file.
            routes = [
                [clients[activity.idx].location for activity in route if activity.is_client()]
                for route in best.routes()
            ]
            emit(
                {
                    "instance": name,
                    "seed": seed,
                    "cost": best.distance(),
                    "feasible": best.is_feasible(),
                    "runtime": result.runtime,
                    "routes": routes,
                }
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
