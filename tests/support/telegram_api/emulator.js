'use strict';

// Telegram Bot API emulator for Laporin's end-to-end tests.
//
// Usage: node tests/support/telegram_api/emulator.js <port> [--watch-stdin]
//
// Wraps telegram-test-api 4.2.1 (its TelegramServer keeps the storage, the counters,
// the webhooks and the client routes) behind an express app that answers every
// /bot<token>/<method> call the way the real Bot API does, so python-telegram-bot 22
// works against it with base_url=http://127.0.0.1:<port>/bot and
// base_file_url=http://127.0.0.1:<port>/file/bot. Test-only routes live under
// /_test/<token>/. Prints "READY <port>" once listening; exits on SIGTERM/SIGINT and,
// with --watch-stdin, when its standard input closes (the test process is gone).

const crypto = require('crypto');
const busboy = require('busboy');
const express = require('express');
const TelegramServer = require('telegram-test-api'); // the module exports the class itself

const HOST = '127.0.0.1';
const BODY_LIMIT = 50 * 1024 * 1024;
const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write('usage: node emulator.js <port> [--watch-stdin]\n');
  process.exit(2);
}

// storeTimeout is in seconds: keep everything for the whole test run.
const server = new TelegramServer({ host: HOST, port, storeTimeout: 24 * 3600 });
const libraryApp = server.webServer;

const state = {
  calls: [], // {token, chat_id, method, payload, result}
  files: new Map(), // `${token}\n${file_id}` -> {file_id, file_unique_id, file_path, data}
  commands: new Map(), // `${token}\n${scope}\n${language}` -> [BotCommand]
  chats: new Map(), // `${token}\n${chat_id}` -> Chat seen in an injected update
  callbackChats: new Map(), // `${token}\n${callback_query_id}` -> chat id
  userMessages: new Set(), // `${token}\n${chat_id}\n${message_id}` of injected messages
  uploads: 0,
};

class ApiError extends Error {
  constructor(code, description) {
    super(description);
    this.code = code;
  }
}
const badRequest = (description) => new ApiError(400, `Bad Request: ${description}`);

const key = (...parts) => parts.map(String).join('\n');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

// ---------------------------------------------------------------- request parsing

// Values PTB (and any form client) sends as plain strings that must stay strings.
const STRING_FIELDS = new Set([
  'text', 'caption', 'title', 'address', 'foursquare_id', 'foursquare_type',
  'google_place_id', 'google_place_type', 'callback_query_id', 'inline_message_id',
  'parse_mode', 'action', 'url', 'file_id', 'language_code', 'secret_token', 'ip_address',
  'first_name', 'last_name', 'phone_number', 'vcard', 'emoji', 'business_connection_id',
  'message_effect_id', 'description', 'short_description', 'name',
]);
const NUMBER_RE = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

// Form and multipart values arrive as strings; PTB JSON-encodes every non-string value.
function decodeFormValue(name, value) {
  if (typeof value !== 'string' || STRING_FIELDS.has(name)) return value;
  const trimmed = value.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  if (NUMBER_RE.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  return value;
}

function multipart(req, _res, next) {
  if (!req.is('multipart/form-data')) {
    next();
    return;
  }
  let parser;
  try {
    parser = busboy({ headers: req.headers, limits: { fileSize: BODY_LIMIT } });
  } catch (error) {
    next(error);
    return;
  }
  const fields = {};
  const files = {};
  const pending = [];
  parser.on('field', (name, value) => {
    fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    pending.push(new Promise((resolve, reject) => {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => {
        files[name] = { filename: info.filename, mimeType: info.mimeType, data: Buffer.concat(chunks) };
        resolve();
      });
    }));
  });
  parser.on('error', next);
  parser.on('close', () => {
    Promise.all(pending).then(() => {
      req.body = fields;
      req.files = files;
      req._body = true; // tell later body parsers (the library's) that the body is read
      next();
    }, next);
  });
  req.pipe(parser);
}

function readParams(req) {
  const params = {};
  const isJson = req.is('application/json');
  for (const [name, value] of Object.entries(req.query || {})) {
    params[name] = decodeFormValue(name, value);
  }
  const body = req.body && typeof req.body === 'object' ? req.body : {};
  for (const [name, value] of Object.entries(body)) {
    params[name] = isJson ? value : decodeFormValue(name, value);
  }
  return params;
}

// ---------------------------------------------------------------- Telegram objects

function botUser(token) {
  const match = /^(\d+):/.exec(token);
  return {
    id: match ? Number(match[1]) : 666,
    is_bot: true,
    first_name: 'Laporin Test Bot',
    username: 'laporin_test_bot',
  };
}

function numericChatId(chatId) {
  if (typeof chatId === 'number') return chatId;
  if (typeof chatId === 'string' && NUMBER_RE.test(chatId)) return Number(chatId);
  // "@channelusername": a stable negative id
  const hash = crypto.createHash('sha256').update(String(chatId)).digest().readUInt32BE(0);
  return -1000000000000 - hash;
}

function chatFor(token, chatId) {
  const id = numericChatId(chatId);
  const seen = state.chats.get(key(token, id));
  if (seen) return clone(seen);
  if (typeof chatId === 'string' && chatId.startsWith('@')) {
    return { id, type: 'channel', username: chatId.slice(1), title: chatId.slice(1) };
  }
  return id > 0 ? { id, type: 'private', first_name: 'Test' } : { id, type: 'group', title: 'Test group' };
}

const DATE_KEYS = new Set(['date', 'edit_date', 'forward_date']);

// Millisecond timestamps (the library's) -> seconds, anywhere in an object.
function fixDates(value) {
  if (Array.isArray(value)) {
    value.forEach(fixDates);
  } else if (value && typeof value === 'object') {
    for (const [name, inner] of Object.entries(value)) {
      if (DATE_KEYS.has(name) && typeof inner === 'number' && inner > 1e11) {
        value[name] = Math.floor(inner / 1000);
      } else if (name === 'botToken') {
        delete value[name];
      } else {
        fixDates(inner);
      }
    }
  }
  return value;
}

const MESSAGE_CONTENT_KEYS = [
  'text', 'entities', 'caption', 'caption_entities', 'photo', 'location', 'venue',
  'document', 'contact', 'reply_markup', 'edit_date', 'has_protected_content',
];

// The Message the bot gets back for a stored bot message.
function botMessage(entry) {
  const stored = entry.message;
  const message = {
    message_id: entry.messageId,
    from: botUser(entry.botToken),
    date: Math.floor(entry.time / 1000),
    chat: chatFor(entry.botToken, stored.chat_id),
  };
  for (const name of MESSAGE_CONTENT_KEYS) {
    if (stored[name] !== undefined && stored[name] !== null) message[name] = clone(stored[name]);
  }
  // Only inline keyboards belong to a message; reply keyboards are not echoed back.
  if (message.reply_markup && !Array.isArray(message.reply_markup.inline_keyboard)) {
    delete message.reply_markup;
  }
  return message;
}

function findBotEntry(token, chatId, messageId) {
  const chat = numericChatId(chatId);
  return server.storage.botMessages.find((entry) => (
    entry.botToken === token
    && entry.messageId === Number(messageId)
    && numericChatId(entry.message.chat_id) === chat));
}

// Store a bot message the library's way (client routes can read it back).
function addBotMessage(token, message) {
  server.addBotMessage(message, token);
  const entries = server.storage.botMessages;
  return botMessage(entries[entries.length - 1]);
}

function record(token, chatId, method, payload, result) {
  state.calls.push({
    token,
    chat_id: chatId === undefined || chatId === null ? null : numericChatId(chatId),
    method,
    payload: clone(payload),
    result: clone(result),
  });
}

// ---------------------------------------------------------------- files

function imageSize(data) {
  if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47) {
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) {
    let offset = 2;
    while (offset + 9 < data.length && data[offset] === 0xff) {
      const marker = data[offset + 1];
      const length = data.readUInt16BE(offset + 2);
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { width: data.readUInt16BE(offset + 7), height: data.readUInt16BE(offset + 5) };
      }
      offset += 2 + length;
    }
  }
  return { width: 0, height: 0 };
}

function registerFile(token, fileId, data, filePath, uniqueId) {
  const file = {
    file_id: fileId,
    file_unique_id: uniqueId || crypto.createHash('sha256').update(fileId).digest('hex').slice(0, 16),
    file_path: filePath,
    data,
  };
  state.files.set(key(token, fileId), file);
  return file;
}

// An InputFile parameter: an upload (multipart field or attach://name) or a file_id/URL string.
function inputFile(req, token, params, name, kind) {
  let upload = req.files && req.files[name];
  const value = params[name];
  if (!upload && typeof value === 'string' && value.startsWith('attach://')) {
    upload = req.files && req.files[value.slice('attach://'.length)];
  }
  if (upload) {
    state.uploads += 1;
    const extension = (upload.filename || '').includes('.') ? upload.filename.split('.').pop() : 'bin';
    const fileId = `${kind}-upload-${state.uploads}`;
    const file = registerFile(token, fileId, upload.data, `${kind}s/file_${state.uploads}.${extension}`);
    params[name] = {
      uploaded: true,
      file_id: fileId,
      filename: upload.filename,
      mime_type: upload.mimeType,
      file_size: upload.data.length,
      sha256: crypto.createHash('sha256').update(upload.data).digest('hex'),
    };
    return { file, filename: upload.filename, mimeType: upload.mimeType };
  }
  if (typeof value !== 'string' || value === '') throw badRequest(`there is no ${name} in the request`);
  const known = state.files.get(key(token, value));
  if (known) return { file: known };
  // A URL or a file_id this emulator never saw: accept it, with no bytes behind it.
  const fileId = /^https?:\/\//.test(value) ? `${kind}-url-${++state.uploads}` : value;
  return { file: registerFile(token, fileId, Buffer.alloc(0), `${kind}s/${fileId}`) };
}

// ---------------------------------------------------------------- bot methods

function requireParam(params, name) {
  const value = params[name];
  if (value === undefined || value === null || value === '') {
    throw badRequest(`${name} is empty`);
  }
  return value;
}

function pick(params, names) {
  const out = {};
  for (const name of names) if (params[name] !== undefined) out[name] = params[name];
  return out;
}

function sendContent(ctx, content) {
  const { token, params, method } = ctx;
  const chatId = requireParam(params, 'chat_id');
  const message = addBotMessage(token, {
    chat_id: chatId,
    ...content,
    ...(params.reply_markup ? { reply_markup: params.reply_markup } : {}),
  });
  record(token, chatId, method, params, message);
  return message;
}

function editStoredMessage(ctx, change) {
  const { token, params, method } = ctx;
  if (params.inline_message_id) {
    record(token, null, method, params, true);
    return true;
  }
  const chatId = requireParam(params, 'chat_id');
  const entry = findBotEntry(token, chatId, requireParam(params, 'message_id'));
  if (!entry) throw badRequest('message to edit not found');
  change(entry.message);
  if (params.reply_markup) entry.message.reply_markup = params.reply_markup;
  else delete entry.message.reply_markup; // no reply_markup: the inline keyboard goes
  entry.message.edit_date = nowSeconds();
  const message = botMessage(entry);
  record(token, chatId, method, params, message);
  return message;
}

function commandsKey(token, params) {
  return key(token, JSON.stringify(params.scope || { type: 'default' }), params.language_code || '');
}

function updateType(update) {
  return Object.keys(update).find((name) => name !== 'update_id');
}

// Everything PTB may receive in getUpdates (or a webhook), in real Bot API shape.
function formatUpdate(entry) {
  const update = entry.raw
    ? { ...clone(entry.raw), update_id: entry.updateId }
    : clone(TelegramServer.formatUpdate(entry)); // an update from the library's client routes
  fixDates(update);
  for (const name of ['message', 'edited_message', 'channel_post', 'edited_channel_post']) {
    if (update[name]) {
      if (update[name].date === undefined) update[name].date = Math.floor(entry.time / 1000);
      if (update[name].message_id === undefined) update[name].message_id = entry.messageId;
    }
  }
  const query = update.callback_query;
  if (query) {
    query.id = String(query.id);
    const chatId = query.message && query.message.chat ? query.message.chat.id : query.from && query.from.id;
    if (!query.chat_instance) query.chat_instance = `instance-${chatId}`;
    if (query.message) {
      if (query.message.date === undefined) query.message.date = Math.floor(entry.time / 1000);
      if (query.message.message_id === undefined) query.message.message_id = entry.messageId;
    }
    state.callbackChats.set(key(entry.botToken, query.id), chatId);
  }
  return update;
}

const methods = {
  getMe: ({ token }) => ({
    ...botUser(token),
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  }),
  logOut: () => true,
  close: () => true,

  getUpdates: ({ token, params }) => {
    const offset = Number(params.offset) || 0;
    const limit = Math.min(Math.max(Number(params.limit) || 100, 1), 100);
    if (offset > 0) {
      // Confirmed updates are forgotten, as on the real Bot API.
      server.storage.userMessages = server.storage.userMessages.filter(
        (entry) => !(entry.botToken === token && entry.updateId < offset),
      );
    }
    let pending = server.storage.userMessages
      .filter((entry) => entry.botToken === token)
      .sort((a, b) => a.updateId - b.updateId)
      .map(formatUpdate);
    const allowed = params.allowed_updates;
    if (Array.isArray(allowed) && allowed.length > 0) {
      pending = pending.filter((update) => allowed.includes(updateType(update)));
    }
    if (offset < 0) pending = pending.slice(offset);
    // Answered at once whatever `timeout` says: PTB polls again after its poll_interval.
    return pending.slice(0, limit);
  },

  setWebhook: ({ token, params }) => {
    if (typeof params.url !== 'string') throw badRequest('url is empty');
    if (params.url === '') server.deleteWebhook(token);
    else server.setWebhook({ url: params.url, secret_token: params.secret_token }, token);
    return true;
  },
  deleteWebhook: ({ token, params }) => {
    server.deleteWebhook(token);
    if (params.drop_pending_updates) {
      server.storage.userMessages = server.storage.userMessages.filter((e) => e.botToken !== token);
    }
    return true;
  },
  getWebhookInfo: ({ token }) => ({
    url: server.webhooks[token] ? server.webhooks[token].url : '',
    has_custom_certificate: false,
    pending_update_count: server.storage.userMessages.filter((e) => e.botToken === token).length,
  }),

  sendMessage: (ctx) => {
    const text = requireParam(ctx.params, 'text');
    return sendContent(ctx, { text: String(text), ...pick(ctx.params, ['entities']) });
  },
  sendPhoto: (ctx) => {
    const { file } = inputFile(ctx.req, ctx.token, ctx.params, 'photo', 'photo');
    const { width, height } = imageSize(file.data);
    const photo = [{
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      width,
      height,
      file_size: file.data.length,
    }];
    return sendContent(ctx, { photo, ...pick(ctx.params, ['caption', 'caption_entities']) });
  },
  sendDocument: (ctx) => {
    const { file, filename, mimeType } = inputFile(ctx.req, ctx.token, ctx.params, 'document', 'document');
    const document = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.data.length,
      ...(filename ? { file_name: filename } : {}),
      ...(mimeType ? { mime_type: mimeType } : {}),
    };
    return sendContent(ctx, { document, ...pick(ctx.params, ['caption', 'caption_entities']) });
  },
  sendLocation: (ctx) => {
    const location = {
      latitude: Number(requireParam(ctx.params, 'latitude')),
      longitude: Number(requireParam(ctx.params, 'longitude')),
      ...pick(ctx.params, ['horizontal_accuracy', 'live_period', 'heading', 'proximity_alert_radius']),
    };
    return sendContent(ctx, { location });
  },
  sendVenue: (ctx) => {
    const location = {
      latitude: Number(requireParam(ctx.params, 'latitude')),
      longitude: Number(requireParam(ctx.params, 'longitude')),
    };
    const venue = {
      location,
      title: String(requireParam(ctx.params, 'title')),
      address: String(requireParam(ctx.params, 'address')),
      ...pick(ctx.params, ['foursquare_id', 'foursquare_type', 'google_place_id', 'google_place_type']),
    };
    return sendContent(ctx, { venue, location });
  },
  sendContact: (ctx) => {
    const contact = {
      phone_number: String(requireParam(ctx.params, 'phone_number')),
      first_name: String(requireParam(ctx.params, 'first_name')),
      ...pick(ctx.params, ['last_name', 'vcard']),
    };
    return sendContent(ctx, { contact });
  },
  sendChatAction: ({ token, params, method }) => {
    const chatId = requireParam(params, 'chat_id');
    requireParam(params, 'action');
    record(token, chatId, method, params, true);
    return true;
  },

  editMessageText: (ctx) => {
    const text = String(requireParam(ctx.params, 'text'));
    const result = editStoredMessage(ctx, (message) => {
      message.text = text;
      if (ctx.params.entities) message.entities = ctx.params.entities;
      else delete message.entities;
    });
    server.emit('EditedMessageText');
    return result;
  },
  editMessageReplyMarkup: (ctx) => {
    const result = editStoredMessage(ctx, () => {});
    server.emit('EditedMessageReplyMarkup');
    return result;
  },
  deleteMessage: ({ token, params, method }) => {
    const chatId = requireParam(params, 'chat_id');
    const messageId = Number(requireParam(params, 'message_id'));
    const entry = findBotEntry(token, chatId, messageId);
    const userKey = key(token, numericChatId(chatId), messageId);
    if (entry) {
      server.removeBotMessage(entry.updateId);
    } else if (state.userMessages.has(userKey)) {
      state.userMessages.delete(userKey);
    } else {
      throw badRequest('message to delete not found');
    }
    record(token, chatId, method, params, true);
    return true;
  },
  answerCallbackQuery: ({ token, params, method }) => {
    const id = String(requireParam(params, 'callback_query_id'));
    record(token, state.callbackChats.get(key(token, id)), method, params, true);
    return true;
  },

  setMyCommands: ({ token, params }) => {
    const commands = requireParam(params, 'commands');
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
    state.commands.set(commandsKey(token, params), commands);
    return true;
  },
  getMyCommands: ({ token, params }) => state.commands.get(commandsKey(token, params)) || [],
  deleteMyCommands: ({ token, params }) => {
    state.commands.delete(commandsKey(token, params));
    return true;
  },

  getFile: ({ token, params }) => {
    const file = state.files.get(key(token, requireParam(params, 'file_id')));
    if (!file) throw badRequest('invalid file_id');
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.data.length,
      file_path: file.file_path,
    };
  },
};

const methodsByLowerName = new Map(Object.keys(methods).map((name) => [name.toLowerCase(), name]));

function sendApiError(res, error) {
  const code = error instanceof ApiError ? error.code : 500;
  const description = error instanceof ApiError ? error.message : `Internal Server Error: ${error}`;
  if (!(error instanceof ApiError)) process.stderr.write(`${error && error.stack}\n`);
  res.status(code).json({ ok: false, error_code: code, description });
}

// ---------------------------------------------------------------- test-only routes

async function deliverUpdate(token, entry) {
  const webhook = server.webhooks[token];
  if (!webhook) {
    server.storage.userMessages.push(entry);
    return;
  }
  const headers = { 'content-type': 'application/json' };
  if (webhook.secret_token) headers['x-telegram-bot-api-secret-token'] = webhook.secret_token;
  const response = await fetch(webhook.url, {
    method: 'POST', headers, body: JSON.stringify(formatUpdate(entry)),
  });
  if (!response.ok) throw new ApiError(502, `webhook answered ${response.status}`);
}

async function injectUpdate(token, body) {
  const update = clone(body && body.update);
  if (!update || typeof update !== 'object' || Array.isArray(update)) {
    throw badRequest('body must be {"update": {...}}');
  }
  delete update.update_id;
  fixDates(update);
  let mainMessage = null;
  for (const name of ['message', 'edited_message', 'channel_post', 'edited_channel_post']) {
    const message = update[name];
    if (!message) continue;
    if (!message.chat || message.chat.id === undefined) throw badRequest(`${name}.chat.id is empty`);
    if (message.message_id === undefined) {
      message.message_id = server.messageId;
      server.messageId += 1;
    }
    if (message.date === undefined) message.date = nowSeconds();
    state.chats.set(key(token, message.chat.id), clone(message.chat));
    state.userMessages.add(key(token, message.chat.id, message.message_id));
    mainMessage = mainMessage || message;
  }
  const query = update.callback_query;
  if (query) {
    if (!query.from) throw badRequest('callback_query.from is empty');
    if (query.id === undefined) {
      query.id = String(server.callbackId);
      server.callbackId += 1;
    }
    if (query.message && query.message.chat) {
      state.chats.set(key(token, query.message.chat.id), clone(query.message.chat));
    }
  }
  const updateId = server.updateId;
  server.updateId += 1;
  const entry = {
    time: Date.now(),
    botToken: token,
    updateId,
    messageId: mainMessage ? mainMessage.message_id : 0,
    isRead: false,
    message: mainMessage || {},
    raw: update,
  };
  entry.raw = formatUpdate(entry); // fills callback_query defaults, remembers its chat
  delete entry.raw.update_id;
  await deliverUpdate(token, entry);
  return { update_id: updateId };
}

// ---------------------------------------------------------------- the app

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: BODY_LIMIT }));
app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT }));
app.use(multipart);

app.all('/bot:token/:method', (req, res) => {
  if (req.method !== 'GET' && req.method !== 'POST') {
    res.status(405).json({ ok: false, error_code: 405, description: 'Method Not Allowed' });
    return;
  }
  const { token } = req.params;
  const method = methodsByLowerName.get(req.params.method.toLowerCase());
  if (!method) {
    sendApiError(res, new ApiError(404, `Not Found: method ${req.params.method} is not emulated`));
    return;
  }
  try {
    const params = readParams(req);
    const result = methods[method]({ req, token, method, params });
    res.json({ ok: true, result: fixDates(clone(result)) });
  } catch (error) {
    sendApiError(res, error);
  }
});

app.get('/file/bot:token/*', (req, res) => {
  const filePath = req.params[0];
  const { token } = req.params;
  const file = [...state.files.values()].find((candidate) => (
    candidate.file_path === filePath && state.files.get(key(token, candidate.file_id)) === candidate));
  if (!file) {
    res.status(404).json({ ok: false, error_code: 404, description: 'Not Found' });
    return;
  }
  res.type('application/octet-stream').send(file.data);
});

app.post('/_test/:token/update', async (req, res) => {
  try {
    res.json({ ok: true, result: await injectUpdate(req.params.token, req.body) });
  } catch (error) {
    sendApiError(res, error);
  }
});

app.post('/_test/:token/file', (req, res) => {
  try {
    const body = req.body || {};
    const fileId = requireParam(body, 'file_id');
    const filePath = requireParam(body, 'file_path');
    const data = Buffer.from(String(body.bytes_b64 || ''), 'base64');
    const file = registerFile(req.params.token, String(fileId), data, String(filePath), body.file_unique_id);
    res.json({ ok: true, result: { file_id: file.file_id, file_size: data.length, file_path: file.file_path } });
  } catch (error) {
    sendApiError(res, error);
  }
});

function callsFor(token, chatId) {
  return state.calls
    .filter((call) => call.token === token
      && (chatId === undefined || call.chat_id === numericChatId(chatId)))
    .map(({ method, payload, result }) => ({ method, payload, result }));
}

app.get('/_test/:token/sent', (req, res) => {
  if (req.query.chat_id === undefined) {
    sendApiError(res, badRequest('chat_id is empty'));
    return;
  }
  res.json({ ok: true, result: callsFor(req.params.token, decodeFormValue('chat_id', req.query.chat_id)) });
});

app.get('/_test/:token/calls', (req, res) => {
  res.json({ ok: true, result: callsFor(req.params.token, undefined) });
});

// The library's own client routes (/sendMessage, /getUpdates, /getUpdatesHistory, ...).
app.use(libraryApp);

// ---------------------------------------------------------------- lifecycle

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(code), 2000).unref();
  try {
    await server.stop();
  } finally {
    process.exit(code);
  }
}

process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
if (process.argv.includes('--watch-stdin')) {
  process.stdin.on('end', () => shutdown(0));
  process.stdin.on('error', () => shutdown(0));
  process.stdin.resume();
}

server.webServer = app; // TelegramServer.start() serves whatever webServer holds
server.start().then(() => {
  process.stdout.write(`READY ${port}\n`);
}, (error) => {
  process.stderr.write(`emulator: cannot listen on ${HOST}:${port}: ${error.code || error}\n`);
  process.exit(3);
});
