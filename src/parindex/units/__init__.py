"""Province registry: the 63 province-level units, the six regions, and the 2025 reorganisation.

Vietnam had 63 province-level units (tỉnh, thành phố trực thuộc trung ương) until 30 June 2025.
From 1 July 2025 there are 34: eleven unchanged and twenty-three formed by merging, and the
district level (cấp huyện) is gone. Every unit therefore has a validity period, and every lookup
takes a date (``on=``; default: today).

The facts live in ``parindex/data/provinces.yaml``; each fact group carries its source and status
(confirmed / derived / inferred / unknown). The statistics codes of the merged units are not
recorded: such units have ``code=None`` and ``code_status="unknown"``.

The package: :mod:`.registry` loads and validates the file, :mod:`.lookup` answers date-aware
lookups, :mod:`.means` holds the small amount of arithmetic that depends on the registry (plain
regional and national means, as MOHA publishes regional averages, and pro-forma figures combining
the pre-merger results of a merged province), and :mod:`.unit_list` holds :class:`UnitList`, a
province's own list of scored units (departments, communes/wards) for a period, and its readers.
"""

from __future__ import annotations

from ._base import STATUSES, DateLike, Province, ProvinceName, Region, Status, normalize_name
from .lookup import (
    components_of,
    province,
    provinces,
    region,
    region_of,
    regions,
    successor_of,
)
from .means import ProForma, national_mean, pro_forma, regional_means
from .registry import merger_date
from .unit_list import UNIT_TYPES, Unit, UnitList, UnitType, load_unit_list

__all__ = [
    "STATUSES",
    "UNIT_TYPES",
    "DateLike",
    "ProForma",
    "Province",
    "ProvinceName",
    "Region",
    "Status",
    "Unit",
    "UnitList",
    "UnitType",
    "components_of",
    "load_unit_list",
    "merger_date",
    "national_mean",
    "normalize_name",
    "pro_forma",
    "province",
    "provinces",
    "region",
    "region_of",
    "regional_means",
    "regions",
    "successor_of",
]
