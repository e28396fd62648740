"""Configuration from ``TRIALOFFICE_*`` environment variables, with defaults that need none."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BILLING_BACKENDS = ("manual", "stripe")
MAX_CONTENT_LENGTH = 16 * 1024 * 1024
"""Bytes a request may carry unless the view declares its own limit (``sdk.views.upload_limit``)."""


def _secret_key(instance: Path, name: str = "secret_key") -> str:
    """The key from the environment, else one generated once and kept in the instance folder."""
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
    return key


def _minutes(raw: str) -> int:
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ValueError("TRIALOFFICE_IDLE_TIMEOUT_MINUTES must be a whole number of minutes (1 or more)")
    return int(raw)


def _whole_number(name: str, raw: str, minimum: int) -> int:
    if not raw.strip().isdigit() or int(raw) < minimum:
        raise ValueError(f"{name} must be a whole number ({minimum} or more)")
    return int(raw)


def _stripe_config(env) -> dict:
    """Stripe's own variables; ``STRIPE_API_BASE`` points at a local Stripe-compatible server,
    which has no Checkout, so purchases there go the direct way unless told otherwise."""
    base = env.get("STRIPE_API_BASE") or None
    checkout = env.get("TRIALOFFICE_STRIPE_CHECKOUT", "0" if base else "1")
    return {
        "STRIPE_API_KEY": env.get("STRIPE_API_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": base,
        "STRIPE_CHECKOUT": checkout == "1",
    }


MAIL_BACKENDS = ("console", "file", "smtp")


def _mail_config(env, instance: Path) -> dict:
    """Email (host/notifications/mail.py): logged by default, ``.eml`` files, or SMTP."""
    return {
        "MAIL_BACKEND": env.get("TRIALOFFICE_MAIL_BACKEND", "console"),
        "MAIL_DIR": env.get("TRIALOFFICE_MAIL_DIR") or str(instance / "mail"),
        "MAIL_FROM": env.get("TRIALOFFICE_MAIL_FROM", "Trial Office <no-reply@localhost>"),
        "SMTP_HOST": env.get("TRIALOFFICE_SMTP_HOST", "localhost"),
        "SMTP_PORT": _whole_number("TRIALOFFICE_SMTP_PORT", env.get("TRIALOFFICE_SMTP_PORT", "587"), 1),
        "SMTP_USERNAME": env.get("TRIALOFFICE_SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("TRIALOFFICE_SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": env.get("TRIALOFFICE_SMTP_STARTTLS", "1") == "1",
        "BASE_URL": env.get("TRIALOFFICE_BASE_URL") or None,
        # Whom an organization asks about a suspended license or a billing question (shown on pages).
        "SUPPORT_EMAIL": env.get("TRIALOFFICE_SUPPORT_EMAIL") or "support@localhost",
    }


JOBS_MODES = ("immediate", "worker")


def _jobs_config(env, instance: Path) -> dict:
    """Background jobs and outbox delivery (host/jobs): run in the web process right after the
    commit that asked for them (``immediate``), or queued for ``trialoffice worker`` (``worker``)
    in a SQLite file of the instance folder, or in Redis when a URL is set."""
    return {
        "JOBS_MODE": env.get("TRIALOFFICE_JOBS", "immediate"),
        "REDIS_URL": env.get("TRIALOFFICE_REDIS_URL") or None,
        "JOBS_QUEUE_FILE": env.get("TRIALOFFICE_JOBS_QUEUE_FILE") or str(instance / "job_queue.db"),
        "JOBS_QUEUE_NAME": env.get("TRIALOFFICE_JOBS_QUEUE_NAME", "trialoffice"),
        "OUTBOX_POLL_SECONDS": _whole_number("TRIALOFFICE_OUTBOX_POLL_SECONDS",
                                             env.get("TRIALOFFICE_OUTBOX_POLL_SECONDS", "5"), 1),
    }


#: Sign-in back-off (host/auth/throttle.py): setting, default, smallest allowed.
LOGIN_THROTTLE_SETTINGS = (("LOGIN_FREE_FAILURES", "5", 1), ("LOGIN_ADDRESS_FREE_FAILURES", "20", 1),
                           ("LOGIN_FIRST_WAIT_SECONDS", "30", 1), ("LOGIN_LONGEST_WAIT_MINUTES", "15", 1),
                           ("LOGIN_FAILURE_WINDOW_MINUTES", "60", 1))


def _login_throttle_config(env) -> dict:
    return {key: _whole_number(f"TRIALOFFICE_{key}", env.get(f"TRIALOFFICE_{key}", default), minimum)
            for key, default, minimum in LOGIN_THROTTLE_SETTINGS}


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    env = os.environ
    overrides = dict(overrides or {})
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    plugins = overrides.pop("LOAD_PLUGINS", env.get("TRIALOFFICE_LOAD_PLUGINS"))
    if isinstance(plugins, str):
        plugins = [p.strip() for p in plugins.split(",") if p.strip()]
    config = {
        "DATABASE_URL": env.get("TRIALOFFICE_DATABASE_URL") or f"sqlite:///{instance / 'trialoffice.db'}",
        "SECRET_KEY": env.get("TRIALOFFICE_SECRET_KEY") or None,
        # Encrypts what tools seal (sdk.vault); apart from SECRET_KEY so rotating that one loses nothing.
        "VAULT_KEY": env.get("TRIALOFFICE_VAULT_KEY") or None,
        "STORAGE_DIR": env.get("TRIALOFFICE_STORAGE_DIR") or str(instance / "storage"),
        "BILLING": env.get("TRIALOFFICE_BILLING", "manual"),
        "LOAD_PLUGINS": plugins,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("TRIALOFFICE_INSECURE_COOKIES") != "1"
        and env.get("TRIALOFFICE_DEV") != "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        **_login_throttle_config(env),
        "TRUSTED_PROXIES": _whole_number("TRIALOFFICE_TRUSTED_PROXIES",
                                         env.get("TRIALOFFICE_TRUSTED_PROXIES", "0"), 0),
        "INVITATION_DAYS": 7,
        "IDLE_TIMEOUT_MINUTES": _minutes(env.get("TRIALOFFICE_IDLE_TIMEOUT_MINUTES", "30")),
        "BILLING_GRACE_DAYS": _whole_number("TRIALOFFICE_BILLING_GRACE_DAYS",
                                            env.get("TRIALOFFICE_BILLING_GRACE_DAYS", "7"), 0),
        "SWEEP_MINUTES": _whole_number("TRIALOFFICE_SWEEP_MINUTES", env.get("TRIALOFFICE_SWEEP_MINUTES", "60"), 0),
        "MAX_CONTENT_LENGTH": _whole_number("TRIALOFFICE_MAX_CONTENT_LENGTH",
                                            env.get("TRIALOFFICE_MAX_CONTENT_LENGTH", str(MAX_CONTENT_LENGTH)), 1024),
        **_stripe_config(env),
        **_mail_config(env, instance),
        **_jobs_config(env, instance),
    }
    config.update(overrides)
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _secret_key(instance)
    if not config["VAULT_KEY"]:
        config["VAULT_KEY"] = _secret_key(instance, "vault_key")
    if config["BILLING"] not in BILLING_BACKENDS:
        raise ValueError(f"TRIALOFFICE_BILLING must be one of {', '.join(BILLING_BACKENDS)}")
    if config["MAIL_BACKEND"] not in MAIL_BACKENDS:
        raise ValueError(f"TRIALOFFICE_MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}")
    if config["JOBS_MODE"] not in JOBS_MODES:
        raise ValueError(f"TRIALOFFICE_JOBS must be one of {', '.join(JOBS_MODES)}")
    if config["BILLING"] == "stripe" and not (config["STRIPE_API_KEY"] and config["STRIPE_WEBHOOK_SECRET"]):
        raise ValueError("TRIALOFFICE_BILLING=stripe needs STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET")
    return config
