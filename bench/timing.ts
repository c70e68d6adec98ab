// Timing a command the way a user runs it: a fresh node process, wall-clock seconds.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..");
export const LABS = path.join(ROOT, "cli", "bin", "labs.js");

/** Seconds `node <args>` takes in the project folder; fails loudly if the command fails. */
export function time(args: string[]): number {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return seconds;
}

export function stats(samples: number[]): { median: number; min: number } {
    const sorted = [...samples].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}
