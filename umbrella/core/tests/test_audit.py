from django.utils import timezone

from umbrella.core.audit import reads_of, record_read
from umbrella.core.models import AuditAction


def test_record_read_names_who_what_when_and_why(personas):
    now = timezone.now()
    record_read(personas.responder, personas.worker, "test reason", now)
    (entry,) = reads_of(personas.worker)
    assert entry.actor == personas.responder
    assert entry.action == AuditAction.READ
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(personas.worker.pk))
    assert (entry.at, entry.detail) == (now, "test reason")
