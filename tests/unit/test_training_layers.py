"""adaptlab.training's modules import one way: each only from modules listed above it."""

import ast
import re
from pathlib import Path

import adaptlab.training

PACKAGE = Path(adaptlab.training.__file__).parent


def _layers() -> list[str]:
    """The layer order, as the package docstring lists it (lowest first)."""
    return re.findall(r"^    ([a-z_]+) {2,}", adaptlab.training.__doc__, flags=re.MULTILINE)


def _training_imports(path: Path) -> set[str]:
    """Every adaptlab.training module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name.split(".")[2] for name in names if name.startswith("adaptlab.training.")}


def test_the_docstring_lists_every_module_once():
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    assert sorted(_layers()) == modules


def test_each_module_imports_only_from_modules_above_it():
    order = {name: rank for rank, name in enumerate(_layers())}
    upward = [f"{module} imports {imported}"
              for module, rank in order.items()
              for imported in _training_imports(PACKAGE / f"{module}.py")
              if order[imported] >= rank]
    assert upward == []


def test_the_package_itself_imports_nothing():
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
