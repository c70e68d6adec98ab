import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../cli/engine/errors";
import { listStacks, loadProject, loadStackConfig } from "../../cli/engine/project";

function projectDir(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-project-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
}

const PROJECT = `name: demo
runtime:
  name: nodejs
config:
  greeting:
    type: string
    default: hello
  region:
    type: string
    description: Where it runs. Required.
  count:
    type: integer
    default: 2
  tags:
    type: array
    items:
      type: string
    default: [a]
  layout:
    description: untyped, structured
  short: plain-default
  aws:region:
    value: eu-west-1
`;

describe("reading a project and a stack as the Pulumi CLI does", () => {
    it("applies Pulumi.yaml defaults, then the stack's values, under the project namespace", () => {
        const dir = projectDir({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  demo:region: westeurope\n  demo:count: 5\n  demo:layout: {a: [1, 2]}\n" });
        const config = loadStackConfig(loadProject(dir), "dev");
        expect(config.problems).toEqual([]);
        expect(config.values).toMatchObject({
            "demo:greeting": "hello",
            "demo:region": "westeurope",
            "demo:count": "5",
            "demo:tags": '["a"]',
            "demo:layout": '{"a":[1,2]}',
            "demo:short": "plain-default",
            "aws:region": "eu-west-1",
        });
    });

    it("turns secure: values into placeholders and marks their keys secret", () => {
        const dir = projectDir({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  demo:region: x\n  demo:layout: {}\n  demo:token:\n    secure: v1:AAAA\n" });
        const config = loadStackConfig(loadProject(dir), "dev");
        expect(config.secretKeys).toEqual(["demo:token"]);
        expect(config.values["demo:token"]).toBe("offline-secret-demo-token");
    });

    it("reports every project setting without default that the stack does not set, typed or not, with the command that sets it", () => {
        const dir = projectDir({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config: {}\n" });
        expect(loadStackConfig(loadProject(dir), "dev").problems).toEqual([
            "demo:region is not set: expected a string (Where it runs); set it with: pulumi config set region <value>",
            "demo:layout is not set: expected a value (untyped, structured); set it with: pulumi config set layout <value>",
        ]);
    });

    it("reads values as Pulumi does: dates stay text, top-level numbers and booleans are their text", () => {
        const dir = projectDir({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  demo:region: 2026-12-31\n  demo:count: 7\n  demo:greeting: true\n  demo:layout: {}\n" });
        const config = loadStackConfig(loadProject(dir), "dev");
        expect(config.problems).toEqual([]);
        expect([config.values["demo:region"], config.values["demo:count"], config.values["demo:greeting"]]).toEqual(["2026-12-31", "7", "true"]);
    });

    it("refuses keys without a namespace in the stack file, as the Pulumi CLI does", () => {
        const dir = projectDir({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  demo:region: x\n  demo:layout: {}\n  count: 3\n" });
        expect(loadStackConfig(loadProject(dir), "dev").problems).toEqual(['count = 3: expected a key of the form <namespace>:<name> in Pulumi.dev.yaml, e.g. demo:count']);
    });

    it("reports values of the wrong declared type, each on its own line", () => {
        const dir = projectDir({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  demo:region: [x]\n  demo:count: two\n  demo:tags: [1, {b: 2}]\n  demo:layout: {}\n" });
        expect(loadStackConfig(loadProject(dir), "dev").problems).toEqual([
            'demo:region = ["x"]: expected a string',
            'demo:count = "two": expected an integer',
            'demo:tags = [1,{"b":2}]: expected a list of strings',
        ]);
    });

    it("lets overrides win over the stack file", () => {
        const dir = projectDir({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config:\n  demo:region: a\n  demo:layout: {}\n" });
        expect(loadStackConfig(loadProject(dir), "dev", { "demo:region": "b" }).values["demo:region"]).toBe("b");
    });

    it("names the stacks that exist when asked for one that does not", () => {
        const dir = projectDir({ "Pulumi.yaml": PROJECT, "Pulumi.dev.yaml": "config: {}\n", "Pulumi.prod.yaml": "config: {}\n" });
        expect(listStacks(loadProject(dir))).toEqual(["dev", "prod"]);
        expect(() => loadStackConfig(loadProject(dir), "qa")).toThrowError(/stack 'qa' has no Pulumi.qa.yaml .*use --stack with one of dev, prod/);
    });

    it("rejects a folder without Pulumi.yaml, broken YAML and non-Node runtimes as user errors", () => {
        expect(() => loadProject(projectDir({}))).toThrowError(UserError);
        expect(() => loadProject(projectDir({ "Pulumi.yaml": "name: [x\n" }))).toThrowError(/is not valid YAML/);
        expect(() => loadProject(projectDir({ "Pulumi.yaml": "name: p\nruntime: python\n" }))).toThrowError(/runs nodejs \(TypeScript\) programs only/);
    });
});
