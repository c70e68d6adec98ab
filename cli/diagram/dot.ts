// The diagram as Graphviz DOT. Every id and label goes through `quote`/`label`, so names with
// quotes, backslashes, newlines or `& < >` come out as written. Styles live here, by kind:
// the readers say what a thing is, this file alone says how it looks.
import type { ClusterKind, Diagram, DiagramCluster, DiagramEdge, DiagramNode, EdgeKind, NodeKind } from "./model";

/**
 * A DOT double-quoted string. DOT itself only needs `"` escaped; Graphviz then reads labels as
 * "escString", where a backslash starts an escape (`\n`, `\l`, `\N` the node's name...), so a
 * literal backslash is doubled. A line break in the text becomes the centred break `\n`.
 */
export function quote(text: string): string {
    return `"${escape(text, "\\n")}"`;
}

/**
 * A label: quoted, and `&` written as `&amp;` because Graphviz decodes HTML entities in every
 * label (`&lt;` in a name would otherwise be drawn as `<`). `<` and `>` need nothing: Graphviz
 * escapes them in the SVG it writes, and only `<...>` without quotes is an HTML label.
 */
export function label(text: string): string {
    return `"${escape(text.replace(/&/g, "&amp;"), "\\n")}"`;
}

/** A label of left-aligned lines (`\l` ends each one), as box captions read best. */
export function leftLabel(lines: string[]): string {
    return `"${lines.map((line) => `${escape(line.replace(/&/g, "&amp;"), "\\l")}\\l`).join("")}"`;
}

function escape(text: string, lineBreak: string): string {
    return text
        .replace(/\\/g, "\\\\")
        .replace(/"/g, '\\"')
        .replace(/\r\n?|\n/g, lineBreak)
        // Graphviz draws a tab as nothing at all; a space keeps the words apart.
        .replace(/\t/g, " ");
}

/** `key=value` pairs for an attribute list, every value quoted. */
function attrs(values: Record<string, string | undefined>): string {
    const parts = Object.entries(values)
        .filter((e): e is [string, string] => e[1] !== undefined)
        .map(([k, v]) => `${k}=${k === "label" || k === "xlabel" || k === "headlabel" ? label(v) : quote(v)}`);
    return parts.length > 0 ? ` [${parts.join(", ")}]` : "";
}

// One of the fonts Graphviz has built-in metrics for (the WASM build has no font files), so
// boxes fit their text; the SVG asks for "Helvetica,sans-Serif".
const FONT = "Helvetica";

// Colours of the Azure and AWS architecture icons, softened: blue networks, amber gateways,
// green DNS, orange functions (AWS), purple stores, pink identities, grey for the outside world.
const NODE_STYLE: Record<NodeKind, Record<string, string>> = {
    vm: { shape: "box", style: "rounded,filled", fillcolor: "#dbeafe", color: "#1d4ed8" },
    gateway: { shape: "box", style: "filled", fillcolor: "#fde68a", color: "#b45309", penwidth: "1.5" },
    network: { shape: "box", style: "filled", fillcolor: "#e0f2fe", color: "#0369a1" },
    dns: { shape: "box", style: "rounded,filled", fillcolor: "#dcfce7", color: "#15803d" },
    function: { shape: "box", style: "rounded,filled", fillcolor: "#ffedd5", color: "#c2410c", penwidth: "1.5" },
    event: { shape: "box", style: "rounded,filled", fillcolor: "#fef9c3", color: "#a16207" },
    store: { shape: "cylinder", style: "filled", fillcolor: "#ede9fe", color: "#6d28d9" },
    identity: { shape: "box", style: "rounded,filled,dashed", fillcolor: "#fce7f3", color: "#be185d" },
    view: { shape: "note", style: "filled", fillcolor: "#f5f5f4", color: "#57534e" },
    external: { shape: "box", style: "filled,dashed", fillcolor: "#f3f4f6", color: "#4b5563" },
    note: { shape: "plaintext", fontsize: "10", fontcolor: "#1e3a8a" },
};

const CLUSTER_STYLE: Record<ClusterKind, Record<string, string>> = {
    cloud: { style: "rounded,bold", color: "#334155", bgcolor: "#ffffff", fontsize: "15" },
    rg: { style: "rounded,dashed", color: "#64748b", bgcolor: "#f8fafc", fontsize: "13" },
    vnet: { style: "rounded,filled", color: "#1d4ed8", fillcolor: "#eff6ff", fontsize: "13" },
    subnet: { style: "filled", color: "#60a5fa", fillcolor: "#ffffff", fontsize: "11" },
    group: { style: "rounded,filled", color: "#6d28d9", fillcolor: "#faf5ff", fontsize: "12" },
};

// Both-way lines between peers (peering, trust) do not rank one end above the other
// (constraint=false), so peered VNets and forests sit side by side.
const EDGE_STYLE: Record<EdgeKind, Record<string, string>> = {
    peering: { dir: "both", color: "#1d4ed8", penwidth: "2.5", fontcolor: "#1d4ed8", constraint: "false" },
    tunnel: { dir: "both", style: "dashed", color: "#b45309", penwidth: "2", fontcolor: "#b45309" },
    dns: { color: "#15803d", fontcolor: "#15803d" },
    link: { style: "dotted", arrowhead: "none", color: "#15803d", fontcolor: "#15803d" },
    trust: { dir: "both", style: "dashed", color: "#7c3aed", fontcolor: "#7c3aed", constraint: "false" },
    data: { color: "#111827", penwidth: "1.5" },
    access: { style: "dashed", color: "#be185d", fontcolor: "#be185d" },
};

export function toDot(diagram: Diagram): string {
    const lines: string[] = [];
    // A node an arrow ends at may be a box's caption: clip the arrow at the box (compound) so it
    // reads as "to this VNet", as the posts draw peerings and zone links.
    const boxes: Boxes = { ofAnchor: new Map(), around: new Map() };
    const walk = (c: DiagramCluster, outer: string[]) => {
        const around = [...outer, c.id];
        for (const n of c.nodes) {
            if (n.kind === "note") boxes.ofAnchor.set(n.id, c.id);
            boxes.around.set(n.id, new Set(around));
        }
        for (const inner of c.clusters) walk(inner, around);
    };
    diagram.clusters.forEach((c) => walk(c, []));

    lines.push(`digraph ${quote(diagram.title)} {`);
    lines.push(`  graph${attrs({ label: diagram.title, labelloc: "t", fontsize: "18", fontname: FONT, rankdir: diagram.direction, compound: "true", nodesep: "0.35", ranksep: "0.6", pad: "0.3", bgcolor: "white" })};`);
    lines.push(`  node${attrs({ fontname: FONT, fontsize: "11" })};`);
    lines.push(`  edge${attrs({ fontname: FONT, fontsize: "9" })};`);
    for (const node of diagram.nodes) lines.push(`  ${nodeLine(node)}`);
    for (const cluster of diagram.clusters) writeCluster(cluster, "  ", lines);
    for (const edge of diagram.edges) lines.push(`  ${edgeLine(edge, boxes)}`);
    lines.push("}");
    return `${lines.join("\n")}\n`;
}

function nodeLine(node: DiagramNode): string {
    return `${quote(node.id)}${attrs({ ...NODE_STYLE[node.kind], label: node.lines.join("\n") })};`;
}

function writeCluster(cluster: DiagramCluster, indent: string, lines: string[]): void {
    // Graphviz draws a box only for a subgraph whose name starts with "cluster".
    const id = cluster.id.startsWith("cluster") ? cluster.id : `cluster:${cluster.id}`;
    lines.push(`${indent}subgraph ${quote(id)} {`);
    for (const [key, value] of Object.entries({ ...CLUSTER_STYLE[cluster.kind], fontname: FONT, labeljust: "l", margin: "10" })) {
        lines.push(`${indent}  ${key}=${quote(value)};`);
    }
    lines.push(`${indent}  label=${leftLabel(cluster.lines)};`);
    for (const node of cluster.nodes) lines.push(`${indent}  ${nodeLine(node)}`);
    for (const inner of cluster.clusters) writeCluster(inner, `${indent}  `, lines);
    // Graphviz leaves out an empty box (a GatewaySubnet without its gateway): keep it with an invisible point.
    if (cluster.nodes.length === 0 && cluster.clusters.length === 0) lines.push(`${indent}  ${quote(`${id}:empty`)}${attrs({ shape: "point", style: "invis", width: "0.6", label: "" })};`);
    lines.push(`${indent}}`);
}

interface Boxes {
    /** Caption node to the box it captions. */
    ofAnchor: Map<string, string>;
    /** Node to every box around it. */
    around: Map<string, Set<string>>;
}

function edgeLine(edge: DiagramEdge, boxes: Boxes): string {
    // Clipping at a box that holds the other end would hide the arrow: Graphviz refuses it.
    const clip = (end: string, other: string) => {
        const box = boxes.ofAnchor.get(end);
        return box && !boxes.around.get(other)?.has(box) ? box : undefined;
    };
    const sideways = edge.sideways === true || EDGE_STYLE[edge.kind].constraint === "false";
    return `${quote(edge.from)} -> ${quote(edge.to)}${attrs({
        ...EDGE_STYLE[edge.kind],
        // A label on an edge that does not rank its ends is laid out as if it were in the rank
        // above, over the boxes' captions; an xlabel is placed after layout, next to the line.
        // Between forwarders the zone goes next to the server that answers for it.
        ...(sideways ? { constraint: "false", ...(edge.kind === "dns" ? { headlabel: edge.label, labeldistance: "4", labelangle: "25" } : { xlabel: edge.label }) } : { label: edge.label }),
        ltail: clip(edge.from, edge.to),
        lhead: clip(edge.to, edge.from),
    })};`;
}
