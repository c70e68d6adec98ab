// `labs plan`: what `pulumi up` would create for a stack, worked out offline.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadPrices } from "../cost/price-table";
import { DEFAULT_HOURS_PER_DAY, costByLab, labsOf, renderCostSummary } from "../cost/report";
import { ProgramError, UserError } from "../engine/errors";
import { evaluateInChild } from "../engine/fork";
import { addRedactions } from "../engine/redact";
import { typecheckProgram } from "../engine/typecheck";
import { type Plan, type PlannedResource, subtree } from "../engine/plan";
import { loadProject } from "../engine/project";
import type { WireObject } from "../engine/wire";
import { toPreviewDigest } from "../plan/preview-json";
import { renderPlan } from "../plan/render";
import { criticalPath, renderCriticalPath } from "../plan/timing";
import { resolveProgramDir } from "../locate";

export interface PlanOptions {
    stack: string;
    lab?: string;
    program?: string;
    json?: boolean;
    /** `key=value` settings that win over the stack file, as `pulumi up --config` takes them. */
    config?: string[];
    /** `key=value` settings that hold secrets, as `pulumi config set --secret` would store them. */
    secretConfig?: string[];
}

export async function planCommand(options: PlanOptions, write: (text: string) => void): Promise<number> {
    const plan = await evaluateForLab(options);
    const { roots, resources, outputs } = selectLab(plan, options.lab);
    if (options.json) {
        write(JSON.stringify(toPreviewDigest(plan, resources, outputs), null, 2));
        return 0;
    }
    write(renderPlan(plan, roots, outputs));
    write("");
    write(renderReadiness(plan, options.lab, resolveProgramDir(options.program)));
    return 0;
}

/** After the tree: how long each lab takes to be usable, what it costs, where its picture is. */
export function renderReadiness(plan: Plan, lab: string | undefined, programDir: string): string {
    const labs = labsOf(plan).filter((l) => !lab || l.lab === lab);
    if (labs.length === 0) return "";
    const lines = ["Time to ready (estimate; labs cost and labs diagram for more):"];
    for (const l of labs) lines.push(renderCriticalPath(l.lab, criticalPath(l.resources)));
    lines.push("");
    const prices = loadPrices();
    lines.push(...renderCostSummary(costByLab(plan, prices, DEFAULT_HOURS_PER_DAY, lab), prices, DEFAULT_HOURS_PER_DAY));
    lines.push("");
    const pictures = labs.map((l) => path.join(programDir, "docs", "diagrams", `${l.lab}.svg`));
    const drawn = pictures.filter((p) => fs.existsSync(p)).map((p) => path.relative(process.cwd(), p) || p);
    lines.push(drawn.length ? `Pictures: ${drawn.join(", ")} (written by labs diagram; run it again after changing settings)` : "Pictures: none yet; labs diagram writes one SVG per lab to docs/diagrams");
    return lines.join("\n");
}

/** Evaluates the program; with a lab name and a program that selects labs by config `labs`, only that lab. */
/** How `--lab` tells this project's program which one lab to build (stacks/index.ts reads it). */
export const ONLY_LAB_VARIABLE = "LABS_ONLY_LAB";

export async function evaluateForLab(options: Pick<PlanOptions, "stack" | "lab" | "program" | "config" | "secretConfig">): Promise<Plan> {
    const programDir = resolveProgramDir(options.program);
    const project = loadProject(programDir);
    const overrides = parseConfigFlags(options.config ?? []);
    const labsSetting = project.config.find((d) => d.key === `${project.name}:labs`);
    const env: Record<string, string> = {};
    if (options.lab && labsSetting) {
        // The setting's default lists every lab the project has.
        const known = Array.isArray(labsSetting.default) ? labsSetting.default.map(String) : undefined;
        if (known && !known.includes(options.lab)) throw new UserError(`--lab ${options.lab}: this project has no such lab; its labs are ${known.join(", ")}.`);
        // The program still reads and checks every lab the stack selects (pulumi up would refuse
        // their settings too), and builds this one only.
        env[ONLY_LAB_VARIABLE] = options.lab;
    }
    // In a process of its own: the program owns that event loop, so the engine can tell when it has
    // truly finished, and neither a process.exit nor a heap exhaustion takes the command down.
    const secretOverrides = parseConfigFlags(options.secretConfig ?? [], "--secret-config");
    addRedactions(Object.values(secretOverrides));
    // The type check `pulumi up` does first runs beside the evaluation, in a process of its own.
    const typecheck = typecheckProgram(project);
    typecheck.catch(() => undefined);
    const { plan } = await evaluateInChild({ programDir, stack: options.stack, overrides, secretOverrides, env }, true);
    const problems = await typecheck;
    if (problems.length) {
        throw new ProgramError(
            [
                `Stack '${options.stack}' could not be planned: the program does not type-check, and pulumi up type-checks it before it runs anything:`,
                ...problems.map((p) => `  ${p}`),
                "Fix the types (or, as for pulumi up, set PULUMI_NODEJS_TRANSPILE_ONLY=true to skip the check).",
            ].join("\n"),
            false,
        );
    }
    return plan;
}

/** `key=value` pairs; values that look like JSON lists or objects are parsed, everything else stays a string. */
export function parseConfigFlags(pairs: string[], flag = "--config"): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const pair of pairs) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new UserError(flag === "--config" ? `--config '${pair}' is not key=value (e.g. --config dnsPattern=byo-forwarders).` : `${flag} '${pair.includes("=") ? pair : "[secret]"}' is not key=value (e.g. ${flag} rmsVpnSharedKey=<key>).`);
        const key = pair.slice(0, eq);
        const text = pair.slice(eq + 1);
        let value: unknown = text;
        if (/^\s*[[{]/.test(text)) {
            try {
                value = JSON.parse(text);
            } catch (err) {
                throw new UserError(`${flag} ${key}: the value looks like JSON but is not valid JSON${flag === "--config" ? ` (${(err as Error).message})` : ""}.`);
            }
        }
        result[key] = value;
    }
    return result;
}

/** The part of a plan that belongs to one lab: the top-level component of that name. */
export function selectLab(plan: Plan, lab: string | undefined): { roots: PlannedResource[]; resources: PlannedResource[]; outputs: WireObject } {
    const stack = plan.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    if (!lab || !stack) return { roots: stack ? [stack] : [], resources: plan.resources, outputs: plan.outputs };
    const top = plan.resources.filter((r) => r.parent === stack.urn && !r.custom);
    const root = top.find((r) => r.name === lab);
    if (!root) {
        throw new UserError(`this program has no lab named '${lab}'; its labs are: ${top.map((r) => r.name).join(", ") || "none"}.`);
    }
    const outputs: WireObject = lab in plan.outputs ? { [lab]: plan.outputs[lab] } : {};
    return { roots: [root], resources: subtree(plan, root.urn), outputs };
}
