/** kustomize and kubeconform from scripts/k8s-tools.sh (built once into a version-keyed cache). */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { K8S, REPO } from "./generate.js";

export interface K8sTools {
  kustomize: string;
  kubeconform: string;
  schemas: string;
}

let tools: K8sTools | undefined;

/** Builds the tools when missing (minutes, once); a failed build fails the test. */
export function k8sTools(): K8sTools {
  if (tools) return tools;
  const bin = execFileSync("bash", [join(REPO, "scripts/k8s-tools.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  tools = { kustomize: join(bin, "kustomize"), kubeconform: join(bin, "kubeconform"), schemas: join(bin, "schemas") };
  return tools;
}

export const OVERLAYS = readdirSync(join(K8S, "overlays")).sort();

export function render(overlay: string): string {
  return execFileSync(k8sTools().kustomize, ["build", join(K8S, "overlays", overlay)], { encoding: "utf8" });
}

export type Resource = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> } } & Record<string, unknown>;

export function resources(yamlText: string): Resource[] {
  return parseAllDocuments(yamlText).map((d) => d.toJS() as Resource);
}

export interface Validation {
  status: number | null;
  output: string;
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

/** kubeconform -strict against the offline schemas only (a missing schema is an error). */
export function kubeconform(manifests: string): Validation {
  const { kubeconform: bin, schemas } = k8sTools();
  const result = spawnSync(
    bin,
    ["-strict", "-summary", "-output", "json", "-schema-location", `${schemas}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`, "-"],
    { input: manifests, encoding: "utf8" },
  );
  const report = JSON.parse(result.stdout) as { summary: Validation["summary"] };
  return { status: result.status, output: `${result.stdout}${result.stderr}`, summary: report.summary };
}
