// Bring-your-own DNS: each VNet's forwarder VM runs Windows DNS, forwards to Azure DNS and
// conditionally forwards the other VNets' Azure-assigned namespaces (read from their NICs).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { WindowsVm } from "../../lib/windows-vm";
import type { DnsLabArgs } from "./config";
import { conditionalForwarders } from "./topology";

/** Azure's DNS virtual IP, the same in every VNet and region. */
export const AZURE_DNS = "168.63.129.16";

export const FORWARDER_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "Configure-DnsForwarder.ps1"), "utf8");

/** The script's ConditionalForwardersBase64 parameter: base64 of `[{zone, servers}]`, immune to shell quoting. */
export function encodeConditionalForwarders(entries: Array<{ zone: string; servers: string[] }>): string {
    return Buffer.from(JSON.stringify(entries), "utf8").toString("base64");
}

export function configureForwarders(args: DnsLabArgs, vms: Record<string, WindowsVm>, dependsOn: pulumi.Resource[]): void {
    const forwarders = args.vnets.map((v) => ({ vnet: v.name, ip: v.vms.find((vm) => vm.name === v.forwarder)?.ip ?? "", vm: vms[v.forwarder ?? ""] }));
    const plan = conditionalForwarders(forwarders, args.peering);
    const suffixOf = (vnet: string) => forwarders.find((f) => f.vnet === vnet)!.vm.internalDomainNameSuffix;
    for (const f of forwarders) {
        const hops = plan.get(f.vnet) ?? [];
        const conditional = pulumi.all(hops.map((h) => suffixOf(h.namespaceOf).apply((zone) => ({ zone, servers: [h.via] })))).apply(encodeConditionalForwarders);
        f.vm.runScript(
            "configure-dns-forwarder",
            { script: FORWARDER_SCRIPT, parameters: { Forwarders: AZURE_DNS, ConditionalForwardersBase64: conditional } },
            // Peerings first: the forwarders it names must be reachable when clients start asking.
            { dependsOn },
        );
    }
}
