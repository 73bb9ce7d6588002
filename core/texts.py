"""Indonesian texts that are not dialogue responses: one YAML file per package.

A text file maps sections to named `str.format` templates:

    errors:
      role: "Peran {peran} tidak boleh melakukan aksi \"{aksi}\"."

Dialogue and notification wording is in the Rasa domain (domain/); these files
hold what code outside a conversation shows: workflow errors, staff buttons and
replies, command-line output. Code stays English; the wording stays here.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import yaml


class TextFile:
    """The texts of one YAML file, read on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def beside(cls, module_file: str, name: str = "texts.yml") -> TextFile:
        """The text file next to a module: ``TextFile.beside(__file__)``."""
        return cls(Path(module_file).with_name(name))

    @cached_property
    def _sections(self) -> dict[str, dict[str, str]]:
        data = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{self.path}: top level must be a mapping of sections")
        sections: dict[str, dict[str, str]] = {}
        for section, texts in data.items():
            if not isinstance(texts, dict) or not all(isinstance(t, str) for t in texts.values()):
                raise ValueError(f"{self.path}: section {section!r} must map names to texts")
            sections[str(section)] = {str(k): v for k, v in texts.items()}
        return sections

    def section(self, name: str) -> dict[str, str]:
        """All templates of a section, unformatted (a copy)."""
        return dict(self._sections[name])

    def text(self, section: str, name: str, /, **variables: Any) -> str:
        """One text, its `{placeholders}` filled from `variables`."""
        template = self._sections[section][name]
        return template.format(**variables)
