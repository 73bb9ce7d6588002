"""Load and check all knowledge data at service start, not on a citizen's first message.

A broken data file (a topic without an official source, an MPP in an unknown
region) then stops the bot at start-up with a clear error.
"""

from __future__ import annotations


def preload() -> None:
    from knowledge.faq import all_topics
    from knowledge.geo.gazetteer import preload as preload_gazetteer
    from knowledge.geo.region import preload as preload_region
    from knowledge.mpp import all_mpps
    from knowledge.retrieval import default_index

    all_topics()
    all_mpps()
    preload_region()
    preload_gazetteer()
    default_index()
