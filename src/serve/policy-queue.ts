import type { Policy, PolicyRequest, PolicyResponse } from '../agent/policy.js';
import { generateSamples } from '../policies/samples.js';

interface Pending {
  request: PolicyRequest;
  count: number;
  resolve: (responses: PolicyResponse[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Feeds HTTP requests to one policy: calls run one at a time (a policy such as the embedded one
 * holds a single model), and the requests that arrived while a call ran go together into the
 * next one, up to `maxBatch`, so concurrent clients share the policy's batching.
 */
export class PolicyQueue {
  private readonly pending: Pending[] = [];
  private running = false;

  constructor(
    private readonly policy: Policy,
    private readonly maxBatch: number = 64,
  ) {}

  /** `count` responses for `request`; rejects when the policy call throws. */
  submit(request: PolicyRequest, count: number): Promise<PolicyResponse[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, count, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, Math.max(1, this.maxBatch));
      const byCount = new Map<number, Pending[]>();
      for (const item of batch) byCount.set(item.count, [...(byCount.get(item.count) ?? []), item]);
      for (const [count, items] of byCount) {
        try {
          const responses = await generateSamples(
            this.policy,
            items.map((item) => item.request),
            count,
          );
          items.forEach((item, index) => item.resolve(responses[index] ?? []));
        } catch (error) {
          items.forEach((item) => item.reject(error));
        }
      }
    }
    this.running = false;
  }
}
