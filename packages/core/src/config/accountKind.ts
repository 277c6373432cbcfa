import { ConfigError } from './ConfigError.ts';

/** `paper`: 17 digits; `prime`: 5-10 digits (standard/prime accounts); `global`: U/DU/F/DF + digits. */
export type AccountKind = 'paper' | 'prime' | 'global';

/**
 * Classifies an account number, or throws a ConfigError naming `field`.
 *
 * @example
 * ```ts
 * accountKind('20191106192858300'); // 'paper'
 * accountKind('12345678');          // 'prime'
 * ```
 */
export function accountKind(account: string, field = 'account'): AccountKind {
  if (/^\d{17}$/.test(account)) return 'paper';
  if (/^\d{5,10}$/.test(account)) return 'prime';
  if (/^(U|DU|F|DF)\d{4,12}$/.test(account)) return 'global';
  if (/^\d+$/.test(account)) {
    throw new ConfigError(field, `has ${account.length} digits`,
      'Expected 17 digits for a paper account or 5-10 digits for a prime account');
  }
  throw new ConfigError(field, 'is not an account number (expected digits only)',
    'Use the account number shown on the developer portal: 17 digits for paper, 5-10 for prime');
}
