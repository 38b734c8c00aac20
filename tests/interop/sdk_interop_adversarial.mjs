// The signature half of the SDK interop test: cancels signed by another key, for testnet, or
// altered after signing leave the account's orders untouched; an approved agent trades for its
// master; actions the simulator does not model are answered, never crashed on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExchangeClient, HttpTransport } from "@nktkas/hyperliquid";
import { ApiRequestError } from "@nktkas/hyperliquid/api/exchange";
import { signL1Action } from "@nktkas/hyperliquid/signing";
import { Wallet } from "ethers";
import { checkClearinghouseState, checkMeta } from "./shapes.mjs";
import {
  BASE, charge, exchange, info, market, mids, NEVER_PLACED, nextNonce, openOrders, otherWallet, perpPrice,
  placeResting, postJson, wallet,
} from "./interop_support.mjs";

// The third key of ../shared/hyperliquid/vectors.json, used as an API (agent) wallet.
const agentWallet = new Wallet("0x822e9959e022b78423eb653a62ea0020cd283e71a2a8133a6ff2aeffaf373cff");
assert.equal(agentWallet.address.toLowerCase(), "0xe5ca49fb3bd9a581f0d1ef9cb5d7177da08bf901");

// The SDK throws ApiRequestError when a status is an error; the exchange's reply is in .response.
export function rejectedWith(reply) {
  return (error) => {
    assert.ok(error instanceof ApiRequestError, `an answer from the exchange, not ${error?.name}: ${error?.message}`);
    assert.deepEqual(error.response, reply);
    return true;
  };
}

const NEVER_PLACED_REPLY = { status: "ok", response: { type: "cancel", data: { statuses: [{ error: NEVER_PLACED }] } } };

// A tampered request is answered (HTTP 200, JSON) and does nothing: either the whole request is
// refused (the signature recovers to an address that is not a user, PROTOCOL §5.2) or it acts for
// that other address, which has no such order.
function assertRefused(reply, what) {
  assert.equal(reply.status, 200, `${what}: ${reply.status} ${reply.text}`);
  const body = JSON.parse(reply.text);
  if (body.status === "err") {
    assert.equal(typeof body.response, "string", `${what}: an error text`);
    return;
  }
  assert.deepEqual(body, NEVER_PLACED_REPLY, what);
}

export function registerAdversarialTests() {
  test("cancels signed by another key, signed for testnet, or altered after signing leave the orders untouched", async () => {
    const btc = market.assets.BTC;
    const cloid = "0x9e1d3c5b7a6f4e2d1c0b9a8f7e6d5c4b";
    const { oid } = await placeResting("BTC", 0.88, "0.01", cloid);
    const before = await openOrders();
    assert.ok(before.some((o) => o.oid === oid));

    const http = new HttpTransport({ apiUrl: BASE, timeout: 15_000 });
    const stranger = new ExchangeClient({ transport: http, wallet: otherWallet, nonceManager: nextNonce });
    await assert.rejects(stranger.cancel({ cancels: [{ a: btc.id, o: oid }] }), rejectedWith(NEVER_PLACED_REPLY));
    await assert.rejects(stranger.cancelByCloid({ cancels: [{ asset: btc.id, cloid }] }), rejectedWith(NEVER_PLACED_REPLY));

    // Signed with the phantom agent's source "b": it recovers to another address (PROTOCOL §7.4).
    const testnet = new ExchangeClient({ transport: new HttpTransport({ apiUrl: BASE, isTestnet: true, timeout: 15_000 }), wallet, nonceManager: nextNonce });
    await assert.rejects(testnet.cancel({ cancels: [{ a: btc.id, o: oid }] }), rejectedWith(NEVER_PLACED_REPLY));

    // Signed by the account's own key, then changed: the order id, the nonce, the signature.
    const decoy = { type: "cancel", cancels: [{ a: btc.id, o: oid + 1_000_000 }] };
    const real = { type: "cancel", cancels: [{ a: btc.id, o: oid }] };
    let nonce = nextNonce();
    const decoySignature = await signL1Action({ wallet, action: decoy, nonce });
    assertRefused(await postJson("/exchange", { action: real, nonce, signature: decoySignature, vaultAddress: null }),
      "a signed cancel whose order id was changed");
    nonce = nextNonce();
    const realSignature = await signL1Action({ wallet, action: real, nonce });
    assertRefused(await postJson("/exchange", { action: real, nonce: nextNonce(), signature: realSignature, vaultAddress: null }),
      "a signed cancel whose nonce was changed");
    const flipped = realSignature.r.slice(0, -1) + (realSignature.r.endsWith("0") ? "1" : "0");
    assertRefused(await postJson("/exchange", { action: real, nonce, signature: { ...realSignature, r: flipped }, vaultAddress: null }),
      "a signed cancel whose signature was changed");

    assert.deepEqual(await openOrders(), before, "openOrders unchanged");

    // The same cancel, signed properly, does cancel: the refusals above were not a broken cancel.
    const properNonce = nextNonce();
    const proper = await postJson("/exchange",
      { action: real, nonce: properNonce, signature: await signL1Action({ wallet, action: real, nonce: properNonce }), vaultAddress: null });
    assert.deepEqual(JSON.parse(proper.text), { status: "ok", response: { type: "cancel", data: { statuses: ["success"] } } });
    assert.equal((await openOrders()).find((o) => o.oid === oid), undefined);
  });

  test("an agent approved with approveAgent trades for its master", async () => {
    const btc = market.assets.BTC;
    assert.deepEqual(await exchange.approveAgent({ agentAddress: agentWallet.address, agentName: "organism" }),
      { status: "ok", response: { type: "default" } });
    const agent = new ExchangeClient({ transport: new HttpTransport({ apiUrl: BASE, timeout: 15_000 }), wallet: agentWallet, nonceManager: nextNonce });
    const p = perpPrice(Number((await mids()).BTC) * 0.87, btc.szDecimals);
    const reply = await agent.order({ orders: [{ a: btc.id, b: true, p, s: "0.01", r: false, t: { limit: { tif: "Gtc" } } }], grouping: "na" });
    const oid = reply.response.data.statuses[0].resting?.oid;
    assert.ok(Number.isSafeInteger(oid), `the agent's order rests: ${JSON.stringify(reply.response.data.statuses[0])}`);
    assert.ok((await openOrders()).some((o) => o.oid === oid), "the order is the master's");
    charge("clearinghouseState");
    const agentState = await info.clearinghouseState({ user: agentWallet.address });
    checkClearinghouseState(agentState);
    assert.equal(Number(agentState.marginSummary.accountValue), 0, "the agent address holds nothing");
    assert.deepEqual((await agent.cancel({ cancels: [{ a: btc.id, o: oid }] })).response.data.statuses, ["success"]);
  });

  test("actions the simulator does not model get the exchange's answer, and it keeps serving", async () => {
    for (const [name, call] of [
      ["approveBuilderFee", () => exchange.approveBuilderFee({ builder: otherWallet.address, maxFeeRate: "0.01%" })],
      ["setReferrer", () => exchange.setReferrer({ code: "ORGANISM" })],
    ]) {
      try {
        const reply = await call();
        assert.equal(reply.status, "ok", `${name}: ${JSON.stringify(reply)}`);
      } catch (error) {
        assert.ok(error instanceof ApiRequestError, `${name}: an exchange answer, not ${error?.name}: ${error?.message}`);
      }
    }
    charge("meta");
    checkMeta(await info.meta());
  });
}
