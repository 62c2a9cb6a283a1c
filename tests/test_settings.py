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
