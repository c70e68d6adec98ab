// Policy tests drive the pack the way `pulumi preview` does: through the analyzer protocol,
// one resource at a time, then the stack. Resources are written as plain specs.
import { afterAll, beforeAll } from "vitest";
import { PolicyHost, type PolicyConfig } from "../../cli/engine/analyzer";
import type { Plan, PlannedResource } from "../../cli/engine/plan";
import { type WireObject, secret, toWire } from "../../cli/engine/wire";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { runChecks, type Violation } from "../../cli/commands/check";
import { ROOT } from "../support";
import * as path from "node:path";

export const PACK_DIR = path.join(ROOT, "policies");
export const UNKNOWN = unknownValue;
export { secret };

export interface Spec {
    type: string;
    name?: string;
    props: Record<string, unknown>;
    additionalSecretOutputs?: string[];
    provider?: Spec;
    dependsOn?: Record<string, string[]>;
}

let counter = 0;

export function resource(spec: Spec): PlannedResource {
    const name = spec.name ?? `r${++counter}`;
    return {
        urn: `urn:pulumi:test::labs::${spec.type}::${name}`,
        type: spec.type,
        name,
        custom: true,
        inputs: toWire(spec.props) as WireObject,
        outputs: toWire(spec.props) as WireObject,
        dependencies: Object.values(spec.dependsOn ?? {}).flat(),
        propertyDependencies: spec.dependsOn ?? {},
        options: { additionalSecretOutputs: spec.additionalSecretOutputs },
        provider: spec.provider ? `urn:pulumi:test::labs::${spec.provider.type}::${spec.provider.name ?? "provider"}::id` : undefined,
    };
}

/** Starts the pack once for a test file; `env` e.g. points it at another exemptions file. */
export function usePack(env: Record<string, string> = {}): { host: () => PolicyHost } {
    let host: PolicyHost;
    beforeAll(async () => {
        host = await PolicyHost.start(PACK_DIR, { env });
    });
    afterAll(() => host?.close());
    return { host: () => host };
}

/** Violations (and applied exemptions) of the pack over these resources, as one stack. */
export async function check(host: PolicyHost, specs: Spec[], config: PolicyConfig = {}): Promise<{ violations: Violation[]; exemptions: Violation[] }> {
    const resources = specs.flatMap((s) => (s.provider ? [resource({ ...s.provider, name: s.provider.name ?? "provider" }), resource(s)] : [resource(s)]));
    const plan: Plan = { project: "labs", stack: "test", resources, outputs: {}, config: {}, sdkModules: [] };
    return runChecks(host, plan, config);
}

/** The findings of one policy: `policy[finding]` ids, sorted. */
export function findings(result: { violations: Violation[] }, policy: string): string[] {
    return result.violations
        .filter((v) => v.policy === policy)
        .map((v) => /^([^:]+?(?:\[[^\]]*\])?):/.exec(v.message)?.[1] ?? v.message)
        .sort();
}
