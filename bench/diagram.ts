// `labs diagram --stack dev` (plan + draw all three labs) against `labs plan --stack dev`, each
// as a user runs it (a fresh node process), alternating so both see the same machine load.
// Target: the pictures cost at most 2x the plan. Also the drawing alone, per lab, in-process.
//
//   node -r ./cli/ts-require.js bench/diagram.ts
//
// Environment: BENCH_RUNS (default 5).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { drawLabs, labsOf } from "../cli/diagram";
import { evaluateInChild } from "../cli/engine/fork";
import { LABS, ROOT, stats, time } from "./timing";

const median = (samples: number[]) => stats(samples).median;

export async function benchDiagram(print: (line: string) => void = console.log): Promise<{ ratio: number }> {
    const runs = Number(process.env.BENCH_RUNS ?? 5);
    // Pictures go to a scratch folder: the benchmark must not rewrite docs/diagrams.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "labs-bench-diagram-"));
    try {
        const planArgs = [LABS, "plan", "--stack", "dev"];
        const diagramArgs = [LABS, "diagram", "--stack", "dev", "--out", out];
        // One warm-up each (compiled TypeScript cache, file system cache), then alternate.
        time(planArgs);
        time(diagramArgs);
        const planTimes: number[] = [];
        const diagramTimes: number[] = [];
        for (let i = 0; i < runs; i++) {
            planTimes.push(time(planArgs));
            diagramTimes.push(time(diagramArgs));
        }
        const p = median(planTimes);
        const d = median(diagramTimes);
        const ratio = d / p;
        print(`${"labs plan --stack dev".padEnd(34)} median ${p.toFixed(2)} s   min ${Math.min(...planTimes).toFixed(2)} s   (${runs} runs)`);
        print(`${"labs diagram --stack dev".padEnd(34)} median ${d.toFixed(2)} s   min ${Math.min(...diagramTimes).toFixed(2)} s   (${runs} runs, ${fs.readdirSync(out).length} pictures)`);
        print(`${"ratio diagram / plan".padEnd(34)} ${ratio.toFixed(2)}   (target <= 2: ${ratio <= 2 ? "met" : "NOT met"})`);

        // Drawing alone (model, DOT, Graphviz), the plan already made: where the extra time goes.
        const { plan } = await evaluateInChild({ programDir: ROOT, stack: "dev" });
        // Graphviz's WASM starts once per process: timed on its own, with the first lab.
        const warm = process.hrtime.bigint();
        await drawLabs(plan, [labsOf(plan)[0]]);
        print(`${"Graphviz start + first picture".padEnd(34)} ${(Number(process.hrtime.bigint() - warm) / 1e6).toFixed(0)} ms`);
        const perLab: string[] = [];
        for (const lab of labsOf(plan)) {
            const started = process.hrtime.bigint();
            const [picture] = await drawLabs(plan, [lab]);
            perLab.push(`${lab} ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms (${Math.ceil(picture.svg.length / 1024)} KB)`);
        }
        print(`${"drawing per lab, plan given".padEnd(34)} ${perLab.join(", ")}`);
        return { ratio };
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}

if (require.main === module) {
    benchDiagram().catch((error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
    });
}
