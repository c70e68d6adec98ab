// Reads an SVG the way a browser would have to: as XML. saxes is a conformant XML 1.0 parser
// (it rejects what a browser's XML parser rejects: unbalanced tags, a bare `&`, bad entities),
// so "it parsed" means "it is well-formed". The text is what a reader sees: <text> contents,
// entities decoded.
import { SaxesParser } from "saxes";

export interface SvgText {
    /** The root element's name. */
    root: string;
    /** Every <text> element's content, in document order. */
    texts: string[];
}

export function readSvg(svg: string): SvgText {
    const parser = new SaxesParser();
    let root = "";
    const texts: string[] = [];
    let current: string | undefined;
    parser.on("error", (err) => {
        throw err;
    });
    parser.on("opentag", (tag) => {
        root ||= tag.name;
        if (tag.name === "text") current = "";
    });
    parser.on("text", (t) => {
        if (current !== undefined) current += t;
    });
    parser.on("closetag", (tag) => {
        if (tag.name === "text" && current !== undefined) {
            texts.push(current);
            current = undefined;
        }
    });
    parser.write(svg).close();
    return { root, texts };
}

/**
 * Whether the picture shows this: a whole word of some line ("10.101.0.4" is not shown by
 * "10.101.0.40"), or for a phrase with spaces, part of a line.
 */
export function shows(svg: SvgText, wanted: string): boolean {
    return svg.texts.some((line) => line === wanted || (wanted.includes(" ") ? line.includes(wanted) : line.split(/[\s,()]+/).includes(wanted)));
}
