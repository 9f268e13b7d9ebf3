"""The package's shape, checked from its source so that it cannot quietly come back: no import
cycles between its modules, no module reaching into another object's private attributes, and a
fully annotated public API (the package ships py.typed)."""
import ast
import inspect
import os
import typing
import unittest

from helpers import SDK_DIR

import trialbook

PACKAGE = os.path.join(SDK_DIR, "trialbook")


def modules():
    """{module name: parsed source} for every module of the package."""
    found = {}
    for name in sorted(os.listdir(PACKAGE)):
        if name.endswith(".py"):
            with open(os.path.join(PACKAGE, name), encoding="utf-8") as handle:
                found[name[:-3]] = ast.parse(handle.read(), name)
    return found


def imports_of(tree, names):
    """Package modules a module imports anywhere (function-level imports included)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("trialbook."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("trialbook."))
    return found & set(names)


def find_cycle(graph):
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, path + [nxt])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return None


class StructureTest(unittest.TestCase):
    def test_no_import_cycles_between_the_package_modules(self):
        trees = modules()
        graph = {name: imports_of(tree, trees) - {name} for name, tree in trees.items()}
        self.assertIn("_session", graph["__init__"])  # the check sees imports at all
        self.assertIsNone(find_cycle(graph), "import cycle: %s" % " -> ".join(find_cycle(graph) or []))

    def test_cycle_finder_finds_a_cycle(self):
        self.assertEqual(find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}), ["a", "b", "c", "a"])
        self.assertIsNone(find_cycle({"a": {"b"}, "b": set()}))

    def test_no_module_touches_another_objects_private_attributes(self):
        offences = []
        for name, tree in modules().items():
            imported = {alias.asname or alias.name.split(".")[0]
                        for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                        for alias in node.names}
            for node in ast.walk(tree):
                if not isinstance(node, ast.Attribute):
                    continue
                attr = node.attr
                if not attr.startswith("_") or attr.startswith("__"):
                    continue
                owner = node.value
                if isinstance(owner, ast.Name) and (owner.id in ("self", "cls") or owner.id in imported):
                    continue
                offences.append("%s.py:%d: %s.%s" % (name, node.lineno, ast.unparse(owner), attr))
        self.assertEqual(offences, [], "private attributes used from outside their object")

    def test_public_api_is_fully_annotated(self):
        callables = [getattr(trialbook, name) for name in trialbook.__all__
                     if inspect.isfunction(getattr(trialbook, name))]
        classes = [klass for cls in (trialbook.Run, trialbook.Config, trialbook.Summary) for klass in cls.__mro__
                   if klass.__module__.startswith("trialbook.")]  # Run's methods live in mixins by topic
        self.assertGreater(len(classes), 3)
        for cls in classes:
            for attr, member in vars(cls).items():
                if attr.startswith("_") and attr not in ("__init__", "__enter__", "__exit__", "__getitem__",
                                                         "__setitem__", "__contains__", "__iter__", "__len__"):
                    continue
                if isinstance(member, property):
                    callables.extend(f for f in (member.fget, member.fset) if f is not None)
                elif inspect.isfunction(member):
                    callables.append(member)
        self.assertGreater(len(callables), 40)
        missing = []
        for func in callables:
            signature = inspect.signature(func)
            for parameter in signature.parameters.values():
                if parameter.name not in ("self", "cls") and parameter.annotation is inspect.Parameter.empty:
                    missing.append("%s(%s)" % (func.__qualname__, parameter.name))
            if signature.return_annotation is inspect.Signature.empty:
                missing.append("%s -> ?" % func.__qualname__)
            typing.get_type_hints(func)  # every annotation resolves on this Python
        self.assertEqual(missing, [])

    def test_py_typed_marker_is_in_the_package(self):
        self.assertTrue(os.path.isfile(os.path.join(PACKAGE, "py.typed")))


if __name__ == "__main__":
    unittest.main()
