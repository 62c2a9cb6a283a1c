"""The house (docs: ARCHITECTURE.md): every import points down. The project's modules are read with ``ast``, lazy
imports inside functions included (only those under ``if TYPE_CHECKING:`` are left out, they never run), and
two things are checked: no circle between modules, and no app importing an app of a higher floor."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent

# Floors, lowest first; an app may import its own floor's and lower floors' modules only. ``core`` is the ground
# floor (it imports no project app); ``ipgrants`` is the roof (settings and urls, which reach every app).
FLOORS = (
    ("core",),
    ("accounts",),
    ("audit",),
    ("twofactor",),
    ("jobs",),
    ("notifications",),
    ("organisations",),
    ("offices",),
    ("programs",),
    ("drafting",),
    ("applications",),
    ("finder",),
    ("milestones",),
    ("reviews",),
    ("dashboards",),
    ("benchmarks", "demo", "ops"),
    ("ipgrants",),
)
FLOOR = {app: level for level, apps in enumerate(FLOORS) for app in apps}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def project_modules() -> dict[str, Path]:
    modules = {}
    for app in FLOOR:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every import statement that can run: top level, in functions and classes, not under ``if TYPE_CHECKING``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports(node)


def _target(name: str, modules) -> str | None:
    """The project module ``name`` stands for (a module, or the package of a name imported from it)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    modules = project_modules()
    path = modules[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            target = _target(name, modules)
            if target is not None and target != module:
                found.add(target)
    return found


@cache
def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for module in project_modules():
        graph.add_node(module)
        for target in imports_of(module):
            graph.add_edge(module, target)
    return graph


def _app(module: str) -> str:
    return module.split(".")[0]


def test_architecture_reads_lazy_imports():
    """The reader itself: an import inside a function counts, one under ``if TYPE_CHECKING`` does not."""
    tree = ast.parse("import a\ndef f():\n    from b import c\nif TYPE_CHECKING:\n    import d\nelse:\n    import e\n")
    names = [alias.name for node in _imports(tree) for alias in node.names]
    assert names == ["a", "c", "e"]


def test_architecture_every_app_has_a_floor():
    """A new app (``finder``, ``offices``) is given its floor here before its imports are checked."""
    from django.conf import settings

    ours = {app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()}
    assert ours == set(FLOOR) - {"ipgrants"}  # the roof is the project package, not an app


def test_architecture_has_no_import_circle():
    graph = import_graph()
    circles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            circle = nx.find_cycle(graph.subgraph(component))
            circles.append(" → ".join([*(edge[0] for edge in circle), circle[0][0]]))
    assert not sorted(circles), "import circles:\n" + "\n".join(sorted(circles))


def test_architecture_no_app_imports_a_higher_app():
    graph = import_graph()
    unknown = {_app(m) for m in graph} - set(FLOOR)
    assert not unknown
    upward = sorted(f"{source} → {target}" for source, target in graph.edges
                    if FLOOR[_app(source)] < FLOOR[_app(target)])
    assert not upward, "imports from a lower app to a higher one:\n" + "\n".join(upward)


def test_architecture_ipgrants_is_only_the_roof():
    """``ipgrants/`` keeps settings, urls, the WSGI/ASGI entry points, the Celery app and the env readers of the
    settings; helpers every app uses live in ``core``."""
    roof = {m for m in project_modules() if _app(m) == "ipgrants"}
    assert roof == {"ipgrants", "ipgrants.settings", "ipgrants.urls", "ipgrants.wsgi", "ipgrants.asgi",
                    "ipgrants.celery", "ipgrants.env", "ipgrants.storage_env"}
    users = sorted(f"{source} → {target}" for source, target in import_graph().edges
                   if _app(target) == "ipgrants" and _app(source) != "ipgrants")
    assert not users, "apps importing the roof:\n" + "\n".join(users)


def test_architecture_services_never_import_their_tasks():
    """Tasks point one way: work is queued by name (``core.dispatch.queue``); only Celery imports ``tasks.py``."""
    importers = sorted(f"{source} → {target}" for source, target in import_graph().edges
                       if target.endswith(".tasks"))
    assert not importers, "\n".join(importers)
