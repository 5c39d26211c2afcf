#!/usr/bin/env python3
"""Compares the edges of two survey directories (same landscapes, e.g. before and after a change
of the connection method) and prints what moved, one row per landscape and a total.

Transition states are matched by energy (relative 1e-10); a matched one has changed when the
energies of its two minima (as an unordered pair, relative 1e-9) differ. Escape barriers (the
lowest barrier from each minimum to a lower one, by Kruskal's order over the transition states)
are matched by minimum energy and counted as moved when they differ by more than 1e-9 relative;
minima of equal energy (relative 1e-10: twins under the dataset's symmetries) count as equally
low, and their barriers are compared as a sorted list, so that which twin is which does not
matter.

    python3 scripts/compare_surveys.py BEFORE_DIR AFTER_DIR
"""

import glob
import os
import sys

try:
    import h5py
    import numpy as np
except ImportError as exc:  # pragma: no cover
    sys.exit(f"compare_surveys.py: error: {exc}. Install python3-numpy and python3-h5py.")


def load(path):
    with h5py.File(path, "r") as f:
        mE = f["minima/energy"][...]
        tE = f["transition_states/energy"][...]
        m1 = f["transition_states/min1"][...]
        m2 = f["transition_states/min2"][...]
        br = f["transition_states/branched"][...] if "branched" in f["transition_states"] else None
    return mE, tE, m1, m2, br


def escape_barriers(mE, tE, m1, m2):
    """For each minimum: the energy of the lowest transition state at which its set first joins
    a set holding a lower minimum, minus its energy (inf if never)."""
    parent = list(range(len(mE)))
    low = list(range(len(mE)))  # lowest minimum of each set

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    members = {i: [i] for i in range(len(mE))}
    out = np.full(len(mE), np.inf)
    for k in np.argsort(tE, kind="stable"):
        a, b = find(int(m1[k])), find(int(m2[k]))
        if a == b:
            continue
        for x, y in ((a, b), (b, a)):
            if mE[low[y]] < mE[low[x]] - 1e-10 * max(1.0, abs(mE[low[x]])):
                for i in members[x]:
                    if not np.isfinite(out[i]):
                        out[i] = tE[k] - mE[i]
        if len(members[a]) < len(members[b]):
            a, b = b, a
        parent[b] = a
        members[a] += members.pop(b)
        if mE[low[b]] < mE[low[a]]:
            low[a] = low[b]
    return out


def close(a, b, rel):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    before, after = sys.argv[1:]
    totals = dict(ts_before=0, ts_after=0, matched=0, changed=0, new=0, gone=0, branched=0,
                  barriers=0, barriers_moved=0)
    print(f"{'landscape':<20} {'TS before':>9} {'TS after':>8} {'matched':>7} {'changed':>7} "
          f"{'new':>4} {'gone':>4} {'branched':>8} {'barriers moved':>14}")
    for pa in sorted(glob.glob(os.path.join(after, "*.h5"))):
        name = os.path.basename(pa)
        pb = os.path.join(before, name)
        if not os.path.exists(pb):
            continue
        bE, btE, b1, b2, _ = load(pb)
        aE, atE, a1, a2, abr = load(pa)
        used = set()
        matched = changed = 0
        for k in range(len(btE)):
            j = next((j for j in range(len(atE)) if j not in used and close(btE[k], atE[j], 1e-10)),
                     None)
            if j is None:
                continue
            used.add(j)
            matched += 1
            pb_ = sorted([bE[b1[k]], bE[b2[k]]])
            pa_ = sorted([aE[a1[j]], aE[a2[j]]])
            if not (close(pb_[0], pa_[0], 1e-9) and close(pb_[1], pa_[1], 1e-9)):
                changed += 1
        eb, ea = escape_barriers(bE, btE, b1, b2), escape_barriers(aE, atE, a1, a2)
        moved = compared = 0
        done = set()
        for i in range(len(bE)):
            if i in done:
                continue
            twins_b = [k for k in range(len(bE)) if close(bE[i], bE[k], 1e-10)]
            twins_a = [j for j in range(len(aE)) if close(bE[i], aE[j], 1e-10)]
            done.update(twins_b)
            xs, ys = sorted(eb[k] for k in twins_b), sorted(ea[j] for j in twins_a)
            for x, y in zip(xs, ys):
                compared += 1
                if not ((np.isinf(x) and np.isinf(y)) or (np.isfinite(x) and np.isfinite(y) and
                                                           close(x, y, 1e-9))):
                    moved += 1
        nb = int(np.nansum(abr)) if abr is not None else 0
        row = dict(ts_before=len(btE), ts_after=len(atE), matched=matched, changed=changed,
                   new=len(atE) - len(used), gone=len(btE) - matched, branched=nb,
                   barriers=compared, barriers_moved=moved)
        for key in totals:
            totals[key] += row[key]
        print(f"{name:<20} {row['ts_before']:>9} {row['ts_after']:>8} {matched:>7} {changed:>7} "
              f"{row['new']:>4} {row['gone']:>4} {nb:>8} {moved:>7} of {compared:<4}")
    t = totals
    print(f"{'total':<20} {t['ts_before']:>9} {t['ts_after']:>8} {t['matched']:>7} "
          f"{t['changed']:>7} {t['new']:>4} {t['gone']:>4} {t['branched']:>8} "
          f"{t['barriers_moved']:>7} of {t['barriers']:<4}")


if __name__ == "__main__":
    main()
