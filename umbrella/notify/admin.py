"""Admin: read-mostly views of events and deliveries for operators."""

from django.contrib import admin

from umbrella.notify.models import ContactPoint, Delivery, Event, PushSubscription


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "event_type", "alarm_id", "tier", "created_at"]
    list_filter = ["event_type"]
    # The payload is what responders see; editing history would falsify it.
    readonly_fields = ["event_type", "alarm_id", "owner", "tier", "payload", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "channel", "status", "attempt", "duration_ms", "created_at"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["event", "recipient", "push_subscription", "contact_point"]
    readonly_fields = ["error", "duration_ms", "sent_at", "claimed_by", "lease_until"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "language", "created_at", "last_success_at", "failures"]
    raw_id_fields = ["user"]


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin):
    # The value is not listed: a list page is the easiest place to leak numbers from.
    list_display = ["id", "user", "kind", "verified", "language", "created_at"]
    list_filter = ["kind", "verified"]
    raw_id_fields = ["user"]
