// The WebSocket half of the SDK interop test: subscription acknowledgements byte for byte, ping,
// the SDK's trades / l2Book / candle / orderUpdates subscriptions, and post requests over the socket.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExchangeClient, InfoClient, SubscriptionClient, WebSocketTransport } from "@nktkas/hyperliquid";
import { checkCandle, checkL2Book, checkOrderUpdate, checkTrade } from "./shapes.mjs";
import {
  buyIoc, control, exchange, market, marketTime, nextNonce, placeResting, USER, waitFor, wallet, WS_URL,
} from "./interop_support.mjs";

const MINUTE = 60_000;

function openSocket(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const frames = [];
    socket.addEventListener("message", (event) => frames.push(String(event.data)));
    socket.addEventListener("open", () => resolve({ socket, frames }), { once: true });
    socket.addEventListener("error", () => reject(new Error(`cannot open ${url}`)), { once: true });
  });
}

// Frames that are JSON objects (PROTOCOL §4.1: ignore a plain-text greeting), parsed.
function messages(frames) {
  return frames.filter((frame) => frame.startsWith("{")).map((frame) => JSON.parse(frame));
}

export function registerFeedTests() {
  test("WebSocket: acknowledgements echo the subscription exactly as sent; ping gets pong; errors are error frames", async () => {
    const { socket, frames } = await openSocket(WS_URL);
    try {
      const sent = '{"type":"l2Book","coin":"BTC","nSigFigs":null,"mantissa":null}';
      socket.send(`{"method":"subscribe","subscription":${sent}}`);
      const ack = await waitFor(() => messages(frames).find((m) => m.channel === "subscriptionResponse"), "the subscribe ack");
      assert.equal(ack.data.method, "subscribe");
      assert.equal(JSON.stringify(ack.data.subscription), sent, "the subscription echoed verbatim, nulls and key order kept");
      const snapshot = await waitFor(() => messages(frames).find((m) => m.channel === "l2Book"), "an l2Book message");
      checkL2Book(snapshot.data, "BTC");

      socket.send('{"method":"ping"}');
      await waitFor(() => messages(frames).find((m) => m.channel === "pong"), "pong");

      socket.send(`{"method":"unsubscribe","subscription":${sent}}`);
      const unack = await waitFor(() => messages(frames).find((m) => m.channel === "subscriptionResponse" && m.data.method === "unsubscribe"), "the unsubscribe ack");
      assert.equal(JSON.stringify(unack.data.subscription), sent);

      socket.send('{"method":"subscribe","subscription":{"type":"noSuchFeed"}}');
      const error = await waitFor(() => messages(frames).find((m) => m.channel === "error"), "an error frame");
      assert.equal(typeof error.data, "string");
    } finally {
      socket.close();
    }
  });

  test("SDK subscriptions to trades, l2Book, candle and orderUpdates each deliver documented messages", async () => {
    const transport = new WebSocketTransport({ url: WS_URL, timeout: 15_000 });
    const subs = new SubscriptionClient({ transport });
    const got = { trades: [], l2Book: [], candle: [], orderUpdates: [] };
    try {
      const subscriptions = [
        await subs.trades({ coin: "BTC" }, (data) => got.trades.push(data)),
        await subs.l2Book({ coin: "BTC" }, (data) => got.l2Book.push(data)),
        await subs.candle({ coin: "BTC", interval: "1m" }, (data) => got.candle.push(data)),
        await subs.orderUpdates({ user: USER }, (data) => got.orderUpdates.push(data)),
      ];
      const before = await marketTime();
      const resting = await placeResting("BTC", 0.85, "0.01");
      const filled = await buyIoc("BTC", "0.001");
      await control({ type: "advance", steps: 24 });
      const after = await marketTime();
      assert.ok(after > before, `advance moves market time (${before} -> ${after})`);

      const me = USER.toLowerCase();
      await waitFor(() => got.trades.flat().some((t) => t.users.includes(me)), "the trade of our IOC on the trades feed");
      await waitFor(() => got.l2Book.some((b) => b.time > before), "an l2Book pushed after the market moved");
      const barNow = Math.floor(after / MINUTE) * MINUTE;
      await waitFor(() => got.candle.some((c) => c.t === barNow), "the candle of the bar in progress");
      await waitFor(() => got.orderUpdates.flat().some((u) => u.order.oid === resting.oid && u.status === "open"),
        "orderUpdates: our GTC open");

      await exchange.cancel({ cancels: [{ a: market.assets.BTC.id, o: resting.oid }] });
      await waitFor(() => got.orderUpdates.flat().some((u) => u.order.oid === resting.oid && u.status === "canceled"),
        "orderUpdates: our GTC canceled");

      for (const [k, batch] of got.trades.entries()) batch.forEach((t, j) => checkTrade(t, "BTC", `trades[${k}][${j}]`));
      const ours = got.trades.flat().find((t) => t.users.includes(me));
      assert.equal(ours.side, "B", "our IOC buy was the aggressor");
      assert.ok(Number(ours.px) <= Number(filled.p), "our trade printed within the IOC's limit");
      got.l2Book.forEach((book) => checkL2Book(book, "BTC"));
      for (const candle of got.candle) {
        checkCandle(candle, "BTC", "1m", MINUTE);
        assert.ok(candle.t <= after, `no candle from after the market's now (${candle.t} > ${after})`);
      }
      for (const [k, batch] of got.orderUpdates.entries()) batch.forEach((u, j) => checkOrderUpdate(u, `orderUpdates[${k}][${j}]`));

      for (const subscription of subscriptions) await subscription.unsubscribe();
    } finally {
      await transport.close();
    }
  });

  test("post requests over the WebSocket: an info request and a signed action", async () => {
    const transport = new WebSocketTransport({ url: WS_URL, timeout: 15_000 });
    try {
      const book = await new InfoClient({ transport }).l2Book({ coin: "ETH" });
      checkL2Book(book, "ETH");
      const reply = await new ExchangeClient({ transport, wallet, nonceManager: nextNonce }).noop();
      assert.deepEqual(reply, { status: "ok", response: { type: "default" } });
    } finally {
      await transport.close();
    }
  });
}
