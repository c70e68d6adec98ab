// What the diagram readers ask of a lab's part of the plan: resources by type and by cloud id,
// values by path, and the lab's stack outputs. Secrets are never revealed here: a picture is
// committed to the docs, so a secret value reads as absent.
import type { PlannedResource } from "../engine/plan";
import { type Wire, type WireObject, at, isSecret, isUnknown } from "../engine/wire";

export class LabSource {
    private readonly byId = new Map<string, PlannedResource[]>();
    private readonly byUrn = new Map<string, PlannedResource>();

    constructor(
        readonly lab: string,
        /** The lab's resources, its component first (as selectLab gives them). */
        readonly resources: PlannedResource[],
        /** The lab's own stack output (the value under its name), or null. */
        readonly outputs: Wire,
    ) {
        for (const r of resources) {
            this.byUrn.set(r.urn, r);
            const id = r.id ?? text(r.outputs, "id");
            // ARM ids are case-insensitive; references in inputs sometimes differ in case.
            if (id) this.byId.set(id.toLowerCase(), [...(this.byId.get(id.toLowerCase()) ?? []), r]);
        }
    }

    /**
     * The component directly under the lab that a resource belongs to (the lab's building
     * blocks: a reporter, an audit principal...), none for the lab's own resources.
     */
    partOf(r: PlannedResource): PlannedResource | undefined {
        const root = this.resources[0];
        let current: PlannedResource | undefined = r;
        while (current && current.parent !== root?.urn) current = this.byUrn.get(current.parent ?? "");
        return current && !current.custom ? current : undefined;
    }

    ofType(type: string): PlannedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /**
     * The resource whose cloud id (ARM id, ARN, name: whatever the provider uses) is this. AWS
     * ids are often bare names that two types can share, hence the type.
     */
    byCloudId(id: string | undefined, type?: string): PlannedResource | undefined {
        if (!id) return undefined;
        return (this.byId.get(id.toLowerCase()) ?? []).find((r) => type === undefined || r.type === type);
    }

    /** A string input, or the output of that name when the input is not set. */
    text(r: PlannedResource, path: string): string | undefined {
        return text(r.inputs, path) ?? text(r.outputs, path);
    }

    texts(r: PlannedResource, path: string): string[] {
        const fromInputs = texts(r.inputs, path);
        return fromInputs.length > 0 ? fromInputs : texts(r.outputs, path);
    }

    /** A list of objects (e.g. a VNet's subnets); secret or unknown elements are left out. */
    objects(r: PlannedResource, path: string): WireObject[] {
        const fromInputs = objects(r.inputs, path);
        return fromInputs.length > 0 ? fromInputs : objects(r.outputs, path);
    }

    number(r: PlannedResource, path: string): number | undefined {
        return number(r.inputs, path) ?? number(r.outputs, path);
    }

    /** An object value (a map such as a Glue table's parameters, whose keys may contain dots). */
    record(r: PlannedResource, path: string): WireObject | undefined {
        for (const value of [plain(at(r.inputs, path)), plain(at(r.outputs, path))]) {
            if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
        }
        return undefined;
    }

    bool(r: PlannedResource, path: string): boolean | undefined {
        const value = plain(at(r.inputs, path)) ?? plain(at(r.outputs, path));
        return typeof value === "boolean" ? value : undefined;
    }

    /**
     * A Run Command's parameters by name, decoded. Why two encodings: the dns-lab forwarder
     * passes one parameter base64 (named ...Base64); the rms-lab scripts pass every parameter
     * base64 and decode them all in their shared prelude, which is how we recognise them.
     */
    runCommandParameters(r: PlannedResource): Record<string, string> {
        const script = this.text(r, "source.script") ?? "";
        const allEncoded = /FromBase64String\(\[string\]\$PSBoundParameters/.test(script);
        const result: Record<string, string> = {};
        for (const p of this.objects(r, "parameters")) {
            const name = text(p, "name");
            const value = text(p, "value");
            if (!name || value === undefined) continue;
            result[name] = allEncoded || name.endsWith("Base64") ? decodeBase64(value) : value;
        }
        return result;
    }

    /** The short name a Run Command has on its VM (`promote-dc`), and the VM's name. */
    runCommandOf(r: PlannedResource): { vm?: string; command?: string } {
        return { vm: this.text(r, "vmName"), command: this.text(r, "runCommandName") };
    }
}

/** A string value at a path; absent if it is missing, secret, unknown or not a string. */
export function text(value: Wire | undefined, path: string): string | undefined {
    const v = plain(at(value, path));
    return typeof v === "string" ? v : undefined;
}

export function number(value: Wire | undefined, path: string): number | undefined {
    const v = plain(at(value, path));
    return typeof v === "number" ? v : undefined;
}

/** Strings at a path: a list of strings, or one string as a list. */
export function texts(value: Wire | undefined, path: string): string[] {
    const v = plain(at(value, path));
    if (typeof v === "string") return [v];
    if (!Array.isArray(v)) return [];
    return v.map(plain).filter((s): s is string => typeof s === "string");
}

export function objects(value: Wire | undefined, path: string): WireObject[] {
    const v = plain(at(value, path));
    if (!Array.isArray(v)) return [];
    return v.map(plain).filter((o): o is WireObject => typeof o === "object" && o !== null && !Array.isArray(o));
}

/** The value itself unless it is secret or unknown (then undefined). */
function plain(value: Wire | undefined): Wire | undefined {
    if (value === undefined || isSecret(value) || isUnknown(value)) return undefined;
    return value;
}

function decodeBase64(value: string): string {
    return Buffer.from(value, "base64").toString("utf8");
}

/** The last segment of an ARM id (`.../subnets/snet-servers` gives `snet-servers`). */
export function lastSegment(id: string): string {
    return id.slice(id.lastIndexOf("/") + 1);
}

/** The parent of an ARM child id (`.../virtualNetworks/vnet1/subnets/x` gives `.../virtualNetworks/vnet1`). */
export function armParent(id: string): string {
    const parts = id.split("/");
    return parts.slice(0, -2).join("/");
}
