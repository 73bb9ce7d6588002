"""WhatsApp channel on Meta's WhatsApp Cloud API (docs/operations.md#whatsapp).

webhook.py receives (handshake, signature check, store, 200); processor.py runs
stored events through the engine; inbound.py and payloads.py translate between
Meta's formats and Inbound/Outbound; sender.py and client.py talk to the Graph
API; delivery.py sends ticket notifications, as a template outside the 24-hour
window; store.py and models.py keep events, sent messages and windows.
"""
