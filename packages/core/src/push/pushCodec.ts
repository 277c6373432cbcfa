import { fileURLToPath } from 'node:url';
import type * as protobuf from 'protobufjs';
import { onFirstUse } from '../modules/onFirstUse.ts';

/**
 * protobufjs and the push schema, loaded on first use: most commands (a backtest, a sweep) never
 * touch the push stream.
 */
const protobufjs = onFirstUse<typeof protobuf>(import.meta.url, 'protobufjs');
let schema: { request: protobuf.Type; response: protobuf.Type } | undefined;
function pushSchema(): { request: protobuf.Type; response: protobuf.Type } {
  if (!schema) {
    const root = protobufjs().loadSync(fileURLToPath(new URL('./push.proto', import.meta.url)));
    schema = { request: root.lookupType('tigeropen.push.pb.Request'), response: root.lookupType('tigeropen.push.pb.Response') };
  }
  return schema;
}

export const Command = { UNKNOWN: 0, CONNECT: 1, CONNECTED: 2, SEND: 3, SUBSCRIBE: 4, UNSUBSCRIBE: 5, DISCONNECT: 6, MESSAGE: 7, HEARTBEAT: 8, ERROR: 9 } as const;
export type CommandCode = (typeof Command)[keyof typeof Command];
export const DataType = { Unknown: 0, Quote: 1, Option: 2, Future: 3, QuoteDepth: 4, TradeTick: 5, Asset: 6, Position: 7, OrderStatus: 8, OrderTransaction: 9, StockTop: 10, OptionTop: 11, Kline: 12, Cc: 13 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];
export const QuoteType = { None: 0, BASIC: 1, BBO: 2, ALL: 3 } as const;

/** Push response codes (protocol.md 7.6 / 7.7). */
export const PushCode = { LISTING: 111, SUBSCRIBED: 112, UNSUBSCRIBED: 113, ERROR_RESULT: 200, KICK_OUT: 4001 } as const;

export interface PushRequest {
  command: CommandCode;
  id: number;
  subscribe?: { dataType: DataTypeCode; symbols?: string; account?: string; market?: string };
  connect?: { tigerId: string; sign: string; sdkVersion: string; acceptVersion?: string; sendInterval?: number; receiveInterval?: number; useFullTick?: boolean };
}

/** 64-bit integers come out of the codec as decimal strings (no precision loss). */
export type I64 = string;

export interface QuoteDataMsg {
  symbol: string; type?: number; timestamp?: I64; latestPrice?: number; latestPriceTimestamp?: I64; preClose?: number;
  volume?: I64; open?: number; high?: number; low?: number; askPrice?: number; askSize?: I64; bidPrice?: number; bidSize?: I64;
  marketStatus?: string;
}
export interface KlineDataMsg { time?: I64; open?: number; high?: number; low?: number; close?: number; avg?: number; volume?: I64; count?: number; symbol: string; amount?: number }
export interface QuoteDepthDataMsg {
  symbol: string; timestamp?: I64;
  ask?: { price?: number[]; volume?: I64[]; orderCount?: number[] };
  bid?: { price?: number[]; volume?: I64[]; orderCount?: number[] };
}
export interface TradeTickDataMsg { symbol: string; type?: string; sn?: I64; priceBase?: I64; priceOffset?: number; time?: I64[]; price?: I64[]; volume?: I64[]; timestamp?: I64 }
export interface OrderStatusDataMsg {
  id?: I64; account?: string; symbol?: string; action?: string; market?: string; currency?: string; secType?: string; orderType?: string;
  totalQuantity?: I64; totalQuantityScale?: number; filledQuantity?: I64; filledQuantityScale?: number; avgFillPrice?: number; limitPrice?: number; stopPrice?: number; realizedPnl?: number;
  status?: string; canModify?: boolean; canCancel?: boolean; errorMsg?: string; commissionAndFee?: number; openTime?: I64;
  timestamp?: I64; userMark?: string; timeInForce?: string; updateTime?: I64;
}
export interface OrderTransactionDataMsg {
  id?: I64; orderId?: I64; account?: string; symbol?: string; action?: string; market?: string; currency?: string; secType?: string;
  filledPrice?: number; filledQuantity?: I64; createTime?: I64; updateTime?: I64; transactTime?: I64; timestamp?: I64;
}
export interface PositionDataMsg {
  account?: string; symbol?: string; market?: string; currency?: string; secType?: string; position?: I64; positionScale?: number; averageCost?: number;
  latestPrice?: number; marketValue?: number; unrealizedPnl?: number; timestamp?: I64; positionQty?: number;
}
export interface AssetDataMsg {
  account?: string; currency?: string; segType?: string; availableFunds?: number; netLiquidation?: number; equityWithLoan?: number;
  buyingPower?: number; cashBalance?: number; grossPositionValue?: number; timestamp?: I64;
}

export interface PushDataMsg {
  dataType: DataTypeCode;
  quoteData?: QuoteDataMsg;
  quoteDepthData?: QuoteDepthDataMsg;
  tradeTickData?: TradeTickDataMsg;
  positionData?: PositionDataMsg;
  assetData?: AssetDataMsg;
  orderStatusData?: OrderStatusDataMsg;
  orderTransactionData?: OrderTransactionDataMsg;
  klineData?: KlineDataMsg;
}

export interface PushResponse {
  command: CommandCode;
  id?: number;
  code?: number;
  msg?: string;
  body?: PushDataMsg;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, defaults: false, oneofs: false, arrays: true };

function decode<T>(type: protobuf.Type, bytes: Uint8Array, what: string): T {
  let msg: protobuf.Message;
  try {
    msg = type.decode(bytes);
  } catch (err) {
    throw new PushDecodeError(`${what}: ${(err as Error).message}`);
  }
  return type.toObject(msg, TO_OBJECT) as T;
}

/** A push frame that is not a valid protobuf message of the expected type. */
export class PushDecodeError extends Error {
  override readonly name = 'PushDecodeError';
}

function encode(type: protobuf.Type, value: object): Uint8Array {
  return type.encode(type.fromObject(value)).finish();
}

export const encodeRequest = (r: PushRequest): Uint8Array => encode(pushSchema().request, r);
export const decodeRequest = (b: Uint8Array): PushRequest => {
  const r = decode<PushRequest>(pushSchema().request, b, 'Request');
  return { ...r, command: (r.command ?? 0) as CommandCode, id: r.id ?? 0 };
};
export const encodeResponse = (r: PushResponse): Uint8Array => encode(pushSchema().response, r);
export const decodeResponse = (b: Uint8Array): PushResponse => {
  const r = decode<PushResponse>(pushSchema().response, b, 'Response');
  return { ...r, command: (r.command ?? 0) as CommandCode };
};
