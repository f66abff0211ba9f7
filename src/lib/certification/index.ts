/**
 * The project's one HTTP response-certification library (HTTP Gateway Protocol, response
 * verification version 2) and the IC hash tree it builds on. No azle import: it runs in Node, the
 * browser and an Azle canister. See http.ts for how a canister uses it.
 */
export { encodeCbor, encodeSelfDescribedCbor, SELF_DESCRIBE_TAG, type CborValue } from './cbor.ts';
export {
  compareLabels,
  empty,
  encodeHashTree,
  fork,
  labeled,
  leaf,
  lookupSubtree,
  pruned,
  reconstruct,
  type HashTree,
  type LookupResult,
} from './hash-tree.ts';
export { LabeledTree, type Label, type WitnessPath } from './labeled-tree.ts';
export {
  certificateExpression,
  certificateHeader,
  CertificationError,
  certifiedResponseHeaders,
  EXACT_TERMINATOR,
  exactPath,
  EXPR_PATH_PREFIX,
  expressionHash,
  exprPath,
  HttpCertificationTree,
  IC_CERTIFICATE_EXPRESSION_HEADER,
  IC_CERTIFICATE_HEADER,
  leb128,
  representationIndependentHash,
  requestHash,
  requestPathSegments,
  responseHash,
  splitUrl,
  WILDCARD_TERMINATOR,
  wildcardPath,
  type CertificationExpression,
  type CertificationPath,
  type CertifiedEntry,
  type HeaderField,
  type HttpRequestParts,
  type HttpResponseParts,
  type RepresentationValue,
} from './http.ts';
