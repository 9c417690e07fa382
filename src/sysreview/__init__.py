"""sysreview: a workbench for the whole systematic review.

The public Python API: open a review, read its status, and the building blocks every stage
shares. The CLI (``sysreview``) and the web app are thin shells over the same services.
"""

from sysreview.errors import SysreviewError
from sysreview.protocol import Protocol, load_protocol
from sysreview.records import Record

__version__ = "0.1.0"

__all__ = ["Protocol", "Record", "SysreviewError", "__version__", "load_protocol"]
