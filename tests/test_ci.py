"""CI runs exactly the README's test command, and that command checks lint, format and types."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set-up: two commands on a fresh machine", 1)[1]
    commands = re.findall(r"```bash\n(.*?)\n```", section, flags=re.S)
    return next(c for c in commands if '".[test]"' in c)


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "set -euo pipefail" in script
    assert script[-1] == _readme_test_command()


def test_readme_test_command_checks_before_pytest():
    command = _readme_test_command()
    steps = [step.strip() for step in command.split("&&")]
    assert steps[1].startswith(".venv/bin/pip install torch==2.13.0 ")
    checks = ["ruff check .", "ruff format --check .", "mypy"]
    positions = [next(i for i, s in enumerate(steps) if s.endswith(f"-m {check}")) for check in checks]
    assert positions == sorted(positions)
    assert steps[-1] == ".venv/bin/python -m pytest"
    assert positions[-1] < len(steps) - 1
