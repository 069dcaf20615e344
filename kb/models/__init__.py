"""Models of the knowledge base, one module per domain."""

from kb.models.accounts import User

__all__ = ["User"]
