"""The house rules of docs/architecture.md: imports point down the layers, never in a cycle.

Faces (cli, web, __main__) > orchestration > framework-free work (features, maps,
analysis, ingest; inside it only features → analysis, maps → analysis, maps → features)
> kernels (models, db, config, sql, errors, text… at the top of geocoop/). Read from the
source with `ast`, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

from geocoop.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "geocoop"
FACES = {"cli", "web", "__main__"}
ORCHESTRATION = {"orchestration", "jobs"}
MIDDLE = {"features", "maps", "analysis", "ingest"}
MIDDLE_ALLOWED = {("features", "analysis"), ("maps", "analysis"), ("maps", "features")}


def _module(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "geocoop"


def _rank(area: str) -> int:
    if area in FACES:
        return 3
    if area in ORCHESTRATION:
        return 2
    if area in MIDDLE or area == "migrations":
        return 1
    return 0  # kernels


def _graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                names = {f"{base}.{a.name}" for a in node.names}
                targets |= names & files.keys()  # submodules imported by name
                if names - files.keys():
                    targets.add(base)  # names defined in the module itself
        graph[module] = {t for t in targets if t in files and t != module}
    return graph


def test_imports_only_point_down_the_layers():
    wrong = []
    for module, targets in sorted(_graph().items()):
        for target in sorted(targets):
            a, b = _area(module), _area(target)
            if a == b:
                continue
            sideways = a in MIDDLE and b in MIDDLE and (a, b) not in MIDDLE_ALLOWED
            if _rank(b) > _rank(a) or sideways:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_no_import_cycle():
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*stack[stack.index(target) :], target]))
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == []


def test_the_walk_sees_the_package():
    graph = _graph()
    assert "geocoop.cli" in graph and "geocoop.orchestration" in graph
    assert "geocoop.ingest.cooperations" in graph["geocoop.orchestration"]
    assert "geocoop.analysis.refresh" in graph["geocoop.orchestration"]
