// `npm run bench`: what the offline tools cost, measured in one run so the figures compare.
// - `labs plan --stack dev` against loading only the Pulumi SDK modules the program imports
//   (target: at most 2x, the engine adds no more than loading the SDKs costs);
// - resources analyzed per second through the analyzer protocol (the policy pack over gRPC);
// - `labs check --stack dev` against `labs plan` (target: at most 1.5x);
// - the collector's function against the post's serial algorithm over a fake IAM server, with and
//   without faults: time, calls, requests/s, delivered, duplicates, see bench/collector-function.ts;
// - plans of 200 and 1,000 resources: time and peak memory, see bench/scale.ts;
// - `labs diagram --stack dev` against `labs plan` (target: at most 2x), see bench/diagram.ts;
// - the script checker: reference size, rules, time to check every lab script, see bench/scripts.ts.
import * as path from "node:path";
import { LABS, ROOT, stats, time } from "../bench/timing";
import { runChecks } from "./commands/check";
import { PolicyHost } from "./engine/analyzer";
import { evaluateInChild } from "./engine/fork";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

async function main(): Promise<void> {
    const { plan } = await evaluateInChild({ programDir: ROOT, stack: "dev" });
    const labs = LABS;
    const planArgs = [labs, "plan", "--stack", "dev"];
    const checkArgs = [labs, "check", "--stack", "dev"];
    const loadArgs = ["-e", plan.sdkModules.map((m) => `require(${JSON.stringify(m)});`).join("")];

    // One warm-up each (compiled TypeScript cache, file system cache), then alternate runs so
    // every measurement sees the same machine load.
    for (const args of [planArgs, loadArgs, checkArgs]) time(args);
    const planTimes: number[] = [];
    const loadTimes: number[] = [];
    const checkTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        planTimes.push(time(planArgs));
        loadTimes.push(time(loadArgs));
        checkTimes.push(time(checkArgs));
    }
    const p = stats(planTimes);
    const l = stats(loadTimes);
    const c = stats(checkTimes);
    const line = (label: string, s: { median: number; min: number }) => `${label.padEnd(34)} median ${s.median.toFixed(2)} s   min ${s.min.toFixed(2)} s   (${RUNS} runs)`;
    const verdict = (ratio: number, target: number) => `${ratio.toFixed(2)}   (target <= ${target}: ${ratio <= target ? "met" : "NOT met"})`;

    console.log(`Offline tools benchmark, stack dev (${plan.resources.length} resources)`);
    console.log(line("labs plan --stack dev", p));
    console.log(line("load the SDK modules it imports", l));
    console.log(`  modules: ${plan.sdkModules.join(", ")}`);
    console.log(`${"ratio plan / load".padEnd(34)} ${verdict(p.median / l.median, 2)}`);
    // The ratio grows with the labs (the target was set at 58 resources): what each resource costs
    // beyond loading the SDKs is the figure that says whether the engine itself got slower.
    console.log(`${"plan beyond load, per resource".padEnd(34)} ${(((p.median - l.median) / plan.resources.length) * 1000).toFixed(1)} ms`);
    console.log(line("labs check --stack dev", c));
    console.log(`${"ratio check / plan".padEnd(34)} ${verdict(c.median / p.median, 1.5)}`);

    // The analyzer protocol alone: the pack already running, the dev stack analyzed again and again.
    const host = await PolicyHost.start(path.join(ROOT, "policies"));
    try {
        await runChecks(host, plan);
        const rounds = 20;
        const started = process.hrtime.bigint();
        for (let i = 0; i < rounds; i++) await runChecks(host, plan);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const perSecond = (rounds * plan.resources.length) / seconds;
        console.log(`${"analyzer protocol throughput".padEnd(34)} ${Math.round(perSecond)} resources/s   (${rounds} x ${plan.resources.length} resources, Analyze each + AnalyzeStack, ${host.policies.length} policies)`);
    } finally {
        host.close();
    }

    // The collector's function against the post's serial algorithm over a fake IAM with 20 ms per call, with and without faults.
    console.log("");
    // require, not import(): the TypeScript loader (cli/ts-require.js) hooks require only.
    const { benchCollectorFunction } = require("../bench/collector-function") as typeof import("../bench/collector-function");
    await benchCollectorFunction();

    // The engine at 200 and 1,000 resources: time and peak memory.
    console.log("");
    const { benchScale } = require("../bench/scale") as typeof import("../bench/scale");
    await benchScale();

    // labs diagram against labs plan (target: at most 2x).
    console.log("");
    const { benchDiagram } = require("../bench/diagram") as typeof import("../bench/diagram");
    await benchDiagram();

    // The PowerShell checker over every script the labs run.
    console.log("");
    const { benchScripts } = require("../bench/scripts") as typeof import("../bench/scripts");
    benchScripts();
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
});
