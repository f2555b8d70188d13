from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "umbrella.accounts"
    label = "accounts"
    verbose_name = _("People and organisations")

    def ready(self):
        # Connects the sign-in and sign-out receivers (the sessions she can be told about).
        from umbrella.accounts import actions  # noqa: F401
