"""The site's URL patterns as the fuzz tests walk them, and whether a view takes a POST."""

import inspect
import re

from django.urls import URLPattern, URLResolver


def patterns(resolvers, prefix: str = "", namespace: str = ""):
    """(route, "namespace:name", view) of every URL pattern, e.g. ("/tra-cuu/<str:code>/", "portal:...", view)."""
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + str(entry.pattern), f"{namespace}{entry.name}", entry.callback


_POST = re.compile(r"request\.POST|request\.method\s*[!=]=\s*[\"']POST|\bdef post\(")


def accepts_post(view, depth: int = 3) -> bool:
    """Whether a view answers POST with anything but 405: a method restriction says so (require_POST,
    require_http_methods, a class-based view's handlers, a ninja operation); else its code, or the code of the
    functions of its module it calls, reads request.POST or tests for a POST."""
    if hasattr(view, "view_class"):
        return "post" in view.view_class.http_method_names and hasattr(view.view_class, "post")
    func = view
    while func is not None:
        names = getattr(getattr(func, "__code__", None), "co_freevars", ())
        cells = dict(zip(names, (c.cell_contents for c in (getattr(func, "__closure__", None) or ())), strict=False))
        if "request_method_list" in cells:
            return "POST" in cells["request_method_list"]
        if hasattr(cells.get("self"), "operations"):  # a ninja PathView
            return any("POST" in op.methods for op in cells["self"].operations)
        func = getattr(func, "__wrapped__", None)
    return _reads_post(inspect.unwrap(view), depth)


def _reads_post(func, depth: int) -> bool:
    if not inspect.isfunction(func):
        func = getattr(type(func), "__call__", None)
        if not inspect.isfunction(func):
            return False
    if _POST.search(inspect.getsource(func)):
        return True
    if depth == 0:
        return False
    called = (func.__globals__.get(name) for name in func.__code__.co_names)
    own = [t for t in called if getattr(t, "__module__", None) == func.__module__ and t is not func]
    classes = [t for t in own if inspect.isclass(t)]
    return any(_POST.search(inspect.getsource(c)) for c in classes) or any(
        _reads_post(t, depth - 1) for t in own if inspect.isfunction(t)
    )
