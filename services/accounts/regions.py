"""The regions a login can enter: 自治区本级 and the 14 prefectures (reference/regions.csv)."""
import csv
from functools import lru_cache
from pathlib import Path

from zc_common.errors import Invalid

REGIONS_CSV = Path(__file__).resolve().parents[2] / "reference" / "regions.csv"
DEFAULT_REGION = "650000"


@lru_cache(maxsize=1)
def regions():
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        return tuple({"code": row["code"], "name": row["name"], "short_name": row["short_name"],
                      "kind": row["kind"], "south_four": row["south_four"] == "true"}
                     for row in csv.DictReader(handle))


def region_code(value, field="region_code", default=None):
    """A known region code, or ``default`` when none is given (422 when unknown)."""
    if value in (None, "") and default is not None:
        return default
    if value not in {region["code"] for region in regions()}:
        raise Invalid("unknown_region", "地区代码不存在（应为自治区本级或14个地州之一）", field=field)
    return value
