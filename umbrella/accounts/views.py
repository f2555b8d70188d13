from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@login_required
def home(request):
    return render(request, "accounts/home.html")


def ratelimited(request, exception):
    return HttpResponse(_("Too many attempts. Wait a few minutes and try again."), status=429)
