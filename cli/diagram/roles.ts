// What each server is for (dc, adcs, rms, sql, adfs, aadc; client, dns-forwarder), and the AD
// forests the RMS post builds: each forest's domain on its resource group, the two-way trust
// between the forests' domain controllers.
import type { Wire } from "../engine/wire";
import { isSecret } from "../engine/wire";
import { type AzureNetwork, resourceGroupBoxId } from "./azure-network";
import type { DiagramBuilder } from "./model";
import type { LabSource } from "./source";

const RUN_COMMAND = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";

/**
 * Roles by VM name. The lab's stack outputs say it best (rms-lab `forests[].servers[].roles`,
 * dns-lab `vms[].role`): any object there with a `name` and `roles` or `role`. A VM the outputs
 * do not describe gets roles from the Run Commands that set it up.
 */
export function serverRoles(source: LabSource): Map<string, string[]> {
    const roles = rolesFromRunCommands(source);
    const walk = (value: Wire) => {
        if (value === null || typeof value !== "object" || isSecret(value)) return;
        if (Array.isArray(value)) return value.forEach(walk);
        const name = value.name;
        const listed = Array.isArray(value.roles) ? value.roles.filter((r): r is string => typeof r === "string") : typeof value.role === "string" ? [value.role] : undefined;
        if (typeof name === "string" && listed) roles.set(name, listed);
        Object.values(value).forEach(walk);
    };
    walk(source.outputs);
    return roles;
}

/** Run Command names of the lab scripts and the role each one gives its server. */
const ROLE_OF_COMMAND: Record<string, string> = {
    "promote-dc": "dc",
    "install-rms": "rms",
    "install-sql": "sql",
    "install-adfs": "adfs",
    "prepare-entra-connect": "aadc",
    "configure-dns-forwarder": "dns-forwarder",
};

function rolesFromRunCommands(source: LabSource): Map<string, string[]> {
    const roles = new Map<string, string[]>();
    const add = (vm: string, role: string) => roles.set(vm, [...new Set([...(roles.get(vm) ?? []), role])]);
    for (const command of source.ofType(RUN_COMMAND)) {
        const { vm, command: name } = source.runCommandOf(command);
        if (!vm || !name) continue;
        const role = ROLE_OF_COMMAND[name];
        if (role) add(vm, role);
        if (source.runCommandParameters(command).InstallCertificateAuthority === "true") add(vm, "adcs");
    }
    return roles;
}

/** Forest domains on their resource groups, and forest trusts between domain controllers. */
export function drawForests(builder: DiagramBuilder, source: LabSource, net: AzureNetwork): void {
    const dcOfForest = new Map<string, string>();
    for (const command of source.ofType(RUN_COMMAND)) {
        const parameters = source.runCommandParameters(command);
        const { vm } = source.runCommandOf(command);
        // The promotion names the forest: DomainName and NetbiosName.
        if (!parameters.DomainName || !parameters.NetbiosName || !vm) continue;
        const node = net.vmsByName.get(vm);
        if (node) dcOfForest.set(parameters.DomainName.toLowerCase(), node);
        const box = builder.getCluster(resourceGroupBoxId(source.text(command, "resourceGroupName") ?? ""));
        const caption = `forest ${parameters.DomainName} (${parameters.NetbiosName})`;
        if (box && !box.lines.includes(caption)) box.lines.push(caption);
    }
    for (const command of source.ofType(RUN_COMMAND)) {
        const { LocalForest: local, RemoteForest: remote } = source.runCommandParameters(command);
        const { vm } = source.runCommandOf(command);
        const from = vm ? net.vmsByName.get(vm) : undefined;
        if (!local || !remote || !from) continue;
        const to = dcOfForest.get(remote.toLowerCase()) ?? builder.node(`forest:${remote}`, "external", [`forest ${remote}`, "outside this lab"]).id;
        builder.edge(from, to, "trust", `two-way forest trust\n${local} <-> ${remote}`);
    }
}
