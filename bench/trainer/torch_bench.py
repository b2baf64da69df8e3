#!/usr/bin/env python3
"""PyTorch eager twin of io.deltachain.trainer.bench.TrainBench.

Same model (Llama/Qwen3 from an HF config.json: RMSNorm in fp32, rotate_half RoPE, GQA by
repeat_interleave, explicit causal attention with fp32 softmax, SwiGLU, tied or separate head),
same batch (random tokens), same measures (tokens of one step / median step time; tokens per process CPU-second over the timed steps), same optimizer (AdamW, global clip 1.0), same LoRA (r=8, alpha=16 on
all seven projections, base frozen), fp32 on CPU. Prints: torch <profile> <mode> <tokens/s wall> <loss> <tokens per CPU-second>.

usage: torch_bench.py <config.json> <name> <FULL|LORA> <batch> <seq> <warmup> <steps>
env:   BENCH_DEVICE (default cpu; cuda for the GPU reference of bench/trainer/cuda-run.sh),
       BENCH_AMP=1 (fp16 autocast with a GradScaler, CUDA only)
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


class Proj(nn.Module):
    """Bias-free linear with an optional LoRA adapter (PEFT semantics)."""

    def __init__(self, inf, outf, std):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(outf, inf) * std)
        self.a = None
        self.b = None

    def add_lora(self, r, alpha):
        inf = self.weight.shape[1]
        bound = 1 / math.sqrt(inf)
        self.a = nn.Parameter(torch.empty(r, inf).uniform_(-bound, bound))
        self.b = nn.Parameter(torch.zeros(self.weight.shape[0], r))
        self.scaling = alpha / r

    def forward(self, x):
        y = F.linear(x, self.weight)
        if self.a is not None:
            y = y + F.linear(F.linear(x, self.a), self.b) * self.scaling
        return y


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, nh, nkv, hd, i = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"], c["intermediate_size"]
        std = 0.02
        self.nh, self.nkv, self.hd = nh, nkv, hd
        self.input_layernorm = RMSNorm(h, c["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(h, c["rms_norm_eps"])
        self.q_proj, self.k_proj = Proj(h, nh * hd, std), Proj(h, nkv * hd, std)
        self.v_proj, self.o_proj = Proj(h, nkv * hd, std), Proj(nh * hd, h, std)
        self.gate_proj, self.up_proj, self.down_proj = Proj(h, i, std), Proj(h, i, std), Proj(i, h, std)
        self.qk_norm = c.get("model_type") == "qwen3"
        if self.qk_norm:
            self.q_norm = RMSNorm(hd, c["rms_norm_eps"])
            self.k_norm = RMSNorm(hd, c["rms_norm_eps"])

    def projs(self):
        return [self.q_proj, self.k_proj, self.v_proj, self.o_proj, self.gate_proj, self.up_proj, self.down_proj]

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.shape
        n = self.input_layernorm(x)
        q = self.q_proj(n).view(b, t, self.nh, self.hd)
        k = self.k_proj(n).view(b, t, self.nkv, self.hd)
        v = self.v_proj(n).view(b, t, self.nkv, self.hd)
        if self.qk_norm:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        g = self.nh // self.nkv
        if g > 1:
            k = k.repeat_interleave(g, dim=1)
            v = v.repeat_interleave(g, dim=1)
        s = (q * self.hd ** -0.5) @ k.transpose(2, 3)
        p = torch.softmax(s.float() + mask, dim=-1).to(v.dtype)
        o = (p @ v).transpose(1, 2).reshape(b, t, self.nh * self.hd)
        x = x + self.o_proj(o)
        n = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(n)) * self.up_proj(n))


class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        c.setdefault("num_key_value_heads", c["num_attention_heads"])
        c.setdefault("head_dim", c["hidden_size"] // c["num_attention_heads"])
        self.embed = nn.Parameter(torch.randn(c["vocab_size"], c["hidden_size"]) * 0.02)
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.tied = c.get("tie_word_embeddings", False)
        if not self.tied:
            self.lm_head = Proj(c["hidden_size"], c["vocab_size"], 0.02)
        hd = c["head_dim"]
        self.inv_freq = 1.0 / (c.get("rope_theta", 10000.0) ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))

    def forward(self, tokens):
        t = tokens.shape[1]
        freqs = torch.outer(torch.arange(t, dtype=torch.float32), self.inv_freq.float())
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().to(tokens.device), emb.sin().to(tokens.device)
        mask = torch.full((t, t), float("-inf"), device=tokens.device).triu(1)
        x = F.embedding(tokens, self.embed)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        x = self.norm(x)
        return F.linear(x, self.embed) if self.tied else self.lm_head(x)


def main():
    cfg_path, name, mode, batch, seq, warmup, steps = sys.argv[1:8]
    batch, seq, warmup, steps = int(batch), int(seq), int(warmup), int(steps)
    torch.manual_seed(1)
    with open(cfg_path) as f:
        c = json.load(f)
    device = torch.device(__import__("os").environ.get("BENCH_DEVICE", "cpu"))
    amp = __import__("os").environ.get("BENCH_AMP") == "1"
    model = Model(c)
    if mode == "LORA":
        for p in model.parameters():
            p.requires_grad_(False)
        for layer in model.layers:
            for pr in layer.projs():
                pr.add_lora(8, 16)
    model.to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() > 1]
    no_decay = [p for p in params if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.95), eps=1e-8)
    g = torch.Generator().manual_seed(1)
    data = torch.randint(0, c["vocab_size"], (warmup + steps, batch, seq + 1), generator=g).to(device)
    scaler = torch.amp.GradScaler("cuda", enabled=amp)
    loss = None

    def step(i):
        x, y = data[i, :, :-1], data[i, :, 1:]
        with torch.autocast(device.type, dtype=torch.float16, enabled=amp):
            logits = model(x)
        l = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1))
        scaler.scale(l).backward()
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        scaler.step(opt)
        scaler.update()
        opt.zero_grad(set_to_none=True)
        return l.item()

    for i in range(warmup):
        step(i)
    times = []
    cpu0 = time.process_time()
    for i in range(warmup, warmup + steps):
        t0 = time.perf_counter()
        loss = step(i)
        times.append(time.perf_counter() - t0)
    cpu = time.process_time() - cpu0
    # The median step is robust against other processes on a shared machine; CPU time of the
    # process over all timed steps even more so (it does not count time spent waiting for a core).
    median = sorted(times)[len(times) // 2]
    print(f"torch {name} {mode} {batch * seq / median:.1f} {loss:.4f} {batch * seq * steps / cpu:.1f}")


if __name__ == "__main__":
    torch.set_num_threads(int(__import__("os").environ.get("BENCH_THREADS", torch.get_num_threads())))
    main()
