// Settings the project does not declare. Pulumi passes every key of a stack file to the program
// and never complains about one nobody reads, so `labs:dnsPatern: private-resolver` would be
// ignored in silence and the user would get the default pattern. The declared names are
// Pulumi.yaml's `config:` block, read from the project folder beside this file.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { load as parseYaml } from "js-yaml";
import { type Problems, isConfigSecret } from "./config";

/** Namespaces with a reader besides the labs: the providers the program uses, and Pulumi's own. */
const READERS = ["pulumi", "azure-native", "aws", "azuread", "random", "command"];

/** The keys Pulumi.yaml declares under `config:`, without namespace; undefined when the file is not there. */
export function declaredSettings(projectDir = path.resolve(__dirname, "..")): string[] | undefined {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
    if (!file) return undefined;
    const project = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined;
    return Object.keys(project?.config ?? {}).map((k) => k.replace(/^labs:/, ""));
}

/**
 * Records a problem for every `<namespace>:` key set in the stack that Pulumi.yaml does not
 * declare, and for keys of a namespace neither the labs nor a provider of theirs reads, naming the nearest declared key when one is close (edit distance at most a third of
 * the name). Keys of other namespaces (providers' `azure-native:location`, `aws:region`) are theirs.
 */
export function checkSettingNames(problems: Problems, namespace = "labs", declared = declaredSettings()): void {
    if (!declared) return;
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        const [space] = key.split(":");
        if (space !== namespace && !READERS.includes(space)) {
            // `lab:owner` or `lasb:owner`: a namespace nothing reads, so the setting would be ignored.
            problems.list.push({
                setting: key,
                value,
                secret: isConfigSecret(key),
                expected: "a setting someone reads",
                text: `${key} = ${isConfigSecret(key) ? "[secret]" : JSON.stringify(value)}: no lab or provider reads the ${space}: namespace; the labs' settings are ${namespace}:<name> (pulumi config set ${key.slice(space.length + 1)} <value> puts it there)`,
            });
            continue;
        }
        if (!key.startsWith(`${namespace}:`)) continue;
        const name = key.slice(namespace.length + 1);
        if (declared.includes(name)) continue;
        const nearest = nearestName(name, declared);
        // A mistyped secret key still holds a secret: name it, never show it.
        const secret = isConfigSecret(key);
        const shown = secret ? "[secret]" : JSON.stringify(value);
        problems.list.push({
            setting: key,
            value,
            secret,
            expected: "a setting Pulumi.yaml declares",
            text: `${key} = ${shown}: no such setting${nearest ? `; did you mean ${namespace}:${nearest}?` : "."} Rename or remove it (pulumi config rm ${name}); Pulumi.yaml lists every setting.`,
        });
    }
}

/** The declared name closest to `name` (case-insensitive Levenshtein), if close enough to be a typo. */
export function nearestName(name: string, declared: readonly string[]): string | undefined {
    let best: { name: string; distance: number } | undefined;
    for (const candidate of declared) {
        const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
        if (!best || distance < best.distance) best = { name: candidate, distance };
    }
    return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
    }
    return previous[b.length];
}
