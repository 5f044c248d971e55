"""Type-check the apps and fail when mypy finds more errors than the committed baseline.

The baseline (``scripts/mypy-baseline.txt``) is a number that only shrinks: new code must not add
type errors, and whoever removes some lowers the number with ``--update`` in the same change.
Counting errors rather than listing them keeps the baseline stable while files move.

    python scripts/mypy_baseline.py            # check (make lint, CI)
    python scripts/mypy_baseline.py --update   # write the current count after fixing errors
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

BASELINE = Path(__file__).with_name("mypy-baseline.txt")
SUMMARY = re.compile(r"^(Found (?P<errors>\d+) errors? in \d+ files?|Success: no issues found)")


def error_count(output: str) -> int:
    """The number of errors in mypy's output; ``ValueError`` if mypy did not finish its check."""
    for line in reversed(output.splitlines()):
        match = SUMMARY.match(line)
        if match:
            return int(match["errors"] or 0)
    raise ValueError("mypy did not report a result:\n" + output)


def baseline_read(path: Path = BASELINE) -> int:
    """The committed count: the first line of the file that is not a comment."""
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            return int(line)
    raise ValueError(f"{path} holds no count")


def baseline_write(count: int, path: Path = BASELINE) -> None:
    path.write_text(
        "# mypy errors allowed in the apps (scripts/mypy_baseline.py). Only lower this number.\n"
        f"{count}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the current count")
    args = parser.parse_args(argv)
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    count = error_count(output)
    allowed = baseline_read()
    if args.update:
        baseline_write(count)
        print(f"mypy baseline: {allowed} -> {count}")
        return 0
    if count > allowed:
        print(output)
        print(f"mypy: {count} errors, the baseline allows {allowed}. Fix the new ones above.")
        return 1
    note = f"; lower {BASELINE.name} with --update" if count < allowed else ""
    print(f"mypy: {count} errors (baseline {allowed}){note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
