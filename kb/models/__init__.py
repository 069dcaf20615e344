"""Models of the knowledge base, one module per domain."""

from kb.models.accounts import User
from kb.models.gpus import Gpu, GpuBoardSettings, GpuNode, GpuSample

__all__ = ["Gpu", "GpuBoardSettings", "GpuNode", "GpuSample", "User"]
