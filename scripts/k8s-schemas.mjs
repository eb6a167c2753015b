// Writes strict JSON schemas for kubeconform, offline: Kubernetes kinds from the
// OpenAPI v2 document that the k8s.io/kubernetes Go module carries
// (api/openapi-spec/swagger.json), and CRD kinds from CustomResourceDefinition YAML
// (Prometheus Operator, Argo Rollouts Go modules). Layout: <out>/<group>/<kind>_<version>.json,
// read by kubeconform -schema-location '<out>/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'.
// "Strict": objects with declared properties get additionalProperties: false, so an
// unknown or misspelt field fails validation.
//
// Usage: node scripts/k8s-schemas.mjs <out> <swagger.json> <crd.yaml | crd dir>...
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const [out, swaggerPath, ...crdPaths] = process.argv.slice(2);
if (!out || !swaggerPath) {
  console.error("usage: k8s-schemas.mjs <out> <swagger.json> <crd yaml or dir>...");
  process.exit(2);
}

const INT_OR_STRING = { oneOf: [{ type: "string" }, { type: "integer" }] };
const QUANTITY = { oneOf: [{ type: "string" }, { type: "number" }] };

/** Adds additionalProperties: false to closed objects, recursively; maps k8s extensions. */
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== "object") return schema;
  if (schema["x-kubernetes-int-or-string"] === true || schema.format === "int-or-string") {
    const { type: _type, format: _format, ...rest } = schema;
    return { ...rest, ...INT_OR_STRING };
  }
  const result = {};
  for (const [key, value] of Object.entries(schema)) {
    // Keys of these maps are field names, not keywords.
    if (key === "properties" || key === "definitions" || key === "patternProperties") {
      result[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]));
    } else if (key === "enum" || key === "default" || key === "example") {
      result[key] = value;
    } else {
      result[key] = strict(value);
    }
  }
  if (result.nullable === true && typeof result.type === "string") result.type = [result.type, "null"];
  const open = result["x-kubernetes-preserve-unknown-fields"] === true;
  if (result.properties && result.additionalProperties === undefined && !open) result.additionalProperties = false;
  return result;
}

function write(group, kind, version, schema) {
  // kubeconform's {{ .Group }} of a core kind (apiVersion "v1") is "v1".
  const dir = join(out, group || version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${kind.toLowerCase()}_${version}.json`), JSON.stringify(schema));
}

// Kubernetes kinds: each with the definitions it reaches, refs kept local (#/definitions/...).
const swagger = JSON.parse(readFileSync(swaggerPath, "utf8"));
const definitions = swagger.definitions;
definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = INT_OR_STRING;
definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"] = QUANTITY;
const refName = (ref) => ref.replace("#/definitions/", "");
function reachable(name, seen) {
  if (seen.has(name)) return;
  seen.add(name);
  const visit = (node) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") {
      if (typeof node.$ref === "string") reachable(refName(node.$ref), seen);
      Object.values(node).forEach(visit);
    }
  };
  visit(definitions[name]);
}
let kinds = 0;
for (const [name, definition] of Object.entries(definitions)) {
  for (const gvk of definition["x-kubernetes-group-version-kind"] ?? []) {
    // Only the kind's own definition (not the shared ones, e.g. DeleteOptions lists many).
    if (!name.endsWith(`.${gvk.kind}`)) continue;
    const seen = new Set();
    reachable(name, seen);
    seen.delete(name);
    const defs = Object.fromEntries([...seen].map((n) => [n, strict(definitions[n])]));
    write(gvk.group, gvk.kind, gvk.version, { ...strict(definition), definitions: defs });
    kinds++;
  }
}

// CRD kinds.
const crdFiles = crdPaths.flatMap((path) =>
  statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => /\.ya?ml$/.test(f) && f !== "kustomization.yaml")
        .map((f) => join(path, f))
    : [path],
);
for (const file of crdFiles) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    const crd = doc.toJS();
    if (crd?.kind !== "CustomResourceDefinition") continue;
    for (const version of crd.spec.versions) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) continue;
      write(crd.spec.group, crd.spec.names.kind, version.name, strict(schema));
      kinds++;
    }
  }
}
console.error(`wrote ${kinds} schemas to ${out}`);
