// `labs diagram`: an SVG picture of each lab, drawn offline from the same plan `labs plan`
// shows (resource groups, VNets, subnets, VMs, peerings, tunnels, DNS paths, data flows).
import * as fs from "node:fs";
import * as path from "node:path";
import { drawLabs } from "../diagram";
import { UserError } from "../engine/errors";
import { resolveProgramDir } from "../locate";
import { evaluateForLab } from "./plan";

export interface DiagramOptions {
    stack: string;
    lab?: string;
    program?: string;
    /** `key=value` settings that win over the stack file, as for `labs plan`. */
    config?: string[];
    /** `key=value` settings that hold secrets, as `pulumi config set --secret` would store them. */
    secretConfig?: string[];
    /** Folder for the pictures; default docs/diagrams in the program's folder. */
    out?: string;
}

export const DEFAULT_OUT_DIR = path.join("docs", "diagrams");

export async function diagramCommand(options: DiagramOptions, write: (text: string) => void): Promise<number> {
    const outDir = options.out ? path.resolve(options.out) : path.join(resolveProgramDir(options.program), DEFAULT_OUT_DIR);
    // Before the plan: a folder we cannot write is the user's to fix, and should not cost a plan first.
    prepareOutDir(outDir);
    const plan = await evaluateForLab(options);
    // drawLabs throws the UserError naming the labs when --lab names none of them.
    const pictures = await drawLabs(plan, options.lab ? [options.lab] : undefined);
    for (const picture of pictures) {
        const file = path.join(outDir, `${picture.lab}.svg`);
        writeOut(file, picture.svg);
        write(`wrote ${shortPath(file)}  (${Math.ceil(Buffer.byteLength(picture.svg) / 1024)} KB)`);
        for (const warning of picture.warnings) write(`  graphviz warning: ${warning}`);
    }
    return 0;
}

/** Relative to where the user is when the file is below it, absolute otherwise. */
function shortPath(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

function prepareOutDir(dir: string): void {
    try {
        fs.mkdirSync(dir, { recursive: true });
        fs.accessSync(dir, fs.constants.W_OK);
    } catch (err) {
        throw new UserError(`cannot write pictures to '${dir}' (${describe(err)}); pass a writable folder with --out.`);
    }
}

function writeOut(file: string, content: string): void {
    try {
        fs.writeFileSync(file, content);
    } catch (err) {
        throw new UserError(`cannot write '${file}' (${describe(err)}); pass a writable folder with --out.`);
    }
}

function describe(err: unknown): string {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") return "permission denied";
    if (code === "EROFS") return "read-only file system";
    if (code === "ENOTDIR" || code === "EEXIST") return "a file is in the way of the folder";
    return code ?? (err instanceof Error ? err.message : String(err));
}
