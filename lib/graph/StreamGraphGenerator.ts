import { OutputTag } from '../core/OutputTag';
import { computeDefaultMaxParallelism, checkParallelism } from '../partitioners/keyGroups';
import { ForwardPartitioner } from '../partitioners/ForwardPartitioner';
import { RebalancePartitioner } from '../partitioners/RebalancePartitioner';
import { StreamPartitioner } from '../partitioners/StreamPartitioner';
import { checkEventTimeInputs } from './EventTimeInputCheck';
import { StreamEdge, StreamGraph, StreamNode } from './StreamGraph';
import { PhysicalTransformation, Transformation } from './Transformation';

export interface StreamGraphSettings {
  readonly jobName: string;
  readonly defaultParallelism: number;
  readonly maxParallelism: number | undefined;
  readonly chainingEnabled: boolean;
}

/** A physical node reached through virtual steps (partitioning, union, side output). */
interface ResolvedInput {
  readonly nodeId: number;
  readonly partitioner: StreamPartitioner<unknown> | undefined;
  readonly outputTag: OutputTag<unknown> | undefined;
}

/**
 * Turns the declared transformations into a StreamGraph: parallelism resolved, virtual steps
 * folded into edges, and edges without an explicit partitioner made FORWARD (same parallelism)
 * or REBALANCE (different parallelism), as Flink does.
 */
export function generateStreamGraph(transformations: readonly Transformation[], settings: StreamGraphSettings): StreamGraph {
  checkEventTimeInputs(transformations);
  const nodes = new Map<number, StreamNode>();
  const resolved = new Map<number, ResolvedInput[]>();

  const resolve = (t: Transformation): ResolvedInput[] => {
    const done = resolved.get(t.id);
    if (done) return done;
    let result: ResolvedInput[];
    switch (t.kind) {
      case 'source':
      case 'oneInput':
      case 'twoInput':
      case 'sink':
        addNode(t);
        result = [{ nodeId: t.id, partitioner: undefined, outputTag: undefined }];
        break;
      case 'partition':
        result = resolve(t.input).map((r) => ({ ...r, partitioner: t.partitioner }));
        break;
      case 'union':
        result = t.inputs.flatMap(resolve);
        break;
      case 'sideOutput':
        result = resolve(t.input).map((r) => ({ ...r, outputTag: t.tag }));
        break;
    }
    resolved.set(t.id, result);
    return result;
  };

  const addNode = (t: PhysicalTransformation): void => {
    const inputs: Array<ResolvedInput & { typeNumber: number }> =
      t.kind === 'source'
        ? []
        : t.kind === 'twoInput'
          ? [...resolve(t.input1).map((r) => ({ ...r, typeNumber: 1 })), ...resolve(t.input2).map((r) => ({ ...r, typeNumber: 2 }))]
          : resolve(t.input).map((r) => ({ ...r, typeNumber: 0 }));
    const s = t.settings;
    let parallelism = s.parallelism ?? settings.defaultParallelism;
    if (t.kind === 'source' && t.source.maxSourceParallelism !== undefined) {
      if (s.parallelism !== undefined && s.parallelism > t.source.maxSourceParallelism) {
        throw new Error(`The parallelism of non parallel source '${s.name}' must be at most ${t.source.maxSourceParallelism}, got ${s.parallelism}`);
      }
      parallelism = Math.min(parallelism, t.source.maxSourceParallelism);
    }
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw new RangeError(`parallelism of '${s.name}' must be a positive integer, got ${parallelism}`);
    }
    const maxParallelism = s.maxParallelism ?? settings.maxParallelism ?? computeDefaultMaxParallelism(parallelism);
    checkParallelism(maxParallelism, parallelism);
    // Flink prefixes source and sink names: "Source: Socket Stream", "Sink: Print to Std. Out".
    const name = t.kind === 'source' ? `Source: ${s.name}` : t.kind === 'sink' ? `Sink: ${s.name}` : s.name;
    const node: StreamNode = {
      id: t.id,
      name,
      kind: t.kind === 'source' ? 'source' : t.kind === 'sink' ? 'sink' : 'operator',
      parallelism,
      maxParallelism,
      uid: s.uid,
      chainingStrategy: s.chainingStrategy,
      slotSharingGroup: s.slotSharingGroup,
      keyed: (t.kind === 'oneInput' || t.kind === 'twoInput') && t.keyed,
      source: t.kind === 'source' ? t.source : undefined,
      watermarkStrategy: t.kind === 'source' ? t.watermarkStrategy : undefined,
      operatorFactory: t.kind === 'source' ? undefined : t.operatorFactory,
      sink: t.kind === 'sink' ? t.sink : undefined,
      inEdges: [],
      outEdges: [],
    };
    nodes.set(node.id, node);
    inputs.forEach((input) => connect(input, node));
  };

  const connect = (input: ResolvedInput & { typeNumber: number }, target: StreamNode): void => {
    const upstream = nodes.get(input.nodeId)!;
    let partitioner = input.partitioner?.copy();
    if (!partitioner) {
      partitioner = upstream.parallelism === target.parallelism ? new ForwardPartitioner<unknown>() : new RebalancePartitioner<unknown>();
    } else if (partitioner.shipStrategy === 'FORWARD' && upstream.parallelism !== target.parallelism) {
      throw new Error(
        `Forward partitioning does not allow change of parallelism. Upstream operation: ${upstream.name} ` +
          `parallelism: ${upstream.parallelism}, downstream operation: ${target.name} parallelism: ${target.parallelism}. ` +
          'Use another partitioning strategy, such as rebalance, shuffle, broadcast or global.',
      );
    }
    partitioner.configure?.(target.maxParallelism);
    const edge: StreamEdge = {
      id: `${upstream.id}_${target.id}_${upstream.outEdges.length}`,
      sourceId: upstream.id,
      targetId: target.id,
      partitioner,
      outputTag: input.outputTag,
      typeNumber: input.typeNumber,
    };
    upstream.outEdges.push(edge);
    target.inEdges.push(edge);
  };

  [...transformations].sort((a, b) => a.id - b.id).forEach(resolve);
  if (nodes.size === 0) throw new Error('No operators defined in streaming topology. Cannot execute.');
  return { jobName: settings.jobName, nodes, chainingEnabled: settings.chainingEnabled };
}
