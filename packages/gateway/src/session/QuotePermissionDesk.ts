import { GatewayError } from '../http/GatewayError.ts';

/** Quote methods that need this device to hold the quote permission (per the service docs). */
const NEEDS_PERMISSION = new Set(['quote_real_time', 'kline', 'quote_depth', 'trade_tick', 'timeline']);

/** The refusal the official docs quote for a device without the permission. */
export const PERMISSION_DENIED = { code: 4, message: '4000:permission denied(current device does not have permission)' } as const;

const HELD = [{ name: 'usQuoteBasic', expireAt: -1 }, { name: 'usStockQuoteLv2Totalview', expireAt: -1 }];

/**
 * Who holds each tiger_id's quote permission, by device_id. Off (everyone may quote) until a test
 * or mode gives it to another device (`giveTo`); then only the device that last called
 * grab_quote_permission may quote, as the service behaves per the official docs.
 */
export class QuotePermissionDesk {
  private readonly holders = new Map<string, string>();

  /** Gives `tigerId`'s permission to `deviceId` (e.g. 'tiger-app': the user's phone grabbed it back). */
  giveTo(tigerId: string, deviceId: string): void {
    this.holders.set(tigerId, deviceId);
  }

  holder(tigerId: string): string | undefined {
    return this.holders.get(tigerId);
  }

  /** Throws the service's refusal when another device holds the permission. */
  check(method: string, tigerId: string, deviceId: string | undefined): void {
    if (!NEEDS_PERMISSION.has(method)) return;
    const h = this.holders.get(tigerId);
    if (h !== undefined && h !== deviceId) throw new GatewayError(PERMISSION_DENIED.code, PERMISSION_DENIED.message);
  }

  grab(tigerId: string, deviceId: string | undefined): unknown {
    if (this.holders.has(tigerId)) this.holders.set(tigerId, deviceId ?? '');
    return HELD;
  }

  /** What this device holds: everything when it is the holder (or nobody is tracked), else nothing. */
  held(tigerId: string, deviceId: string | undefined): unknown {
    const h = this.holders.get(tigerId);
    return h === undefined || h === deviceId ? HELD : [];
  }
}
