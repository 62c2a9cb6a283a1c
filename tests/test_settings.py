from django.conf import settings
from django.db import connection


def test_settings_use_real_services_in_ci(services_required):
    """CI exports DATABASE_URL and REDIS_URL: the suite must not fall back to SQLite or eager tasks."""
    if services_required:
        assert connection.vendor == "postgresql"
        assert settings.CELERY_BROKER_URL.startswith("redis://")
        assert settings.CELERY_TASK_ALWAYS_EAGER is False
    else:
        assert connection.vendor in {"sqlite", "postgresql"}
        assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.CELERY_BROKER_URL)


def test_settings_are_chinese_first():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


def test_settings_production_profile_passes_check_deploy(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    secret = "production-secret-from-the-environment-" + "0123456789" * 3
    env.update(IPGRANTS_PROFILE="production", SECRET_KEY=secret, ALLOWED_HOSTS="grants.example.org",
               SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_settings_production_refuses_to_start_without_secret(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, IPGRANTS_PROFILE="production", SECRET_KEY="", ALLOWED_HOSTS="x")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
