"""factory_boy factories and builders, one module per app (identity, catalogue, cases). The names are also
importable from here, for brevity."""

from .catalogue import ServiceItemFactory, ThemeFactory
from .identity import (
    DepartmentFactory,
    RegionFactory,
    make_citizen,
    make_staff,
    registered_entity,
    valid_id_number,
    valid_phone,
    valid_uscc,
)

__all__ = [
    "DepartmentFactory",
    "RegionFactory",
    "ServiceItemFactory",
    "ThemeFactory",
    "make_citizen",
    "make_staff",
    "registered_entity",
    "valid_id_number",
    "valid_phone",
    "valid_uscc",
]
