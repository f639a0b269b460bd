"""coopkg: documents about international-cooperation programmes in, a linked-data knowledge graph out.

The public API re-exports the few calls a notebook needs; the CLI is a thin layer over them.
"""
from __future__ import annotations

__version__ = "0.1.0"
