"""WhatsApp channel on Meta's WhatsApp Cloud API (issue 7, in progress).

payloads.py maps Outbound to Cloud API message payloads within Meta's limits;
signature.py checks webhook signatures and the verification handshake. The
webhook route, inbound mapping and the Graph API client come next.
"""
