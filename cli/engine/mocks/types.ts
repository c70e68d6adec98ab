import type { Entropy } from "./ids";

export type Props = Record<string, unknown>;

/** What a cloud mock receives for one resource registration. Inputs are plain (secrets revealed). */
export interface NewResourceRequest {
    type: string;
    name: string;
    urn: string;
    inputs: Props;
    /** Inputs of the explicit provider resource, if the resource names one. */
    providerInputs?: Props;
    entropy: Entropy;
}

/** The resource's physical id and the outputs the cloud computes (merged over the inputs). */
export interface NewResourceResult {
    id: string;
    computed: Props;
    /** Input properties the cloud does not return (e.g. a VM's admin password). */
    dropped?: string[];
}

export interface CloudIdentity {
    subscriptionId: string;
    tenantId: string;
    azureLocation: string;
    awsAccountId: string;
    awsRegion: string;
    /** Object id of the signed-in principal (Azure CLI user or service principal). */
    principalObjectId: string;
    principalClientId: string;
}

export interface CloudMock {
    /** Returns undefined when the type is not this cloud's. */
    newResource(req: NewResourceRequest): NewResourceResult | undefined;
    /** Returns undefined when the function is not this cloud's. */
    call?(token: string, inputs: Props, providerInputs?: Props): Props | undefined;
}

export function str(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

export function lowerFirst(s: string): string {
    return s.charAt(0).toLowerCase() + s.slice(1);
}

/** `azure-native:network:VirtualNetwork` → { pkg: "azure-native", module: "network", name: "VirtualNetwork" }. */
export function parseToken(type: string): { pkg: string; module: string; name: string } {
    const [pkg, module = "", name = ""] = type.split(":");
    return { pkg, module: module.split("/")[0], name };
}
