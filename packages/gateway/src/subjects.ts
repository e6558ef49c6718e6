// NATS subjects of the gateway: daqdata.<node>.<module>.<product>. A subject token may not hold
// '.', '*', '>' or white space, and a node's name is 'host:port' (127.0.0.2:50051), so the node
// token is the name with every other character than [A-Za-z0-9_-] written as '_'. The exact
// name travels in a header (image-headers.ts); the token only routes and filters.
import { isDataProduct, type DataProduct } from '@daqdata/core';

export const SUBJECT_ROOT = 'daqdata';

/** The subject token of a node name ('127.0.0.2:50051' -> '127_0_0_2_50051'). */
export function nodeToken(nodeName: string): string {
  const token = nodeName.replace(/[^A-Za-z0-9_-]/g, '_');
  return token === '' ? '_' : token;
}

export function imageSubject(nodeName: string, moduleId: number, product: DataProduct): string {
  return `${SUBJECT_ROOT}.${nodeToken(nodeName)}.${moduleId}.${product}`;
}

export interface SubjectParts {
  nodeToken: string;
  moduleId: number;
  product: DataProduct;
}

/** The parts of an image subject, or null when `subject` is not one. */
export function parseImageSubject(subject: string): SubjectParts | null {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== SUBJECT_ROOT) return null;
  const [, node, module, product] = parts as [string, string, string, string];
  if (!/^\d{1,10}$/.test(module) || !isDataProduct(product)) return null;
  const moduleId = Number(module);
  if (moduleId > 0xffffffff) return null;
  return { nodeToken: node, moduleId, product };
}

export interface ImageFilter {
  /** Node names (as in daq_config / the Daq-Node header); omitted or empty: every node. */
  nodes?: readonly string[] | undefined;
  modules?: readonly number[] | undefined;
  products?: readonly DataProduct[] | undefined;
}

/**
 * The narrowest single subject that covers `filter` on a stream of `products` (NATS 2.9
 * consumers take one filter subject, and it must be a subset of one of the stream's subjects or
 * cover them all): with one product, a part with exactly one value is that token, otherwise
 * '*'; with several products, every subject. The rest of the filter is applied to each message
 * by `matchesFilter`.
 */
export function filterSubject(filter: ImageFilter, products: readonly DataProduct[]): string {
  const wanted = filter.products && filter.products.length ? products.filter((p) => filter.products!.includes(p)) : products;
  if (wanted.length !== 1) return `${SUBJECT_ROOT}.*.*.*`;
  const one = <T>(values: readonly T[] | undefined, token: (v: T) => string) => (values && values.length === 1 ? token(values[0]!) : '*');
  return `${SUBJECT_ROOT}.${one(filter.nodes, nodeToken)}.${one(filter.modules, String)}.${wanted[0]}`;
}

export function matchesFilter(filter: ImageFilter, parts: SubjectParts): boolean {
  if (filter.nodes?.length && !filter.nodes.some((n) => nodeToken(n) === parts.nodeToken)) return false;
  if (filter.modules?.length && !filter.modules.includes(parts.moduleId)) return false;
  if (filter.products?.length && !filter.products.includes(parts.product)) return false;
  return true;
}
