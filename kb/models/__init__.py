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
from kb.models.docs import DocPage, DocRevision
from kb.models.events import Event, Material, Registration
from kb.models.gpus import ClusterLogin, Gpu, GpuBoardSettings, GpuLoadHour, GpuNode, GpuSample
from kb.models.search import SearchEntry

__all__ = [
    "Architecture",
    "ClusterLogin",
    "Contact",
    "DataType",
    "DocPage",
    "DocRevision",
    "Event",
    "Gpu",
    "GpuBoardSettings",
    "GpuLoadHour",
    "GpuNode",
    "GpuSample",
    "Laboratory",
    "Link",
    "Material",
    "Project",
    "Reference",
    "Registration",
    "SearchEntry",
    "Task",
    "User",
]
