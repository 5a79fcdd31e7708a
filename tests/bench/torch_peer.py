#!/usr/bin/python3
"""Peer for tests/bench/train_step.ts and torch_step.ts: the same autoencoder in PyTorch
(eager), trained with Adam on random windows of the same size; prints JSON with frames per
second of the training step and of the encoder alone (inference, 256 frames a call).
Arguments: height width window channels(comma) latent static threads steps [device]
(device: cpu, the default, or cuda)."""
import json
import sys
import time

import torch
import torch.nn as nn

H, W, L = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
channels = [int(c) for c in sys.argv[4].split(",")]
latent, static, threads, steps = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
device = sys.argv[9] if len(sys.argv) > 9 else "cpu"
torch.set_num_threads(threads)
torch.manual_seed(0)


def encoder(out):
    layers, c = [], 1
    for ch in channels:
        layers += [nn.Conv2d(c, ch, 3, stride=2, padding=1), nn.ELU()]
        c = ch
    layers.append(nn.Conv2d(c, out, 3, padding=1))
    return nn.Sequential(*layers)


class Cae(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc, self.stat = encoder(latent), encoder(static)
        rev = channels[::-1]
        layers = [nn.Conv2d(latent + static, rev[0], 3, padding=1), nn.ELU()]
        for i, ch in enumerate(rev):
            out = rev[i + 1] if i + 1 < len(rev) else rev[-1]
            layers += [nn.ConvTranspose2d(ch, out, 3, stride=2, padding=1, output_padding=1), nn.ELU()]
        layers.append(nn.Conv2d(rev[-1], 1, 3, padding=1))
        self.dec = nn.Sequential(*layers)

    def forward(self, x):
        z = self.enc(x)
        s = self.stat(x.mean(0, keepdim=True)).expand(x.shape[0], -1, -1, -1)
        return self.dec(torch.cat([z, s], 1))


def sync():
    if device == "cuda":
        torch.cuda.synchronize()


model = Cae().to(device)
opt = torch.optim.Adam(model.parameters(), 1e-3)
x = torch.randn(L, 1, H, W, device=device)
times = []
for i in range(steps + 3):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = ((model(x) - x) ** 2).mean()
    loss.backward()
    opt.step()
    loss.item()  # the loss read back, as every step of ours does
    if i >= 3:  # after warm-up
        times.append(time.perf_counter() - t0)
# The median step, as the Deno side measures.
median = sorted(times)[len(times) // 2]
# Encoding: the encoder alone on 256 frames, the result copied to the host.
E = 256
frames = torch.randn(E, 1, H, W, device=device)
enc_times = []
with torch.no_grad():
    for i in range(steps + 2):
        sync()
        t0 = time.perf_counter()
        model.enc(frames).cpu()
        if i >= 2:
            enc_times.append(time.perf_counter() - t0)
enc_median = sorted(enc_times)[len(enc_times) // 2]
print(json.dumps({
    "framesPerSecond": L / median,
    "encodeFramesPerSecond": E / enc_median,
    "torch": torch.__version__,
    "threads": threads,
    "device": device,
}))
