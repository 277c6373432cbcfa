/** Kicked out by a newer connection for the same tiger_id (ERROR 4001). Fatal: no auto-reconnect. */
export class PushKickedOutError extends Error {
  override readonly name = 'PushKickedOutError';
}
/** The server refused a SUBSCRIBE/UNSUBSCRIBE or the CONNECT. */
export class PushRequestError extends Error {
  override readonly name: string = 'PushRequestError';
  constructor(message: string, readonly code: number | undefined) {
    super(message);
  }
}

