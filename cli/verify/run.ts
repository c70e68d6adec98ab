// Running the probes: independent probes in parallel (a VM takes one Run Command at a time, so
// each VM is one probe), a progress line as each ends and a reminder while long ones run,
// then the table, or the same as JSON.
import { UserError } from "../engine/errors";
import { type Check, type CheckResult, type Probe, type ProbeContext, formatDuration } from "./model";

export interface RunOptions {
    parallel: number;
    /** How often to say which probes are still running, in ms. */
    heartbeatMs: number;
}

/** The checks of a probe that `only` selects (every check when `only` is empty). */
export function selectedChecks(probe: Probe, only: string[]): Check[] {
    return only.length ? probe.checks.filter((c) => only.includes(c.kind)) : probe.checks;
}

export async function runProbes(probes: Array<{ probe: Probe; checks: Check[] }>, ctx: ProbeContext, options: RunOptions): Promise<CheckResult[]> {
    const results: CheckResult[][] = new Array(probes.length);
    const running = new Map<number, { label: string; started: number }>();
    let next = 0;
    let done = 0;
    const heartbeat = setInterval(() => {
        if (running.size === 0) return;
        const now = ctx.now().getTime();
        ctx.progress(`  ... still running: ${[...running.values()].map((r) => `${r.label} (${formatDuration(now - r.started)})`).join(", ")}`);
    }, options.heartbeatMs);
    const worker = async () => {
        while (next < probes.length) {
            const index = next++;
            const { probe, checks } = probes[index];
            const started = ctx.now().getTime();
            running.set(index, { label: probe.label, started });
            let outcomes;
            try {
                outcomes = await probe.run(ctx, checks);
            } catch (err) {
                // A sign-in problem stops the whole run (exit 2); anything else fails this probe's checks.
                if (err instanceof UserError) throw err;
                const message = err instanceof Error ? err.message : String(err);
                outcomes = checks.map(() => ({ pass: false, got: `the check itself failed: ${message}` }));
            } finally {
                running.delete(index);
            }
            const seconds = Math.round((ctx.now().getTime() - started) / 1000);
            results[index] = checks.map((c, i) => ({ ...c, ...(outcomes[i] ?? { pass: false, got: "no answer for this check" }), seconds }));
            done++;
            const passed = results[index].filter((r) => r.pass).length;
            ctx.progress(`  [${done}/${probes.length}] ${probe.label}: ${passed}/${checks.length} passed (${formatDuration(seconds * 1000)})`);
        }
    };
    try {
        await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, probes.length)) }, worker));
    } finally {
        clearInterval(heartbeat);
    }
    return results.flat();
}

/** The table: one line per check, then each failure with its likely cause and the log to read. */
export function renderTable(results: CheckResult[]): string {
    const rows = [["RESULT", "LAB", "CHECK", "TARGET", "EXPECTED", "GOT"], ...results.map((r) => [r.pass ? "pass" : "FAIL", r.lab, r.kind, r.target, r.expected, r.got])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    const lines = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  "));
    const failed = results.filter((r) => !r.pass);
    if (failed.length) {
        lines.push("", "Failures:");
        for (const r of failed) lines.push(`  ${r.kind} ${r.target}`, `    likely cause: ${r.cause}`, `    read: ${r.log}`);
    }
    lines.push("", failed.length ? `${failed.length} of ${results.length} checks failed.` : `All ${results.length} checks passed.`);
    return lines.join("\n");
}

/** The same for tools: `{ stack, passed, failed, results: [...] }`. */
export function toJson(stack: string, results: CheckResult[]): string {
    return JSON.stringify(
        {
            stack,
            passed: results.filter((r) => r.pass).length,
            failed: results.filter((r) => !r.pass).length,
            results: results.map((r) => ({ lab: r.lab, check: r.kind, target: r.target, expected: r.expected, got: r.got, pass: r.pass, ...(r.pass ? {} : { cause: r.cause, log: r.log }), seconds: r.seconds })),
        },
        null,
        2,
    );
}
