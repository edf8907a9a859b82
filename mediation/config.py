"""Load settings: config.toml, then the file named by MEDIATION_CONFIG, then the environment."""
from __future__ import annotations

import base64
import hashlib
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.toml"
DEV_SECRET = "development-only-secret"


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message tells the operator what to set."""


def merge(base: dict, over: dict) -> dict:
    """Return base with over merged in, tables merged key by key."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_toml() -> dict:
    """Read config.toml and the deployment's MEDIATION_CONFIG over it."""
    with open(DEFAULT_CONFIG, "rb") as f:
        settings = tomllib.load(f)
    extra = os.environ.get("MEDIATION_CONFIG")
    if extra:
        try:
            with open(extra, "rb") as f:
                settings = merge(settings, tomllib.load(f))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"MEDIATION_CONFIG={extra} cannot be read: {exc}") from exc
    return settings


def fernet_key(secret: str) -> bytes:
    """Derive a Fernet key from any secret string (the operator need not produce base64)."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


def build_config(overrides: dict | None = None) -> dict:
    """Return the Flask config mapping for create_app."""
    settings = read_toml()
    overrides = dict(overrides or {})
    if "MEDIATION" in overrides:  # tests pass TOML-shaped settings under this key
        settings = merge(settings, overrides.pop("MEDIATION"))
    env = os.environ
    data_dir = Path(overrides.get("DATA_DIR") or env.get("MEDIATION_DATA_DIR") or ROOT / "instance")
    database_url = (overrides.get("SQLALCHEMY_DATABASE_URI") or env.get("MEDIATION_DATABASE_URL")
                    or settings["database"].get("url") or f"sqlite:///{data_dir / 'mediation.db'}")
    production = settings["app"].get("environment") == "production" and not overrides.get("TESTING")
    secret = overrides.get("SECRET_KEY") or env.get("MEDIATION_SECRET_KEY")
    encryption = overrides.get("ENCRYPTION_KEY") or env.get("MEDIATION_ENCRYPTION_KEY")
    if production:
        missing = [name for name, value in (("MEDIATION_SECRET_KEY", secret),
                                            ("MEDIATION_ENCRYPTION_KEY", encryption)) if not value]
        if missing:
            raise ConfigError("Refusing to start in production without " + " and ".join(missing)
                              + ": set them in the environment (ID numbers are encrypted with the"
                              " second; losing it makes them unreadable).")
    ratelimit = env.get("MEDIATION_RATELIMIT_ENABLED")
    if ratelimit is not None:
        settings["limits"]["ratelimit_enabled"] = ratelimit.strip().lower() not in ("0", "false", "no", "off")
    config = {
        "MEDIATION": settings,
        "DATA_DIR": data_dir,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": secret or DEV_SECRET,
        "ENCRYPTION_KEY": encryption or DEV_SECRET,
        "MAX_CONTENT_LENGTH": settings["limits"]["upload_max_bytes"] * settings["limits"]["upload_max_files"],
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": settings["app"]["timezone"],
        "SCHEDULER_ENABLED": False,
        "PERMANENT_SESSION_LIFETIME": 1800,
    }
    config.update(overrides)
    return config
