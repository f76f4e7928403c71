#!/usr/bin/python3
"""PyTorch CPU peer of fate's decoder, for `npm run bench` (started by bench/run.ts).

The same architecture and shapes as src/nn: llama-style decoder with pre-RMSNorm blocks,
interleaved-pair RoPE, SwiGLU feed-forward, token embedding tied to the output head; init
N(0, 0.02) with the residual-writing projections scaled by 1/sqrt(2 * layers), norms at 1;
AdamW (betas 0.9/0.95, eps 1e-8, weight decay 0.1 on matrices only), global-norm clipping at 1,
warmup + cosine schedule, masked mean NLL; KV-cached sampling (prefill, then one token per row
per step, temperature 1, per-token log-probabilities kept as fate's sampler does).

Written the way one would write it in PyTorch (nn.Embedding gather, nn.Linear, a preallocated
[rows, heads, cache, head] KV cache read up to the current position), not a transliteration of
the jax-js kernels. `--check-reference DIR` loads fate's initial weights exported by
bench/fate-peer.ts and compares logits (full and KV-cached) with fate's, so the two columns are
known to be the same function.

One workload per process, so VmHWM at the end is that workload's peak RSS. Prints progress on
stderr and one `RESULT {json}` line on stdout.

    /usr/bin/python3 bench/torch_peer.py --config '{"vocabSize": 2000, ...}'
        (--workload train|forward|sample1|sample64|sample512 | --check-reference DIR)
        [--runs 5] [--steps 4] [--forward-reps 4] [--threads N]
"""
import argparse
import json
import math
import os
import re
import sys
import time


def proc_status_bytes(field):
    """VmHWM (peak RSS) or VmRSS (current) of this process, in bytes."""
    try:
        with open('/proc/self/status') as status:
            match = re.search(r'^%s:\s+(\d+) kB' % field, status.read(), re.M)
            if match:
                return int(match.group(1)) * 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds():
    """User + system CPU seconds of this process (all threads)."""
    import resource
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds():
    """Busy CPU seconds of the whole machine so far (all cores), from /proc/stat, or None."""
    try:
        with open('/proc/stat') as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
        return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / 100.0
    except (OSError, ValueError, IndexError):
        return None


def decoder_class(torch, config):
    """The decoder as an nn.Module class for a fate ModelConfig (dict with fate's field names)."""
    nn = torch.nn
    F = torch.nn.functional
    vocab, d_model, layers, heads = config['vocabSize'], config['dModel'], config['layers'], config['heads']
    ff_hidden, max_sequence = config['ffHidden'], config['maxSequence']
    theta, epsilon = config.get('ropeTheta', 10000.0), config.get('normEpsilon', 1e-5)
    head_size = d_model // heads
    has_sdpa = hasattr(F, 'scaled_dot_product_attention')  # torch >= 2.0

    class RMSNorm(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(d_model))

        def forward(self, x):
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + epsilon) * self.weight

    # Interleaved-pair RoPE (x[2i], x[2i+1]) as in src/nn (llama.cpp's LLAMA rope).
    inverse_frequencies = theta ** (-torch.arange(0, head_size, 2, dtype=torch.float32) / head_size)
    angles = torch.arange(max_sequence, dtype=torch.float32)[:, None] * inverse_frequencies[None, :]
    rope_cos, rope_sin = angles.cos(), angles.sin()  # [maxSequence, headSize / 2]

    def rope(x, start):
        """x: [B, H, T, headSize] at positions start … start + T − 1."""
        length = x.shape[2]
        cos, sin = rope_cos[start:start + length], rope_sin[start:start + length]
        pairs = x.reshape(*x.shape[:-1], head_size // 2, 2)
        even, odd = pairs[..., 0], pairs[..., 1]
        return torch.stack((even * cos - odd * sin, even * sin + odd * cos), -1).flatten(-2)

    def attention(q, k, v, causal):
        if has_sdpa:
            return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(head_size))
        if causal:
            length = q.shape[-2]
            mask = torch.ones(length, length, dtype=torch.bool).triu(1)
            scores = scores.masked_fill(mask, float('-inf'))
        return scores.softmax(-1) @ v

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.attention_norm = RMSNorm()
            self.query = nn.Linear(d_model, d_model, bias=False)
            self.key = nn.Linear(d_model, d_model, bias=False)
            self.value = nn.Linear(d_model, d_model, bias=False)
            self.output = nn.Linear(d_model, d_model, bias=False)
            self.feed_forward_norm = RMSNorm()
            self.gate = nn.Linear(d_model, ff_hidden, bias=False)
            self.up = nn.Linear(d_model, ff_hidden, bias=False)
            self.down = nn.Linear(ff_hidden, d_model, bias=False)

        def forward(self, x, start=0, cache=None):
            batch, length, _ = x.shape
            normed = self.attention_norm(x)
            split = lambda t: t.view(batch, length, heads, head_size).transpose(1, 2)
            q = rope(split(self.query(normed)), start)
            k = rope(split(self.key(normed)), start)
            v = split(self.value(normed))
            if cache is None:
                attended = attention(q, k, v, causal=True)
            else:
                keys, values = cache
                end = start + length
                keys[:, :, start:end] = k
                values[:, :, start:end] = v
                # Prefill (length > 1) is causal within the prompt; a decode step sees slots ≤ its position.
                attended = attention(q, keys[:, :, :end], values[:, :, :end], causal=length > 1)
            x = x + self.output(attended.transpose(1, 2).reshape(batch, length, d_model))
            normed = self.feed_forward_norm(x)
            return x + self.down(F.silu(self.gate(normed)) * self.up(normed))

    class Decoder(nn.Module):
        attention_kind = 'F.scaled_dot_product_attention' if has_sdpa else 'matmul + softmax'

        def __init__(self):
            super().__init__()
            self.token_embedding = nn.Embedding(vocab, d_model)
            self.blocks = nn.ModuleList(Block() for _ in range(layers))
            self.final_norm = RMSNorm()
            residual_scale = 1 / math.sqrt(2 * layers)
            for name, parameter in self.named_parameters():
                if parameter.dim() >= 2:
                    scale = 0.02 * (residual_scale if name.endswith(('output.weight', 'down.weight')) else 1)
                    nn.init.normal_(parameter, 0.0, scale)

        def forward(self, ids, start=0, caches=None):
            x = self.token_embedding(ids)
            for index, block in enumerate(self.blocks):
                x = block(x, start, None if caches is None else caches[index])
            return F.linear(self.final_norm(x), self.token_embedding.weight)  # tied head

        def new_caches(self, rows):
            return [(torch.zeros(rows, heads, max_sequence, head_size), torch.zeros(rows, heads, max_sequence, head_size))
                    for _ in range(layers)]

    return Decoder


# fate checkpoint names → this module's names (fate stores linear weights [in, out], nn.Linear [out, in]).
FATE_NAMES = [('layers.', 'blocks.'), ('attention.query.', 'query.'), ('attention.key.', 'key.'),
              ('attention.value.', 'value.'), ('attention.output.', 'output.'), ('feed_forward.gate.', 'gate.'),
              ('feed_forward.up.', 'up.'), ('feed_forward.down.', 'down.')]


def check_reference(torch, Decoder, directory):
    """Loads fate's exported weights, compares logits with fate's (full forward and KV-cached)."""
    import array
    with open(os.path.join(directory, 'reference.json')) as handle:
        reference = json.load(handle)
    values = array.array('f')
    with open(os.path.join(directory, 'parameters.f32'), 'rb') as handle:
        values.frombytes(handle.read())
    flat = torch.tensor(values, dtype=torch.float32)
    state, offset = {}, 0
    for name, shape in reference['parameters']:
        size = math.prod(shape)
        tensor = flat[offset:offset + size].view(*shape)
        offset += size
        target = name
        for old, new in FATE_NAMES:
            target = target.replace(old, new)
        state[target] = tensor.t().contiguous() if len(shape) == 2 and name != 'token_embedding.weight' else tensor.clone()
    model = Decoder()
    model.load_state_dict(state, strict=True)
    rows, length = reference['shape']
    ids = torch.tensor(reference['ids']).view(rows, length)
    expected = torch.tensor(reference['logits']).view(rows, length, -1)
    split = reference['prefill']
    with torch.inference_mode():
        full = model(ids)
        caches = model.new_caches(rows)
        pieces = [model(ids[:, :split], 0, caches)] + [model(ids[:, p:p + 1], p, caches) for p in range(split, length)]
        cached = torch.cat(pieces, 1)
    return {'maxAbsDiff': (full - expected).abs().max().item(), 'cachedMaxAbsDiff': (cached - expected).abs().max().item(),
            'maxAbsLogit': expected.abs().max().item()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--workload', choices=['train', 'forward', 'sample1', 'sample64', 'sample512'])
    parser.add_argument('--check-reference', metavar='DIR', help='compare with fate logits exported to DIR')
    parser.add_argument('--config', required=True, help='model config as JSON (fate ModelConfig field names)')
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--steps', type=int, default=4)
    parser.add_argument('--forward-reps', type=int, default=4)
    parser.add_argument('--threads', type=int, default=os.cpu_count())
    parser.add_argument('--batch-rows', type=int, default=8)
    parser.add_argument('--batch-length', type=int, default=128)
    parser.add_argument('--prompt-length', type=int, default=16)
    parser.add_argument('--new-tokens', type=int, default=112)
    args = parser.parse_args()
    if (args.workload is None) == (args.check_reference is None):
        parser.error('give exactly one of --workload and --check-reference')

    try:
        import torch
    except ImportError as error:
        sys.exit('torch_peer.py: cannot import torch (%s); install Debian\'s python3-torch' % error)
    F = torch.nn.functional

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    config = json.loads(args.config)
    vocab = config['vocabSize']
    Decoder = decoder_class(torch, config)
    if args.check_reference is not None:
        sys.stdout.write('RESULT %s\n' % json.dumps(check_reference(torch, Decoder, args.check_reference)))
        return

    baseline_rss = proc_status_bytes('VmRSS')
    model = Decoder()
    parameter_count = sum(parameter.numel() for parameter in model.parameters())
    load = {}

    def measure(run):
        """run(True) once as a warm-up (same shapes, shortened), then run(False) args.runs times."""
        started = time.perf_counter()
        run(True)
        warmup_seconds = time.perf_counter() - started
        timed_start, busy_before, own_before = time.perf_counter(), machine_busy_seconds(), cpu_seconds()
        rates = []
        for index in range(args.runs):
            rates.append(run(False))
            sys.stderr.write('  torch %s run %d/%d: %.0f tok/s\n' % (args.workload, index + 1, args.runs, rates[-1]))
        busy_after = machine_busy_seconds()
        if busy_before is not None and busy_after is not None:
            # Cores kept busy by other processes during the timed runs (machine busy time − ours).
            other = (busy_after - busy_before - (cpu_seconds() - own_before)) / (time.perf_counter() - timed_start)
            load['otherCores'] = max(0.0, other)
        return rates, warmup_seconds

    rows, length = args.batch_rows, args.batch_length
    details = {'engine': 'PyTorch %s (CPU)' % torch.__version__, 'python': sys.version.split()[0],
               'parameters': parameter_count, 'threads': torch.get_num_threads(), 'attention': Decoder.attention_kind}

    if args.workload == 'train':
        decay = [p for p in model.parameters() if p.dim() >= 2]
        no_decay = [p for p in model.parameters() if p.dim() < 2]
        optimizer = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}],
                                      lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
        warmup, total = 10, 1000

        def schedule(step):
            if step < warmup:
                return (step + 1) / warmup
            progress = min(1.0, (step - warmup) / max(1, total - warmup))
            return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
        mask = torch.ones(rows, length)  # all positions scored, as fate's bench does
        model.train()

        def run(warmup):
            count = 2 if warmup else args.steps
            batches = [torch.randint(0, vocab, (rows, length + 1)) for _ in range(count)]
            started = time.perf_counter()
            for batch in batches:
                ids, targets = batch[:, :-1], batch[:, 1:]
                log_probabilities = F.log_softmax(model(ids), -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
                loss = -(log_probabilities * mask).sum() / mask.sum().clamp(min=1)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                loss.item()
            return count * rows * length / (time.perf_counter() - started)

        details['stepsPerRun'] = args.steps
        rates, warmup_seconds = measure(run)
    elif args.workload == 'forward':
        model.eval()

        def run(warmup):
            count = 1 if warmup else args.forward_reps
            batches = [torch.randint(0, vocab, (rows, length)) for _ in range(count)]
            started = time.perf_counter()
            with torch.inference_mode():
                for ids in batches:
                    model(ids)
            return count * rows * length / (time.perf_counter() - started)

        details['forwardsPerRun'] = args.forward_reps
        rates, warmup_seconds = measure(run)
    else:
        model.eval()
        sample_rows = int(args.workload[len('sample'):])
        generator = torch.Generator().manual_seed(1)

        def run(warmup):
            new_tokens = 8 if warmup else args.new_tokens
            prompts = torch.randint(0, vocab, (sample_rows, args.prompt_length))
            started = time.perf_counter()
            with torch.inference_mode():
                caches = model.new_caches(sample_rows)
                logits = model(prompts, 0, caches)[:, -1]
                position = args.prompt_length
                tokens, log_probabilities = [], []
                for index in range(new_tokens):
                    log_softmax = F.log_softmax(logits, -1)
                    token = torch.multinomial(log_softmax.exp(), 1, generator=generator)  # temperature 1
                    tokens.append(token)
                    log_probabilities.append(log_softmax.gather(-1, token))
                    if index + 1 == new_tokens:
                        break
                    logits = model(token, position, caches)[:, -1]
                    position += 1
                generated = torch.cat(tokens, 1).tolist()
                torch.cat(log_probabilities, 1).tolist()
            return sum(len(row) for row in generated) / (time.perf_counter() - started)

        details['cacheLength'] = config['maxSequence']
        rates, warmup_seconds = measure(run)

    ordered = sorted(rates)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    result = {'engine': 'torch', 'workload': args.workload, 'rates': rates, 'median': median,
              'warmupSeconds': warmup_seconds, 'peakRssBytes': proc_status_bytes('VmHWM'),
              'baselineRssBytes': baseline_rss, 'cpuSeconds': cpu_seconds(), 'details': details}
    result.update(load)
    sys.stdout.write('RESULT %s\n' % json.dumps(result))


if __name__ == '__main__':
    main()
