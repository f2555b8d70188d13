"""Builders of the service-feedback tests: services, answers, staff with certificates."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import OrganisationKind, Role
from umbrella.directory import actions as directory_actions
from umbrella.directory.models import Category, Organization, Service
from umbrella.training.models import Certificate, ServiceFeedback
from umbrella.training.tests.factories import make_course

_serial = count(1)


def accounts_organisation(name: str = ""):
    return accounts_actions.ensure_organisation(
        name or f"Public service {next(_serial)} (test)", OrganisationKind.PUBLIC_SERVICE
    )


def service(accounts_org=None, *, name_en: str = "", **fields) -> Service:
    n = next(_serial)
    org = Organization(
        name=f"Organisation {n}", slug=f"fb-org-{n}", accounts_organisation=accounts_org
    )
    directory_actions.save_entry(org)
    fields.setdefault("category", Category.SOCIAL_SERVICES)
    svc = Service(organization=org, name_en=name_en or f"Service {n}", **fields)
    directory_actions.save_entry(svc)
    return svc


def answers(svc: Service, week: date, n: int, **values) -> list[ServiceFeedback]:
    """Store ``n`` answers about ``svc`` in the week of ``week`` (default: all good)."""
    values = {"respect": "yes", "real_name": "no", "refused": "no", **values}
    return ServiceFeedback.objects.bulk_create(
        ServiceFeedback(service=svc, week_of=week, **values) for _ in range(n)
    )


def staff(accounts_org, total: int, certified: int, at: datetime) -> None:
    """Give ``accounts_org`` ``total`` members, ``certified`` of them with a valid certificate."""
    from umbrella.training.courses.queries import stigma_course

    course = stigma_course() or make_course(modules=1, questions=1, per_quiz=1)
    for i in range(total):
        n = next(_serial)
        user = accounts_actions.create_account(f"staff-member-{n}", Role.SERVICE_STAFF)
        accounts_actions.add_membership(user, accounts_org)
        if i < certified:
            Certificate.objects.create(
                user=user,
                course=course,
                code=f"CODE{n:08d}",
                holder_name=f"Member {n}",
                issued_at=at - timedelta(days=30),
                valid_until=at + timedelta(days=700),
                refresher_due_at=at + timedelta(days=600),
            )
