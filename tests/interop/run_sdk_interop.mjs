// The interop test's launcher (ctest interop_sdk, through run_sdk_interop.sh): writes a small
// deterministic market, imports it with `organism data import`, starts `organism exchange-sim`
// on 127.0.0.1 at --speed 0, runs sdk_interop.mjs against it (then sdk_interop_testnet.mjs against
// a --testnet one), stopping each server with SIGTERM and checking that it exits cleanly.
// Usage: node run_sdk_interop.mjs ORGANISM_BINARY
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.argv[2];
if (!binary) {
  console.error("usage: node run_sdk_interop.mjs ORGANISM_BINARY");
  process.exit(2);
}
const BALANCE = "100000";
const START = Date.UTC(2025, 0, 1); // the fixture's first bar
const BARS = 900;                   // 1m bars per coin: 500 of history before the replay starts, 400 to replay
const MINUTE = 60_000;

// A seeded xorshift32 stream: the fixture is the same file on every run.
function stream(seed) {
  let state = seed >>> 0;
  return () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 2 ** 32;
  };
}

// Bars of a random walk with valid tick prices (BTC whole dollars, ETH one decimal), high and low
// outside open and close, volume and trade counts: the import format of docs/data.md.
function candles({ start, decimals, volume, seed }) {
  const random = stream(seed);
  const scale = 10 ** decimals;
  const rows = ["time,open,high,low,close,volume,trades"];
  let close = start;
  for (let i = 0; i < BARS; i++) {
    const open = close;
    close = Math.round(open * (1 + (random() - 0.5) * 0.002) * scale) / scale;
    const high = Math.ceil(Math.max(open, close) * (1 + random() * 0.0008) * scale) / scale;
    const low = Math.floor(Math.min(open, close) * (1 - random() * 0.0008) * scale) / scale;
    const bars = (volume * (0.5 + random())).toFixed(3);
    rows.push(`${START + i * MINUTE},${open},${high},${low},${close},${bars},${20 + Math.floor(random() * 180)}`);
  }
  return `${rows.join("\n")}\n`;
}

function funding(seed) {
  const random = stream(seed);
  const rows = ["time,rate"];
  for (let t = START; t < START + BARS * MINUTE; t += 60 * MINUTE) {
    rows.push(`${t},${(0.0000125 * (0.5 + random())).toFixed(10).replace(/0+$/, "")}`);
  }
  return `${rows.join("\n")}\n`;
}

function writeMarket(dir) {
  const files = [];
  const coins = [
    { coin: "BTC", start: 60000, decimals: 0, volume: 8, seed: 11 },
    { coin: "ETH", start: 3000, decimals: 1, volume: 90, seed: 23 },
  ];
  mkdirSync(join(dir, "ohlcv", "hyperliquid"), { recursive: true });
  mkdirSync(join(dir, "funding", "hyperliquid"), { recursive: true });
  for (const spec of coins) {
    const bars = join(dir, "ohlcv", "hyperliquid", `${spec.coin}-1m.csv`);
    const rates = join(dir, "funding", "hyperliquid", `${spec.coin}.csv`);
    writeFileSync(bars, candles(spec));
    writeFileSync(rates, funding(spec.seed + 1));
    files.push(bars, rates);
  }
  return files;
}

// Resolves with the server's URL from its first stdout line, or rejects after `ms`.
function listeningUrl(server, ms) {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within ${ms} ms`)), ms);
    server.stdout.on("data", (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      const line = buffered.slice(0, newline);
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match) resolve(match[1]);
      else reject(new Error(`first stdout line is not "listening on http://127.0.0.1:PORT": ${JSON.stringify(line)}`));
    });
    server.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exchange-sim exited early (code ${code}, signal ${signal})`));
    });
    server.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binary}: ${error.message}`));
    });
  });
}

function exited(child, ms) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    const timer = setTimeout(() => resolve(null), ms);
    child.on("exit", (code, signal) => { clearTimeout(timer); resolve({ code, signal }); });
  });
}

// Starts exchange-sim on `db` with `extraArgs`, runs `script` against it, stops it with SIGTERM:
// 0 when the script passed and the server stopped cleanly.
async function runAgainstServer(db, script, extraArgs) {
  let serverLog = "";
  const server = spawn(binary, ["exchange-sim", "--db", db, "--coins", "BTC,ETH", "--interval", "1m", "--speed", "0",
    "--port", "0", "--balance", BALANCE, "--seed", "7", ...extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
  server.stderr.on("data", (chunk) => { serverLog += chunk; });
  server.stdout.setEncoding("utf8");
  try {
    const url = await listeningUrl(server, 30_000);
    console.log(`# ${script}: exchange-sim ${["--speed", "0", ...extraArgs].join(" ")} at ${url}`);

    // --experimental-websocket: node 20 has no global WebSocket without it (the raw WS checks).
    const run = spawn(process.execPath, ["--experimental-websocket", join(here, script)], {
      stdio: "inherit",
      env: { ...process.env, ORGANISM_SIM_URL: url, ORGANISM_SIM_BALANCE: BALANCE },
    });
    const result = (await exited(run, 240_000)) ?? (run.kill("SIGKILL"), { code: 1, signal: "timeout" });
    let status = result.code === 0 ? 0 : 1;
    if (status !== 0) console.error(`${script} failed (code ${result.code}, signal ${result.signal})`);

    server.kill("SIGTERM");
    const stop = await exited(server, 15_000);
    if (stop === null) {
      server.kill("SIGKILL");
      console.error("exchange-sim did not stop within 15 s of SIGTERM");
      status = 1;
    } else if (stop.code !== 0) {
      console.error(`exchange-sim exited with code ${stop.code} (signal ${stop.signal}) on SIGTERM`);
      status = 1;
    }
    if (status !== 0) console.error(`--- exchange-sim stderr (last 4000 characters) ---\n${serverLog.slice(-4000)}`);
    return status;
  } catch (error) {
    console.error(`interop_sdk: ${error.message}\n--- exchange-sim stderr ---\n${serverLog.slice(-4000)}`);
    if (server.exitCode === null) server.kill("SIGKILL");
    return 1;
  }
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "organism-interop-"));
  try {
    const db = join(work, "market.db");
    const imported = spawnSync(binary, ["data", "import", "--db", db, ...writeMarket(work)], { encoding: "utf8" });
    if (imported.status !== 0) {
      const why = imported.error ? imported.error.message : `exit ${imported.status}:\n${imported.stdout}${imported.stderr}`;
      console.error(`organism data import failed: ${why}`);
      return 1;
    }
    const mainnet = await runAgainstServer(db, "sdk_interop.mjs", []);
    const testnet = await runAgainstServer(db, "sdk_interop_testnet.mjs", ["--testnet"]);
    return mainnet || testnet;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
