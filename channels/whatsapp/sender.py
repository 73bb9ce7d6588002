"""Send engine replies to a WhatsApp user and remember each message we sent.

Every accepted message is recorded (whatsapp_message) so that status webhooks
(sent, delivered, read, failed) land on it: at once in a transaction of its own,
or, given a `sent` list, by the caller (the outbox, with its settlement). A photo is
uploaded first and sent by its media id. Each send waits for Meta's limits
(limits.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from channels.whatsapp import store
from channels.whatsapp.client import GraphClient
from channels.whatsapp.limits import SendLimits
from channels.whatsapp.payloads import Labels, image_payload, payloads_for
from core.db import transaction
from dialogue.engine import DialogueEngine
from dialogue.messages import Outbound


@dataclass(frozen=True)
class Sent:
    """A message Meta accepted, to be recorded."""

    wamid: str
    wa_id: str
    kind: str
    notification_id: int | None

    def record(self, session: Session) -> None:
        store.record_sent(
            session=session, wamid=self.wamid, wa_id=self.wa_id, kind=self.kind,
            notification_id=self.notification_id,
        )  # fmt: skip


def record_all(sent: list[Sent]) -> Callable[[Session], None]:
    """What records `sent` in a given session (an Outcome's `record`)."""

    def record(session: Session) -> None:
        for item in sent:
            item.record(session)

    return record


def labels_from(engine: DialogueEngine) -> Labels:
    return Labels(
        list_button=engine.render("utter_tombol_pilih").text or "",
        choose=engine.render("utter_silakan_pilih").text or "",
        send_location=engine.render("utter_tombol_kirim_lokasi").text or "",
        more=engine.render("utter_tombol_berikutnya").text or "",
        more_description=engine.render("utter_tombol_berikutnya_keterangan").text or "",
    )


@dataclass
class Sender:
    client: GraphClient
    labels: Labels
    database_url: str | None = None
    limits: SendLimits | None = None

    def _record(self, item: Sent) -> None:
        with transaction(self.database_url) as session:
            item.record(session)

    async def send_payload(
        self,
        payload: dict[str, Any],
        *,
        notification_id: int | None = None,
        sent: list[Sent] | None = None,
    ) -> str:
        """One message; recorded at once, or appended to `sent` for the caller to record."""
        to = str(payload["to"])
        if self.limits is None:
            wamid = await self.client.send(payload)
        else:
            async with self.limits.send_to(to):
                wamid = await self.client.send(payload)
        item = Sent(wamid, to, str(payload["type"]), notification_id)
        if sent is None:
            await asyncio.to_thread(self._record, item)
        else:
            sent.append(item)
        return wamid

    async def send(
        self,
        wa_id: str,
        message: Outbound,
        *,
        notification_id: int | None = None,
        sent: list[Sent] | None = None,
    ) -> list[str]:
        """All API calls for one Outbound, in order; a GraphError stops at the failed one
        (what went before it is in `sent` already)."""
        ids = []
        for payload in payloads_for(wa_id, message, self.labels):
            ids.append(await self.send_payload(payload, notification_id=notification_id,
                                               sent=sent))  # fmt: skip
        if message.image_path:
            media_id = await self.client.upload(Path(message.image_path))
            payload = image_payload(wa_id, media_id)
            ids.append(await self.send_payload(payload, notification_id=notification_id,
                                               sent=sent))  # fmt: skip
        return ids
