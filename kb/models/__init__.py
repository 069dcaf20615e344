"""Models of the knowledge base, one module per domain."""

from kb.models.accounts import User
from kb.models.docs import DocPage, DocRevision
from kb.models.gpus import Gpu, GpuBoardSettings, GpuNode, GpuSample
from kb.models.search import SearchEntry

__all__ = [
    "DocPage",
    "DocRevision",
    "Gpu",
    "GpuBoardSettings",
    "GpuNode",
    "GpuSample",
    "SearchEntry",
    "User",
]
