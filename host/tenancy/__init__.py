"""The host's side of tenancy: the database settings that PostgreSQL's row-level security reads."""
from .role_check import row_security_bypass
from .transaction_settings import install_row_security_settings

__all__ = ["install_row_security_settings", "row_security_bypass"]
