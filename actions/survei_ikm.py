"""The IKM survey (Permenpan RB 14/2017) in the chat: after rating a resolved report
the citizen may answer the nine elements of tickets/ikm.yml, each on the 1-4 scale
as buttons (a list on WhatsApp), stop at any moment and resume later with "survei".

action_survei_ikm finds the report (tickets.ikm.survey_ticket), records the answer a
button carries (also one pressed after the survey was stopped), asks the next
question and opens ikm_form. validate_ikm_form records each answer (a button, or
"3", or the option typed); its one slot is filled when all nine are answered. A
message that is no answer (a new complaint, a question) pauses the survey and is
handled as usual, so nothing said in the middle of it is lost.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import intent_name
from actions.filed.common import asked_number, citizen_id
from core.db import current_session
from tickets.ikm import (
    SCORES,
    Element,
    IkmError,
    answered,
    elements,
    next_element,
    record_answer,
    stop_button,
    survey_ticket,
)
from tickets.models import Ticket

FORM = "ikm_form"
SLOT = "jawaban_ikm"
TICKET_SLOT = "survei_tiket"
DONE = "lengkap"
TRIGGER = "survei"
STOP = {"lewati", "batal", "deny"}
# Intents under which a typed "3" or "sangat sesuai" is read as an answer; under
# any other (a complaint, a service question) the message is not for the survey.
ANSWER_LIKE = {TRIGGER, "beri_nilai", "affirm", "nlu_fallback", "out_of_scope", "terima_kasih"}
# A follow-up question names its facet ("terus biayanya?"); without one ("hmm
# gimana ya") it is hesitation about the question asked.
FOLLOW_UP = "tanya_lanjutan"
# "3", "3 aja", "nilai 4": one digit and at most two more words.
TYPED_SCORE = re.compile(r"^\D*?(\d)(?:\D+)?$")
MAX_SCORE_WORDS = 3
STAR = "⭐"  # "⭐⭐⭐" = 3, as for the 1-5 rating
# A WhatsApp list row's title fits this; a longer answer gets its short form there
# (tickets/ikm.yml) and shows in full as the row's description.
SHORT_TITLE = 24


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in (TICKET_SLOT, SLOT, "requested_slot")]


def _entity(tracker: Tracker, name: str) -> Any:
    return next(tracker.get_latest_entity_values(name), None)


def ask(dispatcher: CollectingDispatcher, session: Session, ticket: Ticket) -> Element | None:
    """The next question of the ticket's survey with its 1-4 buttons and "Berhenti"."""
    element = next_element(session=session, ticket=ticket)
    if element is None:
        return None
    number = ticket.number
    buttons: list[dict[str, Any]] = []
    for score, option, short in zip(SCORES, element.options, element.short, strict=True):
        title = f"{score} · {option}"
        payload = f'/{TRIGGER}{{"nomor": "{number}", "unsur": "{element.code}", "skor": {score}}}'
        button: dict[str, Any] = {"title": title, "payload": payload}
        if len(title) > SHORT_TITLE:
            button["short"] = f"{score} · {short}"
        buttons.append(button)
    stop = f'/{TRIGGER}{{"nomor": "{number}", "berhenti": 1}}'
    buttons.append({"title": stop_button(), "payload": stop})
    dispatcher.utter_message(response="utter_ikm_pertanyaan", nomor=number,
                             ke=len(answered(session=session, ticket=ticket)) + 1,
                             jumlah=len(elements()), unsur=element.name,
                             pertanyaan=element.question, buttons=buttons)  # fmt: skip
    return element


def _typed_score(tracker: Tracker, element: Element | None) -> int | None:
    """ "3", "3 aja", "⭐⭐⭐", or the option's words ("sangat sesuai") for the current
    question."""
    text = str(tracker.latest_message.get("text") or "").strip()
    if element is not None:
        words = text.strip(".!?").casefold()
        for score, option in zip(SCORES, element.options, strict=True):
            if words == option.casefold():
                return score
    if not _answer_like(tracker) or len(text.split()) > MAX_SCORE_WORDS:
        return None
    stars = text.replace(" ", "")
    if stars and set(stars) == {STAR}:
        return len(stars)
    match = TYPED_SCORE.match(text)
    return int(match.group(1)) if match else None


def _answer_like(tracker: Tracker) -> bool:
    intent = intent_name(tracker)
    if intent == FOLLOW_UP:
        return _entity(tracker, "aspek") is None
    return intent in ANSWER_LIKE


def _record(
    dispatcher: CollectingDispatcher, session: Session, ticket: Ticket, element: str, score: int
) -> bool:
    """Record one answer; False (and the reason said) when it cannot be."""
    if element in answered(session=session, ticket=ticket):
        dispatcher.utter_message(response="utter_ikm_sudah_dijawab")
        return True
    try:
        record_answer(session=session, ticket=ticket, element=element, score=score)
    except IkmError as refusal:
        dispatcher.utter_message(response="utter_ikm_ditolak", alasan=str(refusal))
        return False
    return True


def _open(ticket: Ticket) -> list[dict[str, Any]]:
    return [SlotSet(TICKET_SLOT, ticket.number), SlotSet(SLOT, None),
            SlotSet("requested_slot", SLOT), ActiveLoop(FORM)]  # fmt: skip


class ActionSurveiIkm(Action):
    """ "survei", the offer's button, or an answer's button outside the form."""

    def name(self) -> str:
        return "action_survei_ikm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if _entity(tracker, "berhenti"):
            dispatcher.utter_message(response="utter_ikm_dijeda")
            return _reset()
        with current_session() as session:
            try:
                ticket = survey_ticket(session=session, citizen_id=citizen_id(tracker, session),
                                       number=asked_number(tracker))  # fmt: skip
            except IkmError as refusal:
                dispatcher.utter_message(response="utter_ikm_ditolak", alasan=str(refusal))
                return _reset()
            element, score = _entity(tracker, "unsur"), _entity(tracker, "skor")
            pressed = element and score is not None
            if pressed and not _record(dispatcher, session, ticket, str(element), _int(score)):
                return _reset()
            if ask(dispatcher, session, ticket) is None:
                dispatcher.utter_message(response="utter_ikm_selesai", nomor=ticket.number)
                return _reset()
            return _open(ticket)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class ValidateIkmForm(Action):
    """Each message while the survey is open: an answer, "berhenti", or something else."""

    def name(self) -> str:
        return "validate_ikm_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        intent = intent_name(tracker)
        if _entity(tracker, "berhenti"):
            dispatcher.utter_message(response="utter_ikm_dijeda")
            return [ActiveLoop(None), *_reset()]
        # A number names the survey's report only in the survey's own buttons and
        # "survei LPG-..."; "cek LPG-..." in the middle is about another report.
        named = asked_number(tracker) if intent == TRIGGER else None
        number = named or str(tracker.get_slot(TICKET_SLOT) or "")
        with current_session() as session:
            try:
                ticket = survey_ticket(session=session, citizen_id=citizen_id(tracker, session),
                                       number=number or None)  # fmt: skip
            except IkmError as refusal:
                if intent != TRIGGER:  # the survey closed meanwhile: the message as usual
                    return [ActiveLoop(None), *_reset(), ActionExecutionRejected(self.name())]
                dispatcher.utter_message(response="utter_ikm_ditolak", alasan=str(refusal))
                return [ActiveLoop(None), *_reset()]
            current = next_element(session=session, ticket=ticket)
            pressed, score = _entity(tracker, "unsur"), _entity(tracker, "skor")
            value: int | None
            if pressed and score is not None:
                element, value = str(pressed), _int(score)
            else:
                element, value = (current.code if current else ""), _typed_score(tracker, current)
            if value is None and intent in STOP:  # after the options: "tidak ada" is one
                dispatcher.utter_message(response="utter_ikm_dijeda")
                return [ActiveLoop(None), *_reset()]
            if value is None:
                if intent == TRIGGER:  # "survei" again: the question again
                    return [SlotSet(TICKET_SLOT, ticket.number), SlotSet(SLOT, None)]
                if _answer_like(tracker):
                    dispatcher.utter_message(response="utter_ikm_belum_dikenali")
                    return [SlotSet(SLOT, None)]
                # Not an answer: the survey waits, and the message is handled as usual.
                dispatcher.utter_message(response="utter_ikm_dijeda")
                return [ActiveLoop(None), *_reset(), ActionExecutionRejected(self.name())]
            if value not in SCORES:
                dispatcher.utter_message(response="utter_ikm_skala")
                return [SlotSet(SLOT, None)]
            if not _record(dispatcher, session, ticket, element, value):
                return [ActiveLoop(None), *_reset()]
            done = next_element(session=session, ticket=ticket) is None
        return [SlotSet(TICKET_SLOT, ticket.number), SlotSet(SLOT, DONE if done else None)]


class ActionAskJawabanIkm(Action):
    def name(self) -> str:
        return "action_ask_jawaban_ikm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = str(tracker.get_slot(TICKET_SLOT) or "") or None
        with current_session() as session:
            try:
                ticket = survey_ticket(session=session, citizen_id=citizen_id(tracker, session),
                                       number=number)  # fmt: skip
            except IkmError as refusal:
                dispatcher.utter_message(response="utter_ikm_ditolak", alasan=str(refusal))
                return [ActiveLoop(None), *_reset()]
            ask(dispatcher, session, ticket)
        return []


class ActionSurveiSelesai(Action):
    def name(self) -> str:
        return "action_survei_selesai"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_ikm_selesai",
                                 nomor=str(tracker.get_slot(TICKET_SLOT) or ""))  # fmt: skip
        return _reset()


def offer(dispatcher: CollectingDispatcher, session: Session, ticket: Ticket) -> None:
    """After a rating: the survey, when the reporter's is still open for this report."""
    try:
        survey_ticket(session=session, citizen_id=ticket.citizen_id, number=ticket.number)
    except IkmError:
        return
    dispatcher.utter_message(response="utter_tawar_survei", nomor=ticket.number,
                             jumlah=len(elements()))  # fmt: skip
