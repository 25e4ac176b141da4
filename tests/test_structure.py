"""The package's structure: arrows point down, modules stay small, signatures stay short.

Invariants checked on the *source* (parsed with :mod:`ast`, nothing imported),
from the developer guide and issue 13:

- no import cycle between modules; every import counts, at module level or
  inside a function (a function-level import that closes a circle only hides
  it from Python's import machinery, not from the reader);
- no cycle between packages, where a first-level subpackage (``propagate``,
  ``output`` ...) is one node and each top-level module (``cli``, ``results``
  ...) is a node of its own;
- no module over 800 lines;
- no function over 12 parameters;
- every compiled function takes its numba options from one named set of
  ``skycrane/_jit_options.py``, the one switch for them.

Offenders that are being fixed right now sit in the ``PENDING_*`` allowlists
below. An allowlisted item that is no longer an offender fails the test too,
so the lists can only shrink: delete its line when you fix it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "src" / "skycrane"
MAX_MODULE_LINES = 800
MAX_PARAMETERS = 12

# Package arrows that close a cycle and are being removed under issue 13 now.
# Every other package arrow must point down once these are taken out.
PENDING_PACKAGE_EDGES: set[tuple[str, str]] = set()

# Module cycles being removed: each is the sorted tuple of the modules of one
# strongly connected component, so a cycle that grows is a new offender.
PENDING_MODULE_CYCLES: set[tuple[str, ...]] = set()

# Functions over 12 parameters, by qualified name.
PENDING_LONG_SIGNATURES: set[str] = set()

PENDING_LONG_MODULES: set[str] = set()


def module_name(path: Path) -> str:
    """Dotted name of the module at ``path`` (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@dataclass(frozen=True)
class Source:
    name: str
    path: Path
    tree: ast.Module
    is_package: bool


def sources() -> dict[str, Source]:
    """Every module of the package, parsed."""
    found = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        name = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found[name] = Source(name, path, tree, path.name == "__init__.py")
    return found


def _absolute(source: Source, node: ast.ImportFrom) -> str:
    """The module an ``ImportFrom`` names, relative forms (``from . import``) resolved."""
    if node.level == 0:
        return node.module or ""
    package = source.name.split(".")
    if not source.is_package:
        package.pop()
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(source: Source, modules: set[str]) -> set[str]:
    """The package's modules that ``source`` imports, anywhere in its body.

    ``from pkg import name`` is an import of the module ``pkg.name`` when that
    is a module, else of ``pkg`` itself (``name`` is defined there).
    ``import a.b.c`` imports ``a.b.c``; the parent packages it also executes
    are not counted, as every module would otherwise import ``skycrane``.
    """
    found = set()
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(source, node)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        found.update(t for t in targets if t in modules and t != source.name)
    return found


def module_graph() -> dict[str, set[str]]:
    parsed = sources()
    names = set(parsed)
    return {name: imports_of(src, names) for name, src in parsed.items()}


def package_of(module: str) -> str:
    """The package-graph node of ``module``: its first-level subpackage or top-level module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        packages[package_of(module)].update(
            package_of(t) for t in targets if package_of(t) != package_of(module)
        )
    return packages


def strongly_connected(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Components of more than one node (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(tuple(sorted(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def cycle_path(graph: dict[str, set[str]], component: tuple[str, ...]) -> list[str]:
    """One shortest circle through the component's first node, for the message."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for succ in sorted(graph[node] & members):
                if succ == start:
                    return [*paths[node], start]
                if succ not in paths:
                    paths[succ] = [*paths[node], succ]
                    following.append(succ)
        frontier = following
    return list(component)


def edges_in_cycles(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Edges inside a strongly connected component: the arrows that close a cycle."""
    edges = set()
    for component in strongly_connected(graph):
        members = set(component)
        edges.update((a, b) for a in component for b in graph[a] & members)
    return edges


def without(graph: dict[str, set[str]], edges: set[tuple[str, str]]) -> dict[str, set[str]]:
    return {a: {b for b in targets if (a, b) not in edges} for a, targets in graph.items()}


def check_against_allowlist(kind: str, offenders: dict, pending: set) -> None:
    """Fail on offenders not allowlisted, and on allowlisted items that no longer offend."""
    new = {k: v for k, v in offenders.items() if k not in pending}
    fixed = sorted(pending - set(offenders))
    lines = []
    if new:
        lines.append(f"{kind}:")
        lines.extend(f"  {detail}" for _, detail in sorted(new.items()))
    if fixed:
        lines.append(f"{kind} fixed, delete from the PENDING allowlist:")
        lines.extend(f"  {item}" for item in fixed)
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


def test_no_module_import_cycle():
    graph = module_graph()
    components = strongly_connected(graph)
    offenders = {c: " -> ".join(cycle_path(graph, c)) for c in components}
    # An allowlisted cycle that grew into a larger one is a new offender, and
    # still offends itself (it is not fixed).
    offenders.update(
        {
            pending: " -> ".join(pending)
            for pending in PENDING_MODULE_CYCLES
            if any(set(pending) <= set(c) for c in components)
        }
    )
    check_against_allowlist("module import cycles", offenders, PENDING_MODULE_CYCLES)


def test_no_package_import_cycle():
    graph = module_graph()
    packages = package_graph(graph)

    def via(a: str, b: str) -> str:
        """The module imports behind the package arrow ``a -> b``."""
        found = sorted(
            f"{m} -> {t}"
            for m, targets in graph.items()
            for t in targets
            if package_of(m) == a and package_of(t) == b
        )
        return f"{a} -> {b}  (via {', '.join(found)})"

    # Offenders: arrows still in a cycle once the allowlisted arrows are taken out.
    offenders = {
        edge: via(*edge) for edge in edges_in_cycles(without(packages, PENDING_PACKAGE_EDGES))
    }
    # An allowlisted arrow still offends while it closes a cycle in the full graph.
    offenders.update(
        {edge: via(*edge) for edge in edges_in_cycles(packages) & PENDING_PACKAGE_EDGES}
    )
    check_against_allowlist("package arrows in a cycle", offenders, PENDING_PACKAGE_EDGES)


def test_no_module_over_800_lines():
    offenders = {}
    for name, src in sources().items():
        count = len(src.path.read_text(encoding="utf-8").splitlines())
        if count > MAX_MODULE_LINES:
            offenders[name] = f"{name}: {count} lines"
    check_against_allowlist(
        f"modules over {MAX_MODULE_LINES} lines", offenders, PENDING_LONG_MODULES
    )


def functions(tree: ast.Module, prefix: str):
    """``(qualified name, node)`` of every function and method, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}.{node.name}"
            if not isinstance(node, ast.ClassDef):
                yield name, node
            yield from functions(node, name)
        else:
            yield from functions(node, prefix)


def test_no_function_over_12_parameters():
    offenders = {}
    for module, src in sources().items():
        for name, node in functions(src.tree, module):
            a = node.args
            count = len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs)
            count += (a.vararg is not None) + (a.kwarg is not None)
            if count > MAX_PARAMETERS:
                offenders[name] = f"{name}: {count} parameters"
    check_against_allowlist(
        f"functions over {MAX_PARAMETERS} parameters", offenders, PENDING_LONG_SIGNATURES
    )


JIT_DECORATORS = {"njit", "jit", "vectorize", "guvectorize", "cfunc", "stencil"}


def _is_numba_decorator(node: ast.expr) -> bool:
    """``numba.njit`` (and the other compiling decorators) or a bare ``njit``."""
    if isinstance(node, ast.Attribute):
        return node.attr in JIT_DECORATORS and isinstance(node.value, ast.Name)
    return isinstance(node, ast.Name) and node.id in JIT_DECORATORS


def option_sets() -> set[str]:
    """The named option sets of ``skycrane/_jit_options.py``: its public upper-case names."""
    tree = ast.parse((PACKAGE_DIR / "_jit_options.py").read_text(encoding="utf-8"))
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper() and not target.id.startswith("_")
    }


def test_numba_options_come_from_jit_options():
    """Every compiled function takes exactly one named option set of ``_jit_options``."""
    names = option_sets()
    offenders = {}
    for module, src in sources().items():
        for name, node in functions(src.tree, module):
            for deco in node.decorator_list:
                call = deco if isinstance(deco, ast.Call) else None
                if not _is_numba_decorator(call.func if call else deco):
                    continue
                ok = (
                    call is not None
                    and not call.args
                    and len(call.keywords) == 1
                    and call.keywords[0].arg is None
                    and isinstance(call.keywords[0].value, ast.Name)
                    and call.keywords[0].value.id in names
                )
                if not ok:
                    offenders[name] = f"{name} (line {deco.lineno}): {ast.unparse(deco)}"
    check_against_allowlist(
        f"numba decorators not of the form @numba.njit(**<one of {sorted(names)}>)",
        offenders,
        set(),
    )


TRUTH_PARAMETERS = {"y", "aux", "now", "flight", "at"}
"""Names the kernel gives the true state by (bundles.Point, bundles.Flight, state rows)."""


def test_flight_software_cycles_take_no_truth():
    """GUIDANCE.md 1.1: guidance/cycles.py is given the SENSED bundle, never the true state."""
    tree = sources()["skycrane.guidance.cycles"].tree
    given = {
        node.name: {a.arg for a in node.args.args} & TRUTH_PARAMETERS
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }
    assert "entry_cycle" in given and "powered_cycle" in given
    assert {name: args for name, args in given.items() if args} == {}
