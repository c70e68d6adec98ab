// What the lab-wide hygiene checks expect of the DNS lab.
import type { LabExpectations } from "../hygiene";

export const DNS_LAB: LabExpectations = {
    lab: "dns-lab",
    resourceGroups: ["rg-dns-lab-dev"],
    secretOutputs: ["dns-lab.adminPassword"],
    plainOutputs: ["dns-lab.vms"],
    publicIps: /^pip-ng-dns-vnet\d$/,
    imageOf: () => ({ publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2025-datacenter-azure-edition", version: "latest" }),
};
