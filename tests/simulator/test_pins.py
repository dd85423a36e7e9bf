"""Issue 19, point 16: the packages whose output we parse are pinned, and CI tests the pins.

pyproject.toml bounds yfinance, pandas and exchange-calendars above; constraints.txt fixes the
exact version of every package, and `make` installs from it (so `make test`, CI's command,
tests those versions). Widening a bound means editing both files: a deliberate change.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO_ROOT

PARSED = ("yfinance", "pandas", "exchange-calendars")
CONSTRAINTS = REPO_ROOT / "constraints.txt"


def declared() -> dict[str, Requirement]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    return {canonicalize_name(r.name): r for r in requirements}


def pinned() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, exact = line.partition("==")
            pins[canonicalize_name(name)] = exact.strip()
    return pins


@pytest.mark.parametrize("package", PARSED)
def test_parsed_packages_have_an_upper_bound(package):
    specifier = declared()[package].specifier
    assert any(s.operator in ("<", "<=", "~=", "==") for s in specifier), f"{package}: no bound"
    assert not specifier.contains("99.0"), f"{package}: a far future release is let in"


def test_every_package_is_pinned_exactly_and_the_pins_satisfy_the_bounds():
    pins = pinned()
    for line in CONSTRAINTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        assert not line or re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+!\-]+", line), line
    for name, requirement in declared().items():
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])


@pytest.mark.parametrize("package", PARSED)
def test_the_tested_environment_is_the_pinned_one(package):
    assert version(package) == pinned()[package]


def test_make_installs_from_the_constraints():
    makefile = (REPO_ROOT / "Makefile").read_text()
    stamp = re.search(r"^\$\(STAMP\):(.*)$", makefile, re.MULTILINE)
    assert stamp and "constraints.txt" in stamp.group(1), "a new pin reinstalls"
    rule = makefile[stamp.end() : makefile.find("\n\n", stamp.end())]
    assert re.search(r"pip install[^\n]*(-c|--constraint) constraints\.txt", rule)
