"""Production settings: they refuse to start without their secrets and pass Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOOD_ENV = {
    "SECRET_KEY": "x" * 60 + "-not-a-real-secret-but-long-and-varied-0123456789",
    "ALLOWED_HOSTS": "photos.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/9",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "imgsite.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "Set the SECRET_KEY environment variable; production has no default for it."),
        ("ALLOWED_HOSTS", "Set ALLOWED_HOSTS (comma separated); production has no default for it."),
        ("CACHE_URL", "Set the CACHE_URL environment variable; production has no default for it."),
    ],
)
def test_production_refuses_to_start_without(missing: str, message: str) -> None:
    env = {k: v for k, v in GOOD_ENV.items() if k != missing}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == f"django.core.exceptions.ImproperlyConfigured: {message}"


def test_production_passes_the_deploy_checks() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=GOOD_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
