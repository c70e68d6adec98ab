// Shared test helpers: plan the project (or a fixture program) in a child process, then ask
// questions of the resource graph.
import * as fs from "node:fs";
import * as path from "node:path";
import { evaluateInChild } from "../cli/engine/fork";
import type { Plan, PlannedResource } from "../cli/engine/plan";
import { type Wire, at, isSecret, reveal } from "../cli/engine/wire";

export const ROOT = path.resolve(__dirname, "..");
export const LABS_CLI = path.join(ROOT, "cli", "bin", "labs.js");

/** Plans this project's dev stack with settings overridden (keys without the `labs:` prefix). */
export async function planProject(overrides: Record<string, unknown> = {}, stack = "dev"): Promise<Plan> {
    return (await evaluateInChild({ programDir: ROOT, stack, overrides })).plan;
}

/** Plans the dev stack with one lab only, so a lab's tests see that lab's resources alone. */
export function planLab(lab: string, overrides: Record<string, unknown> = {}, stack = "dev"): Promise<Plan> {
    return planProject({ labs: [lab], ...overrides }, stack);
}

export function ofType(plan: Plan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

/** The one resource of a type with a logical name; fails loudly if there is not exactly one. */
export function one(plan: Plan, type: string, name: string): PlannedResource {
    const found = plan.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}: ${ofType(plan, type).map((r) => r.name).join(", ")}`);
    return found[0];
}

/** An input value by path, secrets revealed. */
export function input<T = unknown>(r: PlannedResource, p: string): T {
    return reveal(at(r.inputs, p) ?? null) as T;
}

/** An output value by path, secrets revealed. */
export function output<T = unknown>(r: PlannedResource, p: string): T {
    return reveal(at(r.outputs, p) ?? null) as T;
}

export function inputIsSecret(r: PlannedResource, p: string): boolean {
    return isSecret(at(r.inputs, p));
}

/** A stack output by path, e.g. `dns-lab.vms`; secrets revealed. */
export function stackOutput<T = unknown>(plan: Plan, p: string): T {
    return reveal(at(plan.outputs, p) ?? null) as T;
}

export function stackOutputRaw(plan: Plan, p: string): Wire | undefined {
    return at(plan.outputs, p);
}

/** Whether an azure-native resource type takes tags, read from the SDK's own type declarations. */
export function acceptsTags(type: string): boolean {
    const [, module, name] = type.split(":");
    const file = path.join(ROOT, "node_modules", "@pulumi", "azure-native", module, `${name.charAt(0).toLowerCase()}${name.slice(1)}.d.ts`);
    const text = fs.readFileSync(file, "utf8");
    const args = text.slice(text.indexOf(`export interface ${name}Args {`));
    return /\n {4}tags\?:/.test(args.slice(0, args.indexOf("\n}")));
}

/** Resources under a resource (at any depth). */
export function descendantsOf(plan: Plan, urn: string): PlannedResource[] {
    const kids = plan.resources.filter((r) => r.parent === urn);
    return kids.flatMap((k) => [k, ...descendantsOf(plan, k.urn)]);
}
