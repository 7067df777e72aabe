from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from accounts.choices import Region
from organisations import services
from organisations.models import Audience, Membership, Organisation, Statement

_cqc = count(101000001)


def ensure_statements() -> None:
    """Put back the statements the data migration loads, if a transactional test's flush removed them."""
    import importlib

    from django.apps import apps

    from organisations.models import StatementSet

    if not StatementSet.objects.filter(version=1).exists():
        importlib.import_module("organisations.migrations.0002_statements_v1").load(apps, None)


def next_cqc_id() -> str:
    return f"1-{next(_cqc)}"


def make_organisation(
    *,
    rep=None,
    verified=True,
    name=None,
    type=Organisation.Type.CARE_HOME,
    region=Region.SOUTH_WEST,
    town="Exeter",
    **extra,
) -> Organisation:
    from organisations.regulators import nation_for_region

    n = next(_cqc)
    nation = extra.setdefault("nation", nation_for_region(region))
    cqc = extra.pop("cqc_provider_id", None)
    if cqc is None:
        cqc = f"1-{n}" if type in Organisation.CQC_REGISTERED and nation == "england" else ""
    if nation != "england" and type in Organisation.CQC_REGISTERED:
        extra.setdefault("regulator_id", f"X{n}")
    organisation = Organisation.objects.create(
        name=name or f"Test Care Home {n}",
        slug=f"test-care-home-{n}",
        type=type,
        cqc_provider_id=cqc,
        town=town,
        region=region,
        size=Organisation.Size.SMALL,
        verified_at=timezone.now() if verified else None,
        **extra,
    )
    if rep is not None:
        Membership.objects.create(organisation=organisation, user=rep, role=Membership.Role.REPRESENTATIVE)
    return organisation


def statements(audience=Audience.EMPLOYER):
    return list(
        Statement.objects.filter(statement_set=services.statement_set_current(), audience=audience).prefetch_related(
            "tasks"
        )
    )


def one_task_each(audience=Audience.EMPLOYER, target: date | None = None) -> list[services.ChosenTask]:
    target = target or (timezone.localdate() + timedelta(days=60))
    return [
        services.ChosenTask(task_id=s.tasks.all()[0].pk, target_date=target if audience == Audience.EMPLOYER else None)
        for s in statements(audience)
    ]


def commit(organisation, rep, *, today: date | None = None, target: date | None = None):
    today = today or timezone.localdate()
    return services.employer_commit(
        organisation=organisation,
        user=rep,
        chosen=one_task_each(target=target or today + timedelta(days=60)),
        signatory_name="Robin Rep",
        signatory_job_title="Registered manager",
        today=today,
    )
