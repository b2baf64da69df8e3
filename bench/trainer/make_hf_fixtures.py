#!/usr/bin/env python3
"""Writes tiny reference checkpoints made by Hugging Face transformers itself, with the logits
transformers computes for a fixed token sequence, into services/trainer/src/test/resources/hf-fixtures/.
HfReferenceTest loads them into the DJL model and compares logits, so the Java model is checked
against the real LlamaForCausalLM / Qwen3ForCausalLM, not against a re-implementation.

usage: make_hf_fixtures.py   (needs torch and transformers; see docs/trainer.md)
"""
import json
import os

import torch
import transformers
from transformers import LlamaConfig, LlamaForCausalLM, Qwen3Config, Qwen3ForCausalLM

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "services", "trainer", "src", "test", "resources", "hf-fixtures")
TOKENS = [3, 17, 42, 5, 63, 0, 8, 21, 34, 55, 1, 13]


def build(name, model):
    torch.manual_seed(7)
    with torch.no_grad():
        for n, p in model.named_parameters():
            if n.endswith("norm.weight"):
                p.copy_(1.0 + 0.1 * torch.randn_like(p))  # norms != 1, so they must really be loaded
            else:
                p.copy_(0.1 * torch.randn_like(p))
    model.eval()
    d = os.path.join(OUT, name)
    model.save_pretrained(d, safe_serialization=True)
    with torch.no_grad():
        logits = model(torch.tensor([TOKENS])).logits[0]
    with open(os.path.join(d, "expected_logits.json"), "w") as f:
        json.dump({"transformers": transformers.__version__, "torch": torch.__version__, "tokens": TOKENS,
                   "shape": list(logits.shape), "logits": [round(float(v), 7) for v in logits.flatten()]}, f)
    print(name, "written to", d)


llama = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                    rms_norm_eps=1e-5, rope_theta=500000.0, tie_word_embeddings=False,
                    rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                  "high_freq_factor": 4.0, "original_max_position_embeddings": 16},
                    attn_implementation="eager", torch_dtype="float32")
build("llama-gqa-llama3rope", LlamaForCausalLM(llama))

qwen = Qwen3Config(vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                   num_attention_heads=4, num_key_value_heads=2, head_dim=16, max_position_embeddings=256,
                   rms_norm_eps=1e-6, rope_theta=1000000.0, tie_word_embeddings=True,
                   attn_implementation="eager", torch_dtype="float32")
build("qwen3-qknorm-tied", Qwen3ForCausalLM(qwen))
