/** An error the gateway answers with `{code, message}` (codes as the service uses them). */
export class GatewayError extends Error {
  constructor(readonly code: number, message: string, readonly httpStatus = 200) {
    super(message);
  }
}

export const commonParam = (m: string) => new GatewayError(1000, m);
export const bizParam = (m: string) => new GatewayError(1010, m);
/** Trade errors use the account family's code: 1300 paper, 1200 prime/standard. */
export const tradeError = (account: string, m: string) => new GatewayError(/^\d{17}$/.test(account) ? 1300 : 1200, m);
