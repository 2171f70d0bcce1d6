"""Reads of cases, by concept: cases (one case, my cases, tasks, queues, the public progress query) and
bundle cases (一件事办件)."""

from .bundles import *  # noqa: F403
from .bundles import __all__ as _bundle_names
from .cases import *  # noqa: F403
from .cases import __all__ as _case_names

__all__ = [*_case_names, *_bundle_names]
