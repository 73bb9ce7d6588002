"""Send engine replies to a WhatsApp user and remember each message we sent.

Every accepted message is recorded (whatsapp_message) so that status webhooks
(sent, delivered, read, failed) land on it. A photo is uploaded first and sent by
its media id.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from channels.whatsapp import store
from channels.whatsapp.client import GraphClient
from channels.whatsapp.payloads import Labels, image_payload, payloads_for
from core.db import transaction
from dialogue.engine import DialogueEngine
from dialogue.messages import Outbound


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

    def _record(self, wamid: str, payload: dict[str, Any], notification_id: int | None) -> None:
        with transaction(self.database_url) as session:
            store.record_sent(
                session=session, wamid=wamid, wa_id=str(payload["to"]),
                kind=str(payload["type"]), notification_id=notification_id,
            )  # fmt: skip

    async def send_payload(
        self, payload: dict[str, Any], *, notification_id: int | None = None
    ) -> str:
        wamid = await self.client.send(payload)
        await asyncio.to_thread(self._record, wamid, payload, notification_id)
        return wamid

    async def send(
        self, wa_id: str, message: Outbound, *, notification_id: int | None = None
    ) -> list[str]:
        """All API calls for one Outbound, in order; a GraphError stops at the failed one."""
        sent = []
        for payload in payloads_for(wa_id, message, self.labels):
            sent.append(await self.send_payload(payload, notification_id=notification_id))
        if message.image_path:
            media_id = await self.client.upload(Path(message.image_path))
            payload = image_payload(wa_id, media_id)
            sent.append(await self.send_payload(payload, notification_id=notification_id))
        return sent
