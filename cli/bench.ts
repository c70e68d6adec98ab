// `npm run bench`: what the offline engine costs. Times `labs plan --stack dev` end to end
// and, in the same run, loading only the Pulumi SDK modules the program imports; prints the
// ratio (target: at most 2, i.e. the engine adds no more than loading the SDKs costs).
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { evaluateInChild } from "./engine/fork";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function time(args: string[]): number {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return seconds;
}

function stats(samples: number[]): { median: number; min: number } {
    const sorted = [...samples].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

async function main(): Promise<void> {
    const { plan } = await evaluateInChild({ programDir: ROOT, stack: "dev" });
    const planArgs = [path.join(ROOT, "cli", "bin", "labs.js"), "plan", "--stack", "dev"];
    const loadArgs = ["-e", plan.sdkModules.map((m) => `require(${JSON.stringify(m)});`).join("")];

    // One warm-up each (compiled TypeScript cache, file system cache), then alternate runs so
    // both measurements see the same machine load.
    time(planArgs);
    time(loadArgs);
    const planTimes: number[] = [];
    const loadTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        planTimes.push(time(planArgs));
        loadTimes.push(time(loadArgs));
    }
    const p = stats(planTimes);
    const l = stats(loadTimes);
    const ratio = p.median / l.median;
    const line = (label: string, s: { median: number; min: number }) => `${label.padEnd(34)} median ${s.median.toFixed(2)} s   min ${s.min.toFixed(2)} s   (${RUNS} runs)`;
    console.log(`Offline engine benchmark, stack dev (${plan.resources.length} resources)`);
    console.log(line("labs plan --stack dev", p));
    console.log(line("load the SDK modules it imports", l));
    console.log(`  modules: ${plan.sdkModules.join(", ")}`);
    console.log(`${"ratio plan / load".padEnd(34)} ${ratio.toFixed(2)}   (target <= 2: ${ratio <= 2 ? "met" : "NOT met"})`);
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
});
