"""The package layout is the data flow: no module imports from a layer above its own."""

from __future__ import annotations

import ast

import pytest

from conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "lib" / "techflows"
# Lower layers first; a module may import its own layer and the ones before it.
LAYERS = (
    ("config", "errors", "atomic", "stats", "markup", "local_paths"),
    ("data",),
    ("analysis",),
    ("models",),
    ("monitor", "claims"),
    ("track",),
    ("views",),
    ("publish",),
    ("run",),
)
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE or p.stem in RANK)


def _part(path_or_module: str) -> str:
    return path_or_module.split(".")[0]


def imported_parts(path) -> set[str]:
    """The top-level techflows parts (data, analysis, ...) a module imports from."""
    parts = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "techflows":
                parts |= {alias.name for alias in node.names}
            elif node.module.startswith("techflows."):
                parts.add(_part(node.module.removeprefix("techflows.")))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("techflows."):
                    parts.add(_part(alias.name.removeprefix("techflows.")))
    return parts


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_only_its_own_layer_and_below(path):
    own = _part(str(path.relative_to(PACKAGE).with_suffix("")).replace("/", "."))
    for part in imported_parts(path):
        assert part in RANK, f"{path.name} imports techflows.{part}, which has no layer"
        above = RANK[part] > RANK[own]
        sibling = RANK[part] == RANK[own] and part != own and RANK[own] > 0
        assert not (above or sibling), f"{own}/{path.name} imports {part}, a layer above or beside"


def test_every_top_level_module_and_package_has_a_layer():
    parts = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if p.is_dir()
    }
    assert parts - {"__init__", "__main__", "__pycache__", "py.typed"} <= set(RANK)
