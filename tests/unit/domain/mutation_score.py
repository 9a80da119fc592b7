"""Kill rate per domain module after `mutmut run` (read from mutants/*.meta); exit 1 below the floor.

`make mutation` runs this. A mutant no test ran ("no tests") counts as surviving: some test should have failed.
The floor holds for the four rule modules the issue names and for clinic_log/domain/ as a whole.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FLOOR = 0.90
GUARDED = ("rules.py", "suitability.py", "windows.py", "permissions.py")
KILLED = {1, 3, 24, -24, 36, 37, 152, 255}  # a failing test, pytest's internal error, a timeout, the type check


def main(root: Path = Path("mutants/clinic_log/domain")) -> int:
    metas = sorted(root.glob("*.py.meta"))
    if not metas:
        print(f"no mutation results under {root}: run `mutmut run` first", file=sys.stderr)
        return 2
    total_killed = total = 0
    below: list[str] = []
    print(f"{'module':<16} {'killed':>7} {'mutants':>8} {'rate':>7}")
    for meta in metas:
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if not codes:
            continue
        name = meta.name.removesuffix(".meta")
        killed = sum(code in KILLED for code in codes.values())
        total_killed, total = total_killed + killed, total + len(codes)
        rate = killed / len(codes)
        print(f"{name:<16} {killed:>7} {len(codes):>8} {rate:>7.1%}")
        if name in GUARDED and rate < FLOOR:
            below.append(name)
        for mutant, code in sorted(codes.items()):
            if code not in KILLED:
                print(f"    survived: {mutant} ({'no test ran' if code in (5, 33) else f'exit {code}'})")
    overall = total_killed / total
    print(f"{'all of domain/':<16} {total_killed:>7} {total:>8} {overall:>7.1%}")
    if overall < FLOOR:
        below.append("domain/ overall")
    if below:
        print(f"below {FLOOR:.0%} killed: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
