"""Deliver outbox notifications through the Telegram Bot API.

Maps PTB errors to outbox outcomes: the user blocked the bot (Forbidden) stops
their notifications; flood control (RetryAfter), time-outs and server errors are
retried later; any other bad request fails for good.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from channels.telegram.outbound import Labels, send_outbound
from dialogue.delivery import Deliver, Delivery, Outcome, Result


def telegram_deliver(bot: Bot, labels: Labels) -> Deliver:
    async def deliver(delivery: Delivery) -> Outcome:
        try:
            await send_outbound(bot, int(delivery.user_key), delivery.message, labels)
        except Forbidden as error:
            return Outcome(Result.BLOCKED, str(error))
        except RetryAfter as error:
            with warnings.catch_warnings():  # int today, timedelta in PTB 23: both handled
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = error.retry_after
            delay = wait if isinstance(wait, timedelta) else timedelta(seconds=float(wait))
            return Outcome(Result.RETRY, "flood control", delay)
        except BadRequest as error:  # before NetworkError: BadRequest subclasses it
            return Outcome(Result.FAILED, str(error))
        except (NetworkError, TelegramError) as error:
            return Outcome(Result.RETRY, f"{type(error).__name__}: {error}")
        return Outcome(Result.SENT)

    return deliver
