#!/usr/bin/env python3
"""TEST ONLY: a second, independent reading of a LoRA adapter folder in PEFT's layout, with the Python standard
library alone (no torch, no peft, no safetensors package), as AutoPeftModelForCausalLM.from_pretrained(adapter_dir)
would meet it:

1. adapter_config.json holds the LoraConfig fields PEFT reads, with the values that mean plain LoRA.
2. base_model_name_or_path is an absolute path to a Hugging Face model folder (config.json + model.safetensors, or
   an index with shards) that resolves from any current folder (the tests run this script with cwd /).
3. adapter_model.safetensors is a valid safetensors file whose keys are PEFT's saved names,
   base_model.model.<module>.lora_A.weight [r, in] and .lora_B.weight [out, r] (no adapter name such as .default.),
   for exactly the base's linear modules named in target_modules, and <module>.weight in the base is [out, in].

Usage: peft_layout_check.py ADAPTER_DIR. Prints a JSON summary; exits 1 with the reasons when a check fails.
"""
import json
import os
import re
import struct
import sys

problems = []


def check(cond, msg):
    if not cond:
        problems.append(msg)
    return cond


def read_header(path):
    """The safetensors header of `path`, after checking its framing: an 8-byte little-endian length, a JSON object,
    and tensors whose data_offsets tile the data section exactly in order."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        check(8 + n <= size, f"{path}: header length {n} runs past the file ({size} bytes)")
        header = json.loads(f.read(n).decode("utf-8"))
    meta = header.pop("__metadata__", None)
    check(meta is not None and meta.get("format") == "pt", f"{path}: __metadata__.format is {meta and meta.get('format')!r}, transformers wants 'pt'")
    widths = {"F32": 4, "BF16": 2, "F16": 2}
    spans = []
    for name, info in header.items():
        dtype, shape, (start, end) = info["dtype"], info["shape"], info["data_offsets"]
        if check(dtype in widths, f"{path}: {name} has dtype {dtype}"):
            count = 1
            for d in shape:
                count *= d
            check(end - start == count * widths[dtype], f"{path}: {name} {shape} {dtype} spans {end - start} bytes")
        spans.append((start, end))
    spans.sort()
    pos = 0
    for start, end in spans:
        check(start == pos, f"{path}: tensor data is not contiguous at byte {pos}")
        pos = end
    check(8 + n + pos == size, f"{path}: data section is {pos} bytes, the file holds {size - 8 - n}")
    return header


def base_headers(base):
    single = os.path.join(base, "model.safetensors")
    if os.path.isfile(single):
        return read_header(single)
    index = os.path.join(base, "model.safetensors.index.json")
    if not check(os.path.isfile(index), f"{base}: neither model.safetensors nor model.safetensors.index.json"):
        return {}
    merged = {}
    with open(index) as f:
        for shard in sorted(set(json.load(f)["weight_map"].values())):
            merged.update(read_header(os.path.join(base, shard)))
    return merged


def main(adapter_dir):
    with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
        cfg = json.load(f)
    expected = {
        "peft_type": "LORA",
        "task_type": "CAUSAL_LM",
        "bias": "none",
        "fan_in_fan_out": False,
        "inference_mode": True,
        "modules_to_save": None,
        "revision": None,
        "use_dora": False,
        "use_rslora": False,
    }
    for key, want in expected.items():
        check(key in cfg and cfg[key] == want, f"adapter_config.json: {key} is {cfg.get(key, '(missing)')!r}, want {want!r}")
    r = cfg.get("r")
    check(isinstance(r, int) and r >= 1, f"adapter_config.json: r is {r!r}")
    check(isinstance(cfg.get("lora_alpha"), (int, float)) and cfg["lora_alpha"] > 0, f"lora_alpha is {cfg.get('lora_alpha')!r}")
    check(isinstance(cfg.get("lora_dropout"), (int, float)) and 0 <= cfg["lora_dropout"] < 1, f"lora_dropout is {cfg.get('lora_dropout')!r}")
    targets = cfg.get("target_modules")
    check(isinstance(targets, list) and targets and all(isinstance(t, str) for t in targets), f"target_modules is {targets!r}")
    targets = set(targets or [])

    base = cfg.get("base_model_name_or_path")
    check(isinstance(base, str) and os.path.isabs(base), f"base_model_name_or_path {base!r} is not an absolute path")
    if not (isinstance(base, str) and os.path.isdir(base)):
        check(False, f"base_model_name_or_path {base!r} is not a folder here (cwd {os.getcwd()})")
        return None
    check(os.path.isfile(os.path.join(base, "config.json")), f"{base}: no config.json")
    with open(os.path.join(base, "config.json")) as f:
        base_cfg = json.load(f)
    check(base_cfg.get("model_type") in ("llama", "qwen2", "qwen3"), f"{base}/config.json: model_type {base_cfg.get('model_type')!r}")
    check(isinstance(base_cfg.get("architectures"), list) and len(base_cfg["architectures"]) == 1, f"{base}/config.json: architectures {base_cfg.get('architectures')!r}")
    check(os.path.isfile(os.path.join(base, "tokenizer_config.json")), f"{base}: no tokenizer_config.json")
    base_t = base_headers(base)

    adapter = read_header(os.path.join(adapter_dir, "adapter_model.safetensors"))
    key_re = re.compile(r"^base_model\.model\.(.+)\.lora_([AB])\.weight$")
    modules = {}
    for name, info in adapter.items():
        m = key_re.match(name)
        if not check(m is not None, f"adapter key {name} is not base_model.model.<module>.lora_A/B.weight"):
            continue
        check(".default." not in name, f"adapter key {name} carries an adapter name")
        modules.setdefault(m.group(1), {})[m.group(2)] = info["shape"]
    for module, parts in sorted(modules.items()):
        check(module.split(".")[-1] in targets, f"{module}: not a target module {sorted(targets)}")
        if not check(set(parts) == {"A", "B"}, f"{module}: has lora_{'/'.join(sorted(parts))} only"):
            continue
        w = base_t.get(module + ".weight")
        if not check(w is not None, f"{module}.weight: not in the base"):
            continue
        out_f, in_f = w["shape"]
        check(parts["A"] == [r, in_f], f"{module}.lora_A.weight is {parts['A']}, want [r={r}, in={in_f}]")
        check(parts["B"] == [out_f, r], f"{module}.lora_B.weight is {parts['B']}, want [out={out_f}, r={r}]")
    # PEFT wraps every base module whose name ends in a target: each must have its pair in the file.
    wrapped = sorted(k[: -len(".weight")] for k in base_t if k.endswith(".weight") and k[: -len(".weight")].split(".")[-1] in targets)
    check(wrapped == sorted(modules), f"adapter modules {sorted(modules)} differ from the base's target modules {wrapped}")
    return {"base": base, "modules": len(modules), "tensors": len(adapter), "r": r, "target_modules": sorted(targets)}


if __name__ == "__main__":
    summary = main(sys.argv[1])
    if problems:
        sys.stderr.write("\n".join(problems) + "\n")
        sys.exit(1)
    print(json.dumps(summary))
