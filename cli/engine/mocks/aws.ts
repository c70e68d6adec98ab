// Imitates AWS for @pulumi/aws resources: ARNs with the account and the provider's region,
// Pulumi's `<name>-<7 hex>` auto-names, and the computed attributes programs read.
import { getPolicy, getPolicyDocument } from "./aws-iam-documents";
import { DIGITS, UPPER } from "./ids";
import { type CloudIdentity, type CloudMock, type NewResourceRequest, type NewResourceResult, type Props, parseToken, str } from "./types";

interface ArnShape {
    service: string;
    /** Builds the resource part of the ARN from the resource's name. */
    resource: (name: string, inputs: Props) => string;
    /** IAM and S3 ARNs carry no region (S3 no account either). */
    global?: "iam" | "s3";
    /** The input property holding the name, and how auto-names look. */
    nameProperty?: string;
    lowercase?: boolean;
}

const ARNS: Record<string, ArnShape> = {
    "iam/role:Role": { service: "iam", global: "iam", resource: (n, i) => `role${String(i.path ?? "/")}${n}` },
    "iam/policy:Policy": { service: "iam", global: "iam", resource: (n, i) => `policy${String(i.path ?? "/")}${n}` },
    "iam/user:User": { service: "iam", global: "iam", resource: (n, i) => `user${String(i.path ?? "/")}${n}` },
    "iam/group:Group": { service: "iam", global: "iam", resource: (n, i) => `group${String(i.path ?? "/")}${n}` },
    "iam/instanceProfile:InstanceProfile": { service: "iam", global: "iam", resource: (n) => `instance-profile/${n}` },
    "iam/openIdConnectProvider:OpenIdConnectProvider": {
        service: "iam",
        global: "iam",
        resource: (_n, i) => `oidc-provider/${String(i.url ?? "").replace(/^https:\/\//, "")}`,
    },
    "s3/bucket:Bucket": { service: "s3", global: "s3", nameProperty: "bucket", lowercase: true, resource: (n) => n },
    "s3/bucketV2:BucketV2": { service: "s3", global: "s3", nameProperty: "bucket", lowercase: true, resource: (n) => n },
    "kms/alias:Alias": { service: "kms", resource: (n) => n },
    "lambda/function:Function": { service: "lambda", resource: (n) => `function:${n}` },
    "sqs/queue:Queue": { service: "sqs", resource: (n) => n },
    "sns/topic:Topic": { service: "sns", resource: (n) => n },
    "cloudwatch/logGroup:LogGroup": { service: "logs", resource: (n) => `log-group:${n}` },
    "cloudwatch/eventRule:EventRule": { service: "events", resource: (n) => `rule/${n}` },
    "cloudwatch/metricAlarm:MetricAlarm": { service: "cloudwatch", resource: (n) => `alarm:${n}`, nameProperty: "name" },
    "cloudtrail/trail:Trail": { service: "cloudtrail", resource: (n) => `trail/${n}` },
    "ssm/parameter:Parameter": { service: "ssm", resource: (n) => `parameter/${n.replace(/^\//, "")}` },
    "glue/catalogDatabase:CatalogDatabase": { service: "glue", resource: (n) => `database/${n}`, lowercase: true },
    "glue/catalogTable:CatalogTable": { service: "glue", resource: (n, i) => `table/${String(i.databaseName ?? "db")}/${n}`, lowercase: true },
    "athena/workgroup:Workgroup": { service: "athena", resource: (n) => `workgroup/${n}` },
    "scheduler/schedule:Schedule": { service: "scheduler", resource: (n, i) => `schedule/${String(i.groupName ?? "default")}/${n}` },
};

export class AwsMock implements CloudMock {
    constructor(private readonly identity: CloudIdentity) {}

    newResource(req: NewResourceRequest): NewResourceResult | undefined {
        const { pkg } = parseToken(req.type);
        if (pkg !== "aws") return undefined;
        const key = req.type.slice("aws:".length);
        const inputs = req.inputs;
        const region = str(req.providerInputs?.region) ?? this.identity.awsRegion;
        const account = this.identity.awsAccountId;
        const e = req.entropy;

        switch (key) {
            case "kms/key:Key": {
                const keyId = e.guid("keyId");
                return { id: keyId, computed: { keyId, arn: `arn:aws:kms:${region}:${account}:key/${keyId}` } };
            }
            case "iam/accessKey:AccessKey": {
                const id = `AKIA${e.pick("akid", UPPER + DIGITS, 16)}`;
                return { id, computed: { id, secret: e.pick("secret", UPPER + DIGITS + "abcdefghijklmnopqrstuvwxyz/+", 40), status: inputs.status ?? "Active" } };
            }
            case "iam/rolePolicy:RolePolicy":
            case "iam/userPolicy:UserPolicy": {
                const name = str(inputs.name) ?? autoName(req, false);
                const owner = str(inputs.role) ?? str(inputs.user) ?? "unknown";
                return { id: `${owner}:${name}`, computed: { name } };
            }
            case "iam/rolePolicyAttachment:RolePolicyAttachment":
            case "iam/userPolicyAttachment:UserPolicyAttachment":
                return { id: `${str(inputs.role) ?? str(inputs.user) ?? "unknown"}-${e.hex("attach", 8)}`, computed: {} };
        }

        const shape = ARNS[key];
        const nameProperty = shape?.nameProperty ?? "name";
        // A `namePrefix` (S3: `bucketPrefix`) gets the provider's unique suffix, as Terraform's
        // id.PrefixedUniqueId makes it: 26 characters, a timestamp and a counter (hence the
        // provider's rule that a bucket prefix is at most 37 characters: 63 - 26).
        const prefix = str(inputs.namePrefix) ?? (key.startsWith("s3/bucket") ? str(inputs.bucketPrefix) : undefined);
        if (key.startsWith("s3/bucket") && prefix !== undefined && prefix.length > 37) {
            // The provider's schema check (validation.StringLenBetween(0, 63 - id.UniqueIDSuffixLength)), before any call to AWS.
            throw new Error(`aws:${key} ${req.name}: expected length of bucket_prefix to be in the range (0 - 37), got ${prefix}`);
        }
        const name = str(inputs[nameProperty]) ?? (prefix !== undefined ? `${prefix}${uniqueIdSuffix(req)}` : autoName(req, shape?.lowercase ?? false));
        const computed: Props = { [nameProperty]: name };
        let arn: string;
        if (shape) {
            const resource = shape.resource(name, inputs);
            arn =
                shape.global === "s3"
                    ? `arn:aws:s3:::${resource}`
                    : shape.global === "iam"
                      ? `arn:aws:iam::${account}:${resource}`
                      : `arn:aws:${shape.service}:${region}:${account}:${resource}`;
        } else {
            const { module, name: typeName } = parseToken(req.type);
            arn = `arn:aws:${module}:${region}:${account}:${typeName.toLowerCase()}/${name}`;
        }
        computed.arn = arn;
        let id = name;
        switch (key) {
            case "iam/role:Role":
            case "iam/user:User":
                computed.uniqueId = `${key.startsWith("iam/role") ? "AROA" : "AIDA"}${e.pick("uid", UPPER + DIGITS, 17)}`;
                break;
            case "iam/policy:Policy":
                id = arn;
                computed.policyId = `ANPA${e.pick("pid", UPPER + DIGITS, 17)}`;
                break;
            case "s3/bucket:Bucket":
            case "s3/bucketV2:BucketV2":
                computed.bucketDomainName = `${name}.s3.amazonaws.com`;
                computed.bucketRegionalDomainName = `${name}.s3.${region}.amazonaws.com`;
                computed.region = region;
                break;
            case "lambda/function:Function":
                computed.invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
                computed.qualifiedArn = `${arn}:$LATEST`;
                computed.version = "$LATEST";
                break;
            case "sqs/queue:Queue":
                id = `https://sqs.${region}.amazonaws.com/${account}/${name}`;
                computed.url = id;
                break;
            case "sns/topic:Topic":
            case "cloudwatch/logGroup:LogGroup":
                id = key.startsWith("sns") ? arn : name;
                break;
        }
        computed.id = id;
        return { id, computed };
    }

    call(token: string, inputs: Props, providerInputs?: Props): Props | undefined {
        const providerRegion = str(providerInputs?.region) ?? this.identity.awsRegion;
        switch (token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    accountId: this.identity.awsAccountId,
                    arn: `arn:aws:iam::${this.identity.awsAccountId}:user/lab-operator`,
                    userId: "AIDAOFFLINEENGINE0000",
                    id: this.identity.awsAccountId,
                };
            case "aws:index/getRegion:getRegion": {
                const name = str(inputs.region) ?? str(inputs.name) ?? providerRegion;
                return { name, id: name, region: name, endpoint: `ec2.${name}.amazonaws.com`, description: name };
            }
            case "aws:iam/getSessionContext:getSessionContext": {
                // An assumed-role session's issuer is its role; any other principal is its own issuer.
                const arn = str(inputs.arn) ?? "";
                const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
                return session
                    ? { arn, id: arn, issuerArn: `arn:aws:iam::${session[1]}:role/${session[2]}`, issuerId: "AROAOFFLINEENGINE000", issuerName: session[2], sessionName: session[3] }
                    : { arn, id: arn, issuerArn: arn, issuerId: "", issuerName: "", sessionName: "" };
            }
            case "aws:iam/getPolicyDocument:getPolicyDocument":
                return getPolicyDocument(inputs);
            case "aws:iam/getPolicy:getPolicy":
                return getPolicy(inputs);
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return availabilityZones(str(inputs.region) ?? providerRegion, inputs);
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        }
        return undefined;
    }
}

/**
 * The region's Availability Zones, as getAvailabilityZones lists them: names `<region><letter>`,
 * zone ids `<short region>-az<n>` (use1-az1), one zone group named after the region. Counts are the
 * public ones (us-east-1 has six, us-west-2 four, most regions three); the letter-to-id mapping is
 * per account in AWS, so programs must not rely on it (docs.aws.amazon.com, AZ IDs).
 */
function availabilityZones(region: string, inputs: Props): Props {
    const count = region === "us-east-1" ? 6 : region === "us-west-2" ? 4 : 3;
    const [geo = "", direction = "", number = ""] = region.split("-");
    const short = `${geo}${direction.replace(/north|south|east|west|central/g, (d) => d[0])}${number}`;
    let zones = Array.from({ length: count }, (_, i) => ({ name: `${region}${"abcdef"[i]}`, zoneId: `${short}-az${i + 1}` }));
    const excludeNames = Array.isArray(inputs.excludeNames) ? inputs.excludeNames.map(String) : [];
    const excludeZoneIds = Array.isArray(inputs.excludeZoneIds) ? inputs.excludeZoneIds.map(String) : [];
    zones = zones.filter((z) => !excludeNames.includes(z.name) && !excludeZoneIds.includes(z.zoneId));
    return { id: region, names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId), groupNames: [region], state: str(inputs.state) ?? null };
}

/** 18 digits of a UTC timestamp and 8 hex digits of a counter: Terraform's 26-character unique id suffix. */
function uniqueIdSuffix(req: NewResourceRequest): string {
    const digits = req.entropy.pick("unique-id-time", DIGITS, 4);
    return `20261204${"1200"}${digits}00${req.entropy.hex("unique-id-counter", 8)}`;
}

function autoName(req: NewResourceRequest, lowercase: boolean): string {
    const base = lowercase ? req.name.toLowerCase() : req.name;
    return `${base}-${req.entropy.hex("autoname", 7)}`;
}
