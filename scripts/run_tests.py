#!/usr/bin/env python3
"""Run the whole test suite, as CI does: pytest's own configuration (pyproject.toml) collects
tests/ and the doctests of registry/, lineage/ and cli.py.

pytest's exit code 5 ("no tests ran") is turned into a failure: a suite that
collected nothing must not pass.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    cmd = [sys.executable, "-m", "pytest", *sys.argv[1:]]
    code = subprocess.call(cmd, cwd=ROOT)
    if code == 5:
        print("run_tests: no tests ran; failing", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
