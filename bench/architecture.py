"""Figures of the code's shape (issue 11), read from the source with `ast`: nothing is imported or run.

    python bench/architecture.py [--top N]

- imports between apps, at any level (inside functions and under TYPE_CHECKING too), for the domain modules and for
  all modules; the circles among apps and the imports that go upward against the layers of docs/architecture.md;
- the longest functions and files of the app code (migrations left out);
- literal tuples, lists and sets of statuses (`X.Status.Y`, or `S.Y` / `St.Y` aliases) outside models.py;
- the number of `# fmt: skip` comments.
"""

import argparse
import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "doithoai"
# The layers, lowest first: an app may import only apps at its own level or below (issue 11, item 3).
LAYERS = ["lib", "accounts", "notifications", "documents", "petitions", "plans"]
# Domain modules: what the layering binds (pages, API and commands may use any domain module).
DOMAIN = re.compile(
    r"(^|/)(models|actions|queries|rules|reminders|importing|import_duplicates|deadlines|notices|"
    r"history|topics|announcing|calendar|defaults|delivery|redact|throttle|permissions)(\.py|/)"
)
STATUS_NAMES = re.compile(r"^(S|St|Sp|Status|[A-Z]\w*\.Status)$")


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "doithoai" else None


def python_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


def imports_of(tree: ast.AST, module: str) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative
                base = module.split(".")[: -node.level] if node.level else []
                found.add(".".join([*base, node.module or ""]).strip("."))
            elif node.module:
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m.startswith("doithoai.")}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one app (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def upward(source: str, target: str) -> bool:
    if source in LAYERS and target in LAYERS:
        return LAYERS.index(target) > LAYERS.index(source)
    return source in LAYERS and target not in LAYERS  # a domain layer importing pages/api/portal/demo/…


def status_literals(tree: ast.AST) -> int:
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) >= 2:
            names = [ast.unparse(e.value) for e in node.elts if isinstance(e, ast.Attribute)]
            if len(names) == len(node.elts) and all(STATUS_NAMES.match(n) for n in names):
                count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    all_edges, domain_edges = defaultdict(set), defaultdict(set)
    upward_imports, functions, files, literals, skips = [], [], [], defaultdict(int), 0
    for path in python_files():
        text = path.read_text()
        rel = str(path.relative_to(ROOT))
        tree = ast.parse(text)
        module = module_name(path)
        source = app_of(module)
        domain = bool(DOMAIN.search(rel.removeprefix("doithoai/")))
        for target_module in imports_of(tree, module):
            target = app_of(target_module)
            if source and target and target != source:
                all_edges[source].add(target)
                if domain:
                    domain_edges[source].add(target)
                    if upward(source, target):
                        upward_imports.append(f"{rel} → {target_module}")
        files.append((len(text.splitlines()), rel))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.append((node.end_lineno - node.lineno + 1, f"{rel}:{node.lineno} {node.name}"))
        if path.name != "models.py":
            literals[rel] += status_literals(tree)
        skips += text.count("# fmt: skip")
    for path in (ROOT / "tests").rglob("*.py"):
        skips += path.read_text().count("# fmt: skip")

    print("circles among apps (all modules):", circles(all_edges) or "none")
    print("circles among apps (domain modules):", circles(domain_edges) or "none")
    print(f"upward imports from domain modules: {len(sorted(set(upward_imports)))}")
    for line in sorted(set(upward_imports))[: args.top]:
        print("   ", line)
    functions.sort(reverse=True)
    print(f"functions over 40 lines: {sum(1 for n, _ in functions if n > 40)}; longest:")
    for n, name in functions[: args.top]:
        print(f"    {n:4d}  {name}")
    files.sort(reverse=True)
    print(f"files over 800 lines: {sum(1 for n, _ in files if n > 800)}; longest:")
    for n, name in files[: args.top]:
        print(f"    {n:4d}  {name}")
    total = sum(literals.values())
    print(f"literal status tuples/lists/sets outside models.py: {total}")
    for rel, n in sorted(literals.items(), key=lambda item: -item[1])[: args.top]:
        if n:
            print(f"    {n:4d}  {rel}")
    print(f"'# fmt: skip' comments (app and tests): {skips}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
