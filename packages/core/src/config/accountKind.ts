import { ConfigError } from './ConfigError.ts';

/**
 * `paper`: 17 or more digits; `prime`: 1-16 digits (standard/prime accounts); `global`:
 * U/DU/F/DF + digits. The Java SDK calls any all-digit account shorter than 17 standard and one
 * of 17 digits virtual (util/AccountUtil.java); the Python SDK calls 17 or more digits paper
 * (common/util/account_util.py).
 */
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
  if (/^\d{17,}$/.test(account)) return 'paper';
  if (/^\d{1,16}$/.test(account)) return 'prime';
  if (/^(U|DU|F|DF)\d{4,12}$/.test(account)) return 'global';
  throw new ConfigError(field, 'is not an account number (expected digits only, or U/DU/F/DF and digits)',
    'Use the account number shown on the developer portal: 17 digits for paper, fewer for a live account');
}
