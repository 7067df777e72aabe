"""The commitment in practice: employers' tasks by statement (chosen, done, overdue) as kept
totals, the nightly overdue rollup, published evidence, and the pages that show them."""

import json
import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counters.services import counter_set, counter_value, counter_values, counters_recount
from organisations import keys, services
from organisations.models import CommitmentTask
from organisations.selectors import commitment_task_figures
from organisations.tasks import rollup_overdue_tasks
from tests.factories import UserFactory

from .factories import commit, make_organisation

pytestmark = pytest.mark.django_db

CLEAN = "Every interview now has three questions about kindness, agreed with the people who live here."
WITH_PHONE = "Ask the manager on 01392 496123 to see the interview record."


def by_statement(state, organisation=None):
    pk = organisation.pk if organisation is not None else None
    values = counter_values([keys.commitment_tasks(state, n, pk) for n in range(1, 8)])
    return [values[keys.commitment_tasks(state, n, pk)] for n in range(1, 8)]


@pytest.fixture
def overdue_home(org_rep):
    """Birch House committed 100 days ago with every target date 50 days ago: all 7 tasks overdue."""
    organisation = make_organisation(rep=org_rep, name="Birch House")
    today = timezone.localdate()
    commit(organisation, org_rep, today=today - timedelta(days=100), target=today - timedelta(days=50))
    return organisation


def first_task(organisation, number=1):
    return CommitmentTask.objects.select_related("commitment").get(
        commitment__organisation=organisation, statement_number=number
    )


# --- services -----------------------------------------------------------------------


def test_signing_counts_the_tasks_chosen_under_each_statement_for_the_employer_and_nationally(committed, org_rep):
    assert by_statement("chosen", committed) == [1] * 7
    assert by_statement("chosen") == [1] * 7
    other = make_organisation(rep=UserFactory(), name="Elm Court")
    commit(other, other.memberships.get().user)
    assert by_statement("chosen", committed) == [1] * 7
    assert by_statement("chosen") == [2] * 7
    assert by_statement("done") == by_statement("overdue") == [0] * 7


def test_marking_a_task_done_counts_it_under_its_statement(committed, org_rep):
    task = first_task(committed, 3)
    assert services.commitment_task_done(task=task, user=org_rep, evidence=CLEAN) is True
    assert services.commitment_task_done(task=task, user=org_rep, evidence="again") is False
    assert by_statement("done", committed) == [0, 0, 1, 0, 0, 0, 0]
    assert by_statement("done") == [0, 0, 1, 0, 0, 0, 0]
    assert counter_value(keys.tasks_done(committed.pk)) == 1
    task.refresh_from_db()
    assert task.evidence == CLEAN and task.evidence_published_at is None  # private unless published


def test_the_rollup_counts_overdue_tasks_once_however_often_it_runs(overdue_home, committed):
    today = timezone.localdate()
    assert by_statement("overdue") == [0] * 7  # time passing is not an event: nothing until the rollup
    assert services.commitment_tasks_overdue_rollup(today=today) == 7
    assert services.commitment_tasks_overdue_rollup(today=today) == 0
    assert services.commitment_tasks_overdue_rollup(today=today + timedelta(days=1)) == 0
    assert by_statement("overdue", overdue_home) == [1] * 7
    assert by_statement("overdue", committed) == [0] * 7  # its targets are 60 days away
    assert by_statement("overdue") == [1] * 7
    assert set(
        CommitmentTask.objects.filter(overdue_since=today).values_list("commitment__organisation", flat=True)
    ) == {overdue_home.pk}
    # Sixty days on, the other home's tasks are overdue too, and only they are counted.
    assert services.commitment_tasks_overdue_rollup(today=today + timedelta(days=61)) == 7
    assert by_statement("overdue") == [2] * 7


def test_the_rollup_task_run_twice_counts_once(overdue_home):
    assert rollup_overdue_tasks.delay().get() == 7
    assert rollup_overdue_tasks.delay().get() == 0
    assert by_statement("overdue", overdue_home) == [1] * 7


def test_the_rollup_command_has_a_dry_run(overdue_home, capsys):
    call_command("rollup_overdue_tasks", "--dry-run")
    assert "7 tasks would be counted as overdue" in capsys.readouterr().out
    assert by_statement("overdue") == [0] * 7
    call_command("rollup_overdue_tasks")
    assert "7 tasks were counted as overdue" in capsys.readouterr().out
    assert by_statement("overdue") == [1] * 7


def test_an_overdue_task_marked_done_leaves_the_overdue_totals(overdue_home, org_rep):
    services.commitment_tasks_overdue_rollup()
    services.commitment_task_done(task=first_task(overdue_home, 2), user=org_rep, evidence=CLEAN)
    assert by_statement("overdue", overdue_home) == [1, 0, 1, 1, 1, 1, 1]
    assert by_statement("done", overdue_home) == [0, 1, 0, 0, 0, 0, 0]
    # Done is done: the rollup does not count it again.
    assert services.commitment_tasks_overdue_rollup(today=timezone.localdate() + timedelta(days=3)) == 0
    assert by_statement("overdue") == [1, 0, 1, 1, 1, 1, 1]


def test_a_task_done_before_the_rollup_is_never_overdue(overdue_home, org_rep):
    services.commitment_task_done(task=first_task(overdue_home, 1), user=org_rep, evidence=CLEAN)
    assert services.commitment_tasks_overdue_rollup() == 6
    assert by_statement("overdue", overdue_home) == [0, 1, 1, 1, 1, 1, 1]


@pytest.mark.django_db(transaction=True)
def test_a_task_being_marked_done_while_the_rollup_runs_is_done_not_overdue(org_rep):
    import threading

    from django.db import transaction

    from .factories import ensure_statements

    ensure_statements()
    home = make_organisation(rep=org_rep, name="Birch House")
    today = timezone.localdate()
    commit(home, org_rep, today=today - timedelta(days=100), target=today - timedelta(days=50))
    task = first_task(home, 1)
    marked, release = threading.Event(), threading.Event()

    def mark_done():
        try:
            with transaction.atomic():  # the representative's request, not yet committed
                services.commitment_task_done(task=task, user=org_rep, evidence=CLEAN)
                marked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=mark_done)
    thread.start()
    assert marked.wait(10)
    started = time.monotonic()
    assert services.commitment_tasks_overdue_rollup() == 6  # the row being marked done is skipped,
    assert time.monotonic() - started < 5  # not waited for
    release.set()
    thread.join()
    assert services.commitment_tasks_overdue_rollup() == 0
    assert by_statement("overdue", home) == [0, 1, 1, 1, 1, 1, 1]
    assert by_statement("done", home) == [1, 0, 0, 0, 0, 0, 0]
    assert counters_recount(prefixes=["organisations:"]) == {}


def test_publishing_evidence_runs_the_privacy_check(committed, org_rep):
    task = first_task(committed)
    services.commitment_task_done(task=task, user=org_rep, evidence=WITH_PHONE)
    with pytest.raises(ValidationError, match="The evidence must not include a phone number"):
        services.commitment_task_evidence_publish(task=task, user=org_rep, evidence=WITH_PHONE)
    # Written the way a reader sees a number, still caught: the normalised check.
    with pytest.raises(ValidationError, match="a phone number"):
        services.commitment_task_evidence_publish(task=task, user=org_rep, evidence="Ring ０１３９２ ４９６１２３")
    task.refresh_from_db()
    assert task.evidence_published_at is None and task.evidence == WITH_PHONE
    assert counter_value(keys.EVIDENCE_PUBLISHED) == 0


def test_marking_done_and_publishing_at_once_refuses_personal_data_and_records_nothing(committed, org_rep):
    task = first_task(committed)
    with pytest.raises(ValidationError, match="phone number"):
        services.commitment_task_done(task=task, user=org_rep, evidence=WITH_PHONE, publish=True)
    task.refresh_from_db()
    assert task.done_at is None
    assert services.commitment_task_done(task=task, user=org_rep, evidence=CLEAN, publish=True)
    task.refresh_from_db()
    assert task.evidence_published_at is not None
    assert counter_value(keys.EVIDENCE_PUBLISHED) == 1


def test_evidence_is_published_changed_and_unpublished(committed, org_rep):
    task = first_task(committed)
    services.commitment_task_done(task=task, user=org_rep, evidence=WITH_PHONE)
    published = services.commitment_task_evidence_publish(task=task, user=org_rep, evidence=CLEAN)
    assert published.evidence == CLEAN and published.evidence_published_at is not None
    services.commitment_task_evidence_publish(task=task, user=org_rep, evidence=CLEAN + " Kept in the file.")
    assert counter_value(keys.EVIDENCE_PUBLISHED) == 1  # changing the words publishes nothing twice
    assert services.commitment_task_evidence_unpublish(task=task, user=org_rep) is True
    assert services.commitment_task_evidence_unpublish(task=task, user=org_rep) is False
    task.refresh_from_db()
    assert task.evidence_published_at is None
    assert task.evidence == CLEAN + " Kept in the file."  # still the private note
    assert counter_value(keys.EVIDENCE_PUBLISHED) == 0


def test_only_a_done_task_can_have_its_evidence_published(committed, org_rep):
    with pytest.raises(ValidationError, match="Mark the task done"):
        services.commitment_task_evidence_publish(task=first_task(committed), user=org_rep, evidence=CLEAN)


def test_only_the_organisations_representatives_publish_its_evidence(committed, org_rep, other_rep, programme_admin):
    task = first_task(committed)
    services.commitment_task_done(task=task, user=org_rep, evidence=CLEAN)
    for person in (other_rep, programme_admin):
        with pytest.raises(PermissionDenied):
            services.commitment_task_evidence_publish(task=task, user=person, evidence=CLEAN)
        with pytest.raises(PermissionDenied):
            services.commitment_task_evidence_unpublish(task=task, user=person)


def test_recount_finds_no_drift_after_a_burst_and_repairs_drift(org_rep, committed):
    today = timezone.localdate()
    homes = []
    for n in range(6):
        rep = UserFactory()
        home = make_organisation(rep=rep, name=f"Burst Home {n}")
        commit(home, rep, today=today - timedelta(days=90), target=today - timedelta(days=10 * n + 1))
        homes.append((home, rep))
    services.commitment_tasks_overdue_rollup()
    for n, (home, rep) in enumerate(homes):
        for number in range(1, n + 2):
            task = first_task(home, number)
            services.commitment_task_done(task=task, user=rep, evidence=CLEAN, publish=number % 2 == 0)
            if number == 3:
                services.commitment_task_evidence_unpublish(task=task, user=rep)
            if number == 1:
                services.commitment_task_evidence_publish(task=task, user=rep, evidence=CLEAN)
    services.commitment_tasks_overdue_rollup(today=today + timedelta(days=70))
    services.commitment_task_done(task=first_task(committed, 7), user=org_rep, evidence=CLEAN)
    assert counters_recount(prefixes=["organisations:"]) == {}
    assert sum(by_statement("chosen")) == 49
    assert sum(by_statement("done")) == 1 + 2 + 3 + 4 + 5 + 6 + 1
    assert sum(by_statement("overdue")) == 49 - 22
    # A lost update is found and put right.
    counter_set(keys.commitment_tasks("overdue", 7), 100)
    assert counters_recount(prefixes=["organisations:"]) == {keys.commitment_tasks("overdue", 7): (100, 6)}
    assert counters_recount(prefixes=["organisations:"]) == {}


def test_the_privacy_recheck_takes_down_evidence_it_now_catches(committed, org_rep):
    task = first_task(committed)
    services.commitment_task_done(task=task, user=org_rep, evidence=CLEAN, publish=True)
    CommitmentTask.objects.filter(pk=task.pk).update(evidence=WITH_PHONE)  # as if the check had missed it
    assert services.commitment_evidence_recheck_privacy(dry_run=True) == 1
    out = StringIO()
    call_command("recheck_public_text", stdout=out)
    assert "social care commitment: 1 published evidence notes taken down" in out.getvalue()
    assert services.commitment_evidence_recheck_privacy() == 0
    task.refresh_from_db()
    assert task.evidence_published_at is None and task.evidence == WITH_PHONE
    assert counters_recount(prefixes=["organisations:"]) == {}


def test_data_rights_export_the_evidence_a_person_recorded_and_erasure_keeps_the_employers_record(committed, org_rep):
    from accounts.data_rights import personal_data_erase, personal_data_export

    task = first_task(committed)
    services.commitment_task_done(task=task, user=org_rep, evidence=CLEAN, publish=True)
    exported = personal_data_export(user=org_rep)["social_care_commitment"]["commitment_tasks_you_recorded"]
    assert exported == [
        {
            "organisation": "Oak Lodge Care Home",
            "task": task.task_text,
            "done_at": task.done_at.isoformat(),
            "evidence": CLEAN,
            "evidence_published": True,
        }
    ]
    personal_data_erase(user=org_rep, keep_contributions=False)
    task.refresh_from_db()
    assert task.done_by is None and task.evidence == CLEAN and task.evidence_published_at is not None
    assert counters_recount(prefixes=["organisations:"]) == {}


# --- pages ------------------------------------------------------------------------


@pytest.fixture
def with_evidence(overdue_home, org_rep):
    """Birch House: statement 1 done and published, statement 2 done and private, the rest overdue."""
    services.commitment_tasks_overdue_rollup()
    services.commitment_task_done(task=first_task(overdue_home, 1), user=org_rep, evidence=CLEAN, publish=True)
    services.commitment_task_done(task=first_task(overdue_home, 2), user=org_rep, evidence="Private: see the HR file.")
    return overdue_home


def test_the_public_page_shows_tasks_by_statement_and_only_published_evidence(
    client, with_evidence, django_assert_max_num_queries
):
    # The organisation, its totals and tasks by statement in one read, its evidence, and the
    # pledges' figures (the pledges tag's own two reads).
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(5):
        response = client.get(with_evidence.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Its tasks so far" in html
    body = html.split('<tbody class="nhsuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", body, flags=re.S)
    cells = [re.sub(r"<[^>]+>|Statement |Chosen |Done |Overdue |Not yet due ", " ", row).split() for row in rows]
    assert cells[0][-4:] == ["1", "1", "0", "0"]  # statement 1: chosen, done, overdue, not yet due
    assert cells[2][-4:] == ["1", "0", "1", "0"]
    assert cells[-1][-4:] == ["7", "2", "5", "0"]  # all statements
    assert CLEAN in html
    assert "Private: see the HR file." not in html
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"] and "commitmenttask" in q["sql"]]
    assert len([q for q in queries.captured_queries if "'organisations:" in q["sql"]]) == 1


def test_the_public_page_shows_the_statements_as_signed_kept_or_rendered(client, with_evidence, settings):
    kept = [client.get(with_evidence.get_absolute_url()).content for _ in range(2)]
    settings.CORE_FRAGMENTS_KEPT = False
    rendered = client.get(with_evidence.get_absolute_url()).content
    assert kept == [rendered, rendered]
    signed = with_evidence.commitment.statements
    assert f"<li><strong>{signed[0]['title']}.</strong> {signed[0]['text']}</li>".encode() in rendered


def test_the_public_page_shows_statements_signed_again_at_once(client, with_evidence):
    from organisations.models import EmployerCommitment

    page = with_evidence.get_absolute_url()
    signed = with_evidence.commitment.statements
    assert signed[0]["text"] in client.get(page).content.decode()
    signed[0]["text"] = "We recruit for values, and say how in every advert."
    EmployerCommitment.objects.filter(pk=with_evidence.commitment.pk).update(statements=signed)
    assert "We recruit for values, and say how in every advert." in client.get(page).content.decode()


def test_the_public_page_compiles_no_sql_once_seen(client, with_evidence, committed, monkeypatch):
    """Its organisation and its evidence are kept queries (core/queries.py): the next
    employer's page runs the same SQL with its own values."""
    from django.db.models.sql.compiler import SQLCompiler

    assert client.get(with_evidence.get_absolute_url()).status_code == 200
    compiles = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiles.append(1) or original(self, *a, **k))
    html = client.get(committed.get_absolute_url()).content.decode()
    assert committed.name in html and "has not published any evidence" in html
    assert CLEAN in client.get(with_evidence.get_absolute_url()).content.decode()
    assert compiles == []


def test_the_public_page_says_when_nothing_is_published(client, committed):
    html = client.get(committed.get_absolute_url()).content.decode()
    assert "has not published any evidence" in html


def test_the_impact_page_shows_the_national_figures_from_kept_totals(
    client, with_evidence, django_assert_max_num_queries
):
    client.get(reverse("organisations:impact"))
    # The kept totals and the latest evidence; the statements' titles are kept a few seconds.
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(2):
        response = client.get(reverse("organisations:impact"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "Employers' tasks under each statement" in html
    assert "5</span> tasks overdue" in html
    assert CLEAN in html and "Private: see the HR file." not in html
    assert "counts of employers' tasks, not of people" in html
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"] and "commitmenttask" in q["sql"]]


def test_the_impact_page_names_a_retitled_statement_within_seconds(client, with_evidence, settings):
    from organisations.models import Statement

    settings.ORGANISATIONS_STATEMENT_TITLES_SECONDS = 0.3
    assert "1. Recruit for values" in client.get(reverse("organisations:impact")).content.decode()
    Statement.objects.filter(audience="employer", number=1).update(title="Recruit for values and care")
    assert "1. Recruit for values<" in client.get(reverse("organisations:impact")).content.decode()  # kept
    time.sleep(0.35)
    assert "1. Recruit for values and care" in client.get(reverse("organisations:impact")).content.decode()


def test_the_impact_page_is_the_same_with_titles_and_evidence_cards_kept_or_not(client, with_evidence, settings):
    kept = [client.get(reverse("organisations:impact")).content for _ in range(2)]
    settings.ORGANISATIONS_STATEMENT_TITLES_SECONDS = 0
    settings.CORE_FRAGMENTS_KEPT = False
    rendered = client.get(reverse("organisations:impact")).content
    assert kept == [rendered, rendered]
    assert f'<a href="{with_evidence.get_absolute_url()}"><bdi>Birch House</bdi></a>, statement 1'.encode() in rendered


def test_the_impact_figures_are_open_data_as_csv_and_json(client, with_evidence):
    response = client.get(reverse("organisations:impact-csv"))
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "statement,title,tasks_chosen,tasks_done,tasks_overdue,tasks_not_yet_due"
    assert lines[1] == "1,Recruit for values,1,1,0,0"
    assert lines[-1] == "all,All statements,7,2,5,0"
    data = json.loads(client.get(reverse("organisations:impact-json")).content)
    assert data["employers_committed"] == 1 and data["evidence_published"] == 1
    assert data["statements"][2] == {
        "statement": 3,
        "title": "Learning and development on time",
        "tasks_chosen": 1,
        "tasks_done": 0,
        "tasks_overdue": 1,
        "tasks_not_yet_due": 0,
    }
    open_data = client.get(reverse("pledges:open_data")).content.decode()
    assert reverse("organisations:impact-csv") in open_data and reverse("organisations:impact-json") in open_data


def test_the_programme_and_pledge_impact_pages_link_to_it(client, committed):
    assert reverse("organisations:impact") in client.get(reverse("organisations:index")).content.decode()


# --- the representative's pages, per persona ----------------------------------------------


def evidence_url(organisation, task):
    return reverse("organisations:task-evidence", args=[organisation.slug, task.pk])


def test_marking_done_and_publishing_with_a_phone_number_shows_the_error_and_keeps_the_words(
    client, org_rep, committed
):
    task = first_task(committed)
    client.force_login(org_rep)
    url = reverse("organisations:task-done", args=[committed.slug, task.pk])
    response = client.post(url, {"evidence": WITH_PHONE, "publish": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html and "The evidence must not include a phone number" in html
    assert "01392 496123" in html  # what they typed, kept
    task.refresh_from_db()
    assert task.done_at is None
    response = client.post(url, {"evidence": CLEAN, "publish": "on"})
    assert response.status_code == 302
    assert CLEAN in client.get(committed.get_absolute_url()).content.decode()


def test_the_representative_publishes_from_the_dashboard_and_takes_it_down(client, org_rep, committed):
    task = first_task(committed)
    services.commitment_task_done(task=task, user=org_rep, evidence=WITH_PHONE)
    client.force_login(org_rep)
    dashboard = client.get(reverse("organisations:dashboard", args=[committed.slug])).content.decode()
    assert evidence_url(committed, task) in dashboard and "Publish the evidence" in dashboard
    page = client.get(evidence_url(committed, task)).content.decode()
    assert "01392 496123" in page  # the private note, to edit before publishing
    response = client.post(evidence_url(committed, task), {"action": "publish", "evidence": WITH_PHONE})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "must not include a phone number" in html
    assert 'aria-describedby="id_evidence-hint id_evidence-error"' in html or "id_evidence-error" in html
    assert WITH_PHONE in html
    response = client.post(evidence_url(committed, task), {"action": "publish", "evidence": CLEAN})
    assert response.status_code == 302
    assert CLEAN in client.get(committed.get_absolute_url()).content.decode()
    assert (
        "Change or take down" in client.get(reverse("organisations:dashboard", args=[committed.slug])).content.decode()
    )
    response = client.post(evidence_url(committed, task), {"action": "unpublish"})
    assert response.status_code == 302
    assert CLEAN not in client.get(committed.get_absolute_url()).content.decode()


def test_the_evidence_page_is_for_the_organisations_representatives_only(
    client, org_rep, other_rep, programme_admin, committed
):
    task = first_task(committed)
    services.commitment_task_done(task=task, user=org_rep, evidence=CLEAN)
    url = evidence_url(committed, task)
    response = client.get(url)
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    for person in (other_rep, programme_admin):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "publish", "evidence": CLEAN}).status_code == 403
    task.refresh_from_db()
    assert task.evidence_published_at is None


def test_a_task_not_yet_done_has_no_evidence_page(client, org_rep, committed):
    client.force_login(org_rep)
    assert client.get(evidence_url(committed, first_task(committed))).status_code == 404


def test_the_admin_dashboard_shows_the_commitment_figures(client, programme_admin, org_rep, with_evidence):
    client.force_login(programme_admin)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "Social Care Commitment in practice" in html
    assert "employers&#x27; tasks chosen" in html or "employers' tasks chosen" in html
    assert "with evidence published" in html
    client.force_login(org_rep)
    assert client.get(reverse("dashboard:index")).status_code == 403


def test_demo_data_has_done_tasks_published_evidence_and_overdue_ones(client):
    from io import StringIO

    from accounts import demo as accounts_demo
    from organisations import demo

    accounts_demo.load(StringIO())
    UserFactory(email="root@demo.example", is_superuser=True, is_staff=True)
    demo.load(StringIO())
    demo.load(StringIO())  # twice: nothing more done, published or counted
    figures = commitment_task_figures()
    assert figures["totals"]["done"] >= 10 and figures["totals"]["overdue"] >= 10
    assert all(row["chosen"] for row in figures["rows"])
    assert 5 <= figures["evidence_published"] < figures["totals"]["done"]
    assert counters_recount(prefixes=["organisations:"], dry_run=True) == {}
    html = client.get(reverse("organisations:impact")).content.decode()
    assert "Evidence employers have published" in html and "No employer has published" not in html


def test_the_task_keys_are_under_the_programme_prefix_and_name_their_organisation():
    assert keys.commitment_tasks("done", 3, 7) == "organisations:7:tasks:done:statement:3"
    assert keys.commitment_tasks("overdue", 3) == "organisations:tasks:overdue:statement:3"
    assert keys.organisation_of(keys.commitment_tasks("chosen", 1, 7)) == 7
    assert keys.organisation_of(keys.commitment_tasks("chosen", 1)) is None
    assert keys.EVIDENCE_PUBLISHED.startswith(keys.PREFIX)
    with pytest.raises(ValueError):
        keys.commitment_tasks("lost", 1)
