#!/usr/bin/python3
"""Peer for bench_learned: one training step of the pair denoiser in PyTorch against Tweed.

The step is the one tweed::learned::train_pairs_and_apply takes (modules/learned/src/torch):
a residual CNN f of `depth` 3x3 convolutions (1 -> width -> ... -> width -> 1, zero padding,
bias, in-place LeakyReLU(0.2) between them), a batch of 2*batch images [a_1..a_B, b_1..b_B]
fitted to [b_1..b_B, a_1..a_B] with the loss mean((x - f(x) - target)^2), then one Adam update.
The script times it in PyTorch (python3-torch 1.13, the same Debian libtorch build Tweed's plugin
links) with the same thread count, then runs `bench_learned --peer_size=...` for Tweed's step in
the same run, and prints both times in ms per step and the ratio Tweed / PyTorch. Both time the
steady state: from the end of the first step to the end of the last.

    cmake -S . -B build-learned -DTWEED_BUILD_BENCH=ON && \
        cmake --build build-learned --target bench_learned tweed_learned_torch
    /usr/bin/python3 tests/bench/flick_train_peer.py --bench build-learned/tests/bench/bench_learned
"""
import argparse
import json
import subprocess
import time

import torch


class ResidualNet(torch.nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        chans = [1] + [width] * (depth - 1) + [1]
        self.layers = torch.nn.ModuleList(
            torch.nn.Conv2d(chans[i], chans[i + 1], 3, padding=1) for i in range(depth))

    def forward(self, x):  # the noise estimate f(x)
        for conv in self.layers[:-1]:
            x = torch.nn.functional.leaky_relu(conv(x), 0.2, inplace=True)
        return self.layers[-1](x)


def time_pytorch(size, width, depth, batch, steps, threads):
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    net = ResidualNet(width, depth)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(1)
    a = torch.randn(batch, 1, size, size, generator=gen) * 0.1
    b = torch.randn(batch, 1, size, size, generator=gen) * 0.1
    inputs = torch.cat([a, b])
    targets = torch.cat([b, a])
    stamps = []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(inputs - net(inputs), targets)
        loss.backward()
        opt.step()
        loss.item()
        stamps.append(time.perf_counter())
    return 1e3 * (stamps[-1] - stamps[0]) / (steps - 1)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", help="path of bench_learned (omit to time PyTorch only)")
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--width", type=int, default=48)
    p.add_argument("--depth", type=int, default=4)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--steps", type=int, default=12)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    torch_ms = time_pytorch(args.size, args.width, args.depth, args.batch, args.steps,
                            args.threads)
    print(f"PyTorch {torch.__version__}: {args.size}x{args.size}, width {args.width}, "
          f"depth {args.depth}, batch {args.batch} pairs, {args.threads} threads: "
          f"{torch_ms:.1f} ms/step")
    if args.bench:
        out = subprocess.run(
            [args.bench, f"--peer_size={args.size}", f"--peer_width={args.width}",
             f"--peer_depth={args.depth}", f"--peer_batch={args.batch}",
             f"--peer_steps={args.steps}", f"--peer_threads={args.threads}"],
            check=True, capture_output=True, text=True).stdout
        tweed_ms = json.loads(out.strip().splitlines()[-1])["ms_per_step"]
        print(f"Tweed: {tweed_ms:.1f} ms/step; ratio Tweed / PyTorch = {tweed_ms / torch_ms:.2f}")


if __name__ == "__main__":
    main()
