"""Counter keys are built by the key vocabulary modules and nowhere else."""

import ast
import re

from ambassadors import keys as ambassador_keys
from counters import keys as linked_keys
from organisations import keys as organisation_keys
from pledges import keys as pledge_keys
from tests.contracts.source import app_sources, fstrings_starting, relative, sources_of_tests

# A counter key is a programme prefix, a colon and no space ("pledges: 3 held" is a log line).
COUNTER_KEY = re.compile(r"(pledges|ambassadors|organisations|campaigns?):(?!\s)")
KEY_MODULES = {"pledges/keys.py", "ambassadors/keys.py", "organisations/keys.py", "counters/keys.py"}
# Tests that spell keys out on purpose: the vocabulary's own, and the migration's old keys.
SPELLED_ON_PURPOSE = {"tests/counters/test_keys.py", "tests/pledges/test_linked_totals_migration.py"}


def counter_key_fstrings(source: str) -> list[int]:
    return fstrings_starting(ast.parse(source), COUNTER_KEY)


def test_no_counter_key_is_built_with_an_f_string_outside_the_key_modules():
    found = []
    for path in [*app_sources(), *sources_of_tests()]:
        if relative(path) in KEY_MODULES | SPELLED_ON_PURPOSE:
            continue
        found += [f"{relative(path)}:{line}" for line in counter_key_fstrings(path.read_text())]
    assert found == [], "build counter keys with the functions of <app>/keys.py"


def test_the_check_finds_a_counter_key_f_string():
    source = 'key = f"pledges:{campaign.pk}:total"\nother = f"organisations:{pk}:assisted"\n'
    assert counter_key_fstrings(source) == [1, 2]
    # Not keys: a log line, a URL name, a plain string.
    assert counter_key_fstrings('log(f"pledges: {n} held")\nreverse("pledges:new")\n') == []


def test_the_key_modules_spell_the_keys_the_project_has_always_kept():
    assert pledge_keys.total(3) == "pledges:3:total"
    assert pledge_keys.people(3) == "pledges:3:people"
    assert pledge_keys.done(3) == "pledges:3:done"
    assert pledge_keys.theme(3, "dementia") == "pledges:3:theme:dementia"
    assert pledge_keys.facet(3, "region", "london") == "pledges:3:region:london"
    assert pledge_keys.outcomes_answered(3) == "pledges:3:outcomes:answered"
    assert pledge_keys.outcome_choice(3, "reach", "team") == "pledges:3:outcomes:reach:team"
    assert ambassador_keys.ACTIVE == "ambassadors:active"
    assert ambassador_keys.active("region", "london") == "ambassadors:active:region:london"
    assert ambassador_keys.activities("c", "care") == "ambassadors:activities:c:care"
    assert organisation_keys.staff_commitments(7) == "organisations:7:staff-commitments"
    assert organisation_keys.committed("type", "care-home") == "organisations:committed:type:care-home"


def test_organisation_linked_totals_are_under_the_owning_programme_prefix():
    assert pledge_keys.organisation(42) == linked_keys.organisation_pledges(42) == "pledges:organisation:42"
    assert ambassador_keys.organisation(42) == "ambassadors:organisation:42"
    assert pledge_keys.organisation(42).startswith(pledge_keys.PREFIX)
    assert ambassador_keys.organisation(42).startswith(ambassador_keys.PREFIX)
    assert linked_keys.organisation_of("pledges:organisation:42") == 42
    assert linked_keys.organisation_of("ambassadors:organisation:7") == 7
    assert linked_keys.organisation_of("pledges:42:total") is None
    assert organisation_keys.organisation_of("organisations:5:assisted") == 5
    assert organisation_keys.organisation_of("organisations:committed") is None
