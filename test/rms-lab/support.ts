// Questions the RMS lab tests ask of a plan: a step's parameters, and dependency paths.
import { expect } from "vitest";
import type { Plan, PlannedResource } from "../../cli/engine/plan";
import { input, one } from "../support";
import type { LabExpectations } from "../hygiene";

export const RUN_COMMAND = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";
export const GATEWAY = "azure-native:network:VirtualNetworkGateway";
export const RESTART = "command:local:Command";

export const RMS_LAB: LabExpectations = {
    lab: "rms-lab",
    resourceGroups: ["rg-rms-legacy-dev", "rg-rms-modern-dev"],
    secretOutputs: ["rms-lab.adminPasswords", "rms-lab.safeModePasswords", "rms-lab.vpnSharedKeys"],
    plainOutputs: ["rms-lab.forests", "rms-lab.homeRouter"],
    // The gateways' and the NAT gateways' (outbound only) addresses; never a VM's.
    publicIps: /^pip-(vgw|ng)-rms-(legacy|modern)$/,
    imageOf: (vm) =>
        input<string>(vm, "vmName").startsWith("jog-")
            ? { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2016-datacenter-gensecond", version: "latest" }
            : { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
};

/** A Run Command step, e.g. step(plan, "jog-dc1", "promote-dc"). */
export function step(plan: Plan, server: string, name: string): PlannedResource {
    return one(plan, RUN_COMMAND, `${server}-${name}`);
}

/** A step's parameters as passed, by name: base64 (the RMS lab's steps encode every value), secrets revealed. */
export function rawParametersOf(run: PlannedResource): { plain: Record<string, string>; protected: Record<string, string> } {
    const read = (key: string) => Object.fromEntries((input<Array<{ name: string; value: string }> | null>(run, key) ?? []).map((p) => [p.name, p.value]));
    return { plain: read("parameters"), protected: read("protectedParameters") };
}

/** A step's parameters decoded, as the script sees them. */
export function parametersOf(run: PlannedResource): { plain: Record<string, string>; protected: Record<string, string> } {
    const raw = rawParametersOf(run);
    const decode = (p: Record<string, string>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
    return { plain: decode(raw.plain), protected: decode(raw.protected) };
}

/** Whether `from` waits for `to`, directly or through any chain of dependencies. */
export function dependsOn(plan: Plan, from: PlannedResource, to: PlannedResource): boolean {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const queue = [...from.dependencies];
    while (queue.length) {
        const urn = queue.pop()!;
        if (urn === to.urn) return true;
        if (seen.has(urn)) continue;
        seen.add(urn);
        queue.push(...(byUrn.get(urn)?.dependencies ?? []));
    }
    return false;
}

export function expectDirectDependency(from: PlannedResource, to: PlannedResource): void {
    expect({ from: from.name, dependsOnDirectly: from.dependencies.includes(to.urn) }).toEqual({ from: from.name, dependsOnDirectly: true });
}
