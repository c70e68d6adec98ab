// The DOT writer: every id and label quoted so that any name comes out of Graphviz as written,
// boxes nested as subgraphs, arrows to a box clipped at it. No plan needed.
import { describe, expect, it } from "vitest";
import { label, leftLabel, quote, toDot } from "../../cli/diagram/dot";
import { DiagramBuilder } from "../../cli/diagram/model";
import { renderSvg } from "../../cli/diagram/render";
import { readSvg } from "./svg";

const AWKWARD = ['say "hi"', "C:\\Labs\\rms-lab.log", "ends with \\", "two\nlines", "a < b > c", "AT&T", "&amp; stays &amp;", "&lt;tag&gt;", "\\N is not the node name", "tab\there", "ünïcødé"];

describe("DOT quoting", () => {
    it("quotes ids: escapes double quotes and backslashes, turns line breaks into \\n", () => {
        expect(quote("plain")).toBe('"plain"');
        expect(quote('say "hi"')).toBe('"say \\"hi\\""');
        expect(quote("C:\\Labs")).toBe('"C:\\\\Labs"');
        expect(quote("two\nlines")).toBe('"two\\nlines"');
        expect(quote("crlf\r\nline")).toBe('"crlf\\nline"');
    });

    it("quotes labels: also writes & as &amp;, leaves < and > (Graphviz escapes them in the SVG)", () => {
        expect(label("AT&T <b>")).toBe('"AT&amp;T <b>"');
        expect(label("&lt;")).toBe('"&amp;lt;"');
        expect(leftLabel(["rg-x", "resource group"])).toBe('"rg-x\\lresource group\\l"');
        expect(leftLabel(['a "b"\nc'])).toBe('"a \\"b\\"\\lc\\l"');
    });

    it("gets every awkward label through Graphviz as written, in a well-formed SVG", async () => {
        const b = new DiagramBuilder('title with "quotes" & <angles>', "TB");
        b.cluster("cluster:box", "rg", ["box & <friends>", 'caption "two"']);
        AWKWARD.forEach((text, i) => b.node(`node ${text} ${i}`, "vm", [text], i % 2 ? "cluster:box" : undefined));
        b.edge(`node ${AWKWARD[0]} 0`, `node ${AWKWARD[1]} 1`, "data", 'edge "label" & <more>');
        const { svg, warnings } = await renderSvg(toDot(b.build()));
        expect(warnings).toEqual([]);
        const { root, texts } = readSvg(svg);
        expect(root).toBe("svg");
        // A tab is drawn as a space (Graphviz would draw it as nothing).
        const expected = AWKWARD.flatMap((t) => t.replace(/\t/g, " ").split("\n"));
        for (const text of expected) expect(texts, JSON.stringify(text)).toContain(text);
        for (const text of ['title with "quotes" & <angles>', "box & <friends>", 'caption "two"', 'edge "label" & <more>']) expect(texts).toContain(text);
    });
});

describe("DOT writer", () => {
    it("writes boxes as nested cluster subgraphs and keeps an empty box with an invisible point", () => {
        const b = new DiagramBuilder("t", "TB");
        b.cluster("cluster:vnet", "vnet", ["vnet1", "10.101.0.0/16"]);
        b.cluster("cluster:gw", "subnet", ["GatewaySubnet  10.101.255.0/27"], "cluster:vnet");
        const dot = toDot(b.build());
        expect(dot).toMatch(/subgraph "cluster:vnet" \{[\s\S]*subgraph "cluster:gw" \{[\s\S]*"cluster:gw:empty" \[shape="point", style="invis"/);
        expect(dot).toContain('label="vnet1\\l10.101.0.0/16\\l"');
    });

    it("clips an arrow at the box a caption belongs to, unless the other end is inside that box", () => {
        const b = new DiagramBuilder("t", "TB");
        b.cluster("cluster:v1", "vnet", ["vnet1"]);
        b.cluster("cluster:v2", "vnet", ["vnet2"]);
        b.node("dns1", "note", ["DNS servers: 10.101.0.4"], "cluster:v1");
        b.node("dns2", "note", ["DNS servers: 10.102.0.4"], "cluster:v2");
        b.node("vm1", "vm", ["azuredns", "10.101.0.4"], "cluster:v1");
        b.node("outside", "external", ["Azure DNS"]);
        b.edge("dns1", "dns2", "peering", "peering");
        b.edge("dns1", "vm1", "dns", "VMs ask");
        b.edge("dns2", "outside", "dns", "VMs ask");
        const lines = toDot(b.build()).split("\n");
        const edge = (from: string, to: string) => lines.find((l) => l.includes(`"${from}" -> "${to}"`)) ?? "";
        expect(edge("dns1", "dns2")).toContain('ltail="cluster:v1"');
        expect(edge("dns1", "dns2")).toContain('lhead="cluster:v2"');
        expect(edge("dns1", "dns2")).toContain('constraint="false"');
        expect(edge("dns1", "vm1")).not.toContain("ltail");
        expect(edge("dns2", "outside")).toContain('ltail="cluster:v2"');
        expect(edge("dns2", "outside")).not.toContain("lhead");
    });

    it("builder: one node per id, one line per pair of peers, no arrow to a node that is not drawn", () => {
        const b = new DiagramBuilder("t", "TB");
        const first = b.node("a", "vm", ["a"]);
        expect(b.node("a", "vm", ["other"])).toBe(first);
        b.node("b", "vm", ["b"]);
        b.edge("a", "b", "peering", "peering");
        b.edge("b", "a", "peering", "peering");
        b.edge("a", "b", "dns", "zone");
        b.edge("a", "b", "dns", "zone");
        expect(b.build().edges).toEqual([
            { from: "a", to: "b", kind: "peering", label: "peering" },
            { from: "a", to: "b", kind: "dns", label: "zone" },
        ]);
        expect(() => b.edge("a", "missing", "data")).toThrow(/no node 'missing'/);
    });
});
