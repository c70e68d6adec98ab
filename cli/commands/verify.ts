// `labs verify`: after `pulumi up`, proves each deployed lab works, from its stack outputs,
// with the Azure and AWS CLIs. Exit 0 when every check passes, 1 when one fails, 2 for a
// usage or environment problem (a CLI missing or signed out, the stack or lab not deployed).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { collectorProbes, COLLECTOR_CHECKS } from "../../stacks/collector/verify";
import { dnsLabProbes } from "../../stacks/dns-lab/verify";
import { RMS_CHECKS, rmsLabProbes } from "../../stacks/rms-lab/verify";
import { UserError } from "../engine/errors";
import { type Wire, type WireObject, mask } from "../engine/wire";
import { evaluateForLab } from "./plan";
import type { Check, Probe, ProbeBuilder, ProbeContext } from "../verify/model";
import { type Cli, type Runner, lastError, loginProblem, spawnRunner } from "../verify/runner";
import { renderTable, runProbes, selectedChecks, toJson } from "../verify/run";

export interface VerifyOptions {
    stack: string;
    lab?: string;
    json?: boolean;
    dryRun?: boolean;
    /** Check kinds to run, e.g. `forest-trust`; all when empty. */
    only?: string[];
    /** Minutes a check waits for data to arrive (the collector's rows, Athena). */
    waitMinutes?: string;
    parallel?: string;
}

export interface VerifyDeps {
    runner: Runner;
    now(): Date;
    sleep(ms: number): Promise<void>;
    /** Progress lines (stderr with --json, so stdout stays JSON). */
    progress(line: string): void;
    pollMs: number;
    heartbeatMs: number;
    /** The stack's outputs as the offline plan computes them, for --dry-run without a deployed stack. */
    plannedOutputs(stack: string, lab: string | undefined): Promise<Record<string, unknown>>;
}

const LABS: Record<string, { build: ProbeBuilder; kinds: readonly string[] }> = {
    "dns-lab": { build: (o) => dnsLabProbes(o), kinds: ["dns-lookup"] },
    "rms-lab": { build: rmsLabProbes, kinds: RMS_CHECKS },
    collector: { build: collectorProbes, kinds: COLLECTOR_CHECKS },
};

export function defaultDeps(json: boolean, write: (text: string) => void): VerifyDeps {
    return {
        runner: spawnRunner(),
        now: () => new Date(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        progress: json ? (line) => process.stderr.write(`${line}\n`) : write,
        pollMs: 30_000,
        heartbeatMs: 60_000,
        async plannedOutputs(stack, lab) {
            const plan = await evaluateForLab({ stack, lab });
            return mask(plan.outputs as Wire) as Record<string, unknown>;
        },
    };
}

export async function verifyCommand(options: VerifyOptions, write: (text: string) => void, deps: VerifyDeps = defaultDeps(options.json === true, write)): Promise<number> {
    const only = (options.only ?? []).flatMap((o) => o.split(",")).map((o) => o.trim()).filter(Boolean);
    const allKinds = [...new Set(Object.values(LABS).flatMap((l) => l.kinds))];
    const unknown = only.filter((o) => !allKinds.includes(o));
    if (unknown.length) throw new UserError(`--only ${unknown.join(",")}: no such check; the checks are ${allKinds.join(", ")}.`);
    if (options.lab && !(options.lab in LABS)) throw new UserError(`--lab ${options.lab}: no such lab; the labs are ${Object.keys(LABS).join(", ")}.`);
    const waitMinutes = Number(options.waitMinutes ?? 15);
    const parallel = Number(options.parallel ?? 4);
    if (!Number.isFinite(waitMinutes) || waitMinutes <= 0) throw new UserError(`--wait-minutes ${options.waitMinutes}: expected a number of minutes above 0.`);
    if (!Number.isInteger(parallel) || parallel < 1) throw new UserError(`--parallel ${options.parallel}: expected a whole number of 1 or more.`);

    const { outputs, source } = await readOutputs(options, deps);
    const probes = buildProbes(outputs, options, only);
    const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-verify-"));

    if (options.dryRun) {
        write(renderDryRun(options.stack, source, probes, scratchDir, options.json === true));
        return 0;
    }
    await signIn([...new Set(probes.flatMap(({ probe }) => probe.clis))], deps.runner);
    const checkCount = probes.reduce((n, p) => n + p.checks.length, 0);
    deps.progress(`Verifying ${checkCount} checks of stack '${options.stack}' with ${probes.length} probes, ${parallel} at a time (a Run Command takes about a minute; waiting for data up to ${waitMinutes} min)...`);
    const ctx: ProbeContext = { runner: deps.runner, scratchDir, now: deps.now, sleep: deps.sleep, progress: deps.progress, waitMs: waitMinutes * 60_000, pollMs: deps.pollMs };
    const results = await runProbes(probes, ctx, { parallel, heartbeatMs: deps.heartbeatMs });
    write(options.json ? toJson(options.stack, results) : `\n${renderTable(results)}`);
    return results.every((r) => r.pass) ? 0 : 1;
}

/** The deployed stack's outputs, without secrets (`[secret]`); for --dry-run, the offline plan's when there is none. */
async function readOutputs(options: VerifyOptions, deps: VerifyDeps): Promise<{ outputs: Record<string, unknown>; source: string }> {
    try {
        const outputs = await deployedOutputs(options.stack, deps.runner);
        return { outputs, source: `the deployed stack (pulumi stack output --stack ${options.stack})` };
    } catch (err) {
        if (!options.dryRun || !(err instanceof UserError)) throw err;
        const outputs = await deps.plannedOutputs(options.stack, options.lab);
        return { outputs, source: `the offline plan of Pulumi.${options.stack}.yaml, because ${err.message.replace(/\.$/, "")}; names with a random suffix differ in a deployed stack` };
    }
}

async function deployedOutputs(stack: string, runner: Runner): Promise<Record<string, unknown>> {
    // Never --show-secrets: no check needs a secret, and nothing verify prints may hold one.
    const result = await runner("pulumi", ["stack", "output", "--json", "--stack", stack]);
    const login = loginProblem("pulumi", result);
    if (login) throw login;
    if (result.code !== 0) {
        if (/no stack named/i.test(result.stderr)) throw new UserError(`stack '${stack}' is not deployed in this Pulumi backend (${lastError(result)}): run pulumi up, or name the stack with --stack`);
        if (/passphrase/i.test(result.stderr)) throw new UserError(`pulumi cannot open stack '${stack}' (${lastError(result)}): set PULUMI_CONFIG_PASSPHRASE to the stack's passphrase`);
        throw new UserError(`pulumi stack output --stack ${stack} failed: ${lastError(result)}`);
    }
    let outputs: unknown;
    try {
        outputs = JSON.parse(result.stdout);
    } catch {
        throw new UserError(`pulumi stack output --stack ${stack} did not print JSON`);
    }
    if (typeof outputs !== "object" || outputs === null || Object.keys(outputs).length === 0) throw new UserError(`stack '${stack}' has no outputs: it is not deployed; run pulumi up`);
    return outputs as Record<string, unknown>;
}

function buildProbes(outputs: Record<string, unknown>, options: VerifyOptions, only: string[]): Array<{ probe: Probe; checks: Check[] }> {
    const deployed = Object.keys(outputs).filter((k) => k in LABS);
    if (options.lab && !deployed.includes(options.lab)) {
        throw new UserError(
            `lab '${options.lab}' is not deployed in stack '${options.stack}' (its labs: ${deployed.join(", ") || "none"}): add it to the labs setting (pulumi config set --path 'labs[0]' ${options.lab}) and run pulumi up.`,
        );
    }
    const labs = options.lab ? [options.lab] : deployed;
    if (labs.length === 0) throw new UserError(`stack '${options.stack}' has no lab outputs (${Object.keys(outputs).join(", ")}): deploy a lab with pulumi up first.`);
    const probes = labs.flatMap((lab) => {
        try {
            return LABS[lab].build(outputs[lab] as WireObject, options.stack);
        } catch (err) {
            throw new UserError(`stack '${options.stack}', ${lab}: ${(err as Error).message}.`);
        }
    });
    const chosen = probes.map((probe) => ({ probe, checks: selectedChecks(probe, only) })).filter((p) => p.checks.length > 0);
    if (chosen.length === 0) throw new UserError(`--only ${only.join(",")}: none of these checks applies to ${labs.join(", ")} in stack '${options.stack}' (its checks: ${[...new Set(probes.flatMap((p) => p.checks.map((c) => c.kind)))].join(", ")}).`);
    return chosen;
}

/** Checks each CLI the probes need is signed in, before anything runs: `az account show`, `aws sts get-caller-identity`. */
async function signIn(clis: Cli[], runner: Runner): Promise<void> {
    const probes: Partial<Record<Cli, string[]>> = { az: ["account", "show", "--output", "json"], aws: ["sts", "get-caller-identity", "--output", "json"] };
    await Promise.all(
        clis.map(async (cli) => {
            const args = probes[cli];
            if (!args) return;
            const result = await runner(cli, args);
            const login = loginProblem(cli, result);
            if (login) throw login;
            if (result.code !== 0) throw new UserError(`${cli} ${args.slice(0, 2).join(" ")} failed (${lastError(result)}): check the ${cli} CLI works, then run labs verify again.`);
        }),
    );
}

function renderDryRun(stack: string, source: string, probes: Array<{ probe: Probe; checks: Check[] }>, scratchDir: string, json: boolean): string {
    const planned = probes.map(({ probe, checks }) => ({ lab: probe.lab, probe: probe.label, checks: checks.map((c) => ({ check: c.kind, target: c.target, expected: c.expected })), commands: probe.commands(checks, scratchDir) }));
    if (json) return JSON.stringify({ stack, source, scripts: scratchDir, probes: planned }, null, 2);
    const lines = [`labs verify would run these checks for stack '${stack}' (outputs from ${source}); nothing has been called in Azure or AWS:`];
    for (const p of planned) {
        lines.push("", `${p.lab}: ${p.probe}`);
        for (const c of p.checks) lines.push(`  - ${c.check}  ${c.target}  (expect ${c.expected})`);
        for (const command of p.commands) lines.push(`    $ ${command}`);
    }
    lines.push("", `The scripts are in ${scratchDir}.`);
    return lines.join("\n");
}
