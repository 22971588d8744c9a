"""helpers/ reads as a map of the course: no module imports one that imports it back, and the map in
helpers/README.md names every module once."""

from __future__ import annotations

import ast
from pathlib import Path

HELPERS = Path(__file__).resolve().parent.parent / "helpers"


def import_graph() -> dict[str, set[str]]:
    """Module → the helpers modules it imports (at the top or inside a function)."""
    modules = {p.stem for p in HELPERS.glob("*.py") if p.stem != "__init__"}
    graph = {}
    for m in modules:
        tree = ast.parse((HELPERS / f"{m}.py").read_text(encoding="utf-8"))
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1 and node.module:
                    deps.add(node.module.split(".")[0])
                elif node.level == 1:
                    deps |= {a.name for a in node.names}
                elif node.module and node.module.startswith("helpers."):
                    deps.add(node.module.split(".")[1])
                elif node.module == "helpers":
                    deps |= {a.name for a in node.names}
            elif isinstance(node, ast.Import):
                deps |= {a.name.split(".")[1] for a in node.names if a.name.startswith("helpers.")}
        graph[m] = deps & modules
    return graph


def test_no_helpers_module_imports_another_that_imports_it_back():
    graph = import_graph()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            assert state.get(d) != 1, "import cycle: " + " → ".join(path + [m, d])
            if d not in state:
                visit(d, path + [m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])


def test_the_map_names_every_module_once():
    text = (HELPERS / "README.md").read_text(encoding="utf-8")
    for p in HELPERS.glob("*.py"):
        if p.stem != "__init__":
            assert text.count(f"`{p.stem}`") >= 1, f"helpers/README.md does not describe {p.stem}"
