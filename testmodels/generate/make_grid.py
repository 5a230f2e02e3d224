"""PyTorch reference grid for rnnport's tests.

Run with Debian's PyTorch 1.13 (package python3-torch, with python3-numpy and python3-onnx), from
the repository root:

    /usr/bin/python3 testmodels/generate/make_grid.py

It rewrites testmodels/grid/<case>/ for every case below and testmodels/demo/. The outputs are
committed, so tests never need Python; rerun only to change the grid.

Determinism: CPU, float32 modules, one thread, and each case seeded with
torch.manual_seed(zlib.crc32(case_name)) (recorded as "seed" in its config.json), so adding or
removing a case leaves the others' numbers unchanged. The demo model uses seed DEMO_SEED.

Each case folder holds
  model.safetensors   the state_dict, byte for byte as safetensors.torch.save_file writes it
                      (no __metadata__), written by write_safetensors below
  model.pt            torch.save(state_dict) (zip format)
  model_legacy.pt     torch.save(state_dict, _use_new_zipfile_serialization=False)
  model.onnx          torch.onnx.export, opset 14, when torch can export it (see "onnx_export")
  config.json         the module's settings and what the folder holds
  input.npy, h0.npy, c0.npy, lengths.npy      what the module was run on (h0/c0/lengths optional)
  output.npy, h_n.npy, c_n.npy                PyTorch's float32 results (c_n for LSTM only)
  output64.npy, h_n64.npy, c_n64.npy          the same from a .double() copy on the same values

With lengths the input goes through pack_padded_sequence(enforce_sorted=False) and the output is
padded back with pad_packed_sequence(total_length=L): positions past a length are zeros, and
h_n/c_n are the states at each sequence's last valid step.
"""

import copy
import io
import json
import os
import struct
import sys
import zlib

import numpy as np
import onnx
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GRID = os.path.join(ROOT, "testmodels", "grid")
DEMO = os.path.join(ROOT, "testmodels", "demo")
DEMO_SEED = 8
OPSET = 14


# ---------------------------------------------------------------------------------------------
# safetensors, written the way the Rust crate (behind safetensors.torch.save_file) writes it:
# u64 little-endian header length, compact JSON header, padded with spaces to a multiple of 8,
# then the tensors' bytes. Tensors are ordered by dtype alignment (descending), then by name;
# for an all-F32 dict that is alphabetical. Header keys come out in the same order, with
# __metadata__ (when present) first; its own keys sorted.

def safetensors_bytes(state_dict, metadata=None):
    names = sorted(state_dict)
    header = {}
    if metadata is not None:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata)}
    blobs = []
    offset = 0
    for name in names:
        t = state_dict[name].detach().cpu().contiguous()
        if t.dtype != torch.float32:
            raise ValueError(name + ": only float32 is written here")
        data = t.numpy().astype("<f4", copy=False).tobytes(order="C")
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write_safetensors(path, state_dict, metadata=None):
    with open(path, "wb") as f:
        f.write(safetensors_bytes(state_dict, metadata))


# ---------------------------------------------------------------------------------------------
# The grid.

class Case:
    def __init__(self, cell, layers=1, bi=False, bf=False, bias=True, proj=0, unbatched=False,
                 h0=False, lengths=False, dropout=0.0):
        self.cell = cell
        self.layers = layers
        self.bi = bi
        self.bf = bf
        self.bias = bias
        self.proj = proj
        self.unbatched = unbatched
        self.h0 = h0
        self.lengths = lengths
        self.dropout = dropout

    @property
    def name(self):
        parts = [self.cell.lower(), "l%d" % self.layers]
        if self.bi:
            parts.append("bi")
        if self.bf:
            parts.append("bf")
        if not self.bias:
            parts.append("nobias")
        if self.proj:
            parts.append("proj")
        if self.dropout:
            parts.append("dropout")
        if self.unbatched:
            parts.append("unbatched")
        if self.h0:
            parts.append("h0")
        if self.lengths:
            parts.append("len")
        return "_".join(parts)


L, G, T, R = "LSTM", "GRU", "RNN_TANH", "RNN_RELU"

CASES = [
    # LSTM
    Case(L),
    Case(L, h0=True),
    Case(L, bias=False),
    Case(L, bf=True),
    Case(L, bi=True),
    Case(L, layers=2),
    Case(L, layers=2, bi=True, bf=True, bias=False),
    Case(L, layers=3, bi=True, bf=True, h0=True),
    Case(L, layers=3, bi=True),
    Case(L, layers=2, dropout=0.3),
    Case(L, proj=2),
    Case(L, layers=2, proj=3, h0=True),
    Case(L, layers=2, bi=True, bf=True, proj=2),
    Case(L, bi=True, proj=3, h0=True),
    Case(L, layers=3, bias=False, proj=2),
    Case(L, unbatched=True),
    Case(L, layers=2, bi=True, unbatched=True, h0=True),
    Case(L, lengths=True),
    Case(L, layers=2, bi=True, bf=True, h0=True, lengths=True),
    Case(L, layers=2, bi=True, proj=2, lengths=True),
    # GRU
    Case(G),
    Case(G, h0=True),
    Case(G, bf=True, bias=False),
    Case(G, bi=True),
    Case(G, layers=2, bi=True, h0=True),
    Case(G, layers=3, bi=True, bf=True),
    Case(G, layers=2, bias=False),
    Case(G, unbatched=True, h0=True),
    Case(G, bf=True, lengths=True),
    Case(G, layers=2, bi=True, h0=True, lengths=True),
    # RNN, tanh
    Case(T),
    Case(T, bias=False, h0=True),
    Case(T, layers=2, bi=True, bf=True),
    Case(T, layers=3, bi=True, h0=True),
    Case(T, unbatched=True),
    Case(T, bi=True, lengths=True),
    # RNN, relu
    Case(R),
    Case(R, layers=2, bi=True, bf=True, h0=True),
    Case(R, layers=3, bias=False),
    Case(R, layers=2, bi=True, unbatched=True),
    Case(R, layers=2, bf=True, lengths=True),
]


def make_module(cell, input_size, hidden, layers, bias, bf, dropout, bi, proj):
    kw = dict(num_layers=layers, bias=bias, batch_first=bf, dropout=dropout, bidirectional=bi)
    if cell == L:
        m = nn.LSTM(input_size, hidden, proj_size=proj, **kw)
    elif cell == G:
        m = nn.GRU(input_size, hidden, **kw)
    else:
        m = nn.RNN(input_size, hidden, nonlinearity="tanh" if cell == T else "relu", **kw)
    with torch.no_grad():
        for p in m.parameters():
            p.uniform_(-0.5, 0.5)
    return m.eval()


class Packed(nn.Module):
    """The module run on a packed batch and padded back: what users with variable lengths write."""

    def __init__(self, rnn, total_length):
        super().__init__()
        self.rnn = rnn
        self.total_length = total_length

    def forward(self, x, lengths, *state):
        bf = self.rnn.batch_first
        packed = pack_padded_sequence(x, lengths, batch_first=bf, enforce_sorted=False)
        if not state:
            y, hidden = self.rnn(packed)
        elif len(state) == 1:
            y, hidden = self.rnn(packed, state[0])
        else:
            y, hidden = self.rnn(packed, (state[0], state[1]))
        y, _ = pad_packed_sequence(y, batch_first=bf, total_length=self.total_length)
        if isinstance(hidden, tuple):
            return (y,) + hidden
        return y, hidden


def run(module, x, h0, c0, lengths):
    """PyTorch's forward as a tuple (output, h_n[, c_n])."""
    with torch.no_grad():
        if lengths is not None:
            state = [s for s in (h0, c0) if s is not None]
            return tuple(Packed(module, x.shape[1] if module.batch_first else x.shape[0])(x, lengths, *state))
        if h0 is None:
            y, hidden = module(x)
        elif c0 is None:
            y, hidden = module(x, h0)
        else:
            y, hidden = module(x, (h0, c0))
        return (y,) + (hidden if isinstance(hidden, tuple) else (hidden,))


def export_onnx(case, module, path, x, h0, c0, lengths):
    """torch.onnx.export of what was run; returns the config.json "onnx_export" note."""
    if case.proj:
        return "skipped: torch.onnx.export refuses LSTM with proj_size"
    is_lstm = case.cell == L
    seq_batch = {0: "seq"} if case.unbatched else ({0: "batch", 1: "seq"} if case.bf else {0: "seq", 1: "batch"})
    state_axes = {} if case.unbatched else {1: "batch"}
    out_names = ["output", "h_n", "c_n"] if is_lstm else ["output", "h_n"]
    axes = {"input": seq_batch, "output": seq_batch}
    for n in out_names[1:]:
        axes[n] = state_axes
    if lengths is not None:
        model = Packed(module, x.shape[1] if case.bf else x.shape[0])
        args = (x, lengths) + tuple(s for s in (h0, c0) if s is not None)
        in_names = ["input", "lengths"] + (["h0", "c0"] if c0 is not None else ["h0"] if h0 is not None else [])
        axes["lengths"] = {0: "batch"}
        note = "pack_padded_sequence(enforce_sorted=False) + module + pad_packed_sequence(total_length=L), inputs: "
        # A fixed total_length is baked in, so the sequence axis stays as exported.
        for n in ("input", "output"):
            axes[n] = {k: v for k, v in axes[n].items() if v == "batch"}
    else:
        model = module
        if h0 is None:
            args = (x,)
        elif c0 is None:
            args = (x, h0)
        else:
            args = (x, (h0, c0))
        in_names = ["input"] + (["h0", "c0"] if c0 is not None else ["h0"] if h0 is not None else [])
        note = "module forward, inputs: "
    for n in in_names[1:]:
        if n in ("h0", "c0"):
            axes[n] = state_axes
    buf = io.BytesIO()
    torch.onnx.export(model, args, buf, opset_version=OPSET, input_names=in_names, output_names=out_names,
                      dynamic_axes=axes, do_constant_folding=True)
    onnx.checker.check_model(onnx.load_from_string(buf.getvalue()))
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return note + ", ".join(in_names) + "; opset %d" % OPSET


def save_npy(folder, name, t, dtype):
    np.save(os.path.join(folder, name), np.ascontiguousarray(t.detach().numpy().astype(dtype)), allow_pickle=False)


def generate(case, index):
    name = case.name
    seed = zlib.crc32(name.encode("ascii"))
    torch.manual_seed(seed)
    input_size = 3 + index % 3
    hidden = 4 + index % 3 if case.proj else 3 + index % 4
    steps = 4 + index % 3
    batch = 3 if case.lengths else 2 + index % 2
    dirs = 2 if case.bi else 1
    out_size = case.proj or hidden

    module = make_module(case.cell, input_size, hidden, case.layers, case.bias, case.bf, case.dropout,
                         case.bi, case.proj)
    if case.unbatched:
        x = torch.randn(steps, input_size)
        state_shape, cell_shape = (dirs * case.layers, out_size), (dirs * case.layers, hidden)
    else:
        x = torch.randn(batch, steps, input_size) if case.bf else torch.randn(steps, batch, input_size)
        state_shape, cell_shape = (dirs * case.layers, batch, out_size), (dirs * case.layers, batch, hidden)
    h0 = torch.randn(*state_shape) if case.h0 else None
    c0 = torch.randn(*cell_shape) if case.h0 and case.cell == L else None
    lengths = None
    if case.lengths:
        lengths = torch.tensor([steps - 2, steps, 1], dtype=torch.int64)

    outputs = run(module, x, h0, c0, lengths)
    module64 = copy.deepcopy(module).double()
    dbl = lambda t: None if t is None else t.double()
    outputs64 = run(module64, x.double(), dbl(h0), dbl(c0), lengths)

    folder = os.path.join(GRID, name)
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        os.remove(os.path.join(folder, f))
    sd = module.state_dict()
    write_safetensors(os.path.join(folder, "model.safetensors"), sd)
    torch.save(sd, os.path.join(folder, "model.pt"))
    torch.save(sd, os.path.join(folder, "model_legacy.pt"), _use_new_zipfile_serialization=False)
    onnx_note = export_onnx(case, module, os.path.join(folder, "model.onnx"), x, h0, c0, lengths)

    save_npy(folder, "input.npy", x, "<f4")
    if h0 is not None:
        save_npy(folder, "h0.npy", h0, "<f4")
    if c0 is not None:
        save_npy(folder, "c0.npy", c0, "<f4")
    if lengths is not None:
        save_npy(folder, "lengths.npy", lengths, "<i8")
    names = ["output", "h_n", "c_n"]
    for n, t, t64 in zip(names, outputs, outputs64):
        save_npy(folder, n + ".npy", t, "<f4")
        save_npy(folder, n + "64.npy", t64, "<f8")

    config = {
        "cell": case.cell,
        "input_size": input_size,
        "hidden_size": hidden,
        "num_layers": case.layers,
        "bias": case.bias,
        "batch_first": case.bf,
        "bidirectional": case.bi,
        "proj_size": case.proj,
        "dropout": case.dropout,
        "nonlinearity": {T: "tanh", R: "relu"}.get(case.cell),
        "unbatched": case.unbatched,
        "has_h0": case.h0,
        "has_lengths": case.lengths,
        "onnx_export": onnx_note,
        "seed": seed,
        "torch_version": torch.__version__,
    }
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    return name


def generate_demo():
    """The README's first example: a 2-layer bidirectional batch_first LSTM, with and without metadata."""
    torch.manual_seed(DEMO_SEED)
    module = make_module(L, 8, 16, 2, True, True, 0.0, True, 0)
    x = torch.randn(2, 5, 8)
    y, h, c = run(module, x, None, None, None)
    os.makedirs(DEMO, exist_ok=True)
    sd = module.state_dict()
    write_safetensors(os.path.join(DEMO, "lstm.safetensors"), sd,
                      {"batch_first": "true", "dropout": "0.0", "format": "pt"})
    write_safetensors(os.path.join(DEMO, "lstm_plain.safetensors"), sd)
    save_npy(DEMO, "input.npy", x, "<f4")
    save_npy(DEMO, "expected_output.npy", y, "<f4")
    save_npy(DEMO, "expected_h_n.npy", h, "<f4")
    save_npy(DEMO, "expected_c_n.npy", c, "<f4")


def main():
    torch.set_num_threads(1)
    names = [c.name for c in CASES]
    if len(set(names)) != len(names):
        sys.exit("duplicate case names")
    os.makedirs(GRID, exist_ok=True)
    stale = set(d for d in os.listdir(GRID) if os.path.isdir(os.path.join(GRID, d))) - set(names)
    if stale:
        sys.exit("folders not in the grid, remove them first: " + ", ".join(sorted(stale)))
    for i, case in enumerate(CASES):
        print(generate(case, i))
    generate_demo()
    print("%d cases, torch %s, numpy %s, onnx %s" % (len(CASES), torch.__version__, np.__version__, onnx.__version__))


if __name__ == "__main__":
    main()
