// The SDK against `organism exchange-sim --testnet` (how the Python SDK, which signs for testnet
// against any URL but mainnet's, must run it): testnet-signed actions act for the signer, and a
// mainnet-signed cancel, which recovers to another address, leaves the orders untouched.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExchangeClient, HttpTransport, InfoClient } from "@nktkas/hyperliquid";
import { checkClearinghouseState, checkMeta } from "./shapes.mjs";
import { BALANCE, BASE, control, nextNonce, NEVER_PLACED, perpPrice, USER, wallet } from "./interop_support.mjs";
import { rejectedWith } from "./sdk_interop_adversarial.mjs";

const testnetHttp = new HttpTransport({ apiUrl: BASE, isTestnet: true, timeout: 15_000 });
const info = new InfoClient({ transport: testnetHttp });
const testnet = new ExchangeClient({ transport: testnetHttp, wallet, nonceManager: nextNonce });
const mainnet = new ExchangeClient({
  transport: new HttpTransport({ apiUrl: BASE, timeout: 15_000 }), wallet, nonceManager: nextNonce,
});

test("--testnet: testnet signatures act for the signer; a mainnet-signed cancel does not touch its orders", async () => {
  await control({ type: "advance", steps: 1 });
  const meta = await info.meta();
  checkMeta(meta);
  const btc = { id: meta.universe.findIndex((a) => a.name === "BTC"), szDecimals: meta.universe[0].szDecimals };
  assert.deepEqual(await testnet.noop(), { status: "ok", response: { type: "default" } });
  const state = await info.clearinghouseState({ user: USER });
  checkClearinghouseState(state);
  assert.equal(Number(state.marginSummary.accountValue), BALANCE, "the testnet signer's own account opened");

  const p = perpPrice(Number((await info.allMids()).BTC) * 0.9, btc.szDecimals);
  const placed = await testnet.order({ orders: [{ a: btc.id, b: true, p, s: "0.01", r: false, t: { limit: { tif: "Gtc" } } }], grouping: "na" });
  const oid = placed.response.data.statuses[0].resting?.oid;
  assert.ok(Number.isSafeInteger(oid), `the order rests: ${JSON.stringify(placed.response.data.statuses[0])}`);
  const before = await info.openOrders({ user: USER });
  assert.ok(before.some((o) => o.oid === oid));

  await assert.rejects(mainnet.cancel({ cancels: [{ a: btc.id, o: oid }] }),
    rejectedWith({ status: "ok", response: { type: "cancel", data: { statuses: [{ error: NEVER_PLACED }] } } }));
  assert.deepEqual(await info.openOrders({ user: USER }), before, "openOrders unchanged");
  assert.deepEqual((await testnet.cancel({ cancels: [{ a: btc.id, o: oid }] })).response.data.statuses, ["success"]);
});
