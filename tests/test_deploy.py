"""Production settings pass Django's deployment checklist, and refuse to
start without a SECRET_KEY (README: Configuration)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 20 + "7f3Qz-9pL_xW2mN8vB4cT6yR1uE5oI0aS3dF7gH" + "j" * 10


def run_kraya(*args, tmp_path, **env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' session fixture
        # when they share this test worker; a deployment never has it.
        if key
        not in {
            "KRAYA_EMBEDDED",
            "KRAYA_DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kraya.settings",
        ALLOWED_HOSTS="kraya.example.gov.in",
        KRAYA_VAR_DIR=str(tmp_path / "var"),
        KRAYA_STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "kraya", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    assert len(STRONG_KEY) >= 50
    result = run_kraya(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, SECRET_KEY=STRONG_KEY
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr.upper()


def test_the_deploy_check_does_catch_a_weak_key(tmp_path):
    result = run_kraya(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, SECRET_KEY="short"
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_kraya("check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()
