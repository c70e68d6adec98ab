// The picture of a lab before it is DOT: boxes inside boxes (clouds, resource groups, VNets,
// subnets), things in them (VMs, gateways, DNS, data stores) and arrows between things.
// Readers of the plan fill it in; dot.ts writes it out. Kinds, not colours, live here so the
// readers say what a thing is and the writer alone decides how it looks.

export type NodeKind =
    | "vm"
    | "gateway"
    | "network" // NAT gateway, Bastion, public IP: network plumbing that is not a gateway to home
    | "dns" // DNS server setting, zone, resolver endpoint, ruleset, rule
    | "function"
    | "event" // schedule, trail, alarm topic: something that starts or records a flow
    | "store" // workspace, table, bucket, database, queue
    | "identity" // app registration, service principal, IAM user or role
    | "view" // saved search, workbook, named query: what people look at
    | "external" // outside the lab: home lab, Azure DNS, Defender for Cloud Apps, Microsoft Graph
    | "note"; // a caption inside a box (a VNet's DNS servers), also the anchor of arrows to that box

export type ClusterKind = "cloud" | "rg" | "vnet" | "subnet" | "group";

export type EdgeKind =
    | "peering" // VNet to VNet, both ways
    | "tunnel" // site-to-site VPN, both ways
    | "dns" // a name query goes this way (forwarder, rule, DHCP-assigned server)
    | "link" // a private zone or ruleset linked to a VNet
    | "trust" // AD forest trust, both ways
    | "data" // records or logs flow this way
    | "access"; // a principal may read or write the target

export interface DiagramNode {
    id: string;
    kind: NodeKind;
    /** Lines of the label, first is the name. */
    lines: string[];
}

export interface DiagramCluster {
    id: string;
    kind: ClusterKind;
    lines: string[];
    nodes: DiagramNode[];
    clusters: DiagramCluster[];
}

export interface DiagramEdge {
    from: string;
    to: string;
    kind: EdgeKind;
    label?: string;
    /** Joins peers (two forwarders, two forests): neither end should be drawn above the other. */
    sideways?: boolean;
}

export interface Diagram {
    title: string;
    /** Left to right for data flows, top to bottom for networks. */
    direction: "LR" | "TB";
    nodes: DiagramNode[];
    clusters: DiagramCluster[];
    edges: DiagramEdge[];
}

/**
 * Builds a diagram: things are added once by id (the second add of an id returns the first),
 * so readers of different concerns can share a node (a VM is drawn by the network reader and
 * pointed at by the DNS reader) without knowing who came first.
 */
export class DiagramBuilder {
    private readonly diagram: Diagram;
    private readonly nodeIds = new Map<string, DiagramNode>();
    private readonly clusterIds = new Map<string, DiagramCluster>();
    private readonly edgeKeys = new Set<string>();

    constructor(title: string, direction: Diagram["direction"]) {
        this.diagram = { title, direction, nodes: [], clusters: [], edges: [] };
    }

    /** A box; `parent` is the id of the box it sits in, none for the top level. */
    cluster(id: string, kind: ClusterKind, lines: string[], parent?: string): DiagramCluster {
        const existing = this.clusterIds.get(id);
        if (existing) return existing;
        const cluster: DiagramCluster = { id, kind, lines, nodes: [], clusters: [] };
        this.clusterIds.set(id, cluster);
        (parent ? this.requireCluster(parent).clusters : this.diagram.clusters).push(cluster);
        return cluster;
    }

    node(id: string, kind: NodeKind, lines: string[], parent?: string): DiagramNode {
        const existing = this.nodeIds.get(id);
        if (existing) return existing;
        const node: DiagramNode = { id, kind, lines };
        this.nodeIds.set(id, node);
        (parent ? this.requireCluster(parent).nodes : this.diagram.nodes).push(node);
        return node;
    }

    /** An arrow between two nodes; a repeated arrow (same ends, kind and label) is drawn once. */
    edge(from: string, to: string, kind: EdgeKind, label?: string, options: { sideways?: boolean } = {}): void {
        for (const end of [from, to]) if (!this.nodeIds.has(end)) throw new Error(`diagram: no node '${end}' for an edge`);
        const key = JSON.stringify([from, to, kind, label ?? ""]);
        if (this.edgeKeys.has(key)) return;
        // Both-way kinds are one line: skip the mirror of an arrow already drawn.
        if ((kind === "peering" || kind === "trust") && this.edgeKeys.has(JSON.stringify([to, from, kind, label ?? ""]))) return;
        this.edgeKeys.add(key);
        this.diagram.edges.push({ from, to, kind, ...(label === undefined ? {} : { label }), ...(options.sideways ? { sideways: true } : {}) });
    }

    hasNode(id: string): boolean {
        return this.nodeIds.has(id);
    }

    getNode(id: string): DiagramNode | undefined {
        return this.nodeIds.get(id);
    }

    getCluster(id: string): DiagramCluster | undefined {
        return this.clusterIds.get(id);
    }

    build(): Diagram {
        return this.diagram;
    }

    private requireCluster(id: string): DiagramCluster {
        const cluster = this.clusterIds.get(id);
        if (!cluster) throw new Error(`diagram: no box '${id}'`);
        return cluster;
    }
}

/** Every node in a diagram, at any depth. */
export function allNodes(diagram: Diagram): DiagramNode[] {
    const walk = (c: DiagramCluster): DiagramNode[] => [...c.nodes, ...c.clusters.flatMap(walk)];
    return [...diagram.nodes, ...diagram.clusters.flatMap(walk)];
}
