// The clouds, imitated: one place that answers "what would Azure/AWS/Entra return for
// this resource or function call". Everything a mock does not compute echoes the inputs.
import { AwsMock } from "./aws";
import { AzureMock } from "./azure";
import { AzureAdMock } from "./azuread";
import { Entropy } from "./ids";
import { RandomMock } from "./random";
import type { CloudIdentity, CloudMock, NewResourceResult, Props } from "./types";

export type { CloudIdentity, Props } from "./types";

/** Which file answers each provider package's functions. */
const MOCK_FILES: Record<string, string> = { aws: "aws.ts", "azure-native": "azure.ts", azuread: "azuread.ts", random: "random.ts" };

export class CloudSimulator {
    readonly identity: CloudIdentity;
    private readonly clouds: CloudMock[];

    constructor(config: Record<string, string>, seed: string, now = new Date()) {
        const entropy = new Entropy(`identity|${seed}`);
        this.identity = {
            subscriptionId: config["azure-native:subscriptionId"] ?? entropy.guid("subscription"),
            tenantId: config["azure-native:tenantId"] ?? config["azuread:tenantId"] ?? entropy.guid("tenant"),
            azureLocation: config["azure-native:location"] ?? "eastus",
            awsAccountId: "123456789012",
            awsRegion: config["aws:region"] ?? "us-east-1",
            principalObjectId: entropy.guid("principal-object"),
            principalClientId: entropy.guid("principal-client"),
        };
        this.clouds = [new AzureMock(this.identity), new AwsMock(this.identity), new AzureAdMock(this.identity), new RandomMock(now)];
    }

    newResource(type: string, name: string, urn: string, inputs: Props, providerInputs?: Props): NewResourceResult {
        const entropy = new Entropy(urn);
        if (type.startsWith("pulumi:providers:")) {
            return { id: entropy.guid("provider"), computed: {} };
        }
        for (const cloud of this.clouds) {
            const result = cloud.newResource({ type, name, urn, inputs, providerInputs, entropy });
            if (result) return result;
        }
        return { id: `${name}-${entropy.hex("id", 8)}`, computed: {} };
    }

    /** Answers a function (invoke); `providerInputs` are those of the provider the call names, if any. */
    call(token: string, inputs: Props, providerInputs?: Props): Props {
        for (const cloud of this.clouds) {
            const result = cloud.call?.(token, inputs, providerInputs);
            if (result) return result;
        }
        const pkg = token.split(":")[0];
        throw new Error(
            `the offline engine has no answer for the function ${token}, so what the program built from its result is missing; ` +
                `it answers the data sources README.md lists under "The offline engine" (add one in cli/engine/mocks/${MOCK_FILES[pkg] ?? "<cloud>.ts"})`,
        );
    }
}
