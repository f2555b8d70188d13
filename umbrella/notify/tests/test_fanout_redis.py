"""Fan-out across processes through Redis: a publisher process, a stream in this one.

On PostgreSQL the other process runs the real ``publish()`` against the test
database (commit, then broadcast); SQLite's test database lives in this
process's memory, so there the other process sends the broadcast alone.
"""

import asyncio
import json
import os
import socket
import sys

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connection

from umbrella.notify.tests.helpers import alarm_payload, open_stream
from umbrella.testing import api_token_for

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = "redis://127.0.0.1:6379/0"

PUBLISHER = """
import json, sys, django
django.setup()
from django.db import transaction
from umbrella.notify import actions, fanout
args = json.loads(sys.argv[1])
if args["mode"] == "publish":
    with transaction.atomic():
        event = actions.publish("alarm.raised", alarm_id=77, owner_id=args["owner"],
            payload=args["payload"], recipient_ids=[args["recipient"]], tier=1)
    print(event.id)
else:
    fanout.broadcast(fanout.event_message(args["id"], "alarm.raised", owner_id=args["owner"],
        recipient_ids=[args["recipient"]], payload=args["payload"]))
    print(args["id"])
"""


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_layer(settings):
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis must answer on 127.0.0.1:6379 in CI.")
        pytest.skip("No Redis on 127.0.0.1:6379 on this machine (CI always has one).")
    settings.REDIS_URL = REDIS_URL
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": settings.REDIS_PREFIX},
        }
    }


def _publisher_env() -> dict:
    env = dict(os.environ, REDIS_URL=REDIS_URL, DJANGO_SETTINGS_MODULE="umbrella.settings")
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER'] or ''}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        )
    return env


def test_an_event_published_in_another_process_reaches_this_processs_stream(
    redis_layer, worker, responder
):
    token = api_token_for(responder)
    mode = "publish" if connection.vendor == "postgresql" else "broadcast"
    args = {
        "mode": mode,
        "id": 10**12,
        "owner": worker.pk,
        "recipient": responder.pk,
        "payload": alarm_payload(77),
    }

    async def scenario():
        # Joined the Redis group (a loaded machine may take more than the default 5 s).
        stream = await open_stream({"Authorization": f"Bearer {token}"}, timeout=30)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", PUBLISHER, json.dumps(args), env=_publisher_env(),
            cwd=settings.BASE_DIR, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, err.decode()
        frame = await stream.next_event(timeout=10)
        await stream.close()
        return int(out.split()[-1]), frame

    event_id, frame = async_to_sync(scenario)()
    assert frame["id"] == str(event_id)
    assert frame["json"]["alarm"]["id"] == 77
