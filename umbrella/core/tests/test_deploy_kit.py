"""deploy/: the Dockerfile, compose.yaml, the Caddyfile and the systemd units, checked as far
as this machine allows: hadolint on the Dockerfile, Caddy's own parser on its configuration,
systemd-analyze on the units, and what each promises (non-root, no compilers, a liveness
check, two web and two worker containers, the stream unbuffered, HSTS, an upload limit).

The images are not built here (no registry of images is reachable). A tool missing outside
CI skips its check; in CI it fails (.ci/run installs Caddy).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"


def tool(name: str, fallback: Path | None = None) -> str:
    found = shutil.which(name) or (str(fallback) if fallback and fallback.exists() else None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is missing in CI: .ci/run (or requirements.lock) must install it.")
    pytest.skip(f"{name} is not installed here")


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603


def stages(dockerfile: str) -> list[str]:
    return re.split(r"(?m)^FROM ", dockerfile)[1:]


# --- Dockerfile ----------------------------------------------------------------------


def test_hadolint_finds_nothing_in_the_dockerfile():
    hadolint = tool("hadolint", Path(sys.executable).parent / "hadolint")
    done = run(hadolint, "--failure-threshold", "style", "--no-color", str(DEPLOY / "Dockerfile"))
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_the_image_is_multi_stage_non_root_without_compilers_and_checks_liveness():
    text = (DEPLOY / "Dockerfile").read_text()
    parts = stages(text)
    assert len(parts) >= 3
    final = parts[-1]
    assert not re.search(r"\bAS \w+", final.splitlines()[0])  # the unnamed runtime stage
    user = re.search(r"(?m)^USER (\d+)(?::(\d+))?$", final)
    assert user and int(user.group(1)) != 0
    for compiler in ("gcc", "build-essential", "g\\+\\+", "clang", "apt-get install", "npm"):
        assert not re.search(compiler, final), f"{compiler} in the runtime stage"
    healthcheck = re.search(r"(?ms)^HEALTHCHECK .*?\n(?=\S)", final).group(0)
    assert "/healthz/live" in healthcheck
    assert "--no-build" in text  # wheels only: no compiler in the build stage either
    assert (DEPLOY / "Dockerfile.dockerignore").exists()


# --- compose.yaml --------------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_runs_postgres_16_redis_7_two_web_two_workers_and_a_proxy():
    services = compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "noeviction" in services["redis"]["command"]
    webs = [name for name, s in services.items() if "serve" in s.get("command", [])]
    workers = [name for name, s in services.items() if s.get("command", [])[-1:] == ["worker"]]
    assert len(webs) == 2 and len(workers) == 2
    for name in webs:
        assert "--no-worker" in services[name]["command"]
        assert services[name]["environment"]["UMBRELLA_ENV"] == "production"
        assert services[name]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
        assert (
            services[name]["depends_on"]["deploy"]["condition"] == "service_completed_successfully"
        )
    for name in workers:
        assert services[name]["healthcheck"] == {"disable": True}
    assert services["deploy"]["command"] == ["python", "manage.py", "deploy"]
    assert services["caddy"]["image"].startswith("caddy:2")
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]
    upstreams = set(re.findall(r"(web-\d):8000", (DEPLOY / "Caddyfile").read_text()))
    assert upstreams == set(webs)


# --- Caddyfile -----------------------------------------------------------------------


def caddy_json(tmp_path) -> dict:
    caddy = tool("caddy")
    # Caddy reads the file under a name of its own choosing: a copy, so nothing is written here.
    config = tmp_path / "Caddyfile"
    config.write_text((DEPLOY / "Caddyfile").read_text())
    done = run(caddy, "validate", "--config", str(config), "--adapter", "caddyfile",
               env={**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path),
                    "XDG_CONFIG_HOME": str(tmp_path)})  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Valid configuration" in done.stdout + done.stderr
    adapted = run(caddy, "adapt", "--config", str(config), "--adapter", "caddyfile")
    assert adapted.returncode == 0, adapted.stderr[-2000:]
    return json.loads(adapted.stdout)


def test_caddy_parses_its_configuration_with_the_stream_unbuffered_hsts_and_a_body_limit(
    tmp_path,
):
    text = json.dumps(caddy_json(tmp_path))
    assert '"flush_interval": -1' in text
    stream = re.search(r'\{[^{}]*"flush_interval": -1', text)
    assert stream
    assert '"/api/v1/alarms/stream"' in text
    assert "max-age=31536000; includeSubDomains; preload" in text
    assert '"max_size": 12000000' in text
    assert '"/metrics"' in text and '"status_code": 404' in text
    assert '"uri": "/healthz"' in text  # readiness takes a web process out of the pool
    assert '"logs"' not in text  # no access log: the proxy keeps no client address


# --- systemd units -------------------------------------------------------------------


def test_systemd_analyze_verifies_the_units(tmp_path):
    analyze = tool("systemd-analyze")
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {unit.name for unit in units} == {"umbrella-web@.service", "umbrella-worker.service"}
    checked = []
    for unit in units:
        # The units assume the checkout in /srv/umbrella and the environment file in
        # /etc/umbrella; here they point at this checkout and an empty file.
        text = unit.read_text().replace("/srv/umbrella", str(ROOT))
        text = text.replace("/etc/umbrella/umbrella.env", os.devnull)
        name = unit.name.replace("@.", "@8000.")
        (tmp_path / name).write_text(text)
        (tmp_path / unit.name).write_text(text)
        checked.append(str(tmp_path / name))
        assert "ExecStart=/srv/umbrella/.venv/bin/python manage.py" in unit.read_text()
        assert "User=umbrella" in text and "NoNewPrivileges=yes" in text
    done = run(analyze, "verify", *checked, cwd=tmp_path)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
