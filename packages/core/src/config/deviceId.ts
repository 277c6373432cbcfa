import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

const ZERO_MAC = '00:00:00:00:00:00';

/**
 * The machine's MAC address, sent as `device_id` on every request as every official SDK does
 * (the service grants the quote permission per device). The first non-internal, non-zero MAC in
 * the order the system lists interfaces: the TypeScript SDK's rule (src/config/client-config.ts
 * detectDeviceId); lower-case, colon-separated, as the Python, Java and Go SDKs also format it.
 * Undefined when the machine has no such interface.
 *
 * @example
 * ```ts
 * detectDeviceId(); // e.g. '02:42:ac:11:00:02'
 * ```
 */
export function detectDeviceId(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | undefined {
  for (const addrs of Object.values(interfaces)) {
    for (const a of addrs ?? []) {
      if (!a.internal && a.mac && a.mac !== ZERO_MAC) return a.mac.toLowerCase();
    }
  }
  return undefined;
}
