// One lab of the RMS lab: an Active Directory forest in its own resource group and VNet, its
// servers, and the steps that give them their roles in one `pulumi up`:
//   promote the DC -> restart it -> configure it (DNS forwarding, AD RMS service account, CA)
//                               -> join each member (waits for the domain) -> restart it
//                                  -> SQL Express -> AD RMS; AD FS role; Entra Connect prep
// Restarts happen from outside (Azure CLI), never from inside a step. Secrets (DSRM, domain
// admin, service account, cluster key) travel as protected parameters or as the run-as
// password, never in a Run Command's plain settings; every value is base64 on the way.
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import type * as compute from "@pulumi/azure-native/compute";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { WindowsSettings } from "../../lib/common";
import { LabNetwork } from "../../lib/network";
import { VpnGateway, type VpnSku } from "../../lib/vpn-gateway";
import { zoneRedundant } from "../../lib/azure-facts";
import { createOutboundNat } from "../../lib/outbound-nat";
import { WindowsVm } from "../../lib/windows-vm";
import type { ForestSpec, Role, ServerSpec } from "./config";
import { script } from "./scripts";

/** Azure's DNS virtual IP. */
export const AZURE_DNS = "168.63.129.16";
export const RMS_SERVICE_ACCOUNT = "svc-adrms";
/** Run Commands that wait for domain controllers and installers need longer than Pulumi's default. */
const STEP_TIMEOUTS = { customTimeouts: { create: "90m", update: "90m", delete: "30m" } };

export interface AdForestArgs {
    spec: ForestSpec;
    location: string;
    stack: string;
    tags: Record<string, string>;
    windows: WindowsSettings;
    /** Other labs' forests, forwarded to by conditional forwarders on this DC. */
    forwardTo: Array<{ zone: string; ip: string }>;
    /** The VPN gateway's SKU, or undefined for no gateway. */
    vpnSku?: VpnSku;
    /** A NAT gateway for outbound Internet (SQL Server Express download, updates). */
    outboundInternet: boolean;
    /** Azure Bastion in this VNet (its AzureBastionSubnet is in spec.subnets). */
    bastion: boolean;
}

export class AdForest extends pulumi.ComponentResource {
    readonly spec: ForestSpec;
    readonly resourceGroup: resources.ResourceGroup;
    readonly network: LabNetwork;
    readonly servers: Record<string, WindowsVm> = {};
    readonly gateway?: VpnGateway;
    readonly bastion?: network.BastionHost;
    readonly adminPassword: pulumi.Output<string>;
    readonly safeModePassword: pulumi.Output<string>;
    /** `NETBIOS\admin`: the forest's administrator once the DC is promoted. */
    readonly adminUser: string;
    readonly dc: ServerSpec;
    /** Every step by `<server>/<step>`, e.g. `jog-dc1/promote-dc`. */
    readonly steps: Record<string, compute.VirtualMachineRunCommandByVirtualMachine> = {};
    readonly rmsClusterUrl?: string;
    /** The enterprise root CA's common name, when the DC runs AD CS. */
    readonly caCommonName?: string;
    /** The AD RMS service account's and cluster key's passwords (secret), when the forest runs AD RMS. */
    rmsServicePassword?: pulumi.Output<string>;
    rmsClusterKeyPassword?: pulumi.Output<string>;
    /** The restart that follows each server's promotion or domain join, by server name. */
    readonly restarts: Record<string, pulumi.Resource> = {};

    constructor(name: string, args: AdForestArgs, opts?: pulumi.ComponentResourceOptions) {
        super("labs:rms:AdForest", name, {}, opts);
        const { spec } = args;
        this.spec = spec;
        const parent = { parent: this };
        const rgName = `rg-rms-${spec.name}-${args.stack}`;
        this.resourceGroup = new resources.ResourceGroup(rgName, { resourceGroupName: rgName, location: args.location, tags: args.tags }, parent);
        const common = { resourceGroupName: this.resourceGroup.name, location: args.location, tags: args.tags };
        this.adminPassword = pulumi.secret(this.password("admin-password"));
        this.safeModePassword = pulumi.secret(this.password("dsrm-password"));
        this.adminUser = `${spec.netbios}\\${args.windows.adminUsername}`;
        this.dc = spec.servers.find((s) => s.roles.includes("dc"))!;
        if (this.dc.roles.includes("adcs")) this.caCommonName = `${spec.netbios}-ROOT-CA`;

        const natGatewayId = args.outboundInternet ? createOutboundNat(`ng-rms-${spec.name}`, { ...common, location: args.location }, this).id : undefined;

        this.network = new LabNetwork(
            `vnet-rms-${spec.name}`,
            {
                ...common,
                addressSpace: spec.addressSpace,
                subnets: spec.subnets,
                // Servers find the forest through its DC (members' NICs say so too).
                dnsServers: [this.dc.ip],
                natGatewayId,
                rdpSourceCidr: args.windows.rdpSourceCidr,
            },
            parent,
        );

        for (const server of spec.servers) {
            const isDc = server === this.dc;
            this.servers[server.name] = new WindowsVm(
                server.name,
                {
                    ...common,
                    subnetId: this.network.subnetId(spec.serverSubnet),
                    privateIp: server.ip,
                    // The DC asks itself first, Azure DNS while its own DNS is not up yet.
                    dnsServers: isDc ? [server.ip, AZURE_DNS] : [this.dc.ip],
                    size: args.windows.size,
                    image: spec.image,
                    adminUsername: args.windows.adminUsername,
                    adminPassword: this.adminPassword,
                    trustedLaunch: args.windows.trustedLaunch,
                    autoShutdown: args.windows.autoShutdown,
                },
                parent,
            );
        }

        if (args.vpnSku) {
            this.gateway = new VpnGateway(`rms-${spec.name}`, { ...common, gatewaySubnetId: this.network.subnetId("GatewaySubnet"), sku: args.vpnSku }, parent);
        }
        if (args.bastion) {
            const bastionIp = new network.PublicIPAddress(
                `pip-bas-rms-${spec.name}`,
                { ...common, publicIpAddressName: `pip-bas-rms-${spec.name}`, sku: { name: "Standard" }, publicIPAllocationMethod: "Static", zones: zoneRedundant(args.location) },
                parent,
            );
            this.bastion = new network.BastionHost(
                `bas-rms-${spec.name}`,
                {
                    ...common,
                    bastionHostName: `bas-rms-${spec.name}`,
                    // Standard: Basic cannot connect by IP address or from the Azure CLI (az network bastion rdp).
                    sku: { name: "Standard" },
                    enableTunneling: true,
                    enableIpConnect: true,
                    ipConfigurations: [{ name: "default", subnet: { id: this.network.subnetId("AzureBastionSubnet") }, publicIPAddress: { id: bastionIp.id } }],
                },
                parent,
            );
        }

        this.rmsClusterUrl = this.createSteps(args);
        this.registerOutputs({});
    }

    /** A generated password that meets Azure's and Active Directory's complexity rules. */
    private password(purpose: string): pulumi.Output<string> {
        return new random.RandomPassword(`${this.spec.name}-${purpose}`, { length: 24, special: true, overrideSpecial: "-_=+.", minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 1 }, { parent: this }).result;
    }

    private withRole(role: Role): ServerSpec | undefined {
        return this.spec.servers.find((s) => s.roles.includes(role));
    }

    private createSteps(args: AdForestArgs): string | undefined {
        const spec = this.spec;
        const step = (server: ServerSpec, name: string, run: Parameters<WindowsVm["runScript"]>[1], dependsOn: pulumi.Resource[]) => {
            // Every member step talks to the domain: its DC must be running too.
            const requires = [this.servers[this.dc.name], ...(run.requires ?? [])];
            const resource = this.servers[server.name].runScript(name, { ...run, requires, base64Parameters: true }, { ...STEP_TIMEOUTS, dependsOn });
            this.steps[`${server.name}/${name}`] = resource;
            return resource;
        };
        const restart = (server: ServerSpec, after: pulumi.Resource, why: "promotion" | "join") => {
            const resource = this.servers[server.name].restart(`restart-after-${why}`, { dependsOn: [after] });
            this.restarts[server.name] = resource;
            return resource;
        };
        // The domain's administrator, for the steps that act on Active Directory (secret).
        const domainAdmin = { AdminUser: `${args.windows.adminUsername}@${spec.domain}` };

        const promote = step(this.dc, "promote-dc", {
            script: script("Promote-DomainController"),
            parameters: { DomainName: spec.domain, NetbiosName: spec.netbios },
            protectedParameters: { SafeModePassword: this.safeModePassword },
        }, []);
        const dcUp = restart(this.dc, promote, "promotion");

        const rms = this.withRole("rms");
        const rmsServicePassword = rms ? pulumi.secret(this.password("rms-service-password")) : undefined;
        const configure = step(this.dc, "configure-dc", {
            script: script("Configure-DomainController"),
            parameters: {
                DomainName: spec.domain,
                ...domainAdmin,
                ConditionalForwarders: args.forwardTo.map((f) => `${f.zone}=${f.ip}`).join(";"),
                InstallCertificateAuthority: this.caCommonName ? "true" : "false",
                CaCommonName: this.caCommonName ?? `${spec.netbios}-ROOT-CA`,
                RmsServiceAccount: rms ? RMS_SERVICE_ACCOUNT : "",
            },
            protectedParameters: { AdminPassword: this.adminPassword, ...(rmsServicePassword ? { RmsServicePassword: rmsServicePassword } : {}) },
            timeoutSeconds: 3600,
        }, [promote, dcUp]);

        const ready = new Map<string, pulumi.Resource>([[this.dc.name, configure]]);
        for (const server of spec.servers.filter((s) => s !== this.dc)) {
            // Explicitly after the promotion and the DC's restart; the script's retry loop then
            // waits until the DC answers for the domain.
            const joined = step(server, "join-domain", {
                script: script("Join-Domain"),
                parameters: { DomainName: spec.domain, DomainControllerIp: this.dc.ip, JoinUser: args.windows.adminUsername },
                protectedParameters: { JoinPassword: this.adminPassword },
                timeoutSeconds: 5400,
            }, [promote, dcUp]);
            ready.set(server.name, restart(server, joined, "join"));
        }

        const sql = this.withRole("sql");
        const sqlInstalled = sql
            ? step(sql, "install-sql", { script: script("Install-SqlExpress"), parameters: { NetbiosName: spec.netbios }, timeoutSeconds: 3600 }, [ready.get(sql.name)!])
            : undefined;

        let clusterUrl: string | undefined;
        if (rms && sql && sqlInstalled && rmsServicePassword) {
            clusterUrl = `http://${rms.name}.${spec.domain}`;
            this.rmsClusterKeyPassword = pulumi.secret(this.password("rms-cluster-key-password"));
            this.rmsServicePassword = rmsServicePassword;
            step(rms, "install-rms", {
                script: script("Install-AdRms"),
                parameters: { DomainName: spec.domain, SqlInstance: `${sql.name}\\SQLEXPRESS`, ClusterUrl: clusterUrl, ServiceAccount: `${spec.netbios}\\${RMS_SERVICE_ACCOUNT}`, CryptographicMode: "1" },
                protectedParameters: { ServicePassword: rmsServicePassword, ClusterKeyPassword: this.rmsClusterKeyPassword },
                timeoutSeconds: 3600,
                // AD RMS registers itself in the domain and creates its database over Windows authentication.
                runAsUser: this.adminUser,
                runAsPassword: this.adminPassword,
                // It creates its configuration database on the SQL server.
                requires: [this.servers[sql.name]],
            }, [ready.get(rms.name)!, sqlInstalled, configure]);
        }
        const adfs = this.withRole("adfs");
        if (adfs) step(adfs, "install-adfs", { script: script("Install-AdfsRole") }, [ready.get(adfs.name)!]);
        const aadc = this.withRole("aadc");
        if (aadc) step(aadc, "prepare-entra-connect", { script: script("Prepare-EntraConnect"), parameters: { DomainName: spec.domain } }, [ready.get(aadc.name)!]);
        return clusterUrl;
    }

    /** The step after which the forest's DC answers for the domain (conditional forwarders in place). */
    get domainReady(): compute.VirtualMachineRunCommandByVirtualMachine {
        return this.steps[`${this.dc.name}/configure-dc`];
    }
}
