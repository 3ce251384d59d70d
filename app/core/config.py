from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


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


@lru_cache
def get_settings() -> Settings:
    return Settings()
