import * as fs from "node:fs";
import * as path from "node:path";

/** This project's folder (where the labs' Pulumi.yaml is). */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** The program to evaluate: --program, else the nearest folder with a Pulumi.yaml, else this project. */
export function resolveProgramDir(program: string | undefined): string {
    if (program) return path.resolve(program);
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) return PROJECT_ROOT;
    }
}
