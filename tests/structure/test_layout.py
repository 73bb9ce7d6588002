"""The package structure stays as docs/architecture.md describes it.

The layers and the absence of import cycles are import-linter's contracts
(pyproject.toml, run by `make test`); these are the rules it cannot express.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from core.settings import ROOT_DIR

PRODUCTION_PACKAGES = (
    "bot",
    "channels",
    "workspace",
    "open311",
    "dialogue",
    "actions",
    "tickets",
    "knowledge",
    "nlu",
    "core",
)
MAX_MODULE_LINES = 400
CHANNEL_NAMES = re.compile(r"telegram|whatsapp|console", re.IGNORECASE)


def _modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT_DIR / package).rglob("*.py"))


@pytest.mark.parametrize("package", PRODUCTION_PACKAGES)
def test_no_production_module_is_over_the_limit(package: str) -> None:
    too_long = {
        str(path.relative_to(ROOT_DIR)): lines
        for path in _modules(package)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


def _domain_files() -> list[Path]:
    """Code and configuration of the domain; service answers (knowledge/faq, mpp.yml)
    are content that may rightly tell citizens about an agency's WhatsApp line."""
    files = _modules("tickets", "knowledge")
    files += sorted((ROOT_DIR / "tickets").rglob("*.yml"))
    files += [ROOT_DIR / "knowledge" / name for name in ("agencies.yml", "categories.yml")]
    return files


def test_the_domain_names_no_channel() -> None:
    named = {
        f"{path.relative_to(ROOT_DIR)}:{number}": line.strip()
        for path in _domain_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CHANNEL_NAMES.search(line)
    }
    assert named == {}


def test_the_limit_check_sees_real_modules() -> None:
    """Guards the two checks above against an empty glob (a moved root)."""
    assert len(_modules(*PRODUCTION_PACKAGES)) > 50
    assert any(p.name == "service.py" for p in _domain_files())


def _action_names(module: str) -> set[str]:
    from rasa_sdk import Action

    loaded = importlib.import_module(f"actions.{module}")
    return {
        item().name()
        for item in vars(loaded).values()
        if isinstance(item, type)
        and issubclass(item, Action)
        and item.__module__ == loaded.__name__
        and "name" in vars(item)
    }


@pytest.mark.parametrize(
    "module",
    sorted(
        p.stem for p in (ROOT_DIR / "actions").glob("*.py") if p.stem not in ("__init__", "common")
    ),
)
def test_an_action_module_is_named_for_its_action(module: str) -> None:
    """actions/cek_status.py holds action_cek_status; a form's module its validate_<form>."""
    stems = {n.removeprefix("action_").removeprefix("validate_") for n in _action_names(module)}
    assert module in stems, sorted(stems)


def test_no_module_imports_itself_through_others() -> None:
    """No cycle anywhere between production modules, function-level imports included
    (import-linter's contract checks the siblings of each package; this every edge)."""
    import grimp

    graph = grimp.build_graph(*PRODUCTION_PACKAGES)
    cycles = {
        tuple(sorted((module, imported)))
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.find_shortest_chain(importer=imported, imported=module)
    }
    assert len(graph.modules) > 100
    assert cycles == set()
