"""The organisations app reads the pledges and Care Makers each organisation has by counter key
(counters/keys.py): it imports neither programme, so no cycle runs through it."""

import ast

from tests.contracts.source import ROOT, relative


def imported_apps(source: str) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            apps |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            apps.add(node.module.split(".")[0])
    return apps


def test_organisations_imports_neither_pledges_nor_ambassadors():
    found = [
        relative(path)
        for path in sorted((ROOT / "organisations").rglob("*.py"))
        if imported_apps(path.read_text()) & {"pledges", "ambassadors"}
    ]
    assert found == []


def test_the_import_check_sees_a_lazy_import():
    assert "pledges" in imported_apps("def f():\n    from pledges.services import x\n")
    assert imported_apps("from . import keys\nimport counters.keys\n") == {"counters"}
