"""Report a mutmut run (its results in mutants/): the score per module, every mutant that was not
detected with its change, and whether docs/mutation-survivors.md explains it.

    python scripts/mutation_report.py [--min 92]       # exit 1 when the score is under --min
    python scripts/mutation_report.py --mariadb-names  # print the survivors the list says MariaDB
                                                       # kills (for `scripts/mutation --mariadb`)
    python scripts/mutation_report.py --expect-killed NAME...   # exit 1 unless all were killed

A mutant is detected when a test failed (killed) or hung (timeout). The score is detected mutants
over all of them, "no tests" ones included.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
SURVIVORS_DOC = ROOT / "docs" / "mutation-survivors.md"
DETECTED = {"killed", "timeout", "caught by type check"}
MUTANT_NAME = re.compile(r"`(cqrs_auth\.[^`\s]+__mutmut_\d+)`")


def results() -> dict[str, dict[str, str]]:
    """module path -> {mutant name: status}, from mutmut's .meta files."""
    by_module: dict[str, dict[str, str]] = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        module = str(meta.relative_to(ROOT / "mutants"))[: -len(".meta")]
        by_module[module] = {name: status_by_exit_code[code] for name, code in codes.items()}
    return by_module


def explained() -> dict[str, str]:
    """mutant name -> the section of docs/mutation-survivors.md that explains it."""
    names, section = {}, ""
    for line in SURVIVORS_DOC.read_text().splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        for name in MUTANT_NAME.findall(line):
            names[name] = section
    return names


def change(name: str, module: str) -> str:
    """The mutant's changed lines, `-old` and `+new`."""
    diff = get_diff_for_mutant(name, path=module).splitlines()
    lines = [line for line in diff if line[:1] in "-+" and not line.startswith(("---", "+++"))]
    return "\n".join(f"        {line.strip()[:1]} {line[1:].strip()}" for line in lines)


def report(by_module: dict[str, dict[str, str]], minimum: float) -> int:
    reasons = explained()
    total = Counter[str]()
    print(
        f"{'module':45} {'mutants':>7} {'detected':>8} {'survived':>8} {'no tests':>8} {'score':>7}"
    )
    for module, statuses in by_module.items():
        if not statuses:  # mutmut 3 mutates function bodies, and no decorated function
            print(f"{module:45} {0:7}   no mutants: only decorated or module-level code")
            continue
        counts = Counter("detected" if s in DETECTED else s for s in statuses.values())
        total.update(counts)
        score = 100 * counts["detected"] / len(statuses)
        print(
            f"{module:45} {len(statuses):7} {counts['detected']:8} {counts['survived']:8} "
            f"{counts['no tests']:8} {score:6.1f}%"
        )
    all_mutants = sum(total.values())
    score = 100 * total["detected"] / all_mutants
    print(
        f"{'all':45} {all_mutants:7} {total['detected']:8} {total['survived']:8} "
        f"{total['no tests']:8} {score:6.1f}%\n"
    )
    unexplained = 0
    for module, statuses in by_module.items():
        for name, status in statuses.items():
            if status in DETECTED:
                continue
            why = reasons.get(name)
            unexplained += why is None
            print(f"  {status}: {name}  [{why or 'NOT EXPLAINED in docs/mutation-survivors.md'}]")
            print(change(name, module))
    print(f"\nscore {score:.1f}% (minimum {minimum}%); {unexplained} survivors not explained")
    return 0 if score >= minimum else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=92.0)
    parser.add_argument("--mariadb-names", action="store_true")
    parser.add_argument("--expect-killed", nargs="+", metavar="NAME")
    args = parser.parse_args()
    if args.mariadb_names:
        print(" ".join(n for n, why in explained().items() if why.startswith("Killed on MariaDB")))
        return 0
    by_module = results()
    if args.expect_killed:
        statuses = {n: s for module in by_module.values() for n, s in module.items()}
        missed = [n for n in args.expect_killed if statuses.get(n) not in DETECTED]
        for name in args.expect_killed:
            print(f"  {statuses.get(name, 'not run')}: {name}")
        return 1 if missed else 0
    return report(by_module, args.min)


if __name__ == "__main__":
    sys.exit(main())
