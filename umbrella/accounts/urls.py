from django.contrib.auth import views as auth_views
from django.urls import path

from umbrella.accounts import views
from umbrella.accounts.models import Role

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.account, name="account"),
    path("me/advanced/", views.advanced, name="advanced"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("staff/", views.staff_login, name="staff_login"),
    path("staff/start/", views.StaffSignInStartView.as_view(), name="oidc_start"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, {"role": Role.SEX_WORKER}, name="signup"),
    path("signup/resident/", views.signup, {"role": Role.RESIDENT}, name="signup_resident"),
    path("recover/", views.recover, name="recover"),
    path("recovery-codes/", views.regenerate_codes, name="regenerate_codes"),
    path("passphrase/", views.PassphraseChangeView.as_view(), name="passphrase_change"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("two-step/", views.two_step, name="two_step"),
    path("two-step/setup/", views.totp_setup, name="totp_setup"),
]
