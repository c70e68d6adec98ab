// A picture per lab, from a plan: the plan's resources → a diagram model (one reader per
// concern) → DOT → SVG. Nothing here calls a cloud or a Graphviz binary.
import { selectLab } from "../commands/plan";
import type { Plan } from "../engine/plan";
import { drawAzureNetwork } from "./azure-network";
import { drawCollector } from "./collector";
import { drawDns } from "./dns";
import { toDot } from "./dot";
import { type Diagram, DiagramBuilder } from "./model";
import { renderSvg } from "./render";
import { drawForests, serverRoles } from "./roles";
import { LabSource, text } from "./source";

export interface LabPicture {
    lab: string;
    /** The SVG document, UTF-8 text. */
    svg: string;
    /** The DOT it was drawn from (for debugging a layout with other Graphviz tools). */
    dot: string;
    /** Graphviz warnings, if any (the picture was still drawn). */
    warnings: string[];
}

/** The labs of a plan: the components directly under the stack, in the order the program made them. */
export function labsOf(plan: Plan): string[] {
    const stack = plan.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    if (!stack) return [];
    return plan.resources.filter((r) => r.parent === stack.urn && !r.custom).map((r) => r.name);
}

/** The diagram model of one lab (throws a UserError naming the labs if there is no such lab). */
export function diagramOf(plan: Plan, lab: string): Diagram {
    const { resources, outputs } = selectLab(plan, lab);
    const source = new LabSource(lab, resources, outputs[lab] ?? null);
    const pattern = text(source.outputs, "pattern");
    // Data flows read left to right, networks top to bottom (home lab above, as in the posts).
    const direction = source.ofType("aws:lambda/function:Function").length > 0 ? "LR" : "TB";
    const builder = new DiagramBuilder(`${lab}, stack ${plan.stack}${pattern ? `, ${pattern}` : ""}`, direction);
    const net = drawAzureNetwork(builder, source, serverRoles(source));
    drawDns(builder, source, net);
    drawForests(builder, source, net);
    drawCollector(builder, source);
    return builder.build();
}

/**
 * Draws each lab of the plan (or only `labs`) as SVG. This is the function other commands call
 * (e.g. `labs plan` pointing at the pictures); it writes nothing to disk.
 */
export async function drawLabs(plan: Plan, labs?: string[]): Promise<LabPicture[]> {
    const pictures: LabPicture[] = [];
    for (const lab of labs ?? labsOf(plan)) {
        const dot = toDot(diagramOf(plan, lab));
        const { svg, warnings } = await renderSvg(dot);
        pictures.push({ lab, svg, dot, warnings });
    }
    return pictures;
}
