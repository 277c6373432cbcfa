/** The broker's published response-signing public keys (protocol.md 3.5). */
export const PROD_SERVER_PUBLIC_KEY =
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDNF3G8SoEcCZh2rshUbayDgLLrj6rKgzNMxDL2HSnKcB0+GPOsndqSv+a4IBu9+I3fyBp5hkyMMG2+AXugd9pMpy6VxJxlNjhX1MYbNTZJUT4nudki4uh+LMOkIBHOceGNXjgB+cXqmlUnjlqha/HgboeHSnSgpM3dKSJQlIOsDwIDAQAB';
export const SANDBOX_SERVER_PUBLIC_KEY =
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCbm21i11hgAENGd3/f280PSe4g9YGkS3TEXBYMidihTvHHf+tJ0PYD0o3PruI0hl3qhEjHTAxb75T5YD3SGK4IBhHn/Rk6mhqlGgI+bBrBVYaXixmHfRo75RpUUuWACyeqQkZckgR0McxuW9xRMIa2cXZOoL1E4SL4lXKGhKoWbwIDAQAB';

/** Where every official SDK looks servers up (python tiger_open_config.py DOMAIN_GARDEN_ADDRESS). */
export const DOMAIN_GARDEN_URL = 'https://cg.play-analytics.com';

/** Static endpoints: what the SDKs fall back to when discovery fails. */
export const DEFAULT_ENDPOINTS = {
  PROD: { serverUrl: 'https://openapi.tigerfintech.com/gateway', push: { host: 'openapi.tigerfintech.com', port: 9883 } },
  TBUS: { serverUrl: 'https://openapi.tradeup.com/gateway', push: { host: 'openapi.tradeup.com', port: 9983 } },
  SANDBOX: { serverUrl: 'https://openapi-sandbox.tigerfintech.com/gateway', push: { host: 'openapi-sandbox.tigerfintech.com', port: 9885 } },
} as const;
