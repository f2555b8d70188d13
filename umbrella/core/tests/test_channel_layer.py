"""The channel layer: in memory by default, Redis when REDIS_URL is set."""

import asyncio
import os
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.layers import get_channel_layer
from django.conf import settings

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            return True
    except OSError:
        return False


def test_default_layer_is_in_memory_and_fans_out_to_a_group():
    layer = get_channel_layer()
    assert type(layer).__name__ == "InMemoryChannelLayer"

    async def roundtrip():
        channel = await layer.new_channel()
        await layer.group_add("responders-test", channel)
        await layer.group_send("responders-test", {"type": "alarm.raised", "id": 1})
        return await asyncio.wait_for(layer.receive(channel), 2)

    # A fresh thread: a browser test may leave Playwright's loop running here.
    with ThreadPoolExecutor(1) as pool:
        message = pool.submit(asyncio.run, roundtrip()).result(timeout=10)
    assert message == {"type": "alarm.raised", "id": 1}


PROBE = """
import asyncio, django
django.setup()
from channels.layers import get_channel_layer
layer = get_channel_layer()
async def main():
    channel = await layer.new_channel()
    await layer.group_add("umbrella-probe", channel)
    await layer.group_send("umbrella-probe", {"type": "probe.message", "n": 42})
    message = await asyncio.wait_for(layer.receive(channel), 5)
    print(type(layer).__name__, message["n"])
asyncio.run(main())
"""

# Two installs on one Redis server: each listens on the same group name while
# the other sends to it; each hears only its own message.
PREFIX_PROBE = """
import asyncio, django
django.setup()
from channels.layers import get_channel_layer
layer = get_channel_layer()
async def main():
    channel = await layer.new_channel()
    await layer.group_add("umbrella-shared", channel)
    print("joined", flush=True)
    input()  # both installs have joined
    await layer.group_send("umbrella-shared", {"type": "probe.message", "sender": PREFIX})
    heard = [await asyncio.wait_for(layer.receive(channel), 5)]
    try:
        heard.append(await asyncio.wait_for(layer.receive(channel), 1))
    except asyncio.TimeoutError:
        pass
    print(*[message["sender"] for message in heard])
asyncio.run(main())
"""


def test_redis_url_selects_the_redis_layer_and_it_delivers():
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis must answer on 127.0.0.1:6379 in CI.")
        pytest.skip("No Redis on 127.0.0.1:6379 on this machine (CI always has one).")
    env = dict(os.environ, REDIS_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/0")
    env["DJANGO_SETTINGS_MODULE"] = "umbrella.settings"
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisPubSubChannelLayer", "42"]


def test_two_installs_sharing_one_redis_server_do_not_hear_each_other():
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis must answer on 127.0.0.1:6379 in CI.")
        pytest.skip("No Redis on 127.0.0.1:6379 on this machine (CI always has one).")
    installs = {}
    for prefix in ("umbrella-staging", "umbrella-production"):
        env = dict(os.environ, REDIS_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/0",
                   REDIS_PREFIX=prefix, DJANGO_SETTINGS_MODULE="umbrella.settings")  # fmt: skip
        installs[prefix] = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-c", f"PREFIX = {prefix!r}\n" + PREFIX_PROBE],
            env=env, cwd=settings.BASE_DIR, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
    try:
        for process in installs.values():
            assert process.stdout.readline().strip() == "joined", process.stderr.read()
        for process in installs.values():
            process.stdin.write("\n")
            process.stdin.flush()
        heard = {prefix: process.communicate(timeout=60) for prefix, process in installs.items()}
    finally:
        for process in installs.values():
            process.kill()
    for prefix, (out, err) in heard.items():
        assert out.split() == [prefix], err
