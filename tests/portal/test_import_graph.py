"""The import graph between the portal's modules has no circle.

Every module of the apps is parsed (not imported) and its imports of project modules become
edges. An import inside a Celery task's body does not count: that is how a task module stays a
leaf (services import tasks at the top; a task imports its service inside the task body, when
it runs). Every other import counts, at module level or deferred into a function, because a
deferred import does not remove a circle, it only hides it (today's ``# noqa: PLC0415`` imports
outside tasks break none). A package's ``__init__`` is a module like any other, so its
re-exports are edges from the package, and ``from package import name`` is an edge to the
package (or to ``package.name`` when that is a submodule). Imports under ``if TYPE_CHECKING:``
never run and do not count.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("members", "activities", "billing", "portal", "battery_norway")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            modules[module_name(path, root)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_task(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``@shared_task``, ``@shared_task(...)``, ``@app.task(...)``: a Celery task's body."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in {"shared_task", "task"}:
            return True
    return False


def _counted_imports(node: ast.AST):
    """Import statements that count as edges: all but those in task bodies or for types."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and _is_task(child):
            continue
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for statement in child.orelse:
                yield from _counted_imports(ast.Module(body=[statement], type_ignores=[]))
        else:
            yield from _counted_imports(child)


def _resolve_relative(module: str, *, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: -(level - 1)]
    return ".".join([*base, *([target] if target else [])])


def edges_of(module: str, source: str, known: set[str], *, is_package: bool = False) -> set[str]:
    """The project modules ``module`` imports, outside task bodies."""
    targets = set()
    for node in _counted_imports(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        origin = node.module or ""
        if node.level:
            origin = _resolve_relative(
                module, is_package=is_package, level=node.level, target=node.module
            )
        for alias in node.names:
            submodule = f"{origin}.{alias.name}"
            targets.add(submodule if submodule in known else origin)
    return {target for target in targets if target in known and target != module}


def import_graph(root: Path = ROOT, packages=PACKAGES) -> dict[str, set[str]]:
    modules = project_modules(root, packages)
    known = set(modules)
    return {
        name: edges_of(
            name, path.read_text(encoding="utf-8"), known, is_package=path.name == "__init__.py"
        )
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_circle_in(component, graph) for component in components]


def _circle_in(component: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A concrete circle through the component's first module, found breadth-first."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for successor in sorted(graph[node] & component):
            if successor == start:
                return [*paths[node], start]
            if successor not in paths:
                paths[successor] = [*paths[node], successor]
                queue.append(successor)
    raise AssertionError(component)  # unreachable: a strongly connected component has a circle


def test_the_import_graph_between_project_modules_has_no_circle():
    found = cycles(import_graph())
    assert not found, "Import circles (imports outside task bodies):\n" + "\n".join(
        " -> ".join(circle) for circle in found
    )


def test_every_app_is_parsed_and_known_edges_are_found():
    graph = import_graph()
    assert {name.split(".")[0] for name in graph} == set(PACKAGES)
    assert "members.models" in graph["billing.models"]
    # A package's re-exports are edges from the package itself.
    assert "members.services.applications" in graph["members.services"]


def test_an_import_inside_a_task_body_is_not_an_edge_but_other_deferred_imports_are():
    known = {"app.services", "app.tasks", "app.models", "app.selectors", "app.enums"}
    source = (
        "from typing import TYPE_CHECKING\n"
        "from celery import shared_task\n"
        "from app import enums\n"
        "if TYPE_CHECKING:\n"
        "    from app import models\n"
        "@shared_task(name='app.run')\n"
        "def run(*, pk):\n"
        "    from app import services\n"
        "def helper():\n"
        "    from app.selectors import thing\n"
    )
    assert edges_of("app.tasks", source, known) == {"app.enums", "app.selectors"}


def test_a_circle_is_found_and_named():
    graph = {
        "app.services": {"app.tasks", "app.models"},
        "app.tasks": {"app.services"},
        "app.models": set(),
    }
    assert cycles(graph) == [["app.services", "app.tasks", "app.services"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_package_reexports_and_relative_imports_are_edges(tmp_path):
    package = tmp_path / "app"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "tasks.py").write_text("from app.services import run\n")
    (package / "services" / "__init__.py").write_text("from .runs import run\n")
    (package / "services" / "runs.py").write_text("from ..tasks import job\n")
    graph = import_graph(tmp_path, ("app",))
    assert graph["app.tasks"] == {"app.services"}
    assert graph["app.services"] == {"app.services.runs"}
    assert cycles(graph) == [["app.services", "app.services.runs", "app.tasks", "app.services"]]
