// A lab Windows server: static private IP, no public IP, generated admin password kept
// secret, Trusted Launch, boot diagnostics on managed storage, and an auto-shutdown
// schedule. Scripts run on it through managed Run Commands that fail the deployment on error;
// restarts between them are done from outside, by the Azure CLI.
import * as compute from "@pulumi/azure-native/compute";
import * as devtestlab from "@pulumi/azure-native/devtestlab";
import * as network from "@pulumi/azure-native/network";
import * as local from "@pulumi/command/local";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { nextShutdown } from "./azure-facts";
import { ConfigError, type ConfigProblem } from "./config";
import { adminUsernameProblem, windowsComputerNameProblem } from "./windows-names";

export interface ImageReference {
    publisher: string;
    offer: string;
    sku: string;
    version: string;
}

export interface AutoShutdown {
    /** Daily time, `HHmm` (24-hour). */
    time: string;
    /** Windows time zone id, e.g. `UTC` or `W. Europe Standard Time`. */
    timeZone: string;
}

export interface WindowsVmArgs {
    /** Required. Resource group of the VM, its NIC and its schedule. */
    resourceGroupName: pulumi.Input<string>;
    /** Required. Azure region. */
    location: pulumi.Input<string>;
    /** Required. Subnet the NIC joins. */
    subnetId: pulumi.Input<string>;
    /** Required. Static private IP inside the subnet. */
    privateIp: string;
    /** Optional. DNS servers for this NIC only. Default: the VNet's. */
    dnsServers?: string[];
    /** Optional. VM size. Default: `Standard_B2s`. */
    size?: string;
    /** Required. Marketplace image; Trusted Launch needs a Generation 2 image. */
    image: ImageReference;
    /** Required. Local administrator name. */
    adminUsername: string;
    /** Required. Local administrator password; pass a secret. */
    adminPassword: pulumi.Input<string>;
    /** Optional. Secure Boot and vTPM (Trusted Launch). Default: true. */
    trustedLaunch?: boolean;
    /** Optional. Daily shutdown; `false` leaves the VM running. Default: 19:00 UTC. */
    autoShutdown?: AutoShutdown | false;
    /** Required. Tags for the VM, NIC, disk and schedule. */
    tags: Record<string, string>;
}

export interface RunScriptArgs {
    /** Required. PowerShell script text. */
    script: string;
    /** Optional. Named script parameters, passed in the clear. Default: none. */
    parameters?: Record<string, pulumi.Input<string>>;
    /** Optional. Named script parameters Azure keeps encrypted (passwords). Default: none. */
    protectedParameters?: Record<string, pulumi.Input<string>>;
    /** Optional. Seconds before Azure stops the script. Default: 1800. */
    timeoutSeconds?: number;
    /** Optional. Account the script runs as, e.g. `JOG\\labadmin`. Default: the VM's SYSTEM account. */
    runAsUser?: pulumi.Input<string>;
    /** Optional. That account's password; pass a secret (Azure keeps it protected). */
    runAsPassword?: pulumi.Input<string>;
    /** Optional. Pass every parameter value base64-encoded (UTF-8); the script decodes them. Default: false. */
    base64Parameters?: boolean;
    /**
     * Optional. Other VMs the step needs running (a member's domain join needs its DC); they are
     * started with this one right before the step. Default: none.
     */
    requires?: WindowsVm[];
}

export const DEFAULT_VM_SIZE = "Standard_B2s";
export const DEFAULT_AUTO_SHUTDOWN: AutoShutdown = { time: "1900", timeZone: "UTC" };

export class WindowsVm extends pulumi.ComponentResource {
    readonly vm: compute.VirtualMachine;
    readonly nic: network.NetworkInterface;
    /** The daily auto-shutdown, once `scheduleShutdown` has made it (none when autoShutdown is false). */
    shutdownSchedule?: devtestlab.GlobalSchedule;
    /** Every step and restart so far: the schedule comes after all of them. */
    private readonly deploymentSteps: pulumi.Resource[] = [];
    private shutdownScheduled = false;

    /** The VM's steps and restarts so far, with the start before each step. */
    get steps(): pulumi.Resource[] {
        return [...this.deploymentSteps];
    }
    /** The NIC's private IP as Azure reports it. */
    readonly privateIp: pulumi.Output<string>;
    /** The VNet's Azure-provided DNS namespace, `<random>.<xx>.internal.cloudapp.net`. */
    readonly internalDomainNameSuffix: pulumi.Output<string>;
    private readonly args: WindowsVmArgs;

    /** `name` is the VM name and its Windows computer name (at most 15 characters). */
    constructor(
        readonly vmName: string,
        args: WindowsVmArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("labs:azure:WindowsVm", vmName, {}, opts);
        const problems: ConfigProblem[] = [];
        const nameProblem = windowsComputerNameProblem(vmName);
        if (nameProblem) problems.push({ setting: "WindowsVm.name", value: vmName, expected: nameProblem });
        const userProblem = adminUsernameProblem(args.adminUsername);
        if (userProblem) problems.push({ setting: `WindowsVm(${vmName}).adminUsername`, value: args.adminUsername, expected: userProblem });
        if (problems.length) throw new ConfigError(problems);
        this.args = args;

        this.nic = new network.NetworkInterface(
            `nic-${vmName}`,
            {
                networkInterfaceName: `nic-${vmName}`,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                ipConfigurations: [
                    {
                        name: "ipconfig1",
                        subnet: { id: args.subnetId },
                        privateIPAllocationMethod: "Static",
                        privateIPAddress: args.privateIp,
                        // No publicIPAddress: lab servers are reached through the VNet only.
                    },
                ],
                dnsSettings: args.dnsServers ? { dnsServers: args.dnsServers } : undefined,
                tags: args.tags,
            },
            { parent: this },
        );

        const trustedLaunch = args.trustedLaunch ?? true;
        this.vm = new compute.VirtualMachine(
            vmName,
            {
                vmName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                hardwareProfile: { vmSize: args.size ?? DEFAULT_VM_SIZE },
                storageProfile: {
                    imageReference: args.image,
                    osDisk: {
                        name: `osdisk-${vmName}`,
                        createOption: "FromImage",
                        caching: "ReadWrite",
                        deleteOption: "Delete",
                        managedDisk: { storageAccountType: "StandardSSD_LRS" },
                    },
                },
                osProfile: {
                    computerName: vmName,
                    adminUsername: args.adminUsername,
                    adminPassword: args.adminPassword,
                    windowsConfiguration: { enableAutomaticUpdates: true, provisionVMAgent: true },
                },
                // Detach (not Delete): the NIC is its own Pulumi resource and must outlive a VM replacement.
                networkProfile: { networkInterfaces: [{ id: this.nic.id, primary: true, deleteOption: "Detach" }] },
                securityProfile: trustedLaunch ? { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } } : undefined,
                // Boot diagnostics without a storageUri use managed storage: nothing else to create or secure.
                diagnosticsProfile: { bootDiagnostics: { enabled: true } },
                tags: args.tags,
            },
            { parent: this },
        );

        const ipConfig = this.nic.ipConfigurations.apply((c) => c?.[0]);
        this.privateIp = ipConfig.apply((c) => c?.privateIPAddress ?? args.privateIp);
        this.internalDomainNameSuffix = this.nic.dnsSettings.apply((d) => d?.internalDomainNameSuffix ?? "");
        this.registerOutputs({ vmId: this.vm.id, privateIp: this.privateIp });
    }

    /**
     * Runs a PowerShell script on the VM once it exists, as an Azure managed Run Command.
     * A failing script fails `pulumi up`; changing the script or its parameters runs it again.
     * The step goes with its VM (`deletedWith`): Azure refuses to delete a Run Command from a
     * stopped VM, and auto-shutdown stops lab VMs every evening.
     */
    runScript(name: string, script: RunScriptArgs, opts?: pulumi.CustomResourceOptions): compute.VirtualMachineRunCommandByVirtualMachine {
        this.refuseAfterSchedule(`step ${name}`);
        // Run Command puts parameters on a command line; base64 values survive spaces, quotes and `;`.
        const encode = (value: pulumi.Input<string>) => (script.base64Parameters ? pulumi.output(value).apply((v) => Buffer.from(v, "utf8").toString("base64")) : value);
        const toParameters = (p: Record<string, pulumi.Input<string>> | undefined) => (p ? Object.entries(p).map(([n, value]) => ({ name: n, value: encode(value) })) : undefined);
        const dependsOn = dependencies(opts?.dependsOn);
        // Azure refuses a Run Command on a deallocated VM, and auto-shutdown deallocates lab VMs
        // every evening: start the VM right before the step runs. The start is replaced (so runs
        // again) whenever the step's inputs change, which is when `pulumi up` runs the step again.
        const fingerprint = pulumi
            .all([script.script, script.parameters ?? {}, script.protectedParameters ?? {}, script.runAsUser ?? "", script.runAsPassword ?? "", script.timeoutSeconds ?? 1800])
            .apply((inputs) => createHash("sha256").update(JSON.stringify(inputs)).digest("hex"));
        const vmIds = [this.vm.id, ...(script.requires ?? []).filter((other) => other !== this).map((other) => other.vm.id)];
        const start = new local.Command(
            `${this.vmName}-${name}-start`,
            { create: startCommand(vmIds), triggers: [this.vm.id, fingerprint] },
            { parent: this, dependsOn },
        );
        const step = new compute.VirtualMachineRunCommandByVirtualMachine(
            `${this.vmName}-${name}`,
            {
                runCommandName: name,
                vmName: this.vm.name,
                resourceGroupName: this.args.resourceGroupName,
                location: this.args.location,
                source: { script: script.script },
                parameters: toParameters(script.parameters),
                protectedParameters: toParameters(script.protectedParameters),
                asyncExecution: false,
                treatFailureAsDeploymentFailure: true,
                timeoutInSeconds: script.timeoutSeconds ?? 1800,
                runAsUser: script.runAsUser,
                runAsPassword: script.runAsPassword,
                tags: this.args.tags,
            },
            // Secret in state whatever the caller passed: the protected parameters and the run-as password.
            {
                parent: this,
                deletedWith: this.vm,
                ...opts,
                dependsOn: [...dependsOn, start],
                additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "protectedParameters", "runAsPassword"],
            },
        );
        this.deploymentSteps.push(start, step);
        return step;
    }

    /**
     * Restarts the VM from outside (Azure CLI on the machine running `pulumi up`) and returns
     * once it runs again and its agent is ready. A script cannot restart its own VM safely:
     * the Run Command would be cut off and the next one could start before the restart.
     */
    restart(name: string, opts?: pulumi.CustomResourceOptions): local.Command {
        this.refuseAfterSchedule(`restart ${name}`);
        // `az vm restart` is refused on a deallocated VM; `az vm start` first is a no-op on a running one.
        const restart = new local.Command(
            `${this.vmName}-${name}`,
            {
                create: pulumi.interpolate`az vm start --ids ${this.vm.id} --output none && az vm restart --ids ${this.vm.id} --output none && ${waitForAgent(this.vm.id)}`,
                triggers: [this.vm.id],
            },
            { parent: this, ...opts },
        );
        this.deploymentSteps.push(restart);
        return restart;
    }

    /**
     * Creates the daily auto-shutdown (when the VM has one), after every step and restart the VM
     * has so far: Azure refuses Run Commands and restarts on a deallocated VM, so a schedule that
     * existed from the VM's creation would stop a long first `pulumi up` part-way through its
     * chain. `after` adds the steps of other VMs that need this one running (a DC serves its
     * members' joins). Call it once, after the last step; steps and restarts are refused after it.
     * Azure finds a VM's auto-shutdown by its exact name, `shutdown-computevm-<vmName>`.
     */
    scheduleShutdown(after: pulumi.Resource[] = []): devtestlab.GlobalSchedule | undefined {
        this.refuseAfterSchedule("a second schedule");
        this.shutdownScheduled = true;
        const shutdown = this.args.autoShutdown ?? DEFAULT_AUTO_SHUTDOWN;
        if (shutdown === false) return undefined;
        const scheduleName = `shutdown-computevm-${this.vmName}`;
        this.shutdownSchedule = new devtestlab.GlobalSchedule(
            scheduleName,
            {
                name: scheduleName,
                resourceGroupName: this.args.resourceGroupName,
                location: this.args.location,
                status: "Enabled",
                taskType: "ComputeVmShutdownTask",
                dailyRecurrence: { time: shutdown.time },
                timeZoneId: shutdown.timeZone,
                targetResourceId: this.vm.id,
                notificationSettings: { status: "Disabled" },
                tags: this.args.tags,
            },
            { parent: this, dependsOn: [this.vm, ...this.deploymentSteps, ...after] },
        );
        return this.shutdownSchedule;
    }

    private refuseAfterSchedule(what: string): void {
        // A programming error in a lab, not a user's: the schedule must come after every step.
        if (this.shutdownScheduled) throw new Error(`WindowsVm ${this.vmName}: ${what} after scheduleShutdown(); schedule the shutdown after the VM's last step`);
    }
}

/**
 * What a lab's outputs say about auto-shutdown: when the VMs stop, when they next will (UTC,
 * from the time `pulumi up` ran; a deployment still running then schedules it after its last
 * step), and the command that starts them again. `"off"` when autoShutdown is false.
 */
export function describeAutoShutdown(
    shutdown: AutoShutdown | false | undefined,
    groups: Array<{ resourceGroup: string; vms: string[] }>,
    now = new Date(),
): string | { daily: string; nextStopUtc: string; startAgain: string[] } {
    if (shutdown === false) return "off (autoShutdown is false): the VMs run, and bill, until you stop them";
    const s = shutdown ?? DEFAULT_AUTO_SHUTDOWN;
    const next = nextShutdown(s.time, s.timeZone, now);
    return {
        daily: `${s.time.slice(0, 2)}:${s.time.slice(2)} ${s.timeZone}`,
        nextStopUtc: next ? next.toISOString().replace(/:\d\d\.\d{3}Z$/, "Z") : "unknown",
        // One line per VM: it runs as written in any shell (cmd, PowerShell, bash), no substitution.
        startAgain: groups.flatMap((g) => g.vms.map((vm) => `az vm start --resource-group ${g.resourceGroup} --name ${vm}`)),
    };
}

/**
 * The Azure CLI line that starts VMs (a no-op for a running one) and waits until each agent is
 * ready for Run Commands; the first id is the VM the step runs on.
 */
function startCommand(vmIds: Array<pulumi.Input<string>>): pulumi.Output<string> {
    return pulumi.all(vmIds).apply((ids) => pulumi.all(ids.map((id) => waitForAgent(id))).apply((waits) => `az vm start --ids ${ids.join(" ")} --output none && ${waits.join(" && ")}`));
}

function waitForAgent(vmId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`az vm wait --ids ${vmId} --custom "instanceView.vmAgent.statuses[?displayStatus=='Ready']" --timeout 1800 --output none`;
}

function dependencies(dependsOn: pulumi.CustomResourceOptions["dependsOn"]): Array<pulumi.Input<pulumi.Resource>> {
    if (dependsOn === undefined) return [];
    return Array.isArray(dependsOn) ? dependsOn : [dependsOn as pulumi.Input<pulumi.Resource>];
}
