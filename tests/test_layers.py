"""The import rule of DESIGN.md: app.wire -> app.operations -> app.expressions/app.values -> storage, and
storage never imports app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> packages it must not import
FORBIDDEN = {
    "storage": ("app",),
    "app/values": ("app.operations", "app.wire", "app.expressions", "app.auth", "app.shapes"),
    "app/expressions": ("app.operations", "app.wire", "app.auth", "app.shapes"),
    "app/operations": ("app.wire",),
    "app/shapes": ("app.operations", "app.wire", "storage"),
    "app/auth": ("app.operations", "app.wire", "storage"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_go_one_way(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no modules under {package}"
    violations = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in files
        for module in imported_modules(path)
        for banned in FORBIDDEN[package]
        if module == banned or module.startswith(banned + ".")
    ]
    assert violations == []
