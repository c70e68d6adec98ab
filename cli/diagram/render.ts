// DOT to SVG with Graphviz compiled to WebAssembly (@viz-js/viz): the WASM is inside the
// package, so pictures are drawn offline, with no Graphviz binary on the machine.
import { type Viz, instance } from "@viz-js/viz";

let viz: Promise<Viz> | undefined;

/** The Graphviz instance, started once per process (about 20 ms). */
function graphviz(): Promise<Viz> {
    viz ??= instance();
    return viz;
}

export interface Rendered {
    svg: string;
    /** What Graphviz warned about (the picture was still drawn). */
    warnings: string[];
}

export async function renderSvg(dot: string): Promise<Rendered> {
    const result = (await graphviz()).render(dot, { format: "svg", engine: "dot" });
    const messages = (level: string) =>
        result.errors
            .filter((e) => e.level === level)
            .map((e) => e.message.trim())
            // The WASM build measures text with built-in tables (it has no fonts) that cover ASCII
            // only: other characters are still drawn, as wide as a space. Not worth a warning.
            .filter((m) => !/no value for width of non-ASCII character/.test(m));
    if (result.status !== "success") throw new Error(`Graphviz could not draw the diagram: ${messages("error").join("; ") || "unknown error"}`);
    return { svg: result.output, warnings: messages("warning") };
}
