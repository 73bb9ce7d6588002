"""The dialogue engine: the one entry point every channel calls.

`handle(inbound)` runs in one database transaction: load and lock the
conversation, interpret the message, follow rules.yml and the active form,
run rasa-sdk actions in-process, save the tracker and log the replies.
Either all of it is recorded or none of it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from core.db import transaction
from core.settings import get_settings
from core.timestamps import utcnow
from dialogue import store
from dialogue.action_runner import has_action, run_action
from dialogue.delivery import ReplySink, TurnHook
from dialogue.domain import Domain, get_domain
from dialogue.interpreter import FALLBACK_INTENT, ParseFn, interpret
from dialogue.messages import MORE_CHOICES_INTENT, Button, Inbound, Outbound
from dialogue.models import Conversation
from dialogue.responses import render_message, render_response
from dialogue.rules import RuleBook, get_rules
from dialogue.sanitize import sanitize_inbound
from dialogue.tracker import TrackerState
from dialogue.turn_log import inbound_dict, logged_reply, parse_summary
from nlu.emergency import EMERGENCY_INTENT, is_emergency

log = logging.getLogger(__name__)

REQUESTED_SLOT = "requested_slot"
# The flood check counts the messages of this window (RATE_MESSAGES_PER_MINUTE).
FLOOD_WINDOW = timedelta(minutes=1)


# Turns run in worker threads side by side; spaCy's pipeline is not documented as
# safe to call from several threads at once, and a parse takes well under a ms.
_PARSE_LOCK = threading.Lock()


def _default_parse(text: str) -> dict[str, Any]:
    import nlu

    with _PARSE_LOCK:
        return nlu.parse(text)


def sender_id(channel: str, user_key: str) -> str:
    return f"{channel}:{user_key}"


@dataclass
class _Turn:
    """What one message produces: the tracker being changed and the replies."""

    tracker: TrackerState
    seed: str
    replies: list[Outbound] = field(default_factory=list)


@dataclass(frozen=True)
class Rehearsal:
    """A conversation run in memory: the replies to each message, and the slots
    each message's turn set."""

    replies: list[list[Outbound]]
    slots_set: list[dict[str, Any]]


# An action that declines the message it was called for (rasa_sdk's
# ActionExecutionRejected event).
REJECTED_EVENT = "action_execution_rejected"


class DialogueEngine:
    def __init__(
        self,
        *,
        domain: Domain | None = None,
        rules: RuleBook | None = None,
        parse: ParseFn | None = None,
        database_url: str | None = None,
        reply_sink: ReplySink | None = None,
    ) -> None:
        """`reply_sink`: queue each turn's replies in its transaction (handle() then
        returns none); without it handle() returns them for the caller to send."""
        self.domain = domain or get_domain()
        self.reply_sink = reply_sink
        self.rules = rules or get_rules()
        self.parse = parse or _default_parse
        self.database_url = database_url

    # --- public -----------------------------------------------------------
    def handle(self, inbound: Inbound, *, on_turn: TurnHook | None = None) -> list[Outbound]:
        """Process one inbound message; a redelivered update id returns [].

        `on_turn(session, inbound)` runs first in the turn's transaction (a channel's
        bookkeeping: the stored event settled with the turn, or not at all).

        Races between workers (two first messages of a new user, a redelivery
        while the original is still running) are settled in `store` by row
        locks and inserts that skip a duplicate, so nothing here retries. The message is cleaned
        first (`sanitize`), so every channel gets the same hygiene.
        """
        inbound = sanitize_inbound(inbound)
        with transaction(self.database_url) as session:
            if on_turn is not None:
                on_turn(session, inbound)
            conversation = store.lock_conversation(
                session=session, channel=inbound.channel, user_key=inbound.user_key
            )
            if not store.mark_processed(
                session=session, conversation=conversation, update_id=inbound.update_id
            ):
                log.info("update %s was processed before; ignored", inbound.update_id)
                return []
            arrivals = store.arrivals_within(
                conversation=conversation, now=utcnow(), window=FLOOD_WINDOW,
                keep=get_settings().rate_messages_per_minute + 2,
            )  # fmt: skip
            flood = self._flood(session, conversation, inbound, arrivals)
            if flood is not None:
                return self._flood_replies(session, inbound, flood)
            tracker = TrackerState.load(
                sender_id(inbound.channel, inbound.user_key),
                conversation.state or {},
                conversation.events or [],
            )
            parse_data, metadata = interpret(inbound, tracker.last_buttons, self.parse)
            # The log rows are written together at the end (one INSERT).
            logged = [
                store.log_row(
                    conversation=conversation,
                    direction="in",
                    update_id=inbound.update_id,
                    payload={
                        "inbound": inbound_dict(inbound),
                        "parse": parse_summary(parse_data),
                    },
                )
            ]
            turn = self._turn(tracker, inbound.update_id, parse_data, metadata)
            store.save_state(
                session=session,
                conversation=conversation,
                state=tracker.dump_state(),
                events=tracker.dump_events(),
                arrivals=arrivals,
            )
            for reply in turn.replies:
                logged.append(
                    store.log_row(
                        conversation=conversation,
                        direction="out",
                        update_id=inbound.update_id,
                        payload=logged_reply(reply),
                    )
                )
            store.write_log(session=session, rows=logged)
            if self.reply_sink is not None:
                self.reply_sink(session, inbound, turn.replies)
                return []
            return turn.replies

    def rehearse(self, inbounds: list[Inbound], *, sender: str = "rehearsal") -> Rehearsal:
        """The replies a new conversation would get to these messages, in memory:
        nothing is stored here (`knowledge ask` and the evaluations answer exactly as
        the chat does). Actions that write join the caller's transaction, if any."""
        tracker = TrackerState(sender_id=sender)
        replies, slots_set = [], []
        for inbound in map(sanitize_inbound, inbounds):
            parse_data, metadata = interpret(inbound, tracker.last_buttons, self.parse)
            before = len(tracker.events)
            replies.append(self._turn(tracker, inbound.update_id, parse_data, metadata).replies)
            events = tracker.events[before:]
            slots_set.append({e["name"]: e.get("value") for e in events if e["event"] == "slot"})
        return Rehearsal(replies, slots_set)

    def _turn(
        self,
        tracker: TrackerState,
        seed: str,
        parse_data: dict[str, Any],
        metadata: dict[str, Any],
    ) -> _Turn:
        turn = _Turn(tracker=tracker, seed=seed)
        page = self._more_choices(parse_data, tracker.last_buttons)
        if page is not None:
            # Paging a list is no dialogue step: slots, form and the buttons a
            # typed number refers to stay as they were.
            turn.replies.append(page)
        else:
            tracker.user_uttered(parse_data, metadata)
            self._respond(turn)
            tracker.last_buttons = _last_buttons(turn.replies)
        return turn

    def _flood(
        self,
        session: Session,
        conversation: Conversation,
        inbound: Inbound,
        arrivals: list[float],
    ) -> int | None:
        """More messages in the last minute than a person types (returns how many; None
        when not): kept in the log, not processed, so one flooding sender cannot hold up
        everyone else's turns."""
        limit = get_settings().rate_messages_per_minute
        recent = len(arrivals)
        if recent <= limit:
            return None
        log.warning("conversation %s: %s messages in a minute; not processed", conversation.id,
                    recent)  # fmt: skip
        store.save_state(
            session=session, conversation=conversation, state=conversation.state or {},
            events=conversation.events or [], arrivals=arrivals,
        )  # fmt: skip
        store.write_log(session=session, rows=[store.log_row(
            conversation=conversation, direction="in", update_id=inbound.update_id,
            payload={"inbound": inbound_dict(inbound), "rate_limited": True},
        )])  # fmt: skip
        return recent

    def _flood_replies(self, session: Session, inbound: Inbound, recent: int) -> list[Outbound]:
        limit = get_settings().rate_messages_per_minute
        if recent != limit + 1:  # told once, on the first message over the limit
            return []
        notice = [self.render("utter_pesan_terlalu_cepat", batas=limit)]
        if self.reply_sink is not None:
            self.reply_sink(session, inbound, notice)
            return []
        return notice

    def _more_choices(
        self, parse_data: dict[str, Any], last_buttons: list[dict[str, str]]
    ) -> Outbound | None:
        """The last buttons again from the index asked for ("more choices"); None when
        this is not such a request. A stale one (a list of an earlier question) says so."""
        if (parse_data.get("intent") or {}).get("name") != MORE_CHOICES_INTENT:
            return None
        entities = parse_data.get("entities") or ()
        start = next((int(e["value"]) for e in entities if e["entity"] == "start"), 0)
        if not 0 < start < len(last_buttons):
            return self.render("utter_pilihan_kedaluwarsa")
        page = self.render("utter_pilihan_berikutnya")
        page.buttons = [Button(b["title"], b["payload"], b.get("short")) for b in last_buttons]
        page.page_start = start
        return page

    def render(self, response: str, **variables: Any) -> Outbound:
        """A domain response outside any conversation (e.g. a channel's usage hint)."""
        return render_response(self.domain, response, variables)

    def _respond(self, turn: _Turn) -> None:
        tracker = turn.tracker
        intent = (tracker.latest_message.get("intent") or {}).get("name") or FALLBACK_INTENT
        loop = tracker.active_loop
        if is_emergency(tracker.latest_message) and self._emergency_first(turn, intent, loop):
            return
        if loop is not None:
            interruption = self.rules.for_intent(intent, loop)
            if interruption is None or not self._interrupts(turn, interruption.actions):
                if self._form_step(turn, loop, validate=True):
                    self._follow_rules(turn, intent)  # the form let go of the message
                return
            if interruption.form and tracker.active_loop == interruption.form:
                self._form_step(turn, interruption.form, validate=False)
            return
        self._follow_rules(turn, intent)

    def _follow_rules(self, turn: _Turn, intent: str) -> None:
        """The rule for the message's intent outside any form."""
        tracker = turn.tracker
        outcome = self.rules.for_intent(intent, None) or self.rules.for_intent(
            FALLBACK_INTENT, None
        )
        if outcome is None:
            raise LookupError("rules.yml needs a rule for nlu_fallback")
        self._run_actions(turn, outcome.actions)
        if outcome.form:
            tracker.set_active_loop(outcome.form)
            self._form_step(turn, outcome.form, validate=True)

    def _interrupts(self, turn: _Turn, actions: tuple[str, ...]) -> bool:
        """Run an interruption's actions, unless its first action rejects the
        message (Rasa's ActionExecutionRejected: "an address, not a question"),
        which then goes to the form as an answer."""
        if actions and not actions[0].startswith("utter_"):
            events = self._run_action(turn, actions[0])
            if any(e.get("event") == REJECTED_EVENT for e in events):
                return False
            actions = actions[1:]
        self._run_actions(turn, actions)
        return True

    def _emergency_first(self, turn: _Turn, intent: str, loop: str | None) -> bool:
        """Someone in danger now (the NLU's `darurat` entity): the emergency rule's
        reply (112) comes first, wherever the conversation is. A complaint or a
        question then goes on as usual (False); a bare emergency inside the form
        is still an answer or more detail, so the form records it (True)."""
        rule = self.rules.for_intent(EMERGENCY_INTENT, loop) or self.rules.for_intent(
            EMERGENCY_INTENT, None
        )
        if rule is not None:
            self._run_actions(turn, rule.actions)
        if intent != EMERGENCY_INTENT:
            return False
        if loop is not None:
            self._form_step(turn, loop, validate=True)
        return True

    # --- forms ------------------------------------------------------------
    def _form_step(self, turn: _Turn, form: str, *, validate: bool) -> bool:
        """Fill the form from the latest message, then ask the next slot or submit.
        True when the validation ended the form and rejected the message (a new
        request, not an answer), which the rules then handle."""
        tracker = turn.tracker
        tracker.action_executed(form)
        requested: str | None = None
        explicit_request = rejected = False
        if validate and has_action(f"validate_{form}"):
            for event in self._run_action(turn, f"validate_{form}"):
                if event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT:
                    requested, explicit_request = event.get("value"), True
                rejected = rejected or event.get("event") == REJECTED_EVENT
        if tracker.active_loop != form:
            return rejected  # the validation action ended the form (e.g. cancelled)
        if not explicit_request:
            requested = next(
                (s for s in self.domain.required_slots(form) if tracker.slots.get(s) is None),
                None,
            )
        if requested is not None:
            tracker.set_slot(REQUESTED_SLOT, requested)
            if (tracker.latest_message.get("metadata") or {}).get("more_follow"):
                return False  # more photos of an album wait: the last one gets the question
            ask = f"action_ask_{requested}"
            self._run_actions(turn, [ask if has_action(ask) else f"utter_ask_{requested}"])
            return False
        tracker.set_slot(REQUESTED_SLOT, None)
        tracker.set_active_loop(None)
        self._run_actions(turn, self.rules.after_form.get(form, ()))
        return False

    # --- actions ----------------------------------------------------------
    def _run_actions(self, turn: _Turn, names: tuple[str, ...] | list[str]) -> None:
        for name in names:
            if name.startswith("utter_"):
                turn.tracker.action_executed(name)
                self._reply(turn, render_response(self.domain, name, turn.tracker.slots, turn.seed))
            else:
                self._run_action(turn, name)

    def _run_action(self, turn: _Turn, name: str) -> list[dict[str, Any]]:
        tracker = turn.tracker
        result = run_action(name, tracker, self.domain)
        tracker.action_executed(name)
        for event in result.events:
            tracker.apply(event, self.domain)
        for message in result.messages:
            self._reply(turn, render_message(self.domain, message, tracker.slots, turn.seed))
        return result.events

    def _reply(self, turn: _Turn, outbound: Outbound) -> None:
        if outbound.empty:
            return
        turn.tracker.bot_uttered(outbound.text, outbound.to_dict())
        turn.replies.append(outbound)


def _last_buttons(replies: list[Outbound]) -> list[dict[str, str]]:
    for reply in reversed(replies):
        if reply.buttons:
            return [b.to_dict() for b in reply.buttons]
    return []
