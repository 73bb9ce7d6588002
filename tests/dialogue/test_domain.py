"""domain/: Rasa domain files split by audience, merged into one domain."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dialogue.domain import DOMAIN_DIR, domain_files, load_domain
from tickets.citizen_messages import RESPONSE as STAFF_MESSAGE
from tickets.escalation import DIGEST_RESPONSE, RESPONSES
from tickets.flows import STATUS_NOTIFICATION
from tickets.staff_alerts import AGENCY_RESPONSE, FLOOD_RESPONSE, OPERATOR_RESPONSE
from tickets.workflow import actions

# Top-level keys of a Rasa 3 domain file.
RASA_KEYS = {"version", "session_config", "intents", "entities", "slots", "forms", "actions",
             "responses", "e2e_actions", "config"}  # fmt: skip


def _file(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text('version: "3.1"\n' + text, encoding="utf-8")
    return path


def _responses(name: str) -> set[str]:
    data = yaml.safe_load((DOMAIN_DIR / name).read_text(encoding="utf-8"))
    return set(data["responses"])


def test_every_file_is_a_rasa_3_domain_file() -> None:
    files = domain_files(DOMAIN_DIR)
    names = [f.name for f in files]
    assert {"dialogue.yml", "notifications.yml", "staff.yml", "corrections.yml"} <= set(names)
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert data["version"] == "3.1", file
        assert set(data) <= RASA_KEYS, file


def test_the_merged_domain_has_every_response_of_every_file() -> None:
    domain = load_domain()
    parts = [_responses(f.name) for f in domain_files(DOMAIN_DIR)]
    assert set(domain.responses) == set().union(*parts)
    assert len(domain.responses) == sum(len(p) for p in parts)
    assert "laporan_form" in domain.forms and "requested_slot" in domain.slots


def test_wording_is_split_by_audience() -> None:
    notify = {a.notify for a in actions().values() if a.notify}
    # Besides the workflow's news: a staff member's own message (the workspace).
    assert notify | {STATUS_NOTIFICATION, STAFF_MESSAGE} == _responses("notifications.yml")
    staff = {OPERATOR_RESPONSE, AGENCY_RESPONSE, FLOOD_RESPONSE, DIGEST_RESPONSE,
             *RESPONSES.values()}  # fmt: skip
    assert staff == _responses("staff.yml")
    assert "utter_greet" in _responses("dialogue.yml")


def test_files_are_merged_section_by_section(tmp_path: Path) -> None:
    slot = "  x: {type: any, mappings: [{type: custom}]}\n"
    _file(
        tmp_path, "a.yml", f"intents: [greet]\nslots:\n{slot}responses:\n  utter_a: [{{text: A}}]\n"
    )
    (tmp_path / "more").mkdir()
    _file(tmp_path / "more", "b.yml", "intents: [{lapor: {is_retrieval_intent: true}}]\n"
          "responses:\n  utter_b: [{text: B}]\n")  # fmt: skip
    domain = load_domain(tmp_path)
    assert set(domain.responses) == {"utter_a", "utter_b"}
    assert domain.data["intents"] == ["greet", {"lapor": {"is_retrieval_intent": True}}]
    assert set(domain.slots) == {"x"}


def test_a_single_file_still_loads(tmp_path: Path) -> None:
    path = _file(tmp_path, "domain.yml", "responses:\n  utter_a: [{text: A}]\n")
    assert set(load_domain(path).responses) == {"utter_a"}


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("responses:\n  utter_a: [{text: A}]\n", "responses:\n  utter_a: [{text: B}]\n",
         "responses 'utter_a'"),
        ("slots:\n  x: {type: any, mappings: [{type: custom}]}\n",
         "slots:\n  x: {type: text, mappings: [{type: custom}]}\n", "slots 'x'"),
        ("intents: [greet]\n", "intents: [{greet: {use_entities: []}}]\n", "intents 'greet'"),
        ("forms:\n  f: {required_slots: []}\n", "forms:\n  f: {required_slots: []}\n",
         "forms 'f'"),
        ("session_config: {session_expiration_time: 0}\n",
         "session_config: {session_expiration_time: 60}\n", "session_config"),
    ],
)  # fmt: skip
def test_a_name_defined_in_two_files_is_refused(
    tmp_path: Path, first: str, second: str, message: str
) -> None:
    _file(tmp_path, "a.yml", first)
    _file(tmp_path, "b.yml", second)
    with pytest.raises(ValueError, match=message) as error:
        load_domain(tmp_path)
    assert "a.yml" in str(error.value) and "b.yml" in str(error.value)


def test_files_of_different_versions_are_refused(tmp_path: Path) -> None:
    _file(tmp_path, "a.yml", "intents: [greet]\n")
    (tmp_path / "b.yml").write_text('version: "3.0"\nintents: [bye]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="version"):
        load_domain(tmp_path)


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no domain files"):
        load_domain(tmp_path)
