from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-jwt-secret-do-not-use-in-production"


class Settings(BaseSettings):
    """Runtime configuration, read from environment variables (and an optional `.env`)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./backpain.db"
    database_echo: bool = False
    # Catalog content changes only when the seed is reloaded; clients may reuse it briefly
    # and revalidate cheaply with If-None-Match.
    catalog_max_age_seconds: int = 300
    log_level: str = "INFO"
    # JSON lines for log shippers; plain text is easier to read on a laptop.
    log_json: bool = True
    metrics_enabled: bool = True
    # Signs access tokens. The default is public (it is in this file), so it is fit only for
    # development and tests: production must set JWT_SECRET to a long random value.
    jwt_secret: str = Field(default=DEV_JWT_SECRET, min_length=32)
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    # Larger request bodies get 413; nothing this API accepts comes close to 1 MiB.
    max_request_body_bytes: int = Field(default=1024 * 1024, ge=1)
    # Log-in and registration attempts per client address in a sliding window.
    rate_limit_enabled: bool = True
    auth_rate_limit: int = Field(default=10, ge=1)
    auth_rate_window_seconds: float = Field(default=60.0, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
