// What a lab's picture must show, read from the plan itself (the VirtualNetwork, NetworkInterface
// and ResourceGroup inputs), so the tests follow the labs when their defaults change.
import { expect } from "vitest";
import { selectLab } from "../../cli/commands/plan";
import { type LabPicture, drawLabs } from "../../cli/diagram";
import type { Plan, PlannedResource } from "../../cli/engine/plan";
import { input, planLab, planProject } from "../support";
import { type SvgText, readSvg, shows } from "./svg";

export interface Drawn {
    plan: Plan;
    pictures: LabPicture[];
    /** Each lab's SVG read as XML (throws while drawing if one is not well-formed). */
    svg: Record<string, SvgText>;
}

/** Plans once (the whole dev stack, or one lab with settings) and draws every lab once. */
export async function planAndDraw(lab?: string, overrides: Record<string, unknown> = {}): Promise<Drawn> {
    const plan = lab ? await planLab(lab, overrides) : await planProject(overrides);
    const pictures = await drawLabs(plan);
    return { plan, pictures, svg: Object.fromEntries(pictures.map((p) => [p.lab, readSvg(p.svg)])) };
}

export function labResources(plan: Plan, lab: string, type: string): PlannedResource[] {
    return selectLab(plan, lab).resources.filter((r) => r.type === type);
}

export function vnetsOf(plan: Plan, lab: string): Array<{ name: string; cidrs: string[] }> {
    return labResources(plan, lab, "azure-native:network:VirtualNetwork").map((v) => ({ name: input<string>(v, "virtualNetworkName"), cidrs: input<string[]>(v, "addressSpace.addressPrefixes") }));
}

export function privateIpsOf(plan: Plan, lab: string): string[] {
    return labResources(plan, lab, "azure-native:network:NetworkInterface").flatMap((nic) => input<Array<{ privateIPAddress: string }>>(nic, "ipConfigurations").map((c) => c.privateIPAddress));
}

export function resourceGroupsOf(plan: Plan, lab: string): string[] {
    return labResources(plan, lab, "azure-native:resources:ResourceGroup").map((rg) => input<string>(rg, "resourceGroupName"));
}

/** Every VNet's name and address spaces, every VM's private IP and every resource group's name are in the picture. */
export function expectNetworkShown(plan: Plan, lab: string, svg: SvgText): void {
    const missing: string[] = [];
    const want = (text: string) => {
        if (!shows(svg, text)) missing.push(text);
    };
    for (const vnet of vnetsOf(plan, lab)) {
        want(vnet.name);
        vnet.cidrs.forEach(want);
    }
    privateIpsOf(plan, lab).forEach(want);
    resourceGroupsOf(plan, lab).forEach(want);
    expect(missing, `${lab}: not in the picture`).toEqual([]);
}
