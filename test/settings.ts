// Reading a lab's settings in-process: the dev stack's config plus overrides, as the program
// sees it, and the problems it would report.
import * as pulumi from "@pulumi/pulumi";
import { loadProject, loadStackConfig } from "../cli/engine/project";
import { Problems, SettingsReader, formatProblem } from "../lib/config";
import { prepareLabs } from "../stacks";
import { ROOT } from "./support";

// A key with a namespace of its own (`aws:region`) is kept as written.
const namespaced = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.includes(":") ? k : `labs:${k}`, v]));

/**
 * A settings reader over the dev stack with these settings overridden (keys without `labs:`), these
 * removed, and these set as secrets (as `pulumi config set --secret` would).
 */
export function configure(overrides: Record<string, unknown>, remove: string[] = [], secrets: Record<string, unknown> = {}): SettingsReader {
    const config = loadStackConfig(loadProject(ROOT), "dev", namespaced(overrides), namespaced(secrets));
    for (const key of remove) delete config.values[`labs:${key}`];
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    return new SettingsReader(new Problems(), "labs");
}

/** Every problem the program reports for the dev stack with these settings, one line each. */
export function problems(overrides: Record<string, unknown>, remove: string[] = [], secrets: Record<string, unknown> = {}): string[] {
    const reader = configure(overrides, remove, secrets);
    prepareLabs(reader, "dev");
    return reader.problems.list.map(formatProblem);
}
