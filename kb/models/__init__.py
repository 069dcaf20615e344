"""Models of the knowledge base, one module per domain."""

from kb.models.accounts import User
from kb.models.events import Event, Material, Registration

__all__ = ["Event", "Material", "Registration", "User"]
