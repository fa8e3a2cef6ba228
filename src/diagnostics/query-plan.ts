// Reads `EXPLAIN (FORMAT JSON)` and ranks its nodes by their own estimated cost: the node's cost minus
// its children's, times how often it runs (the inner side of a nested loop runs once per outer row),
// so the step that costs most comes first whatever its depth in the tree.
import { z } from 'zod';
import { shorten } from '../chat/message.js';
import { maskSecrets } from '../core/secrets.js';

export interface PlanNode {
  'Node Type': string;
  'Total Cost': number;
  'Startup Cost': number;
  'Plan Rows': number;
  'Relation Name'?: string | undefined;
  'Index Name'?: string | undefined;
  'Join Type'?: string | undefined;
  Filter?: string | undefined;
  'Index Cond'?: string | undefined;
  'Hash Cond'?: string | undefined;
  'Merge Cond'?: string | undefined;
  'Join Filter'?: string | undefined;
  'Sort Key'?: string[] | undefined;
  Plans?: PlanNode[] | undefined;
}

const planNode: z.ZodType<PlanNode> = z.lazy(() =>
  z.object({
    'Node Type': z.string(),
    'Total Cost': z.number(),
    'Startup Cost': z.number(),
    'Plan Rows': z.number(),
    'Relation Name': z.string().optional(),
    'Index Name': z.string().optional(),
    'Join Type': z.string().optional(),
    Filter: z.string().optional(),
    'Index Cond': z.string().optional(),
    'Hash Cond': z.string().optional(),
    'Merge Cond': z.string().optional(),
    'Join Filter': z.string().optional(),
    'Sort Key': z.array(z.string()).optional(),
    Plans: z.array(planNode).optional(),
  }),
);

/** The one row EXPLAIN (FORMAT JSON) returns: `[{ "Plan": … }]` in its "QUERY PLAN" column. */
const explainRow = z.object({ 'QUERY PLAN': z.tuple([z.object({ Plan: planNode })]) });

export interface RankedNode {
  /** "Seq Scan on reports", "Index Scan using reports_pkey on reports", "Hash Join". */
  step: string;
  /** The node's condition (filter, index or join condition, sort key), masked. */
  condition: string;
  /** Own cost, summed over the times it runs. */
  cost: number;
  /** Share of the plan's summed own costs, 0–100. */
  share: number;
  rows: number;
  node: PlanNode;
}

export interface QueryPlan {
  totalCost: number;
  /** Costliest first. */
  ranked: RankedNode[];
  /** The tree as EXPLAIN prints it, one line per node, indented. */
  tree: string[];
}

function stepOf(node: PlanNode): string {
  const join = node['Join Type'] && node['Join Type'] !== 'Inner' ? ` (${node['Join Type']})` : '';
  const index = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const relation = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
  return `${node['Node Type']}${join}${index}${relation}`;
}

function conditionOf(node: PlanNode): string {
  const named: Array<[string, string | undefined]> = [
    ['Index Cond', node['Index Cond']],
    ['Filter', node.Filter],
    ['Hash Cond', node['Hash Cond']],
    ['Merge Cond', node['Merge Cond']],
    ['Join Filter', node['Join Filter']],
    ['Sort Key', node['Sort Key']?.join(', ')],
  ];
  const [name, value] = named.find(([, v]) => v !== undefined) ?? ['', undefined];
  return value === undefined ? '' : shorten(`${name}: ${maskSecrets(value)}`, 70);
}

interface Visit {
  node: PlanNode;
  loops: number;
  depth: number;
}

/** Every node with how many times it runs per run of the query. */
function visit(node: PlanNode, loops: number, depth: number, out: Visit[]): void {
  out.push({ node, loops, depth });
  const children = node.Plans ?? [];
  children.forEach((child, i) => {
    const outerRows = Math.max(1, children[0]?.['Plan Rows'] ?? 1);
    const childLoops = node['Node Type'] === 'Nested Loop' && i === 1 ? loops * outerRows : loops;
    visit(child, childLoops, depth + 1, out);
  });
}

/** A node's own cost for one of its runs: its total minus what its children cost during that run. */
function ownCost({ node, loops }: Visit, visits: readonly Visit[]): number {
  const children = visits.filter((v) => (node.Plans ?? []).includes(v.node));
  const childCost = children.reduce((sum, c) => sum + c.node['Total Cost'] * (c.loops / loops), 0);
  return Math.max(0, node['Total Cost'] - childCost);
}

export function readQueryPlan(rows: readonly unknown[]): QueryPlan {
  const [row] = rows;
  const root = explainRow.parse(row)['QUERY PLAN'][0].Plan;
  const visits: Visit[] = [];
  visit(root, 1, 0, visits);
  const costs = visits.map((v) => ownCost(v, visits) * v.loops);
  const sum = costs.reduce((a, b) => a + b, 0) || 1;
  const ranked = visits
    .map((v, i) => ({
      step: stepOf(v.node),
      condition: conditionOf(v.node),
      cost: costs[i] ?? 0,
      share: (100 * (costs[i] ?? 0)) / sum,
      rows: v.node['Plan Rows'],
      node: v.node,
    }))
    .sort((a, b) => b.cost - a.cost);
  const tree = visits.map(
    (v) =>
      `${'  '.repeat(v.depth)}${v.depth > 0 ? '-> ' : ''}${stepOf(v.node)}  (cost=${v.node['Startup Cost'].toFixed(2)}..${v.node['Total Cost'].toFixed(2)} rows=${v.node['Plan Rows']})`,
  );
  return { totalCost: root['Total Cost'], ranked, tree };
}
