"""Rules written once: a listed organisation, one open to its staff, who represents one, a
verified email address. Each is a queryset method; these tests fail when the rule is spelled
out again in a query elsewhere."""

import ast
import re

import pytest

from tests.contracts.source import app_sources, relative

# (the method to use, a keyword argument that spells the rule out, the one file allowed to)
RULES = [
    ("Organisation.objects.listed()", r"verified_at__isnull=False", "organisations/models.py"),
    ("Organisation.objects.open_to_staff()", r"commitment__isnull=False", "organisations/models.py"),
    (
        "Membership.objects.representing()",
        r"(memberships__)?role=(Membership\.Role\.REPRESENTATIVE|'representative')",
        "organisations/models.py",
    ),
    ("User.has_verified_email()", r"(emailaddress__)?verified=True", "accounts/models.py"),
]
QUERIES = {"filter", "exclude", "get", "get_or_create", "update_or_create", "get_object_or_404"}


def spelled_out(source: str, pattern: str) -> list[int]:
    """Lines of query calls passing a keyword argument that spells the rule out."""
    wanted = re.compile(pattern)
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in QUERIES and any(wanted.fullmatch(ast.unparse(k)) for k in node.keywords if k.arg):
                lines.add(node.lineno)
    return sorted(lines)


@pytest.mark.parametrize("method, pattern, home", RULES, ids=[rule[0] for rule in RULES])
def test_each_rule_is_written_once(method, pattern, home):
    found = []
    for path in app_sources():
        if relative(path) != home:
            found += [f"{relative(path)}:{line}" for line in spelled_out(path.read_text(), pattern)]
    assert found == [], f"use {method}"


def test_the_check_finds_a_rule_spelled_out():
    source = (
        "Organisation.objects.filter(slug=s, verified_at__isnull=False)\n"
        "Membership.objects.filter(organisation=o, role=Membership.Role.REPRESENTATIVE)\n"
        "EmailAddress.objects.filter(user=u, verified=True)\n"
        "get_object_or_404(Organisation, commitment__isnull=False)\n"
        "Membership.objects.create(role=Membership.Role.REPRESENTATIVE)\n"  # a write, not a rule
        "Organisation.objects.filter(verified_at__isnull=True)\n"  # not listed: another question
    )
    assert [spelled_out(source, pattern) for _, pattern, _ in RULES] == [[1], [4], [2], [3]]
