// `labs diagram` as a user runs it: files written where asked, one clear line when it cannot.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LABS_CLI, ROOT } from "../support";
import { readSvg } from "./svg";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "labs-diagram-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function labs(...args: string[]) {
    return spawnSync(process.execPath, [LABS_CLI, "diagram", ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("labs diagram (command)", () => {
    it("--lab writes only that lab's <lab>.svg into --out, creating the folder, and says where", () => {
        const out = path.join(tmp, "new", "folder");
        const r = labs("--stack", "dev", "--lab", "dns-lab", "-c", "dnsPattern=private-resolver", "--out", out);
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(fs.readdirSync(out)).toEqual(["dns-lab.svg"]);
        expect(r.stdout).toContain(path.join(out, "dns-lab.svg"));
        const svg = readSvg(fs.readFileSync(path.join(out, "dns-lab.svg"), "utf8"));
        expect(svg.texts).toContain("10.101.1.4");
    });

    it("an --out it cannot write to is one line naming the folder and the fix, exit 2", () => {
        const file = path.join(tmp, "a-file");
        fs.writeFileSync(file, "");
        const r = labs("--out", path.join(file, "pictures"));
        expect(r.status).toBe(2);
        expect(r.stderr.trim().split("\n")).toEqual([`error: cannot write pictures to '${path.join(file, "pictures")}' (a file is in the way of the folder); pass a writable folder with --out.`]);
    });

    it("an unknown --lab names the labs there are, exit 2, no stack trace", () => {
        const r = labs("--lab", "no-such-lab", "--out", path.join(tmp, "unused"));
        expect(r.status).toBe(2);
        expect(r.stderr).toBe("error: --lab no-such-lab: this project has no such lab; its labs are dns-lab, rms-lab, collector.\n");
        expect(r.stderr).not.toMatch(/\n\s+at /);
    });
});
