import smaCross from '../../strategies/sma-cross/index.ts';

/**
 * The shipped sma-cross on the data's own bars: backtrader's strategy decides on every bar of its
 * feed, while sma-cross declares daily bars (minute files would be aggregated into sessions). Same
 * parameters, same setup code; only the timeframe differs. Used by the minute-bar peer row.
 */
const { timeframe: _daily, ...onFileBars } = smaCross;
export default { ...onFileBars, name: 'sma-cross-file-bars' };
