// Shape checks of the exchange's JSON against ../shared/hyperliquid/PROTOCOL.md (section numbers
// below). Used by sdk_interop.mjs: the SDK validates requests, not responses, so these do.
import assert from "node:assert/strict";

// A decimal carried as a JSON string ("str-num"): sign, digits, optional fraction, no exponent.
export const STR_NUM = /^-?\d+(\.\d+)?$/;
const ADDRESS = /^0x[0-9a-f]{40}$/;
const HASH = /^0x[0-9a-f]{64}$/;
const CLOID = /^0x[0-9a-f]{32}$/;

export function strNum(value, what) {
  assert.equal(typeof value, "string", `${what}: a str-num string, got ${JSON.stringify(value)}`);
  assert.match(value, STR_NUM, `${what}: a plain decimal, got ${JSON.stringify(value)}`);
  return Number(value);
}

export function strNumOrNull(value, what) {
  return value === null ? null : strNum(value, what);
}

export function int(value, what) {
  assert.ok(Number.isSafeInteger(value), `${what}: an integer JSON number, got ${JSON.stringify(value)}`);
  return value;
}

export function address(value, what) {
  assert.match(String(value), ADDRESS, `${what}: a lower-case 0x address, got ${JSON.stringify(value)}`);
  assert.equal(typeof value, "string", what);
  return value;
}

function keys(object, required, what) {
  assert.equal(typeof object, "object", `${what}: an object`);
  assert.notEqual(object, null, `${what}: an object, got null`);
  for (const key of required) assert.ok(key in object, `${what}: has "${key}" (keys: ${Object.keys(object)})`);
}

function side(value, what) {
  assert.ok(value === "A" || value === "B", `${what}: "A" or "B", got ${JSON.stringify(value)}`);
}

// §3.1
export function checkMeta(meta) {
  keys(meta, ["universe"], "meta");
  assert.ok(Array.isArray(meta.universe) && meta.universe.length > 0, "meta.universe: a non-empty array");
  for (const [i, asset] of meta.universe.entries()) {
    const what = `meta.universe[${i}]`;
    keys(asset, ["name", "szDecimals", "maxLeverage"], what);
    assert.equal(typeof asset.name, "string", `${what}.name`);
    assert.ok(int(asset.szDecimals, `${what}.szDecimals`) >= 0, `${what}.szDecimals >= 0`);
    assert.ok(int(asset.maxLeverage, `${what}.maxLeverage`) >= 1, `${what}.maxLeverage >= 1`);
    if ("onlyIsolated" in asset) assert.equal(typeof asset.onlyIsolated, "boolean", `${what}.onlyIsolated`);
    if ("isDelisted" in asset) assert.equal(typeof asset.isDelisted, "boolean", `${what}.isDelisted`);
  }
}

// §3.2: one context per universe entry.
export function checkAssetCtx(ctx, what) {
  keys(ctx, ["funding", "openInterest", "markPx", "oraclePx", "prevDayPx", "dayNtlVlm"], what);
  for (const key of ["funding", "openInterest", "markPx", "oraclePx", "prevDayPx", "dayNtlVlm"]) strNum(ctx[key], `${what}.${key}`);
  for (const key of ["midPx", "premium"]) if (key in ctx) strNumOrNull(ctx[key], `${what}.${key}`);
  if ("dayBaseVlm" in ctx) strNum(ctx.dayBaseVlm, `${what}.dayBaseVlm`);
  if ("impactPxs" in ctx && ctx.impactPxs !== null) {
    assert.equal(ctx.impactPxs.length, 2, `${what}.impactPxs: [bid, ask]`);
    ctx.impactPxs.forEach((px, k) => strNum(px, `${what}.impactPxs[${k}]`));
  }
}

// §3.3
export function checkAllMids(mids, coins) {
  for (const coin of coins) assert.ok(strNum(mids[coin], `allMids.${coin}`) > 0, `allMids.${coin} > 0`);
}

// §3.4 (and the l2Book feed of §4.3): bids descending, asks ascending, the book not crossed.
export function checkL2Book(book, coin, maxLevels = 20) {
  keys(book, ["coin", "time", "levels"], "l2Book");
  assert.equal(book.coin, coin, "l2Book.coin");
  int(book.time, "l2Book.time");
  assert.equal(book.levels.length, 2, "l2Book.levels: [bids, asks]");
  const [bids, asks] = book.levels;
  for (const [name, levels, sign] of [["bids", bids, -1], ["asks", asks, 1]]) {
    assert.ok(levels.length >= 1 && levels.length <= maxLevels, `l2Book ${name}: 1..${maxLevels} levels, got ${levels.length}`);
    let previous = null;
    for (const [k, level] of levels.entries()) {
      const what = `l2Book ${name}[${k}]`;
      keys(level, ["px", "sz", "n"], what);
      const px = strNum(level.px, `${what}.px`);
      assert.ok(strNum(level.sz, `${what}.sz`) > 0, `${what}.sz > 0`);
      assert.ok(int(level.n, `${what}.n`) >= 1, `${what}.n >= 1`);
      if (previous !== null) assert.ok(sign * (px - previous) > 0, `${what}: ${name} strictly ${sign < 0 ? "descending" : "ascending"}`);
      previous = px;
    }
  }
  assert.ok(Number(bids[0].px) < Number(asks[0].px), `l2Book: best bid ${bids[0].px} < best ask ${asks[0].px}`);
}

// §3.5 (and the candle feed): T = t + interval - 1, o/h/l/c inside [l, h].
export function checkCandle(candle, coin, interval, intervalMs) {
  const what = `candle ${coin} ${interval}`;
  keys(candle, ["t", "T", "s", "i", "o", "c", "h", "l", "v", "n"], what);
  const t = int(candle.t, `${what}.t`);
  assert.equal(t % intervalMs, 0, `${what}.t aligned to the interval`);
  assert.equal(int(candle.T, `${what}.T`), t + intervalMs - 1, `${what}.T = t + interval - 1`);
  assert.equal(candle.s, coin, `${what}.s`);
  assert.equal(candle.i, interval, `${what}.i`);
  const [o, c, h, l] = ["o", "c", "h", "l"].map((k) => strNum(candle[k], `${what}.${k}`));
  assert.ok(l > 0 && h >= Math.max(o, c) && l <= Math.min(o, c), `${what}: l <= o,c <= h (o ${o} h ${h} l ${l} c ${c})`);
  assert.ok(strNum(candle.v, `${what}.v`) >= 0, `${what}.v >= 0`);
  assert.ok(int(candle.n, `${what}.n`) >= 0, `${what}.n >= 0`);
}

function checkMarginSummary(summary, what) {
  keys(summary, ["accountValue", "totalMarginUsed", "totalNtlPos", "totalRawUsd"], what);
  for (const key of ["accountValue", "totalMarginUsed", "totalNtlPos", "totalRawUsd"]) strNum(summary[key], `${what}.${key}`);
}

// §3.7
export function checkClearinghouseState(state) {
  keys(state, ["assetPositions", "marginSummary", "crossMarginSummary", "crossMaintenanceMarginUsed", "withdrawable", "time"], "clearinghouseState");
  checkMarginSummary(state.marginSummary, "marginSummary");
  checkMarginSummary(state.crossMarginSummary, "crossMarginSummary");
  strNum(state.crossMaintenanceMarginUsed, "crossMaintenanceMarginUsed");
  strNum(state.withdrawable, "withdrawable");
  int(state.time, "clearinghouseState.time");
  assert.ok(Array.isArray(state.assetPositions), "assetPositions: an array");
  for (const [k, entry] of state.assetPositions.entries()) {
    const what = `assetPositions[${k}]`;
    keys(entry, ["type", "position"], what);
    assert.equal(entry.type, "oneWay", `${what}.type`);
    const p = entry.position;
    keys(p, ["coin", "szi", "entryPx", "leverage", "liquidationPx", "marginUsed", "maxLeverage", "positionValue",
      "returnOnEquity", "unrealizedPnl", "cumFunding"], `${what}.position`);
    for (const key of ["szi", "marginUsed", "positionValue", "returnOnEquity", "unrealizedPnl"]) strNum(p[key], `${what}.position.${key}`);
    strNumOrNull(p.entryPx, `${what}.position.entryPx`);
    strNumOrNull(p.liquidationPx, `${what}.position.liquidationPx`);
    int(p.maxLeverage, `${what}.position.maxLeverage`);
    keys(p.leverage, ["type", "value"], `${what}.position.leverage`);
    assert.ok(p.leverage.type === "cross" || p.leverage.type === "isolated", `${what}.position.leverage.type`);
    int(p.leverage.value, `${what}.position.leverage.value`);
    if (p.leverage.type === "isolated") strNum(p.leverage.rawUsd, `${what}.position.leverage.rawUsd`);
    else assert.ok(!("rawUsd" in p.leverage), `${what}.position.leverage: rawUsd only for isolated`);
    keys(p.cumFunding, ["allTime", "sinceChange", "sinceOpen"], `${what}.position.cumFunding`);
    for (const key of ["allTime", "sinceChange", "sinceOpen"]) strNum(p.cumFunding[key], `${what}.position.cumFunding.${key}`);
  }
}

// §3.8 openOrders; `frontend` adds the frontendOpenOrders fields.
export function checkOpenOrder(order, what, frontend = false) {
  keys(order, ["coin", "limitPx", "oid", "side", "sz", "timestamp"], what);
  assert.equal(typeof order.coin, "string", `${what}.coin`);
  strNum(order.limitPx, `${what}.limitPx`);
  int(order.oid, `${what}.oid`);
  side(order.side, `${what}.side`);
  strNum(order.sz, `${what}.sz`);
  int(order.timestamp, `${what}.timestamp`);
  if ("origSz" in order) strNum(order.origSz, `${what}.origSz`);
  if ("cloid" in order && order.cloid !== null) assert.match(order.cloid, CLOID, `${what}.cloid`);
  if (!frontend) return;
  keys(order, ["isPositionTpsl", "isTrigger", "orderType", "origSz", "reduceOnly", "tif", "triggerCondition", "triggerPx", "children"], what);
  for (const key of ["isPositionTpsl", "isTrigger", "reduceOnly"]) assert.equal(typeof order[key], "boolean", `${what}.${key}`);
  assert.equal(typeof order.orderType, "string", `${what}.orderType`);
  assert.ok(order.tif === null || typeof order.tif === "string", `${what}.tif: string or null`);
  assert.equal(typeof order.triggerCondition, "string", `${what}.triggerCondition`);
  strNum(order.triggerPx, `${what}.triggerPx`);
  assert.ok(Array.isArray(order.children), `${what}.children: an array`);
}

// §3.9 (also the fills of the userFills / user feeds).
export function checkFill(fill, what) {
  keys(fill, ["coin", "px", "sz", "side", "time", "startPosition", "dir", "closedPnl", "hash", "oid", "crossed", "fee", "tid", "feeToken"], what);
  assert.ok(strNum(fill.px, `${what}.px`) > 0, `${what}.px > 0`);
  assert.ok(strNum(fill.sz, `${what}.sz`) > 0, `${what}.sz > 0`);
  side(fill.side, `${what}.side`);
  int(fill.time, `${what}.time`);
  strNum(fill.startPosition, `${what}.startPosition`);
  assert.equal(typeof fill.dir, "string", `${what}.dir`);
  strNum(fill.closedPnl, `${what}.closedPnl`);
  assert.match(fill.hash, HASH, `${what}.hash`);
  int(fill.oid, `${what}.oid`);
  assert.equal(typeof fill.crossed, "boolean", `${what}.crossed`);
  strNum(fill.fee, `${what}.fee`);
  int(fill.tid, `${what}.tid`);
  assert.equal(fill.feeToken, "USDC", `${what}.feeToken`);
}

// §3.10
export function checkOrderStatus(reply, what) {
  keys(reply, ["status"], what);
  if (reply.status === "unknownOid") return;
  assert.equal(reply.status, "order", `${what}.status`);
  keys(reply.order, ["order", "status", "statusTimestamp"], `${what}.order`);
  checkOpenOrder(reply.order.order, `${what}.order.order`, true);
  assert.equal(typeof reply.order.status, "string", `${what}.order.status`);
  int(reply.order.statusTimestamp, `${what}.order.statusTimestamp`);
}

// §4.3 trades feed
export function checkTrade(trade, coin, what) {
  keys(trade, ["coin", "side", "px", "sz", "hash", "time", "tid", "users"], what);
  assert.equal(trade.coin, coin, `${what}.coin`);
  side(trade.side, `${what}.side`);
  assert.ok(strNum(trade.px, `${what}.px`) > 0, `${what}.px > 0`);
  assert.ok(strNum(trade.sz, `${what}.sz`) > 0, `${what}.sz > 0`);
  assert.equal(typeof trade.hash, "string", `${what}.hash`);
  int(trade.time, `${what}.time`);
  int(trade.tid, `${what}.tid`);
  assert.equal(trade.users.length, 2, `${what}.users: [buyer, seller]`);
  trade.users.forEach((user, k) => address(user, `${what}.users[${k}]`));
}

// §4.3 orderUpdates feed
export function checkOrderUpdate(update, what) {
  keys(update, ["order", "status", "statusTimestamp"], what);
  keys(update.order, ["coin", "side", "limitPx", "sz", "oid", "timestamp", "origSz"], `${what}.order`);
  checkOpenOrder(update.order, `${what}.order`);
  assert.equal(typeof update.status, "string", `${what}.status`);
  int(update.statusTimestamp, `${what}.statusTimestamp`);
}
