"""Knowledge-base commands (`python -m bot knowledge ...`).

python -m bot knowledge list [--json]                  topics, sources, last checked
python -m bot knowledge ask "pertanyaan" [--sebelumnya "pesan"]... [--json]
                                                       the chat's answer, nothing stored
python -m bot knowledge stale [--days 180] [--json]    facts due for re-checking
python -m bot knowledge mpp --lat LAT --lon LON [--json]
python -m bot knowledge region --lat LAT --lon LON [--json]
python -m bot knowledge evaluate [--json]              retrieval accuracy
python -m bot knowledge service-eval [--json]          topic and facet accuracy of the answers
python -m bot knowledge region-eval [--json]           region look-up accuracy
python -m bot knowledge unanswered [--json] [--status open] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.cli.output import print_json
from bot.texts import TEXTS


def _cmd_list(args: argparse.Namespace) -> int:
    from knowledge.faq import all_topics

    topics: list[dict[str, Any]] = [
        {
            "id": t.id,
            "title": t.title,
            "last_checked": t.last_checked.isoformat(),
            "facets": list(t.facets),
            "sources": [s.url for s in t.cited],
            "unconfirmed": [f for f in t.facets if t.unconfirmed(f)],
        }
        for t in all_topics().values()
    ]
    if args.json:
        print_json(topics)
        return 0
    for t in topics:
        print(TEXTS.text("knowledge", "topic_line", id=t["id"], dicek=t["last_checked"],
                         sumber=len(t["sources"]), judul=t["title"]))  # fmt: skip
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    """The chat's own answer: the dialogue engine answers the question (after the
    `--sebelumnya` messages, as one conversation) in memory, and nothing is stored."""
    from channels.console import CHANNEL, format_outbound
    from core.db import dry_run
    from dialogue.engine import DialogueEngine
    from dialogue.messages import Inbound

    engine = DialogueEngine()
    texts = [*args.sebelumnya, args.question]
    inbounds = [Inbound(CHANNEL, "knowledge-ask", f"ask-{i}", text=t) for i, t in enumerate(texts)]
    with dry_run():
        rehearsal = engine.rehearse(inbounds)
    slots = rehearsal.slots_set[-1]
    topic, facet = slots.get("topik_faq"), slots.get("aspek_faq")
    answer = "\n\n".join(format_outbound(reply, engine) for reply in rehearsal.replies[-1])
    if args.json:
        print_json({"question": args.question, "before": args.sebelumnya, "topic": topic,
                    "facet": facet, "answer": answer})  # fmt: skip
    else:
        print(answer)
    return 0 if topic else 2


def _cmd_stale(args: argparse.Namespace) -> int:
    from knowledge.stale import stale_facts

    due = stale_facts(days=args.days)
    if args.json:
        print_json([asdict(fact) for fact in due])
        return 0
    for fact in due:
        print(TEXTS.text("knowledge", "stale_line", dicek=fact.checked, topik=fact.topic,
                         aspek=fact.facet, teks=fact.text[:80]))  # fmt: skip
    print(TEXTS.text("knowledge", "stale_total", jumlah=len(due), hari=args.days))
    return 0


def _cmd_mpp(args: argparse.Namespace) -> int:
    from knowledge.geo.region import coordinates_valid
    from knowledge.mpp import mpp_to_dict, nearest_mpps

    if not coordinates_valid(args.lat, args.lon):
        print(TEXTS.text("knowledge", "bad_coordinates"), file=sys.stderr)
        return 1
    nearby = [
        mpp_to_dict(n.mpp, n.distance_km)
        for n in nearest_mpps(args.lat, args.lon, limit=args.limit)
    ]
    if args.json:
        print_json(nearby)
        return 0
    for n in nearby:
        mark = "±" if n["coordinates_approximate"] else ""
        print(f"{mark}{n['distance_km']:>7.2f} km  {n['name']}  ({n['address'] or '-'})")
    return 0


def _cmd_region(args: argparse.Namespace) -> int:
    from knowledge.geo.region import coordinates_valid, locate

    if not coordinates_valid(args.lat, args.lon):
        print(TEXTS.text("knowledge", "bad_coordinates"), file=sys.stderr)
        return 1
    match = asdict(locate(args.lat, args.lon))
    if args.json:
        print_json(match)
    else:
        where = (
            match["region_name"]
            if match["in_lampung"]
            else TEXTS.text("knowledge", "outside_lampung", alasan=match["reason"])
        )
        print(TEXTS.text("knowledge", "region", wilayah=where, desa=match["nearest_place"],
                     jarak=match["distance_km"]))  # fmt: skip
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from knowledge.retrieval_eval import evaluate

    report = evaluate()
    if args.json:
        print_json(report)
        return 0
    held, cv = report["held_out"], report["cross_validation"]
    print(
        f"held-out: {held['questions']} questions, top-1 {held['top1_accuracy']:.3f}, "
        f"answered {held['answered_rate']:.3f} (precision {held['answered_precision']})"
    )
    print(
        f"cross-validation: {cv['questions']} questions, top-1 {cv['top1_accuracy']:.3f}, "
        f"answered {cv['answered_rate']:.3f} (precision {cv['answered_precision']})"
    )
    print(f"non-questions answered: {report['non_questions']['answered_rate']:.3f}")
    for error in held["errors"]:
        print(f"  {error['topic']:<20} -> {error['got']!s:<20} {error['text']}")
    return 0


def _cmd_service_eval(args: argparse.Namespace) -> int:
    from bot.service_eval import evaluate, load_questions

    report = evaluate(load_questions(args.file) if args.file else None)
    if args.json:
        print_json(report)
        return 0
    print(
        f"service questions: {report['questions']}, topic {report['topic_accuracy']:.3f}, "
        f"facet {report['facet_accuracy']:.3f}, both {report['topic_and_facet_accuracy']:.3f}"
    )
    for kind, counts in report["by_kind"].items():
        print(f"  {kind:<10} {counts['right']}/{counts['questions']}")
    for kind, lengths in report["answer_lengths"].items():
        print(f"  length of {kind} answers: median {lengths['median']}, p90 {lengths['p90']}, "
              f"max {lengths['max']}")  # fmt: skip
    for error in report["errors"]:
        print(f"  {error['topic']}/{error['facet']} -> {error['got_topic']}/{error['got_facet']}"
              f"  {error['text']}")  # fmt: skip
    return 0


def _cmd_region_eval(args: argparse.Namespace) -> int:
    from knowledge.geo.evaluate import evaluate

    report = evaluate()
    if args.json:
        print_json(report)
        return 0
    geo, loo = report["geonames"], report["leave_one_out"]
    print(
        f"GeoNames points: {geo['points']} ({geo['lampung_points']} in Lampung), "
        f"accuracy {geo['accuracy']:.4f}"
    )
    print(
        f"leave-one-out villages: {loo['villages']}, region {loo['region_accuracy']:.4f}, "
        f"province {loo['province_accuracy']:.4f}"
    )
    return 0


def _cmd_unanswered(args: argparse.Namespace) -> int:
    from core.db import transaction
    from knowledge.unanswered import list_unanswered, question_to_dict

    with transaction() as session:
        questions = [
            question_to_dict(q)
            for q in list_unanswered(session=session, status=args.status, limit=args.limit)
        ]
    if args.json:
        print_json(questions)
        return 0
    for q in questions:
        forward = TEXTS.text("knowledge", "forwarded") if q["forward_requested"] else ""
        print(f"{q['id']:>5}  {q['created_at'][:16]}  {q['status']:<8}{forward:<9} {q['text']}")
    return 0


def register(sub: Any) -> None:
    knowledge = sub.add_parser(
        "knowledge",
        help="service topics, free questions, MPPs, regions, unanswered questions",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    knowledge_sub = knowledge.add_subparsers(dest="knowledge_command", required=True)

    def command(name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        p = knowledge_sub.add_parser(name, help=help_text)
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)
        return p

    command("list", _cmd_list, "topics with sources and last-checked dates")
    ask = command("ask", _cmd_ask, "the chat's answer to a question (exit 2: no service topic)")
    ask.add_argument("question")
    ask.add_argument("--sebelumnya", action="append", default=[], metavar="PESAN",
                     help="an earlier message of the same chat (repeatable, in order)")  # fmt: skip
    command("stale", _cmd_stale, "facts due for re-checking").add_argument(
        "--days", type=int, default=180, help="checked more than this many days ago"
    )
    for name, func, help_text in (
        ("mpp", _cmd_mpp, "nearest Mal Pelayanan Publik"),
        ("region", _cmd_region, "kabupaten/kota of a pin"),
    ):
        p = command(name, func, help_text)
        p.add_argument("--lat", type=float, required=True)
        p.add_argument("--lon", type=float, required=True)
        if name == "mpp":
            p.add_argument("--limit", type=int, default=3)
    command("evaluate", _cmd_evaluate, "retrieval accuracy (held-out and cross-validation)")
    command(
        "service-eval", _cmd_service_eval, "topic and facet accuracy of service answers"
    ).add_argument(
        "--file", type=Path, help="another question set (default: tests/data/service_questions.yml)"
    )
    command("region-eval", _cmd_region_eval, "region look-up accuracy on known points")
    unanswered = command("unanswered", _cmd_unanswered, "questions the bot could not answer")
    unanswered.add_argument("--status")
    unanswered.add_argument("--limit", type=int, default=50)
