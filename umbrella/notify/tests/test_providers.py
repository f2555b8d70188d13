"""TwilioProvider at its HTTP seam (httpx.MockTransport) and the provider setting."""

import json
from urllib.parse import parse_qs

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured

from umbrella.notify import providers
from umbrella.notify.providers import ConsoleProvider, ProviderError, TwilioProvider

SID, TOKEN, FROM = "AC123", "secret-token", "+3228880000"


def twilio(handler) -> tuple[TwilioProvider, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    client = httpx.Client(transport=httpx.MockTransport(record))
    return TwilioProvider(SID, TOKEN, FROM, client=client), seen


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def test_sms_posts_a_form_to_messages_json_with_basic_auth():
    provider, seen = twilio(lambda r: httpx.Response(201, json={"sid": "SM1"}))
    assert provider.send_sms("+32470123456", "Umbrella: an alarm needs you.") == "SM1"
    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.headers["Authorization"].startswith("Basic ")
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(request) == {
        "To": "+32470123456",
        "From": FROM,
        "Body": "Umbrella: an alarm needs you.",
    }


def test_voice_posts_escaped_twiml_in_the_recipients_language():
    provider, seen = twilio(lambda r: httpx.Response(201, json={"sid": "CA1"}))
    assert provider.call("+32470123456", "Alarm <now> & here", "fr") == "CA1"
    (request,) = seen
    assert str(request.url).endswith(f"/Accounts/{SID}/Calls.json")
    twiml = form(request)["Twiml"]
    assert twiml.startswith('<Response><Say language="fr-FR">Alarm &lt;now&gt; &amp; here</Say>')
    assert twiml.count("<Say") == 2


@pytest.mark.parametrize(
    ("status", "body", "permanent"),
    [
        (400, {"code": 21211, "message": "Invalid 'To' Phone Number"}, True),
        (429, {"code": 20429, "message": "Too Many Requests"}, False),
        (500, None, False),
        (401, {"code": 20003, "message": "Authenticate"}, False),
    ],
)
def test_errors_say_whether_a_retry_can_help(status, body, permanent):
    def answer(request):
        if body is None:
            return httpx.Response(status, text="<html>oops</html>")
        return httpx.Response(status, content=json.dumps(body))

    provider, _seen = twilio(answer)
    with pytest.raises(ProviderError) as caught:
        provider.send_sms("+32470123456", "x")
    assert caught.value.permanent is permanent
    assert str(status) in str(caught.value)


def test_a_network_failure_is_a_retryable_error():
    def fail(request):
        raise httpx.ConnectTimeout("timed out", request=request)

    provider, _seen = twilio(fail)
    with pytest.raises(ProviderError) as caught:
        provider.call("+32470123456", "x", "en")
    assert caught.value.permanent is False


def test_the_setting_chooses_the_provider(settings):
    settings.SMS_PROVIDER = "console"
    assert isinstance(providers.get_provider(), ConsoleProvider)
    providers.get_provider.cache_clear()
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM = SID, TOKEN, FROM
    assert isinstance(providers.get_provider(), TwilioProvider)
    providers.get_provider.cache_clear()
    settings.TWILIO_AUTH_TOKEN = ""
    with pytest.raises(ImproperlyConfigured):
        providers.get_provider()
    providers.get_provider.cache_clear()
    settings.SMS_PROVIDER = "pigeon"
    with pytest.raises(ImproperlyConfigured):
        providers.get_provider()
    providers.get_provider.cache_clear()


def test_twilio_api_url_chooses_the_edge(settings):
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM = SID, TOKEN, FROM
    providers.get_provider.cache_clear()
    assert providers.get_provider().base_url == "https://api.twilio.com/2010-04-01"
    providers.get_provider.cache_clear()
    settings.TWILIO_API_URL = "https://api.dublin.ie1.twilio.com/2010-04-01/"
    try:
        assert providers.get_provider().base_url == "https://api.dublin.ie1.twilio.com/2010-04-01"
    finally:
        providers.get_provider.cache_clear()
