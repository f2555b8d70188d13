from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from umbrella.accounts import actions as account_actions
from umbrella.accounts import enrolment
from umbrella.accounts.models import (
    ApiToken,
    Membership,
    Organisation,
    ProviderIdentity,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


class ProviderIdentityInline(admin.TabularInline):
    """Link a staff member to the provider's subject, or stop (untick) or remove a link."""

    model = ProviderIdentity
    extra = 0
    fields = ["issuer", "subject", "confirmed", "created_at", "last_sign_in_at"]
    readonly_fields = ["created_at", "last_sign_in_at"]


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ["username", "role", "is_active", "two_factor_exempt", "date_joined"]
    list_filter = ["role", "is_active", "two_factor_exempt", "is_staff", "is_superuser"]
    search_fields = ["username"]
    ordering = ["username"]
    # The exemption exists for demo accounts only; the demo command sets it.
    readonly_fields = ["two_factor_exempt", "last_login", "date_joined"]
    inlines = [MembershipInline, ProviderIdentityInline]
    actions = ["issue_enrolment_code"]
    fieldsets = [
        (None, {"fields": ["username", "password", "role"]}),
        (
            _("Contact (staff only; sex workers and residents stay pseudonymous)"),
            {"fields": ["first_name", "last_name", "email"], "classes": ["collapse"]},
        ),
        (
            _("Access"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "two_factor_exempt",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "role", "usable_password", "password1", "password2"],
            },
        ),
    ]

    @admin.action(description=_("Issue a two-step enrolment code"))
    def issue_enrolment_code(self, request, queryset):
        """Show each selected staff member's new one-time code, once (only its digest is kept)."""
        now = timezone.now()
        for person in queryset:
            if not person.requires_two_factor():
                self.message_user(
                    request,
                    _("%(name)s does not use two-step verification.") % {"name": person},
                    messages.WARNING,
                )
                continue
            code, text = enrolment.issue_enrolment_code(person, now, issued_by=request.user)
            self.message_user(
                request,
                _(
                    "Enrolment code for %(name)s: %(code)s (valid until %(until)s, once). "
                    "Give it to them in person or by phone."
                )
                % {
                    "name": person,
                    "code": text,
                    "until": formats.date_format(
                        timezone.localtime(code.expires_at), "DATETIME_FORMAT"
                    ),
                },
                messages.SUCCESS,
            )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "nis_code", "zone_code"]
    list_filter = ["kind"]
    search_fields = ["name", "nis_code", "zone_code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "on_duty"]
    list_filter = ["role", "on_duty", "organisation__kind"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


# key_hash is left out on purpose: a digest helps nobody here.
_TOKEN_FIELDS = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by the API or the tokens page; here they can only be revoked."""

    list_display = ["prefix", "user", "name", "created_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "prefix", "name"]
    fields = _TOKEN_FIELDS
    readonly_fields = _TOKEN_FIELDS
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        now = timezone.now()
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            account_actions.revoke_token(token, now)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
