import type { Notification } from './Notification.ts';

/** How a webhook wants its body: the notification as JSON, Slack's incoming webhook, Telegram's sendMessage. */
export type WebhookPreset = 'json' | 'slack' | 'telegram';
export const WEBHOOK_PRESETS: readonly WebhookPreset[] = ['json', 'slack', 'telegram'];

/** One webhook: where to POST and in which shape. */
export interface WebhookTarget {
  url: string;
  preset: WebhookPreset;
  /** Telegram: the chat to post to (sendMessage's `chat_id`); required for that preset. */
  chatId?: string;
}

/**
 * The JSON body a preset POSTs: `json` the notification itself; `slack` `{ text }` (an incoming
 * webhook); `telegram` `{ chat_id, text }` (the Bot API's sendMessage, the URL being
 * `https://api.telegram.org/bot<token>/sendMessage`).
 */
export function webhookBody(target: WebhookTarget, n: Notification): Record<string, unknown> {
  const line = n.strategy ? `[pounce ${n.strategy}] ${n.text}` : `[pounce] ${n.text}`;
  switch (target.preset) {
    case 'json': return { ...n };
    case 'slack': return { text: line };
    case 'telegram': return { chat_id: target.chatId, text: line };
  }
}

/** Parses a webhook from config or a flag; errors name the field and what was expected. */
export function parseWebhookTarget(raw: { url?: unknown; preset?: unknown; chatId?: unknown }, field: string): WebhookTarget {
  const preset = raw.preset ?? 'json';
  if (typeof preset !== 'string' || !(WEBHOOK_PRESETS as readonly string[]).includes(preset)) {
    throw new Error(`${field}.preset: expected one of ${WEBHOOK_PRESETS.join(', ')}, got ${JSON.stringify(raw.preset)}`);
  }
  if (typeof raw.url !== 'string') throw new Error(`${field}.url: expected an http(s) URL, got ${JSON.stringify(raw.url)}`);
  let url: URL;
  try {
    url = new URL(raw.url);
  } catch {
    throw new Error(`${field}.url: expected an http(s) URL, got a string that is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${field}.url: expected an http(s) URL, got a ${url.protocol} URL`);
  if (raw.chatId !== undefined && typeof raw.chatId !== 'string' && typeof raw.chatId !== 'number') throw new Error(`${field}.chatId: expected a chat id (string or number), got ${JSON.stringify(raw.chatId)}`);
  const chatId = raw.chatId === undefined ? undefined : String(raw.chatId);
  if (preset === 'telegram' && !chatId) throw new Error(`${field}.chatId: the telegram preset needs the chat to post to (sendMessage's chat_id)`);
  return { url: raw.url, preset: preset as WebhookPreset, ...(chatId ? { chatId } : {}) };
}
