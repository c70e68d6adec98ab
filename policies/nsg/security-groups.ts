// AWS security groups, read with the NSG engine's idea of the Internet: every ingress rule of a
// SecurityGroup, and standalone SecurityGroupRule and vpc.SecurityGroupIngressRule resources, in
// all their spellings (protocol "-1" or "all" for every protocol and port, IPv4 and IPv6 ranges).
import { type Finding, resourcePolicy } from "../lib/policy";
import { type Props, asObject, asString, knownItems, knownStrings, whenKnown } from "../lib/values";
import { isInternetSource } from "./engine";

interface Ingress {
    name: string;
    /** Lower case: "-1" (all), "tcp", "udp", "icmp", or a protocol number. */
    protocol: string;
    from: number;
    to: number;
    sources: string[];
}

const TYPES = ["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroupRule:SecurityGroupRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"];

function port(value: unknown, fallback: number): number {
    return typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : fallback;
}

/** The ingress rules a resource holds; rules with unknown values are left out. */
function ingressOf(type: string, props: Props): Ingress[] {
    const normalise = (r: Props, name: string): Ingress => {
        const protocol = String(r.protocol ?? r.ipProtocol ?? "-1").toLowerCase();
        return {
            name,
            protocol: protocol === "all" || protocol === "-1" ? "-1" : protocol === "6" ? "tcp" : protocol === "17" ? "udp" : protocol,
            from: port(r.fromPort, 0),
            to: port(r.toPort, 65535),
            sources: [...knownStrings(() => r.cidrBlocks), ...knownStrings(() => r.ipv6CidrBlocks), ...knownStrings(() => r.cidrIpv4), ...knownStrings(() => r.cidrIpv6)],
        };
    };
    if (type === TYPES[0]) return knownItems(() => props.ingress).flatMap((r, i) => whenKnown(() => normalise(asObject(r) ?? {}, `ingress #${i + 1}`)) ?? []);
    if (type === TYPES[1] && asString(whenKnown(() => props.type)) !== "ingress") return [];
    return [whenKnown(() => normalise(props, "rule"))].filter((r): r is Ingress => r !== undefined);
}

const MANAGEMENT = [
    { port: 22, service: "SSH" },
    { port: 3389, service: "RDP" },
    { port: 5985, service: "WinRM" },
    { port: 5986, service: "WinRM over HTTPS" },
];

const allPorts = (r: Ingress) => r.protocol === "-1" || ((r.protocol === "tcp" || r.protocol === "udp") && r.from <= 0 && r.to >= 65535);
const describe = (r: Ingress) => `${r.name} allows ${r.protocol === "-1" ? "every protocol" : r.protocol.toUpperCase()}${r.protocol === "-1" ? "" : ` ${r.from}-${r.to}`} from ${r.sources.filter(isInternetSource).join(", ")}`;

export const sgNoInternetManagementPorts = resourcePolicy(
    {
        name: "sg-no-internet-management-ports",
        family: "nsg",
        description: "No AWS security group lets SSH, RDP or WinRM in from the Internet.",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Set the rule's cidrBlocks to the network you administer from, or reach instances through SSM Session Manager.",
        refs: { cisAws: "5.2", checkov: ["CKV_AWS_24", "CKV_AWS_25"], kics: ["security_group_with_unrestricted_access_to_ssh"] },
    },
    TYPES,
    (props, args): Finding[] =>
        ingressOf(args.type, props)
            .filter((r) => r.sources.some(isInternetSource) && !allPorts(r) && (r.protocol === "tcp" || r.protocol === "udp"))
            .flatMap((r) => {
                const services = MANAGEMENT.filter((m) => m.port >= r.from && m.port <= r.to).map((m) => `${m.service} ${m.port}`);
                return services.length ? [{ finding: `Rule::${r.name}`, message: `${describe(r)} (${services.join(", ")})` }] : [];
            }),
);

export const sgNoInternetAllPorts = resourcePolicy(
    {
        name: "sg-no-internet-all-ports",
        family: "nsg",
        description: "No AWS security group lets every port or protocol in from the Internet.",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Allow only the ports the service needs, from the sources that need them.",
    },
    TYPES,
    (props, args) => ingressOf(args.type, props).filter((r) => r.sources.some(isInternetSource) && allPorts(r)).map((r) => ({ finding: `Rule::${r.name}`, message: describe(r) })),
);

export const SECURITY_GROUP_POLICIES = [sgNoInternetManagementPorts, sgNoInternetAllPorts];
