#!/usr/bin/python3
"""Writes the PyTorch fixtures under testmodels/torch/ (see testmodels/torch/SOURCE.md).

Run from the repository root with Debian's PyTorch 1.13 (`python3-torch`):

    /usr/bin/python3 testmodels/generate/make_torch_files.py

Valid files are written by torch.save / torch.jit.save and come with PyTorch's own outputs for a
fixed input. Hostile files are assembled opcode by opcode and are never unpickled here: only their
bytes are written. The few plain-data pickles under opcodes/ are made by Python's pickle and their
expected values by Python's pickle.loads (they hold no globals that run anything).
"""

import argparse
import copyreg
import io
import json
import os
import pickle
import shutil
import struct
import sys
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "testmodels" / "torch"
SHARED_ALLENNLP = Path("/work/shared/conformance/torch-allennlp")
# The file the hostile payloads would create if anything ever ran them; tests assert it never appears.
MARKER = "/tmp/rnnport-unsafe-pickle-ran"

torch.set_num_threads(1)


def save_npy(path, t):
    np.save(path, t.detach().numpy() if isinstance(t, torch.Tensor) else t)


def record_run(folder, module, x, hx=None):
    """Runs `module` on x and stores input and PyTorch's outputs next to the model file."""
    folder.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        y, h = module(x, hx)
    save_npy(folder / "input.npy", x)
    save_npy(folder / "output.npy", y)
    if isinstance(h, tuple):
        save_npy(folder / "h_n.npy", h[0])
        save_npy(folder / "c_n.npy", h[1])
    else:
        save_npy(folder / "h_n.npy", h)


# ---------------------------------------------------------------- valid files, written by PyTorch

class Dictionary:
    """A vocabulary object of the kind training scripts put into checkpoints (pickled as __main__.Dictionary)."""

    def __init__(self):
        self.word2idx = {"<pad>": 0, "the": 1, "cat": 2}
        self.idx2word = ["<pad>", "the", "cat"]


class TaggedTensor(torch.Tensor):
    """A tensor subclass: torch.save writes it through torch._tensor._rebuild_from_type_v2."""


def checkpoint_lstm():
    torch.manual_seed(101)
    net = nn.Module()
    net.model = nn.Module()
    net.model.encoder = nn.LSTM(3, 5, num_layers=2, bidirectional=True)
    net.model.decoder = nn.Linear(10, 2)
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    x = torch.randn(6, 2, 3)
    y, _ = net.model.encoder(x)
    net.model.decoder(y).pow(2).mean().backward()
    opt.step()
    sd = net.state_dict()
    sd["model.encoder.bias_hh_l1"] = sd["model.encoder.bias_hh_l1"].as_subclass(TaggedTensor)
    sd["model.encoder.bias_hh_l1"].note = "kept by _rebuild_from_type_v2"
    checkpoint = {
        "epoch": 7,
        "global_step": 140,
        "pytorch-lightning_version": "1.9.0",
        "state_dict": sd,
        "optimizer_states": [opt.state_dict()],
        "hyper_parameters": {"hidden_size": 5, "lr": 0.01, "betas": (0.9, 0.999)},
        "args": argparse.Namespace(data="corpus.txt", epochs=7, cuda=False),
        "vocab": Dictionary(),
        "best_loss": float("inf"),
    }
    folder = OUT / "checkpoint_lstm"
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint, folder / "model.pt")
    torch.save(checkpoint, folder / "model_legacy.pt", _use_new_zipfile_serialization=False)
    torch.manual_seed(102)
    record_run(folder, net.model.encoder, torch.randn(4, 2, 3))


class ScriptedTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2)
        self.head = nn.Linear(6, 2)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.head(y)


def torchscript_lstm():
    torch.manual_seed(201)
    m = ScriptedTagger()
    folder = OUT / "torchscript_lstm"
    folder.mkdir(parents=True, exist_ok=True)
    torch.jit.save(torch.jit.script(m), folder / "model.pt")
    torch.manual_seed(202)
    record_run(folder, m.lstm, torch.randn(5, 3, 4))


def gru_half(name, dtype, protocol):
    torch.manual_seed(301 if dtype == torch.float16 else 302)
    gru = nn.GRU(3, 4, num_layers=2)
    low = gru.to(dtype)
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(low.state_dict(), folder / "model.pt", pickle_protocol=protocol)
    # PyTorch's CPU GRU does not run in half precision; the reference is the float32 module
    # holding exactly the rounded values the file stores.
    ref = low.float()
    torch.manual_seed(303)
    record_run(folder, ref, torch.randn(5, 2, 3))


def strided_shared():
    torch.manual_seed(401)
    lstm = nn.LSTM(3, 4)
    pool = torch.randn(4, 40)
    sd = OrderedDict()
    sd["weight_ih_l0"] = torch.randn(3, 16).t()     # transposed: strides (1, 16)
    sd["weight_hh_l0"] = pool[:, 5:21].t()          # offset 5, strides (1, 40), in pool's storage
    sd["bias_ih_l0"] = pool[1, 0:32:2]              # offset 40, stride 2, same storage
    sd["bias_hh_l0"] = pool[3, 8:24]                # offset 128, same storage
    sd["pool"] = pool                                # the whole storage once more
    lstm.load_state_dict({k: v for k, v in sd.items() if k != "pool"})
    folder = OUT / "strided_shared"
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(sd, folder / "model.pt")
    torch.save(sd, folder / "model_legacy.pt", _use_new_zipfile_serialization=False)
    torch.manual_seed(402)
    record_run(folder, lstm, torch.randn(5, 2, 3))


def two_rnns():
    torch.manual_seed(501)
    m = nn.Module()
    m.encoder = nn.RNN(3, 4)
    m.decoder = nn.RNN(4, 2, num_layers=2)
    folder = OUT / "two_rnns"
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(m.state_dict(), folder / "model.pt", pickle_protocol=4)
    torch.save(m.state_dict(), folder / "model_legacy.pt", pickle_protocol=4, _use_new_zipfile_serialization=False)
    torch.manual_seed(502)
    record_run(folder / "encoder", m.encoder, torch.randn(5, 2, 3))
    record_run(folder / "decoder", m.decoder, torch.randn(5, 2, 4))


class WholeTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(2, 3)
        self.rnn = nn.RNN(3, 5, nonlinearity="relu", batch_first=True, bidirectional=True)


def whole_module():
    """torch.save(model): the module objects themselves, with their settings, are pickled."""
    torch.manual_seed(601)
    m = WholeTagger()
    folder = OUT / "whole_module"
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(m, folder / "model.pt", pickle_protocol=5)
    torch.save(m, folder / "model_legacy.pt", _use_new_zipfile_serialization=False)
    torch.manual_seed(602)
    record_run(folder, m.rnn, torch.randn(2, 4, 3))


# ------------------------------------- other PyTorch versions' layouts, assembled by hand

def other_layouts():
    """One GRU's PyTorch state dict re-pickled in layouts PyTorch 1.13 does not write, with that
    module's outputs as the reference (the values are PyTorch's; only the packaging is by hand):

    torch21.pt             zip, as PyTorch >= 2.1 can write tensors: _rebuild_parameter_with_state
                           of _rebuild_tensor_v3 over torch.UntypedStorage with a dtype global, and
                           a `byteorder` record
    torch21_big_endian.pt  the same with the values big-endian and byteorder "big"
    torch04_cuda_views.pt  legacy, as PyTorch 0.4 wrote a GPU model whose parameters were views of
                           one flat weight buffer: _rebuild_tensor over torch.cuda.FloatStorage
                           views ((view_key, offset, size) metadata) of one root storage
    """
    torch.manual_seed(701)
    gru = nn.GRU(3, 4)
    sd = gru.state_dict()
    folder = OUT / "other_layouts"
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(702)
    record_run(folder, gru, torch.randn(5, 2, 3))
    for name, order in (("torch21.pt", "little"), ("torch21_big_endian.pt", "big")):
        p = Pickle(proto=2)
        p.op(b"\x80\x02")
        p.global_("collections", "OrderedDict").op(b")R")
        p.op(b"(")
        records = {}
        for i, (k, t) in enumerate(sd.items()):
            data = t.contiguous().numpy().astype(">f4" if order == "big" else "<f4").tobytes()
            records[str(i)] = data
            p.unicode(k)
            p.global_("torch._utils", "_rebuild_parameter_with_state")
            p.op(b"(")
            p.global_("torch._utils", "_rebuild_tensor_v3")
            p.op(b"(")
            p.op(b"(").unicode("storage").global_("torch", "UntypedStorage").unicode(str(i)).unicode("cpu")
            p.int(len(data)).op(b"tQ")
            p.int(0)
            p.tuple_of_ints(t.shape)
            p.tuple_of_ints(t.stride())
            p.op(b"\x89")  # requires_grad False
            p.global_("collections", "OrderedDict").op(b")R")
            p.global_("torch", "float32")
            p.op(b"tR")
            p.op(b"\x88")
            p.global_("collections", "OrderedDict").op(b")R")
            p.op(b"}").unicode("tag").unicode("kept as state").op(b"s")
            p.op(b"tR")
        p.op(b"u.")
        write_zip(folder / name, "archive", [("data.pkl", p.bytes()), ("byteorder", order.encode())]
                  + [(f"data/{k}", v) for k, v in records.items()] + [("version", b"3\n")])

    flat = torch.cat([t.reshape(-1) for t in sd.values()])
    root_key = "140234567890"
    p = Pickle(proto=2).op(b"\x80\x02")
    p.global_("collections", "OrderedDict").op(b")R(")
    offset = 0
    for i, (k, t) in enumerate(sd.items()):
        p.unicode(k)
        p.global_("torch._utils", "_rebuild_tensor").op(b"(")
        p.op(b"(").unicode("storage").global_("torch.cuda", "FloatStorage").unicode(root_key).unicode("cuda:0")
        p.int(flat.numel())
        p.op(b"(").unicode(str(140234567900 + i)).int(offset).int(t.numel()).op(b"t")
        p.op(b"tQ")
        p.int(0).tuple_of_ints(t.shape).tuple_of_ints(t.stride())
        p.op(b"tR")
        offset += t.numel()
    p.op(b"u.")
    storages = struct.pack("<q", flat.numel()) + flat.numpy().astype("<f4").tobytes()
    (folder / "torch04_cuda_views.pt").write_bytes(legacy_frame(p.bytes(), [root_key], storages))


# --------------------------------------------------------------------- assembling raw pickles

class Pickle:
    """Writes pickle opcodes one by one. Nothing here ever unpickles."""

    def __init__(self, proto=2):
        self.buf = bytearray()
        self.proto = proto

    def op(self, b):
        self.buf += b
        return self

    def global_(self, module, name):
        return self.op(b"c" + module.encode() + b"\n" + name.encode() + b"\n")

    def unicode(self, s):
        b = s.encode()
        return self.op(b"X" + struct.pack("<I", len(b)) + b)

    def int(self, v):
        if 0 <= v < 256:
            return self.op(b"K" + bytes([v]))
        if -2**31 <= v < 2**31:
            return self.op(b"J" + struct.pack("<i", v))
        n = (v.bit_length() + 8) // 8
        return self.op(b"\x8a" + bytes([n]) + v.to_bytes(n, "little", signed=True))

    def tuple_of_ints(self, vals):
        self.op(b"(")
        for v in vals:
            self.int(v)
        return self.op(b"t")

    def bytes(self):
        return bytes(self.buf)


def write_zip(path, folder, records, deflate=()):
    """A zip in torch's layout: one top folder, records stored (or deflated when named in `deflate`)."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in records:
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
            z.writestr(info, data)


def legacy_frame(payload, storage_keys=(), storages=b""):
    """The legacy torch.save layout around an object pickle: magic number, protocol version and
    system info pickles, the object, the storage key list, then raw storage records."""
    out = pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2)
    out += pickle.dumps(1001, protocol=2)
    out += pickle.dumps({"protocol_version": 1001, "little_endian": True,
                         "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    out += payload
    out += pickle.dumps(list(storage_keys), protocol=2)
    return out + storages


def state_dict_pickle(numel, size, stride, offset=0):
    """{'weight_ih_l0': tensor} whose storage '0' claims `numel` float32 elements."""
    p = Pickle()
    p.op(b"\x80\x02}").unicode("weight_ih_l0")
    p.global_("torch._utils", "_rebuild_tensor_v2").op(b"(")
    p.op(b"(").unicode("storage").global_("torch", "FloatStorage").unicode("0").unicode("cpu").int(numel).op(b"tQ")
    p.int(offset).tuple_of_ints(size).tuple_of_ints(stride).op(b"\x89")
    p.global_("collections", "OrderedDict").op(b")R")
    return p.op(b"tRs.").bytes()


def hostile():
    folder = OUT / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    cmd = f"touch {MARKER}"

    # os.system("touch ...") as a bare pickle, the classic payload.
    p = Pickle().op(b"\x80\x02").global_("os", "system").unicode(cmd).op(b"\x85R.")
    (folder / "os_system.pt").write_bytes(p.bytes())

    # builtins.eval in the data.pkl of an otherwise torch-shaped zip.
    p = Pickle().op(b"\x80\x02").global_("builtins", "eval")
    p.unicode(f"__import__('os').system('{cmd}')").op(b"\x85R.")
    write_zip(folder / "builtins_eval.pt", "builtins_eval", [("data.pkl", p.bytes()), ("version", b"3\n")])

    # subprocess.Popen reached through STACK_GLOBAL (protocol 4) inside a legacy torch.save frame.
    p = Pickle(4).op(b"\x80\x04")
    p.op(b"\x8c" + bytes([10]) + b"subprocess\x94").op(b"\x8c" + bytes([5]) + b"Popen\x94\x93\x94")
    p.op(b"]").op(b"(").unicode("touch").unicode(MARKER).op(b"e\x85R.")
    (folder / "subprocess_popen.pt").write_bytes(legacy_frame(p.bytes()))

    # os.system spelled as an attribute path: find_class('torch', 'os.system') imports torch and
    # follows torch.os (torch imported os) to system. In a torch-shaped zip, protocol 4.
    p = Pickle(4).op(b"\x80\x04")
    p.op(b"\x8c" + bytes([5]) + b"torch\x94").op(b"\x8c" + bytes([9]) + b"os.system\x94\x93\x94")
    p.unicode(cmd).op(b"\x85R.")
    write_zip(folder / "torch_attribute_os_system.pt", "archive", [("data.pkl", p.bytes()), ("version", b"3\n")])

    # The same through several modules, with GLOBAL in a legacy frame: torch.nn.modules.module
    # imports torch, torch imports torch.serialization, which imports os.
    p = Pickle().op(b"\x80\x02").global_("torch.nn", "modules.module.torch.serialization.os.system")
    p.unicode(cmd).op(b"\x85R.")
    (folder / "module_chain_os_system.pt").write_bytes(legacy_frame(p.bytes()))

    # A million nested MARKs: a nesting bomb for anything that recurses while unpickling.
    p = Pickle().op(b"\x80\x02" + b"(" * 1_000_000 + b"N.")
    write_zip(folder / "mark_nesting_bomb.pt", "archive", [("data.pkl", p.bytes()), ("version", b"3\n")],
              deflate=("data.pkl",))

    # A list nested a million deep, built with constant stack through the memo: a recursion bomb
    # for whatever walks the result.
    p = Pickle().op(b"\x80\x02]q\x00")
    p.op(b"]h\x00aq\x000" * 1_000_000)
    p.op(b"h\x00.")
    write_zip(folder / "list_nesting_bomb.pt", "archive", [("data.pkl", p.bytes()), ("version", b"3\n")],
              deflate=("data.pkl",))

    # LONG_BINPUT at index 2^32-1: an unpickler with an array memo allocates 32 GB.
    p = Pickle().op(b"\x80\x02N" + b"r" + struct.pack("<I", 0xFFFFFFFF) + b".")
    (folder / "memo_index_bomb.pt").write_bytes(legacy_frame(p.bytes()))

    # Three million memoized empty lists: tiny when deflated, hundreds of MB as objects.
    p = Pickle(4).op(b"\x80\x04" + b"]\x940" * 3_000_000 + b"N.")
    write_zip(folder / "memo_flood_bomb.pt", "archive", [("data.pkl", p.bytes()), ("version", b"3\n")],
              deflate=("data.pkl",))

    # Billion laughs: 64 levels of dicts that each hold the level below twice (2^64 paths).
    p = Pickle().op(b"\x80\x02}q\x00")
    for _ in range(64):
        p.op(b"}(").unicode("a").op(b"h\x00").unicode("b").op(b"h\x00").op(b"uq\x000")
    p.op(b"h\x00.")
    (folder / "laughs_bomb.pt").write_bytes(legacy_frame(p.bytes()))

    # BINUNICODE claiming 4 GB in a file of a few bytes.
    p = Pickle().op(b"\x80\x02X" + struct.pack("<I", 0xFFFFFFF0) + b"weight_ih_l0.")
    write_zip(folder / "huge_binunicode.pt", "archive", [("data.pkl", p.bytes()), ("version", b"3\n")])

    # BINUNICODE8 claiming 2^62 bytes, inside a legacy frame.
    p = Pickle(4).op(b"\x80\x04\x8d" + struct.pack("<Q", 1 << 62) + b"abc.")
    (folder / "huge_binunicode8.pt").write_bytes(legacy_frame(p.bytes()))

    # A storage that claims 10^12 floats while its record holds 192 bytes.
    write_zip(folder / "storage_larger_than_record.pt", "archive",
              [("data.pkl", state_dict_pickle(10**12, (16, 3), (3, 1))), ("data/0", bytes(192)), ("version", b"3\n")])

    # A tensor view reaching past the end of its (honest) storage.
    write_zip(folder / "view_outside_storage.pt", "archive",
              [("data.pkl", state_dict_pickle(48, (16, 3), (3, 1), offset=10)), ("data/0", bytes(192)), ("version", b"3\n")])

    # One real tensor named through a path 900 levels deep of 100-character keys, then referenced
    # 200 000 times: 18 GB of names if each reference were spelled out.
    p = Pickle().op(b"\x80\x02")
    p.global_("torch._utils", "_rebuild_tensor_v2").op(b"(")
    p.op(b"(").unicode("storage").global_("torch", "FloatStorage").unicode("0").unicode("cpu").int(4).op(b"tQ")
    p.int(0).tuple_of_ints((4,)).tuple_of_ints((1,)).op(b"\x89")
    p.global_("collections", "OrderedDict").op(b")RtRq\x000")
    for level in range(900):
        p.op(b"}").unicode(f"{level:03d}" + "k" * 97)
    p.op(b"](" + b"h\x00" * 200_000 + b"e")
    p.op(b"s" * 900 + b".")
    write_zip(folder / "name_bomb.pt", "archive",
              [("data.pkl", p.bytes()), ("data/0", bytes(16)), ("version", b"3\n")], deflate=("data.pkl",))

    # A tuple nested 100 000 deep through builtins.tuple([previous]), then used as a dict key:
    # hashing it recurses once per level.
    p = Pickle().op(b"\x80\x02Nq\x00").global_("builtins", "tuple").op(b"q\x010")
    p.op(b"h\x01]h\x00a\x85Rq\x000" * 100_000)
    p.op(b"}h\x00Ns.")
    write_zip(folder / "tuple_key_bomb.pt", "archive", [("data.pkl", p.bytes()), ("version", b"3\n")],
              deflate=("data.pkl",))

    # A tensor of 2^30 elements that repeats one stored float (strides 0): 4 bytes in the file,
    # 8 GB once decoded if the reader trusted the view.
    write_zip(folder / "expanded_view_bomb.pt", "archive",
              [("data.pkl", state_dict_pickle(1, (1 << 16, 1 << 14), (0, 0))), ("data/0", bytes(4)), ("version", b"3\n")])

    # A legacy file whose storage record says 2^40 elements; 64 bytes follow.
    storages = struct.pack("<q", 1 << 40) + bytes(64)
    (folder / "legacy_count_exceeds_file.pt").write_bytes(
        legacy_frame(state_dict_pickle(16, (4, 4), (4, 1)), ["0"], storages))


# ------------------------------------------------------- plain-data pickles for the opcode tests

class Point:
    """A class of the test's own: unpickled by rnnport as an inert placeholder."""

    def __init__(self):
        self.x, self.y = 1, 2


def describe(v):
    """A JSON form of a plain value that keeps Python's types apart."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if -2**53 < v < 2**53 else {"int": str(v)}
    if isinstance(v, float):
        return v if v == v and abs(v) != float("inf") else {"float": repr(v)}
    if isinstance(v, (bytes, bytearray)):
        return {"bytearray" if isinstance(v, bytearray) else "bytes": v.hex()}
    if isinstance(v, tuple):
        return {"tuple": [describe(x) for x in v]}
    if isinstance(v, list):
        return [describe(x) for x in v]
    if isinstance(v, (set, frozenset)):
        return {"frozenset" if isinstance(v, frozenset) else "set": sorted((describe(x) for x in v), key=json.dumps)}
    if isinstance(v, dict):
        return {"dict": [[describe(k), describe(x)] for k, x in v.items()]}
    if isinstance(v, Point):
        return {"object": "__main__.Point", "state": describe(vars(v))}
    raise TypeError(type(v))


def opcode_pickles():
    folder = OUT / "opcodes"
    folder.mkdir(parents=True, exist_ok=True)
    value = {
        "ints": [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31 - 1, 2**31, 2**63, -2**63 - 1, 10**30, -(10**40)],
        "floats": [0.0, -0.0, 1.5, -2.25, 1e300, 5e-324, float("inf"), float("-inf")],
        "text": ["", "ascii", "é ü 漢字 \U0001F600", "x" * 300, "line\nbreak\\slash"],
        "bytes": [b"", b"\x00\xff\x80abc", bytes(range(256)), bytearray(b"mutable")],
        "tuples": [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
        "sets": [set(), {1, 2, 3}, frozenset(), frozenset({"a", "b"})],
        "consts": [None, True, False],
        "nested": {"a": {"b": [[], {}, ()]}, (1, "k"): "tuple key", 3: "int key"},
        "object": Point(),
    }
    shared = [1, 2]
    value["shared"] = [shared, shared]
    for proto in range(6):
        data = pickle.dumps(value, protocol=proto)
        (folder / f"protocol{proto}.pkl").write_bytes(data)
        check = pickle.loads(data)
        assert describe(check) == describe(value)
    (folder / "expected.json").write_text(json.dumps(describe(value), indent=1, ensure_ascii=True) + "\n")

    # Python 2 era opcodes (STRING, BINSTRING, SHORT_BINSTRING, INT bools, LONG text, PUT/GET,
    # DICT/LIST/TUPLE, POP_MARK, DUP), assembled by hand; expected value from pickle.loads.
    p = (b"(dp0\nS'name'\np1\nS'legacy \\'quoted\\' \\x41'\np2\n"
         b"sS'flags'\np3\n(I01\nI00\nI42\nL12345678901234567890L\nF-1.25\ntp4\n"
         b"sS'bin'\np5\nT\x05\x00\x00\x00hello"
         b"sU\x05short(lp6\ng1\naV\\u00e9t\\u00e9\np7\naI1\n0(I2\nI3\n1s"
         b"S'dup'\np8\n2s.")
    (folder / "python2_opcodes.pkl").write_bytes(p)
    (folder / "python2_expected.json").write_text(
        json.dumps(describe(pickle.loads(p, encoding="utf-8")), indent=1, ensure_ascii=True) + "\n")

    # Real refusals: an extension-registry code and protocol 5 out-of-band buffers.
    copyreg.add_extension("__main__", "Point", 240)
    (folder / "ext1.pkl").write_bytes(pickle.dumps(Point(), protocol=2))
    copyreg.remove_extension("__main__", "Point", 240)
    buffers = []
    (folder / "next_buffer.pkl").write_bytes(
        pickle.dumps([pickle.PickleBuffer(b"abc"), pickle.PickleBuffer(bytearray(b"xyz"))], protocol=5,
                     buffer_callback=buffers.append))


def copy_allennlp():
    dest = OUT / "allennlp"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(SHARED_ALLENNLP, dest)
    for p in dest.rglob("*"):
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    os.chmod(dest, 0o755)


def main():
    # String hashing is randomised per process; a fixed seed keeps set orders, and so the
    # pickles, the same from run to run.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    OUT.mkdir(parents=True, exist_ok=True)
    checkpoint_lstm()
    torchscript_lstm()
    gru_half("gru_fp16", torch.float16, 2)
    gru_half("gru_bf16", torch.bfloat16, 3)
    strided_shared()
    two_rnns()
    whole_module()
    other_layouts()
    hostile()
    opcode_pickles()
    if SHARED_ALLENNLP.exists():
        copy_allennlp()
    print("torch", torch.__version__, "numpy", np.__version__, "python", sys.version.split()[0])


if __name__ == "__main__":
    main()
