"""The project's import architecture, checked by reading the source with `ast` (nothing is imported).

Imports go one way, so each layer can be read, tested and changed without the ones above it:
``common`` sits below every app; ``embassies`` knows nothing of letters; ``campaign`` builds on
``embassies``; ``printing`` and ``tracking`` build on ``campaign``. Between a service and its Celery
task the accepted direction is: the service imports the task at module level (to enqueue it), and the
task imports its service only inside the task body. Any other circle is a design error, and so is any
other function-local import (it is usually a circle being hidden), except Django's ``manage.py`` and an
``AppConfig.ready()`` in ``apps.py``.
"""

import ast
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SKIPPED_PARTS = set("tests migrations bench .venv venv node_modules scripts var media staticfiles mutants".split())
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _skipped(part):
    return part in SKIPPED_PARTS or part.startswith(".")


def project_modules(root):
    """Dotted module name -> path, for every project ``*.py`` under root (``pkg/__init__.py`` is ``pkg``)."""
    modules = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if not _skipped(name))
        for filename in sorted(filenames):
            if filename.endswith(".py") and not _skipped(filename):
                relative = (Path(dirpath) / filename).relative_to(root)
                parts = relative.with_suffix("").parts
                name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
                if name:
                    modules[name] = Path(dirpath) / filename
    return modules


def _imports_with_scopes(tree):
    """Every Import/ImportFrom node, with the def/class nodes that enclose it (empty at module level)."""

    def walk(node, scopes):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, scopes
            else:
                yield from walk(child, (*scopes, child) if isinstance(child, SCOPES) else scopes)

    yield from walk(tree, ())


def _imported_names(node, module, path):
    """Absolute dotted names an import node asks for; relative imports resolved against the module's package."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        kept = len(package) - (node.level - 1)
        base = ".".join([*package[: max(kept, 0)], *([base] if base else [])])
    # Python runs the package's __init__ too, so `from pkg import x` also depends on `pkg`.
    return [f"{base}.{alias.name}" if base else alias.name for alias in node.names] + ([base] if base else [])


def _is_task_module(path, root):
    return path.name == "tasks.py" or "tasks" in path.relative_to(root).parts[:-1]


def _parsed(modules):
    for name, path in modules.items():
        yield name, path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _longest_known_prefix(name, modules):
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(root):
    """Module -> set of project modules it imports (a task body's own imports left out, self-imports too)."""
    modules = project_modules(root)
    graph = {name: set() for name in modules}
    for name, path, tree in _parsed(modules):
        task_module = _is_task_module(path, root)
        for node, scopes in _imports_with_scopes(tree):
            if task_module and any(isinstance(scope, FUNCTIONS) for scope in scopes):
                continue  # the accepted direction: a task imports its service inside the task body
            for imported in _imported_names(node, name, path):
                target = _longest_known_prefix(imported, modules)
                # A module's own parent packages are already running when it is imported: not a dependency.
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def strongly_connected_components(graph):
    """Kosaraju's algorithm, iterative: finishing order on the graph, then flood fills on the reverse graph."""
    finished, seen = [], set()
    for start in sorted(graph):
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(sorted(graph[start])))]
        while stack:
            node, successors = stack[-1]
            for successor in successors:
                if successor not in seen:
                    seen.add(successor)
                    stack.append((successor, iter(sorted(graph[successor]))))
                    break
            else:
                stack.pop()
                finished.append(node)
    reverse = {node: set() for node in graph}
    for node, targets in graph.items():
        for target in targets:
            reverse[target].add(node)
    components, assigned = [], set()
    for start in reversed(finished):
        if start in assigned:
            continue
        assigned.add(start)
        component, todo = [], [start]
        while todo:
            node = todo.pop()
            component.append(node)
            for predecessor in reverse[node] - assigned:
                assigned.add(predecessor)
                todo.append(predecessor)
        components.append(sorted(component))
    return components


def import_cycles(root):
    """Each circle of imports (a strongly connected component of more than one module), sorted."""
    return sorted(c for c in strongly_connected_components(import_graph(root)) if len(c) > 1)


def local_imports(root):
    """``path:line`` of every import inside a def/class body, except the accepted ones."""
    found = []
    for _name, path, tree in _parsed(project_modules(root)):
        for node, scopes in _imports_with_scopes(tree):
            in_function = any(isinstance(scope, FUNCTIONS) for scope in scopes)
            accepted = path.name == "manage.py" or (in_function and path.name in {"tasks.py", "apps.py"})
            if scopes and not accepted:
                found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    return found


def forbidden_imports(root, package, forbidden_apps):
    """``module -> imported name`` for every import anywhere in ``package`` that reaches one of forbidden_apps."""
    modules = {name: path for name, path in project_modules(root).items() if name.split(".")[0] == package}
    found = []
    for name, path, tree in _parsed(modules):
        for node, _scopes in _imports_with_scopes(tree):
            for imported in _imported_names(node, name, path):
                if imported.split(".")[0] in forbidden_apps:
                    found.append(f"{name} (line {node.lineno}) -> {imported}")
    return found


def test_no_import_cycles():
    cycles = import_cycles(REPO_ROOT)
    assert not cycles, "Import circles:\n" + "\n".join(" <-> ".join(cycle) for cycle in cycles)


def test_local_imports_only_in_task_bodies_and_app_configs():
    found = local_imports(REPO_ROOT)
    assert not found, "Imports inside a def/class body (move them to the top of the module):\n" + "\n".join(found)


def test_embassies_knows_nothing_of_campaigns():
    found = forbidden_imports(REPO_ROOT, "embassies", {"campaign", "printing", "tracking"})
    assert not found, "embassies imports an app above it:\n" + "\n".join(found)


def test_common_depends_on_no_app():
    found = forbidden_imports(REPO_ROOT, "common", {"embassies", "campaign", "printing", "tracking"})
    assert not found, "common imports an app:\n" + "\n".join(found)


def test_detector_finds_a_planted_cycle(tmp_path):
    package = tmp_path / "a"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "services.py").write_text("from . import tasks\n\n\ndef send():\n    tasks.deliver.delay()\n")
    (package / "tasks.py").write_text("from a.services import send\n\n\ndef deliver():\n    send()\n")
    assert import_graph(tmp_path) == {"a": set(), "a.services": {"a.tasks"}, "a.tasks": {"a.services"}}
    assert import_cycles(tmp_path) == [["a.services", "a.tasks"]]

    (package / "tasks.py").write_text("def deliver():\n    from a.services import send\n\n    send()\n")
    assert import_cycles(tmp_path) == []
    assert local_imports(tmp_path) == []

    (package / "services.py").write_text("from . import tasks\n\n\ndef send():\n    from .tasks import deliver\n")
    assert local_imports(tmp_path) == ["a/services.py:5"]
