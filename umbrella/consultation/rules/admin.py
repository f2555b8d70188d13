"""Admin: the municipalities of the rules monitor and their rules."""

from django.contrib import admin

from umbrella.consultation.rules.models import MunicipalityRecord, MunicipalRule


class RuleInline(admin.StackedInline):
    model = MunicipalRule
    extra = 0


@admin.register(MunicipalityRecord)
class MunicipalityRecordAdmin(admin.ModelAdmin):
    list_display = ("nis_code", "name_fr", "name_nl", "no_rule_known", "to_verify")
    list_filter = ("no_rule_known", "to_verify")
    inlines = (RuleInline,)


@admin.register(MunicipalRule)
class MunicipalRuleAdmin(admin.ModelAdmin):
    list_display = ("municipality", "kind", "title_en", "status", "date", "to_verify")
    list_filter = ("kind", "status", "to_verify")
