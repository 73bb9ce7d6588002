"""Settings refuse values that would only fail later, naming the setting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.settings import Settings


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("database_url", "not a url"),
        ("database_url", "mysql://root@localhost/laporin"),
        ("telegram_base_url", "api.telegram.org/bot"),
        ("whatsapp_api_base_url", "ftp://graph.facebook.com"),
        ("log_level", "LOUD"),
        ("whatsapp_api_version", "26.0"),
        ("telegram_webhook_secret", "has spaces"),
        ("max_photo_bytes", "0"),
    ],
)
def test_a_wrong_value_is_refused_with_its_name(name: str, value: str) -> None:
    with pytest.raises(ValidationError, match=name):
        Settings(**{name: value})  # type: ignore[arg-type]


def test_good_values_pass_and_the_log_level_is_normalised() -> None:
    settings = Settings(
        database_url="postgresql+psycopg://laporin:secret@db.internal:5432/laporin",
        log_level=" debug ",
    )
    assert settings.log_level == "DEBUG"
    assert Settings(database_url="sqlite:///:memory:").database_url == "sqlite:///:memory:"


def test_whatsapp_is_all_or_nothing() -> None:
    assert not Settings().whatsapp_enabled and not Settings().whatsapp_configured_in_part
    half = Settings(whatsapp_app_secret="s", whatsapp_verify_token="v")
    assert half.whatsapp_configured_in_part
    assert half.whatsapp_missing == ["WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_ACCESS_TOKEN"]
    whole = Settings(whatsapp_phone_number_id="1", whatsapp_access_token="t",
                     whatsapp_verify_token="v", whatsapp_app_secret="s")  # fmt: skip
    assert whole.whatsapp_enabled and not whole.whatsapp_configured_in_part
