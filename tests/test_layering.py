"""The package's floors: each module imports only from its own floor or the ones below, and no private names.

Floors, bottom up: utilities, layers, the architecture table, weights, applications, training, edge, demos,
the ``mv2`` command; and nothing in ``keras_mv2`` but the command imports ``edge`` (so the demos and edge
stand side by side). Every import statement counts, those inside functions too (they are how a cycle
hides: nothing fails at import time). A new module must be placed on a floor here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

FLOORS = (
    ("keras_mv2.utils", "keras_mv2.samples"),
    ("keras_mv2.layers",),
    ("keras_mv2.architecture",),
    ("keras_mv2.weights",),
    ("keras_mv2.applications",),
    ("keras_mv2.training",),
    ("edge",),
    ("keras_mv2.demos",),
    ("keras_mv2.cli",),
)
PACKAGE_ROOT = "keras_mv2"  # its __init__ imports the layers (so saved models load) and the rest lazily
COMMAND = "keras_mv2.cli"


def floor_of(module: str) -> int | None:
    for index, prefixes in enumerate(FLOORS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return index
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports(source: str) -> list[tuple[int, str, list[str]]]:
    """``(line, module, names)`` of every import of ``keras_mv2`` or ``edge``, at any depth of the code."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, [alias.name for alias in node.names]))
    return [item for item in found if item[1].split(".")[0] in ("keras_mv2", "edge")]


def violations(module: str, source: str) -> list[str]:
    """What in ``source`` (the text of ``module``) breaks the floors or imports a private name."""
    own = floor_of(module)
    problems = []
    for line, imported, names in project_imports(source):
        if imported == PACKAGE_ROOT:  # `from keras_mv2 import x` means the sub-module x
            targets = [f"{PACKAGE_ROOT}.{name}" for name in names]
        elif imported == "edge" and names:
            targets = ["edge"]
        else:
            targets = [imported]
        for target in targets:
            floor = floor_of(target)
            if floor is None:
                problems.append(f"{module}:{line} imports {target}, which is on no floor")
            elif own is None or floor > own:
                problems.append(f"{module}:{line} imports {target} from a floor above it")
            elif target.split(".")[0] == "edge" and module.startswith("keras_mv2.") and module != COMMAND:
                problems.append(f"{module}:{line} imports {target}: only the command ({COMMAND}) may use edge")
        private = [name for name in names if name.startswith("_")]
        private += [part for part in imported.split(".") if part.startswith("_") and part != "__init__"]
        if private:
            problems.append(f"{module}:{line} imports private {', '.join(private)} from {imported}")
    return problems


def package_modules() -> list[Path]:
    return sorted(p for folder in ("keras_mv2", "edge") for p in (ROOT / folder).rglob("*.py"))


def test_every_module_is_on_a_floor():
    unplaced = [module_name(p) for p in package_modules() if module_name(p) != PACKAGE_ROOT]
    assert [m for m in unplaced if floor_of(m) is None] == []


def test_imports_go_down_and_names_are_public():
    problems = []
    for path in package_modules():
        module = module_name(path)
        source = path.read_text("utf-8")
        if module == PACKAGE_ROOT:  # the layers and what they stand on; everything else lazily
            floors = {floor_of(m if m != PACKAGE_ROOT else f"{m}.{n[0]}") for _, m, n in project_imports(source)}
            assert floors <= {0, 1}, "keras_mv2/__init__.py may import only the utilities and the layers"
            continue
        problems += violations(module, source)
    assert problems == [], "\n".join(problems)


# The tangles this layout removed, one line each as they were written: the check must catch every one.
FORMER_TANGLES = [
    ("keras_mv2.training.trainer", "def f():\n    from edge.convert import convert\n"),
    ("keras_mv2.demos.dense", "def f():\n    from edge.convert import write_atomically\n"),
    ("edge.export", "def f():\n    from keras_mv2.demos.classify import sample_images\n"),
    ("keras_mv2.weights.cvnets_keys", "def f():\n    from keras_mv2.applications.config import PUBLISHED_ALPHAS\n"),
    ("keras_mv2.weights.dense_keys", "from keras_mv2.weights.cvnets_keys import _conv_norm_act_targets\n"),
    ("keras_mv2.applications.ssdlite", "from keras_mv2.applications.mobilevitv2 import _image_input\n"),
    ("edge.dense_export", "from edge.convert import _input_scale\n"),
    ("keras_mv2.layers.resize", "import keras_mv2.weights\n"),
    ("keras_mv2.applications.mobilevitv2", "from keras_mv2 import training\n"),
]


@pytest.mark.parametrize(("module", "source"), FORMER_TANGLES)
def test_the_check_catches_upward_and_private_imports(module, source):
    assert violations(module, source), f"{module}: {source!r} was not flagged"
