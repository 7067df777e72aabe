"""Demo data for make run. Idempotent: running it twice adds nothing new.

Rows are made through the services, so the kept counters are right without a recount.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.choices import JobRole, Region
from accounts.demo import DEMO_PASSWORD, demo_users

from . import services
from .models import Audience, Membership, Organisation, Statement

T = Organisation.Type
S = Organisation.Size

# (name, type, cqc id, ods code, town, region, size, verified, commitment age in days or None, representative index)
ORGANISATIONS = [
    ("Oak Lodge Care Home", T.CARE_HOME, "1-101234567", "", "Exeter", Region.SOUTH_WEST, S.SMALL, True, 40, 8),
    ("Fenland Home Care", T.HOME_CARE, "1-102345678", "", "Wisbech", Region.EAST_OF_ENGLAND, S.MEDIUM, True, 200, 10),
    (
        "Pennine Lodge Nursing Home",
        T.CARE_HOME_NURSING,
        "1-103456789",
        "",
        "Burnley",
        Region.NORTH_WEST,
        S.MEDIUM,
        True,
        430,
        19,
    ),
    ("Lagan View Care Home", T.CARE_HOME, "1-104567890", "", "Belfast", Region.NORTHERN_IRELAND, S.SMALL, True, 350, 6),
    (
        "Riverside Supported Living",
        T.SUPPORTED_LIVING,
        "1-1056789012",
        "",
        "Leeds",
        Region.NORTH_EAST_AND_YORKSHIRE,
        S.MICRO,
        True,
        None,
        9,
    ),
    ("Castle Street Surgery", T.GP_PRACTICE, "", "M85001", "Dudley", Region.MIDLANDS, S.SMALL, True, 90, 3),
    ("Gwynedd Day Opportunities", T.DAY_SERVICE, "", "", "Bangor", Region.WALES, S.MICRO, True, 500, 13),
    ("Shropshire Community Health", T.NHS_TRUST, "", "R1D", "Shrewsbury", Region.MIDLANDS, S.LARGE, True, 20, 20),
    (
        "Thames Reach Home Support",
        T.HOME_CARE,
        "1-107890123",
        "",
        "Reading",
        Region.SOUTH_EAST,
        S.SMALL,
        False,
        None,
        17,
    ),
    (
        "Harbour View Care",
        T.CARE_HOME_NURSING,
        "1-108901234",
        "",
        "Plymouth",
        Region.SOUTH_WEST,
        S.MEDIUM,
        False,
        None,
        14,
    ),
]

ASSISTED = [("Marta Kowalska", JobRole.CARE_WORKER), ("Joseph Mensah", JobRole.CATERER), ("Ann Pryce", JobRole.CLEANER)]


# What the demo employers wrote as evidence, by statement; every other note is published.
EVIDENCE = {
    1: "Every interview now has three questions about kindness and respect, agreed with two people who live here.",
    2: "New starters shadow a named buddy for their first four weeks. The induction plan is kept in each staff file.",
    3: "The training record is checked each quarter at the team meeting; gaps are booked within a month.",
    4: "All care workers started the Care Certificate within twelve weeks of joining; progress is on the rota board.",
    5: "Equality and dignity training for every team, and a values section added to supervision notes.",
    6: "Observations of practice twice a year with written feedback, kept with each supervision record.",
    7: "Staff chose one task each from their own commitment and we gave paid time to do it.",
}


def _chosen(audience: str, committed_on, per_statement: int = 1) -> list[services.ChosenTask]:
    statement_set = services.statement_set_current()
    chosen = []
    for n, statement in enumerate(
        Statement.objects.filter(statement_set=statement_set, audience=audience).prefetch_related("tasks")
    ):
        for i, task in enumerate(list(statement.tasks.all())[:per_statement]):
            target = committed_on + timedelta(days=30 + 45 * n + 20 * i) if audience == Audience.EMPLOYER else None
            chosen.append(services.ChosenTask(task_id=task.pk, target_date=target))
    return chosen


def load(stdout) -> None:
    people = demo_users()
    if len(people) < 21:
        stdout.write("organisations: demo people missing; load accounts first")
        return
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    today = timezone.localdate()
    made = 0
    for name, type_, cqc, ods, town, region, size, verified, age, rep_index in ORGANISATIONS:
        rep = people[rep_index]
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = services.organisation_register(
                user=rep,
                name=name,
                type=type_,
                cqc_provider_id=cqc,
                ods_code=ods,
                town=town,
                region=region,
                size=size,
                website=f"https://www.{name.lower().replace(' ', '')}.example",
            )
            made += 1
            if not verified:
                # Registered a while ago, so the "waiting for verification" reminder has something to find.
                Organisation.objects.filter(pk=organisation.pk).update(created_at=timezone.now() - timedelta(days=5))
        if verified and not organisation.is_verified and admin:
            services.organisation_verify(organisation=organisation, admin=admin)
            organisation.refresh_from_db()
        if age is not None and not hasattr(organisation, "commitment"):
            committed_on = today - timedelta(days=age)
            commitment = services.employer_commit(
                organisation=organisation,
                user=rep,
                chosen=_chosen(Audience.EMPLOYER, committed_on, 2),
                signatory_name=rep.display_name,
                signatory_job_title="Registered manager",
                today=committed_on,
            )
            # Older commitments have some tasks already done, half with their evidence published;
            # the rest past their date stay overdue.
            past = list(commitment.tasks.filter(target_date__lt=today))
            wanted = max(1, age // 60)
            # Spread over the statements rather than the first few.
            for n, task in enumerate(past[:: max(1, len(past) // wanted)][:wanted]):
                services.commitment_task_done(
                    task=task, user=rep, evidence=EVIDENCE.get(task.statement_number, EVIDENCE[1]), publish=n % 2 == 0
                )
    oak = Organisation.objects.get(name="Oak Lodge Care Home")
    champion = people[19]  # Uzma Ali
    Membership.objects.get_or_create(organisation=oak, user=champion, defaults={"role": Membership.Role.CHAMPION})
    for person in (people[6], people[10], people[1]):
        if not person.employee_commitments.filter(organisation=oak).exists():
            services.employee_commit(organisation=oak, user=person, chosen=_chosen(Audience.EMPLOYEE, today))
    for name, role in ASSISTED:
        if not oak.employee_commitments.filter(name=name).exists():
            services.champion_record_commitment(
                organisation=oak,
                champion=champion,
                name=name,
                job_role=role,
                chosen=_chosen(Audience.EMPLOYEE, today)[:3],
            )
    overdue = services.commitment_tasks_overdue_rollup()
    # The pledges and Care Makers demos, loaded next, name some of these organisations.
    stdout.write(f"Organisations: {made} added, {overdue} tasks newly overdue")
    stdout.write(
        f"Demo representative (Oak Lodge Care Home): {people[8].email} / password: {DEMO_PASSWORD}; "
        f"champion: {champion.email}"
    )
