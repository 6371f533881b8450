"""The README documents every setting, and the CI runs the README's test command."""

import re
from pathlib import Path

from indicators.findings import REGISTRY
from kb.settings import Settings

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table():
    documented = set(re.findall(r"^\| `(KB_[A-Z_]+)` \|", README, flags=re.M))
    expected = {f"KB_{name.upper()}" for name in Settings.model_fields}
    assert documented == expected


def test_ci_runs_the_readme_test_command():
    command = re.search(r"Set up and run the tests.*?```bash\n(.+?)\n```", README, flags=re.S).group(1)
    assert command in (ROOT / ".ci" / "run").read_text()


def test_every_finding_code_is_documented():
    documented = {code: (severity, meaning) for code, severity, meaning in re.findall(
        r"^\| `([A-Z_]+)` \| (error|warning|info) \| [^|]+ \| (.+?) \|$", README, flags=re.M)}
    assert documented == {code: (entry.severity, entry.doc) for code, entry in REGISTRY.items()}
