// The RMS lab of "The Evolution of AD RMS to Azure Information Protection": two AD forests
// (legacy jog.local, modern geekintheweeds.com) in their own resource groups, their VNets
// peered, each with a VPN gateway and a site-to-site tunnel to the home lab, and a two-way
// forest trust. The gateways (30-45 minutes each) build in parallel with everything else:
// nothing depends on a gateway but its own tunnel.
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describeAutoShutdown } from "../../lib/windows-vm";
import type { RmsLabArgs } from "./config";
import { AdForest } from "./forest";
import { script } from "./scripts";
import { TenantUsers } from "./tenant";

export type { RmsLabArgs } from "./config";

export class RmsLab extends pulumi.ComponentResource {
    readonly forests: AdForest[];
    readonly connections: network.VirtualNetworkGatewayConnection[] = [];
    /** The tunnels' keys as configured (secret), one per forest. */
    private readonly sharedKeys: Array<pulumi.Output<string>> = [];
    readonly tenant?: TenantUsers;
    /** Each VNet's peering names, by forest (what labs verify lists). */
    private readonly peeringNames = new Map<AdForest, string[]>();
    readonly outputs: Record<string, pulumi.Input<unknown>>;

    constructor(name: string, args: RmsLabArgs, opts?: pulumi.ComponentResourceOptions) {
        super("labs:rms:RmsLab", name, {}, opts);
        const dcOf = (i: number) => args.forests[i].servers.find((s) => s.roles.includes("dc"))!;
        this.forests = args.forests.map(
            (spec, i) =>
                new AdForest(
                    spec.name,
                    {
                        spec,
                        location: args.location,
                        stack: args.stack,
                        tags: args.tags,
                        windows: args.windows,
                        // Each forest finds the others through conditional forwarders (the trust needs them).
                        forwardTo: args.forestTrust ? args.forests.flatMap((other, j) => (j === i ? [] : [{ zone: other.domain, ip: dcOf(j).ip }])) : [],
                        vpnSku: args.vpn.enabled ? args.vpn.sku : undefined,
                        outboundInternet: args.outboundInternet,
                        bastion: i === 0 && args.bastionSubnet !== undefined,
                    },
                    { parent: this },
                ),
        );

        const peerings = this.createPeerings();
        if (args.vpn.enabled) {
            for (const forest of this.forests) {
                const key = pulumi.secret(args.vpn.sharedKey ?? new random.RandomPassword(`${forest.spec.name}-vpn-shared-key`, { length: 32, special: false }, { parent: this }).result);
                this.sharedKeys.push(key);
                this.connections.push(forest.gateway!.connectTo("home", args.vpn.home, key));
            }
        }
        if (args.forestTrust) this.createTrusts(args, peerings);
        // Last: each VM's auto-shutdown, after every step of the lab. Steps need other VMs running
        // (members their DC, AD RMS its SQL server, the trusts both DCs), so no VM may stop first.
        const allSteps = this.forests.flatMap((f) => Object.values(f.servers).flatMap((vm) => vm.steps));
        for (const forest of this.forests) for (const vm of Object.values(forest.servers)) vm.scheduleShutdown(allSteps);
        if (args.tenant.enabled) this.tenant = new TenantUsers("tenant", { domain: args.tenant.domain, users: args.tenant.users }, { parent: this });

        this.outputs = this.describe(args);
        this.registerOutputs({});
    }

    /** Every pair both ways, one at a time (each updates both VNets). No gateway transit: each VNet has its own gateway. */
    private createPeerings(): network.VirtualNetworkPeering[] {
        const all: network.VirtualNetworkPeering[] = [];
        for (const from of this.forests) {
            for (const to of this.forests.filter((f) => f !== from)) {
                const peeringName = `peer-${from.spec.name}-to-${to.spec.name}`;
                this.peeringNames.set(from, [...(this.peeringNames.get(from) ?? []), peeringName]);
                all.push(
                    new network.VirtualNetworkPeering(
                        peeringName,
                        {
                            virtualNetworkPeeringName: peeringName,
                            virtualNetworkName: from.network.vnet.name,
                            resourceGroupName: from.resourceGroup.name,
                            remoteVirtualNetwork: { id: to.network.vnet.id },
                            allowVirtualNetworkAccess: true,
                            allowForwardedTraffic: false,
                            allowGatewayTransit: false,
                            useRemoteGateways: false,
                        },
                        { parent: this, dependsOn: all.slice(-1) },
                    ),
                );
            }
        }
        return all;
    }

    /** Two-way trusts from the first forest to each other one, once both answer for their domains and can reach each other. */
    private createTrusts(args: RmsLabArgs, peerings: network.VirtualNetworkPeering[]): void {
        const [first, ...others] = this.forests;
        let previous: pulumi.Resource | undefined;
        for (const other of others) {
            previous = first.servers[first.dc.name].runScript(
                `forest-trust-${other.spec.name}`,
                {
                    script: script("New-ForestTrust"),
                    parameters: { LocalForest: first.spec.domain, LocalUser: args.windows.adminUsername, RemoteForest: other.spec.domain, RemoteUser: args.windows.adminUsername },
                    protectedParameters: { LocalPassword: first.adminPassword, RemotePassword: other.adminPassword },
                    timeoutSeconds: 3600,
                    base64Parameters: true,
                    // The trust is made with the other forest's DC, which must be running.
                    requires: [other.servers[other.dc.name]],
                },
                { dependsOn: [first.domainReady, other.domainReady, ...peerings, ...(previous ? [previous] : [])], customTimeouts: { create: "90m", update: "90m", delete: "30m" } },
            );
            first.steps[`${first.dc.name}/forest-trust-${other.spec.name}`] = previous as (typeof first.steps)[string];
        }
    }

    private describe(args: RmsLabArgs): Record<string, pulumi.Input<unknown>> {
        const reach = (forest: AdForest, server: string, ip: string) =>
            [
                args.vpn.enabled ? `RDP to ${ip} from the home lab (${args.vpn.home.addressSpaces.join(", ")}) over the site-to-site VPN` : undefined,
                this.forests[0].bastion
                    ? `az network bastion rdp --name bas-rms-${this.forests[0].spec.name} --resource-group rg-rms-${this.forests[0].spec.name}-${args.stack} --target-ip-address ${ip}`
                    : undefined,
                `az vm run-command invoke --resource-group rg-rms-${forest.spec.name}-${args.stack} --name ${server} --command-id RunPowerShellScript --scripts "Get-Content C:\\ProgramData\\Labs\\rms-lab.log -Tail 20"`,
            ].filter(Boolean);
        return {
            forests: this.forests.map((f, i) => ({
                name: f.spec.name,
                domain: f.spec.domain,
                netbios: f.spec.netbios,
                resourceGroup: f.resourceGroup.name,
                addressSpace: f.spec.addressSpace,
                adminUser: f.adminUser,
                rmsClusterUrl: f.rmsClusterUrl,
                servers: f.spec.servers.map((s) => ({ name: s.name, roles: s.roles, privateIp: s.ip, fqdn: `${s.name}.${f.spec.domain}`, reach: reach(f, s.name, s.ip) })),
                vpnGatewayPublicIp: f.gateway?.publicIp.ipAddress,
                // What labs verify reads: the VNet and its peerings, the tunnel, the CA.
                vnet: f.network.vnet.name,
                peerings: this.peeringNames.get(f) ?? [],
                vpnConnection: this.connections[i]?.name,
                certificateAuthority: f.caCommonName,
            })),
            forestTrust: args.forestTrust,
            // Secret, apart from the rest so `pulumi stack output rms-lab` shows everything else.
            adminPasswords: pulumi.secret(pulumi.all(this.forests.map((f) => f.adminPassword)).apply((p) => Object.fromEntries(this.forests.map((f, i) => [f.adminUser, p[i]])))),
            safeModePasswords: pulumi.secret(pulumi.all(this.forests.map((f) => f.safeModePassword)).apply((p) => Object.fromEntries(this.forests.map((f, i) => [f.spec.domain, p[i]])))),
            homeRouter: args.vpn.enabled
                ? this.forests.map((f) => ({
                      tunnel: `lab ${f.spec.name}`,
                      remoteGateway: f.gateway!.publicIp.ipAddress,
                      remoteNetworks: [f.spec.addressSpace],
                      localNetworks: args.vpn.home.addressSpaces,
                      protocol: "IKEv2, route-based; the shared key is in vpnSharedKeys",
                  }))
                : "no VPN (rmsVpnEnabled is false)",
            vpnSharedKeys: args.vpn.enabled ? pulumi.secret(pulumi.all(this.sharedKeys).apply((k) => Object.fromEntries(this.forests.map((f, i) => [f.spec.name, k[i]])))) : undefined,
            // To add a server to an AD RMS cluster, or recover it: its service account and cluster key passwords.
            rmsPasswords: pulumi.secret(
                pulumi
                    .all(this.forests.map((f) => pulumi.all([f.rmsServicePassword ?? "", f.rmsClusterKeyPassword ?? ""])))
                    .apply((p) => Object.fromEntries(this.forests.flatMap((f, i) => (f.rmsClusterUrl ? [[f.spec.domain, { serviceAccount: `${f.spec.netbios}\\svc-adrms`, servicePassword: p[i][0], clusterKeyPassword: p[i][1] }]] : [])))),
            ),
            tenantUsers: this.tenant?.userPrincipalNames,
            tenantUserPasswords: this.tenant?.passwords,
            autoShutdown: describeAutoShutdown(args.windows.autoShutdown, this.forests.map((f) => ({ resourceGroup: `rg-rms-${f.spec.name}-${args.stack}`, vms: f.spec.servers.map((s) => s.name) }))),
            entraConnect: "The Entra Connect installer needs a signed-in download from the Entra admin center: see C:\\EntraConnect\\README.txt on the aadc server.",
        };
    }
}
