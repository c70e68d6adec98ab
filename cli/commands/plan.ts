// `labs plan`: what `pulumi up` would create for a stack, worked out offline.
import { UserError } from "../engine/errors";
import { evaluate } from "../engine/evaluate";
import { type Plan, type PlannedResource, subtree } from "../engine/plan";
import { loadProject } from "../engine/project";
import type { WireObject } from "../engine/wire";
import { toPreviewDigest } from "../plan/preview-json";
import { renderPlan } from "../plan/render";
import { resolveProgramDir } from "../locate";

export interface PlanOptions {
    stack: string;
    lab?: string;
    program?: string;
    json?: boolean;
    /** `key=value` settings that win over the stack file, as `pulumi up --config` takes them. */
    config?: string[];
}

export async function planCommand(options: PlanOptions, write: (text: string) => void): Promise<number> {
    const plan = await evaluateForLab(options);
    const { roots, resources, outputs } = selectLab(plan, options.lab);
    write(options.json ? JSON.stringify(toPreviewDigest(plan, resources, outputs), null, 2) : renderPlan(plan, roots, outputs));
    return 0;
}

/** Evaluates the program; with a lab name and a program that selects labs by config `labs`, only that lab. */
export async function evaluateForLab(options: Pick<PlanOptions, "stack" | "lab" | "program" | "config">): Promise<Plan> {
    const programDir = resolveProgramDir(options.program);
    const project = loadProject(programDir);
    const overrides = parseConfigFlags(options.config ?? []);
    if (options.lab && project.config.some((d) => d.key === `${project.name}:labs`)) overrides.labs = [options.lab];
    return evaluate({ programDir, stack: options.stack, overrides });
}

/** `key=value` pairs; values that look like JSON lists or objects are parsed, everything else stays a string. */
export function parseConfigFlags(pairs: string[]): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const pair of pairs) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new UserError(`--config '${pair}' is not key=value (e.g. --config dnsPattern=byo-forwarders).`);
        const key = pair.slice(0, eq);
        const text = pair.slice(eq + 1);
        let value: unknown = text;
        if (/^\s*[[{]/.test(text)) {
            try {
                value = JSON.parse(text);
            } catch (err) {
                throw new UserError(`--config ${key}: the value looks like JSON but is not valid JSON (${(err as Error).message}).`);
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
