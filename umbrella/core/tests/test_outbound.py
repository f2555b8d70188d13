"""core/outbound.py: the one way out for addresses someone typed (issue 15, finding 4)."""

from __future__ import annotations

import httpx
import pytest

from umbrella.core import outbound
from umbrella.core.outbound import OutboundRefused


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2a00:1450:4001:80b::200e", True),
        ("::ffff:93.184.215.14", True),
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 -- an address judged, nothing bound
        ("255.255.255.255", False),
        ("224.0.0.1", False),
        ("192.0.2.1", False),  # documentation
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fd12:3456::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:169.254.169.254", False),
        ("2002:7f00:1::1", False),  # 6to4 around 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 around 10.0.0.1
        ("ff02::1", False),
    ],
)
def test_only_global_unicast_addresses_are_public(address, public):
    assert outbound.is_public(address) is public


def test_host_patterns():
    patterns = ["fcm.googleapis.com", "*.notify.windows.com"]
    assert outbound.host_allowed("fcm.googleapis.com", patterns)
    assert outbound.host_allowed("FCM.googleapis.com.", patterns)
    assert outbound.host_allowed("wns2-par02p.notify.windows.com", patterns)
    assert not outbound.host_allowed("notify.windows.com", patterns)
    assert not outbound.host_allowed("evilnotify.windows.com", patterns)
    assert not outbound.host_allowed("fcm.googleapis.com.evil.example", patterns)
    assert not outbound.host_allowed("x.fcm.googleapis.com", patterns)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example/in",
        "ftp://hooks.example/in",
        "https://user:pw@hooks.example/in",
        "https://hooks.example@evil.example/in",
        "https:///in",
        "https://hooks.example:99999/in",
        "https://hooks.example/in put",
        "file:///etc/passwd",
    ],
)
def test_only_plain_https_urls_pass(url):
    with pytest.raises(OutboundRefused):
        outbound.check_url(url)


def test_a_url_passes_with_its_host_and_port():
    assert outbound.check_url("https://hooks.example/in") == ("hooks.example", 443)
    assert outbound.check_url("https://hooks.example:8443/in") == ("hooks.example", 8443)
    with pytest.raises(OutboundRefused, match="not a known push service"):
        outbound.check_url("https://hooks.example/in", hosts=["fcm.googleapis.com"])


@pytest.fixture
def sent(monkeypatch):
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(302, headers={"Location": "https://127.0.0.1/"})

    outbound.set_client(httpx.Client(transport=httpx.MockTransport(answer), follow_redirects=True))
    yield requests
    outbound.set_client(None)


def test_the_connection_goes_to_the_checked_address_and_no_redirect_is_followed(monkeypatch, sent):
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])  # a rebinding name
    monkeypatch.setattr(outbound, "resolve", lambda host, port: next(answers))
    response = outbound.request("POST", "https://hooks.example:8443/in?x=1", content=b"{}")
    assert response.status_code == 302  # an answer, not followed (even by a client that would)
    (request,) = sent
    assert str(request.url) == "https://93.184.215.14:8443/in?x=1"
    assert request.headers["Host"] == "hooks.example:8443"
    assert request.extensions["sni_hostname"] == "hooks.example"


def test_an_ipv6_address_is_bracketed(monkeypatch, sent):
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["2a00:1450:4001:80b::200e"])
    outbound.request("POST", "https://hooks.example/in")
    assert sent[0].url.host == "2a00:1450:4001:80b::200e"
    assert sent[0].headers["Host"] == "hooks.example"


@pytest.mark.parametrize(
    "addresses", [["127.0.0.1"], ["93.184.215.14", "10.0.0.1"], [], OSError("no name")]
)
def test_a_name_that_does_not_resolve_to_public_addresses_only_is_refused(
    monkeypatch, sent, addresses
):
    def resolve(host, port):
        if isinstance(addresses, Exception):
            raise addresses
        return addresses

    monkeypatch.setattr(outbound, "resolve", resolve)
    with pytest.raises(OutboundRefused):
        outbound.request("POST", "https://hooks.example/in")
    assert sent == []


def test_a_literal_private_address_is_refused(sent):
    for url in ("https://127.0.0.1/", "https://[::1]/", "https://169.254.169.254/latest/"):
        with pytest.raises(OutboundRefused):
            outbound.request("GET", url)
    assert sent == []


def test_the_real_resolver_refuses_localhost():
    with pytest.raises(OutboundRefused, match="not public"):
        outbound.public_address("localhost", 443)
