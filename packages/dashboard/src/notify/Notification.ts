/** What a notification is about. */
export type NotificationKind = 'fill' | 'halt' | 'disconnect' | 'reconnect' | 'error';

/** One event worth telling an operator, as the generic JSON preset posts it. */
export interface Notification {
  kind: NotificationKind;
  /** When it happened (wall time, ISO 8601). */
  time: string;
  /** The strategy (a node's tag, the strategy command's name); absent for the account or the connection. */
  strategy?: string;
  /** One line for a person (the Slack and Telegram presets send only this). */
  text: string;
  /** The event's details: a fill's id, order id, symbol, side, quantity, price; a halt's cause. */
  details?: Record<string, string | number | boolean | null>;
}
