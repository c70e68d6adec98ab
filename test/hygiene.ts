// What every lab must get right, whatever it builds: auto-shutdown on every VM, secrets kept
// secret, no public IP on a VM and none at all beyond the ones a lab names, no Internet-open
// port, an NSG on every ordinary subnet, tags on everything that takes them.
import { expect, it } from "vitest";
import type { Plan, PlannedResource } from "../cli/engine/plan";
import { isSecret } from "../cli/engine/wire";
import { SERVICE_SUBNETS } from "../lib/network-rules";
import type { ImageReference } from "../lib/windows-vm";
import { acceptsTags, input, inputIsSecret, ofType, one, output, stackOutputRaw } from "./support";

export interface LabExpectations {
    /** The `lab` tag. */
    lab: string;
    /** The resource groups the lab's Azure resources may be in. */
    resourceGroups: string[];
    /** Stack outputs (paths) that hold the admin passwords: secret. */
    secretOutputs: string[];
    /** Stack outputs (paths) that describe the VMs: not secret, so they stay readable. */
    plainOutputs: string[];
    /** Public IP resources the lab may create (gateways, NAT), by logical name; VMs never get one. */
    publicIps?: RegExp;
    /** The image each VM should run. */
    imageOf: (vm: PlannedResource) => ImageReference;
}

export function itKeepsTheLabHygiene(getPlan: () => Plan, expected: LabExpectations): void {
    it("gives every VM an enabled daily auto-shutdown named shutdown-computevm-<vm> that targets it", () => {
        const plan = getPlan();
        const vms = ofType(plan, "azure-native:compute:VirtualMachine");
        expect(vms.length).toBeGreaterThan(0);
        for (const vm of vms) {
            const schedule = one(plan, "azure-native:devtestlab:GlobalSchedule", `shutdown-computevm-${input<string>(vm, "vmName")}`);
            expect(input(schedule, "targetResourceId")).toBe(vm.id);
            expect(input(schedule, "name")).toBe(`shutdown-computevm-${input<string>(vm, "vmName")}`);
            expect({ status: input(schedule, "status"), task: input(schedule, "taskType"), time: input(schedule, "dailyRecurrence.time"), zone: input(schedule, "timeZoneId") }).toEqual({
                status: "Enabled",
                task: "ComputeVmShutdownTask",
                time: "1900",
                zone: "UTC",
            });
        }
        expect(ofType(plan, "azure-native:devtestlab:GlobalSchedule")).toHaveLength(vms.length);
    });

    it("creates every VM's auto-shutdown after every step and restart of the lab, so no deployment loses a VM another step needs", () => {
        const plan = getPlan();
        const deploymentSteps = plan.resources.filter((r) => r.type === "azure-native:compute:VirtualMachineRunCommandByVirtualMachine" || r.type === "command:local:Command");
        for (const vm of ofType(plan, "azure-native:compute:VirtualMachine")) {
            const schedule = one(plan, "azure-native:devtestlab:GlobalSchedule", `shutdown-computevm-${input<string>(vm, "vmName")}`);
            for (const step of deploymentSteps) expect({ schedule: schedule.name, after: step.name, ordered: schedule.dependencies.includes(step.urn) }).toEqual({ schedule: schedule.name, after: step.name, ordered: true });
        }
    });

    it("starts the VM right before each step, after the step's other dependencies, and before each restart", () => {
        const plan = getPlan();
        const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        for (const step of ofType(plan, "azure-native:compute:VirtualMachineRunCommandByVirtualMachine")) {
            const vmName = input<string>(step, "vmName");
            const starts = step.dependencies.map((u) => byUrn.get(u)!).filter((r) => r.type === "command:local:Command" && /^az vm start --ids \/subscriptions\/\S+\/virtualMachines\/(\S+) (?:\/subscriptions\/\S+ )*--output none && az vm wait/.exec(String(input(r, "create")))?.[1] === vmName);
            expect({ step: step.name, starts: starts.length }).toEqual({ step: step.name, starts: 1 });
            // The step's own dependsOn (what it waits for), not the resources its inputs come from.
            const fromInputs = new Set(Object.values(step.propertyDependencies).flat());
            const others = step.dependencies.filter((u) => u !== starts[0].urn && !fromInputs.has(u));
            expect(others.length + 1).toBeGreaterThan(0);
            for (const u of others) expect({ start: starts[0].name, after: byUrn.get(u)?.name, ordered: starts[0].dependencies.includes(u) }).toEqual({ start: starts[0].name, after: byUrn.get(u)?.name, ordered: true });
        }
        for (const restart of ofType(plan, "command:local:Command").filter((r) => String(input(r, "create")).includes("az vm restart"))) {
            expect(String(input(restart, "create"))).toMatch(/^az vm start --ids (\S+) --output none && az vm restart --ids \1 --output none && az vm wait --ids \1 /);
        }
    });

    it("gives every subnet with VMs an outbound path (a NAT gateway), so Windows activates and updates", () => {
        const plan = getPlan();
        const natIds = new Set(ofType(plan, "azure-native:network:NatGateway").map((n) => n.id));
        const vmSubnets = new Set(ofType(plan, "azure-native:network:NetworkInterface").flatMap((nic) => input<Array<{ subnet: { id: string } }>>(nic, "ipConfigurations").map((c) => c.subnet.id)));
        expect(vmSubnets.size).toBeGreaterThan(0);
        for (const vnet of ofType(plan, "azure-native:network:VirtualNetwork")) {
            const vnetSubnets = output<Array<{ id: string; natGateway?: { id: string } }>>(vnet, "subnets");
            for (const subnet of vnetSubnets.filter((x) => vmSubnets.has(x.id))) expect({ subnet: subnet.id, nat: natIds.has(subnet.natGateway?.id) }).toEqual({ subnet: subnet.id, nat: true });
        }
    });

    it("keeps the generated admin password secret in every VM's inputs and in the outputs", () => {
        const plan = getPlan();
        for (const vm of ofType(plan, "azure-native:compute:VirtualMachine")) {
            expect(inputIsSecret(vm, "osProfile.adminPassword")).toBe(true);
            expect(input<string>(vm, "osProfile.adminPassword")).toHaveLength(24);
        }
        for (const p of expected.secretOutputs) expect({ p, secret: isSecret(stackOutputRaw(plan, p)) }).toEqual({ p, secret: true });
        for (const p of expected.plainOutputs) expect({ p, secret: isSecret(stackOutputRaw(plan, p)) }).toEqual({ p, secret: false });
    });

    it("creates no NIC that asks for a public IP, and no public IP beyond the lab's gateways", () => {
        const plan = getPlan();
        const allowed = expected.publicIps;
        expect(ofType(plan, "azure-native:network:PublicIPAddress").map((p) => p.name).filter((n) => !allowed?.test(n))).toEqual([]);
        for (const nic of ofType(plan, "azure-native:network:NetworkInterface")) {
            for (const config of input<Array<Record<string, unknown>>>(nic, "ipConfigurations")) expect(config.publicIPAddress).toBeUndefined();
        }
    });

    it("puts an NSG on every ordinary subnet and opens nothing to the Internet", () => {
        const plan = getPlan();
        const nsgIds = new Map(ofType(plan, "azure-native:network:NetworkSecurityGroup").map((n) => [n.id, n]));
        for (const vnet of ofType(plan, "azure-native:network:VirtualNetwork")) {
            for (const subnet of input<Array<{ name: string; networkSecurityGroup?: { id: string }; delegations?: unknown[] }>>(vnet, "subnets")) {
                const exempt = SERVICE_SUBNETS.includes(subnet.name) || (subnet.delegations?.length ?? 0) > 0;
                if (exempt) expect(subnet.networkSecurityGroup).toBeUndefined();
                else expect(nsgIds.has(subnet.networkSecurityGroup?.id)).toBe(true);
            }
        }
        for (const nsg of nsgIds.values()) {
            for (const rule of input<Array<{ access: string; direction: string; sourceAddressPrefix?: string; sourceAddressPrefixes?: string[] }>>(nsg, "securityRules")) {
                if (rule.access !== "Allow" || rule.direction !== "Inbound") continue;
                for (const source of [rule.sourceAddressPrefix, ...(rule.sourceAddressPrefixes ?? [])].filter((x): x is string => x !== undefined)) {
                    expect(source).toMatch(/^(10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.|VirtualNetwork$)/);
                }
            }
        }
    });

    it("tags every Azure resource that takes tags with lab, owner and expires", () => {
        const plan = getPlan();
        const azure = plan.resources.filter((r) => r.custom && r.type.startsWith("azure-native:"));
        const tagged = azure.filter((r) => acceptsTags(r.type));
        expect(tagged.length).toBeGreaterThan(5);
        for (const r of tagged) expect({ urn: r.urn, tags: input(r, "tags") }).toEqual({ urn: r.urn, tags: { lab: expected.lab, owner: "lab-user@example.com", expires: "2027-12-31" } });
    });

    it("puts every Azure resource in the lab's resource groups", () => {
        const plan = getPlan();
        for (const r of plan.resources.filter((x) => x.custom && x.type.startsWith("azure-native:"))) {
            expect({ urn: r.urn, rg: expected.resourceGroups.includes(input(r, "resourceGroupName")) }).toEqual({ urn: r.urn, rg: true });
        }
    });

    it("builds VMs with Trusted Launch, boot diagnostics on managed storage and the configured image and size", () => {
        for (const vm of ofType(getPlan(), "azure-native:compute:VirtualMachine")) {
            expect(input(vm, "securityProfile")).toEqual({ securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
            expect(input(vm, "diagnosticsProfile")).toEqual({ bootDiagnostics: { enabled: true } });
            expect(input(vm, "hardwareProfile.vmSize")).toBe("Standard_B2s");
            expect(input(vm, "storageProfile.imageReference")).toEqual(expected.imageOf(vm));
            expect(output(vm, "osProfile.adminPassword")).toBeNull();
        }
    });
}
