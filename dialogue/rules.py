"""Rule policy: which actions follow an intent (rules.yml, Rasa 3 rule format).

Only the rule shapes Laporin uses are supported; anything else fails at load time
rather than being silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from core.settings import ROOT_DIR

RULES_FILE = ROOT_DIR / "rules.yml"


@dataclass(frozen=True)
class RuleOutcome:
    actions: tuple[str, ...]
    # A form the rule activates (or re-enters, for interruptions inside a form).
    form: str | None = None


@dataclass
class RuleBook:
    by_intent: dict[tuple[str, str | None], RuleOutcome] = field(default_factory=dict)
    after_form: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def for_intent(self, intent: str, active_loop: str | None) -> RuleOutcome | None:
        return self.by_intent.get((intent, active_loop))


def _condition_loop(rule: dict[str, Any]) -> str | None:
    loops = [c["active_loop"] for c in rule.get("condition") or [] if "active_loop" in c]
    return loops[0] if loops else None


def _parse_rule(book: RuleBook, rule: dict[str, Any], forms: set[str]) -> None:
    name = rule.get("rule", "?")
    steps: list[dict[str, Any]] = rule.get("steps") or []
    loop = _condition_loop(rule)
    first = steps[0] if steps else {}
    if "intent" in first:
        actions: list[str] = []
        form: str | None = None
        for step in steps[1:]:
            if "action" in step and step["action"] in forms:
                form = step["action"]
            elif "action" in step:
                if form is not None:
                    raise ValueError(f"rule {name!r}: actions after a form are not supported")
                actions.append(step["action"])
            elif "active_loop" in step:
                if step["active_loop"] != form:
                    raise ValueError(f"rule {name!r}: active_loop must name the form above it")
            else:
                raise ValueError(f"rule {name!r}: unsupported step {step}")
        key = (first["intent"], loop)
        if key in book.by_intent:
            raise ValueError(f"rule {name!r}: a rule for {key} exists already")
        book.by_intent[key] = RuleOutcome(tuple(actions), form)
        return
    if (
        loop is not None
        and first.get("action") == loop
        and len(steps) >= 2
        and steps[1] == {"active_loop": None}
    ):
        book.after_form[loop] = tuple(step["action"] for step in steps[2:])
        return
    raise ValueError(f"rule {name!r}: unsupported shape")


def load_rules(forms: set[str], path: Path = RULES_FILE) -> RuleBook:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    book = RuleBook()
    for rule in data.get("rules") or []:
        _parse_rule(book, rule, forms)
    return book


@lru_cache
def get_rules() -> RuleBook:
    from dialogue.domain import get_domain

    return load_rules(set(get_domain().forms))
