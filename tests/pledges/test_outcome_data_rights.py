"""A person's outcome answers in their data download, and out of the totals when they are erased."""

import pytest

from accounts.data_rights import personal_data_erase, personal_data_export
from counters.services import counter_values_with_prefix, counters_recount
from pledges import keys as pledge_keys
from pledges import services
from pledges.models import PledgeOutcome
from pledges.outcomes import outcome_question_set, outcome_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(campaign, service_data):
    pledge = services.pledge_submit(campaign=campaign, data=service_data).pledge
    services.pledge_confirm(pledge_id=pledge.pk)
    answers = {"benefit": ["carers"], "reach": "beyond", "ongoing": "no", "change": "We listen more.", "publish": True}
    return outcome_record(pledge=pledge, question_set=outcome_question_set(campaign), answers=answers)


def test_export_includes_the_answers_in_words(answered):
    (row,) = personal_data_export(email="jo@example.org")["pledge-outcomes"]["outcomes"]
    assert row["who_benefited"] == ["Carers"] and row["how_far_it_reached"] == "Beyond my organisation"
    assert row["what_changed"] == "We listen more." and row["published"] is True and row["questions_version"] == 1


def test_erase_without_contributions_takes_the_answers_out_of_the_totals(campaign, answered):
    personal_data_erase(email="jo@example.org", keep_contributions=False)
    assert not PledgeOutcome.objects.exists()
    assert not any(counter_values_with_prefix(pledge_keys.outcomes(campaign.pk)).values())
    assert counters_recount(dry_run=True) == {}


def test_erase_keeping_contributions_keeps_the_answers(campaign, answered):
    personal_data_erase(email="jo@example.org", keep_contributions=True)
    assert PledgeOutcome.objects.count() == 1
    assert counters_recount(dry_run=True) == {}
