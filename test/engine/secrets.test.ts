// Settings that hold secrets: the engine reads them as the Pulumi CLI does (a declared secret must
// arrive encrypted, and cannot have a default), never shows their values, and does not judge an
// offline placeholder by its form.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject, loadStackConfig } from "../../cli/engine/project";
import { LABS_CLI, ROOT } from "../support";

const PROJECT = `name: vault
runtime:
  name: nodejs
config:
  apiKey:
    type: string
    secret: true
  pin:
    type: integer
    secret: true
`;

function projectDir(stackFile: string, program = "export const ok = true;\n", project = PROJECT): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-secrets-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project);
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stackFile);
    fs.writeFileSync(path.join(dir, "index.ts"), program);
    return dir;
}

const labs = (...args: string[]) => spawnSync(process.execPath, [LABS_CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

describe("a setting Pulumi.yaml declares secret", () => {
    it("set in plain text is refused, as the Pulumi CLI refuses it, without showing the value", () => {
        const dir = projectDir("config:\n  vault:apiKey: sk-live-0123456789abcdef\n  vault:pin:\n    secure: v1:AAAA\n");
        const config = loadStackConfig(loadProject(dir), "dev");
        expect(config.problems).toEqual([
            "vault:apiKey is set in plain text, but the project declares it secret: set it with pulumi config set --secret apiKey <value> (the Pulumi CLI refuses a plain value)",
        ]);
        const r = labs("plan", "--program", dir, "--json");
        expect(r.status).toBe(2);
        expect(r.stdout + r.stderr).not.toContain("sk-live-0123456789abcdef");
    });

    it("with a default is refused: the CLI counts a default as a plain value", () => {
        const dir = projectDir("config:\n  vault:pin:\n    secure: v1:AAAA\n", undefined, PROJECT.replace("    secret: true\n  pin:", "    secret: true\n    default: changeme\n  pin:"));
        expect(loadStackConfig(loadProject(dir), "dev").problems).toEqual([
            `vault:apiKey is declared secret with a default in Pulumi.yaml, which the Pulumi CLI refuses ("must be encrypted as it's secret"): remove the default, or the secret declaration`,
        ]);
    });

    it("arriving encrypted is a placeholder of its declared type, and no type check fails on it", () => {
        const dir = projectDir("config:\n  vault:apiKey:\n    secure: v1:AAAA\n  vault:pin:\n    secure: v1:BBBB\n");
        const config = loadStackConfig(loadProject(dir), "dev");
        expect(config.problems).toEqual([]);
        expect(config.values["vault:pin"]).toBe("1");
        expect(config.secretKeys).toEqual(["vault:apiKey", "vault:pin"]);
    });

    it("given with --config is plain, so refused without being shown; --secret-config gives it", () => {
        const dir = projectDir("config:\n  vault:pin:\n    secure: v1:AAAA\n");
        const r = labs("plan", "--program", dir, "-c", "apiKey=sk-plain-0123456789", "-c", "pin=1234");
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("vault:apiKey is given in plain text (--config), but the project declares it secret: give it with --secret-config apiKey=<value>");
        expect(r.stderr).toContain("vault:pin is given in plain text (--config)");
        expect(r.stderr).not.toContain("sk-plain-0123456789");
    });

    it("given on the command line with --secret-config is shown as [secret] in labs plan --json", () => {
        const dir = projectDir("config: {}\n");
        const r = labs("plan", "--program", dir, "--json", "--secret-config", "apiKey=sk-cli-0123456789abcdef", "--secret-config", "pin=4242");
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(r.stdout).not.toContain("sk-cli-0123456789abcdef");
        expect(r.stdout).not.toContain("4242");
        expect(JSON.parse(r.stdout).config).toMatchObject({ "vault:apiKey": "[secret]", "vault:pin": "[secret]" });
    });

    it("is never echoed by an error, even one the program writes itself", () => {
        const dir = projectDir("config: {}\n", 'import * as pulumi from "@pulumi/pulumi";\nthrow new Error(`bad key ${new pulumi.Config().require("apiKey")}`);\n');
        const r = labs("plan", "--program", dir, "--secret-config", "apiKey=sk-thrown-0123456789", "--secret-config", "pin=1");
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("the program failed: bad key [secret]");
        expect(r.stderr).not.toContain("sk-thrown-0123456789");
    });
});

describe("the labs' own secret settings", () => {
    it("rmsVpnSharedKey given in plain text stops the plan with one line that does not show it", () => {
        const r = labs("plan", "--lab", "rms-lab", "--json", "-c", "rmsVpnSharedKey=plain-home-key-0123");
        expect(r.status).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toContain("labs:rmsVpnSharedKey is set in plain text");
        expect(r.stderr).not.toContain("plain-home-key-0123");
    });

    it("rmsVpnSharedKey given as a secret plans, shown as [secret]", () => {
        const r = labs("plan", "--lab", "rms-lab", "--json", "--secret-config", "rmsVpnSharedKey=secret-home-key-0123");
        expect(r.status).toBe(0);
        expect(r.stdout).not.toContain("secret-home-key-0123");
        expect(JSON.parse(r.stdout).config["labs:rmsVpnSharedKey"]).toBe("[secret]");
    });
});

describe("a secret the program mishandles", () => {
    it("is not printed even when the program exports it plainly, logs it, or a policy quotes it", () => {
        const program = [
            'import * as pulumi from "@pulumi/pulumi";',
            'import * as aws from "@pulumi/aws";',
            "const key = new pulumi.Config().get(\"apiKey\") ?? \"\";",
            "console.log(`the key is ${key}`);",
            'new aws.ssm.Parameter("p", { type: "String", value: key });',
            "export const leaked = key;",
        ].join("\n");
        const dir = projectDir("config: {}\n", program);
        const secret = "sk-mishandled-0123456789";
        for (const args of [["plan"], ["plan", "--json"], ["check"], ["check", "--json"]]) {
            const r = labs(...args, "--program", dir, "--secret-config", `apiKey=${secret}`, "--secret-config", "pin=1");
            expect(r.stdout + r.stderr).not.toContain(secret);
            expect(r.stdout + r.stderr).toContain("[secret]");
        }
    });

    it("is not printed line by line either: a multi-line value in a re-indented message, and a short one", () => {
        const pem = "-----BEGIN KEY-----\nMIIEabcdefghijklmnop\nqrstuvwxyz0123456789\n-----END KEY-----";
        const program = 'import * as pulumi from "@pulumi/pulumi";\nthrow new pulumi.RunError(`bad key:\\n${new pulumi.Config().require("apiKey")}\\npin ${new pulumi.Config().require("pin")}`);\n';
        const r = labs("plan", "--program", projectDir("config: {}\n", program), "--secret-config", `apiKey=${pem}`, "--secret-config", "pin=p42");
        expect(r.status).toBe(2);
        for (const line of pem.split("\n")) expect(r.stderr).not.toContain(line);
        expect(r.stderr).not.toContain("p42");
    });
});
