// Azure networking as the posts draw it: resource groups as boxes, VNets inside them with their
// address spaces, subnets inside the VNets with their NSG, NAT and delegation, VMs in their
// subnets with IP and roles, gateways in GatewaySubnet with tunnels to the home lab, peerings.
import type { PlannedResource } from "../engine/plan";
import type { WireObject } from "../engine/wire";
import type { DiagramBuilder } from "./model";
import { type LabSource, armParent, lastSegment, objects, text, texts } from "./source";

const T = {
    resourceGroup: "azure-native:resources:ResourceGroup",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    nsg: "azure-native:network:NetworkSecurityGroup",
    securityRule: "azure-native:network:SecurityRule",
    nic: "azure-native:network:NetworkInterface",
    vm: "azure-native:compute:VirtualMachine",
    peering: "azure-native:network:VirtualNetworkPeering",
    vpnGateway: "azure-native:network:VirtualNetworkGateway",
    localGateway: "azure-native:network:LocalNetworkGateway",
    connection: "azure-native:network:VirtualNetworkGatewayConnection",
    publicIp: "azure-native:network:PublicIPAddress",
    natGateway: "azure-native:network:NatGateway",
    bastion: "azure-native:network:BastionHost",
} as const;

export const AZURE_CLOUD = "cluster:azure";

/** What the other readers need to attach to the network: where each VNet, subnet, VM and IP is drawn. */
export interface AzureNetwork {
    /** VNet ARM id (lower case) to the node that anchors arrows to its box (its DNS caption). */
    vnetAnchors: Map<string, string>;
    /** VNet ARM id (lower case) to its box. */
    vnetClusters: Map<string, string>;
    /** Subnet ARM id (lower case) to its box. */
    subnetClusters: Map<string, string>;
    /** Private IP to the node that holds it (VMs; DNS resolver endpoints add theirs). */
    nodesByIp: Map<string, string>;
    /** VM name (computer name in Azure) to its node. */
    vmsByName: Map<string, string>;
}

/** The box of the Azure cloud, made on first use: a lab without Azure resources has none. */
export function azureCloud(builder: DiagramBuilder, source: LabSource): string {
    const location = source.ofType(T.resourceGroup).map((rg) => source.text(rg, "location")).find((l) => l);
    builder.cluster(AZURE_CLOUD, "cloud", ["Azure", ...(location ? [location] : [])]);
    return AZURE_CLOUD;
}

export function drawAzureNetwork(builder: DiagramBuilder, source: LabSource, roles: Map<string, string[]>): AzureNetwork {
    const net: AzureNetwork = {
        vnetAnchors: new Map(),
        vnetClusters: new Map(),
        subnetClusters: new Map(),
        nodesByIp: new Map(),
        vmsByName: new Map(),
    };
    for (const rg of source.ofType(T.resourceGroup)) resourceGroupBox(builder, source, source.text(rg, "resourceGroupName") ?? rg.name);
    for (const vnet of source.ofType(T.vnet)) drawVnet(builder, source, net, vnet);
    for (const subnet of source.ofType(T.subnet)) drawStandaloneSubnet(builder, source, net, subnet);
    for (const vm of source.ofType(T.vm)) drawVm(builder, source, net, vm, roles);
    for (const gateway of source.ofType(T.vpnGateway)) drawVpnGateway(builder, source, net, gateway);
    for (const bastion of source.ofType(T.bastion)) drawBastion(builder, source, net, bastion);
    drawTunnels(builder, source);
    drawPeerings(builder, source, net);
    return net;
}

export function resourceGroupBoxId(name: string): string {
    return `cluster:rg:${name}`;
}

/** The box of a resource group, inside the Azure box; made on first use (a lab may use a group it does not create). */
export function resourceGroupBox(builder: DiagramBuilder, source: LabSource, name: string): string {
    const id = resourceGroupBoxId(name);
    if (!builder.getCluster(id)) builder.cluster(id, "rg", [name, "resource group"], azureCloud(builder, source));
    return id;
}

function drawVnet(builder: DiagramBuilder, source: LabSource, net: AzureNetwork, vnet: PlannedResource): void {
    const armId = (vnet.id ?? vnet.urn).toLowerCase();
    const name = source.text(vnet, "virtualNetworkName") ?? vnet.name;
    const rg = resourceGroupBox(builder, source, source.text(vnet, "resourceGroupName") ?? "resource group");
    const cluster = `cluster:vnet:${armId}`;
    builder.cluster(cluster, "vnet", [name, source.texts(vnet, "addressSpace.addressPrefixes").join(", ")], rg);
    net.vnetClusters.set(armId, cluster);

    // The VNet's DHCP DNS setting is its caption and the end of every arrow to the VNet.
    const servers = source.texts(vnet, "dhcpOptions.dnsServers");
    const anchor = `vnet-dns:${armId}`;
    builder.node(anchor, "note", [`DNS servers: ${servers.length > 0 ? servers.join(", ") : "Azure-provided (168.63.129.16)"}`], cluster);
    net.vnetAnchors.set(armId, anchor);

    for (const subnet of source.objects(vnet, "subnets")) {
        const subnetName = text(subnet, "name");
        if (!subnetName) continue;
        subnetBox(builder, source, net, cluster, `${armId}/subnets/${subnetName.toLowerCase()}`, subnet);
    }
}

function drawStandaloneSubnet(builder: DiagramBuilder, source: LabSource, net: AzureNetwork, subnet: PlannedResource): void {
    const vnetId = subnet.id ? armParent(subnet.id).toLowerCase() : undefined;
    const vnetCluster = vnetId ? net.vnetClusters.get(vnetId) : undefined;
    if (!vnetCluster || !subnet.id) return;
    subnetBox(builder, source, net, vnetCluster, subnet.id.toLowerCase(), subnet.inputs);
}

function subnetBox(builder: DiagramBuilder, source: LabSource, net: AzureNetwork, vnetCluster: string, armId: string, subnet: WireObject): void {
    const name = text(subnet, "name") ?? lastSegment(armId);
    const prefixes = [...texts(subnet, "addressPrefix"), ...texts(subnet, "addressPrefixes")];
    const lines = [`${name}  ${prefixes.join(", ")}`.trim()];
    const nsg = source.byCloudId(text(subnet, "networkSecurityGroup.id"), T.nsg);
    if (nsg) lines.push(nsgMarker(source, nsg));
    else if (text(subnet, "networkSecurityGroup.id")) lines.push(`NSG ${lastSegment(text(subnet, "networkSecurityGroup.id") ?? "")}`);
    const nat = text(subnet, "natGateway.id");
    if (nat) lines.push(`NAT ${lastSegment(nat)} (outbound only)`);
    for (const delegation of objects(subnet, "delegations")) {
        const service = text(delegation, "serviceName");
        if (service) lines.push(`delegated to ${service}`);
    }
    const cluster = `cluster:subnet:${armId}`;
    builder.cluster(cluster, "subnet", lines, vnetCluster);
    net.subnetClusters.set(armId, cluster);
}

/** "NSG name" and how many rules it has: a subnet with an NSG and no rules lets only the defaults through. */
function nsgMarker(source: LabSource, nsg: PlannedResource): string {
    const name = source.text(nsg, "networkSecurityGroupName") ?? nsg.name;
    const inline = source.objects(nsg, "securityRules").length;
    const separate = source.ofType(T.securityRule).filter((r) => source.text(r, "networkSecurityGroupName") === name).length;
    const rules = inline + separate;
    return `NSG ${name} (${rules === 0 ? "default rules" : `${rules} rule${rules === 1 ? "" : "s"}`})`;
}

function drawVm(builder: DiagramBuilder, source: LabSource, net: AzureNetwork, vm: PlannedResource, roles: Map<string, string[]>): void {
    const name = source.text(vm, "vmName") ?? vm.name;
    const ips: string[] = [];
    let subnetId: string | undefined;
    for (const ref of source.objects(vm, "networkProfile.networkInterfaces")) {
        const nic = source.byCloudId(text(ref, "id"), T.nic);
        if (!nic) continue;
        for (const config of source.objects(nic, "ipConfigurations")) {
            const ip = text(config, "privateIPAddress");
            if (ip) ips.push(ip);
            subnetId ??= text(config, "subnet.id")?.toLowerCase();
        }
    }
    const parent = (subnetId && net.subnetClusters.get(subnetId)) || resourceGroupBox(builder, source, source.text(vm, "resourceGroupName") ?? "resource group");
    const id = vmNodeId(vm);
    const vmRoles = roles.get(name) ?? [];
    builder.node(id, "vm", [name, ips.length > 0 ? ips.join(", ") : "dynamic IP", ...(vmRoles.length > 0 ? [vmRoles.join(", ")] : [])], parent);
    for (const ip of ips) net.nodesByIp.set(ip, id);
    net.vmsByName.set(name, id);
}

export function vmNodeId(vm: PlannedResource): string {
    return `vm:${vm.urn}`;
}

function publicIpOf(source: LabSource, id: string | undefined): string | undefined {
    const pip = source.byCloudId(id, T.publicIp);
    return pip ? source.text(pip, "ipAddress") : undefined;
}

function drawVpnGateway(builder: DiagramBuilder, source: LabSource, net: AzureNetwork, gateway: PlannedResource): void {
    const config = source.objects(gateway, "ipConfigurations")[0];
    const subnet = text(config, "subnet.id")?.toLowerCase();
    const parent = (subnet && net.subnetClusters.get(subnet)) || resourceGroupBox(builder, source, source.text(gateway, "resourceGroupName") ?? "resource group");
    const publicIp = publicIpOf(source, text(config, "publicIPAddress.id"));
    const kind = source.text(gateway, "gatewayType") === "ExpressRoute" ? "ExpressRoute gateway" : "VPN gateway";
    builder.node(gatewayNodeId(gateway), "gateway", [source.text(gateway, "virtualNetworkGatewayName") ?? gateway.name, `${kind} ${source.text(gateway, "sku.name") ?? ""}`.trim(), ...(publicIp ? [`public IP ${publicIp}`] : [])], parent);
}

function gatewayNodeId(gateway: PlannedResource): string {
    return `vgw:${gateway.urn}`;
}

function drawBastion(builder: DiagramBuilder, source: LabSource, net: AzureNetwork, bastion: PlannedResource): void {
    const config = source.objects(bastion, "ipConfigurations")[0];
    const subnet = text(config, "subnet.id")?.toLowerCase();
    const parent = (subnet && net.subnetClusters.get(subnet)) || resourceGroupBox(builder, source, source.text(bastion, "resourceGroupName") ?? "resource group");
    const publicIp = publicIpOf(source, text(config, "publicIPAddress.id"));
    const features = [source.bool(bastion, "enableIpConnect") ? "IP connect" : "", source.bool(bastion, "enableTunneling") ? "native client" : ""].filter((f) => f);
    builder.node(`bastion:${bastion.urn}`, "network", [source.text(bastion, "bastionHostName") ?? bastion.name, `Bastion ${source.text(bastion, "sku.name") ?? ""}`.trim(), ...(features.length > 0 ? [features.join(", ")] : []), ...(publicIp ? [`public IP ${publicIp}`] : [])], parent);
}

/**
 * The home lab: one box per public address the local network gateways point at (both forests'
 * gateways name the same router), with the networks behind it; a tunnel per connection.
 */
function drawTunnels(builder: DiagramBuilder, source: LabSource): void {
    const homes = new Map<string, { node: string; prefixes: Set<string>; gateways: Set<string> }>();
    const homeOf = (lgw: PlannedResource) => {
        const address = source.text(lgw, "gatewayIpAddress") ?? source.text(lgw, "fqdn") ?? "unknown address";
        let home = homes.get(address);
        if (!home) {
            const cluster = `cluster:home:${address}`;
            builder.cluster(cluster, "cloud", ["Home lab", "on premises, behind the tunnels"]);
            home = { node: `home:${address}`, prefixes: new Set(), gateways: new Set() };
            builder.node(home.node, "external", ["home router"], cluster);
            homes.set(address, home);
        }
        for (const prefix of source.texts(lgw, "localNetworkAddressSpace.addressPrefixes")) home.prefixes.add(prefix);
        home.gateways.add(address);
        return home;
    };
    for (const lgw of source.ofType(T.localGateway)) homeOf(lgw);
    for (const connection of source.ofType(T.connection)) {
        const gateway = source.byCloudId(source.text(connection, "virtualNetworkGateway1.id"), T.vpnGateway);
        if (!gateway) continue;
        const name = source.text(connection, "virtualNetworkGatewayConnectionName") ?? connection.name;
        const how = [source.text(connection, "connectionType"), source.text(connection, "connectionProtocol")].filter((s) => s).join(" ");
        const lgw = source.byCloudId(source.text(connection, "localNetworkGateway2.id"), T.localGateway);
        const peer = source.byCloudId(source.text(connection, "virtualNetworkGateway2.id"), T.vpnGateway);
        if (lgw) {
            const lgwName = source.text(lgw, "localNetworkGatewayName") ?? lgw.name;
            // From the home lab: it is drawn above the gateways, as the posts have it.
            builder.edge(homeOf(lgw).node, gatewayNodeId(gateway), "tunnel", [name, `${how} via ${lgwName}`.trim()].join("\n"));
        } else if (peer) {
            builder.edge(gatewayNodeId(gateway), gatewayNodeId(peer), "tunnel", [name, how].filter((s) => s).join("\n"));
        }
    }
    for (const [address, home] of homes) {
        const node = builder.getNode(home.node);
        node?.lines.push(address, ...[...home.prefixes].sort());
    }
}

/** One line per pair of VNets: Azure needs a peering each way, and says which way is missing. */
function drawPeerings(builder: DiagramBuilder, source: LabSource, net: AzureNetwork): void {
    const vnetIdOf = (rg: string | undefined, name: string | undefined) =>
        source.ofType(T.vnet).find((v) => source.text(v, "resourceGroupName") === rg && (source.text(v, "virtualNetworkName") ?? v.name) === name)?.id?.toLowerCase();
    const pairs = new Map<string, { ends: [string, string]; ways: number; transit: boolean }>();
    for (const peering of source.ofType(T.peering)) {
        const local = vnetIdOf(source.text(peering, "resourceGroupName"), source.text(peering, "virtualNetworkName"));
        const remote = source.text(peering, "remoteVirtualNetwork.id")?.toLowerCase();
        if (!local || !remote) continue;
        const ends = [local, remote].sort() as [string, string];
        const key = ends.join(" ");
        const pair = pairs.get(key) ?? { ends, ways: 0, transit: false };
        pair.ways += 1;
        pair.transit ||= source.bool(peering, "allowGatewayTransit") === true || source.bool(peering, "useRemoteGateways") === true;
        pairs.set(key, pair);
    }
    for (const { ends, ways, transit } of pairs.values()) {
        const [a, b] = ends.map((end) => net.vnetAnchors.get(end) ?? externalVnet(builder, end));
        const label = ["peering", ...(transit ? ["gateway transit"] : []), ...(ways < 2 ? ["one way only: traffic needs both"] : [])].join("\n");
        builder.edge(a, b, "peering", label);
    }
}

function externalVnet(builder: DiagramBuilder, armId: string): string {
    const id = `vnet-external:${armId}`;
    builder.node(id, "external", [lastSegment(armId), "VNet outside this lab"]);
    return id;
}
