"""The Telegram bot: a PTB Application whose one handler feeds the dialogue engine.

Updates are stored first (the webhook, the poller) and processed by the update
processor (processor.py), several chats side by side; the engine runs in a worker
thread because it is synchronous. "typing..." is shown only when an answer is not
ready within TYPING_AFTER seconds (a photo, a busy moment): each one is a Bot API
call of the bot's 30 a second. Buttons pressed
outside the conversation (staff actions) go to the ``buttons`` handler the
composition root gives; background tasks are started by bot/workers.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from telegram import Bot, BotCommand, CallbackQuery, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from channels.telegram.inbound import CHANNEL, to_inbound
from channels.telegram.limits import TelegramLimits
from channels.telegram.outbound import Labels, send_outbound
from channels.telegram.request import GET_UPDATES_POOL_SIZE, POOL_SIZE, AiohttpRequest
from core.settings import Settings, get_settings
from dialogue.commands import commands
from dialogue.delivery import ButtonHandler, ButtonReply, TurnHook
from dialogue.engine import DialogueEngine

log = logging.getLogger(__name__)

ADAPTER_KEY = "laporin_adapter"
# Seconds an answer may take before the chat is shown "typing...".
TYPING_AFTER = 1.0


class TelegramAdapter:
    """Maps one update to the engine and its replies back to the chat."""

    def __init__(
        self, engine: DialogueEngine, *, download_dir: Path, buttons: ButtonHandler | None = None
    ) -> None:
        self.engine = engine
        self.download_dir = download_dir
        self.buttons = buttons
        # Called after a turn whose replies the engine queued (the composition root
        # wires it to the outbox worker's wake-up).
        self.replies_queued: Callable[[], None] | None = None
        self.labels = Labels(send_location=engine.render("utter_tombol_kirim_lokasi").text or "")
        self.apology = engine.render("utter_maaf_gangguan").text or ""

    async def handle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB's handler (an update PTB dispatches itself); errors reach `on_error`."""
        await self.process(update, context.bot)

    async def process(
        self, update: Update, bot: Bot, *, more_follow: bool = False,
        on_turn: TurnHook | None = None,
    ) -> None:  # fmt: skip
        """One update through the engine and back; raises when it could not be handled
        (the stored-update processor retries it). `more_follow`: the next stored update
        is a photo of the same album (the engine keeps its question for the last).
        `on_turn`: run in the turn's transaction (the processor settles the update)."""
        query = update.callback_query
        if query is not None and self.buttons is not None:
            answer = await asyncio.to_thread(
                self.buttons, CHANNEL, str(query.from_user.id), query.data or "", _chat_key(query)
            )
            if answer is not None:
                await self.answer_button(query, answer)
                return
        if query is not None:
            await _acknowledge(query)
        chat = update.effective_chat
        typing = asyncio.create_task(_typing_later(bot, chat.id)) if chat is not None else None
        try:
            inbound = await to_inbound(update, bot, download_dir=self.download_dir)
            if inbound is None:
                return
            if inbound.photo is not None and more_follow:
                inbound = replace(inbound, more_follow=True)
            try:
                replies = await asyncio.to_thread(self.engine.handle, inbound, on_turn=on_turn)
            finally:
                if inbound.photo is not None:
                    Path(inbound.photo.path).unlink(missing_ok=True)
        finally:
            if typing is not None:
                typing.cancel()
        chat_id = int(inbound.user_key)
        for reply in replies:
            await send_outbound(bot, chat_id, reply, self.labels)
        if self.replies_queued is not None:
            self.replies_queued()

    async def answer_button(self, query: CallbackQuery, reply: ButtonReply) -> None:
        """A button in an operator or agency chat: a workflow action, not a conversation."""
        with contextlib.suppress(TelegramError):
            await query.answer(reply.text, show_alert=not reply.ok)
        if reply.ok and query.message is not None:
            with contextlib.suppress(TelegramError):
                await query.edit_message_reply_markup(reply_markup=None)
            await query.message.get_bot().send_message(query.message.chat.id, reply.text)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log without message content or tokens; apologise to the chat; keep running."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error(
            "telegram update %s failed: %s",
            update_id,
            type(context.error).__name__,
            exc_info=context.error,
        )
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None:
            await self.apologise(context.bot, chat.id)

    async def apologise(self, bot: Bot, chat_id: int) -> None:
        """Something broke for good: say so, once, rather than stay silent."""
        if not self.apology:
            return
        try:
            await bot.send_message(chat_id, self.apology)
        except TelegramError:
            log.warning("could not send the apology to a chat")


async def _acknowledge(query: CallbackQuery) -> None:
    """Stop the button's spinner and remove the keyboard, so it is not pressed twice.
    A stale or already edited message is fine: the press still reaches the engine."""
    try:
        await query.answer()
    except TelegramError:
        log.info("callback query %s could not be answered (too old)", query.id)
    if query.message is not None:
        # The message may be too old or already without a keyboard.
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(reply_markup=None)


def _chat_key(query: CallbackQuery) -> str | None:
    """The chat a button was pressed in (a group's id differs from the presser's)."""
    return str(query.message.chat.id) if query.message is not None else None


async def _typing_later(bot: Bot, chat_id: int) -> None:
    """ "typing..." if the answer is not ready within TYPING_AFTER seconds."""
    await asyncio.sleep(TYPING_AFTER)
    with contextlib.suppress(TelegramError):  # only a hint
        await bot.send_chat_action(chat_id, ChatAction.TYPING)


async def set_commands(application: Application) -> None:
    """The Indonesian command menu (dialogue/commands.yml, shared by every channel)."""
    await application.bot.set_my_commands(
        [BotCommand(c.command, c.description) for c in commands()]
    )


def adapter_of(application: Application) -> TelegramAdapter:
    adapter: TelegramAdapter = application.bot_data[ADAPTER_KEY]
    return adapter


def build_application(
    *,
    engine: DialogueEngine | None = None,
    settings: Settings | None = None,
    updater: bool = True,
    request: BaseRequest | None = None,
    buttons: ButtonHandler | None = None,
) -> Application:
    settings = settings or get_settings()
    if not settings.telegram_bot_token:
        raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
    adapter = TelegramAdapter(
        engine or DialogueEngine(),
        download_dir=Path(settings.media_dir) / "incoming",
        buttons=buttons,
    )
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .post_init(set_commands)
        # Telegram's limits: overall, per group and per chat (limits.py).
        .rate_limiter(TelegramLimits())
    )
    if not updater:
        builder = builder.updater(None)
    if request is not None:  # tests: an offline request instead of HTTP
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.request(AiohttpRequest(connection_pool_size=POOL_SIZE))
        builder = builder.get_updates_request(
            AiohttpRequest(connection_pool_size=GET_UPDATES_POOL_SIZE)
        )
    application = builder.build()
    application.bot_data[ADAPTER_KEY] = adapter
    application.add_handler(CallbackQueryHandler(adapter.handle))
    application.add_handler(MessageHandler(filters.ALL, adapter.handle))
    application.add_error_handler(adapter.on_error)
    return application
