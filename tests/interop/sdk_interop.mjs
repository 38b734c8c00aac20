// The @nktkas/hyperliquid SDK against `organism exchange-sim` (issue 17's interoperability list):
// reads, an IOC that fills, a GTC with a cloid canceled by cloid, modify, leverage. Run by
// run_sdk_interop.mjs (ctest interop_sdk) with `node --experimental-websocket --test`.
// The SDK checks requests, not responses, so every response goes through shapes.mjs.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkAllMids, checkAssetCtx, checkCandle, checkClearinghouseState, checkFill, checkL2Book, checkMeta,
  checkOpenOrder, checkOrderStatus, strNum,
} from "./shapes.mjs";
import {
  assetsOf, BALANCE, bestQuotes, buyIoc, charge, clearinghouse, control, exchange, info, market, marketTime, mids, near,
  nearAbs, NEVER_PLACED, openOrders, perpPrice, placeResting, positionOf, postJson, spent, TAKER_FEE, USER,
} from "./interop_support.mjs";
import { registerAdversarialTests, rejectedWith } from "./sdk_interop_adversarial.mjs";
import { registerFeedTests } from "./sdk_interop_feeds.mjs";

const MINUTE = 60_000;
const DESERIALIZE_ERROR = "Failed to deserialize the JSON body into the target type";
test("before the first advance (--speed 0) the market already shows its price and book at --from", async () => {
  const now = await marketTime();
  const allMids = await mids();
  checkAllMids(allMids, ["BTC", "ETH"]);
  charge("l2Book");
  const book = await info.l2Book({ coin: "ETH" });
  checkL2Book(book, "ETH");
  assert.equal(now % MINUTE, 0, "market time is --from itself, a bar open");
  assert.equal(book.time, now, "the book of the opening tick at --from");
});

test("info: meta, metaAndAssetCtxs, allMids, l2Book, candleSnapshot and clearinghouseState", async () => {
  // One tick forward, so that these checks do not depend on the start state checked above.
  await control({ type: "advance", steps: 1 });
  charge("meta");
  market.meta = await info.meta();
  checkMeta(market.meta);
  assert.deepEqual(market.meta.universe.map((a) => a.name), ["BTC", "ETH"], "the universe is --coins BTC,ETH in order");
  market.assets = assetsOf(market.meta);

  charge("metaAndAssetCtxs");
  const [ctxMeta, ctxs] = await info.metaAndAssetCtxs();
  assert.deepEqual(ctxMeta.universe, market.meta.universe);
  assert.equal(ctxs.length, market.meta.universe.length, "one asset context per universe entry");
  ctxs.forEach((ctx, i) => checkAssetCtx(ctx, `ctxs[${i}]`));

  const allMids = await mids();
  checkAllMids(allMids, ["BTC", "ETH"]);
  const { bid, ask } = await bestQuotes("BTC");
  near(Number(allMids.BTC), (bid + ask) / 2, "allMids.BTC is the book's mid", 1e-9);

  // Every candle overlapping [start, end], the one containing startTime first, the bar in
  // progress last, and nothing that opens after the market's now (PROTOCOL §3.5).
  const now = await marketTime();
  const start = now - 30 * MINUTE + 1234;
  charge("candleSnapshot");
  const candles = await info.candleSnapshot({ coin: "BTC", interval: "1m", startTime: start, endTime: now + 3_600_000 });
  candles.forEach((c) => checkCandle(c, "BTC", "1m", MINUTE));
  assert.equal(candles[0].t, Math.floor(start / MINUTE) * MINUTE, "first candle contains startTime");
  assert.equal(candles.at(-1).t, Math.floor(now / MINUTE) * MINUTE, "last candle is the bar in progress at market time");
  assert.equal(candles.length, Math.floor(now / MINUTE) - Math.floor(start / MINUTE) + 1, "no gap, no future bar");
  candles.slice(1).forEach((c, k) => assert.equal(c.t, candles[k].t + MINUTE, "ascending by one interval"));

  charge("candleSnapshot");
  const fives = await info.candleSnapshot({ coin: "ETH", interval: "5m", startTime: now - 60 * MINUTE, endTime: now });
  fives.forEach((c) => checkCandle(c, "ETH", "5m", 5 * MINUTE));
  assert.equal(fives.at(-1).t, Math.floor(now / (5 * MINUTE)) * 5 * MINUTE, "the 5m bar in progress last");

  // A user who never signed has the exchange's empty state, not an error.
  charge("clearinghouseState");
  const nobody = await info.clearinghouseState({ user: "0x000000000000000000000000000000000000dEaD" });
  checkClearinghouseState(nobody);
  assert.deepEqual(nobody.assetPositions, []);
  assert.equal(Number(nobody.marginSummary.accountValue), 0);
});

test("info: JSON replies carry Content-Type application/json; bad bodies get 422 and the exchange's text", async () => {
  charge("meta");
  const ok = await postJson("/info", { type: "meta" });
  assert.equal(ok.status, 200);
  assert.match(ok.contentType, /^application\/json/);
  for (const body of ["{\"type\":", "[1,2]", "{\"type\":\"noSuchRequest\"}", "{\"type\":\"l2Book\",\"coin\":7}"]) {
    charge("meta");
    const bad = await postJson("/info", body, { raw: true });
    assert.equal(bad.status, 422, `body ${body}`);
    assert.equal(bad.text, DESERIALIZE_ERROR, `body ${body}`);
  }
});

test("the first signed action opens the account with --balance USDC", async () => {
  const before = await clearinghouse();
  assert.equal(Number(before.marginSummary.accountValue), 0, "no account before the first signature");
  assert.deepEqual(await exchange.noop(), { status: "ok", response: { type: "default" } });
  const after = await clearinghouse();
  checkClearinghouseState(after);
  assert.equal(Number(after.marginSummary.accountValue), BALANCE);
  assert.equal(Number(after.withdrawable), BALANCE);
  assert.equal(Number(after.marginSummary.totalMarginUsed), 0);
  assert.deepEqual(after.assetPositions, []);
});

test("an IOC buy fills and shows in userFills and the position", async () => {
  const btc = market.assets.BTC;
  const { ask } = await bestQuotes("BTC");
  const filled = await buyIoc("BTC", "0.01");
  assert.equal(strNum(filled.totalSz, "filled.totalSz"), 0.01, "the whole size fills");
  const avgPx = strNum(filled.avgPx, "filled.avgPx");
  assert.ok(avgPx >= ask && avgPx <= Number(filled.p), `avgPx ${avgPx} within [best ask ${ask}, limit ${filled.p}]`);

  charge("userFills");
  const fills = (await info.userFills({ user: USER })).filter((f) => f.oid === filled.oid);
  assert.ok(fills.length >= 1, "the order's fills are in userFills");
  fills.forEach((f, k) => checkFill(f, `fill[${k}]`));
  fills.sort((x, y) => x.tid - y.tid);
  let size = 0, notional = 0, fees = 0;
  for (const f of fills) {
    assert.equal(f.coin, "BTC");
    assert.equal(f.side, "B");
    assert.equal(f.crossed, true, "an IOC is the taker");
    assert.equal(f.dir, "Open Long");
    assert.equal(Number(f.closedPnl), 0);
    near(Number(f.startPosition), size, "startPosition is the position before the fill", 1e-9);
    near(Number(f.fee), Number(f.px) * Number(f.sz) * TAKER_FEE, "taker fee = px x sz x 0.045%", 1e-4);
    size += Number(f.sz);
    notional += Number(f.px) * Number(f.sz);
    fees += Number(f.fee);
  }
  near(size, 0.01, "fills add up to totalSz", 1e-9);
  near(notional / size, avgPx, "avgPx is the fills' volume-weighted price", 1e-5);

  charge("metaAndAssetCtxs");
  const markPx = Number((await info.metaAndAssetCtxs())[1][btc.id].markPx);
  const state = await clearinghouse();
  checkClearinghouseState(state);
  const position = positionOf(state, "BTC");
  assert.ok(position, "a BTC position");
  near(Number(position.szi), 0.01, "szi", 1e-9);
  near(Number(position.entryPx), notional / size, "entryPx", 1e-5);
  assert.deepEqual(position.leverage, { type: "cross", value: Math.min(20, btc.maxLeverage) }, "the default: cross 20x");
  assert.equal(position.maxLeverage, btc.maxLeverage);
  near(Number(position.positionValue), 0.01 * markPx, "positionValue = |szi| x markPx", 1e-5);
  nearAbs(Number(position.unrealizedPnl), 0.01 * (markPx - notional / size), "unrealizedPnl = szi x (mark - entry)", 0.01);
  near(Number(position.marginUsed), Number(position.positionValue) / position.leverage.value, "marginUsed = value / leverage", 1e-4);
  nearAbs(Number(state.marginSummary.accountValue), BALANCE - fees + Number(position.unrealizedPnl),
    "accountValue = balance - fees + unrealized PnL", 0.01);
});

test("a GTC with a cloid rests, is in openOrders, frontendOpenOrders and orderStatus, and cancelByCloid cancels it", async () => {
  const btc = market.assets.BTC;
  // High bits set on purpose: the SDK's orderStatus and modify read an "oid" that parses as a safe
  // integer (Number("0x…c10d01")) as a number, so a small cloid would be sent as an oid.
  const cloid = "0x8f2a6c1e5b9d4f3a7c0e2b4d6f8a1c3e";
  const { oid, p } = await placeResting("BTC", 0.9, "0.01", cloid);

  const listed = (await openOrders()).find((o) => o.oid === oid);
  assert.ok(listed, "the resting order is in openOrders");
  checkOpenOrder(listed, "openOrders[oid]");
  assert.equal(listed.coin, "BTC");
  assert.equal(listed.side, "B");
  assert.equal(Number(listed.limitPx), Number(p));
  assert.equal(Number(listed.sz), 0.01);
  if ("cloid" in listed) assert.equal(listed.cloid, cloid);

  charge("frontendOpenOrders");
  const frontend = (await info.frontendOpenOrders({ user: USER })).find((o) => o.oid === oid);
  assert.ok(frontend, "the resting order is in frontendOpenOrders");
  checkOpenOrder(frontend, "frontendOpenOrders[oid]", true);
  assert.equal(frontend.cloid, cloid);
  assert.equal(frontend.orderType, "Limit");
  assert.equal(frontend.tif, "Gtc");
  assert.equal(frontend.reduceOnly, false);
  assert.equal(frontend.isTrigger, false);
  assert.equal(Number(frontend.origSz), 0.01);

  charge("orderStatus");
  const status = await info.orderStatus({ user: USER, oid: cloid });
  checkOrderStatus(status, "orderStatus(cloid)");
  assert.equal(status.status, "order");
  assert.equal(status.order.status, "open");
  assert.equal(status.order.order.oid, oid);

  const canceled = await exchange.cancelByCloid({ cancels: [{ asset: btc.id, cloid }] });
  assert.deepEqual(canceled, { status: "ok", response: { type: "cancel", data: { statuses: ["success"] } } });
  assert.equal((await openOrders()).find((o) => o.oid === oid), undefined, "gone from openOrders");
  charge("orderStatus");
  const after = await info.orderStatus({ user: USER, oid });
  checkOrderStatus(after, "orderStatus(oid)");
  assert.equal(after.order.status, "canceled");
  await assert.rejects(exchange.cancelByCloid({ cancels: [{ asset: btc.id, cloid }] }),
    rejectedWith({ status: "ok", response: { type: "cancel", data: { statuses: [{ error: NEVER_PLACED }] } } }));
});

test("modify moves a resting order under a new oid; updateLeverage sets cross and isolated leverage", async () => {
  const { BTC: btc, ETH: eth } = market.assets;
  const first = await placeResting("BTC", 0.92, "0.01");
  const mid = Number((await mids()).BTC);
  const p2 = perpPrice(mid * 0.91, btc.szDecimals);
  const modified = await exchange.modify({
    oid: first.oid,
    order: { a: btc.id, b: true, p: p2, s: "0.02", r: false, t: { limit: { tif: "Gtc" } } },
  });
  assert.deepEqual(modified, { status: "ok", response: { type: "default" } });
  const orders = await openOrders();
  assert.equal(orders.find((o) => o.oid === first.oid), undefined, "the old oid is gone");
  const moved = orders.find((o) => o.coin === "BTC" && Number(o.limitPx) === Number(p2));
  assert.ok(moved, `an order at the new price ${p2}: ${JSON.stringify(orders)}`);
  assert.notEqual(moved.oid, first.oid, "a modify gets a new oid (PROTOCOL §5.5)");
  assert.equal(Number(moved.sz), 0.02);
  assert.equal(moved.side, "B");
  const canceled = await exchange.cancel({ cancels: [{ a: btc.id, o: moved.oid }] });
  assert.deepEqual(canceled.response.data.statuses, ["success"]);

  assert.deepEqual(await exchange.updateLeverage({ asset: btc.id, isCross: true, leverage: 10 }),
    { status: "ok", response: { type: "default" } });
  assert.deepEqual(await exchange.updateLeverage({ asset: eth.id, isCross: false, leverage: 5 }),
    { status: "ok", response: { type: "default" } });
  await buyIoc("ETH", "0.01");
  const state = await clearinghouse();
  checkClearinghouseState(state);
  const btcPosition = positionOf(state, "BTC");
  assert.deepEqual(btcPosition.leverage, { type: "cross", value: 10 });
  near(Number(btcPosition.marginUsed), Number(btcPosition.positionValue) / 10, "BTC marginUsed at 10x", 1e-4);
  const ethPosition = positionOf(state, "ETH");
  assert.ok(ethPosition, "an ETH position");
  assert.equal(ethPosition.leverage.type, "isolated");
  assert.equal(ethPosition.leverage.value, 5);
});

registerFeedTests();
registerAdversarialTests();

test("the script stayed within the REST weight budget", () => {
  console.log(`# REST weight spent (estimate): ${spent.weight} of 1200 per minute`);
  assert.ok(spent.weight < 1000, `spent ${spent.weight}`);
});
