// The Pulumi program: the labs named in config `labs`, each exported as one stack output.
import { runLabs } from "./stacks";

export = runLabs();
