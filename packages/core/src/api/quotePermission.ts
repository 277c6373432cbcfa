import { PermissionError } from '../http/errors.ts';
import { asArray, asObject, num, str } from './wireFields.ts';

/**
 * One quote permission this device holds: `name` (e.g. usQuoteBasic) and `expireAt` (ms, -1 =
 * no expiry), the shape of java https/response/quote/QuotePermission.java and go model.QuotePermission.
 */
export interface QuotePermission {
  name: string;
  expireAt: number;
}

export function parseQuotePermissions(v: unknown): QuotePermission[] {
  return asArray(v ?? [], 'quote permissions').map((x) => {
    const o = asObject(x, 'quote permission');
    return { name: str(o, 'name'), expireAt: num(o, 'expireAt', -1) };
  });
}

/** The reply the docs name for a device without the quote permission (code 4, 4000:permission denied...). */
const DEVICE_REFUSAL = /current device does not have permission/i;

/**
 * The quote permission is held by another device. The service's reply (and the SDKs' permission
 * model: name and expireAt only) does not say which device; the message names this one and the fix.
 */
export class QuotePermissionError extends PermissionError {
  override name = 'QuotePermissionError';
  constructor(code: number, serverMessage: string, method: string | undefined, readonly deviceId: string | undefined) {
    super(code, serverMessage, method);
    this.message = `${method ?? 'request'} refused: another device holds this tiger_id's quote permission (this device: ${deviceId ?? 'no device_id'}; ` +
      `the service does not say which device, typically the Tiger/TradeUP app or another program logged in with this tiger_id). Server said: code ${code}: ${serverMessage}. ` +
      'Fix: let Pounce take it at start-up (the default; drop grab_quote_permission=false or --no-grab-permission), or run `pounce doctor --grab`; ' +
      'taking it stops quotes on the other device until it takes it back';
  }
}

/** True for the refusal a device without the quote permission gets. */
export function isDeviceQuoteRefusal(err: unknown): err is PermissionError {
  return err instanceof PermissionError && !(err instanceof QuotePermissionError) && DEVICE_REFUSAL.test(err.serverMessage);
}
