// The SDK clients, wallets and small helpers that sdk_interop.mjs runs against a running
// `organism exchange-sim` (its URL in ORGANISM_SIM_URL, set by run_sdk_interop.mjs).
import assert from "node:assert/strict";
import { ExchangeClient, HttpTransport, InfoClient } from "@nktkas/hyperliquid";
import { Wallet } from "ethers";
import { checkL2Book } from "./shapes.mjs";

export const BASE = process.env.ORGANISM_SIM_URL;
if (!BASE || !/^http:\/\/127\.0\.0\.1:\d+$/.test(BASE)) {
  throw new Error(`ORGANISM_SIM_URL must be the simulator's http://127.0.0.1:PORT, got ${JSON.stringify(BASE)}`);
}
// The SDKs derive the WebSocket URL this way (PROTOCOL §1).
export const WS_URL = `${BASE.replace(/^http/, "ws")}/ws`;
// Must match the runner's --balance.
export const BALANCE = Number(process.env.ORGANISM_SIM_BALANCE ?? "100000");
// Fees of the simulator's engine (src/exchange/sim/sim_engine.hpp): Hyperliquid's base tier.
export const TAKER_FEE = 0.00045;
export const MAKER_FEE = 0.00015;

// Test keys of ../shared/hyperliquid/vectors.json ("keys"), with the addresses listed there: the
// first check that ethers derives what the vectors say, so a wrong wallet cannot pass silently.
export const wallet = new Wallet("0x0123456789012345678901234567890123456789012345678901234567890123");
export const otherWallet = new Wallet("0xe908f86dbb4d55ac876378565aafeabc187f6690f046459397b17d9b9a19688e");
assert.equal(wallet.address.toLowerCase(), "0x14791697260e4c9a71f18484c9f997b308e59325");
assert.equal(otherWallet.address.toLowerCase(), "0xcd49bbac6e85fdeb167eb7ca41a945d2b8758f6f");
// Clients send checksummed mixed case; the simulator must match users without regard to case.
export const USER = wallet.address;
assert.notEqual(USER, USER.toLowerCase(), "the test user address is mixed case");

// One increasing nonce source (PROTOCOL §8) for the SDK's clients and the requests this script
// signs itself, so that no two of them can collide within a millisecond.
let lastNonce = 0;
export function nextNonce() {
  lastNonce = Math.max(Date.now(), lastNonce + 1);
  return lastNonce;
}

export const http = new HttpTransport({ apiUrl: BASE, timeout: 15_000 });
export const info = new InfoClient({ transport: http });
export const exchange = new ExchangeClient({ transport: http, wallet, nonceManager: nextNonce });

// REST weight spent (PROTOCOL §10): the simulator allows 1200 per minute per IP, and this
// script must stay well under it or a 429 would fail an unrelated step.
export const spent = { weight: 0 };
const WEIGHT_2 = new Set(["l2Book", "allMids", "clearinghouseState", "orderStatus", "exchangeStatus"]);
export function charge(infoType) {
  spent.weight += WEIGHT_2.has(infoType) ? 2 : 20;
}

export async function postJson(path, body, { raw = false } = {}) {
  const response = await fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: raw ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text };
}

// The simulator's control request (docs/exchange-sim.md): moves the market at --speed 0.
export async function control(body) {
  const reply = await postJson("/control", body);
  assert.equal(reply.status, 200, `control ${JSON.stringify(body)}: ${reply.status} ${reply.text}`);
  return JSON.parse(reply.text);
}

export async function marketTime() {
  const status = await control({ type: "status" });
  return status.marketTime;
}

// PROTOCOL §6.2 / §5.10: 5 significant figures, then at most 6 - szDecimals decimals, integers
// above 100000; written without trailing zeros (float_to_wire).
export function perpPrice(px, szDecimals) {
  const rounded = px > 100_000 ? Math.round(px) : Number(Number(px.toPrecision(5)).toFixed(6 - szDecimals));
  return wire(rounded);
}

export function wire(x) {
  const text = x.toFixed(8).replace(/0+$/, "").replace(/\.$/, "");
  return text === "-0" ? "0" : text;
}

export function near(actual, expected, what, tolerance = 1e-6) {
  const bound = tolerance * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= bound, `${what}: ${actual} vs expected ${expected} (±${bound})`);
}

export function nearAbs(actual, expected, what, bound) {
  assert.ok(Math.abs(actual - expected) <= bound, `${what}: ${actual} vs expected ${expected} (±${bound})`);
}

export async function waitFor(predicate, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = predicate();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// The coins' asset ids and szDecimals from meta (PROTOCOL §12: the index in meta.universe).
export function assetsOf(meta) {
  const assets = {};
  meta.universe.forEach((entry, index) => {
    assets[entry.name] = { id: index, szDecimals: entry.szDecimals, maxLeverage: entry.maxLeverage };
  });
  return assets;
}

export async function openOrders() {
  charge("openOrders");
  return await info.openOrders({ user: USER });
}

export async function clearinghouse() {
  charge("clearinghouseState");
  return await info.clearinghouseState({ user: USER });
}

export async function mids() {
  charge("allMids");
  return await info.allMids();
}

export function positionOf(state, coin) {
  return state.assetPositions.map((entry) => entry.position).find((p) => p.coin === coin);
}

// What the steps learn from meta (asset ids, szDecimals), shared by the test files.
export const market = {};
export const NEVER_PLACED = "Order was never placed, already canceled, or filled.";

export async function bestQuotes(coin) {
  charge("l2Book");
  const book = await info.l2Book({ coin });
  checkL2Book(book, coin);
  return { bid: Number(book.levels[0][0].px), ask: Number(book.levels[1][0].px) };
}

export async function placeResting(coin, fraction, size, cloid) {
  const asset = market.assets[coin];
  const mid = Number((await mids())[coin]);
  const p = perpPrice(mid * fraction, asset.szDecimals);
  const order = { a: asset.id, b: true, p, s: size, r: false, t: { limit: { tif: "Gtc" } } };
  if (cloid) order.c = cloid;
  const reply = await exchange.order({ orders: [order], grouping: "na" });
  assert.equal(reply.response.data.statuses.length, 1);
  const resting = reply.response.data.statuses[0].resting;
  assert.ok(resting, `a GTC far below the mid rests: ${JSON.stringify(reply.response.data.statuses[0])}`);
  if ("cloid" in resting) assert.equal(resting.cloid, cloid);
  return { oid: resting.oid, p };
}

export async function buyIoc(coin, size) {
  const asset = market.assets[coin];
  const mid = Number((await mids())[coin]);
  const p = perpPrice(mid * 1.05, asset.szDecimals); // the SDKs' market order (PROTOCOL §5.10)
  const reply = await exchange.order({
    orders: [{ a: asset.id, b: true, p, s: size, r: false, t: { limit: { tif: "Ioc" } } }],
    grouping: "na",
  });
  assert.equal(reply.status, "ok");
  assert.equal(reply.response.type, "order");
  assert.equal(reply.response.data.statuses.length, 1);
  const filled = reply.response.data.statuses[0].filled;
  assert.ok(filled, `an IOC 5% through the mid fills: ${JSON.stringify(reply.response.data.statuses[0])}`);
  return { ...filled, p };
}

