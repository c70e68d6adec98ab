// What the DNS lab tells its user: each VM's address and name, how to reach it, and the
// names each VM must resolve for the pattern to work (what `npm run verify` checks).
import * as pulumi from "@pulumi/pulumi";
import type { WindowsVm } from "../../lib/windows-vm";
import type { DnsLabArgs } from "./config";

export interface VmOutput {
    name: string;
    vnet: string;
    role: "dns-forwarder" | "client";
    privateIp: string;
    /** The name other VMs use: in the lab zone if the VNet registers there, else in the VNet's Azure namespace. */
    fqdn: string;
    /** The VNet's Azure-assigned namespace. */
    namespaceFqdn: string;
    connect: { runCommand: string; rdp: string };
}

export interface NameCheck {
    /** VM that asks. */
    vm: string;
    /** Name it asks for. */
    name: string;
    /** Address it must get. */
    expect: string;
}

export function describeVms(args: DnsLabArgs, vms: Record<string, WindowsVm>): pulumi.Output<VmOutput[]> {
    const zoneVnets = args.pattern === "private-zones" || args.pattern === "private-resolver" ? args.zone.registrationVnets : [];
    const all = args.vnets.flatMap((vnet) =>
        vnet.vms.map((vm) =>
            pulumi.all([vms[vm.name].privateIp, vms[vm.name].internalDomainNameSuffix]).apply(([ip, suffix]) => {
                const namespaceFqdn = `${vm.name}.${suffix}`;
                return {
                    name: vm.name,
                    vnet: vnet.name,
                    role: args.pattern === "byo-forwarders" && vm.name === vnet.forwarder ? ("dns-forwarder" as const) : ("client" as const),
                    privateIp: ip,
                    fqdn: zoneVnets.includes(vnet.name) ? `${vm.name}.${args.zone.name}` : namespaceFqdn,
                    namespaceFqdn,
                };
            }),
        ),
    );
    return pulumi.all(all).apply((described) => {
        const checks = nameChecks(args, described.map((d) => ({ ...d, connect: { runCommand: "", rdp: "" } })));
        return described.map((d): VmOutput => {
            // The first lookup this VM must get right makes a good first command to try.
            const probe = checks.find((c) => c.vm === d.name)?.name ?? d.namespaceFqdn;
            return {
                ...d,
                connect: {
                    runCommand: `az vm run-command invoke --resource-group ${args.resourceGroupName} --name ${d.name} --command-id RunPowerShellScript --scripts "Resolve-DnsName ${probe}"`,
                    rdp: args.windows.rdpSourceCidr
                        ? `mstsc /v:${d.privateIp} from ${args.windows.rdpSourceCidr}, over a network path into ${d.vnet} (VPN, ExpressRoute or a peered VNet); the VM has no public IP`
                        : `no RDP rule: set adminSourceCidr to the network you connect from (through a VPN or peering into ${d.vnet}); use the runCommand meanwhile`,
                },
            };
        });
    });
}

/** The lookups that prove the pattern works, from each VM's point of view. */
export function nameChecks(args: DnsLabArgs, vms: VmOutput[]): NameCheck[] {
    const checks: NameCheck[] = [];
    const zoneRecords = args.zone.records.filter((r) => r.type === "A").map((r) => ({ name: r.name === "@" ? args.zone.name : `${r.name}.${args.zone.name}`, ip: r.values[0] }));
    for (const asker of vms) {
        for (const target of vms) {
            if (target.name === asker.name) continue;
            const sameVnet = target.vnet === asker.vnet;
            switch (args.pattern) {
                case "azure-provided":
                    // Azure-provided names resolve inside their own VNet only: the post's point.
                    if (sameVnet) checks.push({ vm: asker.name, name: target.namespaceFqdn, expect: target.privateIp });
                    break;
                case "byo-forwarders":
                    checks.push({ vm: asker.name, name: target.namespaceFqdn, expect: target.privateIp });
                    break;
                case "private-zones":
                case "private-resolver":
                    if (target.fqdn !== target.namespaceFqdn) checks.push({ vm: asker.name, name: target.fqdn, expect: target.privateIp });
                    else if (sameVnet) checks.push({ vm: asker.name, name: target.namespaceFqdn, expect: target.privateIp });
                    break;
            }
        }
        if (args.pattern === "private-zones" || args.pattern === "private-resolver") {
            for (const r of zoneRecords) checks.push({ vm: asker.name, name: r.name, expect: r.ip });
        }
    }
    return checks;
}
