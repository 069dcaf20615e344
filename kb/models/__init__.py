"""Models of the knowledge base, one module per domain."""

from kb.models.accounts import User
from kb.models.catalogue import (
    Architecture,
    Contact,
    DataType,
    Laboratory,
    Link,
    Project,
    Reference,
    Task,
)

__all__ = [
    "Architecture",
    "Contact",
    "DataType",
    "Laboratory",
    "Link",
    "Project",
    "Reference",
    "Task",
    "User",
]
