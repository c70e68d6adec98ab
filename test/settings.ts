// Reading a lab's settings in-process: the dev stack's config plus overrides, as the program
// sees it, and the problems it would report.
import * as pulumi from "@pulumi/pulumi";
import { loadProject, loadStackConfig } from "../cli/engine/project";
import { Problems, SettingsReader, formatProblem } from "../lib/config";
import { prepareLabs } from "../stacks";
import { ROOT } from "./support";

/** A settings reader over the dev stack with these settings overridden (keys without `labs:`) and these removed. */
export function configure(overrides: Record<string, unknown>, remove: string[] = []): SettingsReader {
    const config = loadStackConfig(loadProject(ROOT), "dev", Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`labs:${k}`, v])));
    for (const key of remove) delete config.values[`labs:${key}`];
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    return new SettingsReader(new Problems(), "labs");
}

/** Every problem the program reports for the dev stack with these settings, one line each. */
export function problems(overrides: Record<string, unknown>, remove: string[] = []): string[] {
    const reader = configure(overrides, remove);
    prepareLabs(reader, "dev");
    return reader.problems.list.map(formatProblem);
}
