// The labs this project can stand up, and the one function index.ts calls: read and check
// every selected lab's settings first (all problems at once, nothing created), then build.
import * as pulumi from "@pulumi/pulumi";
import { type CommonSettings, type WindowsSettings, readCommonSettings, readWindowsSettings } from "../lib/common";
import { SettingsReader } from "../lib/config";
import { checkSettingNames } from "../lib/setting-names";
import { CollectorLab } from "./collector";
import { readCollectorSettings } from "./collector/config";
import { DnsLab } from "./dns-lab";
import { readDnsLabSettings } from "./dns-lab/config";
import { RmsLab } from "./rms-lab";
import { readRmsLabSettings } from "./rms-lab/config";

/** Settings several labs share, each read once however many labs use it. */
export interface SharedSettings {
    stack: string;
    common(): CommonSettings;
    windows(): WindowsSettings;
}

interface LabDefinition {
    /** One line for the docs and for `labs plan`. */
    summary: string;
    /** Reads and checks the lab's settings (recording problems, creating nothing); returns its builder. */
    prepare(reader: SettingsReader, shared: SharedSettings): () => Record<string, pulumi.Input<unknown>>;
}

export const LABS: Record<string, LabDefinition> = {
    "dns-lab": {
        summary: "Azure VNets showing each private DNS pattern: Azure-provided, BYO forwarders, Private DNS zones, DNS Private Resolver",
        prepare(reader, shared) {
            const args = readDnsLabSettings(reader, shared.common(), shared.windows(), shared.stack);
            return () => new DnsLab("dns-lab", args).outputs;
        },
    },
    "rms-lab": {
        summary: "Two AD RMS / AIP forests (legacy jog.local, modern geekintheweeds.com), peered, with VPN gateways to the home lab",
        prepare(reader, shared) {
            const args = readRmsLabSettings(reader, shared.common(), shared.windows(), shared.stack);
            return () => new RmsLab("rms-lab", args).outputs;
        },
    },
    collector: {
        summary: "AWS IAM access-key usage into Log Analytics (Logs Ingestion API), a Defender for Cloud Apps audit principal and CloudTrail trail",
        prepare(reader, shared) {
            const args = readCollectorSettings(reader, shared.common(), shared.stack);
            return () => new CollectorLab("collector", args).outputs;
        },
    },
};

export const LAB_NAMES = Object.keys(LABS);

/**
 * Reads the `labs` setting and every selected lab's settings, recording all problems in
 * `reader`; returns a builder per lab. Creates nothing.
 */
export function prepareLabs(reader: SettingsReader, stack: string): Array<[name: string, build: () => Record<string, pulumi.Input<unknown>>]> {
    checkSettingNames(reader.problems);
    const labsSetting = reader.get("labs");
    const items = labsSetting.items(`a list of lab names from: ${LAB_NAMES.join(", ")}`);
    // An empty list would deploy nothing and say so nowhere; `pulumi destroy` is how a stack is emptied.
    if (labsSetting.isSet && items.length === 0 && Array.isArray(labsSetting.parsed())) {
        labsSetting.problem(`at least one lab from: ${LAB_NAMES.join(", ")} (to remove every lab, run pulumi destroy)`, []);
    }
    const selected = items.map((s) => s.oneOf(LAB_NAMES)).filter((n): n is string => n !== undefined);
    // `labs plan --lab NAME` builds one lab, and checks it with every lab the stack selects.
    const only = onlyLab();
    if (only && LAB_NAMES.includes(only) && !selected.includes(only)) selected.push(only);
    const shared: SharedSettings = {
        stack,
        common: once(() => readCommonSettings(reader)),
        windows: once(() => readWindowsSettings(reader)),
    };
    return [...new Set(selected)].map((name) => [name, LABS[name].prepare(reader, shared)]);
}

/** Stands up the labs named in config `labs`; returns their outputs by lab name. */
export function runLabs(): Record<string, Record<string, pulumi.Input<unknown>>> {
    const reader = new SettingsReader();
    const builders = prepareLabs(reader, pulumi.getStack());
    // Every problem of every lab at once, before any resource exists.
    reader.problems.throwIfAny();
    const only = onlyLab();
    return Object.fromEntries(builders.filter(([name]) => !only || name === only).map(([name, build]) => [name, build()]));
}

/**
 * The one lab to build when the offline engine plans `--lab NAME` (variable LABS_ONLY_LAB, set
 * by cli/commands/plan.ts); undefined under `pulumi up`, which builds every selected lab.
 */
function onlyLab(): string | undefined {
    return process.env.LABS_ONLY_LAB || undefined;
}

function once<T>(read: () => T): () => T {
    let value: { v: T } | undefined;
    return () => (value ??= { v: read() }).v;
}
