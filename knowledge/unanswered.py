"""Log of questions the bot could not answer (for content editors and operators)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.models import UnansweredQuestion
from nlu.entities import mask_pii

MAX_TEXT_CHARS = 2000


def log_unanswered(
    *,
    session: Session,
    channel: str,
    user_key: str,
    text: str,
    best_topic: str | None,
    best_score: float | None,
) -> UnansweredQuestion:
    question = UnansweredQuestion(
        channel=channel,
        user_key=user_key,
        text=mask_pii(text)[:MAX_TEXT_CHARS],
        best_topic=best_topic,
        best_score=best_score,
    )
    session.add(question)
    session.flush()
    return question


def request_forward(*, session: Session, channel: str, user_key: str) -> UnansweredQuestion | None:
    """Mark this user's latest unanswered question for an operator; None if there is none."""
    question = session.scalars(
        select(UnansweredQuestion)
        .where(UnansweredQuestion.channel == channel, UnansweredQuestion.user_key == user_key)
        .order_by(UnansweredQuestion.id.desc())
        .limit(1)
    ).first()
    if question is not None:
        question.forward_requested = True
    return question


def list_unanswered(
    *, session: Session, status: str | None = None, limit: int = 50
) -> list[UnansweredQuestion]:
    query = select(UnansweredQuestion).order_by(UnansweredQuestion.id.desc()).limit(limit)
    if status:
        query = query.where(UnansweredQuestion.status == status)
    return list(session.scalars(query))


def question_to_dict(question: UnansweredQuestion) -> dict[str, Any]:
    return {
        "id": question.id,
        "created_at": question.created_at.isoformat(),
        "channel": question.channel,
        "text": question.text,
        "best_topic": question.best_topic,
        "best_score": question.best_score,
        "forward_requested": question.forward_requested,
        "status": question.status,
    }
